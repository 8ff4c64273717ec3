from dataclasses import dataclass

import pytest
from django.utils import timezone

from medcenter.accounts.models import User
from medcenter.accounts.tests.factories import UserFactory, verified
from medcenter.directory.models import Program
from medcenter.messaging import services
from medcenter.messaging.models import Pool, PoolKind, Thread
from medcenter.messaging.tests.factories import (
    PoolFactory,
    ProgramFactory,
    pool_worker,
    put_in_program,
)
from medcenter.patients.access import resolve_access
from medcenter.patients.models import Patient
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory

TEXT_FILE = b"lab values from my GP\n"


@dataclass
class Msg:
    program: Program
    nurse: Pool
    scheduling: Pool
    user_a: User
    patient_a: Patient
    user_b: User
    patient_b: Patient
    thread_a: Thread
    thread_b: Thread
    nurse_user: User
    outsider: User  # works another pool
    proxy_no_messages: User  # a proxy of A whose grant lacks "messages"
    proxy_messages: User


@pytest.fixture
def msg(db, settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path
    program = ProgramFactory()
    nurse = PoolFactory(program=program, reply_business_days=2)
    scheduling = PoolFactory(kind=PoolKind.SCHEDULING, program=None, reply_business_days=1)
    other = PoolFactory(program=ProgramFactory())
    user_a, user_b = UserFactory(), UserFactory()
    patient_a = PatientFactory(user=user_a, given_name="Alma", family_name="Quillfeather")
    patient_b = PatientFactory(user=user_b, given_name="Brisa", family_name="Zephyrine")
    for p in (patient_a, patient_b):
        put_in_program(p, program)
    from medcenter.core.uploads import check_upload

    upload = check_upload(name="gp.txt", content=TEXT_FILE)
    thread_a = services.start_thread(
        user_a, access=resolve_access(user_a, patient_a), pool=nurse, subject="A's", body="Hi A"
    )
    thread_b = services.start_thread(
        user_b,
        access=resolve_access(user_b, patient_b),
        pool=nurse,
        subject="B's secret subject",
        body="B's secret body",
        files=[upload],
    )
    nurse_user = pool_worker(nurse)
    services.post_staff_reply(verified(nurse_user), thread=thread_b, body="Reply to B")
    proxy_no, proxy_yes = UserFactory(), UserFactory()
    for proxy, scopes in ((proxy_no, ["appointments"]), (proxy_yes, ["messages"])):
        ProxyGrantFactory(
            proxy=proxy,
            patient=patient_a,
            scopes=scopes,
            relationship="spouse",
            consent_recorded_at=timezone.now(),
        )
    return Msg(
        program=program,
        nurse=nurse,
        scheduling=scheduling,
        user_a=user_a,
        patient_a=patient_a,
        user_b=user_b,
        patient_b=patient_b,
        thread_a=thread_a,
        thread_b=thread_b,
        nurse_user=type(nurse_user).objects.get(pk=nurse_user.pk),
        outsider=pool_worker(other),
        proxy_no_messages=proxy_no,
        proxy_messages=proxy_yes,
    )

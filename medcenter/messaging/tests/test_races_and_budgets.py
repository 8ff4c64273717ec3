"""Races decided by constraints, and list pages whose queries do not grow with history."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import UserFactory, sign_in_verified, verified
from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.messaging import services
from medcenter.messaging.models import Message, Thread
from medcenter.messaging.portal import unread_replies
from medcenter.messaging.tests.factories import (
    PoolFactory,
    ProgramFactory,
    pool_worker,
    put_in_program,
)
from medcenter.patients.access import resolve_access
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling.tests.races import at_once


@pytest.mark.django_db(transaction=True)
def test_concurrent_alerts_with_one_dedupe_key_make_one_thread():
    program = ProgramFactory()
    PoolFactory(program=program)
    patient = PatientFactory()
    due = timezone.now() + timedelta(hours=4)

    def raise_it():
        return services.raise_alert(
            patient,
            subject="Severe",
            body="4/4",
            due_at=due,
            dedupe_key="qr:1:alert",
            program=program,
        )

    results = at_once(*[raise_it for _ in range(6)])

    assert all(isinstance(r, Thread) for r in results), results
    assert len({r.pk for r in results}) == 1
    assert Thread.objects.count() == 1 and Message.objects.count() == 1


@pytest.mark.django_db(transaction=True)
def test_concurrent_sends_with_one_key_make_one_message():
    program = ProgramFactory()
    pool = PoolFactory(program=program)
    user = UserFactory()
    patient = PatientFactory(user=user)
    put_in_program(patient, program)
    access = resolve_access(user, patient)
    thread = services.start_thread(user, access=access, pool=pool, subject="s", body="b")

    def send():
        return services.post_patient_message(
            user, access=access, thread=thread, body="once", idempotency_key="same"
        )

    results = at_once(*[send for _ in range(5)])

    assert all(isinstance(r, Message) for r in results), results
    assert Message.objects.filter(body="once").count() == 1


@pytest.fixture
def history(db):
    program = ProgramFactory()
    pool = PoolFactory(program=program)
    user = UserFactory()
    patient = PatientFactory(user=user)
    put_in_program(patient, program)
    access = resolve_access(user, patient)
    nurse = verified(pool_worker(pool))

    def grow():
        for n in range(3):
            thread = services.start_thread(
                user, access=access, pool=pool, subject=f"s{n}", body="b"
            )
            services.post_staff_reply(nurse, thread=thread, body="r")

    grow()
    return {"user": user, "patient": patient, "access": access, "nurse": nurse, "grow": grow}


def test_the_home_panel_counts_unread_replies_in_constant_queries(history):
    before, after = assert_flat_queries(
        lambda: unread_replies(history["access"], history["user"]), history["grow"]
    )

    assert before[0].count == 3 and after[0].count == 6
    assert "messages" in before[0].url


def test_the_home_panel_is_empty_with_nothing_unread(db):
    user = UserFactory()
    patient = PatientFactory(user=user)

    assert unread_replies(resolve_access(user, patient), user) == []


def test_the_thread_list_page_has_a_flat_query_count(history):
    client = Client()
    client.force_login(history["user"])
    url = reverse("messaging:portal_threads", args=[history["patient"].public_id])

    before, after = assert_flat_queries(lambda: client.get(url), history["grow"])

    assert before.content.count(b"thread-list__item") == 3
    assert after.content.count(b"thread-list__item") == 6


def test_the_inbox_has_a_flat_query_count(history):
    client = Client()
    sign_in_verified(client, history["nurse"])
    url = reverse("messaging:staff_inbox")

    before, after = assert_flat_queries(
        lambda: client.get(url),
        history["grow"],
        ignoring=("core_auditevent", "core_auditchainhead"),
    )

    assert before.status_code == 200 and after.content.count(b"<tr>") > before.content.count(
        b"<tr>"
    )


def test_the_inbox_pages_by_key_without_gaps_or_repeats(history):
    from medcenter.messaging import selectors

    for _ in range(9):
        history["grow"]()  # 30 threads in all, all answered (no due time)
    Thread.objects.filter(subject="s0").update(due_at=timezone.now() - timedelta(hours=1))
    pools = list(selectors.pools_worked_by(history["nurse"]))
    seen, cursor = [], ""
    while True:
        page = selectors.inbox(history["nurse"], pools=pools, cursor=cursor)
        seen += [t.pk for t in page.threads]
        if not page.next_cursor:
            break
        cursor = page.next_cursor

    assert len(seen) == len(set(seen)) == 30
    assert Thread.objects.get(pk=seen[0]).subject == "s0"  # overdue first

import io

import pytest
from django.core.management import call_command
from django.db import transaction
from django.test import override_settings
from django.utils import translation

from medcenter.accounts.models import User
from medcenter.accounts.roles import ROLES
from medcenter.patients.access import resolve_access
from medcenter.patients.models import Patient, ProxyGrant

pytestmark = pytest.mark.django_db


def _seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


@pytest.fixture(scope="module")
def first_seed(django_db_setup, django_db_blocker):
    """The demo loaded once into the empty database, for the module; what it printed.

    A whole demo is thousands of queries, so the tests share this first load (Django's
    `setUpTestData`): it happens in a transaction rolled back at the module's end, and each
    test's own transaction is a savepoint inside it. Settings as the suite's autouse fixtures
    set them for a test (immediate tasks, fast hashing, English).
    """
    with (
        django_db_blocker.unblock(),
        override_settings(
            TASKS={"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}},
            PASSWORD_HASHERS=["django.contrib.auth.hashers.MD5PasswordHasher"],
        ),
        translation.override("en"),
    ):
        seeded = transaction.atomic()
        seeded.__enter__()
        try:
            output = _seed()
        except BaseException:
            transaction.set_rollback(True)
            seeded.__exit__(None, None, None)
            raise
    yield output
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        seeded.__exit__(None, None, None)


def test_the_demo_can_be_loaded_again_and_again_with_the_same_result(first_seed):
    counts = (User.objects.count(), Patient.objects.count(), ProxyGrant.objects.count())
    mrns = set(Patient.objects.values_list("mrn", flat=True))

    second = _seed()

    assert (User.objects.count(), Patient.objects.count(), ProxyGrant.objects.count()) == counts
    assert set(Patient.objects.values_list("mrn", flat=True)) == mrns
    assert first_seed == second


def test_the_demo_prints_a_log_in_for_every_role_two_patients_and_a_parent_proxy(first_seed):
    output = first_seed

    for role in ROLES:
        assert role.name.replace("_", " ") in output
    assert output.count("  patient  ") == 2
    assert "parent proxy" in output
    assert "authenticator key" in output


def test_the_parent_proxy_sees_the_fourteen_year_old_without_confidential_items(first_seed):
    parent = User.objects.get(email__startswith="jonah.fenwick")
    grant = ProxyGrant.objects.get(proxy=parent)

    access = resolve_access(parent, grant.patient)

    assert grant.patient.age_on(grant.created_at.date()) == 14
    assert access is not None
    assert not access.sees_confidential


def test_the_demo_has_a_new_patient_waiting_with_a_plausible_duplicate(first_seed):
    from medcenter.accounts.demo import staff_email
    from medcenter.accounts.tests.factories import verified
    from medcenter.patients.selectors import reconciliation_queue

    scheduler = verified(User.objects.get(email=staff_email("scheduler")))
    queue = reconciliation_queue(scheduler)

    assert len(queue) == 1
    new = queue[0].registration.patient
    assert new.provisional and new.appointments.filter(status="booked").count() == 1
    assert [d.reasons for d in queue[0].duplicates] == [["name_and_birth_date"]]

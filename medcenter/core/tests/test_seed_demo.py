import io

import pytest
from django.core.management import call_command

from medcenter.accounts.models import User
from medcenter.accounts.roles import ROLES
from medcenter.patients.access import resolve_access
from medcenter.patients.models import Patient, ProxyGrant

pytestmark = pytest.mark.django_db


def _seed():
    out = io.StringIO()
    call_command("seed_demo", stdout=out)
    return out.getvalue()


def test_the_demo_can_be_loaded_again_and_again_with_the_same_result():
    first = _seed()
    counts = (User.objects.count(), Patient.objects.count(), ProxyGrant.objects.count())
    mrns = set(Patient.objects.values_list("mrn", flat=True))

    second = _seed()

    assert (User.objects.count(), Patient.objects.count(), ProxyGrant.objects.count()) == counts
    assert set(Patient.objects.values_list("mrn", flat=True)) == mrns
    assert first == second


def test_the_demo_prints_a_log_in_for_every_role_two_patients_and_a_parent_proxy():
    output = _seed()

    for role in ROLES:
        assert role.name.replace("_", " ") in output
    assert output.count("  patient  ") == 2
    assert "parent proxy" in output
    assert "authenticator key" in output


def test_the_parent_proxy_sees_the_fourteen_year_old_without_confidential_items():
    _seed()
    parent = User.objects.get(email__startswith="jonah.fenwick")
    grant = ProxyGrant.objects.get(proxy=parent)

    access = resolve_access(parent, grant.patient)

    assert grant.patient.age_on(grant.created_at.date()) == 14
    assert access is not None
    assert not access.sees_confidential

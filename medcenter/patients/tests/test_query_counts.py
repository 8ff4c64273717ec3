"""Every patients list page costs the same queries for one row as for ten (the staff list also
has a ceiling in test_staff_pages.py)."""

import pytest
from django.test import Client

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.core import audit
from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.patients.tests.factories import (
    BreakGlassGrantFactory,
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)

pytestmark = pytest.mark.django_db

MORE = 9


def _signed_in(user):
    client = Client()
    if user.is_staff:
        sign_in_verified(client, user)
    else:
        client.force_login(user)
    return client


def test_the_staff_patient_list():
    scheduler = StaffUserFactory(roles=["scheduler"])
    CareRelationshipFactory(staff=scheduler)
    client = _signed_in(scheduler)

    def grow():
        for _ in range(MORE):
            CareRelationshipFactory(staff=scheduler)

    _before, after = assert_flat_queries(lambda: client.get("/en/staff/patients/"), grow)

    assert after.status_code == 200
    assert after.content.decode().count("/en/staff/patients/") > 1 + MORE


def test_my_records():
    """A parent with their own record and the records of the children they are proxy for."""
    parent = UserFactory()
    PatientFactory(user=parent)
    ProxyGrantFactory(proxy=parent, patient=PatientFactory(date_of_birth=born_years_ago(8)))
    client = _signed_in(parent)

    def grow():
        for years in range(1, 1 + MORE):
            child = PatientFactory(date_of_birth=born_years_ago(years, days=30 + years))
            ProxyGrantFactory(proxy=parent, patient=child)

    _before, after = assert_flat_queries(lambda: client.get("/en/portal/"), grow)

    assert after.status_code == 200
    assert after.content.decode().count("/en/portal/") >= 2 + MORE


def _proxies_of(patient):
    ProxyGrantFactory(patient=patient, proxy=UserFactory())


@pytest.mark.parametrize("who", ["the patient", "a nurse navigator"])
def test_a_patients_proxies(who):
    user = UserFactory() if who == "the patient" else StaffUserFactory(roles=["nurse_navigator"])
    patient = PatientFactory(user=user if who == "the patient" else None)
    if user.is_staff:
        CareRelationshipFactory(staff=user, patient=patient)
        url = f"/en/staff/patients/{patient.public_id}/proxies/"
    else:
        url = f"/en/portal/{patient.public_id}/proxies/"
    _proxies_of(patient)
    client = _signed_in(user)

    def grow():
        for _ in range(MORE):
            _proxies_of(patient)

    _before, after = assert_flat_queries(lambda: client.get(url), grow)

    assert after.status_code == 200
    assert after.content.decode().count("/revoke/") == 1 + MORE


def test_the_break_glass_review_queue():
    BreakGlassGrantFactory()
    client = _signed_in(StaffUserFactory(roles=["privacy_officer"]))

    def grow():
        for _ in range(MORE):
            BreakGlassGrantFactory()

    _before, after = assert_flat_queries(lambda: client.get("/en/staff/privacy/break-glass/"), grow)

    assert after.status_code == 200
    assert after.content.decode().count("/review/") == 1 + MORE


@pytest.mark.parametrize("who", ["the patient", "a privacy officer"])
def test_a_records_access_history(who):
    owner = UserFactory()
    patient = PatientFactory(user=owner)
    if who == "the patient":
        reader, url = owner, f"/en/portal/{patient.public_id}/access-history/"
    else:
        reader = StaffUserFactory(roles=["privacy_officer"])
        url = f"/en/staff/patients/{patient.public_id}/access-history/"
    client = _signed_in(reader)

    def opened_by_someone():
        audit.record(
            action="patient.viewed",
            actor=StaffUserFactory(roles=["clinician"]),
            patient=patient,
            target=patient,
            read=True,
        )

    opened_by_someone()

    def grow():
        for _ in range(MORE):
            opened_by_someone()

    _before, after = assert_flat_queries(lambda: client.get(url), grow)

    assert after.status_code == 200
    assert after.content.decode().count("patient.viewed") == 1 + MORE


def test_the_reconciliation_queue():
    """Each provisional patient with its possible duplicates: one query for all the matches;
    only the audit event per patient shown grows with the rows."""
    import datetime

    from medcenter.patients.services import register_provisional_patient

    def waiting(n: int) -> None:
        born = datetime.date(1960, 1, 1) + datetime.timedelta(days=n)
        PatientFactory(given_name="Querida", family_name=f"Countwell{n}", date_of_birth=born)
        register_provisional_patient(
            data={
                "given_name": "Querida",
                "family_name": f"Countwell{n}",
                "date_of_birth": born,
                "sex": "female",
                "email": f"querida{n}@example.test",
            },
            payment={"payment": "self_pay"},
            verified_channel="email",
        )

    waiting(0)
    client = _signed_in(StaffUserFactory(roles=["scheduler"]))

    def grow():
        for n in range(1, 1 + MORE):
            waiting(n)

    _before, after = assert_flat_queries(
        lambda: client.get("/en/staff/patients/provisional/"),
        grow,
        ignoring=("core_audit", "SAVEPOINT"),
    )

    assert after.status_code == 200
    assert after.content.decode().count("same name and date of birth") == 1 + MORE

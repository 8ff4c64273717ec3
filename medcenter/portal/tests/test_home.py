"""The Gateway's home: whose records, each record's home, sections by grant (SECURITY R24)."""

from datetime import timedelta

import pytest
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from medcenter.accounts.tests.factories import TEST_PASSWORD, StaffUserFactory, UserFactory
from medcenter.core.models import AuditEvent
from medcenter.messaging.models import AuthorRole, Message, Thread
from medcenter.messaging.tests.factories import PoolFactory
from medcenter.oncology.models import TreatmentCourse
from medcenter.patients.access import resolve_access
from medcenter.patients.tests.factories import PatientFactory, ProxyGrantFactory, born_years_ago
from medcenter.portal.models import CheckIn
from medcenter.portal.tests.conftest import signed_in
from medcenter.portal.tests.factories import appointment
from medcenter.questionnaires.services import save_response
from medcenter.questionnaires.tests.factories import answers, checkin, on_treatment
from medcenter.results.tests.factories import report

pytestmark = pytest.mark.django_db


def _record(name, patient, **kwargs):
    return reverse(name, kwargs={"public_id": patient.public_id, **kwargs})


def test_a_patient_with_only_their_own_record_lands_on_its_home(patient, patient_client):
    response = patient_client.get(reverse("portal:home"))

    assert response.status_code == 302
    assert response["Location"] == _record("portal:record_home", patient)


def test_a_parent_sees_their_own_record_and_each_child_named(patient):
    child = PatientFactory(
        given_name="Mila", family_name="Fenwick", date_of_birth=born_years_ago(9)
    )
    ProxyGrantFactory(proxy=patient.user, patient=child)

    body = signed_in(patient.user).get(reverse("portal:home")).content.decode()

    assert "Talia Brookside" in body
    assert "Mila Fenwick" in body
    assert _record("portal:record_home", child) in body


def test_signing_in_lands_a_patient_in_the_gateway_and_staff_where_they_were():
    user = UserFactory()
    PatientFactory(user=user)
    patient_response = Client().post(
        reverse("accounts:login"), {"username": user.email, "password": TEST_PASSWORD}
    )
    staff = StaffUserFactory(roles=["clinician"])
    staff_response = Client().post(
        reverse("accounts:login"), {"username": staff.email, "password": TEST_PASSWORD}
    )

    assert patient_response["Location"] == reverse("portal:home")
    assert reverse("portal:home") not in staff_response["Location"]


def test_the_record_home_lists_next_visits_and_open_check_ins(patient, patient_client):
    soon = appointment(patient, days=2)
    later = appointment(patient, days=20)

    body = patient_client.get(_record("portal:record_home", patient)).content.decode()

    assert _record("portal:checkin", patient, appointment_id=soon.public_id) in body
    assert _record("portal:checkin", patient, appointment_id=later.public_id) not in body
    assert _record("portal:appointment", patient, appointment_id=later.public_id) in body
    assert "Record of Talia Brookside" in body


def _history(patient, visits):
    """`visits` of everything every home panel counts: past visits checked in, future ones,
    released results, threads with an unread reply, sent symptom reports."""
    if not TreatmentCourse.objects.filter(patient=patient).exists():
        on_treatment(patient)
    pool = PoolFactory()
    for i in range(visits):
        past = appointment(patient, days=-(i + 1), status="fulfilled")
        CheckIn.objects.create(
            appointment=past,
            patient=patient,
            submitted_at=timezone.now(),
            submitted_by=patient.user,
        )
        appointment(patient, days=1 + i)
        report(patient, issued_at=timezone.now() - timedelta(days=i, minutes=5))
        thread = Thread.objects.create(
            patient=patient, pool=pool, subject=f"Question {i}", last_message_at=timezone.now()
        )
        Message.objects.create(thread=thread, author_role=AuthorRole.STAFF, body="An answer.")
        save_response(
            access=resolve_access(patient.user, patient),
            questionnaire=checkin(),
            author=patient.user,
            answers=answers(pain=1),
            submit=True,
            now=timezone.now() - timedelta(days=7 * (i + 1)),
        )


@pytest.mark.parametrize("visits", [1, 25])
def test_the_home_makes_a_constant_number_of_queries_whatever_the_history(
    patient, patient_client, visits, django_assert_max_num_queries
):
    _history(patient, visits)
    url = _record("portal:record_home", patient)
    patient_client.get(url)  # the session and the caches warm up

    # The frame's own queries, then one per registered home panel (visits, check-ins, unread
    # replies, new results, questionnaires due, international cases).
    with django_assert_max_num_queries(20):
        response = patient_client.get(url)

    assert response.status_code == 200


def test_the_home_query_count_is_the_same_for_a_short_and_a_long_history(patient_client, patient):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = _record("portal:record_home", patient)
    counts = []
    for visits in (1, 30):
        _history(patient, visits)
        patient_client.get(url)
        with CaptureQueriesContext(connection) as ctx:
            patient_client.get(url)
        counts.append(len(ctx.captured_queries))

    assert counts[0] == counts[1]


# --- R24: proxies ------------------------------------------------------------------------

SECTIONS = ("details", "appointments", "proxies", "access_history", "security")


def _statuses(client, patient):
    return {name: client.get(_record(f"portal:{name}", patient)).status_code for name in SECTIONS}


def test_a_teenagers_parent_sees_only_the_granted_sections(teen_grant):
    client = signed_in(teen_grant.proxy)

    body = client.get(_record("portal:record_home", teen_grant.patient)).content.decode()

    assert _statuses(client, teen_grant.patient) == {
        "details": 200,
        "appointments": 200,
        "proxies": 404,
        "access_history": 404,
        "security": 404,
    }
    assert _record("portal:appointments", teen_grant.patient) in body
    assert _record("portal:proxies", teen_grant.patient) not in body
    assert "Proxy access" in body


def test_a_grant_without_the_appointments_scope_hides_and_refuses_appointments():
    grant = ProxyGrantFactory(
        patient=PatientFactory(date_of_birth=born_years_ago(15)), scopes=["messages"]
    )
    visit = appointment(grant.patient)
    client = signed_in(grant.proxy)

    home = client.get(_record("portal:record_home", grant.patient)).content.decode()
    detail = client.get(
        _record("portal:appointment", grant.patient, appointment_id=visit.public_id)
    )

    assert _record("portal:appointments", grant.patient) not in home
    assert str(visit.public_id) not in home
    assert client.get(_record("portal:appointments", grant.patient)).status_code == 404
    assert detail.status_code == 404
    assert AuditEvent.objects.filter(outcome="denied", action="appointment.viewed").exists()


@pytest.mark.parametrize(
    ("age", "consented", "appointments", "whole_record"),
    [
        (11, False, 200, True),  # a parent of a child under 12 sees everything
        (12, False, 404, False),  # from 12, only what was granted (here: messages)
        (18, False, 404, None),  # an adult's grant needs their own consent
        (18, True, 404, True),  # with it, the granted scopes (their own choice)
    ],
)
def test_a_childs_age_decides_what_a_parent_sees(age, consented, appointments, whole_record):
    patient = PatientFactory(date_of_birth=born_years_ago(age, days=1))
    grant = ProxyGrantFactory(
        patient=patient,
        scopes=["messages"],
        consent_recorded_at=timezone.now() if consented else None,
    )
    client = signed_in(grant.proxy)

    home = client.get(_record("portal:record_home", patient))
    appointments_page = client.get(_record("portal:appointments", patient))

    if whole_record is None:
        assert home.status_code == 404
        return
    assert home.status_code == 200
    assert appointments_page.status_code == appointments
    assert home.context["portal"].access.sees_confidential is whole_record


def test_revoking_a_grant_ends_access_mid_use(patient):
    grant = ProxyGrantFactory(
        patient=patient, relationship="spouse", consent_recorded_at=timezone.now()
    )
    proxy = signed_in(grant.proxy)
    url = _record("portal:appointments", patient)
    assert proxy.get(url).status_code == 200

    signed_in(patient.user).post(_record("portal:proxy_revoke", patient, grant_id=grant.public_id))

    assert proxy.get(url).status_code == 404
    assert proxy.get(_record("portal:record_home", patient)).status_code == 404


def test_an_expired_grant_opens_nothing(teen_grant):
    teen_grant.expires_at = timezone.now() - timedelta(seconds=1)
    teen_grant.save()

    response = signed_in(teen_grant.proxy).get(_record("portal:record_home", teen_grant.patient))

    assert response.status_code == 404


def test_staff_do_not_use_the_gateway_even_with_a_care_relationship(patient):
    from medcenter.accounts.tests.factories import sign_in_verified
    from medcenter.patients.tests.factories import CareRelationshipFactory

    clinician = StaffUserFactory(roles=["clinician"])
    CareRelationshipFactory(staff=clinician, patient=patient)
    client = Client()
    sign_in_verified(client, clinician)

    assert client.get(_record("portal:record_home", patient)).status_code == 404
    assert client.get(reverse("portal:home"))["Location"] == reverse("patients:staff_home")


# --- the old /my/ pages ---------------------------------------------------------------------


@pytest.mark.parametrize(
    ("old", "new"),
    [
        ("", "portal:record_home"),
        ("proxies/", "portal:proxies"),
        ("access-history/", "portal:access_history"),
    ],
)
def test_old_my_links_open_the_same_page_in_the_gateway(patient, patient_client, old, new):
    response = patient_client.get(f"/en/my/{patient.public_id}/{old}", follow=True)

    assert response.redirect_chain[-1][0] == _record(new, patient)
    assert response.status_code == 200


def test_the_my_records_link_opens_the_gateway(patient_client):
    assert patient_client.get(reverse("patients:records"))["Location"] == reverse("portal:home")


def test_the_sign_in_forms_default_next_still_lands_a_patient_in_the_gateway(patient):
    response = Client().post(
        reverse("accounts:login"),
        {"username": patient.user.email, "password": TEST_PASSWORD, "next": "/en/"},
    )

    assert response["Location"] == reverse("portal:home")

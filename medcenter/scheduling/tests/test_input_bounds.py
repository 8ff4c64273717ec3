"""Dates and numbers in the booking pages, the staff grid and the scheduling API are parsed into
bounded ranges: a value at the edge of the calendar or a huge number is a 400 that says what is
wrong, in the request's language, never a 500 (issue 17: `week=9999-12-31` was an
OverflowError)."""

import pytest
from django.test import Client

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.scheduling.tests.conftest import next_weekday_at

pytestmark = pytest.mark.django_db

EDGE_DATES = ["0001-01-01", "9999-12-31", "1899-12-31", "2200-01-01"]
NOT_DATES = ["99999999999999999999999", "-1", "tomorrow", "2026-02-30", "2026-1-1x"]
EDGE_INSTANTS = [
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00Z",
    "0001-01-01T00:00:00+14:00",
    "9999-12-31T23:59:59-12:00",
]


@pytest.fixture
def staff_client():
    client = Client()
    sign_in_verified(client, StaffUserFactory(roles=["scheduler"]))
    return client


@pytest.mark.parametrize("value", EDGE_DATES + NOT_DATES)
def test_the_booking_week_out_of_range_is_a_400_that_says_so(clinic, client, value):
    clinician, _location, _visit = clinic
    response = client.get(f"/en/appointments/book/{clinician.slug}/", {"week": value})
    assert response.status_code == 400
    page = response.content.decode()
    assert "Enter a" in page  # the message names what a valid value is
    assert "<main" in page  # the shell's page, not a bare error


def test_the_booking_week_message_is_in_the_visitors_language(clinic, client):
    clinician, _location, _visit = clinic
    english = client.get(f"/en/appointments/book/{clinician.slug}/", {"week": "9999-12-31"})
    spanish = client.get(f"/es/appointments/book/{clinician.slug}/", {"week": "9999-12-31"})
    assert spanish.status_code == english.status_code == 400
    assert "Enter a date between 1900-01-01 and 2199-12-31." in english.content.decode()
    assert "Enter a date between" not in spanish.content.decode()


def test_a_booking_week_within_range_still_shows_the_week(clinic, client):
    clinician, _location, _visit = clinic
    week = next_weekday_at(9).date().isoformat()
    response = client.get(f"/en/appointments/book/{clinician.slug}/", {"week": week})
    assert response.status_code == 200


@pytest.mark.parametrize("value", EDGE_DATES + NOT_DATES)
@pytest.mark.parametrize("view", ["day", "week"])
def test_the_staff_grid_day_out_of_range_is_a_400(clinic, staff_client, value, view):
    clinician, _location, _visit = clinic
    response = staff_client.get(
        "/en/staff/schedule/", {"clinician": clinician.slug, "day": value, "view": view}
    )
    assert response.status_code == 400
    assert "Enter a" in response.content.decode()


def test_the_staff_grid_on_a_day_in_range_is_shown(clinic, staff_client):
    clinician, _location, _visit = clinic
    for day in ("1900-01-01", "2199-12-31"):
        response = staff_client.get(
            "/en/staff/schedule/", {"clinician": clinician.slug, "day": day, "view": "week"}
        )
        assert response.status_code == 200


@pytest.mark.parametrize("name", ["start", "end"])
@pytest.mark.parametrize("value", [*EDGE_INSTANTS, "99999999999999999999999", "x"])
def test_slots_with_an_instant_out_of_range_is_a_400_problem(clinic, client, name, value):
    clinician, _location, visit = clinic
    query = {"clinician": str(clinician.public_id), "visit_type": visit.code, name: value}
    response = client.get("/api/v1/scheduling/slots", query)
    assert response.status_code == 400
    assert response["Content-Type"] == "application/problem+json"
    problem = response.json()
    assert problem["status"] == 400
    assert problem["code"] == "invalid"
    assert list(problem["errors"]) == [name]


def test_slots_out_of_range_explains_the_range_in_the_request_language(clinic, client):
    clinician, _location, visit = clinic
    query = {
        "clinician": str(clinician.public_id),
        "visit_type": visit.code,
        "start": "9999-12-31T23:59:59Z",
    }
    english = client.get("/api/v1/scheduling/slots", query).json()
    assert english["errors"]["start"] == ["Enter a date between 1900-01-01 and 2199-12-31."]
    spanish = client.get("/api/v1/scheduling/slots", query, headers={"Accept-Language": "es"})
    assert spanish.status_code == 400
    assert spanish.json()["errors"]["start"] != english["errors"]["start"]


@pytest.mark.parametrize("value", ["99999999999999999999999", "-99999999999999999999", "0"])
def test_slots_limit_out_of_range_is_a_400(clinic, client, value):
    clinician, _location, visit = clinic
    query = {"clinician": str(clinician.public_id), "visit_type": visit.code, "limit": value}
    response = client.get("/api/v1/scheduling/slots", query)
    assert response.status_code == 400
    assert "limit" in response.json()["errors"]


@pytest.mark.parametrize("value", EDGE_INSTANTS)
def test_multidisciplinary_start_out_of_range_is_a_400(clinic, staff_client, value):
    _clinician, location, _visit = clinic
    query = {"location": location.slug, "specialty": "oncology", "start": value}
    response = staff_client.get("/api/v1/scheduling/multidisciplinary", query)
    assert response.status_code == 400
    assert "start" in response.json()["errors"]


@pytest.mark.parametrize("value", EDGE_INSTANTS)
def test_booking_at_an_instant_out_of_range_is_a_400(clinic, value):
    from medcenter.scheduling.tests.test_api import _body, _patient_client

    client, patient = _patient_client()
    body = {**_body(clinic, patient, next_weekday_at(9)), "start": value}
    response = client.post(
        "/api/v1/scheduling/appointments",
        body,
        content_type="application/json",
        headers={"Idempotency-Key": f"edge-{value}"},
    )
    assert response.status_code == 400
    assert "start" in response.json()["errors"]


@pytest.mark.parametrize("value", ["9999-12-31T23:59:59+00:00", "0001-01-01T00:00:00+00:00"])
def test_holding_a_time_out_of_range_asks_to_choose_from_the_list(clinic, value):
    from medcenter.accounts.tests.factories import UserFactory
    from medcenter.patients.tests.factories import PatientFactory

    clinician, location, visit = clinic
    user = UserFactory(email="self@example.test")
    patient = PatientFactory(user=user, email="self@example.test")
    client = Client()
    client.force_login(user)
    form = {
        "visit": visit.code,
        "location": location.slug,
        "start": value,
        "patient": str(patient.public_id),
    }
    response = client.post(f"/en/appointments/book/{clinician.slug}/hold/", form, follow=True)
    assert response.status_code == 200
    assert "Please choose a time from the list." in response.content.decode()


@pytest.mark.parametrize("value", ["9999-12-31T23:59", "0001-01-01T00:00"])
def test_a_staff_booking_at_the_edge_of_the_calendar_is_refused_on_the_form(clinic, value):
    from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
    from medcenter.scheduling.models import Appointment

    clinician, location, visit = clinic
    scheduler = StaffUserFactory(roles=["scheduler"])
    patient = PatientFactory()
    CareRelationshipFactory(staff=scheduler, patient=patient)
    client = Client()
    sign_in_verified(client, scheduler)
    response = client.post(
        f"/en/staff/patients/{patient.public_id}/book/",
        {
            "clinician": clinician.slug,
            "visit_type": visit.pk,
            "location": location.pk,
            "start": value,
        },
    )
    assert response.status_code in (200, 400)
    assert "Enter a date between 1900-01-01 and 2199-12-31." in response.content.decode()
    assert not Appointment.objects.exists()

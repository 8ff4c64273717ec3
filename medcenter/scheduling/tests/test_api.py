"""The scheduling API: slots, booking with idempotency keys (R26), races on one slot (R25)."""

import itertools
import threading
import uuid
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client

from medcenter.accounts.tests.factories import UserFactory
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling.models import Appointment
from medcenter.scheduling.tests.conftest import next_weekday_at

pytestmark = pytest.mark.django_db

URL = "/api/v1/scheduling/appointments"


def _patient_client(email="self@example.test"):
    user = UserFactory(email=email)
    patient = PatientFactory(user=user, email=email)
    client = Client()
    client.force_login(user)
    return client, patient


def _body(clinic, patient, start, **extra):
    clinician, location, visit = clinic
    return {
        "patient": str(patient.public_id),
        "clinician": str(clinician.public_id),
        "visit_type": visit.code,
        "location": location.slug,
        "start": start.isoformat(),
        **extra,
    }


def _post(client, body, key=None):
    headers = {"Idempotency-Key": key} if key else {}
    return client.post(URL, body, content_type="application/json", headers=headers)


def test_slots_lists_free_times_and_the_next_available(clinic, client):
    clinician, location, visit = clinic
    response = client.get(
        "/api/v1/scheduling/slots",
        {"clinician": str(clinician.public_id), "visit_type": visit.code, "limit": 5},
    )
    assert response.status_code == 200
    data = response.json()
    assert len(data["slots"]) == 5
    assert data["next_available"]["start"] == data["slots"][0]["start"]
    assert data["slots"][0]["location"] == location.slug


@pytest.mark.parametrize(
    "params",
    [
        {"visit_type": "no-such-visit"},
        {"visit_type": "new-patient", "limit": 100000},
        {
            "visit_type": "new-patient",
            "start": "2026-01-01T00:00:00Z",
            "end": "2027-01-01T00:00:00Z",
        },
        {"visit_type": "new-patient", "clinician": "not-a-uuid"},
    ],
)
def test_slots_refuses_bad_parameters_with_a_400(clinic, client, params):
    clinician, _location, _visit = clinic
    query = {"clinician": str(clinician.public_id), **params}
    assert client.get("/api/v1/scheduling/slots", query).status_code in (400, 422)


def test_booking_needs_an_idempotency_key(clinic):
    client, patient = _patient_client()
    response = _post(client, _body(clinic, patient, next_weekday_at(9)))
    assert response.status_code == 400
    assert response.json()["code"] == "idempotency_key_missing"


def test_booking_then_the_same_slot_again_is_a_clear_409(clinic):
    client, patient = _patient_client()
    start = next_weekday_at(9)
    first = _post(client, _body(clinic, patient, start), key="a1")
    assert first.status_code == 201, first.content
    assert first.json()["status"] == "booked"
    other_client, other = _patient_client("other@example.test")
    second = _post(other_client, _body(clinic, other, start), key="b1")
    assert second.status_code == 409
    assert second.json()["code"] == "slot_taken"
    assert "taken" in second.json()["detail"]


def test_someone_elses_patient_id_is_not_found(clinic):
    client, _patient = _patient_client()
    stranger = PatientFactory()
    response = _post(client, _body(clinic, stranger, next_weekday_at(9)), key="x")
    assert response.status_code == 404
    assert not Appointment.objects.exists()


def test_same_key_fifty_times_gives_one_booking_and_identical_answers(clinic):
    """R26, sequential: the same key and body 50 times -> one object, identical responses."""
    client, patient = _patient_client()
    body = _body(clinic, patient, next_weekday_at(10))
    answers = [_post(client, body, key="same-key") for _ in range(50)]
    assert {a.status_code for a in answers} == {201}
    assert len({a.content for a in answers}) == 1
    assert Appointment.objects.filter(patient=patient).count() == 1


def test_same_key_with_a_changed_body_is_a_422(clinic):
    client, patient = _patient_client()
    assert _post(client, _body(clinic, patient, next_weekday_at(10)), key="k").status_code == 201
    changed = _post(client, _body(clinic, patient, next_weekday_at(11)), key="k")
    assert changed.status_code == 422
    assert changed.json()["code"] == "idempotency_key_reused"
    assert Appointment.objects.filter(patient=patient).count() == 1


# PostgreSQL allows 100 connections by default; a real deployment puts a bounded worker pool
# in front of it. The threads are released together, then at most this many are in flight.
# SQLite serialises writers on its busy timeout: 200 writers in flight at once on a loaded
# 2-core machine can wait past it, which no one machine's worker pool would ever ask of it.
IN_FLIGHT = {"postgresql": 40, "sqlite": 24}


def _race(n, make_request):
    """Release n threads together; each returns a status code or the exception it met."""
    barrier = threading.Barrier(n)
    gate = threading.BoundedSemaphore(IN_FLIGHT.get(connection.vendor, n))
    results = [None] * n

    def run(i):
        try:
            barrier.wait()
            with gate:
                try:
                    results[i] = make_request(i)
                finally:
                    connection.close()
        except Exception as error:  # recorded, so the test can show it
            results[i] = error

    threads = [threading.Thread(target=run, args=(i,)) for i in range(n)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return results


@pytest.mark.django_db(transaction=True)
def test_two_hundred_concurrent_attempts_on_one_slot_book_exactly_one(clinic):
    """R25: 200 patients race for one slot -> 1 booked, 199 clear 409s, no 5xx."""
    start = next_weekday_at(9, days_ahead=14)
    clients = [_patient_client(f"racer{i}@example.test") for i in range(200)]

    def attempt(i):
        client, patient = clients[i]
        response = _post(client, _body(clinic, patient, start), key=str(uuid.uuid4()))
        return response.status_code, response.json().get("code")

    results = _race(200, attempt)
    errors = [r for r in results if not isinstance(r, tuple)]
    assert errors == []
    codes = [status for status, _code in results]
    assert codes.count(201) == 1
    assert codes.count(409) == 199
    assert all(code == "slot_taken" for status, code in results if status == 409)
    assert Appointment.objects.filter(start=start, status="booked").count() == 1


@pytest.mark.django_db(transaction=True)
def test_same_key_twenty_times_at_once_books_once_with_identical_answers(clinic):
    """R26, concurrent: 20 simultaneous retries of one request -> one booking."""
    client, patient = _patient_client()
    body = _body(clinic, patient, next_weekday_at(11, days_ahead=14))

    def attempt(_i):
        response = _post(client, body, key="retry-storm")
        return response.status_code, response.content

    results = _race(20, attempt)
    assert all(isinstance(r, tuple) for r in results), results
    assert {status for status, _c in results} == {201}
    assert len({content for _s, content in results}) == 1
    assert Appointment.objects.filter(patient=patient).count() == 1


@pytest.mark.django_db(transaction=True)
def test_random_overlapping_windows_never_overlap(clinic):
    """R25: bookings of random length and start, raced, never overlap for one clinician."""
    import random

    from medcenter.scheduling.tests.factories import VisitTypeFactory, weekly_rules

    clinician, location, _visit = clinic
    lengths = [VisitTypeFactory(code=f"len-{m}", duration_minutes=m) for m in (15, 30, 45, 60)]
    weekly_rules(clinician=clinician, location=location, visit_types=lengths)
    rng = random.Random(25)  # noqa: S311 - test data
    day = next_weekday_at(9, days_ahead=15)
    plan = [
        (rng.choice(lengths), day + timedelta(minutes=15 * rng.randrange(0, 10))) for _ in range(40)
    ]
    clients = [_patient_client(f"w{i}@example.test") for i in range(40)]

    def attempt(i):
        visit, begin = plan[i]
        client, patient = clients[i]
        body = {**_body(clinic, patient, begin), "visit_type": visit.code}
        return _post(client, body, key=str(uuid.uuid4())).status_code

    results = _race(40, attempt)
    assert all(code in (201, 400, 409) for code in results), results
    booked = list(
        Appointment.objects.filter(clinician=clinician, status="booked").order_by("start")
    )
    assert booked
    for earlier, later in itertools.pairwise(booked):
        assert earlier.reserved_until <= later.start

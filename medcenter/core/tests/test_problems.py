"""The API's one error contract: every router answers 4xx with the same RFC 9457 problem body."""

import uuid

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.core import problems
from medcenter.core.outbox.sms import MemoryGateway
from medcenter.core.throttle import Throttled
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.scheduling.tests.conftest import next_weekday_at
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
    weekly_rules,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic(db, settings):
    """One clinician holding 30-minute new-patient visits, weekday mornings 9-12."""
    settings.SMS_GATEWAY = "medcenter.core.outbox.sms.MemoryGateway"
    MemoryGateway.reset()
    location = LocationFactory()
    clinician = ClinicianFactory()
    clinician.locations.add(location)
    visit = VisitTypeFactory(code="new-patient", name="New patient visit")
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    yield clinician, location, visit
    MemoryGateway.reset()


KEYS = {"type", "title", "status", "detail", "code", "errors"}
BOOK = "/api/v1/scheduling/appointments"


def _assert_problem(response, status, code=None):
    assert response.status_code == status, response.content
    assert response["Content-Type"] == "application/problem+json"
    body = response.json()
    assert set(body) == KEYS
    assert body["status"] == status
    assert body["type"] == "about:blank"
    assert body["title"] and body["detail"]
    assert b"Traceback" not in response.content and b'File "' not in response.content
    if code is not None:
        assert body["code"] == code
    return body


def _patient_client(email):
    user = UserFactory(email=email)
    patient = PatientFactory(user=user, email=email)
    client = Client()
    client.force_login(user)
    return client, patient


def _booking(clinic, patient, start):
    clinician, location, visit = clinic
    return {
        "patient": str(patient.public_id),
        "clinician": str(clinician.public_id),
        "visit_type": visit.code,
        "location": location.slug,
        "start": start.isoformat(),
    }


def _post(client, path, body, **headers):
    return client.post(path, body, content_type="application/json", headers=headers)


# --- 400 ---------------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "field"),
    [
        ("/api/v1/directory/search?sort=evil", "sort"),
        ("/api/v1/trials/search?phase=PHASE9", "phase"),
        ("/api/v1/scheduling/slots?visit_type=x&clinician=not-a-uuid", "clinician"),
    ],
)
def test_a_parameter_outside_the_contract_is_a_400_problem_naming_the_field(client, path, field):
    body = _assert_problem(client.get(path), 400, "invalid")

    assert list(body["errors"]) == [field]
    assert field in body["detail"]


def test_an_unknown_clinician_is_a_400_problem_on_that_field(clinic, client):
    response = client.get(
        "/api/v1/scheduling/slots", {"visit_type": "new-patient", "clinician": str(uuid.uuid4())}
    )

    body = _assert_problem(response, 400, "invalid")
    assert body["errors"] == {"clinician": ["Unknown clinician or resource."]}


def test_a_refused_trial_profile_is_a_400_problem(client):
    body = _assert_problem(_post(client, "/api/v1/trials/match", {}), 400, "invalid")

    assert body["errors"] == {"__all__": ["Give at least a note or one profile field."]}


def test_an_unstageable_tumor_is_a_400_problem_with_a_message_per_field(client):
    sign_in_verified(client, StaffUserFactory(roles=["clinician"]))
    response = _post(
        client, "/api/v1/oncology/stage", {"scheme": "bone_appendicular", "categories": {}}
    )

    body = _assert_problem(response, 400, "invalid")
    assert body["errors"] and all(body["errors"].values())


def test_a_booking_without_an_idempotency_key_is_a_400_problem(clinic):
    client, patient = _patient_client("self@example.test")
    response = _post(client, BOOK, _booking(clinic, patient, next_weekday_at(9)))

    body = _assert_problem(response, 400, "idempotency_key_missing")
    assert body["errors"] == {"Idempotency-Key": [body["detail"]]}


def test_a_service_refusal_is_a_400_problem_with_the_services_field(clinic):
    client, patient = _patient_client("self@example.test")
    past = next_weekday_at(9, days_ahead=-14)
    response = _post(client, BOOK, _booking(clinic, patient, past), **{"Idempotency-Key": "p"})

    body = _assert_problem(response, 400, "invalid")
    assert list(body["errors"]) == ["start"]


# --- 401, 403 ----------------------------------------------------------------------------------


def test_signing_in_first_is_a_401_problem(client):
    _assert_problem(client.get("/api/v1/oncology/schemes"), 401, "not_authenticated")
    _assert_problem(client.get(f"{BOOK}/{uuid.uuid4()}"), 401, "not_authenticated")


def test_staff_who_have_not_passed_the_second_factor_get_a_401_problem(client):
    client.force_login(StaffUserFactory(roles=["clinician"]))

    _assert_problem(client.get("/api/v1/oncology/schemes"), 401, "second_factor_required")


@pytest.mark.parametrize(
    "path",
    ["/api/v1/oncology/schemes", "/api/v1/scheduling/multidisciplinary?location=x&specialty=y"],
)
def test_a_role_without_the_permission_is_a_403_problem(client, path):
    sign_in_verified(client, StaffUserFactory(roles=["giving_officer"]))

    _assert_problem(client.get(path), 403, "forbidden")


def test_staff_who_may_not_book_get_a_403_problem(clinic, client):
    patient = PatientFactory()
    clinician = StaffUserFactory(roles=["clinician"])  # reads the record; books nothing
    CareRelationshipFactory(staff=clinician, patient=patient)
    sign_in_verified(client, clinician)
    response = _post(
        client, BOOK, _booking(clinic, patient, next_weekday_at(9)), **{"Idempotency-Key": "n"}
    )

    body = _assert_problem(response, 403, "forbidden")
    assert body["detail"] == "Your role cannot book appointments."


# --- 404 ---------------------------------------------------------------------------------------


def test_an_unknown_trial_is_a_404_problem(client):
    body = _assert_problem(client.get("/api/v1/trials/NCT00000000"), 404, "not_found")

    assert body["detail"] == "No trial with this NCT number."


def test_someone_elses_appointment_reads_exactly_as_one_that_does_not_exist(clinic):
    owner, patient = _patient_client("owner@example.test")
    booked = _post(
        owner, BOOK, _booking(clinic, patient, next_weekday_at(9)), **{"Idempotency-Key": "o"}
    )
    stranger, _other = _patient_client("stranger@example.test")
    staff = Client()
    sign_in_verified(staff, StaffUserFactory(roles=["scheduler"]))

    theirs = stranger.get(f"{BOOK}/{booked.json()['id']}")
    missing = stranger.get(f"{BOOK}/{uuid.uuid4()}")
    no_basis = staff.get(f"{BOOK}/{booked.json()['id']}")

    _assert_problem(theirs, 404, "not_found")
    assert theirs.content == missing.content == no_basis.content
    assert str(patient.public_id).encode() not in theirs.content


# --- 409, 422 ----------------------------------------------------------------------------------


def test_a_taken_slot_is_a_409_problem_and_a_retry_gets_the_same_answer(clinic):
    start = next_weekday_at(9)
    first, patient = _patient_client("first@example.test")
    booked = _post(first, BOOK, _booking(clinic, patient, start), **{"Idempotency-Key": "1"})
    assert booked.status_code == 201
    second, other = _patient_client("second@example.test")

    taken = _post(second, BOOK, _booking(clinic, other, start), **{"Idempotency-Key": "2"})
    again = _post(second, BOOK, _booking(clinic, other, start), **{"Idempotency-Key": "2"})

    body = _assert_problem(taken, 409, "slot_taken")
    assert "taken" in body["detail"]
    assert again.content == taken.content
    assert again["Content-Type"] == "application/problem+json"


def test_a_reused_idempotency_key_is_a_422_problem(clinic):
    client, patient = _patient_client("self@example.test")
    _post(client, BOOK, _booking(clinic, patient, next_weekday_at(10)), **{"Idempotency-Key": "k"})
    changed = _post(
        client, BOOK, _booking(clinic, patient, next_weekday_at(11)), **{"Idempotency-Key": "k"}
    )

    _assert_problem(changed, 422, "idempotency_key_reused")


# --- 429 ---------------------------------------------------------------------------------------


def test_throttling_is_a_429_problem_with_retry_after(client):
    cache.clear()
    answers = [_post(client, "/api/v1/trials/match", {}) for _ in range(61)]
    cache.clear()

    assert {a.status_code for a in answers[:60]} == {400}
    _assert_problem(answers[60], 429, "throttled")
    assert int(answers[60]["Retry-After"]) >= 1


def test_a_throttled_service_is_a_429_problem_with_its_retry_after():
    found = problems.answer_for(Throttled("Too many referrals from here.", 1200))

    assert found is not None and found.status == 429
    assert found.headers == {"Retry-After": "1200"}
    assert found.body["detail"] == "Too many referrals from here."
    assert set(found.body) == KEYS


# --- Language, and what is not ours to answer ---------------------------------------------------


def test_the_problem_is_in_the_requests_language(client):
    response = client.get("/api/v1/trials/NCT00000000", headers={"Accept-Language": "es"})

    body = _assert_problem(response, 404, "not_found")
    assert body["title"] == "No encontrado"
    assert body["detail"] != "No trial with this NCT number."


def test_input_errors_are_in_the_requests_language_too(client):
    response = client.get(
        "/api/v1/scheduling/slots?visit_type=x&clinician=not-a-uuid",
        headers={"Accept-Language": "es"},
    )

    body = _assert_problem(response, 400, "invalid")
    assert body["errors"] == {"clinician": ["Introduzca un UUID válido."]}
    assert body["title"] == "Solicitud incorrecta"


def test_a_service_validation_error_keeps_every_field_and_message():
    error = ValidationError({"start": ["Too early.", "Closed."], "location": ["Unknown."]})

    found = problems.answer_for(error)

    assert found is not None and found.status == 400
    assert found.body["errors"] == {"start": ["Too early.", "Closed."], "location": ["Unknown."]}
    assert found.body["detail"] == "Too early. Closed. Unknown."


def test_a_bug_is_not_answered_as_a_problem():
    assert problems.answer_for(RuntimeError("boom")) is None


def test_a_bug_in_an_endpoint_shows_no_stack_trace(monkeypatch, settings):
    settings.DEBUG = False

    def broken(*args, **kwargs):
        raise RuntimeError("secret internals")

    monkeypatch.setattr("medcenter.trials.selectors.search_trials", broken)
    response = Client(raise_request_exception=False).get("/api/v1/trials/search")

    assert response.status_code == 500
    assert b"secret internals" not in response.content
    assert b"Traceback" not in response.content and b'File "' not in response.content

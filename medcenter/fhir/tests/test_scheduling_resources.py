"""FHIR R4 Schedule, Slot, Appointment and ServiceRequest, checked with fhir.resources' models."""

import re
from datetime import date, datetime, time, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import resolve
from django.utils import timezone
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.schedule import Schedule
from fhir.resources.R4B.servicerequest import ServiceRequest
from fhir.resources.R4B.slot import Slot as FhirSlot

from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.core.routes import PATIENT_DATA
from medcenter.directory.models import Program
from medcenter.fhir import scheduling, views
from medcenter.patients.tests.factories import (
    CareRelationshipFactory,
    PatientFactory,
    ProxyGrantFactory,
    born_years_ago,
)
from medcenter.scheduling import services
from medcenter.scheduling.models import BookingChannel, Resource, ResourceKind
from medcenter.scheduling.referrals import set_referral_status, submit_referral
from medcenter.scheduling.selectors import center_tz
from medcenter.scheduling.tests.conftest import next_weekday_at
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
    weekly_rules,
)

pytestmark = pytest.mark.django_db

MODELS = {
    "Appointment": FhirAppointment,
    "Bundle": Bundle,
    "CapabilityStatement": CapabilityStatement,
    "OperationOutcome": OperationOutcome,
    "Schedule": Schedule,
    "ServiceRequest": ServiceRequest,
    "Slot": FhirSlot,
}
FHIR_ID = re.compile(r"^[A-Za-z0-9\-\.]{1,64}$")


@pytest.fixture
def clinic(db):
    """One clinician holding 30-minute new-patient visits, weekday mornings 9-12 (as in the
    scheduling tests)."""
    location = LocationFactory()
    clinician = ClinicianFactory()
    clinician.locations.add(location)
    visit = VisitTypeFactory(code="new-patient", name="New patient visit")
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    return clinician, location, visit


def _valid(resource):
    """Check a resource (and a Bundle's entries) against its R4 model; return it."""
    MODELS[resource["resourceType"]].model_validate(resource)
    if "id" in resource:
        assert FHIR_ID.match(resource["id"]), resource["id"]
    for entry in resource.get("entry", []):
        _valid(entry["resource"])
    return resource


def _get(client, url, status=200, params=None):
    response = client.get(url, params or {})
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return _valid(response.json())


def _resources(bundle):
    return [entry["resource"] for entry in bundle["entry"]] if "entry" in bundle else []


def _day(moment):
    return moment.astimezone(center_tz()).date()


def _book(clinic, patient, start, **extra):
    clinician, location, visit = clinic
    return services.book_appointment(
        patient=patient,
        visit_type=visit,
        location=location,
        start=start,
        actor=None,
        channel=BookingChannel.API,
        clinician=clinician,
        **extra,
    )


def _patient_user(client=None):
    user = UserFactory()
    patient = PatientFactory(user=user)
    if client is not None:
        client.force_login(user)
    return user, patient


def _slots_on(client, clinician, day, **params):
    return _get(
        client,
        "/fhir/R4/Slot",
        params={
            "schedule": f"Schedule/{clinician.public_id}",
            "service-type": "new-patient",
            "start": [f"ge{day}", f"lt{day + timedelta(days=1)}"],
            **params,
        },
    )


# --- Schedule ---------------------------------------------------------------------------------


def test_a_clinicians_schedule_is_found_by_actor_and_read_back(clinic, client):
    clinician, location, _visit = clinic

    found = _get(
        client, "/fhir/R4/Schedule", params={"actor": f"Practitioner/{clinician.public_id}"}
    )
    bare = _get(client, "/fhir/R4/Schedule", params={"actor": str(clinician.public_id)})
    read = _get(client, f"/fhir/R4/Schedule/{clinician.public_id}")

    assert found["total"] == 1 and bare["total"] == 1
    schedule = _resources(found)[0]
    assert schedule == read
    assert schedule["id"] == str(clinician.public_id)
    actors = [actor["reference"] for actor in schedule["actor"]]
    assert actors == [f"Practitioner/{clinician.public_id}", f"Location/{location.public_id}"]
    assert schedule["serviceType"][0]["coding"][0]["code"] == "new-patient"
    assert schedule["serviceType"][0]["coding"][0]["display"] == "New patient visit"
    today = timezone.localdate()
    assert schedule["planningHorizon"]["start"].startswith(today.isoformat())
    assert schedule["planningHorizon"]["end"].startswith(str(today + timedelta(days=180)))


def test_schedule_search_by_service_type_and_location(clinic, client):
    clinician, location, _visit = clinic

    by_type = _get(client, "/fhir/R4/Schedule", params={"service-type": "new-patient"})
    other = _get(client, "/fhir/R4/Schedule", params={"service-type": "second-opinion"})
    by_place = _get(client, "/fhir/R4/Schedule", params={"actor": f"Location/{location.public_id}"})

    assert [s["id"] for s in _resources(by_type)] == [str(clinician.public_id)]
    assert other["total"] == 0
    assert by_place["total"] == 1


def test_a_clinician_without_availability_has_no_schedule(clinic, client):
    idle = ClinicianFactory()

    _get(client, f"/fhir/R4/Schedule/{idle.public_id}", status=404)
    assert _get(client, "/fhir/R4/Schedule", params={"actor": str(idle.public_id)})["total"] == 0


def test_a_resource_has_its_own_schedule_and_slots(clinic, client):
    _clinician, location, _visit = clinic
    chair = Resource.objects.create(
        name="Chair 4", kind=ResourceKind.INFUSION_CHAIR, location=location
    )
    infusion = VisitTypeFactory(
        code="infusion", name="Infusion", resource_kind=ResourceKind.INFUSION_CHAIR
    )
    weekly_rules(resource=chair, location=location, visit_types=[infusion])

    schedule = _get(client, f"/fhir/R4/Schedule/resource-{chair.public_id}")
    slots = _get(
        client,
        "/fhir/R4/Slot",
        params={"schedule": f"Schedule/resource-{chair.public_id}", "service-type": "infusion"},
    )

    assert {"type": "Device", "display": "Chair 4"} in schedule["actor"]
    assert schedule["comment"] == "Infusion chair"
    first = _resources(slots)[0]
    assert first["schedule"]["reference"] == f"Schedule/resource-{chair.public_id}"
    assert _get(client, f"/fhir/R4/Slot/{first['id']}")["status"] == "free"


# --- Slot -------------------------------------------------------------------------------------


def test_slot_search_lists_free_slots_whose_ids_read_back(clinic, client):
    clinician, location, _visit = clinic
    day = _day(next_weekday_at(9))

    bundle = _slots_on(client, clinician, day)

    slots = _resources(bundle)
    local = [datetime.fromisoformat(s["start"]).astimezone(center_tz()) for s in slots]
    assert [t.time() for t in local] == [
        time(9),
        time(9, 30),
        time(10),
        time(10, 30),
        time(11),
        time(11, 30),
    ]
    assert {t.date() for t in local} == {day}
    assert all(s["status"] == "free" for s in slots)
    assert (
        slots[0]["extension"][0]["valueReference"]["reference"] == f"Location/{location.public_id}"
    )
    assert _get(client, f"/fhir/R4/Slot/{slots[2]['id']}") == slots[2]


def test_a_booked_slot_leaves_the_search_and_reads_as_busy(clinic, client):
    clinician, _location, _visit = clinic
    start = next_weekday_at(10)
    before = _resources(_slots_on(client, clinician, _day(start)))
    ten = next(s for s in before if datetime.fromisoformat(s["start"]) == start)

    _book(clinic, PatientFactory(), start)

    after = _resources(_slots_on(client, clinician, _day(start)))
    assert len(after) == len(before) - 1
    assert ten["id"] not in {s["id"] for s in after}
    assert _get(client, f"/fhir/R4/Slot/{ten['id']}")["status"] == "busy"


def test_slot_paging_continues_after_the_last_slot_shown(clinic, client):
    clinician, _location, _visit = clinic
    day = _day(next_weekday_at(9))

    first = _slots_on(client, clinician, day, _count=4)
    next_url = next(link["url"] for link in first["link"] if link["relation"] == "next")
    second = _get(client, next_url.split("testserver")[1])

    assert len(_resources(first)) == 4 and "total" not in first
    assert len(_resources(second)) == 2 and second["total"] == 2
    assert not {s["id"] for s in _resources(first)} & {s["id"] for s in _resources(second)}


def test_a_slot_the_rules_never_offered_is_not_found(clinic, client):
    clinician, location, visit = clinic
    owner = scheduling.Owner(clinician)
    offered = scheduling.slot_id(owner, visit, location, next_weekday_at(10))
    closed = scheduling.slot_id(owner, visit, location, next_weekday_at(13))
    elsewhere = offered[:-14] + "0" * 14

    in_year_one = offered[:34] + "00010101T1500Z" + offered[48:]
    nobody = "c" + "0" * 32 + offered[33:]
    for slot_id in (closed, elsewhere, in_year_one, nobody, "not-a-slot"):
        _get(client, f"/fhir/R4/Slot/{slot_id}", status=404)
    assert _get(client, f"/fhir/R4/Slot/{offered}")["status"] == "free"


def test_a_slot_too_soon_to_book_reads_as_unavailable(clinic, client):
    clinician, location, visit = clinic
    day = timezone.localdate() - timedelta(days=1)
    while day.weekday() >= 5:
        day -= timedelta(days=1)
    yesterday = datetime.combine(day, time(10), tzinfo=center_tz())

    slot_id = scheduling.slot_id(scheduling.Owner(clinician), visit, location, yesterday)

    assert _get(client, f"/fhir/R4/Slot/{slot_id}")["status"] == "busy-unavailable"


# --- Appointment ------------------------------------------------------------------------------


def test_an_appointment_is_read_by_its_patient_and_nobody_else(clinic, client):
    clinician, location, _visit = clinic
    user, patient = _patient_user()
    booked = _book(clinic, patient, next_weekday_at(10))
    url = f"/fhir/R4/Appointment/{booked.public_id}"

    _get(client, url, status=401)
    _patient_user(client)
    _get(client, url, status=404)
    client.force_login(user)
    appointment = _get(client, url)

    assert appointment["status"] == "booked"
    assert appointment["minutesDuration"] == 30
    assert appointment["serviceType"][0]["coding"][0]["code"] == "new-patient"
    actors = [p["actor"].get("reference") for p in appointment["participant"]]
    assert actors == [
        f"Patient/{patient.public_id}",
        f"Practitioner/{clinician.public_id}",
        f"Location/{location.public_id}",
    ]
    assert datetime.fromisoformat(appointment["start"]) == booked.start
    assert AuditEvent.objects.filter(
        action="fhir.appointment.read", patient_public_id=str(patient.public_id)
    ).exists()


def test_staff_read_appointments_of_their_patients_and_proxies_of_children(clinic, client):
    patient, stranger = PatientFactory(), PatientFactory()
    child = PatientFactory(date_of_birth=born_years_ago(8))
    nurse = StaffUserFactory(roles=["nurse_navigator"])
    CareRelationshipFactory(staff=nurse, patient=patient)
    parent = UserFactory()
    ProxyGrantFactory(proxy=parent, patient=child)
    mine = _book(clinic, patient, next_weekday_at(9))
    theirs = _book(clinic, stranger, next_weekday_at(10))
    childs = _book(clinic, child, next_weekday_at(11))

    sign_in_verified(client, nurse)
    _get(client, f"/fhir/R4/Appointment/{mine.public_id}")
    _get(client, f"/fhir/R4/Appointment/{theirs.public_id}", status=404)
    client.force_login(parent)
    _get(client, f"/fhir/R4/Appointment/{childs.public_id}")
    _get(client, f"/fhir/R4/Appointment/{mine.public_id}", status=404)


def test_staff_must_verify_their_second_factor(clinic, client):
    """Appointment is a patient-data route, so the site's second-factor gate answers first:
    a redirect to the two-step page, or 401 to a client that asks for JSON; audited."""
    patient = PatientFactory()
    nurse = StaffUserFactory(roles=["nurse_navigator"])
    CareRelationshipFactory(staff=nurse, patient=patient)
    booked = _book(clinic, patient, next_weekday_at(9))
    client.force_login(nurse)
    url = f"/fhir/R4/Appointment/{booked.public_id}"

    redirected = client.get(url)
    as_json = client.get(url, headers={"Accept": "application/json"})

    assert redirected.status_code == 302
    assert "/accounts/two-step/" in redirected["Location"]
    assert as_json.status_code == 401
    assert str(patient.public_id) not in as_json.content.decode()
    assert AuditEvent.objects.filter(action="patient_data.refused").count() == 2
    assert not AuditEvent.objects.filter(action="fhir.appointment.read").exists()


def test_appointment_search_by_patient_and_date(clinic, client):
    _user, patient = _patient_user(client)
    first = _book(clinic, patient, next_weekday_at(10, days_ahead=7))
    second = _book(clinic, patient, next_weekday_at(10, days_ahead=14))
    day = _day(first.start)
    url = "/fhir/R4/Appointment"

    everything = _get(client, url, params={"patient": f"Patient/{patient.public_id}"})
    own = _get(client, url)
    that_day = _get(
        client,
        url,
        params={
            "patient": str(patient.public_id),
            "date": [f"ge{day}", f"lt{day + timedelta(days=1)}"],
        },
    )
    later = _get(client, url, params={"date": f"gt{day}"})
    to_the_minute = _get(client, url, params={"date": f"le{first.start.isoformat()}"})
    exactly = _get(client, url, params={"date": first.start.isoformat()})
    a_minute_late = _get(
        client, url, params={"date": (first.start + timedelta(minutes=1)).isoformat()}
    )

    assert everything["total"] == 2 and own["total"] == 2
    assert [a["id"] for a in _resources(that_day)] == [str(first.public_id)]
    assert [a["id"] for a in _resources(later)] == [str(second.public_id)]
    assert [a["id"] for a in _resources(to_the_minute)] == [str(first.public_id)]
    assert [a["id"] for a in _resources(exactly)] == [str(first.public_id)]
    assert a_minute_late["total"] == 0


def test_a_cancelled_appointment_says_why_and_is_found_by_status(clinic, client):
    user, patient = _patient_user(client)
    booked = _book(clinic, patient, next_weekday_at(10))
    services.cancel_appointment(appointment=booked, actor=user, reason="Feeling better")

    cancelled = _get(client, "/fhir/R4/Appointment", params={"status": "cancelled"})
    current = _get(client, "/fhir/R4/Appointment", params={"status": "booked,arrived"})

    assert _resources(cancelled)[0]["cancelationReason"]["text"] == "Feeling better"
    assert current["total"] == 0


def test_an_appointment_for_a_referral_is_based_on_its_service_request(clinic, client):
    _user, patient = _patient_user(client)
    referral = _referral(patient)
    booked = _book(clinic, patient, next_weekday_at(10), referral=referral)

    appointment = _get(client, f"/fhir/R4/Appointment/{booked.public_id}")

    assert appointment["basedOn"] == [{"reference": f"ServiceRequest/{referral.public_id}"}]


def test_appointment_search_needs_a_patient_for_staff_and_hides_strangers(clinic, client):
    nurse = StaffUserFactory(roles=["nurse_navigator"])
    stranger = PatientFactory()
    sign_in_verified(client, nurse)

    _get(client, "/fhir/R4/Appointment", status=400)
    _get(client, "/fhir/R4/Appointment", status=404, params={"patient": str(stranger.public_id)})
    client.logout()
    _get(client, "/fhir/R4/Appointment", status=401, params={"patient": str(stranger.public_id)})


def test_appointment_search_costs_the_same_queries_however_many_appointments(clinic, client):
    _user, patient = _patient_user(client)
    _book(clinic, patient, next_weekday_at(9))
    _get(client, "/fhir/R4/Appointment")  # the first request of a session sets it up
    with CaptureQueriesContext(connection) as one:
        _get(client, "/fhir/R4/Appointment")
    for hour in (10, 11):
        _book(clinic, patient, next_weekday_at(hour))

    with CaptureQueriesContext(connection) as three:
        bundle = _get(client, "/fhir/R4/Appointment")

    assert bundle["total"] == 3
    assert len(three) == len(one)


# --- ServiceRequest ---------------------------------------------------------------------------


def _referral(patient=None, **extra):
    return submit_referral(
        data={
            "given_name": "Rowan",
            "family_name": "Testfield",
            "date_of_birth": date(1980, 5, 17),
            "email": "rowan@example.test",
            "referrer_name": "Dr. Ima Referrer",
            "referrer_npi": "1234567893",
            "diagnosis": "Osteosarcoma of the left femur",
            "icd10_code": "C40.22",
            "urgency": "urgent",
            **extra,
        },
        source="physician",
        patient=patient,
    )


def test_a_scheduler_reads_a_referral_as_a_service_request(client):
    patient = PatientFactory()
    referral = _referral(patient)
    referral.program = Program.objects.create(slug="bone-test", name="Bone Program")
    referral.save()
    scheduler = StaffUserFactory(roles=["scheduler"])
    CareRelationshipFactory(staff=scheduler, patient=patient)
    sign_in_verified(client, scheduler)

    request = _get(client, f"/fhir/R4/ServiceRequest/{referral.public_id}")

    assert request["status"] == "active" and request["intent"] == "order"
    assert request["priority"] == "urgent"
    assert request["extension"][0]["valueCoding"]["code"] == "received"
    assert request["subject"]["reference"] == f"Patient/{patient.public_id}"
    assert request["requester"]["identifier"] == {
        "system": "http://hl7.org/fhir/sid/us-npi",
        "value": "1234567893",
    }
    assert request["reasonCode"][0]["coding"][0] == {
        "system": "http://hl7.org/fhir/sid/icd-10-cm",
        "code": "C40.22",
    }
    assert request["performer"][0]["reference"] == f"HealthcareService/{referral.program.public_id}"
    assert AuditEvent.objects.filter(
        action="fhir.servicerequest.read", patient_public_id=str(patient.public_id)
    ).exists()


def test_a_referral_not_yet_matched_names_its_patient_in_words(client):
    referral = _referral()
    sign_in_verified(client, StaffUserFactory(roles=["scheduler"]))

    request = _get(client, f"/fhir/R4/ServiceRequest/{referral.public_id}")

    assert request["subject"] == {"display": "Rowan Testfield"}
    assert AuditEvent.objects.filter(
        action="fhir.servicerequest.read", object_id=str(referral.public_id)
    ).exists()


def test_a_registered_patients_referral_needs_a_basis_for_that_patient(client):
    """As on the staff referral page: once linked, the referral is the patient's record."""
    patient = PatientFactory()
    linked = _referral(patient)
    scheduler = StaffUserFactory(roles=["scheduler"])
    sign_in_verified(client, scheduler)

    _get(client, f"/fhir/R4/ServiceRequest/{linked.public_id}", status=404)
    _get(client, "/fhir/R4/ServiceRequest", status=404, params={"patient": str(patient.public_id)})
    denied = AuditEvent.objects.filter(
        patient_public_id=str(patient.public_id), outcome="denied"
    ).count()
    CareRelationshipFactory(staff=scheduler, patient=patient)
    read = _get(client, f"/fhir/R4/ServiceRequest/{linked.public_id}")
    theirs = _get(client, "/fhir/R4/ServiceRequest", params={"patient": str(patient.public_id)})

    assert denied == 2
    assert read["id"] == str(linked.public_id)
    assert [r["id"] for r in _resources(theirs)] == [str(linked.public_id)]


def test_service_requests_are_for_referral_staff_only(client):
    _user, patient = _patient_user(client)
    referral = _referral(patient)
    url = f"/fhir/R4/ServiceRequest/{referral.public_id}"

    _get(client, url, status=403)
    _get(client, "/fhir/R4/ServiceRequest", status=403)
    client.force_login(StaffUserFactory(roles=["scheduler"]))
    assert "/accounts/two-step/" in client.get(url)["Location"]  # the second-factor gate
    sign_in_verified(client, StaffUserFactory(roles=["content_editor"]))
    _get(client, url, status=403)
    client.logout()
    _get(client, url, status=401)
    _get(client, "/fhir/R4/ServiceRequest", status=401)
    assert AuditEvent.objects.filter(action="patient_data.refused").count() == 6
    assert not AuditEvent.objects.filter(action="fhir.servicerequest.read").exists()


def test_service_request_search_by_status_and_patient(client):
    patient = PatientFactory()
    open_one, other = _referral(patient), _referral()
    closed = _referral(patient)
    set_referral_status(referral=closed, status="declined", actor=None, note="Seen elsewhere")
    scheduler = StaffUserFactory(roles=["scheduler"])
    CareRelationshipFactory(staff=scheduler, patient=patient)
    sign_in_verified(client, scheduler)
    url = "/fhir/R4/ServiceRequest"

    active = _get(client, url, params={"status": "active"})
    revoked = _get(client, url, params={"status": "revoked"})
    theirs = _get(client, url, params={"patient": f"Patient/{patient.public_id}"})

    assert {r["id"] for r in _resources(active)} == {str(open_one.public_id), str(other.public_id)}
    assert [r["id"] for r in _resources(revoked)] == [str(closed.public_id)]
    assert _resources(revoked)[0]["extension"][0]["valueCoding"]["code"] == "declined"
    assert {r["id"] for r in _resources(theirs)} == {str(open_one.public_id), str(closed.public_id)}
    assert AuditEvent.objects.filter(action="fhir.servicerequest.read").count() == 5


# --- Errors and the capability statement ------------------------------------------------------


@pytest.mark.parametrize(
    "params",
    [
        {"start": "sa2026-12-01"},
        {"start": "xx2026-12-01"},
        {"start": "ge2026-13-45"},
        {"start": "gefoo"},
        {"start": "ge2026-12-01T25:00Z"},
        {"start": "ge9999-12-31"},
        {"start": "lt0001-01-01T00:00+14:00"},
        {"_count": "0"},
        {"_count": "-3"},
        {"_count": "ten"},
        {"bogus": "1"},
        {"schedule": None},
        {"service-type": None},
    ],
)
def test_bad_slot_searches_are_refused_with_an_outcome(clinic, client, params):
    clinician, _location, _visit = clinic
    query = {"schedule": f"Schedule/{clinician.public_id}", "service-type": "new-patient", **params}

    outcome = _get(
        client,
        "/fhir/R4/Slot",
        status=400,
        params={k: v for k, v in query.items() if v is not None},
    )

    assert outcome["issue"][0]["severity"] == "error"


@pytest.mark.parametrize(
    "params",
    [
        {"date": "xx2026-01-01"},
        {"date": "ge2026-02-30"},
        {"_count": "-1"},
        {"_count": "0"},
        {"_count": "many"},
        {"_offset": "-1"},
        {"status": "bogus"},
        {"patient": ["a", "b"]},
        {"bogus": "1"},
    ],
)
def test_bad_appointment_searches_are_refused_with_an_outcome(clinic, client, params):
    _patient_user(client)

    _get(client, "/fhir/R4/Appointment", status=400, params=params)


def test_bad_schedule_and_service_request_searches_are_refused(client):
    _get(client, "/fhir/R4/Schedule", status=400, params={"_count": "-1"})
    _get(client, "/fhir/R4/Schedule", status=400, params={"bogus": "1"})
    sign_in_verified(client, StaffUserFactory(roles=["scheduler"]))
    _get(client, "/fhir/R4/ServiceRequest", status=400, params={"_count": "ten"})
    _get(client, "/fhir/R4/ServiceRequest", status=400, params={"status": "open"})


def test_a_count_above_the_cap_is_served_as_the_cap(clinic, client, monkeypatch):
    """As the directory does: FHIR lets a server return fewer than `_count` asks for."""
    clinician, location, visit = clinic
    monkeypatch.setattr(scheduling, "MAX_COUNT", 2)
    monkeypatch.setattr(scheduling, "MAX_SLOTS", 3)
    _user, patient = _patient_user(client)
    for hour in (9, 10, 11):
        _book(clinic, patient, next_weekday_at(hour))
    for _ in range(2):
        other = ClinicianFactory()
        other.locations.add(location)
        weekly_rules(clinician=other, location=location, visit_types=[visit])
    huge = {"_count": str(10**40)}

    schedules = _get(client, "/fhir/R4/Schedule", params=huge)
    appointments = _get(client, "/fhir/R4/Appointment", params=huge)
    slots = _slots_on(client, clinician, _day(next_weekday_at(9, days_ahead=21)), **huge)
    sign_in_verified(client, StaffUserFactory(roles=["scheduler"]))
    for _ in range(3):
        _referral(patient)
    referrals = _get(client, "/fhir/R4/ServiceRequest", params=huge)

    assert (schedules["total"], len(_resources(schedules))) == (3, 2)
    assert (appointments["total"], len(_resources(appointments))) == (3, 2)
    assert len(_resources(slots)) == 3
    assert (referrals["total"], len(_resources(referrals))) == (3, 2)
    next_link = next(link["url"] for link in appointments["link"] if link["relation"] == "next")
    assert "_offset=2" in next_link


@pytest.mark.parametrize(
    ("url", "name"),
    [
        ("/fhir/R4/Appointment", "appointment_search"),
        ("/fhir/R4/Appointment/some-id", "appointment_read"),
        ("/fhir/R4/ServiceRequest", "service_request_search"),
        ("/fhir/R4/ServiceRequest/some-id", "service_request_read"),
    ],
)
def test_appointments_and_referrals_have_patient_data_routes_of_their_own(url, name, rf):
    match = resolve(url)

    assert match.view_name == f"fhir:{name}"
    assert match.func.route_kind == PATIENT_DATA
    kind = url.split("/")[3]
    assert views.search(rf.get(f"/fhir/R4/{kind}"), kind).status_code == 404
    assert views.read(rf.get(f"/fhir/R4/{kind}/x"), kind, "x").status_code == 404


def test_refusals_on_patient_data_routes_are_audited_once(clinic, client):
    _user, patient = _patient_user()
    booked = _book(clinic, patient, next_weekday_at(10))
    stranger_user, _stranger = _patient_user()
    coordinator = StaffUserFactory(roles=["trial_coordinator"])
    url = f"/fhir/R4/Appointment/{booked.public_id}"

    def refusals(*, status, **params):
        before = AuditEvent.objects.count()
        _get(client, url if not params else "/fhir/R4/Appointment", status=status, params=params)
        return AuditEvent.objects.count() - before

    anonymous = refusals(status=401)
    client.force_login(stranger_user)
    someone_elses = refusals(status=404)
    unknown_patient = refusals(status=404, patient="Patient/00000000-0000-4000-8000-000000000000")
    bad_parameters = refusals(status=400, patient=str(patient.public_id), date="xx")
    sign_in_verified(client, coordinator)
    wrong_role = refusals(status=403)

    assert (anonymous, someone_elses, unknown_patient, bad_parameters, wrong_role) == (
        1,
        1,
        1,
        1,
        1,
    )


def test_unknown_ids_are_not_found(client):
    for url in (
        "/fhir/R4/Schedule/not-an-id",
        "/fhir/R4/Schedule/00000000-0000-0000-0000-000000000000",
        "/fhir/R4/Slot/c00000000000000000000000000000000.20261201T1400Z.00000000000000",
    ):
        _get(client, url, status=404)


def test_the_capability_statement_lists_the_scheduling_resources(client):
    statement = _get(client, "/fhir/R4/metadata")

    served = {r["type"]: r for r in statement["rest"][0]["resource"]}
    for kind, params in {
        "Schedule": {"actor", "service-type", "_count"},
        "Slot": {"schedule", "service-type", "start", "_count"},
        "Appointment": {"patient", "date", "status", "_count"},
        "ServiceRequest": {"patient", "status", "_count"},
    }.items():
        assert {p["name"] for p in served[kind]["searchParam"]} == params
        assert [i["code"] for i in served[kind]["interaction"]] == ["read", "search-type"]

"""Every FHIR search costs the same queries for one match as for ten (Appointment has its own
test in test_scheduling_resources.py)."""

from datetime import date, timedelta

import pytest
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.directory.models import LocationKind, Program
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.scheduling.models import Referral
from medcenter.scheduling.tests.conftest import next_weekday_at
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    SpecialtyFactory,
    VisitTypeFactory,
    weekly_rules,
)
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import Candidate, Trial

pytestmark = pytest.mark.django_db

MORE = 9


def _clinician(n):
    """A clinician with a specialty, a place and a program of their own."""
    clinician = ClinicianFactory()
    clinician.specialties.add(SpecialtyFactory(slug=f"fhir-specialty-{n}"))
    clinician.locations.add(LocationFactory())
    clinician.programs.add(Program.objects.create(slug=f"fhir-program-{n}", name=f"Program {n}"))
    return clinician


def _program(n):
    return Program.objects.create(slug=f"service-{n}", name=f"Service {n}", is_published=True)


def _trials(first, last):
    import_records((f"demo:{i}", study) for i, (study, *_r) in enumerate(STUDIES[first:last]))


def _schedule(n):
    clinician = _clinician(100 + n)
    location = clinician.locations.get()
    weekly_rules(
        clinician=clinician, location=location, visit_types=[VisitTypeFactory(code="consult")]
    )


SEARCHES = {
    "Practitioner": _clinician,
    "PractitionerRole": _clinician,
    "Location": lambda n: LocationFactory(),
    "Organization": lambda n: LocationFactory(kind=LocationKind.NETWORK),
    "HealthcareService": _program,
    "Schedule": _schedule,
}


@pytest.mark.parametrize("resource_type", SEARCHES)
def test_a_public_search(client, resource_type):
    make = SEARCHES[resource_type]
    make(0)
    url = f"/fhir/R4/{resource_type}"

    def grow():
        for n in range(1, 1 + MORE):
            make(n)

    before, after = assert_flat_queries(lambda: client.get(url, {"_count": 50}), grow)

    assert after.status_code == 200
    assert len(after.json()["entry"]) == len(before.json()["entry"]) + MORE


def test_the_research_study_search(client):
    _trials(0, 1)

    before, after = assert_flat_queries(
        lambda: client.get("/fhir/R4/ResearchStudy", {"_count": 50}),
        lambda: _trials(1, len(STUDIES)),
    )

    assert (before.json()["total"], after.json()["total"]) == (1, len(STUDIES))


def test_the_slot_search(client):
    clinician = ClinicianFactory()
    visit = VisitTypeFactory(code="consult")
    weekly_rules(clinician=clinician, location=LocationFactory(), visit_types=[visit])
    schedule = client.get("/fhir/R4/Schedule").json()["entry"][0]["resource"]["id"]
    start = next_weekday_at(9, days_ahead=7)
    params = {
        "schedule": f"Schedule/{schedule}",
        "service-type": "consult",
        "start": [f"ge{start.isoformat()}", f"lt{(start + timedelta(days=1)).isoformat()}"],
        "_count": 100,
    }

    def grow():
        # The same clinician holds the same clinic at two more places, the same mornings.
        for _ in range(2):
            weekly_rules(clinician=clinician, location=LocationFactory(), visit_types=[visit])

    before, after = assert_flat_queries(lambda: client.get("/fhir/R4/Slot", params), grow)

    assert after.status_code == 200
    assert len(after.json()["entry"]) == 3 * len(before.json()["entry"])


def _referral(patient, n):
    return Referral.objects.create(
        source="physician",
        patient=patient,
        given_name="Noor",
        family_name="Servicewell",
        date_of_birth=date(1979, 4, 5),
        diagnosis="Glioma",
        referrer_name=f"Dr. Sender {n}",
        program=Program.objects.create(slug=f"referral-program-{n}", name=f"Program {n}"),
        requested_clinician=ClinicianFactory(),
        contact_due_at=timezone.now() + timedelta(days=1),
    )


def test_the_service_request_search_costs_only_its_audit_per_referral(client):
    """Each referral shown is audited as a read of its patient's data (R21): the audit writes
    grow with the page, nothing else does."""
    nurse = StaffUserFactory(roles=["nurse_navigator"])
    patient = PatientFactory()
    CareRelationshipFactory(staff=nurse, patient=patient)
    sign_in_verified(client, nurse)
    _referral(patient, 0)
    params = {"patient": f"Patient/{patient.public_id}"}

    def grow():
        for n in range(1, 1 + MORE):
            _referral(patient, n)

    before, after = assert_flat_queries(
        lambda: client.get("/fhir/R4/ServiceRequest", params),
        grow,
        ignoring=("core_audit", "SAVEPOINT"),
    )

    assert (before.json()["total"], after.json()["total"]) == (1, 1 + MORE)
    # One read event per referral shown, in each of the four fetches (1, 1, 10 and 10 rows).
    assert AuditEvent.objects.filter(action="fhir.servicerequest.read").count() == 2 * (2 + MORE)


def test_the_research_subject_search(client):
    _trials(0, len(STUDIES))
    trials = list(Trial.objects.order_by("nct_id"))
    nurse = StaffUserFactory(roles=["clinician"])
    patient = PatientFactory()
    CareRelationshipFactory(staff=nurse, patient=patient)
    sign_in_verified(client, nurse)
    Candidate.objects.create(trial=trials[0], patient=patient, score=90)
    params = {"patient": f"Patient/{patient.public_id}"}

    def grow():
        for score, trial in enumerate(trials[1:]):
            Candidate.objects.create(trial=trial, patient=patient, score=score)

    before, after = assert_flat_queries(
        lambda: client.get("/fhir/R4/ResearchSubject", params), grow
    )

    assert (before.json()["total"], after.json()["total"]) == (1, len(trials))

"""FHIR R4 read and search over the directory, checked with fhir.resources' own models."""

import pytest
from fhir.resources.R4B.bundle import Bundle
from fhir.resources.R4B.capabilitystatement import CapabilityStatement
from fhir.resources.R4B.location import Location as FhirLocation
from fhir.resources.R4B.operationoutcome import OperationOutcome
from fhir.resources.R4B.practitioner import Practitioner
from fhir.resources.R4B.practitionerrole import PractitionerRole

from medcenter.directory.models import Clinician, Location, Program

pytestmark = pytest.mark.django_db


def _get(client, url, status=200):
    response = client.get(url)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    return response.json()


def test_a_practitioner_reads_as_a_valid_resource(demo_directory, client):
    clinician = Clinician.objects.get(slug="lucia-fernandez-oyelaran")

    data = _get(client, f"/fhir/R4/Practitioner/{clinician.public_id}")

    practitioner = Practitioner.model_validate(data)
    assert practitioner.name[0].family == "Fernández-Oyelaran"
    assert {c.coding[0].code for c in practitioner.communication} == {"en", "es"}


def test_a_practitioner_role_links_specialties_locations_and_programs(demo_directory, client):
    clinician = Clinician.objects.get(slug="severin-ashgrove")

    role = PractitionerRole.model_validate(
        _get(client, f"/fhir/R4/PractitionerRole/{clinician.public_id}")
    )

    assert role.practitioner.reference == f"Practitioner/{clinician.public_id}"
    assert role.specialty[0].coding[0].code == "orthopaedic-oncology"
    bone = Program.objects.get(slug="bone-sarcoma")
    assert f"HealthcareService/{bone.public_id}" in [s.reference for s in role.healthcareService]
    for location in role.location:
        assert _get(client, f"/fhir/R4/{location.reference}")["resourceType"] == "Location"


def test_a_location_has_its_address_and_position(demo_directory, client):
    site = Location.objects.get(slug="granite-state")

    location = FhirLocation.model_validate(_get(client, f"/fhir/R4/Location/{site.public_id}"))

    assert location.address.state == "NH"
    assert abs(float(location.position.latitude) - site.latitude) < 1e-6
    assert location.managingOrganization.reference == "Organization/affiliate-granite-state"
    assert _get(client, "/fhir/R4/Organization/affiliate-granite-state")["partOf"]


def test_search_returns_a_searchset_bundle_with_paging(demo_directory, client):
    first = Bundle.model_validate(
        _get(client, "/fhir/R4/PractitionerRole?specialty=orthopaedic-oncology&_count=5")
    )

    assert first.type == "searchset"
    assert first.total > 5 and len(first.entry) == 5
    next_url = next(link.url for link in first.link if link.relation == "next")
    second = Bundle.model_validate(_get(client, next_url.split("testserver")[1]))
    ids_first = {e.resource.id for e in first.entry}
    assert not ids_first & {e.resource.id for e in second.entry}


def test_search_by_name_address_and_identifier(demo_directory, client):
    assert _get(client, "/fhir/R4/Practitioner?name=okafor")["total"] == 1
    assert _get(client, "/fhir/R4/Location?address-state=VT")["total"] == 1
    services = _get(client, "/fhir/R4/HealthcareService?identifier=bone-sarcoma")
    assert services["entry"][0]["resource"]["name"] == "Bone and Sarcoma Program"
    assert _get(client, "/fhir/R4/Organization")["total"] == 5


@pytest.mark.parametrize(
    ("url", "status"),
    [
        ("/fhir/R4/Practitioner?bogus=1", 400),
        ("/fhir/R4/Practitioner?_count=ten", 400),
        ("/fhir/R4/Practitioner?_count=-5", 400),
        ("/fhir/R4/Practitioner?_count=0", 400),
        ("/fhir/R4/Practitioner/not-an-id", 404),
        ("/fhir/R4/Practitioner/00000000-0000-0000-0000-000000000000", 404),
        ("/fhir/R4/Patient/anything", 404),
    ],
)
def test_errors_are_operation_outcomes(demo_directory, client, url, status):
    outcome = OperationOutcome.model_validate(_get(client, url, status))

    assert outcome.issue[0].severity == "error"


def test_count_is_capped(demo_directory, client):
    assert len(_get(client, "/fhir/R4/Practitioner?_count=100000")["entry"]) == 100
    assert len(_get(client, f"/fhir/R4/Practitioner?_count={10**40}")["entry"]) == 100


def test_the_capability_statement_lists_every_served_resource(demo_directory, client):
    statement = CapabilityStatement.model_validate(_get(client, "/fhir/R4/metadata"))

    served = {r.type for r in statement.rest[0].resource}
    assert served == {
        "Practitioner",
        "PractitionerRole",
        "Location",
        "Organization",
        "HealthcareService",
        "Schedule",
        "Slot",
        "Appointment",
        "ServiceRequest",
        "ResearchStudy",
        "ResearchSubject",
        "DiagnosticReport",
        "Observation",
        "DocumentReference",
        "Communication",
        "Questionnaire",
        "QuestionnaireResponse",
        "CarePlan",
        "Goal",
        "Task",
        "Measure",
        "MeasureReport",
    }
    assert statement.fhirVersion == "4.0.1"

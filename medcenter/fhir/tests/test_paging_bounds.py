"""Every FHIR search takes `_count` and `_offset` as bounded whole numbers: an offset past what
the database can hold (issue 17: `_offset=99999999999999999999999` was `bigint out of range`,
answered as an HTML 500) is an OperationOutcome, never a 500."""

import pytest

pytestmark = pytest.mark.django_db

SEARCHES = [
    "Practitioner",
    "PractitionerRole",
    "Location",
    "ResearchStudy",
    "HealthcareService",
    "Organization",
    "Schedule",
    "Slot",
    "Appointment",
    "ServiceRequest",
    "ResearchSubject",
]
BAD_OFFSETS = [
    "99999999999999999999999",
    "9223372036854775808",
    str(10**6 + 1),
    "-1",
    "-99999999999999999999999",
    "ten",
    "1e3",
]
BAD_COUNTS = ["0", "-1", "-99999999999999999999999", "ten", "1.5"]


def _outcome(response):
    assert response.status_code < 500, response.content
    assert response["Content-Type"].startswith("application/fhir+json")
    body = response.json()
    assert body["resourceType"] == "OperationOutcome", body
    assert body["issue"][0]["severity"] == "error"
    return body


@pytest.mark.parametrize("resource", SEARCHES)
@pytest.mark.parametrize("offset", BAD_OFFSETS)
def test_an_offset_out_of_range_is_an_operation_outcome(client, resource, offset):
    response = client.get(f"/fhir/R4/{resource}", {"_offset": offset})
    _outcome(response)
    assert response.status_code in (400, 401, 403)


@pytest.mark.parametrize("resource", SEARCHES)
@pytest.mark.parametrize("count", BAD_COUNTS)
def test_a_count_out_of_range_is_an_operation_outcome(client, resource, count):
    response = client.get(f"/fhir/R4/{resource}", {"_count": count})
    _outcome(response)
    assert response.status_code in (400, 401, 403)


@pytest.mark.parametrize("resource", ["Practitioner", "Organization"])
def test_the_deepest_offset_allowed_is_an_empty_page(demo_directory, client, resource):
    response = client.get(f"/fhir/R4/{resource}", {"_offset": str(10**6)})
    assert response.status_code == 200
    bundle = response.json()
    assert bundle["resourceType"] == "Bundle"
    assert bundle.get("entry", []) == []
    assert bundle["total"] > 0


def test_the_practitioner_offset_of_the_issue_names_the_range(demo_directory, client):
    body = _outcome(client.get("/fhir/R4/Practitioner?_offset=99999999999999999999999"))
    assert "_offset: Enter a whole number from 0 to 1000000." in body["issue"][0]["diagnostics"]

"""A clinician's profile carries schema.org IndividualPhysician data that extruct reads, with
the properties a search engine's physician listing needs, escaped as `json_script` does."""

import extruct
import pytest

from medcenter.directory.models import Program
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    SpecialtyFactory,
)

pytestmark = pytest.mark.django_db


def _physicians(html):
    data = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
    return [d for d in data if "IndividualPhysician" in d.get("@type", [])]


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_profile_describes_the_clinician_as_an_individual_physician(client, language):
    clinician = ClinicianFactory(
        slug="dr-noa-example",
        given_name="Noa",
        family_name="Example",
        title="Orthopedic oncologist </script><script>alert(1)</script>",
        languages=["en", "es"],
        accepting_new_patients=True,
    )
    clinician.specialties.add(SpecialtyFactory(slug="ortho-onc", name="Orthopedic Oncology"))
    clinician.locations.add(LocationFactory(name="Harbor Clinic", postal_code="01234"))
    clinician.programs.add(Program.objects.create(slug="sarcoma", name="Sarcoma Program"))

    html = client.get(f"/{language}/doctors/dr-noa-example/").content.decode()

    (physician,) = _physicians(html)
    assert "Physician" in physician["@type"]
    assert physician["name"] == "Noa Example, MD"
    assert physician["url"].endswith(f"/{language}/doctors/dr-noa-example/")
    assert physician["medicalSpecialty"] == ["Orthopedic Oncology"]
    assert physician["knowsLanguage"] == ["en", "es"]
    assert physician["isAcceptingNewPatients"] is True
    (site,) = physician["practicesAt"]
    assert site["name"] == "Harbor Clinic" and site["address"]["postalCode"] == "01234"
    assert physician["memberOf"][0]["name"] == "Sarcoma Program"
    assert physician["hospitalAffiliation"]["@type"] == "MedicalOrganization"
    assert physician["jobTitle"].endswith("<script>alert(1)</script>")  # data, kept whole
    assert "</script><script>alert(1)" not in html  # and never able to close the element

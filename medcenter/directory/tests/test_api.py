import pytest

# Every test here runs against the demo directory, seeded once for the module (see conftest).
pytestmark = [pytest.mark.django_db, pytest.mark.usefixtures("demo_directory_once")]

URL = "/api/v1/directory/search"


def test_the_api_returns_programs_conditions_ranked_doctors_and_facets(demo_directory, client):
    data = client.get(URL, {"q": "osteosarcma", "lang": "es"}).json()

    assert data["programs"][0]["slug"] == "bone-sarcoma"
    assert data["programs"][0]["url"] == "/es/programs/bone-sarcoma/"
    assert any(c["oncotree_code"] == "OS" for c in data["conditions"])
    assert data["total"] > 0 and len(data["clinicians"]) == min(20, data["total"])
    assert "bone-sarcoma" in data["clinicians"][0]["programs"] + ["pediatric"]
    assert set(data["facets"]) == {
        "specialty",
        "program",
        "condition",
        "language",
        "location",
        "gender",
        "accepting",
        "telehealth",
    }


def test_the_api_and_the_page_agree(demo_directory, client):
    api = client.get(URL, {"q": "lung cancer", "accepting": "true"}).json()
    page = client.get("/en/doctors/", {"q": "lung cancer", "accepting": "on"})

    assert api["total"] == page.context["results"].total
    assert [c["slug"] for c in api["clinicians"]] == [
        h.clinician.slug for h in page.context["results"].hits
    ]


@pytest.mark.parametrize(
    "params", [{"sort": "evil"}, {"lang": "xx"}, {"page": "abc"}, {"accepting": "maybe"}]
)
def test_parameters_outside_the_contract_are_a_400_that_says_which(client, db, params):
    response = client.get(URL, params)

    assert response.status_code == 400
    assert response.json()["detail"]


def test_a_huge_page_number_is_capped_not_an_error(demo_directory, client):
    data = client.get(URL, {"page": 10**9}).json()

    assert data["page"] == data["pages"]

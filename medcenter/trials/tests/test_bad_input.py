"""Bad input on every public trials door gets a clear 4xx (or a kept form), never a 500."""

import pytest

from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def catalogue():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))


@pytest.mark.parametrize(
    "query",
    [
        {"age": "-3"},
        {"age": "1e9"},
        {"gene": "EG FR;DROP"},
        {"phase": "PHASE9"},
        {"program": "no-such-program"},
        {"near": "abcde", "miles": "25"},
        {"near": "02115", "miles": "9999"},
        {"condition": "x" * 500},
        {"condition": "%_\\'\""},
    ],
)
def test_a_strange_search_is_answered_without_an_error(client, query):
    response = client.get("/en/trials/", query)
    assert response.status_code in (200, 400)
    assert b"Find a clinical trial" in response.content


@pytest.mark.parametrize(
    "answers",
    [
        {"age": "abc"},
        {"age": "-1"},
        {"diagnosis": "maybe"},
        {"activity": "9"},
        {"stage": "VII"},
    ],
)
def test_a_bad_prescreen_answer_is_a_400_with_the_form_kept(client, answers):
    response = client.post("/en/trials/NCT99001001/prescreen/", answers)
    assert response.status_code == 400
    assert b"<form" in response.content


@pytest.mark.parametrize("answers", ["[]", "not json", '{"age": "x"}', '{"age": 1e309}', "{}"])
def test_a_tampered_answers_field_never_breaks_the_contact_request(client, answers):
    response = client.post(
        "/en/trials/NCT99001001/contact/",
        {"name": "R", "email": "r@example.test", "consent": "on", "answers": answers},
    )
    assert response.status_code in (200, 400)


def test_an_unknown_or_odd_trial_number_is_a_404(client):
    for nct in ("NCT00000000", "nct99001001x", "NCT0"):
        assert client.get(f"/en/trials/{nct}/").status_code == 404
    assert client.get("/en/trials/%00/").status_code == 400  # the NUL-byte guard
    assert client.get("/en/trials/NCT00000000/prescreen/").status_code == 404


@pytest.mark.parametrize(
    "body",
    [
        "not json",
        "[]",
        '{"note": 5}',
        '{"biomarkers": "EGFR"}',
        '{"biomarkers": [{"gene": "EGFR", "alteration": "' + "x" * 100 + '"}]}',
        '{"diagnosis_codes": ["' + "C" * 500 + '"]}',
        '{"limit": 0, "age": 50}',
        '{"prior_therapies": [1, 2]}',
    ],
)
def test_a_malformed_match_request_is_a_4xx(client, body):
    response = client.post("/api/v1/trials/match", body, content_type="application/json")
    assert 400 <= response.status_code < 500


@pytest.mark.parametrize(
    "path",
    [
        "/fhir/R4/ResearchStudy?_count=abc",
        "/fhir/R4/ResearchStudy?_count=-1",
        "/fhir/R4/ResearchStudy?status=nonsense",
        "/fhir/R4/ResearchStudy?unknown=1",
        "/fhir/R4/ResearchStudy/not-a-uuid",
        "/fhir/R4/ResearchSubject/not-a-uuid",
        "/fhir/R4/ResearchSubject?patient=Patient/xyz",
    ],
)
def test_fhir_trial_resources_refuse_bad_input_with_an_outcome(client, path):
    response = client.get(path)
    assert response.status_code in (200, 400, 401, 404)
    if response.status_code != 200:
        assert response.json()["resourceType"] == "OperationOutcome"


def test_an_odd_trial_number_in_the_api_is_a_404(client):
    for nct in ("NCT0", "nct9900100", "NCT99001001x"):
        assert client.get(f"/api/v1/trials/{nct}").status_code == 404
    assert client.get("/api/v1/trials/NCT99001001%00").status_code == 400

"""POST /api/v1/trials/match and the catalogue endpoints."""

import pytest

from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records

pytestmark = pytest.mark.django_db
URL = "/api/v1/trials/match"


@pytest.fixture(autouse=True)
def catalogue():
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))


def test_a_full_profile_ranks_the_egfr_trial_first_with_every_criterion_explained(client):
    response = client.post(
        URL,
        {
            "age": 62,
            "sex": "female",
            "diagnosis_codes": ["LUAD"],
            "stage": "IV",
            "biomarkers": [{"gene": "EGFR", "alteration": "L858R"}],
            "tested_genes": ["EGFR", "KRAS", "ALK"],
            "ecog": 1,
            "prior_therapies": ["carboplatin", "pemetrexed"],
        },
        content_type="application/json",
    )
    assert response.status_code == 200
    body = response.json()
    first = body["matches"][0]
    assert first["trial"]["nct_id"] == "NCT99001001"
    outcomes = {(c["kind"], c["section"]): c["outcome"] for c in first["criteria"]}
    assert outcomes[("biomarker", "inclusion")] == "met"
    assert outcomes[("prior_therapy", "exclusion")] == "met"  # no osimertinib given
    assert all(m["eligible"] for m in body["matches"])
    assert "NCT99001002" not in [m["trial"]["nct_id"] for m in body["matches"]]


def test_a_note_alone_is_a_profile(client):
    note = (
        "17 yo boy with relapsed Ewing sarcoma of the left femur after VDC/IE; "
        "Karnofsky 80. No brain metastases."
    )
    body = client.post(URL, {"note": note}, content_type="application/json").json()
    assert body["profile_read"]["age"] == 17
    assert "ES" in body["profile_read"]["diagnosis_codes"]
    assert body["matches"][0]["trial"]["nct_id"] == "NCT99002001"


def test_ineligible_trials_come_last_when_asked_for(client):
    body = client.post(
        URL,
        {"age": 62, "diagnosis_codes": ["LUAD"], "include_ineligible": True, "limit": 100},
        content_type="application/json",
    ).json()
    eligible = [m["eligible"] for m in body["matches"]]
    assert eligible == sorted(eligible, reverse=True) and not all(eligible)


@pytest.mark.parametrize(
    "payload",
    [{}, {"age": 300}, {"sex": "x"}, {"stage": "V"}, {"biomarkers": [{"gene": "EG FR"}]}],
)
def test_bad_profiles_get_a_clear_400_or_422(client, payload):
    response = client.post(URL, payload, content_type="application/json")
    assert response.status_code in (400, 422)
    assert "detail" in response.json()


def test_search_by_gene_and_read_one_trial(client):
    found = client.get("/api/v1/trials/search", {"gene": "IDH1"}).json()
    assert [t["nct_id"] for t in found] == ["NCT99002003"]
    trial = client.get("/api/v1/trials/NCT99002003").json()
    assert any(
        c["kind"] == "biomarker" and c["params"]["gene"] == "IDH1" for c in trial["criteria"]
    )
    assert client.get("/api/v1/trials/NCT00000000").status_code == 404


def test_search_by_gene_reads_the_gene_as_people_write_it(client):
    by_symbol = client.get("/api/v1/trials/search", {"gene": "EGFR"}).json()
    by_phrase = client.get("/api/v1/trials/search", {"gene": "exon 19 deletion"}).json()

    assert by_symbol
    assert [t["nct_id"] for t in by_phrase] == [t["nct_id"] for t in by_symbol]

"""POST /api/v1/oncology/stage and /annotate: answers, refusals, and who may call them."""

import pytest

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinician_client(client):
    sign_in_verified(client, StaffUserFactory(roles=["clinician"]))
    return client


def test_staging_from_categories_returns_the_group_and_rule_version(clinician_client):
    response = clinician_client.post(
        "/api/v1/oncology/stage",
        {"scheme": "nsclc", "categories": {"t": "cT3", "n": "cN3", "m": "cM0"}},
        content_type="application/json",
    )

    body = response.json()
    assert response.status_code == 200
    assert body["stage_group"] == "IIIC"
    assert body["labels"] == {"t": "cT3", "n": "cN3", "m": "cM0"}
    assert body["rule_version"].startswith("AJCC8/lung")


def test_staging_from_raw_facts_and_a_precise_refusal(clinician_client):
    staged = clinician_client.post(
        "/api/v1/oncology/stage",
        {
            "scheme": "bone_appendicular",
            "facts": {
                "size_cm": 8,
                "regional_node_metastasis": False,
                "metastasis_sites": [],
                "differentiation": "poor",
            },
        },
        content_type="application/json",
    )
    refused = clinician_client.post(
        "/api/v1/oncology/stage",
        {"scheme": "bone_appendicular", "categories": {"n": "N0", "m": "M0", "grade": "G1"}},
        content_type="application/json",
    )

    assert staged.json()["categories"]["t"] == "T1"
    assert refused.status_code == 400
    assert refused["Content-Type"] == "application/problem+json"
    assert refused.json()["errors"]["t"]
    assert refused.json()["errors"]["t"][0] in refused.json()["detail"]


def test_annotation_lists_therapies_with_levels_and_resistance(clinician_client):
    response = clinician_client.post(
        "/api/v1/oncology/annotate",
        {
            "tumor_type": "COAD",
            "alterations": [
                {"gene": "BRAF", "alteration": "V600E"},
                {"gene": "KRAS", "alteration": "G12D"},
            ],
        },
        content_type="application/json",
    )

    braf, kras = response.json()["annotations"]
    assert response.status_code == 200
    assert any(t["therapy"].startswith("encorafenib") for t in braf["sensitive"])
    assert {t["therapy"] for t in kras["resistant"]} >= {"cetuximab", "panitumumab"}


def test_an_unknown_tumor_type_or_a_garbled_alteration_is_a_400(clinician_client):
    unknown = clinician_client.post(
        "/api/v1/oncology/annotate",
        {"tumor_type": "NOTATYPE", "alterations": [{"gene": "EGFR", "alteration": "L858R"}]},
        content_type="application/json",
    )
    garbled = clinician_client.post(
        "/api/v1/oncology/annotate",
        {"tumor_type": "LUAD", "alterations": [{"gene": "", "alteration": "L858R"}]},
        content_type="application/json",
    )

    assert unknown.status_code == 400 and "NOTATYPE" in unknown.json()["errors"]["tumor_type"][0]
    assert garbled.status_code == 400 and garbled.json()["errors"]["alterations[0]"]


def test_only_clinical_staff_may_call_the_calculators(client):
    anonymous = client.get("/api/v1/oncology/schemes")
    sign_in_verified(client, StaffUserFactory(roles=["giving_officer"]))
    giving = client.get("/api/v1/oncology/schemes")

    assert anonymous.status_code == 401
    assert giving.status_code == 403
    assert giving.json()["detail"] == "Your role does not include the oncology record."

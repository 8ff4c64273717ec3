"""Laboratory limits: units converted, multiples of the upper limit of normal, the API."""

import pytest

from medcenter.oncology import labunits
from medcenter.trials.eligibility import parse_criteria
from medcenter.trials.matcher.rules import Profile, compile_rules
from medcenter.trials.profiles import profile_from_payload


@pytest.mark.parametrize(
    ("test", "value", "unit", "expected"),
    [
        ("anc", 1500, "/mm3", 1.5),
        ("anc", 1.5, "10^9/L", 1.5),
        ("platelets", 100_000, "/µL", 100.0),
        ("platelets", 100, "10^3/uL", 100.0),
        ("hemoglobin", 90, "g/L", 9.0),
        ("creatinine", 132.6, "µmol/L", 1.5),
        ("bilirubin", 34.2, "umol/L", 2.0),
        ("creatinine_clearance", 60, "mL/min/1.73 m2", 60.0),
        ("anc", 1500, "", 1.5),  # no unit: read by size
        ("hemoglobin", 9, "", 9.0),
    ],
)
def test_values_come_to_one_unit_per_test(test, value, unit, expected):
    assert labunits.to_canonical(test, value, unit) == pytest.approx(expected, rel=1e-3)


@pytest.mark.parametrize(
    ("test", "unit"), [("hemoglobin", "mg/dL"), ("creatinine", ""), ("ast", "%"), ("x", "g/L")]
)
def test_a_unit_that_makes_no_sense_for_the_test_is_not_guessed(test, unit):
    assert labunits.to_canonical(test, 1.0, unit) is None


def _lab_verdicts(text, profile):
    rules = compile_rules(
        trial_id=1, criteria=parse_criteria(text), min_age=None, max_age=None, sex="ALL"
    )
    return [v for v in rules.match(profile).verdicts if v.kind == "lab"]


TEXT = """Inclusion Criteria:
- Absolute neutrophil count >= 1,500/mm3
- Hemoglobin >= 9 g/dL
- Serum creatinine <= 1.5 mg/dL
- AST and ALT <= 2.5 times upper limit of normal
"""


def test_results_in_other_units_meet_or_fail_the_criteria():
    profile = profile_from_payload(
        {
            "labs": [
                {"test": "anc", "value": 1.2, "unit": "10^9/L"},
                {"test": "hemoglobin", "value": 95, "unit": "g/L"},
                {"test": "creatinine", "value": 97, "unit": "umol/L"},
                {"test": "ast", "value": 60, "unit": "U/L", "uln": 40},
                {"test": "alt", "value": 150, "unit": "U/L", "uln": 40},
            ]
        }
    )
    found = _lab_verdicts(TEXT, profile)
    outcomes = {v.source.split()[0]: v.outcome for v in found if "ULN" not in v.source}
    assert outcomes["Absolute"] == "not_met"  # 1.2 x 10^9/L is below 1,500/mm3
    assert outcomes["Hemoglobin"] == "met"  # 95 g/L is 9.5 g/dL
    assert outcomes["Serum"] == "met"  # 97 µmol/L is 1.1 mg/dL
    by_test = {v.evidence: v.outcome for v in found if "ULN" in v.evidence}
    # The evidence names each test as people read it, with the patient's value.
    assert by_test["AST (aspartate aminotransferase) 1.5 x ULN"] == "met"
    assert by_test["ALT (alanine aminotransferase) 3.75 x ULN"] == "not_met"
    assert "Absolute neutrophil count 1.2 10^9/L" in [v.evidence for v in found]


def test_lab_names_agree_with_the_record_and_are_translated_where_shown():
    from django.utils import translation

    from medcenter.oncology.models import LabTest
    from medcenter.trials.matcher.rules import LAB_NAMES, Evidence

    assert {value: str(label) for value, label in LabTest.choices} == LAB_NAMES
    profile = profile_from_payload({"labs": [{"test": "platelets", "value": 80, "unit": "10^9/L"}]})
    (verdict,) = _lab_verdicts("Inclusion Criteria:\n- Platelets >= 100,000/mm3\n", profile)
    assert verdict.outcome == "not_met"
    assert verdict.evidence == "Platelets 80 10^9/L"
    kept = Evidence.from_parts(verdict.evidence.to_parts())  # as a contact request keeps it
    with translation.override("es"):
        assert kept.translated() == verdict.evidence.translated()
        assert kept.translated().startswith("Plaquetas")


def test_a_value_without_its_upper_limit_leaves_a_uln_criterion_unknown():
    profile = Profile(labs={"ast": 60.0})
    found = _lab_verdicts("Inclusion Criteria:\n- AST <= 2.5 x ULN\n", profile)
    assert [v.outcome for v in found] == ["unknown"]


def test_a_limit_equal_to_the_result_in_another_unit_is_met():
    profile = profile_from_payload({"labs": [{"test": "anc", "value": 1.5, "unit": "10^9/L"}]})
    found = _lab_verdicts("Inclusion Criteria:\n- ANC >= 1500/mm3\n", profile)
    assert [v.outcome for v in found] == ["met"]


@pytest.mark.django_db
def test_the_api_takes_labs_and_refuses_an_unknown_unit_clearly(client):
    url = "/api/v1/trials/match"
    ok = client.post(
        url,
        {"age": 50, "labs": [{"test": "hemoglobin", "value": 95, "unit": "g/L"}]},
        content_type="application/json",
    )
    assert ok.status_code == 200
    assert ok.json()["profile_read"]["labs"] == {"hemoglobin": 9.5}
    bad = client.post(
        url,
        {"labs": [{"test": "creatinine", "value": 1.1, "unit": "furlongs"}]},
        content_type="application/json",
    )
    assert bad.status_code in (400, 422)
    assert "not known for creatinine" in bad.content.decode()
    assert "umol/l" in bad.content.decode()


@pytest.mark.parametrize(
    "parts",
    [
        [
            [
                "{test} {result}",
                {"test": {"evidence": [["{x}", {"x": {"evidence": [["a", {}]]}}]]}, "result": "1"},
            ]
        ],
        [["{test}", {"test": {"other": 1}}]],
        [["{test.nope}", {"test": "anc"}]],
        [["{test}", {"test": {"evidence": "not parts"}}]],
    ],
)
def test_kept_evidence_that_is_not_what_to_parts_writes_is_refused_clearly(parts):
    from medcenter.trials.matcher.rules import Evidence

    with pytest.raises(ValueError):
        Evidence.from_parts(parts)

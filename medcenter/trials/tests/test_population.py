"""The whole-population matcher gives exactly the answers of `TrialRules.match`.

Random trials (every criterion kind, both sections, negations, alternatives, odd values) and
random profiles (unknowns everywhere) are matched pair by pair with `TrialRules.match` and
with `population`; the eligible sets, the scores and the order must be identical. No timings.
"""

import math
import random

import numpy as np
import pytest

from medcenter.trials.matcher import compiled as population
from medcenter.trials.matcher import rules as matching
from medcenter.trials.matcher.compiled import CONST, WHOLE, CompiledTrials, dim_of, rematch
from medcenter.trials.matcher.rules import Biomarker, Profile, TrialRules

CODES = [
    "LUAD", "LUSC", "NSCLC", "SCLC", "LUNG", "IDC", "ILC", "BREAST", "COADREAD", "COAD",
    "READ", "PAAD", "PANCREAS", "PRAD", "PROSTATE", "MEL", "SKIN", "GB", "BRAIN", "AML",
    "MYELOID", "DLBCLNOS", "LYMPH", "HGSOC", "OVARY", "SOLID", "luad", "NOT_A_CODE",
]  # fmt: skip
GENES = ["EGFR", "KRAS", "ALK", "BRAF", "ERBB2", "egfr", "NTRK1", ""]
CLASSES = ["mutation", "fusion", "amplification", "L858R", "G12C", "V600E", "overexpression"]
THERAPIES = ["platinum chemotherapy", "immunotherapy", "osimertinib", "Osimertinib", ""]
LABS = ["anc", "platelets", "creatinine", "bilirubin", "ast"]
STAGES = ["0", "I", "II", "III", "IV", "V"]
QUALIFIERS = ["untreated", "treated", "active", "stable", "symptomatic", "leptomeningeal"]
KINDS = [
    "age", "sex", "diagnosis", "stage", "biomarker", "performance", "prior_therapy",
    "prior_lines", "brain_metastases", "lab", "pregnancy", "text",
]  # fmt: skip


def maybe(rng, value, p=0.5):
    return value if rng.random() < p else None


def simple_criterion(rng, kind):
    if kind == "age":
        low = maybe(rng, rng.choice([12, 18, 18.0, 21, 40, 65]), 0.8)
        return {"min_years": low, "max_years": maybe(rng, rng.choice([17, 39, 64, 75, 75.5]))}
    if kind == "sex":
        return {"sex": rng.choice(["female", "male", "female", None])}
    if kind == "diagnosis":
        return {"oncotree": rng.sample(CODES, rng.randint(0, 3))}
    if kind == "stage":
        c = {"stages": rng.sample(STAGES, rng.randint(0, 3))}
        if rng.random() < 0.3:
            c["detail"] = rng.sample(["IIIB", "IIIC", "IV", "IVA", "IIA"], 2)
        for flag in ("metastatic", "locally_advanced", "unresectable"):
            if rng.random() < 0.2:
                c[flag] = True
        return c
    if kind == "biomarker":
        c = {"gene": rng.choice(GENES)}
        if rng.random() < 0.8:
            c["classes"] = rng.sample(CLASSES, rng.randint(1, 2))
        return c
    if kind == "performance":
        scale = rng.choice(["ecog", "ecog", "karnofsky", "lansky", "other"])
        if scale == "ecog":
            return {"scale": scale, "min": maybe(rng, 0, 0.2), "max": rng.choice([0, 1, 2, 3])}
        return {"scale": scale, "min": rng.choice([50, 60, 70, 80]), "max": maybe(rng, 90, 0.2)}
    if kind == "prior_therapy":
        return {"therapy": rng.choice(THERAPIES)}
    if kind == "prior_lines":
        return {"min": maybe(rng, rng.randint(0, 2)), "max": maybe(rng, rng.randint(1, 4))}
    if kind == "brain_metastases":
        return {"qualifier": maybe(rng, rng.choice(QUALIFIERS), 0.7)}
    if kind == "lab":
        c = {
            "test": rng.choice(LABS),
            "op": rng.choice([">=", ">", "<=", "<", "="]),
            "value": rng.choice([1.5, 100, 2, 0, None]),
        }
        if rng.random() < 0.1:
            c["uln_multiple"] = 1.5
        return c
    if kind == "pregnancy":
        return {}
    raise AssertionError(kind)


def criterion(rng, depth=0):
    kind = rng.choice([*KINDS, "weird"]) if depth == 0 else rng.choice(KINDS[:-1])
    if kind == "text":
        c = {"kind": "text"}
        if rng.random() < 0.5 and depth == 0:
            c["alternatives"] = [criterion(rng, 1) for _ in range(rng.randint(1, 3))]
    elif kind == "weird":  # an unknown kind reads as text, like condition_of does
        c = {"kind": "weird"}
        if rng.random() < 0.5:
            c["alternatives"] = [criterion(rng, 1) for _ in range(rng.randint(1, 2))]
    else:
        c = {"kind": kind, **simple_criterion(rng, kind)}
    if rng.random() < 0.9:
        c["section"] = rng.choice(["inclusion", "inclusion", "exclusion"])
    if rng.random() < 0.25:
        c["present"] = rng.choice([True, False])
    c["source"] = f"criterion {rng.random():.6f}"
    return c


def random_rules(rng, n):
    rules = []
    for i in range(n):
        criteria = [criterion(rng) for _ in range(rng.randint(0, 12))]
        if rng.random() < 0.5:
            rules.append(
                matching.compile_rules(
                    trial_id=1000 + i,
                    criteria=criteria,
                    min_age=maybe(rng, rng.choice([18.0, 40.0])),
                    max_age=maybe(rng, rng.choice([70.0, 99.0]), 0.3),
                    sex=rng.choice(["ALL", "FEMALE", "MALE", "ALL"]),
                    condition_codes=rng.sample(CODES, rng.randint(0, 2)),
                )
            )
        else:
            rules.append(TrialRules(trial_id=1000 + i, criteria=criteria))
    return rules


def random_profile(rng):
    genes = [g for g in GENES if g]
    return Profile(
        age=maybe(rng, rng.choice([8, 17, 18, 39.5, 40, 55, 64, 65, 75, 80.0]), 0.85),
        sex=maybe(rng, rng.choice(["female", "male", "other"]), 0.85),
        oncotree=rng.sample(CODES, rng.choice([0, 1, 1, 1, 2])),
        terms=["a cancer"] if rng.random() < 0.3 else [],
        stage=maybe(rng, rng.choice(["IIIB", "IV", "IVA", "II", "I", "0", "stage III", "X"])),
        metastatic=maybe(rng, rng.random() < 0.5),
        biomarkers=[
            Biomarker(
                gene=rng.choice(genes),
                classes=frozenset(rng.sample(CLASSES, rng.randint(1, 2))),
                present=rng.random() < 0.7,
            )
            for _ in range(rng.choice([0, 0, 1, 2, 3]))
        ],
        tested_genes=frozenset(rng.sample(genes, rng.randint(0, 3))),
        ecog=maybe(rng, rng.randint(0, 4)),
        karnofsky=maybe(rng, rng.choice([40, 55, 70, 90, 100]), 0.3),
        prior_therapies=frozenset(rng.sample(THERAPIES[:-1], rng.randint(0, 2))),
        therapies_known=rng.random() < 0.3,
        prior_lines=maybe(rng, rng.randint(0, 4)),
        brain_metastases=maybe(rng, rng.random() < 0.3),
        brain_qualifiers=frozenset(rng.sample(QUALIFIERS, rng.randint(0, 2))),
        labs={
            **{t: rng.choice([0.5, 1.5, 2.0, 100.0, 150.0]) for t in rng.sample(LABS, 2)},
            **{f"{t}/uln": rng.choice([0.8, 1.5, 3.0]) for t in rng.sample(LABS, 1)},
        },
        pregnant=maybe(rng, rng.random() < 0.1, 0.4),
        not_diagnoses=frozenset(rng.sample(CODES, 2)) if rng.random() < 0.1 else frozenset(),
        not_therapies=frozenset(rng.sample(THERAPIES[:-1], 1))
        if rng.random() < 0.1
        else frozenset(),
    )


def reference(profile, rules):
    """`matching.rank`: every pair through TrialRules.match, eligible ones, best first."""
    return [(m.trial_id, m.score) for m in matching.rank(profile, rules)]


def eligible_pairs(profile, rules):
    found = (r.match(profile, explain=False) for r in rules)
    return {(m.trial_id, m.score) for m in found if m.eligible}


@pytest.fixture(scope="module")
def world():
    rng = random.Random(7)  # noqa: S311 - reproducible test data
    rules = random_rules(rng, 120)
    profiles = [random_profile(rng) for _ in range(150)]
    return rules, profiles


def test_whole_population_equals_the_pairwise_loop(world):
    rules, profiles = world
    compiled = CompiledTrials(rules)
    found = compiled.rematch(profiles, workers=1, batch=37)
    assert len(found) == len(profiles)
    eligible = 0
    by_id = {r.trial_id: r for r in rules}
    anchored = 0
    for i, profile in enumerate(profiles):
        expected = reference(profile, rules)
        assert found.for_patient(i) == expected, i
        assert set(expected) == eligible_pairs(profile, rules)
        eligible += len(expected)
        # Criteria met and anchors (a diagnosis or biomarker inclusion met) as match says.
        start, stop = int(found.offsets[i]), int(found.offsets[i + 1])
        matches = [by_id[trial_id].match(profile) for trial_id, _score in expected]
        assert found.met[start:stop].tolist() == [m.met for m in matches], i
        assert found.anchored[start:stop].tolist() == [m.anchored for m in matches], i
        one = compiled.found_one(profile)  # the single-patient path keeps the same
        assert [(t, a) for t, _s, _m, a in one] == [(m.trial_id, m.anchored) for m in matches], i
        assert [m for _t, _s, m, _a in one] == found.met[start:stop].tolist(), i
        anchored += sum(m.anchored for m in matches)
    assert found.stats.eligible == eligible
    assert 0 < eligible < len(rules) * len(profiles)  # the cases are not all trivial
    assert 0 < anchored < eligible


def test_one_patient_equals_rank(world):
    rules, profiles = world
    compiled = CompiledTrials(rules)
    for profile in profiles:
        assert compiled.rank_one(profile) == reference(profile, rules)
        assert compiled.rank_one(profile, limit=3) == reference(profile, rules)[:3]
    # Full matches for the best few, as `matching.rank` gives them.
    profile = profiles[0]
    best = compiled.rank(profile, limit=5)
    assert [(m.trial_id, m.score, m.verdicts) for m in best] == [
        (m.trial_id, m.score, m.verdicts) for m in matching.rank(profile, rules)[:5]
    ]


def test_workers_and_lists(world, monkeypatch):
    rules, profiles = world
    monkeypatch.setattr(population, "PARALLEL_MIN_PAIRS", 0)  # fork even for a small world
    expected = [reference(p, rules) for p in profiles]
    assert rematch(profiles, rules, workers=2) == expected
    compiled = CompiledTrials(rules)
    assert compiled.rematch(profiles, workers=2, batch=16).lists(limit=2) == [
        e[:2] for e in expected
    ]


def test_many_random_worlds():
    """Several small worlds, a few hundred pairs each, with different seeds."""
    for seed in range(8):
        rng = random.Random(100 + seed)  # noqa: S311 - reproducible test data
        rules = random_rules(rng, 30)
        profiles = [random_profile(rng) for _ in range(25)]
        found = CompiledTrials(rules).rematch(profiles, workers=1, batch=8)
        assert found.lists() == [reference(p, rules) for p in profiles], seed


def test_the_pre_filter_drops_only_pairs_match_rejects(world):
    """Every pair a dense pre-filter table drops has a criterion not met; a profile that
    knows nothing is dropped by none."""
    rules, profiles = world
    profiles = [*profiles, Profile()]
    compiled = CompiledTrials(rules)
    job = population._Job(compiled, profiles)
    assert job.dense
    dropped = 0
    for d, table in zip(job.dense, job.dense_tables, strict=True):
        for i, profile in enumerate(profiles):
            for t in np.flatnonzero(~table[job.codes[i, d]]).tolist():
                match = compiled.rules[t].match(profile)
                assert not match.eligible
                dimensions = {dim_of(c) for c in compiled.rules[t].structured}
                assert compiled.dims[d].key in dimensions
                dropped += 1
        assert table[job.codes[len(profiles) - 1, d]].all()  # the blank profile
    assert dropped > len(profiles)
    found = compiled.rematch(profiles, workers=1)
    assert found.stats.after_prefilter < found.stats.pairs
    assert found.stats.eligible <= found.stats.after_prefilter


def test_unknowns_are_never_filtered_out():
    """A profile that knows nothing meets no exclusion and fails no inclusion: every trial
    whose criteria are all stated facts stays, scored like `match` scores it."""
    rng = random.Random(3)  # noqa: S311 - reproducible test data
    rules = random_rules(rng, 80)
    blank = Profile()
    found = CompiledTrials(rules).rematch([blank, blank], workers=1)
    expected = reference(blank, rules)
    assert found.for_patient(0) == found.for_patient(1) == expected
    # Trials whose criteria read nothing but unknown-able facts all stay in.
    facts = [
        TrialRules(trial_id=1, criteria=[{"kind": "age", "min_years": 18}]),
        TrialRules(trial_id=2, criteria=[{"kind": "biomarker", "gene": "EGFR"}]),
        TrialRules(
            trial_id=3,
            criteria=[
                {"kind": "stage", "stages": ["IV"], "section": "exclusion"},
                {"kind": "performance", "scale": "ecog", "max": 1},
                {"kind": "diagnosis", "oncotree": ["LUAD"]},
                {"kind": "lab", "test": "anc", "op": ">=", "value": 1.5},
            ],
        ),
    ]
    compiled = CompiledTrials(facts)
    assert {t for t, _ in compiled.rank_one(blank)} == {1, 2, 3}
    assert {t for t, _ in compiled.rematch([blank], workers=1).for_patient(0)} == {1, 2, 3}


def test_pre_filter_keeps_solid_tumour_and_less_specific_diagnoses():
    """The cases a tissue bitmask gets wrong: a trial for any solid tumour (or for lymphoma
    or any solid tumour) takes a breast cancer; a record that says only "lung" is unknown for
    a NSCLC trial, not excluded."""
    solid = TrialRules(trial_id=1, criteria=[{"kind": "diagnosis", "oncotree": ["LNM", "SOLID"]}])
    nsclc = TrialRules(trial_id=2, criteria=[{"kind": "diagnosis", "oncotree": ["NSCLC"]}])
    breast = Profile(oncotree=["IDC"])
    lung = Profile(oncotree=["LUNG"])
    compiled = CompiledTrials([solid, nsclc])
    found = compiled.rematch([breast, lung], workers=1)
    assert [t for t, _ in found.for_patient(0)] == [1]
    assert sorted(t for t, _ in found.for_patient(1)) == [1, 2]
    assert found.for_patient(0) == reference(breast, [solid, nsclc])
    assert found.for_patient(1) == reference(lung, [solid, nsclc])


def test_dimensions():
    assert dim_of({"kind": "age"}) == ("age",)
    assert dim_of({"kind": "biomarker", "gene": "egfr"}) == ("biomarker", "EGFR")
    assert dim_of({"kind": "biomarker", "gene": ""}) == CONST
    assert dim_of({"kind": "prior_therapy", "therapy": "Osimertinib"}) == ("therapy", "osimertinib")
    assert dim_of({"kind": "lab", "test": "anc"}) == ("lab", "anc")
    assert dim_of({"kind": "text"}) == CONST
    assert dim_of({"kind": "text", "alternatives": [{"kind": "age"}, {"kind": "sex"}]}) == (
        "any",
        (("age",), ("sex",)),
    )
    assert dim_of({"kind": "text", "alternatives": [{"kind": "age"}]}) == ("age",)
    assert dim_of({"kind": "text", "alternatives": ["not a criterion"]}) == WHOLE


def test_a_reader_it_does_not_know_is_read_per_patient(monkeypatch):
    """A kind added to matching.READERS later is still answered right (per patient)."""

    def _tall(c, p):
        return (None, "height not recorded") if p.note == "" else (p.note == "tall", p.note)

    monkeypatch.setitem(matching.READERS, "height", _tall)
    assert dim_of({"kind": "height"}) == WHOLE
    rules = [
        TrialRules(trial_id=1, criteria=[{"kind": "height"}, {"kind": "age", "min_years": 18}]),
        TrialRules(trial_id=2, criteria=[{"kind": "height", "section": "exclusion"}]),
    ]
    profiles = [Profile(note="tall", age=30), Profile(note="short", age=30), Profile(age=10)]
    found = CompiledTrials(rules).rematch(profiles, workers=1)
    assert found.lists() == [reference(p, rules) for p in profiles]
    assert found.lists() == [[(1, 33.3)], [(2, 20.0)], [(2, 0.0)]]
    assert population.CompiledTrials(rules).rank_one(profiles[0]) == reference(profiles[0], rules)


def test_empty():
    assert rematch([], [], workers=1) == []
    assert rematch([Profile()], [], workers=1) == [[]]
    assert CompiledTrials([]).rank_one(Profile()) == []


def test_rounding_is_pythons():
    """Scores are rounded as round(score, 1) does, halves and near-halves included."""
    rng = random.Random(11)  # noqa: S311 - reproducible test data
    values = [k / 20 for k in range(2001)] + [k / 100 for k in range(10001)]
    values += [rng.uniform(0, 100) for _ in range(5000)]
    values += [math.nextafter(v, d) for v in values[:2001] for d in (0, 101)]
    values += [100.0 * m / (m + d + 4.0) for m in (0.5, 1.5, 4.3, 9.15) for d in (0.0825, 2.2)]
    tenths = population._round(np.array(values))
    assert [t / 10 for t in tenths.tolist()] == [round(v, 1) for v in values]


def test_order_without_a_packed_key(world, monkeypatch):
    rules, profiles = world
    monkeypatch.setattr(population, "KEY_BITS", 0)  # the lexsort path
    found = CompiledTrials(rules).rematch(profiles[:40], workers=1)
    assert found.lists() == [reference(p, rules) for p in profiles[:40]]

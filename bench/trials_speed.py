"""Trial matching speed: 5,000 synthetic trials against 100,000 synthetic patients.

No database: this measures the matcher. Trials are written as ClinicalTrials.gov eligibility
text from templates (31 cancer types over 25 OncoTree tissues, and tissue-agnostic baskets:
age, sex, diagnosis and stage, biomarkers of EGFR, KRAS, ALK, BRAF, ERBB2, IDH1, NTRK, ...,
ECOG or Karnofsky, prior therapies and lines, brain metastases, laboratory thresholds,
pregnancy and unreadable free text), parsed with eligibility.parse_criteria (every text, in
--workers processes) and compiled with matcher.rules.compile_rules. Patients are drawn with cancer
types weighted by incidence, ages and sexes by type, stages, ECOG, panel results for some,
prior treatment for some, and unknowns common (no stage for a third, no ECOG for 40%, ...).

It prints, with time.perf_counter in this process:
  1. build times (texts, parsing, compiling, patients, compiled matchers);
  2. one patient against every trial, p50/p95/max over --sample random patients (target p95
     < 20 ms): matcher.match_profile (the entry point every caller uses: the best 20,
     explained), matcher.compiled.CompiledTrials.rank_one
     (trial ids and scores; first call per patient, its facet caches filling as patients
     come, then again, warm) and
     CompiledTrials.rank (the same plus full explanations of the best 20), and the naive
     matching.rank over every trial as the baseline;
  3. the whole population re-matched by CompiledTrials.rematch on --workers processes
     (target < 120 s on 2 cores): wall time, pairs pre-filtered per second, share of pairs
     surviving the pre-filter, pairs fully evaluated per second, against the naive
     TrialRules.match(explain=False) loop timed on a sample of patients and extrapolated.
Each fast answer is checked against TrialRules.match on a sample (mismatches are printed).

    .venv/bin/python bench/trials_speed.py [--quick] [--trials 5000] [--patients 100000]
                                           [--workers 2] [--sample 500] [--seed 1]

--quick is a 10x smaller run (500 trials, 10,000 patients).
"""

from __future__ import annotations

import argparse
import gc
import multiprocessing
import random
import statistics
import sys
import time
from collections import Counter
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from _common import line, load, timed

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from medcenter.trials import eligibility  # noqa: E402
from medcenter.trials.matcher import match_profile, vocabulary  # noqa: E402
from medcenter.trials.matcher import rules as matching  # noqa: E402
from medcenter.trials.matcher.compiled import BATCH, CompiledTrials  # noqa: E402
from medcenter.trials.matcher.rules import Biomarker, Profile, TrialRules  # noqa: E402

TARGET_ONE_MS, TARGET_ALL_S = 20.0, 120.0


# --- Figures ----------------------------------------------------------------------------------


# --- Cancer types ---------------------------------------------------------------------------


@dataclass(frozen=True)
class Alteration:
    gene: str
    classes: frozenset[str]
    frequency: float


def alt(gene: str, classes: str, frequency: float) -> Alteration:
    return Alteration(gene, frozenset(classes.split("|")), frequency)


@dataclass(frozen=True)
class CancerType:
    name: str
    incidence: float  # share of patients (US incidence, roughly)
    codes: tuple[tuple[str, float], ...]  # a patient's OncoTree code and its share
    phrases: tuple[str, ...]  # how trials name it
    sex: str | None = None
    age: float = 65.0
    solid: bool = True
    alterations: tuple[Alteration, ...] = ()
    markers: tuple[str, ...] = ()  # biomarker inclusion sentences of its trials
    drugs: tuple[tuple[str, ...], ...] = ()  # lines of treatment, first line first


CHEMO = ("carboplatin", "paclitaxel")
IO = ("pembrolizumab",)
TYPES: tuple[CancerType, ...] = (
    CancerType(
        "breast",
        15.0,
        (("IDC", 0.7), ("ILC", 0.15), ("BREAST", 0.15)),
        ("breast cancer", "metastatic breast cancer", "HER2-positive breast cancer",
         "Hormone receptor-positive, HER2-negative breast cancer",
         "Stage II-III triple-negative breast cancer"),
        sex="female",
        age=62,
        alterations=(alt("ERBB2", "amplification|overexpression", 0.15),
                     alt("PIK3CA", "mutation|oncogenic mutation|H1047R", 0.3),
                     alt("BRCA1", "mutation|oncogenic mutation|truncating mutation", 0.03),
                     alt("BRCA2", "mutation|oncogenic mutation|truncating mutation", 0.03),
                     alt("ESR1", "overexpression", 0.7), alt("PGR", "overexpression", 0.6)),
        markers=("PIK3CA mutation", "Germline BRCA1 or BRCA2 mutation", "HER2 amplification",
                 "Estrogen receptor-positive"),
        drugs=(("letrozole", "palbociclib"), ("paclitaxel",), ("trastuzumab", "docetaxel")),
    ),
    CancerType(
        "lung",
        12.0,
        (("LUAD", 0.55), ("LUSC", 0.22), ("NSCLC", 0.1), ("SCLC", 0.13)),
        ("non-small cell lung cancer", "Stage IIIB-IV non-small cell lung cancer",
         "lung adenocarcinoma", "small cell lung cancer",
         "Locally advanced or metastatic non-small cell lung cancer"),
        age=70,
        alterations=(alt("EGFR", "mutation|oncogenic mutation|L858R|exon 21 mutation", 0.07),
                     alt("EGFR", "mutation|oncogenic mutation|exon 19 deletion", 0.08),
                     alt("KRAS", "mutation|oncogenic mutation|G12C", 0.12),
                     alt("KRAS", "mutation|oncogenic mutation|G12D", 0.05),
                     alt("ALK", "fusion", 0.04), alt("BRAF", "mutation|V600E|V600", 0.02),
                     alt("MET", "exon 14 skipping|mutation", 0.03), alt("RET", "fusion", 0.01),
                     alt("ROS1", "fusion", 0.01)),
        markers=("KRAS G12C mutation", "ALK rearrangement (fusion) confirmed by an approved test",
                 "EGFR L858R mutation", "EGFR exon 19 deletion", "MET exon 14 skipping mutation",
                 "RET fusion", "ROS1 rearrangement", "BRAF V600E mutation"),
        drugs=(CHEMO + IO, ("docetaxel",), ("osimertinib",)),
    ),
    CancerType(
        "prostate",
        12.0,
        (("PRAD", 0.95), ("PROSTATE", 0.05)),
        ("metastatic castration-resistant prostate cancer", "prostate adenocarcinoma",
         "prostate cancer"),
        sex="male",
        age=67,
        alterations=(alt("BRCA2", "mutation|oncogenic mutation|truncating mutation", 0.1),
                     alt("ATM", "mutation", 0.05)),
        markers=("Deleterious BRCA2 mutation",),
        drugs=(("enzalutamide",), ("docetaxel",), ("cabazitaxel",)),
    ),
    CancerType(
        "colorectal",
        8.0,
        (("COAD", 0.6), ("READ", 0.2), ("COADREAD", 0.2)),
        ("colorectal cancer", "metastatic colorectal cancer", "colon cancer", "rectal cancer"),
        age=66,
        alterations=(alt("KRAS", "mutation|oncogenic mutation|G12D", 0.3),
                     alt("KRAS", "mutation|oncogenic mutation|G12C", 0.03),
                     alt("BRAF", "mutation|V600E|V600", 0.1), alt("NRAS", "mutation", 0.04),
                     alt("ERBB2", "amplification", 0.03)),
        markers=("KRAS G12C mutation", "BRAF V600E mutation", "RAS wild-type",
                 "HER2 amplification"),
        drugs=(("fluorouracil", "oxaliplatin", "bevacizumab"), ("irinotecan",)),
    ),
    CancerType(
        "melanoma",
        5.0,
        (("MEL", 0.92), ("UM", 0.05), ("SKIN", 0.03)),
        ("melanoma", "cutaneous melanoma", "Stage III or IV melanoma", "uveal melanoma"),
        age=60,
        alterations=(alt("BRAF", "mutation|V600E|V600", 0.4), alt("NRAS", "mutation", 0.2),
                     alt("KIT", "mutation", 0.02)),
        markers=("BRAF V600E mutation", "NRAS mutation"),
        drugs=(("nivolumab", "ipilimumab"), ("dabrafenib", "trametinib")),
    ),
    CancerType("bladder", 4.0, (("BLCA", 0.9), ("UTUC", 0.1)),
               ("urothelial carcinoma", "bladder cancer",
                "Locally advanced or metastatic urothelial carcinoma"),
               age=72, alterations=(alt("FGFR3", "mutation|fusion", 0.15),),
               markers=("FGFR3 mutation or fusion",), drugs=(("cisplatin", "gemcitabine"), IO)),
    CancerType("lymphoma", 4.0,
               (("DLBCLNOS", 0.5), ("FL", 0.25), ("MCL", 0.1), ("NHL", 0.15)),
               ("diffuse large B-cell lymphoma", "follicular lymphoma", "non-hodgkin lymphoma",
                "Relapsed or refractory diffuse large B-cell lymphoma"),
               age=65, solid=False, drugs=(("rituximab", "cyclophosphamide"), ("bendamustine",))),
    CancerType("kidney", 4.0, (("CCRCC", 0.75), ("RCC", 0.25)),
               ("renal cell carcinoma", "clear cell renal cell carcinoma"), age=64,
               drugs=(("pembrolizumab", "axitinib"), ("cabozantinib",))),
    CancerType("uterus", 3.5, (("UCEC", 1.0),), ("endometrial cancer", "uterine cancer"),
               sex="female", age=62, drugs=(CHEMO,)),
    CancerType("aml", 2.0, (("AML", 1.0),), ("acute myeloid leukemia",), age=68, solid=False,
               alterations=(alt("FLT3", "mutation", 0.3), alt("IDH1", "mutation|R132H", 0.08),
                            alt("IDH2", "mutation", 0.1)),
               markers=("FLT3 mutation", "IDH1 mutation"), drugs=(("cytarabine",),)),
    CancerType("cll", 1.5, (("CLLSLL", 1.0),), ("chronic lymphocytic leukemia",), age=70,
               solid=False, drugs=(("ibrutinib",),)),
    CancerType("pancreas", 3.0, (("PAAD", 0.9), ("PANCREAS", 0.1)),
               ("pancreatic ductal adenocarcinoma", "pancreatic cancer"), age=70,
               alterations=(alt("KRAS", "mutation|oncogenic mutation|G12D", 0.85),
                            alt("BRCA2", "mutation|oncogenic mutation", 0.05)),
               markers=("KRAS G12D mutation",),
               drugs=(("gemcitabine", "nab-paclitaxel"), ("fluorouracil", "irinotecan"))),
    CancerType("thyroid", 2.5, (("THPA", 0.85), ("THYROID", 0.15)),
               ("thyroid cancer", "papillary thyroid carcinoma"), age=50,
               alterations=(alt("BRAF", "mutation|V600E|V600", 0.5), alt("RET", "fusion", 0.1)),
               markers=("BRAF V600E mutation", "RET fusion"), drugs=(("lenvatinib",),)),
    CancerType("liver", 2.0, (("HCC", 1.0),), ("hepatocellular carcinoma",), age=64,
               drugs=(("atezolizumab", "bevacizumab"), ("sorafenib",))),
    CancerType("myeloma", 2.0, (("PCM", 1.0),), ("multiple myeloma",
               "Newly diagnosed multiple myeloma"), age=69, solid=False,
               drugs=(("lenalidomide", "bortezomib", "dexamethasone"), ("daratumumab",))),
    CancerType("ovary", 1.3, (("HGSOC", 0.8), ("OVARY", 0.2)),
               ("ovarian cancer", "high-grade serous ovarian cancer"), sex="female", age=63,
               alterations=(alt("BRCA1", "mutation|oncogenic mutation", 0.1),
                            alt("BRCA2", "mutation|oncogenic mutation", 0.06)),
               markers=("Germline BRCA1 or BRCA2 mutation",), drugs=(CHEMO, ("olaparib",))),
    CancerType("stomach", 1.5, (("STAD", 1.0),),
               ("gastric cancer", "HER2-positive gastric cancer"), age=68,
               alterations=(alt("ERBB2", "amplification|overexpression", 0.15),),
               markers=("HER2 amplification",), drugs=(("fluorouracil", "oxaliplatin"),)),
    CancerType("head_neck", 3.0, (("HNSC", 0.8), ("OCSC", 0.2)),
               ("head and neck squamous cell carcinoma",), age=63,
               drugs=(("cisplatin",), IO)),
    CancerType("glioma", 1.4, (("GB", 0.6), ("DIFG", 0.2), ("ASTR", 0.2)),
               ("glioblastoma", "glioma", "Glioblastoma, IDH-wildtype"), age=58,
               alterations=(alt("IDH1", "mutation|R132H", 0.2),),
               markers=("IDH1 mutation",), drugs=(("temozolomide",),)),
    CancerType("esophagus", 1.0, (("ESCA", 0.5), ("ESCC", 0.5)), ("esophageal cancer",),
               age=67, drugs=(CHEMO,)),
    CancerType("cervix", 0.8, (("CESC", 1.0),), ("cervical cancer",), sex="female", age=50,
               drugs=(("cisplatin",),)),
    CancerType("sarcoma", 1.0, (("LMS", 0.3), ("LIPO", 0.3), ("SYNS", 0.1), ("OS", 0.15),
                                ("ES", 0.15)),
               ("soft tissue sarcoma", "osteosarcoma", "leiomyosarcoma"), age=48,
               drugs=(("doxorubicin",),)),
    CancerType("biliary", 0.8, (("CHOL", 0.6), ("IHCH", 0.4)),
               ("cholangiocarcinoma", "biliary tract cancer"), age=65,
               alterations=(alt("IDH1", "mutation|R132C", 0.15), alt("FGFR2", "fusion", 0.1)),
               markers=("IDH1 mutation", "FGFR2 fusion"), drugs=(("gemcitabine", "cisplatin"),)),
    CancerType("mesothelioma", 0.3, (("PLMESO", 1.0),), ("pleural mesothelioma",), age=72,
               drugs=(("nivolumab", "ipilimumab"),)),
    CancerType("cscc", 1.0, (("CSCC", 1.0),), ("cutaneous squamous cell carcinoma",), age=74,
               drugs=(("cemiplimab",),)),
    CancerType("testis", 0.5, (("SEM", 0.5), ("NSGCT", 0.5)), ("testicular germ cell tumor",),
               sex="male", age=33, drugs=(("cisplatin", "etoposide"),)),
    CancerType("hodgkin", 0.5, (("CHL", 1.0),), ("hodgkin lymphoma",), age=40, solid=False,
               drugs=(("doxorubicin", "bleomycin"),)),
    CancerType("mds", 1.0, (("MDS", 1.0),), ("myelodysplastic syndrome",), age=74,
               solid=False, drugs=(("azacitidine",),)),
    CancerType("neuroblastoma", 0.1, (("NBL", 1.0),), ("neuroblastoma",), age=4,
               drugs=(("cyclophosphamide",),)),
    CancerType("gist", 0.4, (("GIST", 1.0),), ("gastrointestinal stromal tumor",), age=63,
               alterations=(alt("KIT", "mutation", 0.8),), markers=("KIT mutation",),
               drugs=(("imatinib",),)),
    CancerType("merkel", 0.2, (("MCC", 1.0),), ("merkel cell carcinoma",), age=75,
               drugs=(("avelumab",),)),
)  # fmt: skip
PANEL = sorted(
    {a.gene for t in TYPES for a in t.alterations if a.gene not in ("ESR1", "PGR")}
    | {"NTRK1", "NTRK2", "NTRK3", "TP53", "PTEN", "STK11"}
)
BASKET_PHRASES = ("advanced solid tumors", "solid tumor or lymphoma", "advanced solid tumors")
BASKET_MARKERS = ("NTRK1, NTRK2 or NTRK3 gene fusion", "BRAF V600E mutation",
                  "HER2 amplification", "KRAS G12C mutation", "RET fusion")  # fmt: skip
STAGE_PREFIXES = ("", "", "metastatic ", "advanced ", "stage IV ", "Stage III or IV ",
                  "locally advanced or metastatic ", "Stage II-III ")  # fmt: skip
TEXT_INCLUSIONS = (
    "Measurable disease per RECIST 1.1",
    "Life expectancy of at least 12 weeks",
    "Willing to provide an archival tumor sample or undergo a fresh biopsy",
    "Adequate organ function as defined in the protocol",
    "Able to swallow oral medication",
    "Signed informed consent",
)
TEXT_EXCLUSIONS = (
    "Known HIV infection with detectable viral load",
    "Uncontrolled intercurrent illness",
    "Another active malignancy within 3 years",
    "History of interstitial lung disease or pneumonitis",
    "Major surgery within 4 weeks before the first dose",
    "Active autoimmune disease requiring systemic treatment in the past 2 years",
    "QTc interval above 470 ms",
)
ANC_PLATELETS = (  # as registries write it, multiplication sign included
    "Absolute neutrophil count ≥ 1.5 \u00d7 10^9/L and platelets ≥ 100 \u00d7 10^9/L"
)
PRIOR_INCLUSIONS = (
    "Prior platinum-based chemotherapy",
    "No prior systemic therapy for advanced disease",
    "Progression after at least one prior line of systemic therapy",
    "No more than 2 prior lines of therapy",
)
PRIOR_EXCLUSIONS = (
    "Prior treatment with osimertinib",
    "Prior treatment with a BRAF inhibitor",
    "Prior treatment with an anti-PD-1 or anti-PD-L1 antibody",
    "Prior treatment with a KRAS G12C inhibitor",
    "Prior treatment with a CDK4/6 inhibitor",
    "Prior taxane therapy",
    "More than 3 prior lines of systemic therapy",
)
BRAIN_EXCLUSIONS = (
    "Active brain metastases",
    "Symptomatic brain metastases",
    "Untreated brain metastases",
    "Leptomeningeal disease",
    "Known brain metastases",
)


def pick(rng: random.Random, weighted: Sequence[tuple[Any, float]]) -> Any:
    return rng.choices([v for v, _ in weighted], [w for _, w in weighted])[0]


# --- Trials -----------------------------------------------------------------------------------


@dataclass
class TrialText:
    trial_id: int
    criteria: str
    min_age: float | None
    max_age: float | None
    sex: str
    codes: list[str]
    conditions: str


def trial_texts(n: int, rng: random.Random) -> list[TrialText]:
    """Trials per type roughly by incidence (flattened: rare cancers get more than their
    share), a tenth of them tissue-agnostic baskets."""
    weights = [t.incidence**0.7 for t in TYPES]
    out = []
    for i in range(n):
        basket = rng.random() < 0.1
        kind = rng.choices(TYPES, weights)[0]
        include: list[str] = []
        exclude: list[str] = []
        pediatric = kind.name == "neuroblastoma" or rng.random() < 0.02
        low = 1.0 if pediatric else rng.choice([18.0, 18.0, 18.0, 12.0, 21.0])
        high = 21.0 if pediatric else (rng.choice([75.0, 80.0]) if rng.random() < 0.08 else None)
        if rng.random() < 0.6:
            include.append(rng.choice(["Age ≥ 18 years", "Age 18 years or older"]))
        phrase = rng.choice(BASKET_PHRASES) if basket else rng.choice(kind.phrases)
        prefix = rng.choice(STAGE_PREFIXES) if not phrase[0].isupper() else ""
        include.append(f"Histologically confirmed {prefix}{phrase}")
        markers = BASKET_MARKERS if basket else kind.markers
        if markers and rng.random() < (0.7 if basket else 0.4):
            include.append(rng.choice(markers))
        ps = rng.random()
        if ps < 0.5:
            include.append("ECOG performance status 0-1")
        elif ps < 0.8:
            include.append("ECOG performance status 0-2")
        elif ps < 0.9:
            include.append("Karnofsky performance status ≥ 70%")
        if rng.random() < 0.45:
            include.append(rng.choice(PRIOR_INCLUSIONS))
        if rng.random() < 0.7:
            include.append(ANC_PLATELETS)
        if rng.random() < 0.5:
            include.append("Total bilirubin ≤ 1.5 mg/dL")
        if rng.random() < 0.3:
            include.append("Hemoglobin ≥ 9 g/dL")
        include += rng.sample(TEXT_INCLUSIONS, rng.randint(1, 3))
        if rng.random() < 0.6:
            exclude.append(rng.choice(BRAIN_EXCLUSIONS))
        if rng.random() < 0.35:
            exclude.append(rng.choice(PRIOR_EXCLUSIONS))
        if kind.name == "lung" and not basket and rng.random() < 0.2:
            exclude.append("EGFR mutation or ALK rearrangement")
        if rng.random() < 0.8:
            exclude.append("Pregnant or breastfeeding")
        exclude += rng.sample(TEXT_EXCLUSIONS, rng.randint(1, 4))
        text = (
            "Inclusion Criteria:\n\n"
            + "\n".join(f"* {s}" for s in include)
            + "\n\nExclusion Criteria:\n\n"
            + "\n".join(f"* {s}" for s in exclude)
        )
        sex = "ALL" if basket or kind.sex is None else kind.sex.upper()
        codes = [] if basket else [c for m in vocabulary.find_cancer_terms(phrase) for c in m.codes]
        out.append(TrialText(i + 1, text, low, high, sex, codes, phrase))
    return out


def parse_all(texts: list[str], workers: int) -> list[list[dict[str, Any]]]:
    if workers > 1 and "fork" in multiprocessing.get_all_start_methods():
        with multiprocessing.get_context("fork").Pool(workers) as pool:
            return pool.map(eligibility.parse_criteria, texts, chunksize=64)
    return [eligibility.parse_criteria(t) for t in texts]


def compile_all(trials: list[TrialText], parsed: list[list[dict[str, Any]]]) -> list[TrialRules]:
    return [
        matching.compile_rules(
            trial_id=t.trial_id,
            criteria=criteria,
            min_age=t.min_age,
            max_age=t.max_age,
            sex=t.sex,
            condition_codes=t.codes,
            conditions_text=t.conditions,
        )
        for t, criteria in zip(trials, parsed, strict=True)
    ]


# --- Patients ---------------------------------------------------------------------------------

STAGE_DETAIL = {
    "I": ("I", "IA", "IB"),
    "II": ("II", "IIA", "IIB"),
    "III": ("III", "IIIA", "IIIB", "IIIC"),
    "IV": ("IV", "IVA", "IVB"),
}
ECOG = ((0, 0.35), (1, 0.4), (2, 0.15), (3, 0.07), (4, 0.03))
QUALIFIERS = ("treated", "untreated", "stable", "active", "symptomatic", "leptomeningeal")


def therapy_names(drugs: Sequence[str]) -> frozenset[str]:
    """What profiles._therapies makes of recorded drugs: the name and its classes."""
    found: set[str] = set()
    for drug in drugs:
        normal = vocabulary.normalize_therapy(drug) or drug
        found.add(normal)
        found.update(vocabulary.therapy_classes(normal))
    return frozenset(found)


def patients(n: int, rng: random.Random) -> list[Profile]:
    types = [(t, t.incidence) for t in TYPES]
    regimens = {t.name: [therapy_names(line) for line in t.drugs] for t in TYPES}
    out = []
    for _ in range(n):
        kind: CancerType = pick(rng, types)
        p = Profile()
        if rng.random() < 0.99:
            young = kind.name == "neuroblastoma"
            age = rng.gauss(kind.age, 4 if young else 12)
            p.age = float(min(95, max(1 if young else 18, round(age))))
        if kind.sex and rng.random() < 0.99:
            p.sex = kind.sex
        elif rng.random() < 0.99:
            p.sex = rng.choice(("female", "male"))
        diagnosis = rng.random()
        if diagnosis < 0.92:
            p.oncotree = [pick(rng, kind.codes)]
            p.terms = [kind.phrases[0]]
        elif diagnosis < 0.97:
            p.terms = [kind.phrases[0]]
        if kind.solid and rng.random() < 0.65:
            group = rng.choice(("I", "II", "III", "IV", "IV"))
            p.stage = rng.choice(STAGE_DETAIL[group])
            p.metastatic = True if group == "IV" else (False if rng.random() < 0.5 else None)
        elif kind.solid and rng.random() < 0.2:
            p.metastatic = rng.random() < 0.5
        if rng.random() < 0.6:
            p.ecog = pick(rng, ECOG)
        elif rng.random() < 0.15:
            p.karnofsky = rng.choice((100, 90, 80, 70, 60, 50))
        if kind.alterations and rng.random() < 0.45:
            p.tested_genes = frozenset(PANEL) | {"ESR1", "PGR"}
            found = []
            for a in kind.alterations:
                if rng.random() < a.frequency:
                    found.append(Biomarker(a.gene, a.classes, True, "panel"))
                elif a.gene in ("ESR1", "PGR", "ERBB2"):
                    found.append(Biomarker(a.gene, frozenset({"overexpression"}), False, "IHC"))
            p.biomarkers = found
        lines = rng.choice((0, 0, 1, 1, 2, 3)) if kind.drugs else 0
        if rng.random() < 0.35:
            given = regimens[kind.name][: min(lines, len(kind.drugs))]
            p.prior_therapies = frozenset().union(*given) if given else frozenset()
            p.therapies_known = True
        if rng.random() < 0.45:
            p.prior_lines = lines
        if rng.random() < 0.35:
            chance = {"lung": 0.25, "melanoma": 0.2, "breast": 0.1}.get(kind.name, 0.03)
            p.brain_metastases = rng.random() < chance
            if p.brain_metastases:
                p.brain_qualifiers = frozenset(rng.sample(QUALIFIERS, rng.randint(0, 2)))
        if rng.random() < 0.55:
            p.labs = {
                "anc": round(max(0.1, rng.gauss(4.0, 1.6)), 1),
                "platelets": float(round(max(5, rng.gauss(240, 80)))),
                "bilirubin": round(max(0.1, rng.gauss(0.7, 0.35)), 1),
                "hemoglobin": round(max(5, rng.gauss(12.3, 1.8)), 1),
                "creatinine": round(max(0.3, rng.gauss(0.95, 0.3)), 2),
            }
        if p.sex == "female" and p.age is not None and p.age < 50 and rng.random() < 0.3:
            p.pregnant = rng.random() < 0.01
        out.append(p)
    return out


# --- Measurements -------------------------------------------------------------------------------


def describe(rules: list[TrialRules], people: list[Profile]) -> None:
    kinds = Counter(c.get("kind") for r in rules for c in r.criteria)
    structured = [len(r.structured) for r in rules]
    every = statistics.mean(len(r.criteria) for r in rules)
    print(
        f"  trials: {len(rules)}, criteria per trial {every:.1f}"
        f" ({statistics.mean(structured):.1f} structured, max {max(structured)}); "
        f"tissue-agnostic (no tissue) {sum(not r.tissues for r in rules) / len(rules):.0%}"
    )
    print("  criteria by kind: " + ", ".join(f"{k} {v}" for k, v in kinds.most_common()))
    n = len(people)

    def share(test: Callable[[Profile], bool]) -> str:
        return f"{sum(map(test, people)) / n:.0%}"

    print(
        f"  patients: {n}; unknown: diagnosis code {share(lambda p: not p.oncotree)}, "
        f"stage {share(lambda p: p.stage is None)}, ECOG {share(lambda p: p.ecog is None)}, "
        f"panel {share(lambda p: not p.tested_genes)}, prior therapy "
        f"{share(lambda p: not p.therapies_known)}, brain metastases "
        f"{share(lambda p: p.brain_metastases is None)}, labs {share(lambda p: not p.labs)}"
    )


def one_patient(
    rules: list[TrialRules], people: list[Profile], sample: int, rng: random.Random
) -> float:
    """Returns the mean time of matcher.match_profile (best 20, explained), in ms."""
    print(f"\n2. One patient against every trial ({len(rules)} trials), {load()}")
    chosen = rng.sample(people, min(sample, len(people)))
    fresh_ms, fast = timed(CompiledTrials, rules)
    print(f"  build: CompiledTrials {fresh_ms:.0f} ms")
    cold, warm, full, entry = [], [], [], []
    mismatch_entry = 0
    for p in chosen:
        ms, found = timed(fast.rank_one, p)
        cold.append(ms)
        ms, _ = timed(fast.rank_one, p)
        warm.append(ms)
        ms, _ = timed(fast.rank, p, limit=20)
        full.append(ms)
        ms, matched = timed(match_profile, p, trials=fast, limit=20, include_ineligible=False)
        entry.append(ms)
        mismatch_entry += [(m.trial_id, m.score) for m in matched] != found[:20]
    naive_n = max(10, len(chosen) // 10)
    naive_times, mismatch = [], 0
    for p in chosen[:naive_n]:
        ms, ranked = timed(matching.rank, p, rules)
        naive_times.append(ms)
        mismatch += [(m.trial_id, m.score) for m in ranked] != fast.rank_one(p)
    print(line("matching.rank, every trial (naive baseline)", naive_times))
    print(line("CompiledTrials.rank_one, caches cold", cold, TARGET_ONE_MS))
    print(line("CompiledTrials.rank_one, caches warm", warm, TARGET_ONE_MS))
    print(line("CompiledTrials.rank, explained best 20", full, TARGET_ONE_MS))
    print(line("matcher.match_profile, explained best 20", entry, TARGET_ONE_MS))
    base = statistics.mean(naive_times)
    print(
        f"  mean speed-up over the naive loop: match_profile "
        f"{base / statistics.mean(entry):.1f}x, rank_one cold "
        f"{base / statistics.mean(cold):.0f}x, warm {base / statistics.mean(warm):.0f}x"
    )
    print(
        f"  answers: rank_one differs from matching.rank for {mismatch} of {naive_n} "
        f"patients; match_profile from rank_one for {mismatch_entry} of {len(chosen)}"
    )
    return statistics.mean(entry)


def whole_population(
    rules: list[TrialRules],
    people: list[Profile],
    workers: int,
    rng: random.Random,
    old_ms: float | None,
) -> None:
    print(f"\n3. Whole population re-matched, {workers} worker processes, {load()}")
    pairs = len(rules) * len(people)
    # Baseline: TrialRules.match(explain=False) on every trial for a sample of patients.
    sample = rng.sample(range(len(people)), min(len(people), 40))
    started = time.perf_counter()
    naive = {
        i: {
            (m.trial_id, m.score)
            for r in rules
            if (m := r.match(people[i], explain=False)).eligible
        }
        for i in sample
    }
    naive_s = time.perf_counter() - started
    per_pair = naive_s / (len(sample) * len(rules))
    print(
        f"  naive TrialRules.match loop: {len(sample) * len(rules):,} pairs in {naive_s:.1f} s "
        f"= {1 / per_pair:,.0f} pairs/s; all {pairs:,} pairs would take "
        f"{per_pair * pairs:,.0f} s on 1 core ({per_pair * pairs / workers:,.0f} s on {workers})"
    )
    if old_ms is not None:
        print(
            f"  matcher.match_profile for every patient (mean of section 2): "
            f"{old_ms * len(people) / 1000:,.0f} s on 1 core"
        )
    compiled = CompiledTrials(rules)
    result = compiled.rematch(people, workers=workers)
    s = result.stats
    wall = s.wall_s
    verdict = "OK" if wall < TARGET_ALL_S else "MISSED"
    print(
        f"  CompiledTrials.rematch: {wall:.1f} s wall (target < {TARGET_ALL_S:.0f} s) {verdict}"
        f"; {per_pair * pairs / wall:,.0f}x the naive loop on 1 core"
    )
    print(
        f"    = facets and answer tables {s.facets_s:.1f} s (parent) + batches of "
        f"{BATCH} patients {wall - s.facets_s - s.collect_s:.1f} s ({workers} workers) + "
        f"joining {s.collect_s:.1f} s (parent)"
    )
    print(
        f"    dense pre-filter on {', '.join(s.dense_dims) or 'nothing'} "
        "(share of the pairs left that each rules out)"
    )
    print(
        f"    pre-filter: {s.pairs:,} pairs in {s.prefilter_s:.1f} s (summed over batches) = "
        f"{s.pairs / max(s.prefilter_s, 1e-9) / 1e6:,.0f} M pairs/s; "
        f"{s.after_prefilter / s.pairs:.2%} survive ({s.after_prefilter:,})"
    )
    print(
        f"    full evaluation of the survivors: {s.evaluate_s:.1f} s (summed) = "
        f"{s.after_prefilter / max(s.evaluate_s, 1e-9) / 1e6:,.1f} M pairs/s; eligible "
        f"{s.eligible:,} pairs ({s.eligible / s.pairs:.2%}, "
        f"{s.eligible / len(people):.0f} trials per patient)"
    )
    ms, lists = timed(result.lists, 20)
    print(f"    as Python lists, best 20 per patient: {ms / 1000:.1f} s")
    del lists
    if workers > 1:
        alone = CompiledTrials(rules).rematch(people, workers=1).stats.wall_s
        print(
            f"  the same in 1 process: {alone:.1f} s wall; {workers} workers are "
            f"{alone / wall:.2f}x faster"
        )
    wrong = sum(set(result.for_patient(i)) != naive[i] for i in sample)
    order = sum(
        result.for_patient(i) != [(m.trial_id, m.score) for m in matching.rank(people[i], rules)]
        for i in sample[:10]
    )
    print(
        f"  answers: eligible set or scores differ from the naive loop for {wrong} of "
        f"{len(sample)} sampled patients; order differs from matching.rank for {order} of 10"
    )


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--quick", action="store_true", help="10x smaller")
    parser.add_argument("--trials", type=int, default=None)
    parser.add_argument("--patients", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--sample", type=int, default=500)
    parser.add_argument("--seed", type=int, default=1)
    args = parser.parse_args()
    n_trials = args.trials or (500 if args.quick else 5000)
    n_patients = args.patients or (10_000 if args.quick else 100_000)
    rng = random.Random(args.seed)  # noqa: S311 - reproducible synthetic data
    print(f"Trial matching speed: {n_trials} trials, {n_patients} patients; {load()}")

    print("\n1. Build")
    ms, texts = timed(trial_texts, n_trials, rng)
    print(f"  trial texts from templates: {ms / 1000:.1f} s")
    ms, parsed = timed(parse_all, [t.criteria for t in texts], args.workers)
    print(
        f"  eligibility.parse_criteria of every text ({args.workers} processes): {ms / 1000:.1f} s"
    )
    ms, rules = timed(compile_all, texts, parsed)
    print(f"  matching.compile_rules: {ms / 1000:.1f} s")
    ms, people = timed(patients, n_patients, rng)
    print(f"  synthetic patients: {ms / 1000:.1f} s")
    describe(rules, people)
    # What was just built lives to the end: out of the collector's way, as a server does with
    # what it loads at start (otherwise a full collection walks 100,000 profiles mid-timing).
    gc.collect()
    gc.freeze()
    print("  (gc.freeze() after building: trials and patients are long-lived)")

    old_ms = one_patient(rules, people, args.sample, rng)
    whole_population(rules, people, args.workers, rng, old_ms)
    print(f"\n{load()}")


if __name__ == "__main__":
    main()

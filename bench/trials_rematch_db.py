"""Trial re-matching from the database: 5,000 open trials against 100,000 patients' records.

bench/trials_speed.py measures the matcher alone on profiles held in memory; this measures the
product path, services.rematch_patients: profiles read in bulk from the oncology tables
(profiles.profiles_for_patients), ranked against the compiled open-trial catalogue
(selectors.open_population, CompiledTrials.rematch on --workers processes), and Candidate rows
(trial x patient: score, criteria met and unknown, the best 25 per patient) and MatchState rows
written. The target: 5,000 trials and 100,000 patients re-matched in under 2 minutes on 2 cores.

For SQLite and (when reachable) PostgreSQL it builds a throw-away database (migrated, then
filled with bulk_create, not services), in a child process per backend as bench/scheduling.py
does. The data are trials_speed.py's generators, imported from this folder:
  - trials: trial_texts() gives ClinicalTrials.gov eligibility text, ages, sex and condition;
    each becomes an open, recruiting Trial (NCT9xxxxxxx) and its parsed Criterion rows, read by
    eligibility.parse_criteria in --workers processes and written with the fields and keys
    services.refresh_criteria writes (checked: refresh_criteria is run on a sample of trials
    and must leave the same rows; its time per trial is printed, extrapolated to all trials);
  - patients: patients() gives matcher.rules.Profile objects; each becomes a Patient (date of birth
    for the age, sex) and the oncology rows profiles_for_patients reads: a primary
    CancerDiagnosis (OncoTree code, description), a StageAssessment (stage group; M1/M0 when
    metastatic is known), a metastatic-site diagnosis (brain for brain metastases, liver for
    metastatic disease with no stage), PerformanceStatus (ECOG or Karnofsky), a
    GenotypingReport (genes covered) with a Variant per alteration found, TumorMarker
    rows for ER, PR and HER2 by immunohistochemistry, a TreatmentCourse (the drugs given, one
    ended course for advanced disease at the patient's line), LabResult rows (recent, in the
    canonical units), a PregnancyStatus, and a MetastasisAssessment of the brain site with
    its qualifiers, and a TreatmentHistoryReview where the history is known complete. Lines
    with no drugs cannot be written, so those generated values are lost (the agreement check
    shows which came back).
The profiles read back for a sample of patients are compared with the generated ones, field by
field (expected differences: "no brain metastases", and "not metastatic" without a stage, have no
row and read back unknown; HER2 negative by IHC reads as ERBB2 without overexpression or
amplification; a stage needs a diagnosis to belong to; an unknown age gets a date of birth),
and after the first re-match the stored rows of a sample of patients are compared with
CompiledTrials.rank on their profiles (trial, score, criteria met and unknown; the trials with
a diagnosis or biomarker criterion met, Match.anchored, as the pre-screening queue keeps).

It prints, timed with time.perf_counter in the same process:
  1. build times and row counts (trials, criteria, patients, oncology rows);
  2. the first full re-match, no candidates yet: selectors.open_population from cold (compiling
     the catalogue), then rematch_patients(patient_ids=every patient, workers=--workers):
     wall seconds, patients/s, candidate rows written, against the target (< 120 s, catalogue
     included), with where the time went (profiles read, matching, storing, the rest);
  3. the same again with nothing changed (steady state: should change nothing);
  4. 1% of the patients with cancer get a new ECOG row (today's, a different grade): the
     background path, services.patients_to_rematch() (finds the patients due) and
     rematch_patients on those, each timed.

    .venv/bin/python bench/trials_rematch_db.py [--backend sqlite|postgresql|both] [--quick]
                                                [--trials 5000] [--patients 100000]
                                                [--workers 2] [--chunk N] [--seed 1]

--quick is 500 trials and 10,000 patients (--trials / --patients override either). --chunk is
passed to rematch_patients only when given (its own default otherwise). PostgreSQL is
DATABASE_URL_POSTGRES's server (default postgres://postgres@127.0.0.1:5432, trust auth); the
database medcenter_bench_rematch is created there and dropped afterwards.
"""

from __future__ import annotations

import argparse
import dataclasses
import functools
import gc
import inspect
import os
import random
import re
import sys
import time
from collections import Counter
from datetime import date, timedelta
from pathlib import Path
from typing import Any

from _common import load, run_per_backend, settle

ROOT = Path(__file__).resolve().parent.parent
BENCH = Path(__file__).resolve().parent
PG_NAME = "medcenter_bench_rematch"
TARGET_S = 120.0
BATCH = 2000
CHECK_PROFILES = 200
CHECK_REFRESH = 20
CHECK_STORED = 100
# What profiles_for_patients cannot know, whatever the tables hold (not compared).
NOT_COMPARED = {"note", "not_diagnoses", "not_therapies"}
PROTEIN = re.compile(r"^[A-Z]\d+[A-Z]?$")  # L858R, G12C, V600E, V600


# --- Figures ----------------------------------------------------------------------------------


class Clock:
    """Seconds spent in wrapped functions, by label (this process only)."""

    def __init__(self) -> None:
        self.spent: dict[str, float] = {}

    def wrap(self, owner: Any, attribute: str, label: str) -> None:
        original = getattr(owner, attribute, None)
        if original is None:
            return

        @functools.wraps(original)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            started = time.perf_counter()
            try:
                return original(*args, **kwargs)
            finally:
                took = time.perf_counter() - started
                self.spent[label] = self.spent.get(label, 0.0) + took

        setattr(owner, attribute, wrapper)

    def take(self) -> dict[str, float]:
        found, self.spent = self.spent, {}
        return found


def breakdown(wall: float, spent: dict[str, float]) -> str:
    parts = [f"{label} {seconds:.1f} s" for label, seconds in spent.items()]
    parts.append(f"the rest {wall - sum(spent.values()):.1f} s")
    return ", ".join(parts)


def seeded(seed: int) -> random.Random:
    return random.Random(seed)  # noqa: S311 (seeded synthetic data, not security)


# --- Trials -----------------------------------------------------------------------------------


def build_trials(n: int, rng: random.Random, workers: int) -> dict[str, Any]:
    """Trial rows and their parsed criteria, as services.refresh_criteria would write them."""
    from django.db import connections, transaction

    from medcenter.trials.models import Criterion, LocalStatus, OverallStatus, Sex, Trial
    from medcenter.trials.services import PARAM_KEYS, criterion_key

    speed = speed_module()
    times: dict[str, float] = {}
    started = time.perf_counter()
    texts = speed.trial_texts(n, rng)
    times["texts"] = time.perf_counter() - started
    connections.close_all()  # the parsing pool forks: no connection may be shared
    started = time.perf_counter()
    parsed = speed.parse_all([t.criteria for t in texts], workers)
    times["parse"] = time.perf_counter() - started
    started = time.perf_counter()
    today = date.today()
    with transaction.atomic():
        trials = Trial.objects.bulk_create(
            [
                Trial(
                    nct_id=f"NCT9{t.trial_id:07d}",
                    brief_title=f"Bench trial {t.trial_id}: {t.conditions}"[:500],
                    study_type="INTERVENTIONAL",
                    phases=["PHASE2"],
                    overall_status=OverallStatus.RECRUITING,
                    local_status=LocalStatus.OPEN,
                    conditions=[t.conditions],
                    eligibility_criteria=t.criteria,
                    minimum_age_years=t.min_age,
                    maximum_age_years=t.max_age,
                    sex={"ALL": Sex.ALL, "FEMALE": Sex.FEMALE, "MALE": Sex.MALE}[t.sex],
                    sponsor="Bench Sponsor",
                    first_posted=today - timedelta(days=t.trial_id % 700),
                    is_demo=False,
                )
                for t in texts
            ],
            batch_size=BATCH,
        )
        rows: list[Criterion] = []
        for trial, items in zip(trials, parsed, strict=True):
            seen: Counter[tuple[str, str, str]] = Counter()
            for position, item in enumerate(items, start=1):
                section = str(item.get("section", "inclusion"))
                kind = str(item.get("kind", "text"))
                source = str(item.get("source", ""))
                ordinal = seen[(section, source, kind)]
                seen[(section, source, kind)] += 1
                rows.append(
                    Criterion(
                        trial_id=trial.pk,
                        position=position,
                        section=section,
                        kind=kind,
                        params={k: v for k, v in item.items() if k not in PARAM_KEYS},
                        source=source[:2000],
                        key=criterion_key(section, source, kind, ordinal),
                    )
                )
        Criterion.objects.bulk_create(rows, batch_size=BATCH)
    times["write"] = time.perf_counter() - started
    return {"trials": trials, "criteria": len(rows), "times": times}


def check_refresh(trials: list[Any], sample: int, rng: random.Random) -> str:
    """services.refresh_criteria on a sample: its time per trial, and the rows it leaves must
    be the rows written in bulk."""
    from medcenter.trials import services
    from medcenter.trials.models import Criterion

    fields = ("position", "section", "kind", "params", "source", "key", "origin", "is_active")

    def rows(trial_id: int) -> list[tuple[Any, ...]]:
        return list(
            Criterion.objects.filter(trial_id=trial_id).order_by("position").values_list(*fields)
        )

    chosen = rng.sample(trials, min(sample, len(trials)))
    before = {t.pk: rows(t.pk) for t in chosen}
    started = time.perf_counter()
    for trial in chosen:
        services.refresh_criteria(trial=trial)
    each = (time.perf_counter() - started) / len(chosen)
    differ = sum(rows(t.pk) != before[t.pk] for t in chosen)
    return (
        f"services.refresh_criteria: {each * 1000:.0f} ms per trial ({each * len(trials):.0f} s "
        f"for all {len(trials):,}, one process); on {len(chosen)} trials it left rows "
        f"different from the bulk ones for {differ}"
    )


# --- Patients ---------------------------------------------------------------------------------


def birth_date(today: date, age: float | None, rng: random.Random) -> date:
    """A date of birth giving this age today (a random adult's when unknown)."""
    years = int(age) if age is not None else rng.randint(30, 80)
    born = today - timedelta(days=rng.randint(1, 360))  # the last birthday, 1-360 days ago
    try:
        return born.replace(year=born.year - years)
    except ValueError:  # 29 February
        return born.replace(year=born.year - years, day=28)


def variant_kind(classes: frozenset[str]) -> str:
    if "fusion" in classes:
        return "fusion"
    if "amplification" in classes:
        return "amplification"
    if "exon 14 skipping" in classes:
        return "splice"
    return "mutation"


MARKER_NAMES = {"ESR1": "ER", "PGR": "PR", "ERBB2": "HER2"}


def build_patients(people: list[Any], rng: random.Random) -> dict[str, Any]:
    """A Patient and the oncology rows that say what each generated profile says."""
    from django.db import transaction

    from medcenter.oncology.labunits import CANONICAL
    from medcenter.oncology.models import (
        CancerDiagnosis,
        ClinicalStatus,
        DiagnosisKind,
        GenotypingReport,
        LabResult,
        MetastasisAssessment,
        PerformanceScale,
        PerformanceStatus,
        PregnancyState,
        PregnancyStatus,
        ReportFormat,
        StageAssessment,
        StageClassification,
        TherapySetting,
        TreatmentCourse,
        TreatmentHistoryReview,
        TumorMarker,
        Variant,
    )
    from medcenter.patients.models import Patient
    from medcenter.trials.matcher.vocabulary import normalize_therapy

    drugs_known = {
        normalize_therapy(d) or d for t in speed_module().TYPES for line in t.drugs for d in line
    }

    today = date.today()
    counts: Counter[str] = Counter()
    with transaction.atomic():
        patients = Patient.objects.bulk_create(
            [
                Patient(
                    mrn=f"B{i:09d}",
                    given_name="Bench",
                    family_name=f"Patient {i}",
                    date_of_birth=birth_date(today, p.age, rng),
                    sex=p.sex or "unknown",
                    email=f"bench.patient{i}@example.test",
                )
                for i, p in enumerate(people)
            ],
            batch_size=BATCH,
        )
        counts["patients"] = len(patients)

        # Primary diagnoses first: stages, metastatic sites and reports point to them.
        primaries: list[CancerDiagnosis] = []
        primary_of: dict[int, int] = {}  # index into people -> index into primaries
        for i, (patient, p) in enumerate(zip(patients, people, strict=True)):
            if not (p.oncotree or p.terms):
                continue
            primary_of[i] = len(primaries)
            primaries.append(
                CancerDiagnosis(
                    patient_id=patient.pk,
                    kind=DiagnosisKind.PRIMARY,
                    description=(p.terms or p.oncotree)[0],
                    oncotree_code=p.oncotree[0] if p.oncotree else "",
                    diagnosed_on=today - timedelta(days=rng.randint(30, 1500)),
                    clinical_status=ClinicalStatus.ACTIVE,
                )
            )
        CancerDiagnosis.objects.bulk_create(primaries, batch_size=BATCH)
        counts["primary diagnoses"] = len(primaries)

        stages, sites, ps_rows, reports, report_variants, markers = [], [], [], [], [], []
        courses, labs, pregnancies, reviews = [], [], [], []
        site_status: list[tuple[int, frozenset[str]]] = []  # index into sites, qualifiers
        for i, (patient, p) in enumerate(zip(patients, people, strict=True)):
            # Treatment history: the drugs given, as one ended course for advanced disease
            # at the patient's line; recent labs in the canonical units; pregnancy status.
            drugs = sorted(p.prior_therapies & drugs_known)
            if drugs:
                started = today - timedelta(days=rng.randint(60, 700))
                courses.append(
                    TreatmentCourse(
                        patient_id=patient.pk,
                        regimen=" + ".join(drugs),
                        agents=drugs,
                        setting=TherapySetting.ADVANCED,
                        line=max(p.prior_lines or 1, 1),
                        started_on=started,
                        ended_on=started + timedelta(days=50),
                    )
                )
            if p.therapies_known:
                reviews.append(
                    TreatmentHistoryReview(
                        patient_id=patient.pk, reviewed_on=today - timedelta(days=2)
                    )
                )
            drawn = today - timedelta(days=rng.randint(1, 20))
            for test, value in p.labs.items():
                if "/" not in test:
                    labs.append(
                        LabResult(
                            patient_id=patient.pk,
                            test=test,
                            value=value,
                            unit=CANONICAL[test],
                            observed_on=drawn,
                        )
                    )
            if p.pregnant is not None:
                pregnancies.append(
                    PregnancyStatus(
                        patient_id=patient.pk,
                        status=PregnancyState.PREGNANT
                        if p.pregnant
                        else PregnancyState.NOT_PREGNANT,
                        observed_on=drawn,
                    )
                )
            primary = primaries[primary_of[i]] if i in primary_of else None
            if p.stage and primary is not None:
                m = "M1" if p.metastatic else ("M0" if p.metastatic is False else "")
                stages.append(
                    StageAssessment(
                        diagnosis_id=primary.pk,
                        scheme="AJCC 8",
                        classification=StageClassification.CLINICAL,
                        m=m,
                        stage_group=p.stage,
                        rule_version="bench",
                        assessed_on=today - timedelta(days=rng.randint(10, 400)),
                    )
                )
            where = []
            if p.brain_metastases:
                lepto = "leptomeningeal" in p.brain_qualifiers
                where.append(("brain", "Leptomeningeal disease" if lepto else "Brain metastasis"))
                if p.brain_qualifiers - {"leptomeningeal"}:
                    site_status.append((len(sites), p.brain_qualifiers))
            if p.metastatic and not (p.stage and primary is not None) and not where:
                where.append(("liver", "Liver metastasis"))
            for site, description in where:
                sites.append(
                    CancerDiagnosis(
                        patient_id=patient.pk,
                        kind=DiagnosisKind.SECONDARY,
                        primary_id=primary.pk if primary is not None else None,
                        description=description,
                        body_site=site,
                        diagnosed_on=today - timedelta(days=rng.randint(10, 400)),
                    )
                )
            for scale, value in (
                (PerformanceScale.ECOG, p.ecog),
                (PerformanceScale.KARNOFSKY, p.karnofsky),
            ):
                if value is not None:
                    ps_rows.append(
                        PerformanceStatus(
                            patient_id=patient.pk,
                            scale=scale,
                            value=value,
                            observed_on=today - timedelta(days=rng.randint(10, 200)),
                        )
                    )
            observed = today - timedelta(days=rng.randint(10, 400))
            found = []
            for b in p.biomarkers:
                if b.gene in ("ESR1", "PGR") or (b.gene == "ERBB2" and not b.present):
                    markers.append(
                        TumorMarker(
                            patient_id=patient.pk,
                            name=MARKER_NAMES[b.gene],
                            value="positive" if b.present else "negative",
                            interpretation="IHC",
                            observed_on=observed,
                        )
                    )
                elif b.present:
                    found.append(b)
            if p.tested_genes or found:
                reports.append(
                    GenotypingReport(
                        patient_id=patient.pk,
                        diagnosis_id=primary.pk if primary is not None else None,
                        test_name="Bench solid tumour panel",
                        genes_covered=sorted(p.tested_genes),
                        tumor_type=(p.oncotree or [""])[0],
                        reported_on=observed,
                        source_format=ReportFormat.TABLE,
                    )
                )
                report_variants.append(found)
        CancerDiagnosis.objects.bulk_create(sites, batch_size=BATCH)
        assessments = [
            MetastasisAssessment(
                diagnosis_id=sites[index].pk,
                assessed_on=today - timedelta(days=rng.randint(1, 60)),
                treatment=next((q for q in ("treated", "untreated") if q in found), ""),
                activity=(
                    "progressing" if "active" in found else "stable" if "stable" in found else ""
                ),
                symptomatic=True if "symptomatic" in found else None,
            )
            for index, found in site_status
        ]
        MetastasisAssessment.objects.bulk_create(assessments, batch_size=BATCH)
        counts["metastatic-site statuses"] = len(assessments)
        StageAssessment.objects.bulk_create(stages, batch_size=BATCH)
        PerformanceStatus.objects.bulk_create(ps_rows, batch_size=BATCH)
        TumorMarker.objects.bulk_create(markers, batch_size=BATCH)
        GenotypingReport.objects.bulk_create(reports, batch_size=BATCH)
        variants = []
        for report, found in zip(reports, report_variants, strict=True):
            for b in found:
                proteins = sorted(c for c in b.classes if PROTEIN.match(c))
                variants.append(
                    Variant(
                        report_id=report.pk,
                        gene=b.gene,
                        kind=variant_kind(b.classes),
                        protein_short=proteins[0] if proteins else "",
                        # Stored as the genomics import writes them: "EGFR L858R".
                        classes=sorted(f"{b.gene} {c}" for c in b.classes),
                    )
                )
        Variant.objects.bulk_create(variants, batch_size=BATCH)
        TreatmentCourse.objects.bulk_create(courses, batch_size=BATCH)
        TreatmentHistoryReview.objects.bulk_create(reviews, batch_size=BATCH)
        counts["treatment history reviews"] = len(reviews)
        LabResult.objects.bulk_create(labs, batch_size=BATCH)
        PregnancyStatus.objects.bulk_create(pregnancies, batch_size=BATCH)
        counts["treatment courses"] = len(courses)
        counts["lab results"] = len(labs)
        counts["pregnancy statuses"] = len(pregnancies)
        counts["metastatic-site diagnoses"] = len(sites)
        counts["stage assessments"] = len(stages)
        counts["performance statuses"] = len(ps_rows)
        counts["genotyping reports"] = len(reports)
        counts["variants"] = len(variants)
        counts["tumour markers"] = len(markers)
    return {"patients": patients, "counts": counts}


def comparable(profile: Any, name: str) -> Any:
    value = getattr(profile, name)
    if name == "biomarkers":
        return sorted((b.gene, tuple(sorted(b.classes)), b.present) for b in value)
    if name in ("oncotree", "terms"):
        return sorted(value)
    return value


def check_profiles(patients: list[Any], people: list[Any], sample: int, rng: random.Random) -> None:
    """Read profiles back from the tables, as rematch_patients does, and compare."""
    from medcenter.patients.models import Patient
    from medcenter.trials.matcher.rules import Profile
    from medcenter.trials.profiles import profiles_for_patients

    chosen = rng.sample(range(len(patients)), min(sample, len(patients)))
    by_pk = {patients[i].pk: i for i in chosen}
    started = time.perf_counter()
    read = profiles_for_patients(list(Patient.objects.filter(pk__in=list(by_pk))))
    took = time.perf_counter() - started
    names = [f.name for f in dataclasses.fields(Profile) if f.name not in NOT_COMPARED]
    default = Profile()
    agree: Counter[str] = Counter()
    generated: Counter[str] = Counter()  # profiles where the generator set the field
    came_back: Counter[str] = Counter()  # profiles where the read-back has it set
    whole = 0
    for pk, i in by_pk.items():
        mine, theirs = people[i], read[pk]
        same = 0
        for name in names:
            ok = comparable(mine, name) == comparable(theirs, name)
            agree[name] += ok
            same += ok
            generated[name] += comparable(mine, name) != comparable(default, name)
            came_back[name] += comparable(theirs, name) != comparable(default, name)
        whole += same == len(names)
    n = len(by_pk)
    total = sum(agree.values())
    print(
        f"  profiles read back (profiles_for_patients, {n} patients, {took * 1000:.0f} ms): "
        f"{total:,} of {n * len(names):,} fields agree ({total / (n * len(names)):.1%}); "
        f"{whole} of {n} profiles agree on every field"
    )
    held = [f"{k} {agree[k] / n:.0%}" for k in names if came_back[k]]
    lost = [
        f"{k} (set in {generated[k] / n:.0%})" for k in names if generated[k] and not came_back[k]
    ]
    print(f"    agreement of fields the tables hold: {', '.join(held)}")
    if lost:
        print(f"    generated but not in the oncology tables (read back unset): {', '.join(lost)}")


# --- Measurements ------------------------------------------------------------------------------


def rematch(ids: list[int], args: argparse.Namespace) -> tuple[float, int, str]:
    """rematch_patients on these ids: wall seconds, rows changed, and how it was called."""
    from medcenter.trials import services

    kwargs: dict[str, Any] = {"patient_ids": ids}
    accepted = inspect.signature(services.rematch_patients).parameters
    note = ""
    if "workers" in accepted:
        kwargs["workers"] = args.workers
    else:
        note = " (rematch_patients takes no workers yet: one process)"
    if args.chunk is not None:
        kwargs["chunk"] = args.chunk
    started = time.perf_counter()
    changed = services.rematch_patients(**kwargs)
    return time.perf_counter() - started, changed, note


def candidate_counts() -> tuple[int, int, int, int]:
    from django.db.models import Count

    from medcenter.trials.models import Candidate, MatchState

    rows = Candidate.objects.count()
    per = list(
        Candidate.objects.values("patient_id")
        .annotate(n=Count("id"))
        .order_by()
        .values_list("n", flat=True)
    )
    return rows, len(per), max(per, default=0), MatchState.objects.count()


def check_stored(ids: list[int], sample: int, rng: random.Random) -> str:
    """The Candidate rows of sampled patients against CompiledTrials.rank on their profiles
    read again (trial, score, criteria met and unknown, best first, the service's limit)."""
    from medcenter.patients.models import Patient
    from medcenter.trials import selectors, services
    from medcenter.trials.models import Candidate
    from medcenter.trials.profiles import profiles_for_patients

    chosen = rng.sample(ids, min(sample, len(ids)))
    read = profiles_for_patients(list(Patient.objects.filter(pk__in=chosen)))
    catalogue = selectors.open_population()
    limit = getattr(services, "MAX_CANDIDATES_PER_PATIENT", 25)
    stored: dict[int, set[tuple[int, float, int, int]]] = {pk: set() for pk in chosen}
    for row in Candidate.objects.filter(patient_id__in=chosen, is_current=True).values_list(
        "patient_id", "trial_id", "score", "met", "unknown"
    ):
        stored[row[0]].add(row[1:])
    pairs = wrong_pairs = wrong_counts = 0
    eligible = kept = 0
    for pk in chosen:
        everything = catalogue.rank(read[pk])
        ranked = [m for m in everything if m.anchored][:limit]  # what the queue keeps
        eligible += len(everything)
        kept += sum(m.anchored for m in everything)
        pairs += len(ranked)
        expected = {(m.trial_id, m.score) for m in ranked}
        wrong_pairs += expected != {row[:2] for row in stored[pk]}
        wrong_counts += {(m.trial_id, m.score, m.met, m.unknown) for m in ranked} != stored[pk]
    return (
        f"stored rows against CompiledTrials.rank, anchored, best {limit}, for {len(chosen)} "
        f"patients ({pairs:,} pairs): trials or scores differ for {wrong_pairs}, met or unknown "
        f"counts differ for {wrong_counts}; per patient {eligible / len(chosen):.1f} trials "
        f"eligible, {kept / len(chosen):.1f} with a diagnosis or biomarker criterion met"
    )


def change_one_percent(patients: list[Any], people: list[Any], rng: random.Random) -> int:
    """A new ECOG grade recorded today for 1% of the patients with cancer on record."""
    from medcenter.oncology.models import PerformanceScale, PerformanceStatus

    with_cancer = [i for i, p in enumerate(people) if p.oncotree or p.terms]
    chosen = rng.sample(with_cancer, max(1, len(with_cancer) // 100))
    today = date.today()
    PerformanceStatus.objects.bulk_create(
        [
            PerformanceStatus(
                patient_id=patients[i].pk,
                scale=PerformanceScale.ECOG,
                value=((people[i].ecog if people[i].ecog is not None else 1) + 1) % 4,
                observed_on=today,
            )
            for i in chosen
        ],
        batch_size=BATCH,
    )
    return len(chosen)


# --- One backend, in its own process ----------------------------------------------------------


def speed_module() -> Any:
    if str(BENCH) not in sys.path:
        sys.path.insert(0, str(BENCH))
    import trials_speed

    return trials_speed


def child(args: argparse.Namespace) -> None:
    sys.path.insert(0, str(ROOT))
    os.environ["DJANGO_SETTINGS_MODULE"] = "medcenter.settings"
    import django

    django.setup()
    import logging

    logging.disable(logging.CRITICAL)
    from django.core.management import call_command
    from django.db import connection

    from medcenter.trials import profiles, selectors, services
    from medcenter.trials.matcher import compiled as population
    from medcenter.trials.models import Trial

    label = {"sqlite": "SQLite (file, WAL)", "postgresql": "PostgreSQL"}[connection.vendor]
    print(f"\n{label}: {args.trials:,} trials, {args.patients:,} patients, {load()}")
    started = time.perf_counter()
    call_command("migrate", verbosity=0)
    print(f"  migrate {time.perf_counter() - started:.1f} s")

    print("\n1. Build (bulk_create)")
    rng = seeded(args.seed)
    before = Trial.objects.count()
    built = build_trials(args.trials, rng, args.workers)
    t = built["times"]
    print(
        f"  trials: {len(built['trials']):,} trials and {built['criteria']:,} criteria in "
        f"{sum(t.values()):.1f} s (texts {t['texts']:.1f} s, parse_criteria in {args.workers} "
        f"processes {t['parse']:.1f} s, rows {t['write']:.1f} s); trials there before: {before}"
    )
    print(f"  {check_refresh(built['trials'], CHECK_REFRESH, seeded(args.seed + 1))}")
    speed = speed_module()
    started = time.perf_counter()
    people = speed.patients(args.patients, rng)
    generated = time.perf_counter() - started
    started = time.perf_counter()
    made = build_patients(people, rng)
    written = time.perf_counter() - started
    patients = made["patients"]
    counts = made["counts"]
    print(
        f"  patients: generated {generated:.1f} s, rows {written:.1f} s: "
        + ", ".join(f"{k} {v:,}" for k, v in counts.items())
    )
    print(f"  open trials: {Trial.objects.open().count():,}")
    settle(freeze=False)  # the load's statistics and log, so they are not measured
    check_profiles(patients, people, CHECK_PROFILES, seeded(args.seed + 2))
    ids = [p.pk for p in patients]
    with_cancer = sum(bool(p.oncotree or p.terms) for p in people)
    # The generated objects live to the end, as a worker's start-up data would: keep the
    # collector from walking them during the timings.
    del made
    gc.collect()
    gc.freeze()

    clock = Clock()
    clock.wrap(profiles, "profiles_for_patients", "profiles read")
    clock.wrap(population.CompiledTrials, "rematch", "matching (CompiledTrials.rematch)")
    clock.wrap(population.CompiledTrials, "found_one", "matching (match_profile, one patient)")
    clock.wrap(services, "_store_found", "storing")

    print(f"\n2. First full re-match, no candidates yet ({len(ids):,} patients), {load()}")
    started = time.perf_counter()
    catalogue = selectors.open_population()
    compiled = time.perf_counter() - started
    print(
        f"  selectors.open_population, cold: {compiled:.1f} s "
        f"({len(catalogue.rules):,} trials compiled)"
    )
    clock.take()
    wall, changed, note = rematch(ids, args)
    spent = clock.take()
    rows, with_rows, most, states = candidate_counts()
    total = compiled + wall
    verdict = "OK" if total < TARGET_S else "MISSED"
    print(
        f"  rematch_patients: {wall:.1f} s wall{note}, {len(ids) / wall:,.0f} patients/s; "
        f"with the catalogue {total:.1f} s (target < {TARGET_S:.0f} s) {verdict}"
    )
    print(f"    = {breakdown(wall, spent)}")
    print(
        f"  rows changed {changed:,}; Candidate rows {rows:,} ({with_rows:,} patients with one "
        f"or more, {rows / max(with_rows, 1):.1f} each, most {most}); MatchState rows {states:,}"
    )

    print(f"  {check_stored(ids, CHECK_STORED, seeded(args.seed + 4))}")

    print(f"\n3. Second full re-match, nothing changed, {load()}")
    clock.take()
    wall, changed, note = rematch(ids, args)
    spent = clock.take()
    rows_after = candidate_counts()[0]
    print(
        f"  rematch_patients: {wall:.1f} s wall{note}, {len(ids) / wall:,.0f} patients/s; rows "
        f"changed {changed:,} (should be 0); Candidate rows {rows_after:,}"
    )
    print(f"    = {breakdown(wall, spent)}")

    print(f"\n4. 1% of the patients with cancer get a new ECOG grade, {load()}")
    touched = change_one_percent(patients, people, seeded(args.seed + 3))
    started = time.perf_counter()
    due = services.patients_to_rematch()
    found = time.perf_counter() - started
    print(
        f"  {touched:,} patients changed (of {with_cancer:,} with cancer on record); "
        f"services.patients_to_rematch: {found:.2f} s, {len(due):,} due"
    )
    clock.take()
    wall, changed, note = rematch(due, args)
    spent = clock.take()
    print(
        f"  rematch_patients on those: {wall:.2f} s wall{note}, rows changed {changed:,}; "
        f"background path in all {found + wall:.2f} s"
    )
    print(f"    = {breakdown(wall, spent)}")
    again = services.patients_to_rematch()
    print(f"  patients due afterwards: {len(again):,} (should be 0)")
    print(f"\n  {load()}")
    connection.close()


# --- Driver -----------------------------------------------------------------------------------


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--backend", choices=["sqlite", "postgresql", "both"], default="both")
    parser.add_argument("--quick", action="store_true", help="500 trials, 10,000 patients")
    parser.add_argument("--trials", type=int, default=None)
    parser.add_argument("--patients", type=int, default=None)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--chunk", type=int, default=None, help="rematch_patients' chunk")
    parser.add_argument("--seed", type=int, default=1)
    parser.add_argument("--child", action="store_true", help=argparse.SUPPRESS)
    args = parser.parse_args()
    args.trials = args.trials or (500 if args.quick else 5000)
    args.patients = args.patients or (10_000 if args.quick else 100_000)
    if args.child:
        child(args)
        return
    flags = ["--trials", str(args.trials), "--patients", str(args.patients)]
    flags += ["--workers", str(args.workers), "--seed", str(args.seed)]
    flags += ["--chunk", str(args.chunk)] if args.chunk is not None else []
    status = run_per_backend(
        __file__,
        backend=args.backend,
        flags=flags,
        pg_name=PG_NAME,
        prefix="medcenter-rematch-bench-",
    )
    sys.exit(status)


if __name__ == "__main__":
    main()

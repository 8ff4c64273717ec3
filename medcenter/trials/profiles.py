"""What the matcher knows about a patient: from the oncology record, an API profile, a note."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from datetime import timedelta
from typing import Any

from django.utils import timezone

from medcenter.oncology import labunits
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
    SiteActivity,
    StageAssessment,
    TherapySetting,
    TreatmentCourse,
    TreatmentHistoryReview,
    TumorMarker,
    Variant,
)
from medcenter.patients.models import Patient
from medcenter.trials.matcher.notes import profile_from_note
from medcenter.trials.matcher.rules import Biomarker, Profile, oncotree
from medcenter.trials.matcher.vocabulary import read_therapies as read_therapies  # re-exported

# Receptor tests recorded as tumour markers, read as the biomarker classes criteria use.
MARKER_GENES = {
    "er": ("ESR1", "overexpression"),
    "estrogen receptor": ("ESR1", "overexpression"),
    "oestrogen receptor": ("ESR1", "overexpression"),
    "pr": ("PGR", "overexpression"),
    "progesterone receptor": ("PGR", "overexpression"),
    "her2": ("ERBB2", "overexpression"),
    "pd-l1": ("CD274", "overexpression"),
}
POSITIVE = ("positive", "pos", "detected", "high", "3+")
# Laboratory results and pregnancy status older than this are not read: trials ask for
# recent values (within 14 to 28 days of enrolment), and an old one would decide wrongly.
RECENT_DAYS = 30
BRAIN_WORDS = ("brain", "cerebr", "leptomening", "intracranial")
NEGATIVE = ("negative", "neg", "not detected", "0", "1+")


def profile_for_patient(patient: Patient) -> Profile:
    """Read a patient's demographics and oncology record (a few queries, no writes)."""
    return profiles_for_patients([patient])[patient.pk]


def profiles_for_patients(patients: Sequence[Patient]) -> dict[int, Profile]:
    """Profiles for many patients in twelve queries, whatever their number (re-matching)."""
    today = timezone.localdate()
    ids = [p.pk for p in patients]
    found = {
        p.pk: Profile(
            age=float(p.age_on(today)),
            sex=p.sex if p.sex in ("female", "male") else None,
        )
        for p in patients
    }
    primaries: dict[int, int] = {}  # diagnosis id -> patient id
    secondary_sites: dict[int, list[str]] = defaultdict(list)
    brain_sites: dict[int, int] = {}  # diagnosis id of a brain metastasis -> patient id
    for pk, patient_id, kind, code, description, site in (
        CancerDiagnosis.objects.filter(patient_id__in=ids)
        .exclude(clinical_status=ClinicalStatus.RESOLVED)
        .order_by("pk")
        .values_list("pk", "patient_id", "kind", "oncotree_code", "description", "body_site")
    ):
        profile = found[patient_id]
        if kind == DiagnosisKind.PRIMARY:
            primaries[pk] = patient_id
            if code and code not in profile.oncotree:
                profile.oncotree.append(code)
            profile.terms.append(description)
        else:
            where = f"{site} {description}".lower()
            secondary_sites[patient_id].append(where)
            if any(word in where for word in BRAIN_WORDS):
                brain_sites[pk] = patient_id
                if "leptomening" in where:
                    found[patient_id].brain_qualifiers |= {"leptomeningeal"}
    for patient_id in secondary_sites:
        found[patient_id].metastatic = True
    for patient_id in brain_sites.values():
        found[patient_id].brain_metastases = True
    _read_brain_status(found, brain_sites)
    staged: set[int] = set()
    for diagnosis_id, group, m in (
        StageAssessment.objects.filter(diagnosis_id__in=list(primaries))
        .order_by("-assessed_on", "-pk")
        .values_list("diagnosis_id", "stage_group", "m")
    ):
        patient_id = primaries[diagnosis_id]
        if patient_id in staged or not group:
            continue  # the latest stage of any primary, per patient
        staged.add(patient_id)
        profile = found[patient_id]
        profile.stage = group
        if m.upper().startswith("M1"):
            profile.metastatic = True
        elif m.upper().startswith("M0") and profile.metastatic is None:
            profile.metastatic = False
    seen_scale: set[tuple[int, str]] = set()
    for patient_id, scale, value in (
        PerformanceStatus.objects.filter(patient_id__in=ids)
        .order_by("-observed_on", "-pk")
        .values_list("patient_id", "scale", "value")
    ):
        if (patient_id, scale) in seen_scale:
            continue
        seen_scale.add((patient_id, scale))
        if scale == PerformanceScale.ECOG:
            found[patient_id].ecog = value
        else:
            found[patient_id].karnofsky = value
    # Rows as tuples, not model instances: at 20,000 patients a chunk, building instances
    # was most of this function's time on PostgreSQL.
    tested: dict[int, set[str]] = defaultdict(set)
    reports: dict[int, tuple[int, str]] = {}  # report id -> (patient id, source)
    for pk, patient_id, genes, test_name, reported_on in (
        GenotypingReport.objects.filter(patient_id__in=ids)
        .order_by("-reported_on")
        .values_list("pk", "patient_id", "genes_covered", "test_name", "reported_on")
    ):
        reports[pk] = (patient_id, f"{test_name}, {reported_on:%Y-%m-%d}")
        tested[patient_id].update(str(g).upper() for g in genes or [])
    for report_id, variant_gene, variant_classes, protein_short in (
        Variant.objects.filter(report_id__in=list(reports))
        .order_by("pk")
        .values_list("report_id", "gene", "classes", "protein_short")
    ):
        patient_id, source = reports[report_id]
        gene = variant_gene.upper()
        tested[patient_id].add(gene)
        # Stored as "EGFR L858R", "EGFR exon 21 mutation": the class names follow the gene.
        classes = {str(c).removeprefix(f"{variant_gene} ") for c in variant_classes or []}
        if protein_short:
            classes.add(protein_short)
        found[patient_id].biomarkers.append(
            Biomarker(gene=gene, classes=frozenset(classes), source=source)
        )
    for patient_id, name, reading, interpretation in (
        TumorMarker.objects.filter(patient_id__in=ids)
        .order_by("-observed_on", "pk")
        .values_list("patient_id", "name", "value", "interpretation")
    ):
        read = _marker(name, reading, interpretation)
        if read is not None:
            tested[patient_id].add(read.gene)
            found[patient_id].biomarkers.append(read)
    for patient_id, genes in tested.items():
        found[patient_id].tested_genes = frozenset(genes)
    _read_treatments(found, ids)
    _read_recent(found, ids, today - timedelta(days=RECENT_DAYS))
    return found


def _read_brain_status(found: dict[int, Profile], brain_sites: dict[int, int]) -> None:
    """The latest status of each brain metastasis as the matcher's qualifiers: untreated or
    treated, stable or active (growing or new), symptomatic or asymptomatic."""
    if not brain_sites:
        return
    # Each of the three from the latest assessment that says it (one may record symptoms only).
    latest: dict[tuple[int, str], str] = {}
    for diagnosis_id, treatment, activity, symptomatic in (
        MetastasisAssessment.objects.filter(diagnosis_id__in=list(brain_sites))
        .order_by("-assessed_on", "-pk")
        .values_list("diagnosis_id", "treatment", "activity", "symptomatic")
    ):
        if treatment:
            latest.setdefault((diagnosis_id, "treatment"), str(treatment))  # (un)treated
        if activity:
            shown = "active" if activity == SiteActivity.PROGRESSING else "stable"
            latest.setdefault((diagnosis_id, "activity"), shown)
        if symptomatic is not None:
            shown = "symptomatic" if symptomatic else "asymptomatic"
            latest.setdefault((diagnosis_id, "symptoms"), shown)
    for (diagnosis_id, _field), qualifier in latest.items():
        profile = found[brain_sites[diagnosis_id]]
        profile.brain_qualifiers = frozenset(profile.brain_qualifiers | {qualifier})


def _read_treatments(found: dict[int, Profile], ids: list[int]) -> None:
    """Prior therapies (drugs and their classes) and prior lines for advanced disease: the
    highest line among the courses for advanced disease that have ended, or one less than a
    line going on (a patient on second line has had one). The history is known complete
    ("no prior X" can be met) only when a clinician confirmed it (TreatmentHistoryReview;
    with no course, treatment-naive) and every drug of it was understood."""
    agents: dict[int, list[str]] = defaultdict(list)
    lines: dict[int, int] = {}
    for patient_id, names, setting, line, ended_on in TreatmentCourse.objects.filter(
        patient_id__in=ids
    ).values_list("patient_id", "agents", "setting", "line", "ended_on"):
        agents[patient_id].extend(str(n) for n in names or [])
        if setting == TherapySetting.ADVANCED and line:
            # Line 2 going on means one line before it, wherever that was given.
            done = line if ended_on else line - 1
            lines[patient_id] = max(lines.get(patient_id, 0), done)
    confirmed = set(
        TreatmentHistoryReview.objects.filter(patient_id__in=ids).values_list(
            "patient_id", flat=True
        )
    )
    for patient_id in set(agents) | confirmed:
        profile = found[patient_id]
        # A drug the vocabulary does not know could be the one a criterion asks about, so
        # such a history is not read as complete ("no prior X" stays unknown).
        profile.prior_therapies, understood = read_therapies(agents.get(patient_id, []))
        profile.therapies_known = understood and patient_id in confirmed
        counted = lines.get(patient_id, 0)
        # No line is "0 prior lines" only for a confirmed history; else it is not known.
        profile.prior_lines = counted if counted or patient_id in confirmed else None


def _read_recent(found: dict[int, Profile], ids: list[int], since: Any) -> None:
    """The latest laboratory result of each test, and the latest pregnancy status, since
    `since` (older ones are left unknown)."""
    seen: set[tuple[int, str]] = set()
    for patient_id, test, value, unit, upper_limit in (
        LabResult.objects.filter(patient_id__in=ids, observed_on__gte=since)
        .order_by("-observed_on", "-pk")
        .values_list("patient_id", "test", "value", "unit", "upper_limit")
    ):
        if (patient_id, test) in seen:
            continue
        seen.add((patient_id, test))
        converted = labunits.to_canonical(test, value, unit)
        if converted is not None:
            found[patient_id].labs[test] = converted
        if upper_limit:
            found[patient_id].labs[f"{test}/uln"] = value / upper_limit
    latest: set[int] = set()
    for patient_id, status in (
        PregnancyStatus.objects.filter(patient_id__in=ids, observed_on__gte=since)
        .order_by("-observed_on", "-pk")
        .values_list("patient_id", "status")
    ):
        if patient_id not in latest:
            latest.add(patient_id)
            found[patient_id].pregnant = status != PregnancyState.NOT_PREGNANT


def _marker(marker: str, value: str, interpretation: str) -> Biomarker | None:
    """A receptor test recorded as a tumour marker (ER, PR, HER2, PD-L1), as a biomarker."""
    known = MARKER_GENES.get(marker.strip().lower())
    if known is None:
        return None
    gene, name = known
    reading = f"{value} {interpretation}".strip().lower()
    if any(word in reading for word in POSITIVE):
        present = True
    elif any(reading.startswith(word) or f" {word}" in reading for word in NEGATIVE):
        present = False
    else:
        return None
    return Biomarker(
        gene=gene,
        classes=frozenset({name, "amplification"} if gene == "ERBB2" else {name}),
        present=present,
        source=f"{marker} {value}",
    )


def _therapies(names: Any) -> frozenset[str]:
    return read_therapies(names)[0]


def profile_from_payload(data: dict[str, Any]) -> Profile:
    """A profile from the API's fields; a free-text note fills in what the fields leave out."""
    note = str(data.get("note") or "")
    profile = profile_from_note(note) if note.strip() else Profile()
    if data.get("age") is not None:
        profile.age = float(data["age"])
    if data.get("sex"):
        profile.sex = str(data["sex"]).lower() if data["sex"] in ("female", "male") else None
    codes = [str(c).upper() for c in data.get("diagnosis_codes") or []]
    if codes:
        onco: list[str] = []
        other: list[str] = []
        for code in codes:
            (onco if matching_oncotree_code(code) else other).append(code)
        if onco:
            profile.oncotree = onco
        for code in other:  # ICD-10: the directory's conditions vocabulary maps a few
            mapped = _icd_to_oncotree(code)
            if mapped and mapped not in profile.oncotree:
                profile.oncotree.append(mapped)
    if data.get("stage"):
        profile.stage = str(data["stage"]).upper().removeprefix("STAGE").strip()
        if profile.stage.startswith("IV"):
            profile.metastatic = True
    if data.get("metastatic") is not None:
        profile.metastatic = bool(data["metastatic"])
    biomarkers = data.get("biomarkers")
    if biomarkers:
        profile.biomarkers = [
            Biomarker(
                gene=str(b.get("gene", "")).upper(),
                classes=frozenset(_classes_for(str(b.get("gene", "")), b)),
                present=bool(b.get("present", True)),
                source="given",
            )
            for b in biomarkers
        ]
    if data.get("tested_genes"):
        profile.tested_genes = frozenset(str(g).upper() for g in data["tested_genes"])
    else:
        profile.tested_genes = frozenset(b.gene for b in profile.biomarkers if not b.present)
    if data.get("ecog") is not None:
        profile.ecog = int(data["ecog"])
    if data.get("karnofsky") is not None:
        profile.karnofsky = int(data["karnofsky"])
    if data.get("prior_therapies") is not None:
        profile.prior_therapies = _therapies(data["prior_therapies"])
        profile.therapies_known = True
    if data.get("prior_lines") is not None:
        profile.prior_lines = int(data["prior_lines"])
    if data.get("brain_metastases") is not None:
        profile.brain_metastases = bool(data["brain_metastases"])
    if data.get("pregnant") is not None:
        profile.pregnant = bool(data["pregnant"])
    for lab in data.get("labs") or []:
        test, value = str(lab.get("test")), float(lab.get("value") or 0)
        converted = labunits.to_canonical(test, value, lab.get("unit"))
        if converted is not None:
            profile.labs[test] = converted
        if lab.get("uln"):
            profile.labs[f"{test}/uln"] = value / float(lab["uln"])
    profile.note = note
    return profile


def _classes_for(gene: str, item: dict[str, Any]) -> set[str]:
    """The classes of a biomarker as given: an explicit list, or read from the alteration."""
    classes = {str(c) for c in item.get("classes") or []}
    alteration = str(item.get("alteration") or "").strip()
    if alteration:
        for found in profile_from_note(f"{gene} {alteration}").biomarkers:
            if found.gene == gene.upper():
                classes.update(found.classes)
        classes.add(alteration)
    return classes or {"mutation"}


def matching_oncotree_code(code: str) -> bool:
    return oncotree().find(code) is not None and not _looks_like_icd(code)


def _looks_like_icd(code: str) -> bool:
    return len(code) >= 3 and code[0].isalpha() and code[1:3].isdigit()


def _icd_to_oncotree(code: str) -> str | None:
    """The OncoTree code of the directory condition whose ICD-10-CM codes cover `code`."""
    from medcenter.directory.models import Condition

    wanted = code.upper().replace(".", "")
    best: tuple[int, str] | None = None
    for oncotree_code, icd_codes in Condition.objects.exclude(oncotree_code="").values_list(
        "oncotree_code", "icd10_codes"
    ):
        for icd in icd_codes or []:
            listed = str(icd).upper().replace(".", "")
            if listed and wanted.startswith(listed) and (best is None or len(listed) > best[0]):
                best = (len(listed), oncotree_code)
    return best[1] if best else None


def describe(profile: Profile) -> dict[str, Any]:
    """What the matcher knows, as plain data (for the API's answer and the pages)."""
    return {
        "age": profile.age,
        "sex": profile.sex,
        "diagnosis_codes": profile.oncotree,
        "diagnosis_terms": profile.terms,
        "stage": profile.stage,
        "metastatic": profile.metastatic,
        "biomarkers": [
            {"gene": b.gene, "classes": sorted(b.classes), "present": b.present}
            for b in profile.biomarkers
        ],
        "ecog": profile.ecog,
        "karnofsky": profile.karnofsky,
        "prior_therapies": sorted(profile.prior_therapies),
        "brain_metastases": profile.brain_metastases,
        "pregnant": profile.pregnant,
        "labs": {test: round(value, 4) for test, value in sorted(profile.labs.items())},
    }

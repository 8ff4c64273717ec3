"""Writes to the oncology record. Each one is audited against the patient it touches.

Callers have already been given access to the patient (selectors.get_patient_for); these
functions check the record's own rules: codes that exist, a stage that the staging engine
computed rather than one typed in, ranges for performance status.
"""

import io
import re
from collections.abc import Iterable, Mapping, Sequence
from datetime import date
from typing import Any, TypeVar

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.core import audit, bounds, pending_uploads
from medcenter.core.models import PendingUpload
from medcenter.oncology import labunits, staging
from medcenter.oncology.genomics import (
    Alteration,
    AlterationAnnotation,
    GenomicsParseError,
    UnknownTumorTypeError,
    default_annotator,
    read_maf,
    read_table,
    read_vcf,
)
from medcenter.oncology.models import (
    CancerDiagnosis,
    DiagnosisKind,
    GenotypingReport,
    LabResult,
    LabTest,
    MetastasisAssessment,
    PerformanceScale,
    PerformanceStatus,
    PregnancyState,
    PregnancyStatus,
    ReportFormat,
    SiteActivity,
    SiteTreatment,
    StageAssessment,
    StopReason,
    TherapySetting,
    TreatmentCourse,
    TreatmentHistoryReview,
    TumorMarker,
    Variant,
)
from medcenter.patients.models import Patient

DIAGNOSIS_FIELDS = (
    "description",
    "oncotree_code",
    "icd10_code",
    "icdo3_topography",
    "icdo3_morphology",
    "snomed_code",
    "body_site",
    "laterality",
    "histology",
    "grade",
    "diagnosed_on",
    "basis",
    "clinical_status",
    "source_identifier",
)


_Row = TypeVar("_Row", bound=models.Model)


def _audit(action: str, *, actor: Any, patient: Patient, obj: Any) -> None:
    audit.record(action=action, actor=actor, patient=patient, target=obj)


def _recorder(actor: Any) -> Any:
    """The user a row is recorded by (None for imports and the demo, which have none)."""
    return actor if getattr(actor, "pk", None) else None


def _add(model: type[_Row], action: str, *, of: Patient, actor: Any, **fields: Any) -> _Row:
    """A new row of `of`'s record, by `actor`, audited as `action`. Call it inside the
    service's atomic block: the row and its event are stored together or not at all."""
    row: _Row = model._default_manager.create(**fields, recorded_by=_recorder(actor))
    _audit(action, actor=actor, patient=of, obj=row)
    return row


def _check_codes(*, oncotree_code: str, icd10_code: str) -> None:
    from medcenter.oncology.genomics import load_oncotree

    errors: dict[str, list[str]] = {}
    if oncotree_code and not load_oncotree().knows(oncotree_code.upper()):
        errors["oncotree_code"] = [_("%(code)s is not an OncoTree code.") % {"code": oncotree_code}]
    if icd10_code:
        import simple_icd_10_cm as icd

        if not icd.is_valid_item(icd10_code.upper()):
            errors["icd10_code"] = [_("%(code)s is not an ICD-10-CM code.") % {"code": icd10_code}]
    if errors:
        raise ValidationError(errors)


@transaction.atomic
def record_diagnosis(
    *,
    patient: Patient,
    actor: Any,
    kind: str = DiagnosisKind.PRIMARY,
    primary: CancerDiagnosis | None = None,
    **fields: Any,
) -> CancerDiagnosis:
    """Record a primary cancer, or a metastatic site of one (of the only primary, unless named)."""
    unknown = set(fields) - set(DIAGNOSIS_FIELDS)
    if unknown:
        raise TypeError(f"unknown diagnosis fields: {sorted(unknown)}")
    if not str(fields.get("description", "")).strip():
        raise ValidationError({"description": [_("Name the diagnosis.")]})
    if kind == DiagnosisKind.SECONDARY and primary is not None and primary.patient_id != patient.pk:
        raise ValidationError({"primary": [_("The primary cancer belongs to another patient.")]})
    if kind == DiagnosisKind.SECONDARY and primary is None:
        # A metastatic site belongs to the patient's primary when there is only one to choose.
        primaries = list(
            CancerDiagnosis.objects.filter(patient=patient, kind=DiagnosisKind.PRIMARY)[:2]
        )
        primary = primaries[0] if len(primaries) == 1 else None
    _checked_date(fields.get("diagnosed_on"), "diagnosed_on", patient=patient)
    fields["oncotree_code"] = str(fields.get("oncotree_code", "")).strip().upper()
    fields["icd10_code"] = str(fields.get("icd10_code", "")).strip().upper()
    _check_codes(oncotree_code=fields["oncotree_code"], icd10_code=fields["icd10_code"])
    diagnosis = CancerDiagnosis(patient=patient, kind=kind, primary=primary, **fields)
    if actor is not None and getattr(actor, "pk", None):
        diagnosis.recorded_by = actor
    diagnosis.full_clean()
    diagnosis.save()
    _audit("oncology.diagnosis_recorded", actor=actor, patient=patient, obj=diagnosis)
    return diagnosis


@transaction.atomic
def stage_tumor(
    *,
    diagnosis: CancerDiagnosis,
    actor: Any,
    scheme: str,
    classification: str = "clinical",
    categories: Mapping[str, str] | None = None,
    facts: Mapping[str, object] | None = None,
    assessed_on: date,
) -> StageAssessment:
    """Stage a diagnosis with the staging engine and keep the result with its rule version.

    The engine raises StagingError (a ValidationError with a message per field) on anything
    it cannot stage; nothing is stored then.
    """
    _checked_date(assessed_on, "assessed_on", patient=diagnosis.patient)
    result = staging.stage(
        scheme=scheme, classification=classification, categories=categories, facts=facts
    )
    return _add(
        StageAssessment,
        "oncology.stage_recorded",
        of=diagnosis.patient,
        actor=actor,
        diagnosis=diagnosis,
        scheme=result.scheme,
        classification=result.classification,
        t=result.categories.get("t", ""),
        n=result.categories.get("n", ""),
        m=result.categories.get("m", ""),
        grade=result.categories.get("grade", ""),
        stage_group=result.stage_group or "",
        stage_group_note=result.stage_group_note or "",
        rule_version=result.rule_version,
        facts={k: v for k, v in (facts or {}).items() if _jsonable(v)},
        assessed_on=assessed_on,
    )


@transaction.atomic
def record_reported_stage(
    *,
    diagnosis: CancerDiagnosis,
    actor: Any,
    system: str,
    classification: str = "clinical",
    t: str = "",
    n: str = "",
    m: str = "",
    stage_group: str = "",
    assessed_on: date,
) -> StageAssessment:
    """Keep a stage as another system reported it, when medcenter has no table to compute it.

    Its rule version names the source ("reported: <system>"), so it is never mistaken for a
    stage medcenter computed.
    """
    if not (t or n or m or stage_group):
        raise ValidationError({"stage_group": [_("A reported stage needs a group or a category.")]})
    _checked_date(assessed_on, "assessed_on", patient=diagnosis.patient)
    return _add(
        StageAssessment,
        "oncology.stage_recorded",
        of=diagnosis.patient,
        actor=actor,
        diagnosis=diagnosis,
        scheme="reported",
        classification=classification,
        t=t,
        n=n,
        m=m,
        stage_group=stage_group,
        rule_version=f"reported: {system}"[:60],
        assessed_on=assessed_on,
    )


def _jsonable(value: object) -> bool:
    return isinstance(value, str | int | float | bool | list | tuple | type(None))


@transaction.atomic
def record_performance_status(
    *,
    patient: Patient,
    actor: Any,
    scale: str,
    value: int,
    observed_on: date,
) -> PerformanceStatus:
    """Record an ECOG (0-5) or Karnofsky (0-100, in tens) performance status."""
    if scale not in PerformanceScale.values:
        raise ValidationError({"scale": [_("Choose ECOG or Karnofsky.")]})
    _checked_date(observed_on, "observed_on", patient=patient)
    if scale == PerformanceScale.ECOG and not 0 <= value <= 5:
        raise ValidationError(
            {"value": [_("ECOG performance status is a whole number from 0 to 5.")]}
        )
    if scale == PerformanceScale.KARNOFSKY and (not 0 <= value <= 100 or value % 10):
        raise ValidationError(
            {"value": [_("Karnofsky performance status is 0 to 100 in steps of 10.")]}
        )
    return _add(
        PerformanceStatus,
        "oncology.performance_recorded",
        of=patient,
        actor=actor,
        patient=patient,
        scale=scale,
        value=value,
        observed_on=observed_on,
    )


def _check_date(
    day: date | None, field: str, errors: dict[str, list[str]], *, patient: Patient
) -> None:
    """A clinical date is plausible: not in the future (no field here records a plan), not
    before the patient was born, so that a typo such as 0001-01-01 or 9999-12-31 is refused
    whether it comes from a form, the API or an mCODE import."""
    if day is None:
        return
    if day > timezone.localdate():
        errors.setdefault(field, []).append(_("The date cannot be in the future."))
    elif day < max(patient.date_of_birth, bounds.EARLIEST):
        errors.setdefault(field, []).append(
            _("The date cannot be before the patient's date of birth (%(born)s).")
            % {"born": patient.date_of_birth.isoformat()}
        )


def _checked_date(day: date | None, field: str, *, patient: Patient) -> None:
    """Raise the ValidationError of `_check_date` for a service that checks nothing else."""
    errors: dict[str, list[str]] = {}
    _check_date(day, field, errors, patient=patient)
    if errors:
        raise ValidationError(errors)


_AGENT_SPLIT = re.compile(r"\s*(?:\+|,|;|/|\band\b|\bwith\b|\bplus\b)\s*", re.IGNORECASE)


def regimen_agents(regimen: str) -> list[str]:
    """The drugs of a regimen as written: "carboplatin + pemetrexed" -> both names."""
    return [a for a in (part.strip(" .()") for part in _AGENT_SPLIT.split(regimen)) if a]


@transaction.atomic
def record_treatment_course(
    *,
    patient: Patient,
    actor: Any,
    regimen: str,
    setting: str,
    started_on: date,
    line: int | None = None,
    ended_on: date | None = None,
    stop_reason: str = "",
) -> TreatmentCourse:
    """Record a course of systemic therapy. A course for advanced disease needs its line;
    a reason for stopping needs an end date."""
    regimen = " ".join(str(regimen or "").split())
    errors: dict[str, list[str]] = {}
    if not regimen:
        errors["regimen"] = [_("Name the regimen or drug.")]
    elif len(regimen) > 200:
        errors["regimen"] = [_("Keep the regimen under 200 characters.")]
    if setting not in TherapySetting.values:
        errors["setting"] = [_("Choose when the treatment was given.")]
    if line is not None and not 1 <= line <= 20:
        errors["line"] = [_("The line of therapy is a number from 1 to 20.")]
    elif line is None and setting == TherapySetting.ADVANCED:
        errors["line"] = [_("Give the line of therapy for advanced disease (1 for first line).")]
    _check_date(started_on, "started_on", errors, patient=patient)
    _check_date(ended_on, "ended_on", errors, patient=patient)
    if ended_on is not None and started_on is not None and ended_on < started_on:
        errors.setdefault("ended_on", []).append(_("The end date is before the start date."))
    stop_reason = stop_reason or ""
    if stop_reason not in StopReason.values:
        errors["stop_reason"] = [_("Choose why the treatment stopped.")]
    elif stop_reason and ended_on is None:
        errors["stop_reason"] = [_("Give the end date too, or leave the reason empty.")]
    if errors:
        raise ValidationError(errors)
    return _add(
        TreatmentCourse,
        "oncology.treatment_recorded",
        of=patient,
        actor=actor,
        patient=patient,
        regimen=regimen,
        agents=regimen_agents(regimen),
        setting=setting,
        line=line,
        started_on=started_on,
        ended_on=ended_on,
        stop_reason=stop_reason,
    )


@transaction.atomic
def confirm_treatment_history(
    *, patient: Patient, actor: Any, reviewed_on: date
) -> TreatmentHistoryReview:
    """State that the recorded courses are the patient's whole systemic-therapy history as of
    `reviewed_on` (none recorded: treatment-naive)."""
    errors: dict[str, list[str]] = {}
    _check_date(reviewed_on, "reviewed_on", errors, patient=patient)
    if errors:
        raise ValidationError(errors)
    return _add(
        TreatmentHistoryReview,
        "oncology.treatment_history_confirmed",
        of=patient,
        actor=actor,
        patient=patient,
        reviewed_on=reviewed_on,
    )


@transaction.atomic
def record_lab_result(
    *,
    patient: Patient,
    actor: Any,
    test: str,
    value: float,
    unit: str,
    observed_on: date,
    upper_limit: float | None = None,
) -> LabResult:
    """Record a laboratory result in a unit the matcher can convert (labunits)."""
    unit = str(unit or "").strip()
    errors: dict[str, list[str]] = {}
    if test not in LabTest.values:
        errors["test"] = [_("Choose the test.")]
    elif not unit and labunits.known_units(test):
        units = ", ".join(labunits.known_units(test))
        errors["unit"] = [_("Give the unit: one of %(units)s.") % {"units": units}]
    elif labunits.to_canonical(test, 1.0, unit) is None:
        units = ", ".join(u for u in labunits.known_units(test) if u) or "—"
        errors["unit"] = [
            _("%(unit)s is not a unit for this test. Use one of: %(units)s.")
            % {"unit": unit or _("No unit"), "units": units}
        ]
    if value is None or value < 0:
        errors["value"] = [_("Give a result of 0 or more.")]
    if upper_limit is not None and upper_limit <= 0:
        errors["upper_limit"] = [_("The upper limit of normal is more than 0.")]
    _check_date(observed_on, "observed_on", errors, patient=patient)
    if errors:
        raise ValidationError(errors)
    return _add(
        LabResult,
        "oncology.lab_recorded",
        of=patient,
        actor=actor,
        patient=patient,
        test=test,
        value=float(value),
        unit=unit,
        upper_limit=upper_limit,
        observed_on=observed_on,
    )


@transaction.atomic
def assess_metastatic_site(
    *,
    diagnosis: CancerDiagnosis,
    actor: Any,
    assessed_on: date,
    treatment: str = "",
    activity: str = "",
    symptomatic: bool | None = None,
) -> MetastasisAssessment:
    """Record how a metastatic site stands: treated or not, stable or growing, symptoms."""
    errors: dict[str, list[str]] = {}
    if diagnosis.kind != DiagnosisKind.SECONDARY:
        errors["__all__"] = [_("Only a metastatic site can be assessed this way.")]
    if (treatment or "") not in SiteTreatment.values:
        errors["treatment"] = [_("Choose whether the site was treated.")]
    if (activity or "") not in SiteActivity.values:
        errors["activity"] = [_("Choose whether the site is stable.")]
    if not (treatment or activity or symptomatic is not None):
        errors.setdefault("__all__", []).append(_("Say at least one thing about the site."))
    _check_date(assessed_on, "assessed_on", errors, patient=diagnosis.patient)
    if errors:
        raise ValidationError(errors)
    return _add(
        MetastasisAssessment,
        "oncology.site_assessed",
        of=diagnosis.patient,
        actor=actor,
        diagnosis=diagnosis,
        assessed_on=assessed_on,
        treatment=treatment or "",
        activity=activity or "",
        symptomatic=symptomatic,
    )


@transaction.atomic
def record_pregnancy_status(
    *, patient: Patient, actor: Any, status: str, observed_on: date
) -> PregnancyStatus:
    """Record whether the patient is pregnant or breastfeeding, as of a date."""
    errors: dict[str, list[str]] = {}
    if status not in PregnancyState.values:
        errors["status"] = [_("Choose a status.")]
    _check_date(observed_on, "observed_on", errors, patient=patient)
    if errors:
        raise ValidationError(errors)
    return _add(
        PregnancyStatus,
        "oncology.pregnancy_recorded",
        of=patient,
        actor=actor,
        patient=patient,
        status=status,
        observed_on=observed_on,
    )


@transaction.atomic
def record_tumor_marker(
    *,
    patient: Patient,
    actor: Any,
    name: str,
    value: str,
    loinc_code: str = "",
    interpretation: str = "",
    observed_on: date | None = None,
) -> TumorMarker:
    """Record a tumor marker result (HER2, ER, PSA…)."""
    if not name.strip() or not value.strip():
        raise ValidationError({"value": [_("A tumor marker needs a name and a value.")]})
    _checked_date(observed_on, "observed_on", patient=patient)
    marker = TumorMarker.objects.create(
        patient=patient,
        name=name.strip(),
        value=value.strip(),
        loinc_code=loinc_code,
        interpretation=interpretation,
        observed_on=observed_on,
    )
    _audit("oncology.marker_recorded", actor=actor, patient=patient, obj=marker)
    return marker


@transaction.atomic
def record_genotyping_report(
    *,
    patient: Patient,
    actor: Any,
    test_name: str,
    tumor_type: str,
    reported_on: date,
    alterations: Sequence[Alteration],
    source_format: str = ReportFormat.MANUAL,
    diagnosis: CancerDiagnosis | None = None,
    genes_covered: Iterable[str] = (),
    specimen: str = "",
    tumor_content_percent: int | None = None,
) -> GenotypingReport:
    """Keep a genotyping test with its alterations, annotated against the knowledge base."""
    errors: dict[str, list[str]] = {}
    if not test_name.strip():
        errors["test_name"] = [_("Name the test or panel.")]
    if tumor_content_percent is not None and not 0 <= tumor_content_percent <= 100:
        errors["tumor_content_percent"] = [_("Tumor content is a percentage from 0 to 100.")]
    _check_date(reported_on, "reported_on", errors, patient=patient)
    annotator = default_annotator()
    try:
        annotations = annotator.annotate(tumor_type=tumor_type, alterations=list(alterations))
    except UnknownTumorTypeError as error:
        errors["tumor_type"] = [str(error)]
        annotations = []
    if errors:
        raise ValidationError(errors)
    report = GenotypingReport.objects.create(
        patient=patient,
        diagnosis=diagnosis,
        test_name=test_name.strip(),
        genes_covered=sorted({g.upper() for g in genes_covered}),
        specimen=specimen,
        tumor_content_percent=tumor_content_percent,
        tumor_type=tumor_type.upper(),
        reported_on=reported_on,
        source_format=source_format,
        knowledge_version=annotator.version,
        recorded_by=_recorder(actor),
    )
    Variant.objects.bulk_create(_variant(report, a) for a in annotations)
    _audit("oncology.genotyping_recorded", actor=actor, patient=patient, obj=report)
    return report


def _variant(report: GenotypingReport, annotation: AlterationAnnotation) -> Variant:
    alteration = annotation.alteration
    protein = alteration.protein
    hotspot = annotation.hotspot
    return Variant(
        report=report,
        gene=alteration.gene,
        kind=alteration.kind.value,
        protein_change=(protein.hgvs or "") if protein else "",
        protein_short=protein.short if protein else "",
        fusion_partner=alteration.partner or "",
        classes=sorted(str(c) for c in annotation.classes),
        allele_fraction=alteration.vaf,
        copy_number=alteration.copy_number,
        hotspot=hotspot is not None,
        chromosome=getattr(alteration, "chromosome", None) or "",
        position=getattr(alteration, "position", None),
        reference=(getattr(alteration, "ref", None) or "")[:200],
        alternate=(getattr(alteration, "alt", None) or "")[:200],
        annotation={
            "sensitive": [m.as_dict() for m in annotation.sensitive],
            "resistant": [m.as_dict() for m in annotation.resistant],
            "diagnostic": [m.as_dict() for m in annotation.diagnostic],
            "hotspot": None
            if hotspot is None
            else {"residue": hotspot.residue, "type": hotspot.type, "samples": hotspot.samples},
        },
    )


MAX_PARSE_ERRORS = 20


def sniff_format(content: bytes) -> str:
    """VCF, MAF or table, told from the content, never from a file name."""
    head = content[:4096].decode("utf-8-sig", errors="replace")
    if head.startswith("##fileformat=VCF"):
        return ReportFormat.VCF
    first = next((line for line in head.splitlines() if not line.startswith("#")), "")
    if first.split("\t")[0].strip().lower() == "hugo_symbol":
        return ReportFormat.MAF
    return ReportFormat.TABLE


def import_genotyping_file(
    *,
    patient: Patient,
    actor: Any,
    content: bytes,
    test_name: str,
    tumor_type: str,
    reported_on: date,
    specimen: str = "",
    tumor_content_percent: int | None = None,
    genes_covered: Iterable[str] = (),
    diagnosis: CancerDiagnosis | None = None,
    kept: Sequence[PendingUpload] = (),
) -> GenotypingReport:
    """Read a VCF, MAF or table of results and keep it as a report; a file with unreadable
    lines is refused as a whole, with the lines named, so no report is half-imported.
    `kept` are the pending uploads the file came from, released with the report."""
    if b"\x00" in content[:4096]:
        raise ValidationError({"results": [_("This is not a text file of results.")]})
    kind = sniff_format(content)
    readers: dict[str, Any] = {
        ReportFormat.VCF: read_vcf,
        ReportFormat.MAF: read_maf,
        ReportFormat.TABLE: read_table,
    }
    problems: list[GenomicsParseError] = []
    try:
        alterations = list(readers[kind](io.BytesIO(content), errors=problems))
    except UnicodeDecodeError as error:
        raise ValidationError({"results": [_("The file is not UTF-8 text.")]}) from error
    except (GenomicsParseError, OSError, ValueError) as error:
        raise ValidationError({"results": [str(error)]}) from error
    if problems:
        shown = [str(p) for p in problems[:MAX_PARSE_ERRORS]]
        if len(problems) > MAX_PARSE_ERRORS:
            shown.append(
                _("… and %(count)d more lines.") % {"count": len(problems) - MAX_PARSE_ERRORS}
            )
        raise ValidationError({"results": shown})
    with transaction.atomic():
        report = record_genotyping_report(
            patient=patient,
            actor=actor,
            test_name=test_name,
            tumor_type=tumor_type,
            reported_on=reported_on,
            alterations=alterations,
            source_format=kind,
            diagnosis=diagnosis,
            genes_covered=genes_covered,
            specimen=specimen,
            tumor_content_percent=tumor_content_percent,
        )
        pending_uploads.release_uploads(uploads=kept)
    return report


@transaction.atomic
def release_stage_to_patient(*, stage: StageAssessment, actor: Any) -> StageAssessment:
    """Let the patient see `stage` in the Patient Gateway (a clinician's choice, audited)."""
    stage = StageAssessment.objects.select_for_update().select_related("diagnosis").get(pk=stage.pk)
    if stage.released_to_patient_at is None:
        stage.released_to_patient_at = timezone.now()
        stage.save(update_fields=["released_to_patient_at", "updated_at"])
        _audit("stage.released_to_patient", actor=actor, patient=stage.diagnosis.patient, obj=stage)
    return stage

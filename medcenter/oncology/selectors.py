"""Reads of the oncology record. Each takes a PatientAccess that patients.selectors granted
(and audited), so no read here reaches a patient the user has no basis for."""

from dataclasses import dataclass
from typing import Any
from uuid import UUID

from django.http import Http404

from medcenter.oncology.genomics.knowledge import LEVEL_RANK
from medcenter.oncology.models import (
    CancerDiagnosis,
    GenotypingReport,
    LabResult,
    PerformanceStatus,
    PregnancyStatus,
    TreatmentCourse,
    TreatmentHistoryReview,
    TumorMarker,
)
from medcenter.patients.access import PatientAccess


@dataclass
class OncologySummary:
    diagnoses: list[CancerDiagnosis]
    performance: list[PerformanceStatus]
    markers: list[TumorMarker]
    reports: list[GenotypingReport]
    treatments: list[TreatmentCourse]
    labs: list[LabResult]
    pregnancy: list[PregnancyStatus]
    history_review: TreatmentHistoryReview | None


def oncology_summary(access: PatientAccess) -> OncologySummary:
    """The patient's diagnoses with their stage history, performance status and genotype."""
    patient = access.patient
    diagnoses = list(
        CancerDiagnosis.objects.filter(patient=patient)
        .select_related("primary")
        .prefetch_related("stages", "site_assessments")
    )
    reports = list(GenotypingReport.objects.filter(patient=patient).prefetch_related("variants"))
    return OncologySummary(
        diagnoses=diagnoses,
        performance=list(PerformanceStatus.objects.filter(patient=patient)[:20]),
        markers=list(TumorMarker.objects.filter(patient=patient)[:50]),
        treatments=list(TreatmentCourse.objects.filter(patient=patient)[:50]),
        labs=list(LabResult.objects.filter(patient=patient)[:60]),
        pregnancy=list(PregnancyStatus.objects.filter(patient=patient)[:5]),
        history_review=TreatmentHistoryReview.objects.filter(patient=patient).first(),
        reports=reports,
    )


def diagnosis_of(access: PatientAccess, *, public_id: UUID | str) -> CancerDiagnosis:
    """One of this patient's diagnoses; another patient's id is simply not found."""
    found = CancerDiagnosis.objects.filter(patient=access.patient, public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def report_of(access: PatientAccess, *, public_id: UUID | str) -> GenotypingReport:
    """One of this patient's genotyping reports, with its variants."""
    found = (
        GenotypingReport.objects.filter(patient=access.patient, public_id=public_id)
        .select_related("diagnosis")
        .prefetch_related("variants")
        .first()
    )
    if found is None:
        raise Http404
    return found


def molecular_report(report: GenotypingReport) -> dict[str, Any]:
    """The report's variants ordered for a clinician: actionable first, by best level."""
    rows = []
    for variant in report.variants.all():
        sensitive = variant.annotation.get("sensitive", [])
        resistant = variant.annotation.get("resistant", [])
        best = min(
            (LEVEL_RANK.get(t.get("level", ""), len(LEVEL_RANK)) for t in sensitive),
            default=len(LEVEL_RANK),
        )
        rows.append(
            {"variant": variant, "sensitive": sensitive, "resistant": resistant, "best": best}
        )
    rows.sort(key=lambda r: (r["best"], not r["resistant"], r["variant"].gene))
    return {
        "report": report,
        "rows": rows,
        "actionable": [r for r in rows if r["sensitive"] or r["resistant"]],
        "other": [r for r in rows if not (r["sensitive"] or r["resistant"])],
    }

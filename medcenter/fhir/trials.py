"""Trials as FHIR R4: ResearchStudy (public, the catalogue) and ResearchSubject (a patient
as a trial candidate: patient data, read through the patient's access basis and audited).

ResearchStudy and ResearchSubject are the same in R4 and R4B for what is mapped here, so
fhir.resources' R4B models validate them.
"""

from __future__ import annotations

import uuid
from typing import Any

from django.db.models import Q, QuerySet
from django.http import HttpRequest
from fhir.resources.R4B.researchstudy import ResearchStudy
from fhir.resources.R4B.researchsubject import ResearchSubject

from medcenter.fhir.mappers import SYSTEM
from medcenter.fhir.scheduling import Refused, _patient_access, page_size, signed_in
from medcenter.trials.models import Candidate, CandidateStatus, OverallStatus, Trial

CTGOV = "https://clinicaltrials.gov"
# ClinicalTrials.gov's overall status -> FHIR research-study-status (R4).
STUDY_STATUS: dict[str, str] = {
    OverallStatus.NOT_YET_RECRUITING: "approved",
    OverallStatus.RECRUITING: "active",
    OverallStatus.ENROLLING_BY_INVITATION: "active",
    OverallStatus.ACTIVE_NOT_RECRUITING: "closed-to-accrual",
    OverallStatus.SUSPENDED: "temporarily-closed-to-accrual",
    OverallStatus.TERMINATED: "administratively-completed",
    OverallStatus.COMPLETED: "completed",
    OverallStatus.WITHDRAWN: "withdrawn",
}
PHASES = {
    "EARLY_PHASE1": "early-phase-1",
    "PHASE1": "phase-1",
    "PHASE2": "phase-2",
    "PHASE3": "phase-3",
    "PHASE4": "phase-4",
    "NA": "n-a",
}
# Our decision on a candidate -> FHIR research-subject-status (R4).
SUBJECT_STATUS: dict[str, str] = {
    CandidateStatus.NEW: "potential-candidate",
    CandidateStatus.CONTACTED: "candidate",
    CandidateStatus.SCREENING: "screening",
    CandidateStatus.ENROLLED: "on-study",
    CandidateStatus.INELIGIBLE: "ineligible",
    CandidateStatus.DECLINED: "not-registered",
}


def research_study(trial: Trial) -> dict[str, Any]:
    phase = PHASES.get(trial.phases[-1], "n-a") if trial.phases else "n-a"
    resource: dict[str, Any] = {
        "resourceType": "ResearchStudy",
        "id": str(trial.public_id),
        "identifier": [{"system": CTGOV, "value": trial.nct_id}],
        "title": trial.brief_title,
        "status": STUDY_STATUS.get(trial.overall_status, "active"),
        "phase": {
            "coding": [
                {
                    "system": "http://terminology.hl7.org/CodeSystem/research-study-phase",
                    "code": phase,
                }
            ]
        },
        "condition": [{"text": c} for c in trial.conditions],
        "keyword": [{"text": k} for k in trial.keywords],
        "description": trial.brief_summary or None,
        "sponsor": {"display": trial.sponsor} if trial.sponsor else None,
        "site": [{"display": s["facility"]} for s in trial.sites if s.get("facility")][:50],
    }
    if trial.principal_investigator:
        resource["principalInvestigator"] = {
            "reference": f"Practitioner/{trial.principal_investigator.public_id}"
        }
    if trial.eligibility_criteria:
        resource["enrollment"] = [{"display": "Eligibility criteria: see the registry record"}]
    return _valid(ResearchStudy, resource)


def research_subject(candidate: Candidate) -> dict[str, Any]:
    return _valid(
        ResearchSubject,
        {
            "resourceType": "ResearchSubject",
            "id": str(candidate.public_id),
            "identifier": [
                {"system": f"{SYSTEM}/trial-candidate", "value": str(candidate.public_id)}
            ],
            "status": SUBJECT_STATUS.get(candidate.status, "candidate"),
            "study": {
                "reference": f"ResearchStudy/{candidate.trial.public_id}",
                "display": candidate.trial.nct_id,
            },
            "individual": {"reference": f"Patient/{candidate.patient.public_id}"},
        },
    )


def _valid(model: Any, resource: dict[str, Any]) -> dict[str, Any]:
    clean = {k: v for k, v in resource.items() if v not in (None, [], "")}
    return dict(model.model_validate(clean).model_dump(mode="json", exclude_none=True))


# --- ResearchStudy: public, through the generic views ---------------------------------------


FOR_STAFF = "Trial candidates are for staff who work with trials."


def studies() -> QuerySet[Trial]:
    return Trial.objects.select_related("principal_investigator")


STUDY_SEARCH = {
    "identifier": lambda qs, v: qs.filter(nct_id__iexact=v.split("|")[-1]),
    "title": lambda qs, v: qs.filter(brief_title__icontains=v),
    "status": lambda qs, v: qs.filter(
        overall_status__in=[k for k, s in STUDY_STATUS.items() if s in v.split(",")]
    ),
    "keyword": lambda qs, v: qs.filter(Q(keywords__icontains=v) | Q(conditions__icontains=v)),
}


# --- ResearchSubject: patient data ------------------------------------------------------------


def _subject_reader(request: HttpRequest) -> Any:
    user = signed_in(request)
    if not (user.is_staff and user.has_perm("trials.view_trial")):
        raise Refused(403, "forbidden", "Your role does not include trial candidates.")
    return user


def read_subject(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    user = _subject_reader(request)
    try:
        key = uuid.UUID(resource_id)
    except ValueError:
        raise Refused(404, "not-found", "No such resource.") from None
    candidate = Candidate.objects.select_related("trial", "patient").filter(public_id=key).first()
    if candidate is None:
        raise Refused(404, "not-found", "No such resource.")
    _patient_access(
        user,
        request,
        candidate.patient.public_id,
        action="trial_candidate.viewed",
        staff_only=True,
    )
    return research_subject(candidate)


def search_subjects(request: HttpRequest) -> dict[str, Any]:
    """One patient's trial candidacies: `patient=Patient/<id>` is required."""
    user = _subject_reader(request)
    params = request.GET
    unknown = set(params) - {"patient", "_count", "_format"}
    if unknown:
        raise Refused(400, "not-supported", f"Unknown search parameter: {sorted(unknown)[0]}")
    raw = params.get("patient", "").split("/")[-1]
    try:
        patient_id = uuid.UUID(raw)
    except ValueError:
        raise Refused(400, "required", "Name the patient: patient=Patient/<id>.") from None
    access = _patient_access(
        user, request, patient_id, action="trial_candidate.searched", staff_only=True
    )
    count = page_size(params, cap=100)
    rows = Candidate.objects.filter(patient=access.patient).select_related("trial", "patient")
    entries = [research_subject(c) for c in rows.order_by("-score")[:count]]
    return {
        "resourceType": "Bundle",
        "type": "searchset",
        "total": rows.count(),
        "entry": [
            {
                "fullUrl": request.build_absolute_uri(f"/fhir/R4/ResearchSubject/{e['id']}"),
                "resource": e,
                "search": {"mode": "match"},
            }
            for e in entries
        ],
    }


CAPABILITIES = [
    {
        "type": "ResearchSubject",
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [
            {"name": "patient", "type": "reference"},
            {"name": "_count", "type": "number"},
        ],
    }
]

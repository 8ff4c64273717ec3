"""Clinical trials as JSON under /api/v1/trials/.

GET  search            search the catalogue (condition, gene, phase, status, age, program)
GET  {nct_id}          one trial with its structured criteria
POST match             rank the open trials for a patient profile, every criterion explained

`match` keeps nothing: the profile is evaluated and forgotten (no storage, no logging of its
content). It is open to anyone, as the public pre-screen is, and throttled per client.
"""

from __future__ import annotations

from typing import Annotated, Any, Literal

from django.core.exceptions import ValidationError
from django.http import Http404, HttpRequest
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from pydantic import StringConstraints, ValidationInfo, field_validator

from medcenter.core.problems import errors
from medcenter.core.throttle import AnonRateThrottle, AuthRateThrottle
from medcenter.oncology import labunits
from medcenter.trials import profiles, selectors
from medcenter.trials.eligibility.labs import LAB_TESTS
from medcenter.trials.importer import NCT_ID
from medcenter.trials.models import Trial

router = Router(tags=["trials"])
Code = Annotated[str, StringConstraints(min_length=1, max_length=20)]
Word = Annotated[str, StringConstraints(min_length=1, max_length=80)]
MAX_RESULTS = 100


class CriterionOut(Schema):
    section: str
    kind: str
    criterion: str
    outcome: Literal["met", "not_met", "unknown"]
    evidence: str


class TrialSummary(Schema):
    nct_id: str
    title: str
    phases: list[str]
    overall_status: str
    local_status: str
    conditions: list[str]
    program: str | None = None
    url: str


class MatchOut(Schema):
    trial: TrialSummary
    score: float = Field(..., description="0-100: criteria met against those still unknown")
    text_relevance: float | None = Field(
        None, description="0-100: how well the trial's text fits the note, among these trials"
    )
    eligible: bool = Field(..., description="False when a criterion is not met")
    met: int
    not_met: int
    unknown: int
    criteria: list[CriterionOut]


class MatchesOut(Schema):
    profile_read: dict[str, Any] = Field(
        ..., description="What the matcher understood, from the fields and the note"
    )
    matches: list[MatchOut]


class BiomarkerIn(Schema):
    gene: str = Field(..., min_length=2, max_length=15, pattern=r"^[A-Za-z0-9-]+$")
    alteration: str = Field("", max_length=60, description='e.g. "L858R", "exon 19 deletion"')
    classes: list[Word] = Field(default_factory=list, max_length=10)
    present: bool = True


class LabIn(Schema):
    test: str = Field(..., json_schema_extra={"enum": list(LAB_TESTS)})
    value: float = Field(..., ge=0, le=1e7)
    unit: str = Field(
        "",
        max_length=20,
        description='e.g. "g/dL", "10^9/L", "/mm3", "umol/L", "U/L"; empty for INR',
    )
    uln: float | None = Field(
        None, gt=0, le=1e7, description="The lab's upper limit of normal, in the same unit"
    )

    @field_validator("test")
    @classmethod
    def test_known(cls, test: str) -> str:
        if test not in LAB_TESTS:
            raise ValueError(f"unknown test {test!r}; use one of: {', '.join(LAB_TESTS)}")
        return test

    @field_validator("unit")
    @classmethod
    def unit_known(cls, unit: str, info: ValidationInfo) -> str:
        test = info.data.get("test")
        if test and labunits.to_canonical(test, 1.0, unit) is None:
            units = ", ".join(labunits.known_units(test)) or "none"
            raise ValueError(f"unit {unit!r} is not known for {test}; use one of: {units}")
        return unit


class ProfileIn(Schema):
    age: float | None = Field(None, ge=0, le=120)
    sex: Literal["female", "male"] | None = None
    diagnosis_codes: list[Code] = Field(
        default_factory=list, max_length=10, description="OncoTree codes or ICD-10-CM codes"
    )
    stage: str | None = Field(
        None, max_length=10, pattern=r"^(?i:stage\s*)?(0|I{1,3}|IV)[A-Ca-c]?\d?$"
    )
    metastatic: bool | None = None
    biomarkers: list[BiomarkerIn] = Field(default_factory=list, max_length=30)
    tested_genes: list[Code] = Field(default_factory=list, max_length=200)
    ecog: int | None = Field(None, ge=0, le=5)
    karnofsky: int | None = Field(None, ge=0, le=100)
    prior_therapies: list[Word] | None = Field(None, max_length=30)
    prior_lines: int | None = Field(None, ge=0, le=20)
    brain_metastases: bool | None = None
    pregnant: bool | None = None
    labs: list[LabIn] = Field(default_factory=list, max_length=20)
    note: str = Field("", max_length=20_000, description="Free text; may be the only field")
    limit: int = Field(20, ge=1, le=MAX_RESULTS)
    include_ineligible: bool = False


def summary(trial: Trial, request: HttpRequest) -> dict[str, Any]:
    return {
        "nct_id": trial.nct_id,
        "title": trial.brief_title,
        "phases": trial.phases,
        "overall_status": trial.overall_status,
        "local_status": trial.local_status,
        "conditions": trial.conditions,
        "program": trial.program.slug if trial.program else None,
        "url": request.build_absolute_uri(f"/en/trials/{trial.nct_id}/"),
    }


@router.post(
    "match",
    response={200: MatchesOut, **errors(400, 429)},
    auth=None,
    throttle=[AnonRateThrottle("60/m"), AuthRateThrottle("240/m")],
    summary="Rank the open trials for a patient profile",
)
def match(request: HttpRequest, payload: ProfileIn) -> dict[str, Any]:
    """Rank the open trials; each criterion met, not met or unknown, with the evidence used.

    A profile with only a `note` works: age, sex, diagnosis, stage, biomarkers, ECOG and
    brain metastases are read from the text. Fields given explicitly win over the note.
    """
    data = payload.dict()
    given = {k: v for k, v in data.items() if k not in ("limit", "include_ineligible")}
    if all(v in (None, "", []) for v in given.values()):
        raise ValidationError(_("Give at least a note or one profile field."))
    profile = profiles.profile_from_payload(data)
    ranked = selectors.match_open_trials(
        profile,
        note=payload.note,
        limit=payload.limit,
        include_ineligible=payload.include_ineligible,
    )
    return {
        "profile_read": profiles.describe(profile),
        "matches": [
            {
                "trial": summary(r.trial, request),
                "score": r.match.score,
                "text_relevance": r.match.text_relevance,
                "eligible": r.match.eligible,
                "met": r.match.met,
                "not_met": r.match.not_met,
                "unknown": r.match.unknown,
                "criteria": [v.as_dict() for v in r.match.verdicts],
            }
            for r in ranked
        ],
    }


class SearchIn(Schema):
    condition: str = Field("", max_length=100)
    gene: str = Field("", max_length=40)
    phase: Literal["", "EARLY_PHASE1", "PHASE1", "PHASE2", "PHASE3", "PHASE4"] = ""
    status: Literal["open", "all"] = "open"
    age: float | None = Field(None, ge=0, le=120)
    program: str = Field("", max_length=60)
    new_this_month: bool = False
    q: str = Field("", max_length=200)


@router.get(
    "search",
    response={200: list[TrialSummary], **errors(400)},
    auth=None,
    summary="Search the trial catalogue",
)
def search(request: HttpRequest, filters: Query[SearchIn]) -> list[dict[str, Any]]:
    found = selectors.search_trials(
        selectors.SearchQuery(
            text=filters.q,
            condition=filters.condition,
            gene=filters.gene,
            phase=filters.phase,
            status=filters.status,
            age=filters.age,
            program=filters.program,
            new_this_month=filters.new_this_month,
        )
    )
    return [summary(t, request) for t in found[:MAX_RESULTS]]


class StructuredCriterion(Schema):
    section: str
    kind: str
    source: str
    params: dict[str, Any]
    origin: str


class TrialOut(TrialSummary):
    brief_summary: str
    eligibility_criteria: str
    minimum_age_years: float | None
    maximum_age_years: float | None
    sex: str
    criteria: list[StructuredCriterion]


@router.get("{nct_id}", response={200: TrialOut, **errors(404)}, auth=None, summary="One trial")
def read(request: HttpRequest, nct_id: str) -> dict[str, Any]:
    found = Trial.objects.select_related("program").filter(nct_id=nct_id.upper())
    trial = found.first() if NCT_ID.match(nct_id.upper()) else None
    if trial is None:
        raise Http404(_("No trial with this NCT number."))
    return {
        **summary(trial, request),
        "brief_summary": trial.brief_summary,
        "eligibility_criteria": trial.eligibility_criteria,
        "minimum_age_years": trial.minimum_age_years,
        "maximum_age_years": trial.maximum_age_years,
        "sex": trial.sex,
        "criteria": [
            {
                "section": c.section,
                "kind": c.kind,
                "source": c.source,
                "params": c.params,
                "origin": c.origin,
            }
            for c in trial.criteria.filter(is_active=True)
        ],
    }

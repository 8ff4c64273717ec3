"""Quality as JSON under /api/v1/quality/.

GET measures                                  public measures, definitions, benchmarks
GET measures/{code}/values?month&stratifier   published figures, overall or by stratum
GET entries?measure=                          entered figures (analysts only)

Public reads get published, suppressed figures only (cells.py).
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.http import Http404, HttpRequest
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.security import SessionAuth

from medcenter.core.problems import errors
from medcenter.patients.access import is_mfa_verified
from medcenter.quality import selectors
from medcenter.quality.models import Measure


class Analyst(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if not (
            user.is_staff and is_mfa_verified(user) and user.has_perm("quality.view_dashboard")
        ):
            raise PermissionDenied(_("Your role does not include quality figures."))
        return user


router = Router(tags=["quality"])


class BenchmarkOut(Schema):
    value: float
    source: str
    year: int
    demo: bool


class TextLanguagesOut(Schema):
    """The language each text is given in: the request's, or "en" where it fell back."""

    name: str
    definition: str
    explanation: str


class MeasureOut(Schema):
    code: str
    version: int
    name: str
    languages: TextLanguagesOut
    aim: str
    kind: str
    direction: str
    source: str
    target: float | None
    unit: str
    definition: str
    numerator: str
    denominator: str
    exclusions: str
    explanation: str
    steward: str
    after: str
    measured: bool
    benchmarks: list[BenchmarkOut]


class MeasuresOut(Schema):
    measures: list[MeasureOut]


class ValueOut(Schema):
    month: str
    stratifier: str
    stratum: str
    value: float | None
    low: float | None
    high: float | None
    numerator: float | None
    denominator: float | None
    suppressed: bool


class ValuesOut(Schema):
    measure: str
    values: list[ValueOut]


class ValuesIn(Schema):
    month: str | None = Field(None, max_length=7, description="YYYY-MM; default every month")
    stratifier: str | None = Field(
        None,
        max_length=12,
        description="language, sex, age-band, area or program (where a measure has programs); "
        "default overall",
    )


class EntryOut(Schema):
    id: UUID
    measure: str
    month: str
    numerator: int
    denominator: float
    source_filename: str
    corrects: UUID | None
    reason: str
    entered_at: str


class EntriesOut(Schema):
    entries: list[EntryOut]


class EntriesIn(Schema):
    measure: str | None = Field(None, max_length=60)


@router.get("/measures", response={200: MeasuresOut}, auth=None, summary="Public measures")
def list_measures(request: HttpRequest) -> Any:
    language = get_language()
    views = selectors.measure_views(language=language, public_only=True)
    return {
        "measures": [
            {
                "code": v.measure.code,
                "version": v.version.number,
                "name": v.name,
                "languages": {
                    "name": v.name_lang or language,
                    "definition": v.definition_lang or language,
                    "explanation": v.explanation_lang or language,
                },
                "aim": v.measure.aim,
                "kind": v.measure.kind,
                "direction": v.measure.direction,
                "source": v.measure.source,
                "target": v.measure.target,
                "unit": v.measure.unit,
                "definition": v.definition,
                "numerator": v.version.numerator,
                "denominator": v.version.denominator,
                "exclusions": v.version.exclusions,
                "explanation": v.explanation,
                "steward": v.measure.steward,
                "after": v.measure.after,
                "measured": v.measured,
                "benchmarks": [
                    {"value": b.value, "source": b.source, "year": b.year, "demo": b.is_demo}
                    for b in v.benchmarks
                ],
            }
            for v in views
        ]
    }


@router.get(
    "/measures/{code}/values",
    response={200: ValuesOut, **errors(400, 404)},
    auth=None,
    summary="Published values of one measure",
)
def measure_values(request: HttpRequest, code: str, query: Query[ValuesIn]) -> Any:
    month = selectors.parse_month(query.month)
    stratifier = selectors.stratifier_code(query.stratifier)
    try:
        values = selectors.published_values(code=code, month=month, stratifier=stratifier)
    except Measure.DoesNotExist:
        raise Http404 from None
    return {"measure": code, "values": values}


@router.get(
    "/entries",
    response={200: EntriesOut, **errors(400, 401, 403)},
    auth=Analyst(),
    summary="Entered figures (analysts)",
)
def list_entries(request: HttpRequest, query: Query[EntriesIn]) -> Any:
    entries = selectors.entries(measure_code=query.measure or "")
    return {
        "entries": [
            {
                "id": e.public_id,
                "measure": e.measure.code,
                "month": f"{e.month:%Y-%m}",
                "numerator": e.numerator,
                "denominator": e.denominator,
                "source_filename": e.source_filename,
                "corrects": e.corrects.public_id if e.corrects else None,
                "reason": e.reason,
                "entered_at": e.created_at.isoformat(),
            }
            for e in entries
        ]
    }

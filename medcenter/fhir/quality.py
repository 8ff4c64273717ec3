"""Quality measures as FHIR R4: Measure (populations, stratifiers, improvementNotation) and
summary MeasureReport per published month, public and suppressed like every other surface.

Measure and MeasureReport are the same in R4 and R4B for what is mapped here, so
fhir.resources' R4B models validate them.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Iterable
from datetime import date
from typing import Any

from django.db.models import QuerySet

from medcenter.quality import cells
from medcenter.quality.models import Kind, Measure, Snapshot, SnapshotStatus
from medcenter.quality.points import Point
from medcenter.quality.services.measures import BY_PROGRAM

BASE = "https://medcenter.example/fhir/Measure/"
SCORING = "http://terminology.hl7.org/CodeSystem/measure-scoring"
IMPROVEMENT = "http://terminology.hl7.org/CodeSystem/measure-improvement-notation"
POPULATION = "http://terminology.hl7.org/CodeSystem/measure-population"
TRANSLATION = "http://hl7.org/fhir/StructureDefinition/translation"
STRATIFIERS = {
    "language": "Preferred language",
    "sex": "Administrative sex",
    "age-band": "Age band (0-17, 18-39, 40-64, 65-74, 75+)",
    "area": "3-digit ZIP code, or the country abroad",
}
_SCORING: dict[str, str] = {
    Kind.PROPORTION: "proportion",
    Kind.MEDIAN: "continuous-variable",
    Kind.RATIO: "ratio",
    Kind.RATE: "ratio",
}


def _concept(system: str, code: str) -> dict[str, Any]:
    return {"coding": [{"system": system, "code": code}]}


def _improvement(measure: Measure) -> dict[str, Any]:
    return _concept(IMPROVEMENT, "increase" if measure.direction == "higher" else "decrease")


def _translations(translations: Any, field: str) -> list[dict[str, Any]]:
    """The core `translation` extension, one per language with this text translated."""
    found = []
    for language, texts in sorted((translations or {}).items()):
        text = texts.get(field) if isinstance(texts, dict) else None
        if text:
            found.append(
                {
                    "url": TRANSLATION,
                    "extension": [
                        {"url": "lang", "valueCode": _bcp47(language)},
                        {"url": "content", "valueString": str(text)},
                    ],
                }
            )
    return found


def _bcp47(language: str) -> str:
    """Django's codes (pt-br, zh-hans) as BCP 47 tags (pt-BR, zh-Hans)."""
    base, _sep, region = language.partition("-")
    if not region:
        return base
    return f"{base}-{region.upper() if len(region) == 2 else region.title()}"


def measures() -> QuerySet[Measure]:
    return Measure.objects.filter(is_public=True).prefetch_related("versions")


def measure(obj: Measure) -> dict[str, Any]:
    version = max(obj.versions.all(), key=lambda v: v.number)
    populations = [
        ("initial-population", version.denominator),
        ("denominator", version.denominator),
        ("numerator", version.numerator),
    ]
    if version.exclusions:
        populations.append(("denominator-exclusion", version.exclusions))
    stratify = obj.source == "computed" and obj.code != "slot-fill"
    group: dict[str, Any] = {
        "population": [
            {
                "code": _concept(POPULATION, code),
                "description": text,
                "criteria": {"language": "text/plain", "expression": text},
            }
            for code, text in populations
        ]
    }
    if stratify:
        stratifiers = dict(STRATIFIERS)
        if obj.code in BY_PROGRAM:
            stratifiers["program"] = "The program the referral or tumor board belongs to"
        group["stratifier"] = [
            {
                "code": {"text": code},
                "description": text,
                "criteria": {"language": "text/plain", "expression": code},
            }
            for code, text in stratifiers.items()
        ]
    resource: dict[str, Any] = {
        "resourceType": "Measure",
        "id": str(obj.public_id),
        "url": BASE + obj.code,
        "identifier": [{"system": BASE, "value": obj.code}],
        "version": str(version.number),
        "title": version.name,
        "status": "active",
        "description": version.definition,
        "purpose": version.explanation,
        "publisher": obj.steward,
        "scoring": _concept(SCORING, _SCORING[obj.kind]),
        "improvementNotation": _improvement(obj),
        "group": [group],
    }
    for field, element in (
        ("name", "title"),
        ("definition", "description"),
        ("explanation", "purpose"),
    ):
        translated = _translations(version.translations, field)
        if translated:
            resource[f"_{element}"] = {"extension": translated}
    if obj.after:
        resource["relatedArtifact"] = [{"type": "derived-from", "display": obj.after}]
    return resource


MEASURE_SEARCH = {
    "identifier": lambda qs, v: qs.filter(code=v.split("|")[-1]),
    "url": lambda qs, v: qs.filter(code=v.removeprefix(BASE)),
    "title": lambda qs, v: qs.filter(versions__name__icontains=v),
}


def reports() -> QuerySet[Snapshot]:
    return Snapshot.objects.filter(
        status=SnapshotStatus.PUBLISHED,
        stratifier="",
        stratum="",
        version__measure__is_public=True,
    ).select_related("version__measure")


def _populations(point: Point) -> list[dict[str, Any]]:
    if point.suppressed or point.denominator is None:
        return []
    counts = [("initial-population", point.denominator), ("denominator", point.denominator)]
    if point.numerator is not None:
        counts.append(("numerator", point.numerator))
    return [{"code": _concept(POPULATION, code), "count": round(count)} for code, count in counts]


def _scored(target: dict[str, Any], point: Point) -> dict[str, Any]:
    populations = _populations(point)
    if populations:
        target["population"] = populations
    if point.value is not None and not point.suppressed:
        target["measureScore"] = {"value": round(point.value, 6)}
    return target


def _point(snap: Snapshot) -> Point:
    return Point(snap.month, snap.value, snap.low, snap.high, snap.numerator, snap.denominator)


def measure_reports(page: Iterable[Snapshot]) -> list[dict[str, Any]]:
    """Summary reports for a page of overall snapshots, with their strata in one query."""
    page = list(page)
    strata: dict[tuple[int, Any], list[Snapshot]] = defaultdict(list)
    if page:
        for snap in Snapshot.objects.filter(
            status=SnapshotStatus.PUBLISHED,
            version__in={s.version_id for s in page},
            month__in={s.month for s in page},
        ):
            strata[(snap.version_id, snap.month)].append(snap)
    return [_report(snap, strata.get((snap.version_id, snap.month), [snap])) for snap in page]


def measure_report(snap: Snapshot) -> dict[str, Any]:
    return measure_reports([snap])[0]


def _report(overall: Snapshot, rows: list[Snapshot]) -> dict[str, Any]:
    obj = overall.version.measure
    shown = cells.publishable_strata(obj, rows)
    total = next(
        (r.point for r in shown if not r.stratifier), cells.publishable_point(obj, _point(overall))
    )
    group = _scored({}, total)
    by_stratifier: dict[str, list[Any]] = defaultdict(list)
    for row in shown:
        if row.stratifier:
            by_stratifier[row.stratifier].append(row)
    if by_stratifier:
        group["stratifier"] = [
            {
                "code": [{"text": code}],
                "stratum": [
                    _scored({"value": {"text": row.stratum}}, row.point)
                    for row in by_stratifier[code]
                ],
            }
            for code in sorted(by_stratifier)
        ]
    month = overall.month
    end = month.replace(day=calendar.monthrange(month.year, month.month)[1])
    return {
        "resourceType": "MeasureReport",
        "id": str(overall.public_id),
        "status": "complete",
        "type": "summary",
        "measure": BASE + obj.code,
        "date": f"{month:%Y-%m-%d}",
        "period": {"start": f"{month:%Y-%m-%d}", "end": f"{end:%Y-%m-%d}"},
        "improvementNotation": _improvement(obj),
        "group": [group],
    }


REPORT_SEARCH = {
    "measure": lambda qs, v: qs.filter(version__measure__code=v.removeprefix(BASE)),
    "period": lambda qs, v: _in_month(qs, v),
}


def _in_month(qs: QuerySet[Snapshot], value: str) -> QuerySet[Snapshot]:
    try:
        year, month = value[:7].split("-")
        return qs.filter(month=date(int(year), int(month), 1))
    except ValueError:
        return qs.none()


CAPABILITIES: list[dict[str, Any]] = []

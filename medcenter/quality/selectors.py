"""Reads of the quality app: the public page, the dashboard, the API and the exports.

Nothing here reads a patient: snapshots hold counts per stratum. Every surface shows figures
only after `cells.publishable` (the CMS cell-size policy, suppression.suppress)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.core.exceptions import ValidationError
from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from medcenter.quality import cells
from medcenter.quality.models import (
    Aim,
    Benchmark,
    Entry,
    Measure,
    MeasureVersion,
    Publication,
    Snapshot,
    SnapshotStatus,
    Source,
    Stratifier,
)
from medcenter.quality.points import Point, StratumRow
from medcenter.quality.services import measures as computations

STRATIFIER_CODES = ("language", "sex", "age-band", "area", "program")


def parse_month(value: str | None) -> date | None:
    """A YYYY-MM string as the month's first day; ValidationError for anything else."""
    if not value:
        return None
    try:
        year, month = value.split("-")
        if len(year) != 4 or len(month) != 2:
            raise ValueError
        return date(int(year), int(month), 1)
    except ValueError:
        raise ValidationError({"month": _("Give the month as YYYY-MM.")}) from None


def stratifier_code(value: str | None) -> str:
    """An allow-listed stratifier code ('' for everyone); ValidationError otherwise."""
    if not value:
        return ""
    if value not in STRATIFIER_CODES:
        raise ValidationError({"stratifier": _("Unknown stratifier.")})
    return value


@dataclass
class MeasureView:
    measure: Measure
    version: MeasureVersion
    name: str
    definition: str
    explanation: str
    measured: bool
    points: list[Point] = field(default_factory=list)
    benchmarks: list[Benchmark] = field(default_factory=list)
    # "en" where the text fell back to English (marked lang="en" on pages), else "".
    name_lang: str = ""
    definition_lang: str = ""
    explanation_lang: str = ""
    # The untranslated wording (numerator, denominator, exclusions): "en" unless the page is.
    source_lang: str = ""

    @property
    def latest(self) -> Point | None:
        return self.points[-1] if self.points else None


def english_unless(language: str) -> str:
    """ "en" for wording kept only in English on a page in another language, else ""."""
    return "" if language == "en" or language.startswith("en-") else "en"


def _versions() -> dict[int, MeasureVersion]:
    """Each measure's current version (with its measure), in the measures' order: one query,
    however many versions earlier edits left behind."""
    newest = (
        MeasureVersion.objects.filter(measure=OuterRef("measure"))
        .order_by("-number")
        .values("number")[:1]
    )
    versions = (
        MeasureVersion.objects.filter(number=Subquery(newest))
        .select_related("measure")
        .order_by("measure__order", "measure__code")
    )
    return {version.measure_id: version for version in versions}


def _is_measured(measure: Measure) -> bool:
    return measure.source == Source.ENTERED or computations.is_measured(measure.code)


def measure_views(
    *, language: str, public_only: bool, status: str | None = SnapshotStatus.PUBLISHED
) -> list[MeasureView]:
    """Every measure with its overall series (published only unless `status` is None)."""
    versions = _versions()
    measures = [version.measure for version in versions.values()]
    if public_only:
        measures = [m for m in measures if m.is_public]
    benchmarks: dict[int, list[Benchmark]] = defaultdict(list)
    for benchmark in Benchmark.objects.filter(measure__in=measures):
        benchmarks[benchmark.measure_id].append(benchmark)
    snapshots = Snapshot.objects.filter(version__measure__in=measures, stratifier="", stratum="")
    if status is not None:
        snapshots = snapshots.filter(status=status)
    series: dict[int, list[Point]] = defaultdict(list)
    # Plain tuples: the page reads a few numbers per month, not model instances.
    for measure_id, month, value, low, high, numerator, denominator in snapshots.order_by(
        "month"
    ).values_list(
        "version__measure_id", "month", "value", "low", "high", "numerator", "denominator"
    ):
        series[measure_id].append(Point(month, value, low, high, numerator, denominator))
    views = []
    for measure in measures:
        version = versions[measure.pk]
        points = [cells.publishable_point(measure, p) for p in series.get(measure.pk, [])]
        name, name_lang = version.text_in("name", language)
        definition, definition_lang = version.text_in("definition", language)
        explanation, explanation_lang = version.text_in("explanation", language)
        views.append(
            MeasureView(
                measure=measure,
                version=version,
                name=name,
                definition=definition,
                explanation=explanation,
                measured=_is_measured(measure),
                points=points,
                benchmarks=benchmarks.get(measure.pk, []),
                name_lang=name_lang,
                definition_lang=definition_lang,
                explanation_lang=explanation_lang,
                source_lang=english_unless(language),
            )
        )
    return views


def public_overview(*, language: str) -> list[tuple[str, Any, list[MeasureView]]]:
    """The public page: public measures by aim, published figures only."""
    views = measure_views(language=language, public_only=True)
    by_aim: dict[str, list[MeasureView]] = defaultdict(list)
    for view in views:
        by_aim[view.measure.aim].append(view)
    return [(aim, label, by_aim[aim]) for aim, label in Aim.choices if by_aim.get(aim)]


def strata_for(
    *, measure: Measure, month: date, stratifier: str, published_only: bool
) -> list[StratumRow]:
    """One measure's strata for a month under an allow-listed stratifier, suppressed."""
    stratifier = stratifier_code(stratifier)
    rows = Snapshot.objects.filter(version__measure=measure, month=month)
    if published_only:
        rows = rows.filter(status=SnapshotStatus.PUBLISHED)
    if stratifier:
        rows = rows.filter(stratifier__in=["", stratifier])
    else:
        rows = rows.exclude(stratifier="")
    listed = list(rows.order_by("stratifier", "stratum"))
    return cells.publishable_strata(measure, listed)


@dataclass
class Dashboard:
    month: date | None
    months: list[date]
    published: set[date]
    stratifier: str
    stratifiers: list[Stratifier]
    views: list[MeasureView]
    strata: dict[str, list[StratumRow]]
    flags: list[tuple[MeasureView, StratumRow]]
    entries: list[Entry]


def dashboard(*, language: str, month: date | None, stratifier: str) -> Dashboard:
    """The analysts' dashboard: every measure, drafts included, with a month's strata."""
    stratifier = stratifier_code(stratifier)
    months = sorted(set(Snapshot.objects.values_list("month", flat=True)), reverse=True)
    if month is None and months:
        month = months[0]
    views = measure_views(language=language, public_only=False, status=None)
    strata: dict[str, list[StratumRow]] = {}
    flags: list[tuple[MeasureView, StratumRow]] = []
    if month is not None:
        for view in views:
            rows = strata_for(
                measure=view.measure, month=month, stratifier=stratifier, published_only=False
            )
            strata[view.measure.code] = rows
            flags += [(view, row) for row in rows if row.flagged]
    return Dashboard(
        month=month,
        months=months,
        published=set(Publication.objects.values_list("month", flat=True)),
        stratifier=stratifier,
        stratifiers=list(Stratifier.objects.filter(is_active=True)),
        views=views,
        strata=strata,
        flags=flags,
        entries=list(
            Entry.objects.select_related("measure", "corrects").order_by("-created_at")[:50]
        ),
    )


def entered_measures() -> list[Measure]:
    return list(Measure.objects.filter(source=Source.ENTERED))


def get_measure(*, code: str) -> Measure:
    measure = Measure.objects.filter(code=code).first()
    if measure is None:
        raise Measure.DoesNotExist
    return measure


def get_entry(*, public_id: str) -> Entry:
    return Entry.objects.select_related("measure").get(public_id=public_id)


def stratum_labels(rows: list[StratumRow], *, language: str) -> dict[tuple[str, str], str]:
    """Every row's stratum as people read it, with programs' names in `language` (one query
    for all of them, whatever the number of rows)."""
    slugs = {row.stratum for row in rows if row.stratifier == "program"} - {"unknown"}
    programs: dict[str, str] = {}
    if slugs:
        from medcenter.directory.models import Program

        programs = {
            program.slug: str(program.localized("name", language))
            for program in Program.objects.filter(slug__in=slugs)
        }
    labels = {}
    for row in rows:
        if row.stratifier == "program" and row.stratum in programs:
            labels[(row.stratifier, row.stratum)] = programs[row.stratum]
        else:
            labels[(row.stratifier, row.stratum)] = stratum_label(row.stratifier, row.stratum)
    return labels


def stratum_label(stratifier: str, stratum: str) -> str:
    """A stratum as people read it (a language's name, a sex); codes are never free text."""
    from medcenter.patients.models import PATIENT_LANGUAGES, Sex

    if stratifier == "language":
        return str(dict(PATIENT_LANGUAGES).get(stratum, stratum))
    if stratifier == "sex":
        return str(dict(Sex.choices).get(stratum, stratum))
    if stratum == "unknown":
        return _("Not recorded")
    return stratum


@dataclass
class CsvTable:
    filename: str
    header: list[str]
    rows: list[list[Any]]


def measure_month_csv(*, code: str, month: date, published_only: bool) -> CsvTable:
    """One measure's month, overall and by stratum, as CSV rows; small cells left empty."""
    measure = get_measure(code=code)
    overall = measure_views(
        language="en",
        public_only=published_only,
        status=SnapshotStatus.PUBLISHED if published_only else None,
    )
    found = [v for v in overall if v.measure.pk == measure.pk]
    if not found:
        raise Measure.DoesNotExist
    view = found[0]
    rows: list[list[Any]] = []
    for point in view.points:
        if point.month == month:
            rows.append(["", "", *_cells(point)])
    for row in strata_for(
        measure=measure, month=month, stratifier="", published_only=published_only
    ):
        rows.append([row.stratifier, row.stratum, *_cells(row.point)])
    if not rows:
        raise Measure.DoesNotExist
    return CsvTable(
        filename=f"{measure.code}-{month:%Y-%m}.csv",
        header=[
            "stratifier",
            "stratum",
            "month",
            "value",
            "low",
            "high",
            "numerator",
            "denominator",
            "suppressed",
        ],
        rows=rows,
    )


def _cells(point: Point) -> list[Any]:
    def number(value: float | None) -> str:
        return "" if value is None else f"{value:.6g}"

    return [
        f"{point.month:%Y-%m}",
        number(point.value),
        number(point.low),
        number(point.high),
        number(point.numerator),
        number(point.denominator),
        "yes" if point.suppressed else "no",
    ]


def published_values(*, code: str, month: date | None, stratifier: str) -> list[dict[str, Any]]:
    """A public measure's published figures, overall or by an allow-listed stratifier."""
    measure = Measure.objects.filter(code=code, is_public=True).first()
    if measure is None:
        raise Measure.DoesNotExist
    stratifier = stratifier_code(stratifier)
    if not stratifier:
        views = [
            v for v in measure_views(language="en", public_only=True) if v.measure.pk == measure.pk
        ]
        points = [p for p in views[0].points if month is None or p.month == month] if views else []
        return [_value_out("", "", p) for p in points]
    months = (
        [month]
        if month
        else sorted(
            set(
                Snapshot.objects.filter(
                    version__measure=measure, status=SnapshotStatus.PUBLISHED
                ).values_list("month", flat=True)
            )
        )
    )
    values = []
    for each in months:
        for row in strata_for(
            measure=measure, month=each, stratifier=stratifier, published_only=True
        ):
            values.append(_value_out(row.stratifier, row.stratum, row.point))
    return values


def _value_out(stratifier: str, stratum: str, point: Point) -> dict[str, Any]:
    return {
        "month": f"{point.month:%Y-%m}",
        "stratifier": stratifier,
        "stratum": stratum,
        "value": point.value,
        "low": point.low,
        "high": point.high,
        "numerator": point.numerator,
        "denominator": point.denominator,
        "suppressed": point.suppressed,
    }


def entries(*, measure_code: str) -> list[Entry]:
    rows = Entry.objects.select_related("measure", "corrects").order_by("-month", "-created_at")
    if measure_code:
        rows = rows.filter(measure__code=measure_code)
    return list(rows[:500])

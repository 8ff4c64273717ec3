"""What the quality pages show, built from the selectors: figures in words, charts (SVG from
`charts`, each with a data table in the template) and the month's strata."""

from __future__ import annotations

import statistics
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from django.utils.safestring import SafeString
from django.utils.translation import gettext as _

from medcenter.quality import charts, selectors, stats
from medcenter.quality.models import Kind, Measure
from medcenter.quality.points import Point, StratumRow
from medcenter.quality.selectors import MeasureView


def format_value(measure: Measure, value: float | None) -> str:
    if value is None:
        return ""
    if measure.kind == Kind.PROPORTION:
        return f"{value * 100:.1f}%"
    if measure.kind == Kind.RATIO:
        return f"{value:.2f}"
    return f"{value:.1f}"


@dataclass
class Shown:
    """One measure on a page: its view, formatted figures and a chart."""

    view: MeasureView
    latest: Point | None
    value: str = ""
    low: str = ""
    high: str = ""
    target: str = ""
    chart: SafeString | None = None
    rows: list[dict[str, Any]] = field(default_factory=list)
    strata: list[dict[str, Any]] = field(default_factory=list)
    funnel: SafeString | None = None


def _rows(measure: Measure, points: list[Point]) -> list[dict[str, Any]]:
    """A monthly table's rows, formatted here once: the template only places strings (24
    rows for each of 18 measures made filters and tags the page's largest cost)."""
    rows = []
    for p in points:
        low, high = format_value(measure, p.low), format_value(measure, p.high)
        rows.append(
            {
                "month": p.month,
                "month_text": f"{p.month:%Y-%m}",
                "value": format_value(measure, p.value) or "—",
                "low": low,
                "high": high,
                "interval": f"{low}\u2013{high}" if low else "—",  # an en dash, as before
                "numerator": "—" if p.numerator is None else f"{p.numerator:g}",
                "denominator": "—" if p.denominator is None else f"{p.denominator:g}",
                "suppressed": p.suppressed,
            }
        )
    return rows


def _benchmark(view: MeasureView) -> float | None:
    return view.benchmarks[0].value if view.benchmarks else None


def _chart(view: MeasureView, *, control: bool) -> SafeString | None:
    """A p-chart (with Laney's p' when needed) for proportions on the dashboard; a run chart
    otherwise. Suppressed months are left out of the chart (and say so in the table)."""
    shown = [p for p in view.points if p.value is not None and not p.suppressed]
    if len(shown) < 2:
        return None
    labels = [f"{p.month:%Y-%m}" for p in shown]
    title = view.name
    measure = view.measure
    if control and measure.kind == Kind.PROPORTION and all(p.denominator for p in shown):
        chart = stats.p_chart(
            [int(p.numerator or 0) for p in shown], [int(p.denominator or 0) for p in shown]
        )
        return charts.p_chart_svg(
            chart,
            labels,
            title=title,
            description=_(
                "Monthly share with control limits; the table beside it has the figures."
            ),
            target=measure.target,
            benchmark=_benchmark(view),
            chart_id=f"chart-{measure.code}",
            title_lang=view.name_lang,
        )
    values = [float(p.value or 0) for p in shown]
    return charts.run_chart_svg(
        values,
        labels,
        title=title,
        description=_("Monthly values with their median; the table beside it has the figures."),
        centre=statistics.median(values),
        target=measure.target,
        benchmark=_benchmark(view),
        percent=measure.kind == Kind.PROPORTION,
        chart_id=f"chart-{measure.code}",
        title_lang=view.name_lang,
    )


def _shown(view: MeasureView, *, control: bool) -> Shown:
    latest = next((p for p in reversed(view.points) if p.value is not None or p.suppressed), None)
    measure = view.measure
    return Shown(
        view=view,
        latest=latest,
        value=format_value(measure, latest.value) if latest else "",
        low=format_value(measure, latest.low) if latest else "",
        high=format_value(measure, latest.high) if latest else "",
        target=format_value(measure, measure.target),
        chart=_chart(view, control=control),
        rows=_rows(measure, view.points),
    )


@dataclass
class PublicPage:
    aims: list[tuple[str, Any, list[Shown]]]


def public_page(*, language: str) -> PublicPage:
    return PublicPage(
        aims=[
            (aim, label, [_shown(view, control=False) for view in views])
            for aim, label, views in selectors.public_overview(language=language)
        ]
    )


def entered_choices(*, language: str) -> list[tuple[str, str]]:
    views = selectors.measure_views(language=language, public_only=False, status=None)
    return [(v.measure.code, v.name) for v in views if v.measure.source == "entered"]


def _strata_rows(
    measure: Measure, rows: list[StratumRow], labels: dict[tuple[str, str], str]
) -> list[dict[str, Any]]:
    return [
        {
            "stratifier": row.stratifier,
            "label": labels[(row.stratifier, row.stratum)] if row.stratifier else _("Everyone"),
            "value": format_value(measure, row.point.value),
            "low": format_value(measure, row.point.low),
            "high": format_value(measure, row.point.high),
            "numerator": "" if row.point.numerator is None else f"{row.point.numerator:g}",
            "denominator": "" if row.point.denominator is None else f"{row.point.denominator:g}",
            "suppressed": row.point.suppressed,
            "flagged": row.flagged,
        }
        for row in rows
    ]


def _funnel(
    view: MeasureView, rows: list[StratumRow], labels: dict[tuple[str, str], str]
) -> SafeString | None:
    """The month's strata of one stratifier (programs, for the measures that have them) on a
    funnel around the overall share, with Spiegelhalter's 95% and 99.8% limits."""
    measure = view.measure
    if measure.kind != Kind.PROPORTION:
        return None
    overall = next((r for r in rows if not r.stratifier), None)
    units = [
        (
            labels[(r.stratifier, r.stratum)],
            int(r.point.numerator or 0),
            int(r.point.denominator or 0),
        )
        for r in rows
        if r.stratifier and not r.point.suppressed and r.point.denominator
    ]
    if overall is None or overall.point.value is None or len(units) < 2:
        return None
    target = float(overall.point.value)
    if not 0 < target < 1:
        return None
    largest = max(n for _label, _x, n in units)
    sizes = sorted({max(1, round(largest ** (step / 40))) for step in range(41)})
    by_program = all(r.stratifier == "program" for r in rows if r.stratifier)
    return charts.funnel_svg(
        stats.funnel_limits(target, sizes),
        stats.funnel_points(units, target),
        title=view.name,
        description=_("Each program's share against its size, with 95% and 99.8% limits.")
        if by_program
        else _("Each stratum's share against its size, with 95% and 99.8% limits."),
        target=target,
        unit_label=None if by_program else _("Stratum"),
        chart_id=f"funnel-{measure.code}",
        title_lang=view.name_lang,
    )


@dataclass
class DashboardPage:
    data: selectors.Dashboard
    measures: list[Shown]

    @property
    def month_text(self) -> str:
        return f"{self.data.month:%Y-%m}" if self.data.month else ""


def dashboard_page(*, language: str, month: date | None, stratifier: str) -> DashboardPage:
    data = selectors.dashboard(language=language, month=month, stratifier=stratifier)
    shown = []
    labels = selectors.stratum_labels(
        [row for rows in data.strata.values() for row in rows], language=language
    )
    for view in data.views:
        item = _shown(view, control=True)
        rows = data.strata.get(view.measure.code, [])
        item.strata = _strata_rows(view.measure, rows, labels)
        if data.stratifier:
            item.funnel = _funnel(view, rows, labels)
        shown.append(item)
    return DashboardPage(data=data, measures=shown)

"""Server-rendered SVG charts for quality measures: p-chart, run chart, funnel plot.

No JavaScript, no external references, no inline styles (the CSP allows only our own style
sheets): geometry and presentation attributes only. Each chart is an accessible image
(role="img", <title> and <desc> referenced by aria-labelledby / aria-describedby); a data
table beside it carries the figures. Lines are told apart by dash pattern as well as colour
(centre solid, control limits dashed, target dotted, benchmark dash-dot), points by shape
(in control: circle; out of control or beyond a funnel limit: diamond or triangle), and
every colour reaches 3:1 against white (4.5:1 for text). The drawing is left-to-right
whatever the page's direction: numbers and time read the same inside dir="rtl".
"""

from __future__ import annotations

import hashlib
import math
import re
from collections.abc import Sequence
from dataclasses import dataclass

from django.utils.html import escape, format_html, format_html_join
from django.utils.safestring import SafeString
from django.utils.translation import gettext

from medcenter.quality.stats import FunnelLimit, FunnelPoint, PChart, PPoint

__all__ = ["COLOURS", "DASHES", "funnel_svg", "p_chart_svg", "run_chart_svg"]

#: Colours with their contrast against white: all >= 4.5:1, so they serve text and lines.
COLOURS = {
    "text": "#1a1a1a",  # 17.4:1
    "axis": "#4d4d4d",  # 8.5:1
    "grid": "#8c8c8c",  # 3.4:1, drawn thin
    "data": "#1f4e79",  # 8.9:1
    "alarm": "#b3261e",  # 6.5:1
    "warning": "#8a4b00",  # 6.6:1
    "centre": "#1a1a1a",
    "limit": "#4d4d4d",
    "target": "#1b6e33",  # 6.4:1
    "benchmark": "#5b3a8c",  # 8.6:1
}

#: stroke-dasharray per kind of line: the pattern, not the colour, tells them apart.
DASHES = {
    "centre": None,
    "limit": "6 4",
    "outer_limit": "2 3",
    "target": "1.5 3",
    "benchmark": "8 3 2 3",
}

WIDTH = 400
LEFT = 52
RIGHT = WIDTH - 12
TOP = 14
PLOT_HEIGHT = 200
BOTTOM = TOP + PLOT_HEIGHT
LEGEND_ROW = 20
FONT_SIZE = 12

_ID = re.compile(r"^[A-Za-z][A-Za-z0-9_-]*$")


@dataclass(frozen=True, slots=True)
class _Scale:
    low: float
    high: float
    start: float
    end: float
    invert: bool = False

    def __call__(self, value: float) -> float:
        span = self.high - self.low or 1.0
        share = (value - self.low) / span
        if self.invert:
            share = 1.0 - share
        return self.start + share * (self.end - self.start)


@dataclass(frozen=True, slots=True)
class _LegendItem:
    label: str
    swatch: SafeString


def _n(value: float) -> str:
    """Return a coordinate for SVG: fixed point, no exponent, no locale."""
    return f"{value:.2f}".rstrip("0").rstrip(".")


def _chart_id(title: str, description: str, chart_id: str | None) -> str:
    if chart_id is not None:
        if not _ID.match(chart_id):
            raise ValueError("chart_id must start with a letter and hold letters, digits, - or _")
        return chart_id
    digest = hashlib.sha256(f"{title}\x00{description}".encode()).hexdigest()[:10]
    return f"qchart-{digest}"


def _nice_ticks(low: float, high: float, count: int = 5) -> list[float]:
    if high <= low:
        high = low + 1.0
    raw = (high - low) / count
    magnitude = 10 ** math.floor(math.log10(raw))
    step = next(m * magnitude for m in (1, 2, 2.5, 5, 10) if m * magnitude >= raw)
    first = math.floor(low / step) * step
    ticks = []
    value = first
    while value <= high + step * 1e-9:
        ticks.append(round(value, 12))
        value += step
    return ticks


def _format(value: float, percent: bool, step: float | None = None) -> str:
    shown = value * 100 if percent else value
    scale = (step * 100 if percent else step) if step else abs(shown) or 1.0
    decimals = 0 if scale >= 1 or scale == 0 else min(3, math.ceil(-math.log10(scale)))
    text = f"{shown:.{decimals}f}"
    return f"{text}%" if percent else text


def _range(values: Sequence[float], *, percent: bool, floor_zero: bool) -> tuple[float, float]:
    finite = [v for v in values if math.isfinite(v)]
    low = min(finite, default=0.0)
    high = max(finite, default=1.0)
    if floor_zero:
        low = min(0.0, low)
    pad = (high - low) * 0.08 or (abs(high) * 0.1 or 1.0)
    low = low if floor_zero else low - pad
    high = high + pad
    if percent:
        low, high = max(0.0, low), min(1.0, high)
        if high <= low:
            high = min(1.0, low + 0.1)
    return low, high


def _line(
    x1: float, y1: float, x2: float, y2: float, colour: str, dash: str | None, width: float = 1.5
) -> SafeString:
    # Numbers and this module's own colour and dash constants need no escaping: plain
    # f-strings here (format_html escaped every coordinate, most of a page's chart time).
    dash_attribute = f' stroke-dasharray="{dash}"' if dash is not None else ""
    return SafeString(
        f'<line x1="{_n(x1)}" y1="{_n(y1)}" x2="{_n(x2)}" y2="{_n(y2)}" stroke="{colour}" '
        f'stroke-width="{_n(width)}"{dash_attribute}/>'
    )


def _path(d: str, colour: str, dash: str | None, css_class: str, width: float = 1.5) -> SafeString:
    if not d:
        return SafeString("")
    dash_attribute = f' stroke-dasharray="{dash}"' if dash else ""
    return SafeString(
        f'<path class="{css_class}" d="{d}" fill="none" stroke="{colour}" '
        f'stroke-width="{_n(width)}"{dash_attribute}/>'
    )


def _marker(shape: str, x: float, y: float, colour: str, css_class: str, tip: str) -> SafeString:
    if shape == "circle":
        body = (
            f'<circle class="{css_class}" cx="{_n(x)}" cy="{_n(y)}" r="4" fill="{colour}" '
            f'stroke="{colour}" stroke-width="1">'
        )
        closing = "</circle>"
    else:
        if shape == "diamond":
            d = f"M{_n(x)} {_n(y - 6)}L{_n(x + 6)} {_n(y)}L{_n(x)} {_n(y + 6)}L{_n(x - 6)} {_n(y)}Z"
        else:  # triangle
            d = f"M{_n(x)} {_n(y - 6)}L{_n(x + 5.5)} {_n(y + 4)}L{_n(x - 5.5)} {_n(y + 4)}Z"
        body = (
            f'<path class="{css_class}" d="{d}" fill="{colour}" stroke="{colour}" stroke-width="1">'
        )
        closing = "</path>"
    if not tip:
        return SafeString(body + closing)
    # The tip carries a label (a month, a program's name): the only text escaped here.
    return SafeString(f"{body}<title>{escape(tip)}</title>{closing}")


def _swatch_line(colour: str, dash: str | None) -> SafeString:
    return _line(0, 0, 24, 0, colour, dash, 2)


def _swatch_marker(shape: str, colour: str) -> SafeString:
    return _marker(shape, 12, 0, colour, "legend-marker", "")


def _y_axis(scale: _Scale, *, percent: bool) -> SafeString:
    ticks = _nice_ticks(scale.low, scale.high)
    ticks = [t for t in ticks if scale.low - 1e-12 <= t <= scale.high + 1e-12]
    step = ticks[1] - ticks[0] if len(ticks) > 1 else None
    parts = [_line(LEFT, TOP, LEFT, BOTTOM, COLOURS["axis"], None, 1)]
    for tick in ticks:
        y = scale(tick)
        parts.append(_line(LEFT, y, RIGHT, y, COLOURS["grid"], None, 0.5))
        parts.append(
            SafeString(
                f'<text x="{_n(LEFT - 6)}" y="{_n(y)}" text-anchor="end" '
                f'dominant-baseline="middle">{_format(tick, percent, step)}</text>'
            )
        )
    return SafeString("".join(parts))


def _x_labels(labels: Sequence[str], xs: Sequence[float]) -> SafeString:
    parts = [_line(LEFT, BOTTOM, RIGHT, BOTTOM, COLOURS["axis"], None, 1)]
    if not labels:
        return SafeString("".join(parts))
    every = max(1, math.ceil(len(labels) / 5))
    for i in range(0, len(labels), every):
        parts.append(
            format_html(
                '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                _n(xs[i]),
                _n(BOTTOM + 16),
                labels[i],
            )
        )
    return SafeString("".join(parts))


def _legend(items: Sequence[_LegendItem], top: float) -> SafeString:
    rows = format_html_join(
        "",
        '<g transform="translate({} {})">{}<text x="32" y="0" '
        'dominant-baseline="middle">{}</text></g>',
        (
            (_n(LEFT), _n(top + LEGEND_ROW * i + LEGEND_ROW / 2), item.swatch, item.label)
            for i, item in enumerate(items)
        ),
    )
    return format_html('<g class="legend">{}</g>', rows)


def _horizontal(
    value: float | None, scale: _Scale, kind: str, colour_key: str, label: str
) -> tuple[SafeString, _LegendItem | None]:
    if value is None or not scale.low <= value <= scale.high:
        return SafeString(""), None
    y = scale(value)
    line = format_html(
        '<g class="{}">{}</g>', kind, _line(LEFT, y, RIGHT, y, COLOURS[colour_key], DASHES[kind], 2)
    )
    return line, _LegendItem(label, _swatch_line(COLOURS[colour_key], DASHES[kind]))


def _document(
    *,
    chart_id: str,
    title: str,
    title_lang: str = "",
    description: str,
    body: Sequence[SafeString],
    legend: Sequence[_LegendItem],
) -> SafeString:
    legend_top = BOTTOM + 30
    height = legend_top + LEGEND_ROW * len(legend) + 8
    return format_html(
        '<svg xmlns="http://www.w3.org/2000/svg" class="quality-chart" viewBox="0 0 {} {}" '
        'width="100%" preserveAspectRatio="xMidYMid meet" role="img" focusable="false" '
        'aria-labelledby="{}-title" aria-describedby="{}-desc" direction="ltr" '
        'font-family="sans-serif" font-size="{}" fill="{}">'
        '<title id="{}-title"{}>{}</title><desc id="{}-desc">{}</desc>'
        "{}{}</svg>",
        WIDTH,
        _n(height),
        chart_id,
        chart_id,
        FONT_SIZE,
        COLOURS["text"],
        chart_id,
        # A measure's name fallen back to English on another language's page.
        format_html(' lang="{}"', title_lang) if title_lang else "",
        title,
        chart_id,
        description,
        SafeString("".join(body)),
        _legend(legend, legend_top),
    )


def _series_xs(count: int) -> tuple[list[float], float]:
    slot = (RIGHT - LEFT) / max(count, 1)
    return [LEFT + slot * (i + 0.5) for i in range(count)], slot


def _polyline_d(points: Sequence[tuple[float, float] | None]) -> str:
    d: list[str] = []
    pen_down = False
    for point in points:
        if point is None:
            pen_down = False
            continue
        d.append(f"{'L' if pen_down else 'M'}{_n(point[0])} {_n(point[1])}")
        pen_down = True
    return "".join(d)


def _steps_d(
    values: Sequence[float | None], xs: Sequence[float], half: float, scale: _Scale
) -> str:
    d: list[str] = []
    pen_down = False
    for value, x in zip(values, xs, strict=True):
        if value is None:
            pen_down = False
            continue
        y = _n(scale(value))
        d.append(f"{'L' if pen_down else 'M'}{_n(x - half)} {y}L{_n(x + half)} {y}")
        pen_down = True
    return "".join(d)


def p_chart_svg(
    chart: PChart,
    labels: Sequence[str],
    *,
    title: str,
    description: str,
    target: float | None = None,
    benchmark: float | None = None,
    percent: bool = True,
    target_label: str | None = None,
    benchmark_label: str | None = None,
    value_label: str | None = None,
    hidden: Sequence[bool] | None = None,
    chart_id: str | None = None,
    title_lang: str = "",
) -> SafeString:
    """Return a p-chart: points, centre line, stepped control limits, target and benchmark.

    `hidden` marks periods that suppression withholds (public surfaces): they are drawn as
    gaps with neither point nor limits (a limit's width gives its denominator away), and
    they do not stretch the axis.
    """
    if len(labels) != len(chart.points):
        raise ValueError("one label per point")
    if hidden is not None and len(hidden) != len(chart.points):
        raise ValueError("one hidden flag per point")
    shown_points = tuple(
        PPoint(None, None, None, False) if hidden is not None and hidden[i] else point
        for i, point in enumerate(chart.points)
    )
    identifier = _chart_id(title, description, chart_id)
    values: list[float] = []
    for point in shown_points:
        values.extend(v for v in (point.p, point.lcl, point.ucl) if v is not None)
    values.extend(v for v in (chart.centre, target, benchmark) if v is not None)
    low, high = _range(values, percent=percent, floor_zero=True)
    scale = _Scale(low, high, TOP, BOTTOM, invert=True)
    xs, slot = _series_xs(len(shown_points))

    body = [_y_axis(scale, percent=percent), _x_labels(labels, xs)]
    legend: list[_LegendItem] = []
    if chart.laney_used:
        limit_label = gettext("Control limits (Laney p′)")  # noqa: RUF001 - the method's name
    else:
        limit_label = gettext("Control limits")
    upper = _steps_d([p.ucl for p in shown_points], xs, slot / 2, scale)
    lower = _steps_d([p.lcl for p in shown_points], xs, slot / 2, scale)
    if upper or lower:
        body.append(_path(upper, COLOURS["limit"], DASHES["limit"], "limit upper"))
        body.append(_path(lower, COLOURS["limit"], DASHES["limit"], "limit lower"))
        legend.append(_LegendItem(limit_label, _swatch_line(COLOURS["limit"], DASHES["limit"])))
    for value, kind, key, label in (
        (chart.centre, "centre", "centre", gettext("Centre line")),
        (target, "target", "target", target_label or gettext("Target")),
        (benchmark, "benchmark", "benchmark", benchmark_label or gettext("Benchmark")),
    ):
        line, item = _horizontal(value, scale, kind, key, label)
        body.append(line)
        if item:
            legend.append(item)

    coordinates = [
        None if point.p is None else (x, scale(point.p))
        for point, x in zip(shown_points, xs, strict=True)
    ]
    body.append(_path(_polyline_d(coordinates), COLOURS["data"], None, "series", 1.25))
    any_out = False
    markers = []
    for point, label, xy in zip(shown_points, labels, coordinates, strict=True):
        if point.p is None or xy is None:
            continue
        tip = f"{label}: {_format(point.p, percent)}"
        if point.out_of_control:
            any_out = True
            markers.append(_marker("diamond", *xy, COLOURS["alarm"], "point out-of-control", tip))
        else:
            markers.append(_marker("circle", *xy, COLOURS["data"], "point", tip))
    body.extend(markers)
    value_item = _LegendItem(
        value_label or gettext("Monthly value"), _swatch_marker("circle", COLOURS["data"])
    )
    legend.insert(0, value_item)
    if any_out:
        legend.insert(
            1,
            _LegendItem(
                gettext("Outside the control limits"), _swatch_marker("diamond", COLOURS["alarm"])
            ),
        )
    return _document(
        chart_id=identifier,
        title=title,
        title_lang=title_lang,
        description=description,
        body=body,
        legend=legend,
    )


def run_chart_svg(
    values: Sequence[float | None],
    labels: Sequence[str],
    *,
    title: str,
    description: str,
    centre: float,
    target: float | None = None,
    benchmark: float | None = None,
    percent: bool = False,
    target_label: str | None = None,
    benchmark_label: str | None = None,
    chart_id: str | None = None,
    title_lang: str = "",
) -> SafeString:
    """Return a run chart: points joined in time order around their median (the centre)."""
    if len(labels) != len(values):
        raise ValueError("one label per value")
    identifier = _chart_id(title, description, chart_id)
    known = [v for v in values if v is not None]
    extent = [*known, centre, *(v for v in (target, benchmark) if v is not None)]
    low, high = _range(extent, percent=percent, floor_zero=percent)
    scale = _Scale(low, high, TOP, BOTTOM, invert=True)
    xs, _slot = _series_xs(len(values))

    body = [_y_axis(scale, percent=percent), _x_labels(labels, xs)]
    legend = [_LegendItem(gettext("Value"), _swatch_marker("circle", COLOURS["data"]))]
    for value, kind, label in (
        (centre, "centre", gettext("Median")),
        (target, "target", target_label or gettext("Target")),
        (benchmark, "benchmark", benchmark_label or gettext("Benchmark")),
    ):
        line, item = _horizontal(value, scale, kind, kind, label)
        body.append(line)
        if item:
            legend.append(item)
    coordinates = [
        None if value is None else (x, scale(value)) for value, x in zip(values, xs, strict=True)
    ]
    body.append(_path(_polyline_d(coordinates), COLOURS["data"], None, "series", 1.25))
    for value, label, xy in zip(values, labels, coordinates, strict=True):
        if value is not None and xy is not None:
            tip = f"{label}: {_format(value, percent)}"
            body.append(_marker("circle", *xy, COLOURS["data"], "point", tip))
    return _document(
        chart_id=identifier,
        title=title,
        title_lang=title_lang,
        description=description,
        body=body,
        legend=legend,
    )


def funnel_svg(
    limits: Sequence[FunnelLimit],
    points: Sequence[FunnelPoint],
    *,
    title: str,
    description: str,
    target: float,
    percent: bool = True,
    unit_label: str | None = None,
    chart_id: str | None = None,
    title_lang: str = "",
) -> SafeString:
    """Return a funnel plot: units by denominator against the target's 95 % and 99.8 % limits.

    `limits` should cover the denominators from 1 (or the smallest unit) to the largest
    unit's, sorted by n; the curves are drawn through them in that order.
    """
    identifier = _chart_id(title, description, chart_id)
    ordered = sorted(limits, key=lambda limit: limit.n)
    max_n = max([limit.n for limit in ordered] + [point.n for point in points] + [1])
    x_scale = _Scale(0, max_n * 1.05, LEFT, RIGHT)
    extent = [target, *(p.p for p in points)]
    extent += [v for limit in ordered for v in (limit.lower998, limit.upper998)]
    low, high = _range(extent, percent=percent, floor_zero=True)
    y_scale = _Scale(low, high, TOP, BOTTOM, invert=True)

    body = [_y_axis(y_scale, percent=percent)]
    body.append(_line(LEFT, BOTTOM, RIGHT, BOTTOM, COLOURS["axis"], None, 1))
    for tick in _nice_ticks(0, max_n * 1.05, 4):
        if tick <= max_n * 1.05:
            body.append(
                format_html(
                    '<text x="{}" y="{}" text-anchor="middle">{}</text>',
                    _n(x_scale(tick)),
                    _n(BOTTOM + 16),
                    _format(tick, False, 1),
                )
            )

    def curve(attribute: str) -> str:
        return _polyline_d(
            [(x_scale(limit.n), y_scale(getattr(limit, attribute))) for limit in ordered]
        )

    legend = [
        _LegendItem(unit_label or gettext("Program"), _swatch_marker("circle", COLOURS["data"]))
    ]
    target_line, target_item = _horizontal(target, y_scale, "centre", "centre", gettext("Target"))
    body.append(target_line)
    if ordered:
        for attribute in ("lower95", "upper95"):
            body.append(_path(curve(attribute), COLOURS["limit"], DASHES["limit"], "limit95"))
        for attribute in ("lower998", "upper998"):
            body.append(
                _path(curve(attribute), COLOURS["limit"], DASHES["outer_limit"], "limit998")
            )
    markers = []
    beyond95 = beyond998 = False
    for point in points:
        xy = (x_scale(point.n), y_scale(point.p))
        tip = f"{point.label}: {_format(point.p, percent)} (n = {point.n})"
        if point.beyond998:
            beyond998 = True
            markers.append(_marker("diamond", *xy, COLOURS["alarm"], "point beyond998", tip))
        elif point.beyond95:
            beyond95 = True
            markers.append(_marker("triangle", *xy, COLOURS["warning"], "point beyond95", tip))
        else:
            markers.append(_marker("circle", *xy, COLOURS["data"], "point", tip))
    body.extend(markers)
    if beyond95:
        legend.append(
            _LegendItem(
                gettext("Outside the %(level)s limits") % {"level": "95%"},
                _swatch_marker("triangle", COLOURS["warning"]),
            )
        )
    if beyond998:
        legend.append(
            _LegendItem(
                gettext("Outside the %(level)s limits") % {"level": "99.8%"},
                _swatch_marker("diamond", COLOURS["alarm"]),
            )
        )
    if target_item:
        legend.append(target_item)
    if ordered:
        legend.append(
            _LegendItem(
                gettext("%(level)s limits") % {"level": "95%"},
                _swatch_line(COLOURS["limit"], DASHES["limit"]),
            )
        )
        legend.append(
            _LegendItem(
                gettext("%(level)s limits") % {"level": "99.8%"},
                _swatch_line(COLOURS["limit"], DASHES["outer_limit"]),
            )
        )
    return _document(
        chart_id=identifier,
        title=title,
        title_lang=title_lang,
        description=description,
        body=body,
        legend=legend,
    )

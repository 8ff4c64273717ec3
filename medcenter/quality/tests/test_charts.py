"""The SVG charts are accessible, self-contained images that cannot carry markup in."""

import re
import xml.etree.ElementTree as ET

import pytest
from django.utils import translation
from django.utils.safestring import SafeString

from medcenter.quality.charts import COLOURS, funnel_svg, p_chart_svg, run_chart_svg
from medcenter.quality.stats import funnel_limits, funnel_points, p_chart

SVG = "{http://www.w3.org/2000/svg}"
HOSTILE = '<script>alert("x")</script> & Co'
MONTHS = ["2026-01", "2026-02", "2026-03", "2026-04"]


def parse(svg: str) -> ET.Element:
    return ET.fromstring(svg)  # noqa: S314 - our own output, parsed to be checked


def classes(element: ET.Element) -> set[str]:
    return set(element.get("class", "").split())


def points(root: ET.Element) -> list[ET.Element]:
    return [e for e in root.iter() if "point" in classes(e)]


def luminance(colour: str) -> float:
    channels = [int(colour[i : i + 2], 16) / 255 for i in (1, 3, 5)]
    linear = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
    return 0.2126 * linear[0] + 0.7152 * linear[1] + 0.0722 * linear[2]


def contrast_with_white(colour: str) -> float:
    return 1.05 / (luminance(colour) + 0.05)


def classic_chart():
    # The hand-computed series of test_stats: February (34 %) is above its 32 % limit.
    return p_chart([10, 34, 76, 5], [100, 100, 400, 25], laney=False)


def render_p_chart(**overrides):
    arguments = {
        "title": HOSTILE,
        "description": "Share of patients <b>seen</b> within 14 days",
        "target": 0.15,
        "benchmark": 0.25,
        "chart_id": "timely-14",
    }
    arguments.update(overrides)
    return p_chart_svg(classic_chart(), MONTHS, **arguments)


def render_funnel():
    units = [("North", 8, 10), ("South", 50, 100), ("East", 30, 100), ("West", 60, 150)]
    return funnel_svg(
        funnel_limits(0.5, range(1, 161)),
        funnel_points(units, 0.5),
        title="Programs against the target",
        description="Four programs",
        target=0.5,
        chart_id="funnel",
    )


def render_run_chart():
    return run_chart_svg(
        [12, 14, None, 9, 11, 20],
        ["Jan", "Feb", "Mar", "Apr", "May", "Jun"],
        title="Days from referral to first visit",
        description="Median 12.5 days",
        centre=12.5,
        target=10,
        chart_id="run",
    )


ALL = [render_p_chart, render_funnel, render_run_chart]


@pytest.mark.parametrize("render", ALL)
def test_chart_is_an_image_named_and_described_by_its_title_and_desc(render):
    root = parse(render())
    assert root.tag == f"{SVG}svg"
    assert root.get("role") == "img"
    title = root.find(f"{SVG}title")
    desc = root.find(f"{SVG}desc")
    assert title is not None and desc is not None
    assert root.get("aria-labelledby") == title.get("id")
    assert root.get("aria-describedby") == desc.get("id")
    assert title.text and desc.text


def test_hostile_title_and_description_are_text_not_markup():
    svg = render_p_chart()
    assert isinstance(svg, SafeString)
    assert "<script" not in svg and "<b>" not in svg
    root = parse(svg)
    assert root.find(f"{SVG}title").text == HOSTILE
    assert root.find(f"{SVG}desc").text == "Share of patients <b>seen</b> within 14 days"
    assert not [e for e in root.iter() if e.tag in (f"{SVG}script", "script", f"{SVG}b")]


def test_hostile_labels_are_escaped_everywhere():
    chart = classic_chart()
    labels = ['<img src=x onerror="1">', "b", "c", "d"]
    svg = p_chart_svg(
        chart,
        labels,
        title="t",
        description="d",
        benchmark=0.25,
        benchmark_label="<i>CMS</i> 2025",
        chart_id="c",
    )
    root = parse(svg)
    assert "<img" not in svg and "<i>" not in svg
    texts = [e.text for e in root.iter() if e.text]
    assert '<img src=x onerror="1">' in texts
    assert "<i>CMS</i> 2025" in texts


@pytest.mark.parametrize("render", ALL)
def test_chart_has_no_external_reference_script_or_inline_style(render):
    svg = render()
    root = parse(svg)
    forbidden = {"script", "image", "use", "foreignObject", "style", "a", "iframe"}
    for element in root.iter():
        assert element.tag.removeprefix(SVG) not in forbidden
        for name, value in element.attrib.items():
            assert "href" not in name
            assert name != "style"
            assert not name.startswith("on")
            assert "url(" not in value
    # The only address is the SVG namespace itself.
    assert re.findall(r"https?://[^\"']+", svg) == ["http://www.w3.org/2000/svg"]


@pytest.mark.parametrize("render", ALL)
def test_chart_scales_down_to_a_phone_and_reads_left_to_right_in_rtl_pages(render):
    root = parse(render())
    x, y, width, height = (float(v) for v in root.get("viewBox").split())
    assert (x, y) == (0, 0) and width <= 400 and height > 0
    assert root.get("width") == "100%" and root.get("height") is None
    assert root.get("direction") == "ltr"


def test_p_chart_marks_each_point_and_the_out_of_control_one_by_shape_and_colour():
    root = parse(render_p_chart())
    marked = points(root)
    assert len(marked) == 4
    out = [e for e in marked if "out-of-control" in classes(e)]
    assert len(out) == 1
    (alarm,) = out
    normal = [e for e in marked if e is not alarm]
    assert alarm.tag == f"{SVG}path" and {e.tag for e in normal} == {f"{SVG}circle"}
    assert alarm.get("fill") != normal[0].get("fill")
    assert alarm.find(f"{SVG}title").text == "2026-02: 34%"


def test_p_chart_lines_differ_by_dash_pattern_not_colour_alone():
    root = parse(render_p_chart())

    def dash_of(css_class):
        (group,) = [e for e in root.iter() if css_class in classes(e)][:1]
        line = group if group.tag != f"{SVG}g" else group[0]
        return line.get("stroke-dasharray")

    dashes = {name: dash_of(name) for name in ("centre", "limit", "target", "benchmark")}
    assert dashes["centre"] is None
    assert len(set(dashes.values())) == 4


def test_p_chart_limits_step_with_each_months_denominator():
    root = parse(render_p_chart())
    upper = next(e for e in root.iter() if {"limit", "upper"} <= classes(e))
    ys = sorted({float(v) for v in re.findall(r"L[\d.]+ ([\d.]+)", upper.get("d"))})
    # Three distinct upper limits: n = 100 (0.32), n = 400 (0.26) and n = 25 (0.44).
    assert len(ys) == 3


def test_p_chart_legend_names_every_line_and_marker():
    root = parse(render_p_chart())
    legend = next(e for e in root.iter() if "legend" in classes(e))
    labels = [e.text for e in legend.iter(f"{SVG}text")]
    assert labels == [
        "Monthly value",
        "Outside the control limits",
        "Control limits",
        "Centre line",
        "Target",
        "Benchmark",
    ]


def test_laney_chart_says_so_in_its_legend():
    chart = p_chart([10, 34, 76, 5], [100, 100, 400, 25], laney=True)
    root = parse(p_chart_svg(chart, MONTHS, title="t", description="d", chart_id="l"))
    assert "Control limits (Laney p\u2032)" in [e.text for e in root.iter(f"{SVG}text")]
    assert not [e for e in points(root) if "out-of-control" in classes(e)]


@pytest.mark.parametrize("render", ALL)
def test_every_colour_reaches_aa_contrast_on_white(render):
    root = parse(render())
    assert contrast_with_white(root.get("fill")) >= 4.5  # text
    for element in root.iter():
        for attribute in ("fill", "stroke"):
            colour = element.get(attribute)
            if colour and colour != "none":
                assert contrast_with_white(colour) >= 3.0, (element.tag, colour)


def test_palette_text_colours_reach_four_and_a_half_to_one():
    for name in ("text", "axis", "data", "alarm", "warning", "target", "benchmark"):
        assert contrast_with_white(COLOURS[name]) >= 4.5, name


def test_funnel_marks_units_beyond_each_limit_with_their_own_shape():
    root = parse(render_funnel())
    marked = {e.find(f"{SVG}title").text.split(":")[0]: e for e in points(root)}
    assert set(marked) == {"North", "South", "East", "West"}
    # North 8/10 lies beyond the 95 % limit only; East 30/100 beyond 99.8 %.
    assert "beyond95" in classes(marked["North"])
    assert "beyond998" in classes(marked["East"])
    assert marked["South"].tag == f"{SVG}circle"
    shapes = {marked["North"].get("d")[:1], marked["East"].get("d")[:1]}
    assert marked["North"].tag == marked["East"].tag == f"{SVG}path"
    assert marked["North"].get("fill") != marked["East"].get("fill")
    assert shapes == {"M"}
    assert marked["North"].get("d").count("L") == 2  # triangle
    assert marked["East"].get("d").count("L") == 3  # diamond
    curves = [e for e in root.iter() if classes(e) & {"limit95", "limit998"}]
    assert len(curves) == 4
    assert {e.get("stroke-dasharray") for e in curves if "limit95" in classes(e)} != {
        e.get("stroke-dasharray") for e in curves if "limit998" in classes(e)
    }


def test_run_chart_leaves_a_gap_for_a_missing_month():
    root = parse(render_run_chart())
    assert len(points(root)) == 5
    series = next(e for e in root.iter() if "series" in classes(e))
    assert series.get("d").count("M") == 2
    legend = next(e for e in root.iter() if "legend" in classes(e))
    assert [e.text for e in legend.iter(f"{SVG}text")] == ["Value", "Median", "Target"]


def test_charts_render_in_arabic_and_stay_well_formed():
    with translation.override("ar"):
        for render in ALL:
            assert parse(render()).get("direction") == "ltr"


def test_mismatched_labels_and_unsafe_ids_are_refused():
    with pytest.raises(ValueError):
        p_chart_svg(classic_chart(), MONTHS[:2], title="t", description="d")
    with pytest.raises(ValueError):
        render_p_chart(chart_id='x" onload="1')


def test_default_ids_differ_between_charts():
    first = parse(p_chart_svg(classic_chart(), MONTHS, title="One", description="d"))
    second = parse(p_chart_svg(classic_chart(), MONTHS, title="Two", description="d"))
    assert first.get("aria-labelledby") != second.get("aria-labelledby")


def test_legend_names_can_follow_the_measure():
    chart = p_chart_svg(
        classic_chart(), MONTHS, title="t", description="d", value_label="Quarter", chart_id="q"
    )
    assert parse(chart).find(f".//{SVG}g[@class='legend']/{SVG}g/{SVG}text").text == "Quarter"
    funnel = parse(render_funnel())
    assert funnel.find(f".//{SVG}g[@class='legend']/{SVG}g/{SVG}text").text == "Program"


def test_hidden_months_show_neither_point_nor_limits():
    # February is withheld: its 34 % and its limits (whose width gives n away) are not drawn.
    root = parse(render_p_chart(hidden=[False, True, False, False]))
    tips = [e.find(f"{SVG}title").text for e in points(root)]
    assert tips == ["2026-01: 10%", "2026-03: 19%", "2026-04: 20%"]
    upper = next(e for e in root.iter() if {"limit", "upper"} <= classes(e))
    assert upper.get("d").count("M") == 2
    with pytest.raises(ValueError):
        render_p_chart(hidden=[True])

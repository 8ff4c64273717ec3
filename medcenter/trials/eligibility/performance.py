"""Performance status criteria: ECOG (and WHO, Zubrod), Karnofsky and Lansky.

The scales and their values are recognised by `trials/recognisers/performance.py`, which
reads a note's values with the same patterns."""

import re

from medcenter.trials.eligibility.context import (
    INCLUSION,
    _Context,
    _Found,
    _keep_alternatives,
    _strip_parentheses,
)
from medcenter.trials.recognisers.performance import (
    ECOG,
    ECOG_VALUE,
    KARNOFSKY,
    LANSKY,
    PERCENT_VALUE,
    PERFORMANCE_GATE,
    PS_ONLY,
    ecog_bounds,
    percent_bounds,
)
from medcenter.trials.recognisers.scope import NEGATED_BEFORE


def _read_performance(ctx: _Context) -> list[_Found]:
    text = ctx.text
    if not ctx.heading.startswith("performance") and not PERFORMANCE_GATE.search(ctx.lower):
        return []
    if ctx.prohibited and ctx.section == INCLUSION:
        return []
    if ctx.lead_conditional or re.search(
        r"\bfor\s+(?:patients|subjects|participants|those|children)\b|\bif\b|\baged?\s*[<>≤≥]",
        text,
        re.I,
    ):
        return []
    if re.search(r"\blansky\b", text, re.I) and re.search(r"\bkarnofsky\b|\bkps\b", text, re.I):
        return []  # one or the other by age: alternatives
    scale = PERFORMANCE_GATE.search(ctx.lower)
    if scale is not None and NEGATED_BEFORE.search(text[: scale.start()]):
        return []  # "must not have an ECOG performance status greater than 3"
    # A scale in brackets restates the one outside ("ECOG ≤ 2 (Karnofsky ≥ 60%)").
    outside = _strip_parentheses(text) if "(" in text else text
    found = _performance_values(ctx, outside)
    if not found and outside != text:
        found = _performance_values(ctx, text)
    found = _dedupe(found)
    joined = len(found) > 1 and bool(
        re.search(r"\bor\b", text[found[0].end : found[-1].start], re.I)
    )
    return _keep_alternatives(ctx, found, joined)


def _performance_values(ctx: _Context, text: str) -> list[_Found]:
    found: list[_Found] = []
    heading_ps = ctx.heading.startswith("performance")
    ecog_matches = list(ECOG.finditer(text))
    scaled = KARNOFSKY.search(text) or LANSKY.search(text)
    if not ecog_matches and (heading_ps or PS_ONLY.search(text)) and not scaled:
        # "Performance status 0-1" names no scale: ECOG, the one counted 0-5.
        ps = PS_ONLY.search(text)
        if ps is not None:
            ecog_matches = [ps]
        elif heading_ps:
            ecog_matches = list(re.finditer(r"^", text))
    for match in ecog_matches:
        parsed = ECOG_VALUE.match(text, match.end())
        if parsed is None:
            continue
        bounds = ecog_bounds(parsed)
        if bounds is None:
            continue
        low, high = bounds
        found.append(
            _Found(
                match.start(),
                parsed.end(),
                ctx.criterion("performance", scale="ecog", min=low, max=high),
            )
        )
    for scale, pattern in (("karnofsky", KARNOFSKY), ("lansky", LANSKY)):
        for match in pattern.finditer(text):
            parsed = PERCENT_VALUE.match(text, match.end())
            if parsed is None:
                continue
            bounds = percent_bounds(parsed)
            if bounds is None:
                continue
            low, high = bounds
            found.append(
                _Found(
                    match.start(),
                    parsed.end(),
                    ctx.criterion("performance", scale=scale, min=low, max=high),
                )
            )
    return found


def _dedupe(found: list[_Found]) -> list[_Found]:
    kept: list[_Found] = []
    for item in sorted(found, key=lambda f: (f.start, -f.end)):
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept

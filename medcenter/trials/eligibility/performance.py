"""Performance status criteria: ECOG (and WHO, Zubrod), Karnofsky and Lansky."""

import re

from medcenter.trials.eligibility.context import (
    _NEGATION_BEFORE,
    INCLUSION,
    _Context,
    _Found,
    _keep_alternatives,
    _strip_parentheses,
)

_ECOG = re.compile(
    r"\b(?:ECOG|E\.C\.O\.G\.?|Eastern\s+Cooperative\s+(?:Oncology\s+)?Group|Zubrod|"
    r"WHO(?=[\s-]+(?:performance|PS\b))|World\s+Health\s+Organi[sz]ation(?=\s+performance))",
    re.IGNORECASE,
)
_PS_ONLY = re.compile(r"\bperformance\s+status\b|\bPS\b")
_KARNOFSKY = re.compile(r"\b(?:Karnofsky|KPS)\b", re.IGNORECASE)
_LANSKY = re.compile(r"\b(?:Lansky|LPS)\b", re.IGNORECASE)
_PS_FILLER = r"[^0-9;.≤≥<>]{0,45}?"
_PS_SEP = r"\s*(?:,\s*(?:and/or|or|and)?|-|to|and/or|or|and|/)\s*"
_ECOG_VALUE = re.compile(
    _PS_FILLER
    + r"(?P<op>≤|≥|<|>|of\s+at\s+most|of\s+no\s+more\s+than|no\s+(?:more|greater|higher)\s+than|"
    r"not\s+(?:more|greater|higher)\s+than|less\s+than\s+or\s+equal\s+to|greater\s+than\s+or\s+"
    r"equal\s+to|less\s+than|greater\s+than|more\s+than|at\s+least|of\s+at\s+least)?\s*"
    r"(?P<a>[0-5])(?![0-9%]|\.\d)"
    rf"(?:(?P<sep>{_PS_SEP})(?P<b>[0-5])(?![0-9%]|\.\d))?"
    rf"(?:{_PS_SEP}(?P<c>[0-5])(?![0-9%]|\.\d))?"
    rf"(?:{_PS_SEP}(?P<d>[0-5])(?![0-9%]|\.\d))?"
    r"(?:\s*(?P<suffix>or\s+(?:less|lower|better|below|more|higher|greater|worse|above)))?",
    re.IGNORECASE,
)
_PERCENT_VALUE = re.compile(
    _PS_FILLER
    + r"(?P<op>≤|≥|<|>|of\s+at\s+least|at\s+least|greater\s+than\s+or\s+equal\s+to|no\s+less\s+"
    r"than|not\s+less\s+than|greater\s+than|more\s+than|less\s+than|of\s+more\s+than|above|"
    r"below|under|over)?\s*(?P<a>\d{2,3})\s*%?(?:\s*(?:-|to)\s*(?P<b>\d{2,3})\s*%?)?"
    r"(?:\s*(?P<suffix>or\s+(?:more|higher|greater|above|better|less|lower|below)))?",
    re.IGNORECASE,
)


def _read_performance(ctx: _Context) -> list[_Found]:
    text = ctx.text
    if not ctx.heading.startswith("performance") and not _PERFORMANCE_GATE.search(ctx.lower):
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
    scale = _PERFORMANCE_GATE.search(ctx.lower)
    if scale is not None and _NEGATION_BEFORE.search(text[: scale.start()]):
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
    ecog_matches = list(_ECOG.finditer(text))
    scaled = _KARNOFSKY.search(text) or _LANSKY.search(text)
    if not ecog_matches and (heading_ps or _PS_ONLY.search(text)) and not scaled:
        # "Performance status 0-1" names no scale: ECOG, the one counted 0-5.
        ps = _PS_ONLY.search(text)
        if ps is not None:
            ecog_matches = [ps]
        elif heading_ps:
            ecog_matches = list(re.finditer(r"^", text))
    for match in ecog_matches:
        parsed = _ECOG_VALUE.match(text, match.end())
        if parsed is None:
            continue
        bounds = _ecog_bounds(parsed)
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
    for scale, pattern in (("karnofsky", _KARNOFSKY), ("lansky", _LANSKY)):
        for match in pattern.finditer(text):
            parsed = _PERCENT_VALUE.match(text, match.end())
            if parsed is None:
                continue
            bounds = _percent_bounds(parsed)
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


_PERFORMANCE_GATE = re.compile(
    r"ecog|karnofsky|kps|lansky|lps|zubrod|performance|\bps\b|e\.c\.o\.g|eastern\s+coop"
)


def _ecog_bounds(parsed: re.Match[str]) -> tuple[int | None, int | None] | None:
    op = (parsed.group("op") or "").lower()
    values = [int(v) for v in parsed.group("a", "b", "c", "d") if v is not None]
    suffix = (parsed.group("suffix") or "").lower()
    if len(values) > 1:
        if op:
            return None
        low, high = min(values), max(values)
        return (low if low > 0 else None, high)
    value = values[0]
    if (
        op in ("≤",)
        or "at most" in op
        or "no more" in op
        or "not more" in op
        or "no greater" in op
        or "not greater" in op
        or "no higher" in op
        or "not higher" in op
        or "less than or" in op
    ):
        return (None, value)
    if op == "<" or op == "less than":
        return (None, value - 1) if value > 0 else None
    if op in ("≥",) or "at least" in op or "greater than or" in op:
        return (value, None) if value > 0 else None
    if op in (">", "greater than", "more than"):
        return (value + 1, None) if value < 5 else None
    if suffix:
        if any(word in suffix for word in ("less", "lower", "better", "below")):
            return (None, value)
        return (value, None) if value > 0 else None
    return (value if value > 0 else None, value)


def _percent_bounds(parsed: re.Match[str]) -> tuple[int | None, int | None] | None:
    op = (parsed.group("op") or "").lower()
    a = int(parsed.group("a"))
    b = parsed.group("b")
    suffix = (parsed.group("suffix") or "").lower()
    if a > 100:
        return None
    if b is not None:
        high = int(b)
        if op or high > 100 or high < a:
            return None
        return (a, None if high == 100 else high)
    if op in (
        "≥",
        "at least",
        "of at least",
        "greater than or equal to",
        "no less than",
        "not less than",
    ):
        return (a, None)
    if op in (">", "greater than", "more than", "of more than", "above", "over"):
        return (a + 1, None)
    if op in ("≤",):
        return (None, a)
    if op in ("<", "less than", "below", "under"):
        return (None, a - 1)
    if suffix:
        if any(word in suffix for word in ("less", "lower", "below")):
            return (None, a)
        return (a, None)
    return None


def _dedupe(found: list[_Found]) -> list[_Found]:
    kept: list[_Found] = []
    for item in sorted(found, key=lambda f: (f.start, -f.end)):
        if kept and item.start < kept[-1].end:
            continue
        kept.append(item)
    return kept

"""Performance status: ECOG (WHO, Zubrod), Karnofsky and Lansky, in criteria and notes.

The scale names, the value patterns after them and their bounds are the criteria reader's
(`trials/eligibility/performance.py`: "ECOG ≤ 1", "Karnofsky ≥ 70%"); a note's "ECOG
performance status of 1" or "KPS 80%" is the same value pattern with no comparison.
"""

import re

ECOG = re.compile(
    r"\b(?:ECOG|E\.C\.O\.G\.?|Eastern\s+Cooperative\s+(?:Oncology\s+)?Group|Zubrod|"
    r"WHO(?=[\s-]+(?:performance|PS\b))|World\s+Health\s+Organi[sz]ation(?=\s+performance))",
    re.IGNORECASE,
)
PS_ONLY = re.compile(r"\bperformance\s+status\b|\bPS\b")
# "Performance status 1" in a note: ECOG, the scale counted 0-5.
_NOTE_PS = re.compile(r"\bperformance\s+status\b", re.IGNORECASE)
KARNOFSKY = re.compile(r"\b(?:Karnofsky|KPS)\b", re.IGNORECASE)
LANSKY = re.compile(r"\b(?:Lansky|LPS)\b", re.IGNORECASE)
_PS_FILLER = r"[^0-9;.≤≥<>]{0,45}?"
_PS_SEP = r"\s*(?:,\s*(?:and/or|or|and)?|-|to|and/or|or|and|/)\s*"
ECOG_VALUE = re.compile(
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
PERCENT_VALUE = re.compile(
    _PS_FILLER
    + r"(?P<op>≤|≥|<|>|of\s+at\s+least|at\s+least|greater\s+than\s+or\s+equal\s+to|no\s+less\s+"
    r"than|not\s+less\s+than|greater\s+than|more\s+than|less\s+than|of\s+more\s+than|above|"
    r"below|under|over)?\s*(?P<a>\d{2,3})\s*%?(?:\s*(?:-|to)\s*(?P<b>\d{2,3})\s*%?)?"
    r"(?:\s*(?P<suffix>or\s+(?:more|higher|greater|above|better|less|lower|below)))?",
    re.IGNORECASE,
)


PERFORMANCE_GATE = re.compile(
    r"ecog|karnofsky|kps|lansky|lps|zubrod|performance|\bps\b|e\.c\.o\.g|eastern\s+coop"
)


def ecog_bounds(parsed: re.Match[str]) -> tuple[int | None, int | None] | None:
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


def percent_bounds(parsed: re.Match[str]) -> tuple[int | None, int | None] | None:
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


def note_ecog(text: str) -> int | None:
    """The ECOG value a note states ("ECOG 1", "WHO performance status of 2", "performance
    status 0"); a range or a bound ("ECOG 0-1", "≤ 2") states none."""
    for pattern in (ECOG, _NOTE_PS):
        for match in pattern.finditer(text):
            parsed = ECOG_VALUE.match(text, match.end())
            if parsed is None or parsed.group("op") or parsed.group("b") or parsed.group("suffix"):
                continue
            return int(parsed.group("a"))
    return None


def note_karnofsky(text: str) -> int | None:
    """The Karnofsky value a note states ("KPS 80%", "Karnofsky performance score of 70")."""
    for match in KARNOFSKY.finditer(text):
        parsed = PERCENT_VALUE.match(text, match.end())
        if parsed is None or parsed.group("op") or parsed.group("b") or parsed.group("suffix"):
            continue
        value = int(parsed.group("a"))
        if value <= 100:
            return value
    return None

"""Age, sex and pregnancy criteria, and CT.gov's minimum and maximum age fields.

The age units and arithmetic, the words of each sex and the pregnancy statements are
`trials/recognisers/demographics.py`'s, which reads a note's age, sex and pregnancy with them."""

import re

from medcenter.trials.eligibility.context import (
    _CONDITIONAL_L,
    _GE,
    _GT,
    _LE,
    _LEAD_CONDITIONAL_L,
    _LT,
    _SPACES,
    EXCLUSION,
    INCLUSION,
    _Context,
    _Found,
    _lowercase,
    _strip_parentheses,
)
from medcenter.trials.recognisers.demographics import (
    AGE_UNIT,
    FEMALE,
    FEMALE_WORDS,
    MALE,
    MALE_WORDS,
    NOT_PREGNANT,
    PREGNANCY_NOISE,
    PREGNANT_LEAD,
    age_years,
)
from medcenter.trials.recognisers.text import NUMBER_WORDS


def age_bounds(minimum: str | None, maximum: str | None) -> tuple[float | None, float | None]:
    """Read CT.gov's minimumAge/maximumAge ("18 Years", "6 Months", "N/A") as years."""
    return _age_field(minimum), _age_field(maximum)


# --- Age ------------------------------------------------------------------------------------

_OP = rf"(?P<op>{_GE}|{_LE}|{_GT}|{_LT}|older\s+than)"
_AGE_CONTEXT = re.compile(
    r"\bage[ds]?\b|\bold\b|\bolder\b|\byounger\b|\badults?\b|\bchildren\b|\bpediatric\b|"
    r"\bpaediatric\b|\bbirthday\b|\byears?\s+of\s+age\b|\byear-old\b",
    re.IGNORECASE,
)

_AGE_CONTEXT_L = _lowercase(_AGE_CONTEXT)

_AGE_NOISE = re.compile(
    r"\bsince\b|disease[\s-]free|\bdiagnos|\bsurviv|life\s+expectancy|\bwithin\b|\bduration\b|"
    r"\bsmok|pack|\bfor\s+(?:at\s+least|more\s+than|≥|>)|\bmenopaus|\bamenorrh|\bhistory\b|"
    r"\bprior\b|\bprevious|\bfollow|\bago\b|\blast\b|\bcontracep|\bafter\b|\bbefore\b|"
    r"\bchildbearing|\bgestation",
    re.IGNORECASE,
)

_AGE_NOISE_L = _lowercase(_AGE_NOISE)

# Always disqualifying, even in "Age ≥ …" sentences: age-banded tables of other values.
_AGE_TABLE = re.compile(r"creatinine|clearance|mg/dl|µmol|weight|\bkg\b|\bbsa\b|\bdose", re.I)
_AGE_NUMBER = r"(?P<n>\d{1,3}(?:\.\d+)?|" + "|".join(NUMBER_WORDS) + ")"
_AGE_RANGE = re.compile(
    r"(?:between\s+|from\s+|aged?\s*:?\s*|age\s+range\s*:?\s*)?"
    r"(?P<a>\d{1,3}(?:\.\d+)?)\s*(?P<ua>years?|yrs?|months?|mos?|weeks?|days?)?\s*"
    r"(?:-|to|and|through|until)\s*(?P<b>\d{1,3}(?:\.\d+)?)\s*(?P<ub>years?|yrs?|y\b|months?|"
    r"mos?|weeks?|days?)?",
    re.IGNORECASE,
)
_AGE_PREFIXED = re.compile(
    rf"{_OP}\s*(?:the\s+age\s+of\s+|age\s+)?{_AGE_NUMBER}\s*(?:\(\s*\d+\s*\)\s*)?{AGE_UNIT}?",
    re.IGNORECASE,
)
_AGE_SUFFIXED = re.compile(
    rf"{_AGE_NUMBER}\s*{AGE_UNIT}?\s*(?:of\s+age\s+|old\s+)?(?:(?:or|and)\s+(?P<dir>older|over|"
    r"above|more|greater|up|younger|under|less|below|beyond)\b|\+)",
    re.IGNORECASE,
)
_AGE_WORD_BEFORE = re.compile(r"\bage[ds]?\b[^.;]{0,25}$", re.IGNORECASE)


def _read_age(ctx: _Context) -> list[_Found]:
    text = ctx.text
    heading_age = ctx.heading.startswith("age")
    if not heading_age and not _AGE_CONTEXT_L.search(ctx.lower):
        return []
    if _AGE_NOISE_L.search(ctx.lower) and not re.match(r"\W*(?:patients?'?\s+)?age", text, re.I):
        return []
    if ctx.prohibited and ctx.section == INCLUSION:
        return []
    # "2 to 21 years of age (parental consent if under 18)": an aside's condition is its own.
    lower = (_strip_parentheses(text) if "(" in text else text).lower()
    if _CONDITIONAL_L.search(lower) or _LEAD_CONDITIONAL_L.search(lower) or _AGE_TABLE.search(text):
        return []  # "for patients 10 to 12 years of age", "healthy volunteers … only if aged 18"
    low: float | None = None
    high: float | None = None
    spans: list[tuple[int, int]] = []
    for match in _AGE_RANGE.finditer(text):
        unit_b = match.group("ub") or match.group("ua")
        if unit_b is None and not (
            heading_age
            or re.search(r"\bage", match.group(0), re.I)
            or re.search(
                r"\bage[ds]?\s*(?:range\s*)?(?:of|:|between|from)?\s*$", text[: match.start()], re.I
            )
        ):
            continue
        unit_a = match.group("ua") or unit_b
        a, b = age_years(match.group("a"), unit_a), age_years(match.group("b"), unit_b)
        if a is None or b is None or a >= b:
            continue
        low, high = a, b
        spans.append(match.span())
    for match in _AGE_PREFIXED.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        unit = match.group("unit")
        if not unit and not (heading_age or _AGE_WORD_BEFORE.search(text[: match.start()])):
            continue
        years = age_years(match.group("n"), unit)
        if years is None:
            continue
        op = _SPACES.sub(" ", match.group("op").lower())
        if op.startswith("older") or re.fullmatch(f"{_GE}|{_GT}", op, re.I):
            low = years
        else:
            high = years
        spans.append(match.span())
    for match in _AGE_SUFFIXED.finditer(text):
        if any(a <= match.start() < b for a, b in spans):
            continue
        unit = match.group("unit")
        if not unit and not (heading_age or _AGE_WORD_BEFORE.search(text[: match.start()])):
            continue
        years = age_years(match.group("n"), unit)
        if years is None:
            continue
        if (match.group("dir") or "older").lower() in ("younger", "under", "less", "below"):
            high = years
        else:
            low = years
        spans.append(match.span())
    if (low is None and high is None) or (low is not None and high is not None and low > high):
        return []
    start, end = min(a for a, _b in spans), max(b for _a, b in spans)
    return [_Found(start, end, ctx.criterion("age", min_years=low, max_years=high))]


def _age_field(value: str | None) -> float | None:
    if not value or not isinstance(value, str):
        return None
    match = re.match(r"\s*(\d+(?:\.\d+)?)\s*(year|month|week|day|hour|minute)", value, re.I)
    if match is None:
        return None
    amount = float(match.group(1))
    unit = match.group(2).lower()
    factor = {
        "year": 1.0,
        "month": 1 / 12,
        "week": 7 / 365.25,
        "day": 1 / 365.25,
        "hour": 1 / 8766,
        "minute": 1 / 525960,
    }[unit]
    return round(amount * factor, 4)


# --- Sex and pregnancy ----------------------------------------------------------------------

_SEX_LEAD = re.compile(
    r"^\W*(?:(?:patients|participants|subjects)\s+must\s+be\s+|only\s+)?(?:(?:adult|post-?"
    r"menopausal|pre-?menopausal|perimenopausal|ambulatory|healthy|non-pregnant)\s+)?"
    rf"(?P<sex>{FEMALE_WORDS}|{MALE_WORDS})\b(?:\s+(?:patients?|participants?|"
    r"subjects?|volunteers?|only))?\s*(?:$|[,(≥>]|\d|\b(?:aged?|with|diagnosed|between|older|"
    r"over|of\s+age|only|who\s+(?:have|has)\s+(?:been\s+)?diagnosed)\b)",
    re.IGNORECASE,
)
_SEX_NOISE = re.compile(
    r"child[\s-]?bearing|contracep|pregnan|potential|lactat|breast[\s-]?feed|fertil|sexual|"
    r"partner|either\s+sex|both\s+sex|any\s+sex|gender",
    re.IGNORECASE,
)

_SEX_NOISE_L = _lowercase(_SEX_NOISE)


def _read_sex(ctx: _Context) -> list[_Found]:
    if ctx.section != INCLUSION or ctx.prohibited:
        return []
    text = ctx.text
    if ctx.heading.startswith(("sex", "gender")) and re.fullmatch(
        r"\W*(female|male)s?(?:\s+only)?\W*", text, re.I
    ):
        sex = "female" if text.strip().lower().startswith("f") else "male"
        return [_Found(0, len(text), ctx.criterion("sex", sex=sex))]
    match = _SEX_LEAD.match(text)
    if match is None or _SEX_NOISE_L.search(ctx.lower):
        return []
    female = bool(FEMALE.search(text))
    male = bool(MALE.search(text))
    if female == male:
        return []
    return [
        _Found(
            match.start("sex"),
            match.end("sex"),
            ctx.criterion("sex", sex="female" if female else "male"),
        )
    ]


def _read_pregnancy(ctx: _Context) -> list[_Found]:
    text = ctx.text
    if PREGNANCY_NOISE.search(text):
        return []
    if ctx.section == EXCLUSION:
        match = PREGNANT_LEAD.match(text)
        if match is None:
            return []
        return [
            _Found(match.start("word"), match.end("word"), ctx.criterion("pregnancy", present=True))
        ]
    match = NOT_PREGNANT.match(text)
    if match is None:
        return []
    return [_Found(match.start(), match.end(), ctx.criterion("pregnancy", present=False))]

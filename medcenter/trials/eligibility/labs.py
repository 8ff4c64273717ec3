"""Laboratory value criteria: blood counts, kidney and liver tests, INR."""

import re
from typing import Any, NamedTuple

from medcenter.trials.eligibility.context import (
    _GE,
    _GT,
    _LE,
    _LT,
    _SPACES,
    EXCLUSION,
    INCLUSION,
    _clause_before,
    _Context,
    _Found,
)

LAB_TESTS = (
    "anc",
    "platelets",
    "hemoglobin",
    "creatinine",
    "creatinine_clearance",
    "bilirubin",
    "ast",
    "alt",
    "albumin",
    "inr",
)

_LAB_NAMES: tuple[tuple[str, str], ...] = (
    (
        "creatinine_clearance",
        r"(?:calculated\s+|measured\s+|estimated\s+)?creatinine\s+clearance"
        r"|\bCrCl\b|\bCLcr\b|\bCrCL\b|glomerular\s+filtration\s+rate|\beGFR\b|\bGFR\b",
    ),
    (
        "anc",
        r"absolute\s+neutrophil(?:e|s)?(?:\s+count)?|\bANC\b|neutrophil\s+count|"
        r"neutrophils|absolute\s+granulocyte\s+count|\bAGC\b|granulocytes?(?:\s+count)?",
    ),
    ("platelets", r"platelets?(?:\s+counts?)?|thrombocytes?(?:\s+counts?)?|\bPLTs?\b|\bplt\b"),
    ("hemoglobin", r"ha?emoglobin|\bHGB\b|\bHgb\b|\bHb\b"),
    ("creatinine", r"(?:serum\s+)?creatinine(?!\s+clearance)|\bSCr\b"),
    (
        "bilirubin",
        r"(?<!direct\s)(?<!conjugated\s)(?<!indirect\s)(?<!unconjugated\s)"
        r"(?:total\s+)?(?:serum\s+)?bilirubin|\bT\.?\s?bili\b|\bTBILI?\b",
    ),
    (
        "both",
        r"transaminases|\bAST\s*/\s*ALT\b|\bALT\s*/\s*AST\b|\bSGOT\s*/\s*SGPT\b|"
        r"\bSGPT\s*/\s*SGOT\b|\bAST\s+and\s+ALT\b|\bALT\s+and\s+AST\b|\bASAT\s*/\s*ALAT\b|"
        r"\bALAT\s*/\s*ASAT\b|aminotransferases",
    ),
    ("ast", r"\bAST\b|\bSGOT\b|\bASAT\b|aspartate\s+(?:amino\s*)?trans(?:aminase|ferase)"),
    ("alt", r"\bALT\b|\bSGPT\b|\bALAT\b|alanine\s+(?:amino\s*)?trans(?:aminase|ferase)"),
    ("albumin", r"(?:serum\s+)?albumin(?!uria)"),
    ("inr", r"\bINR\b|international\s+normali[sz]ed\s+ratio"),
)
_LAB_RE = re.compile(
    "|".join(f"(?P<{name}>{pattern})" for name, pattern in _LAB_NAMES),
)
_LAB_RE_CI = re.compile(
    "|".join(f"(?P<{name}>{pattern})" for name, pattern in _LAB_NAMES),
    re.IGNORECASE,
)
_LAB_WORD_GATE = re.compile(
    r"neutrophil|granulocyte|platelet|thrombocyt|moglobin|creatinin|bilirubin|transaminase|"
    r"aminotransferase|amino\s+transferase|albumin|normali[sz]ed|filtration|bili\b|\bplt"
)
_LAB_ABBREVIATION_GATE = re.compile(
    r"\b(?:ANC|AGC|PLTs?|HGB|Hgb|Hb|CrCl|CLcr|CrCL|e?GFR|SCr|TBILI?|AST|ALT|SGOT|SGPT|ASAT|ALAT|"
    r"INR)\b"
)
_ULN = (
    r"(?:the\s+)?(?:institutional\s+|local\s+|laboratory\s+|lab\s+)?(?:upper\s+limits?\s+of\s+"
    r"(?:the\s+)?(?:institutional\s+|local\s+)?(?:normal|reference)(?:\s+range)?(?:\s+\(ULN\))?|"
    r"ULN|UNL|ULRR|upper\s+normal\s+limit|upper\s+limit\s+normal)(?:\s+\(ULN\))?"
)
_LAB_OP = rf"(?P<op>{_GE}|{_LE}|{_GT}|{_LT}|within)"
_LAB_VALUE = re.compile(
    _LAB_OP + r"\s*(?:the\s+|a\s+value\s+of\s+)?"
    r"(?:(?P<mult>\d+(?:\.\d+)?)\s*(?:x|\u00d7|\*|times|fold|-fold)\s*" + _ULN + r"|"
    r"(?P<uln>" + _ULN + r")|"
    r"(?P<num>\d{1,3}(?:,\d{3})+|\d{1,3}(?:\.\d{3})+(?=\s*(?:/|cells|per))|\d+(?:\.\d+)?)\s*"
    r"(?:(?:x|\u00d7|\*)\s*10\s*(?:\^|e|exp|\*\*)?\s*(?P<exp>\d{1,2})\s*(?P<per>/\s*(?:l|µl|ul|mm3|"
    r"mm\^3|mcl))\b|(?P<unit>(?:cells\s*)?/\s*(?:µl|ul|mcl|mm\s*\^?\s*3|mm3|cu\s*mm|l|dl)\b|"
    r"(?:g|gm|gms|mg|µg|ug|mcg|ng)\s*/\s*(?:dl|l|ml)\b|(?:µmol|umol|mmol|µm|micromol)\s*/\s*l\b|"
    r"(?:ml|cc)\s*/\s*min(?:ute)?(?:\s*/\s*1[.,]73\s*m\s*\^?\s*2|\s*per\s*1[.,]73\s*m\s*\^?2)?|"
    r"k\s*/\s*(?:µl|ul|mcl|mm3)|%|iu/l|u/l))?)",
    re.IGNORECASE,
)
# Words between a test and its bound; "and", "or" or a comma there start another statement
# ("< 5 x ULN ALT and < 2.0 mg/dl bilirubin" puts the value before the name).
_LAB_FIRST = re.compile(
    r"(?:\s*\([^()]{0,40}\))?(?:(?!\b(?:and|or)\b)[^0-9;,≤≥<>]){0,35}?(?=" + _LAB_OP + r")",
    re.IGNORECASE,
)
_LAB_JOIN = re.compile(
    r"[\s,/)]*(?:\([^()]{0,30}\))?[\s,/)]*(?:and/or|and|or|&|/)?[\s(]*(?:serum\s+|total\s+|the\s+)?",
    re.IGNORECASE,
)
_LAB_EXCEPTION = re.compile(
    r"\bexcept\b|\bunless\b|\bexception\b|gilbert|\bif\b|\bin\s+(?:the\s+)?(?:case|presence)\b|"
    r"\bfor\s+(?:patients|subjects|participants|those)\b|\bin\s+(?:patients|subjects|those)\b|"
    r"\bdue\s+to\b|\bsecondary\s+to\b|\battributable\b|\bwith\s+(?:liver|hepatic|bone)\b",
    re.IGNORECASE,
)


def _lab_op(word: str) -> str | None:
    word = _SPACES.sub(" ", word.lower().strip())
    if word in ("≥", "≤", ">", "<"):
        return {"≥": ">=", "≤": "<=", ">": ">", "<": "<"}[word]
    if re.fullmatch(_GE, word, re.IGNORECASE):
        return ">="
    if re.fullmatch(_LE, word, re.IGNORECASE):
        return "<="
    if re.fullmatch(_GT, word, re.IGNORECASE):
        return ">"
    if re.fullmatch(_LT, word, re.IGNORECASE):
        return "<"
    return None


class _Threshold(NamedTuple):
    start: int
    end: int
    op: str
    value: float
    unit: str | None
    uln: bool


class _LabGroup(NamedTuple):
    start: int
    end: int
    tests: list[str]
    or_joined: bool  # "AST or ALT ≤ …": the tests share one bound as alternatives
    thresholds: list[_Threshold]
    window: str  # the text from the last test name to the next one, for exceptions


def _lab_mentions(text: str) -> list[tuple[int, int, tuple[str, ...]]]:
    mentions: list[tuple[int, int, tuple[str, ...]]] = []
    for match in _LAB_RE_CI.finditer(text):
        name = match.lastgroup or ""
        word = match.group(0)
        if not _LAB_RE.fullmatch(word) and not re.search(r"[a-z]{5}", word):
            # Abbreviations only as written in capitals: "alt", "hb", "EGFR" are other words.
            continue
        tests = ("ast", "alt") if name == "both" else (name,)
        if (
            mentions
            and mentions[-1][2] == tests
            and re.fullmatch(
                r"[\s(),/]*(?:or|and|and/or)?[\s(),/]*", text[mentions[-1][1] : match.start()], re.I
            )
        ):
            mentions[-1] = (mentions[-1][0], match.end(), tests)
            continue
        mentions.append((match.start(), match.end(), tests))
    return mentions


def _lab_groups(text: str) -> list[_LabGroup]:
    """Test names with the bounds written after them; names with no bound of their own
    ("AST and ALT ≤ 2.5 x ULN") join the next."""
    mentions = _lab_mentions(text)
    groups: list[_LabGroup] = []
    pending: list[str] = []
    pending_start = 0
    or_joined = False
    for index, (start, end, tests) in enumerate(mentions):
        next_start = mentions[index + 1][0] if index + 1 < len(mentions) else len(text)
        window = text[end:next_start]
        if not pending:
            pending_start, or_joined = start, False
        pending.extend(tests)
        thresholds = _thresholds(window, end)
        if not thresholds:
            if index + 1 < len(mentions) and _LAB_JOIN.fullmatch(window):
                or_joined = or_joined or bool(
                    re.search(r"\bor\b", window, re.I) and "and/or" not in window.lower()
                )
            else:
                pending = []
            continue
        tests_here = list(dict.fromkeys(pending))
        pending = []
        group = _LabGroup(
            pending_start, thresholds[-1].end, tests_here, or_joined, thresholds, window
        )
        if (
            groups
            and groups[-1].tests == tests_here
            and re.search(r"\bor\b", text[groups[-1].end : pending_start], re.I)
        ):
            # "bilirubin ≤ ULN; or total bilirubin ≤ 3 x ULN (Gilbert's)": one test, two bounds.
            previous = groups.pop()
            group = _LabGroup(
                previous.start,
                group.end,
                tests_here,
                previous.or_joined,
                previous.thresholds + thresholds,
                "",
            )
        groups.append(group)
    return groups


def _read_labs(ctx: _Context) -> list[_Found]:
    text = ctx.text
    if (ctx.prohibited and ctx.section == INCLUSION) or ctx.lead_conditional:
        return []
    if not _LAB_WORD_GATE.search(ctx.lower) and not _LAB_ABBREVIATION_GATE.search(text):
        return []
    groups = _lab_groups(text)
    chosen = [_chosen_threshold(g.thresholds, g.window) for g in groups]
    keep = [threshold is not None for threshold in chosen]
    for index, group in enumerate(groups):
        if ctx.section == INCLUSION and group.or_joined and len(group.tests) > 1:
            keep[index] = False
        if (
            ctx.section == EXCLUSION
            and not group.or_joined
            and len(group.tests) > 1
            and not re.search(
                r"/|\band/or\b|transaminases|aminotransferases", text[group.start : group.end], re.I
            )
        ):
            keep[index] = False
        if index == 0:
            continue
        link = text[groups[index - 1].end : group.start]
        if _LAB_EXCEPTION.search(link):
            keep[index] = keep[index - 1] = False
        if ctx.section == INCLUSION and re.search(r"\bor\b|\botherwise\b", link, re.I):
            keep[index] = keep[index - 1] = False
        if (
            ctx.section == EXCLUSION
            and re.search(r"\band\b(?!/)", link, re.I)
            and not re.search(r"[;,]", link)
        ):
            keep[index] = keep[index - 1] = False
    found: list[_Found] = []
    for group, threshold, kept in zip(groups, chosen, keep, strict=True):
        if not kept or threshold is None:
            continue
        if ctx.section == INCLUSION and (
            re.search(r"\bor\s*[(,]?\s*$", text[max(0, group.start - 10) : group.start], re.I)
            or re.match(r"\s*[),]?\s*or\b", text[group.end :], re.I)
        ):
            continue  # "BMI < 24 or albumin < 35 g/L": another way to meet it
        if re.search(r"\b(?:if|when|unless|whenever)\b", _clause_before(text, group.start), re.I):
            continue  # "If the creatinine is > 2.0 mg/dL, obtain a 24-hour urine collection"
        for test in group.tests:
            keys: dict[str, Any] = {"test": test, "op": threshold.op}
            if threshold.uln:
                keys["uln_multiple"] = threshold.value
            elif threshold.unit == "" and test != "inr":
                continue
            else:
                unit = threshold.unit or None
                if test in ("anc", "platelets") and unit == "g/l":
                    unit = "10^9/l"  # "G/L": giga per litre, as French protocols write it
                keys["value"] = threshold.value
                keys["unit"] = unit
            found.append(_Found(group.start, group.end, ctx.criterion("lab", **keys)))
    return found


def _thresholds(window: str, offset: int) -> list[_Threshold]:
    first = _LAB_FIRST.match(window)
    if first is None:
        return []
    found: list[_Threshold] = []
    for match in _LAB_VALUE.finditer(window, first.end()):
        if found and re.search(
            r"[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}\s+[a-z]{3,}",
            window[found[-1].end - offset : match.start()],
            re.I,
        ):
            break
        threshold = _threshold(match, offset)
        if threshold is None:
            if not found:
                return []
            continue
        found.append(threshold)
    return found


def _threshold(match: re.Match[str], offset: int) -> _Threshold | None:
    op = _lab_op(match.group("op"))
    if op is None:
        return None
    start, end = offset + match.start(), offset + match.end()
    if match.group("mult"):
        return _Threshold(start, end, op, float(match.group("mult")), None, True)
    if match.group("uln"):
        return _Threshold(start, end, op, 1.0, None, True)
    number = match.group("num")
    if number is None:
        return None
    unit: str
    if match.group("exp"):
        per = _SPACES.sub("", match.group("per").lower())
        unit = f"10^{match.group('exp')}{per}"
    elif match.group("unit"):
        unit = _SPACES.sub("", match.group("unit").lower())
    elif re.match(r"\s*(?:$|[,;.)]\s|[,;)]|\band\b|\bor\b)", match.string[match.end() :]):
        unit = ""  # a ratio (INR): the reader keeps it only for tests without units
    else:
        return None
    if re.fullmatch(r"\d{1,3}(?:\.\d{3})+", number) and re.search(r"mm|µl|ul|mcl", unit):
        number = number.replace(".", "")
    return _Threshold(start, end, op, float(number.replace(",", "")), unit, False)


def _chosen_threshold(thresholds: list[_Threshold], window: str) -> _Threshold | None:
    """One bound for one test. Alternatives ("≤ 3 x ULN, ≤ 5 x ULN with liver metastases")
    give the loosest, which holds for every eligible patient; a unit conversion in brackets
    ("9 g/dL (5.6 mmol/L)") is the same bound; an exception with no bound ("except Gilbert's")
    or bounds that cannot be compared give none."""
    first = thresholds[0]
    upper = first.op in ("<", "<=")
    if any((t.op in ("<", "<=")) != upper for t in thresholds):
        return None
    exception = bool(_LAB_EXCEPTION.search(window))
    same = [t for t in thresholds if t.uln == first.uln and t.unit == first.unit]
    if len(same) != len(thresholds):
        if exception:
            return None
        others = [t for t in thresholds if t not in same]
        first_end = first.end - thresholds[0].start
        if not all(t.start - first.start <= first_end + 40 for t in others):
            return None
    elif exception and len(same) == 1:
        return None
    if upper:
        return max(same, key=lambda t: (t.value, t.op == "<="))
    return min(same, key=lambda t: (t.value, t.op == ">"))

"""Stage criteria: stage groups and exact stages, metastatic, locally advanced, unresectable."""

import itertools
import re
from collections.abc import Sequence
from typing import Any

from medcenter.trials.eligibility.context import (
    _CANCER_GATE,
    _HARMLESS_OR,
    INCLUSION,
    _clause_before,
    _Context,
    _Found,
    _lowercase,
    _strip_parentheses,
)
from medcenter.trials.recognisers.scope import NEGATED_BEFORE, NOTE_NEGATED_BEFORE

STAGE_GROUPS = ("0", "I", "II", "III", "IV")

_ROMAN = r"(?:IV|I{1,3}|0)"
_STAGE_TOKEN = rf"(?:{_ROMAN}|[1-4])(?:[A-D]\d?|[a-d](?![a-z]))?"
_STAGE = re.compile(
    rf"\b(?i:stages?)\s*(?P<spec>{_STAGE_TOKEN}(?:\s*(?:-|to|through|/|,\s*(?:or\s+|and\s+)?|or|"
    rf"and|and/or)\s*(?:(?i:stage)\s*)?{_STAGE_TOKEN})*)(?![A-Za-z0-9])",
)
_STAGE_NOISE = re.compile(
    r"\b(?:study|trial|protocol|enrol\w*|registration|arms?|open\s+to|match|"
    r"dose|cohort|part|phase|portion|expansion|escalation|"
    r"renal|kidney|end[\s-]stage|sleep|tanner|pressure\s+ulcer|hypertension|heart\s+failure|"
    r"nyha|ckd|chronic\s+kidney)\b",
    re.IGNORECASE,
)
_METASTATIC = re.compile(
    r"(?<![\w-])(?P<neg>non[\s-]?)?metastatic(?![\s-]+(?:lesions?|sites?|tissue|deposits?|foci|"
    r"biops\w*|samples?|specimens?|nodes?|tumou?r\s+(?:tissue|samples?|biops\w*)|brain|cns|"
    r"spinal|bone\s+(?:lesion|disease)|setting|work-?up|evaluation|survey|screening))|"
    r"\bdistant\s+metasta\w+|\bstage\s+IV\b",
    re.IGNORECASE,
)
_LOCALLY_ADVANCED = re.compile(r"\blocally[\s-]+advanced\b", re.IGNORECASE)
_UNRESECTABLE = re.compile(
    r"\b(?:unresectable|non[\s-]?resectable|inoperable|not\s+(?:amenable|suitable|eligible)\s+"
    r"(?:to|for)\s+(?:curative\s+)?(?:surgery|surgical\s+resection|resection)|not\s+(?:a\s+)?"
    r"candidates?\s+for\s+(?:curative\s+)?(?:surgery|resection|surgical\s+resection))\b",
    re.IGNORECASE,
)
_SETTING_BEFORE = re.compile(
    r"(?:\b(?:in|for|during|to|treatment\s+of|therapy\s+of)\s+(?:the\s+)?(?:(?:locally\s+)?advanced\s*(?:or|/|and/or)\s*)?|"
    r"\bprimary\s+(?:or|and|and/or)\s+|\bor\s+primary\s+|\bthan\s+)$",
    re.IGNORECASE,
)
_STAGE_GATE = re.compile(r"stage|metasta|advanced|resect|operable|amenable|candidate", re.I)

_STAGE_GATE_L = _lowercase(_STAGE_GATE)

_RECURRENT_OR = re.compile(
    r"\b(?:recurrent|relapsed|relapsing|recurrence|progressive|persistent|refractory)\b",
    re.IGNORECASE,
)


# Each stage group with its substages in order; a bare group stands for all of them.
SUBSTAGES: dict[str, tuple[str, ...]] = {
    "0": ("0", "0A", "0IS"),
    "I": ("I", "IA", "IA1", "IA2", "IA3", "IB", "IB1", "IB2", "IB3", "IC"),
    "II": ("II", "IIA", "IIA1", "IIA2", "IIB", "IIC"),
    "III": ("III", "IIIA", "IIIA1", "IIIA2", "IIIB", "IIIC", "IIIC1", "IIIC2", "IIID"),
    "IV": ("IV", "IVA", "IVB", "IVC"),
}


def _stage_span(read: list[tuple[str, str]], separators: list[str]) -> tuple[list[str], list[str]]:
    """Groups and every exact stage a written list or range admits: "IIIB-IV" gives
    (["III", "IV"], ["IIIB", "IIIC", …, "IV", "IVA", …])."""
    groups: list[str] = []
    details: list[str] = []

    def add(group: str, stages: Sequence[str]) -> None:
        if group not in groups:
            groups.append(group)
        details.extend(stage for stage in stages if stage not in details)

    def one(group: str, full: str) -> list[str]:
        return [s for s in SUBSTAGES[group] if s.startswith(full)] or [full]

    for index, (group, full) in enumerate(read):
        ranged = index > 0 and re.search(r"-|to|through", separators[index - 1] or "", re.I)
        if not ranged:
            add(group, one(group, full))
            continue
        start_group, start_full = read[index - 1]
        low, high = STAGE_GROUPS.index(start_group), STAGE_GROUPS.index(group)
        first = SUBSTAGES[start_group]
        if low == high:
            begin = first.index(start_full) if start_full in first else 0
            add(group, [s for s in first[begin:] if s <= full or s.startswith(full)])
            continue
        begin = first.index(start_full) if start_full in first else 0
        add(start_group, first[begin:])
        for between in STAGE_GROUPS[low + 1 : high]:
            add(between, SUBSTAGES[between])
        last = SUBSTAGES[group]
        if full == group:
            add(group, last)
        else:
            end = last.index(full) if full in last else 0
            add(group, [*last[1 : end + 1], *one(group, full)])
    return groups, details


def _stage_group(token: str) -> tuple[str, str]:
    """("III", "IIIB") for "IIIB", ("I", "IB") for "1b"."""
    match = re.match(r"(IV|I{1,3}|0|[1-4])(.*)", token, re.IGNORECASE)
    if match is None:
        return token, token
    base = match.group(1).upper()
    base = {"1": "I", "2": "II", "3": "III", "4": "IV"}.get(base, base)
    return base, base + match.group(2).upper()


_STAGE_CONTEXT_NOISE = re.compile(
    r"\b(?:remission|adequately\s+treated|curatively|cured|survivors?|history|prior|previous(?!ly\s+"
    r"untreated)|other\s+malignan\w*|second|another|hoehn|yahr|tanner|nyha|gold|braak|ckd|kdigo|"
    r"sleep|ulcers?|hypertension|heart\s+failure|kidney|renal\s+disease|liver\s+disease|"
    r"cirrhosis|fibrosis|copd|lyme|syphilis|hiv|parkinson\w*|alzheimer\w*|dementia|"
    r"retinopathy|nephropathy|osteoarthritis|lymphedema|pressure|pubert\w*|pubertal|"
    r"designation|workup|work-up)\b",
    re.IGNORECASE,
)
_STAGE_JOIN = re.compile(
    r"^[\s,/-]*(?:(?:and/or|or|and|to|through|stage|disease|cancer|carcinoma|tumou?rs?|unresectable|"
    r"locally|advanced|metastatic|recurrent|inoperable|with|clinical|pathologic\w*|ajcc|figo)"
    r"[\s,/-]*)*$",
    re.IGNORECASE,
)
_STATE_WORDS = (
    r"(?:recurren\w*|relaps\w*|refractory|persistent|progressi\w*|residual|local(?!ly)\w*|"
    r"regional|(?<!locally\s)(?<!locally-)advanced|declin\w*|refus\w*|ineligible|unfit|"
    r"candidates?|resectable|operable|curable|"
    r"amenable|suitable|unable|incurable|high[\s-]risk|intermediate|low[\s-]risk|node[\s-]positive|"
    r"nodes?|t\d|n\d|m\d)"
)
_OTHER_STATE_OR = re.compile(
    rf"\bor\s+(?:[\w-]+\s+){{0,3}}?{_STATE_WORDS}\b|\b{_STATE_WORDS}\s+(?:[\w-]+\s+){{0,3}}?or\b",
    re.IGNORECASE,
)
_EXCLUSION_STAGE_LEAD = re.compile(
    r"^\W*(?:(?:patients?|subjects?|participants?)\s+(?:with|who\s+(?:have|has))\s+)?(?:(?:known|"
    r"documented|confirmed|clinical|radiologic\w*|radiographic\w*|definitive|evidence|presence|"
    r"demonstration|diagnosis|of|or|and|has|have|with|a|an|the|any|biopsy[\s-]proven)\s+)*$",
    re.IGNORECASE,
)


def _read_stage(ctx: _Context) -> list[_Found]:
    if not _STAGE_GATE_L.search(ctx.lower):
        return []
    if ctx.prohibited and ctx.section == INCLUSION:
        return []
    if ctx.conditional or ctx.permissive or ctx.lead_conditional:
        return []
    # Stages in brackets are examples or definitions ("high risk (e.g. stage IV)").
    text = _strip_parentheses(ctx.text) if "(" in ctx.text else ctx.text
    if _STAGE_CONTEXT_NOISE.search(text):
        return []
    stages: list[str] = []
    detail: list[str] = []
    elements: list[tuple[int, int]] = []
    for match in _STAGE.finditer(text):
        if _STAGE_NOISE.search(text[max(0, match.start() - 30) : match.end() + 30]):
            continue
        spec = match.group("spec")
        tokens = re.findall(_STAGE_TOKEN, spec)
        separators = re.split(_STAGE_TOKEN, spec)[1:-1]
        read = [_stage_group(token) for token in tokens]
        if any(group not in STAGE_GROUPS for group, _full in read):
            return []
        upward = re.search(
            r"(?:≥|>|at\s+least|greater\s+than|higher\s+than|or\s+higher)\s*$",
            text[: match.start()],
            re.I,
        ) or re.match(
            r"\s*(?:or\s+(?:higher|above|greater|later|more\s+advanced)|\+|and\s+(?:above|higher))",
            text[match.end() :],
            re.I,
        )
        if upward:
            read.append(("IV", "IV"))
            separators = [*separators[: len(read) - 2], "-"]
        elif re.search(r"(?:≤|<|up\s+to|less\s+than|lower\s+than)\s*$", text[: match.start()]):
            return []
        groups, details = _stage_span(read, separators)
        stages.extend(g for g in groups if g not in stages)
        detail.extend(d for d in details if d not in detail)
        elements.append(match.span())
    flags: list[str] = []
    for match in _METASTATIC.finditer(text):
        if match.group("neg"):
            return []
        if match.group(0).lower().startswith("stage"):
            continue
        if _SETTING_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
            continue
        flags.append("metastatic")
        elements.append(match.span())
    for pattern, name in ((_LOCALLY_ADVANCED, "locally_advanced"), (_UNRESECTABLE, "unresectable")):
        for match in pattern.finditer(text):
            if _SETTING_BEFORE.search(text[max(0, match.start() - 40) : match.start()]):
                continue
            flags.append(name)
            elements.append(match.span())
    if not stages and not flags:
        return []
    elements.sort()
    start, end = elements[0][0], elements[-1][1]
    if NEGATED_BEFORE.search(_clause_before(text, start)):
        return []
    if ctx.section == INCLUSION:
        # Any "or" beyond the stage words themselves may offer another way in ("… or
        # recurrent disease", "decline surgery or inoperable"): the stage would be too strict.
        joins = [text[a[1] : b[0]] for a, b in itertools.pairwise(elements)]
        if _OTHER_STATE_OR.search(_HARMLESS_OR.sub(" ", text)) or not all(
            _STAGE_JOIN.match(_HARMLESS_OR.sub(" ", j)) for j in joins
        ):
            return []
        if _RECURRENT_OR.search(ctx.text) and re.search(r"\bor\b|/", ctx.text, re.I):
            return []
    else:
        if set(detail) != {s for group in stages for s in SUBSTAGES[group]}:
            return []  # "Stage IIIA" as an exclusion must not exclude every stage III
        if (stages and flags) or len(set(flags)) > 1 or _CANCER_GATE.search(text):
            return []
        if not _EXCLUSION_STAGE_LEAD.match(text[:start]) or (
            "metastatic" in flags
            and not re.match(
                r"\s*(?:disease|cancer|malignancy|tumou?rs?)\b|\s*$|\s*[.;,]", text[end:], re.I
            )
            and not re.search(r"distant", text[start:end], re.I)
        ):
            return []  # "metastatic celiac nodes", "extra-peritoneal metastatic disease"
        if re.search(r"\b(?:only|solely|limited\s+to)\b", text, re.I):
            return []
    keys: dict[str, Any] = {name: True for name in dict.fromkeys(flags)}
    if stages:
        keys["stages"] = stages
        if set(detail) != {s for group in stages for s in SUBSTAGES[group]}:
            keys["detail"] = detail
    return [_Found(start, end, ctx.criterion("stage", **keys))]


# --- What a note says -----------------------------------------------------------------------

_NOTE_STAGE = re.compile(rf"\b(?i:stage)\s*(?P<s>{_STAGE_TOKEN})(?![A-Za-z0-9])")
_NOTE_METASTATIC_NEG = re.compile(
    r"\bnon[\s-]?metastatic\b|\bno\s+(?:evidence\s+of\s+)?(?:distant\s+)?(?:metastas[ie]s|"
    r"metastatic\s+disease)\b|\blocali[sz]ed\s+(?:disease|cancer|tumou?r)\b|"
    r"\bwithout\s+(?:evidence\s+of\s+)?(?:distant\s+)?metastas",
    re.IGNORECASE,
)
_NOTE_METASTATIC = re.compile(
    r"\bmetastatic\b|\bmetastas[ie]s\s+(?:to|in)\b|\bmetastasized\b|\b(?:liver|lung|bone|"
    r"brain|adrenal|peritoneal|distant|osseous|hepatic|pulmonary)\s+metastas[ie]s\b|"
    r"\bmetastatic\s+lesions?\b|\bstage\s+(?:IV|4)\b",
    re.IGNORECASE,
)


def note_stage(text: str) -> tuple[str, str] | None:
    """The first stage a note names, as (group, exact stage): ("III", "IIIB") for "stage
    IIIB"; None when it names none."""
    match = _NOTE_STAGE.search(text)
    if match is None:
        return None
    group, detail = _stage_group(match.group("s"))
    return (group, detail) if group in STAGE_GROUPS else None


def note_metastatic(text: str, sentences: Sequence[str]) -> bool | None:
    """True when a sentence of the note says the disease is metastatic (and does not deny or
    doubt it), else False when the note says it is not ("no distant metastases",
    "localized disease"), else None."""
    if any(_says_metastatic(sentence) for sentence in sentences):
        return True
    return False if _NOTE_METASTATIC_NEG.search(text) else None


def _says_metastatic(sentence: str) -> bool:
    match = _NOTE_METASTATIC.search(sentence)
    return (
        match is not None
        and not _NOTE_METASTATIC_NEG.search(sentence)
        and not NOTE_NEGATED_BEFORE.search(sentence[: match.start()])
    )

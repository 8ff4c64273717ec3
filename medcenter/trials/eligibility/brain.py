"""Brain metastases criteria, with the qualifier ("untreated", "stable", …) they carry."""

import re

from medcenter.trials.eligibility.context import (
    _DIAGNOSIS_AS_OBJECT,
    _TIMED_L,
    EXCLUSION,
    INCLUSION,
    _clause_before,
    _Context,
    _Found,
    _lowercase,
)
from medcenter.trials.recognisers.scope import NEGATED_BEFORE, NOTE_NEGATED_BEFORE

BRAIN_QUALIFIERS = ("untreated", "symptomatic", "active", "stable", "treated", "leptomeningeal")

_BRAIN = re.compile(
    r"\b(?:(?P<lepto>leptomeningeal\s+(?:disease|metasta\w*|carcinomatosis|involvement|spread|"
    r"seeding|dissemination)|carcinomatous\s+meningitis|meningeal\s+carcinomatosis|"
    r"leptomeningeal)|brain\s+metasta\w*|brain\s+mets\b|cerebral\s+metasta\w*|intracranial\s+"
    r"metasta\w*|(?:cns|central\s+nervous\s+system)(?:\s*\(cns\))?\s+metasta\w*|metasta\w*\s+(?:to|in|of|"
    r"involving)\s+(?:the\s+)?(?:brain|cns|central\s+nervous\s+system)|brain\s+lesions?|"
    r"(?:brain|cns)\s+(?:and/or|or)\s+leptomeningeal\s+metasta\w*|metastatic\s+(?:brain|cns)\s+"
    r"(?:disease|tumou?rs?|lesions?))",
    re.IGNORECASE,
)
_BRAIN_GATE = re.compile(r"metasta|mets\b|brain\s+lesion|lepto|mening", re.IGNORECASE)

_BRAIN_GATE_L = _lowercase(_BRAIN_GATE)

_BRAIN_QUALIFIER = re.compile(
    r"\b(?P<untreated>untreated|not\s+(?:been\s+)?(?:previously\s+)?treated|unirradiated|"
    r"previously\s+untreated|non-?irradiated)\b|\b(?P<asymptomatic>asymptomatic|"
    r"non-?symptomatic)\b|\b(?P<symptomatic>symptomatic)\b|\b(?P<active>active|progressive|"
    r"progressing|uncontrolled|unstable|growing|new|untreated\s+or\s+unstable|"
    r"requiring\s+(?:\w+\s+){0,2}(?:steroids?|corticosteroids?|treatment|therapy|"
    r"intervention))\b|\b(?P<stable>stable|controlled|clinically\s+stable|radiologically\s+"
    r"stable)\b|\b(?P<treated>treated|irradiated|resected|previously\s+treated)\b",
    re.IGNORECASE,
)

_EXCEPTION_WORD = re.compile(
    r"\b(?:unless|except|excluding|other\s+than|with\s+the\s+exception|provided|if\s+they|however|"
    r"if\s+(?:the\s+)?(?:patient|subject|participant)|as\s+long\s+as)\b",
    re.IGNORECASE,
)


_BRAIN_LEAD = re.compile(
    r"^\W*(?:(?:patients?|subjects?|participants?)\s+(?:with|must\s+have|who\s+have|having)\s+)?"
    r"(?:(?:known|documented|confirmed|radiologically|newly|diagnosed|presence|evidence|of|with|"
    r"have|has|must|a|an|the|at\s+least\s+one|one\s+or\s+more|measurable|histologically|"
    r"cytologically|or)\s+)*$",
    re.IGNORECASE,
)
_BRAIN_RESTRICTED = re.compile(
    r"\b(?:requir\w*|need\w*|within|progress\w*|new|symptom\w*|steroids?|corticosteroids?|"
    r"larger|size|mm|cm|diameter|number|multiple|more\s+than\s+\d|\d+\s+or\s+more|edema|"
    r"neurologic\w*|seizures?|unless|except|however|untreated|active|stable|uncontrolled|must|"
    r"should\s+have|complet\w*|radio\w*|radiat\w*|irradiat\w*|surg\w*|resect\w*|biops\w*|"
    r"evaluable|measurable|target)\b",
    re.IGNORECASE,
)


def _read_brain(ctx: _Context) -> list[_Found]:
    text = ctx.text
    if not _BRAIN_GATE_L.search(ctx.lower):
        return []
    matches = list(_BRAIN.finditer(text))
    if not matches:
        return []
    exception = _EXCEPTION_WORD.search(text)
    if exception is not None and exception.start() < matches[0].start():
        return []  # named only in the exception ("…; however, treated brain metastases are…")
    if any(_DIAGNOSIS_AS_OBJECT.search(text[: m.start()]) for m in matches):
        return []  # "radiotherapy for brain metastases", "biopsy of a brain metastasis"
    main_end = exception.start() if exception is not None else len(text)
    terms = [m for m in matches if m.start() < main_end]
    negated = bool(NEGATED_BEFORE.search(_clause_before(text, terms[0].start()))) and not re.search(
        r"\b(?:no|not)\s+(?:longer|more\s+than|required)\b", text[: terms[0].start()], re.I
    )
    if ctx.section == INCLUSION:
        if ctx.permissive or ctx.conditional or exception is not None:
            return []
        if _TIMED_L.search(ctx.lower) or re.search(
            r"\b(?:must|should|may|can|need|require|allowed)\b", text[terms[-1].end() :], re.I
        ):
            return []
        present = not negated
        if ctx.prohibited:
            present = not present
        if present and not _BRAIN_LEAD.match(text[: terms[0].start()]):
            return []
    else:
        if ctx.permissive or negated:
            return []
        present = True
    found: list[_Found] = []
    for index, match in enumerate(terms):
        previous_end = terms[index - 1].end() if index > 0 else 0
        next_start = terms[index + 1].start() if index + 1 < len(terms) else main_end
        before = text[max(previous_end, match.start() - 70) : match.start()]
        after = text[match.end() : min(next_start, match.end() + 60)]
        if match.group("lepto"):
            qualifiers = ["leptomeningeal"]
        else:
            qualifiers = _brain_qualifiers(before, after)
        if "asymptomatic" in qualifiers:
            return []
        if ctx.section == INCLUSION and present and qualifiers:
            return []
        if ctx.section == EXCLUSION and not qualifiers:
            if exception is not None:
                rest = text[exception.end() :].lower()
                treated_only = "treated" in rest and "stable" not in rest
                qualifiers = ["untreated" if treated_only else "active"]
            elif _BRAIN_RESTRICTED.search(text, 0, main_end) and not match.group("lepto"):
                # Restricted in words not read ("requiring steroids", "> 1 cm"): some brain
                # metastases are excluded, not all of them.
                qualifiers = ["active"]
        joined_and = len(qualifiers) > 1 and not re.search(r"\bor\b|,", before + after, re.I)
        if joined_and:
            qualifiers = qualifiers[:1]
        choices: list[str | None] = list(qualifiers) or [None]
        for qualifier in choices:
            criterion = ctx.criterion("brain_metastases", present=present, qualifier=qualifier)
            if all(f.criterion != criterion for f in found):
                found.append(_Found(match.start(), match.end(), criterion))
    return found


def _brain_qualifiers(before: str, after: str) -> list[str]:
    window = before + " " + after
    if re.search(r"\bstable\b", window, re.I) and not re.search(r"\bunstable\b", window, re.I):
        return ["stable"]
    qualifiers: list[str] = []
    for match in _BRAIN_QUALIFIER.finditer(window):
        name = match.lastgroup
        if name is None:
            continue
        if name == "treated" and re.search(r"(?:un|not\s+|non-?)$", window[: match.start()], re.I):
            continue
        if name not in qualifiers:
            qualifiers.append(name)
    if "untreated" in qualifiers and "treated" in qualifiers:
        qualifiers.remove("treated")
    return qualifiers


# --- What a note says -----------------------------------------------------------------------


def note_brain(sentence: str, known: bool | None) -> bool | None:
    """What one sentence of a note adds to what is `known` of brain metastases: True when it
    names them, False when it denies them (or a brain scan was clear) and nothing said yes;
    a mention to rule out or screen for says nothing."""
    for match in _BRAIN.finditer(sentence):
        before = sentence[: match.start()]
        if NOTE_NEGATED_BEFORE.search(before) or re.match(
            r"\s*(?:were|was|is|are)?\s*(?:ruled\s+out|excluded|absent|not\s+seen|negative)",
            sentence[match.end() :],
            re.I,
        ):
            if known is None:
                known = False
            continue
        if re.search(r"\brule\s+out|\bscreen\w*\s+for|\bevaluat\w+\s+for|\bconcern", before, re.I):
            continue
        known = True
    if known is None and re.search(
        r"\b(?:brain|head)\s+(?:mri|ct|imaging)\b[^.;]{0,40}\b(?:negative|normal|"
        r"unremarkable|no\s+(?:evidence|metasta))",
        sentence,
        re.I,
    ):
        known = False
    return known

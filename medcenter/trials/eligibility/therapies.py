"""Prior therapy criteria: the number of prior lines, and named drugs or classes of drugs."""

import re
from collections.abc import Sequence
from typing import Any

from medcenter.trials.eligibility.context import (
    _TIMED_L,
    EXCLUSION,
    INCLUSION,
    _clause_before,
    _Context,
    _Found,
    _lowercase,
    _strip_parentheses,
    _text,
)
from medcenter.trials.matcher.vocabulary import TherapyMention, find_therapies, therapy_classes
from medcenter.trials.recognisers.scope import NOTE_NOT_RECEIVED_BEFORE
from medcenter.trials.recognisers.text import NUMBER_WORDS

# --- Prior lines ----------------------------------------------------------------------------

_COUNT = r"(?P<n>\d|one|two|three|four|five|six)"
_LINES_NOUN = (
    r"(?:prior\s+|previous\s+)?(?:(?:systemic|standard|anti-?cancer|anti-?neoplastic|"
    r"treatment)\s+)?(?:lines?|regimens?)(?:\s+of\s+(?:prior\s+)?(?:systemic\s+|anti-?cancer\s+|"
    r"standard\s+)?(?:therapy|therapies|treatments?))?|(?:prior\s+|previous\s+)(?:systemic\s+)?"
    r"(?:therapies|treatments|regimens)"
)
_LINES_MIN = re.compile(
    rf"(?:at\s+least|≥|a\s+minimum\s+of|minimum\s+of|no\s+fewer\s+than|not\s+fewer\s+than)\s*"
    rf"{_COUNT}\s*(?:\(\s*\d\s*\)\s*)?(?:or\s+more\s+)?(?:{_LINES_NOUN})\b",
    re.IGNORECASE,
)
_LINES_MIN_SUFFIX = re.compile(
    rf"{_COUNT}\s*(?:\(\s*\d\s*\)\s*)?(?:or\s+more|\+)\s+(?:{_LINES_NOUN})\b",
    re.IGNORECASE,
)
_LINES_MAX = re.compile(
    rf"(?:no\s+more\s+than|not\s+more\s+than|up\s+to|at\s+most|a\s+maximum\s+of|maximum\s+of|"
    rf"≤)\s*{_COUNT}\s*(?:\(\s*\d\s*\)\s*)?(?:{_LINES_NOUN})\b",
    re.IGNORECASE,
)
_LINES_MAX_SUFFIX = re.compile(
    rf"{_COUNT}\s*(?:\(\s*\d\s*\)\s*)?(?:or\s+(?:fewer|less))\s+(?:{_LINES_NOUN})\b",
    re.IGNORECASE,
)
_LINES_MORE = re.compile(
    rf"(?<!\bno\s)(?<!\bnot\s)(?:more\s+than|greater\s+than|>)\s*{_COUNT}\s*(?:\(\s*\d\s*\)\s*)?"
    rf"(?:{_LINES_NOUN})\b",
    re.IGNORECASE,
)
_LINES_RANGE = re.compile(
    rf"(?P<a>\d)\s*(?:-|to)\s*(?P<b>\d)\s+(?:{_LINES_NOUN})\b",
    re.IGNORECASE,
)
_LINES_RESTRICTED = re.compile(
    r"\b(?:chemo\w*|cytotoxic|platinum|taxane|endocrine|hormonal|immunotherap\w*|"
    r"targeted|tki|inhibitor|anti-|biologic|investigational|trastuzumab|her2|egfr|alk|"
    r"radiation|radiotherap\w*|surgery)\b",
    re.IGNORECASE,
)


_LINES_GATE = re.compile(r"lines?\b|regimens?\b|therapies|treatments", re.IGNORECASE)

_LINES_GATE_L = _lowercase(_LINES_GATE)


def _count(word: str) -> int:
    return int(word) if word.isdigit() else NUMBER_WORDS[word.lower()]


def _read_prior_lines(ctx: _Context) -> list[_Found]:
    text = ctx.text
    if not _LINES_GATE_L.search(ctx.lower):
        return []
    if ctx.prohibited and ctx.section == INCLUSION:
        return []
    if (
        ctx.lead_conditional
        or ctx.conditional
        or re.search(r"\bpreferabl\w*|\bideally\b|\brecommended\b", text, re.I)
    ):
        return []
    low: int | None = None
    high: int | None = None
    start, end = len(text), 0
    matches: list[re.Match[str]] = []
    for pattern in (_LINES_MIN, _LINES_MIN_SUFFIX):
        for match in pattern.finditer(text):
            low = _count(match.group("n"))
            matches.append(match)
    for match in _LINES_MORE.finditer(text):
        low = _count(match.group("n")) + 1
        matches.append(match)
    for pattern in (_LINES_MAX, _LINES_MAX_SUFFIX):
        for match in pattern.finditer(text):
            high = _count(match.group("n"))
            matches.append(match)
    for match in _LINES_RANGE.finditer(text):
        low, high = int(match.group("a")), int(match.group("b"))
        matches.append(match)
    if not matches or (low is None and high is None):
        return []
    for match in matches:
        window = text[match.start() : min(len(text), match.end() + 40)]
        if _LINES_RESTRICTED.search(window):
            return []
        start, end = min(start, match.start()), max(end, match.end())
    if ctx.permissive and high is None:
        return []
    keys: dict[str, Any] = {"min": low, "max": high}
    setting = _setting(text)
    if setting == "?":
        return []
    if setting is not None:
        keys["setting"] = setting
    return [_Found(start, end, ctx.criterion("prior_lines", **keys))]


# --- Prior therapies ------------------------------------------------------------------------

_PRIOR_TRIGGER = re.compile(
    r"\b(?:prior(?!\s+to\b)|previous(?:ly)?(?!\s+to\b)|received|had\s+(?:received|been\s+treated)|"
    r"have\s+had|has\s+had|treated\s+with|treatment\s+with|therapy\s+with|exposure\s+to|"
    r"exposed\s+to|pre-?treated\s+with|progress\w*\s+(?:on|after|following|despite|during|with|"
    r"to)|refractory\s+to|resistant\s+to|intoleran\w+\s+(?:to|of)|failed|failure\s+(?:of|on)|"
    r"relapsed\s+(?:after|following|on)|recurrence\s+(?:after|following|on)|progression\s+"
    r"(?:on|after|following)|underwent|undergone|history\s+of)\b",
    re.IGNORECASE,
)

_PRIOR_TRIGGER_L = _lowercase(_PRIOR_TRIGGER)

_NAIVE = re.compile(
    r"[\s-]*(?:na[iï]ve|treatment[\s-]na[iï]ve)\b|[\s-]*(?:pretreated|pre-treated|refractory|"
    r"resistant|exposed|experienced)\b",
    re.IGNORECASE,
)
_NAIVE_GATE = re.compile(
    r"na[iï]ve|pre-?treated|refractory|resistant|exposed|experienced", re.IGNORECASE
)

_NAIVE_GATE_L = _lowercase(_NAIVE_GATE)

_PRIOR_NEGATION = re.compile(
    r"\b(?:no|not|never|without|nor|neither)\b[^,;.]{0,50}$",
    re.IGNORECASE,
)
_THERAPY_NOISE = re.compile(
    r"allerg|hypersensitiv|contraindicat|\bdose\b|\bdoses\b|cumulative|\bmg\b|mg/m|\bgy\b|"
    r"\bcgy\b|\bwilling|\bcandidates?\b|\beligible\s+for\b|\bplan(?:ned|s)?\s+to\b|"
    r"\bconsent|\bsuitable\s+for\b|\bunfit\b|\binvestigational\b|\bstudy\s+drug\b|"
    r"\bclinical\s+(?:trial|study)\b|\bvaccin|\bsteroid|\bfield\b|toxicit|adverse|side[\s-]"
    r"effects?|\bgrade\b|recover|resol|\breturned\b|sequelae|complications?|"
    r"(?:previous|prior|other|another|second)\s+(?:cancer|malignan)|known\s+intoleran|"
    r"intolerance\s+to|not\s+(?:be\s+)?requir|no\s+requirement|optional|irrespective|regardless|"
    r"may\s+or\s+may\s+not|whether|appropriate\s+for|indicated\s+for|to\s+receive|intend|"
    r"will\s+(?:be\s+)?(?:receiv|treat|undergo|start)|plan\s+to|offered|recommended|fit\s+for|"
    r"suitable|considered\s+for|candidates?\s+for|eligible\s+(?:for|to)",
    re.IGNORECASE,
)

_THERAPY_NOISE_L = _lowercase(_THERAPY_NOISE)

_RADIATION_SITE = re.compile(
    r"\b(?:pelvic|pelvis|brain|cranial|craniospinal|thoracic|thorax|chest|abdominal|abdomen|"
    r"bone|spine|spinal|whole|palliative|stereotactic|breast|axilla|lung|liver|neck|head|"
    r"mediastin\w*|local|radical|definitive|curative|adjuvant\s+radi|to\s+the|\d+\s*%)\b",
    re.IGNORECASE,
)
_AFTER_THERAPY_NOISE = re.compile(
    r"^[\s-]*(?:pneumonitis|induced|related|associated|toxicit\w*|dermatitis|necrosis|"
    r"recall|injury|sensitivity|sensitizer)\b",
    re.IGNORECASE,
)


def _setting(text: str) -> str | None:
    lowered = text.lower()
    neo = bool(re.search(r"\bneo[\s-]?adjuvant\b|\bpre-?operative\b", lowered))
    adj = bool(re.search(r"(?<![\w/-])adjuvant\b|\bpost-?operative\b", lowered))
    either = bool(
        re.search(
            r"neo\s*/\s*adjuvant|\(neo\)\s*-?adjuvant|\bperi-?operative\b|"
            r"neo-?adjuvant\s+(?:or|and|and/or|/)\s+adjuvant",
            lowered,
        )
    )
    metastatic = bool(
        re.search(
            r"\b(?:for|in)\s+(?:the\s+)?(?:locally\s+advanced\s+(?:or|/)\s*|advanced\s*(?:or|/)\s*)?"
            r"(?:metastatic|advanced|recurrent)\s*(?:or\s+(?:metastatic|recurrent)\s+)?"
            r"(?:setting|disease|stage|nsclc|cancer|breast\s+cancer|tumou?rs?)\b",
            lowered,
        )
    )
    if either:
        return "perioperative"
    found = [
        name
        for name, flag in (("neoadjuvant", neo), ("adjuvant", adj), ("metastatic", metastatic))
        if flag
    ]
    if len(found) > 1:
        return "?"
    return found[0] if found else None


# Words that may stand between "prior"/"received" and the treatment, or after it, without
# narrowing it ("prior systemic therapy with pembrolizumab" is still pembrolizumab; "prior
# hepatic perfusion with chemotherapy" or "chemotherapy for rectal cancer" is not plain
# chemotherapy, and such a sentence stays text).
_THERAPY_FILLER = frozenset(
    [
        "naive",
        "naïve",
        "pretreated",
        "pre-treated",
        "experienced",
        "a",
        "an",
        "the",
        "any",
        "all",
        "with",
        "to",
        "of",
        "on",
        "in",
        "by",
        "treatment",
        "treatments",
        "therapy",
        "therapies",
        "therapeutic",
        "at",
        "least",
        "one",
        "two",
        "three",
        "four",
        "standard",
        "systemic",
        "prior",
        "previous",
        "previously",
        "first",
        "second",
        "third",
        "line",
        "lines",
        "regimen",
        "regimens",
        "containing",
        "based",
        "including",
        "or",
        "and",
        "nor",
        "other",
        "approved",
        "adjuvant",
        "neoadjuvant",
        "neo",
        "combination",
        "combined",
        "single",
        "agent",
        "agents",
        "course",
        "courses",
        "cycle",
        "cycles",
        "received",
        "receive",
        "receiving",
        "have",
        "has",
        "had",
        "been",
        "be",
        "being",
        "not",
        "no",
        "never",
        "treated",
        "exposure",
        "exposed",
        "use",
        "administration",
        "more",
        "than",
        "given",
        "must",
        "should",
        "progressed",
        "progression",
        "progressive",
        "disease",
        "on",
        "after",
        "following",
        "despite",
        "during",
        "failed",
        "failure",
        "refractory",
        "resistant",
        "intolerant",
        "intolerance",
        "relapsed",
        "recurrence",
        "either",
        "class",
        "inhibitor",
        "inhibitors",
        "antibody",
        "antibodies",
        "drug",
        "drugs",
        "monotherapy",
        "alone",
        "setting",
        "metastatic",
        "advanced",
        "recurrent",
        "is",
        "are",
        "was",
        "were",
        "allowed",
        "permitted",
        "excluded",
        "eligible",
        "required",
        "also",
        "prohibited",
        "documented",
        "known",
        "history",
        "patients",
        "patient",
        "subjects",
        "participants",
        "least",
        "who",
        "which",
        "that",
        "standard-of-care",
        "care",
    ]
)
_DECLINED_OR = re.compile(
    r"\bor\s+(?:have\s+|has\s+|had\s+)?(?:been\s+)?(?:declined|refused|ineligible|unable|"
    r"intolerant|not\s+(?:a\s+)?candidates?|unsuitable|contraindicated|not\s+eligible)",
    re.IGNORECASE,
)
_COUNT_BEFORE = re.compile(
    r"(?:(?:≤|<|≥|>|up\s+to|no\s+more\s+than|not\s+more\s+than|no\s+greater\s+than|maximum\s+of|"
    r"at\s+most|fewer\s+than|less\s+than|more\s+than|greater\s+than|at\s+least|minimum\s+of|"
    r"a\s+minimum\s+of|exactly|only)\s*)?\b(?:\d+|one|two|three|four|five|six)\b\s*(?:\(\s*\d+\s*\)"
    r"\s*)?(?:or\s+(?:more|fewer|less)\s+)?(?:[\w-]+\s+){0,4}$",
    re.IGNORECASE,
)
_ONE_OR_MORE = re.compile(
    r"(?:at\s+least|≥|a\s+minimum\s+of|minimum\s+of)\s*(?:1|one)\b(?!\s*(?:\(\s*1\s*\)\s*)?or\s+"
    r"(?:fewer|less))|(?:1|one)\s*(?:\(\s*1\s*\)\s*)?or\s+more\b",
    re.IGNORECASE,
)
_WORDS = re.compile(r"[a-z][a-z-]*")
_MODAL_NOT = re.compile(r"\b(?:may|must|should|can|could|shall)\s*not\b|\bcannot\b", re.I)
_STRUCTURED_THERAPY_SKIP = frozenset({"surgery"})


def _only_filler(text: str) -> bool:
    return all(
        word in _THERAPY_FILLER
        or word.rstrip("-") in _THERAPY_FILLER
        or all(part in _THERAPY_FILLER for part in word.split("-") if part)
        for word in _WORDS.findall(text.lower())
    )


def _read_prior_therapy(ctx: _Context) -> list[_Found]:
    text = ctx.text
    if ctx.permissive or ctx.conditional or ctx.lead_conditional or len(text) > 250:
        return []
    if not _PRIOR_TRIGGER_L.search(ctx.lower) and not _NAIVE_GATE_L.search(ctx.lower):
        return []
    if _TIMED_L.search(ctx.lower) or _THERAPY_NOISE_L.search(ctx.lower):
        return []
    if ctx.section == INCLUSION and _DECLINED_OR.search(text):
        return []
    plain = _strip_parentheses(text) if "(" in text else text
    mentions = [m for m in find_therapies(plain) if not _AFTER_THERAPY_NOISE.match(plain[m.end :])]
    if not mentions:
        return []
    # Setting words are read on their own; blank them so the filler check does not see them.
    plain_setting = _SETTING_PHRASES.sub(lambda m: " " * len(m.group(0)), plain)
    triggers = list(_PRIOR_TRIGGER.finditer(plain))
    keep: list[TherapyMention] = []
    presents: list[bool] = []
    for index, mention in enumerate(mentions):
        next_start = mentions[index + 1].start if index + 1 < len(mentions) else len(plain)
        suffix = _NAIVE.match(plain, mention.end)
        after_start = suffix.end() if suffix is not None else mention.end
        after = re.split(r"[;.:]", plain_setting[after_start:next_start], maxsplit=1)[0]
        if not _only_filler(after):
            continue  # "chemotherapy for rectal cancer", "radiotherapy to the pelvis"
        trigger = next((t for t in reversed(triggers) if t.end() <= mention.start), None)
        if suffix is not None:
            word = suffix.group(0).lower()
            present = "na" not in word
            if not present and "treatment" in word and mention.name != "anticancer therapy":
                continue
        elif trigger is not None:
            previous = keep[-1].end if keep else trigger.end()
            between = plain_setting[max(previous, trigger.end()) : mention.start]
            if keep and re.search(r"[,/]|\bor\b|\band\b", between):
                # A later item of a list ("rituximab, belimumab, or …"): unknown names allowed.
                if len(_WORDS.findall(between)) > 8:
                    continue
            elif not _only_filler(between) or "\n" in between:
                continue
            count = _COUNT_BEFORE.search(_clause_before(plain, mention.start))
            if count is not None and not _ONE_OR_MORE.match(count.group(0)):
                return []  # "≤ 3 prior regimens" includes none, "> 2 prior regimens" not one
            present = not _PRIOR_NEGATION.search(plain[: mention.start])
        else:
            continue
        if mention.name in _STRUCTURED_THERAPY_SKIP:
            continue
        if mention.name == "radiotherapy" and _RADIATION_SITE.search(plain):
            return []
        keep.append(mention)
        presents.append(present)
    if not keep or len(set(presents)) > 1:
        return []
    tail = re.split(r"[;.:]", plain_setting[keep[-1].end :], maxsplit=1)[0]
    if not _only_filler(tail):
        return []  # "… or radiation therapy for this malignancy" narrows every item
    if ctx.section == EXCLUSION and not presents[0] and _MODAL_NOT.search(text):
        presents = [True] * len(presents)  # "Patients may not have had prior X" excludes X
    setting = _setting(text)
    if setting == "?":
        return []
    span = plain[keep[0].start : keep[-1].end]
    joined_or = len(keep) > 1 and bool(re.search(r"\bor\b|\bnor\b|and/or", span, re.I))
    joined_and = len(keep) > 1 and bool(
        re.search(r"\band\b(?!/)|\bplus\b|\bwith\b|\bfollowed\b|\bcombin", span, re.I)
    )
    names = list(dict.fromkeys(m.name for m in keep))
    present = presents[0]
    if ctx.prohibited and ctx.section == INCLUSION:
        present = not present
    # A required any-of (inclusion "X or Y"; exclusion "no X and Y") cannot be split into
    # criteria that must each hold; the one class covering them all is a safe requirement.
    requirement_any = (ctx.section == INCLUSION) == present
    if len(names) > 1:
        if requirement_any and joined_or:
            common = _common_class(names)
            if common is None:
                alternatives = [
                    ctx.criterion("prior_therapy", therapy=name, present=present) for name in names
                ]
                if ctx.section == EXCLUSION:
                    return []  # "no X and Y" as an exclusion: all of them, not read
                unread = _text(ctx.section, ctx.source, alternatives=alternatives)
                return [_Found(keep[0].start, keep[-1].end, unread)]
            names = [common]
        elif not requirement_any and joined_and and not joined_or:
            return []
    found: list[_Found] = []
    for name in names:
        keys: dict[str, Any] = {"therapy": name, "present": present}
        if setting is not None:
            keys["setting"] = setting
        found.append(_Found(keep[0].start, keep[-1].end, ctx.criterion("prior_therapy", **keys)))
    return found


_SETTING_PHRASES = re.compile(
    r"\b(?:in|for)\s+(?:the\s+)?(?:locally\s+advanced\s+(?:or|/)\s*|advanced\s*(?:or|/)\s*)?"
    r"(?:metastatic|advanced|recurrent|neo-?adjuvant|adjuvant|perioperative)\s*(?:or\s+"
    r"(?:metastatic|recurrent)\s+)?(?:setting|disease|stage)\b",
    re.IGNORECASE,
)


def _common_class(names: Sequence[str]) -> str | None:
    shared = set.intersection(*(set(therapy_classes(name)) for name in names))
    shared -= {"anticancer therapy", "systemic therapy"}
    if not shared:
        return None
    # The most specific shared class: the one with the most ancestors.
    return max(shared, key=lambda name: (len(therapy_classes(name)), name))


# --- What a note says -----------------------------------------------------------------------


def note_therapies(sentence: str) -> list[str]:
    """The treatments one sentence of a note says the patient received, each with all its
    classes (osimertinib, egfr tki, targeted therapy, …); not those denied, declined or only
    planned ("will start", "candidate for"), nor "pneumonitis"-like after-effects, nor
    surgery, which criteria never ask for either."""
    names: list[str] = []
    for therapy in find_therapies(sentence):
        if NOTE_NOT_RECEIVED_BEFORE.search(sentence[: therapy.start]):
            continue
        if _AFTER_THERAPY_NOISE.match(sentence[therapy.end :]):
            continue
        if therapy.name in _STRUCTURED_THERAPY_SKIP:
            continue  # "hernia surgery"
        for name in sorted(therapy_classes(therapy.name)):
            if name not in names:
                names.append(name)
    return names

"""Diagnosis criteria: the cancers named, as OncoTree codes."""

import re

from medcenter.trials.eligibility.context import (
    _CANCER_GATE,
    _DIAGNOSIS_AS_OBJECT,
    _TIMED_L,
    EXCLUSION,
    INCLUSION,
    _clause_before,
    _Context,
    _Found,
    _lowercase,
)
from medcenter.trials.matcher.vocabulary import CancerMention, find_cancer_terms
from medcenter.trials.recognisers.scope import NOTE_NEGATED_BEFORE, OTHER_PERSON

_DIAGNOSIS_NOISE = re.compile(
    r"\b(?:other|another|second|secondary|additional|concurrent|concomitant|synchronous|"
    r"metachronous|family\s+history|familial|risk\s+(?:of|for)|at\s+risk|high[\s-]risk\s+(?:of|for)|"
    r"prevention|preventive|survivors?|screening|suspected|suspicion|except|excluding|other\s+than|"
    r"unless|malignancies|ruled\s+out|rule\s+out|mimic|similar|caregivers?|relatives?|"
    r"spouse|partner|donor|control\s+group|healthy|irrespective|regardless|criteria\s+in\s+solid|"
    r"typical|suggestive|suspicious|concerning|indicative|characteristic|consistent\s+with|"
    r"symptoms?|signs?)\b",
    re.IGNORECASE,
)

_DIAGNOSIS_NOISE_L = _lowercase(_DIAGNOSIS_NOISE)

_DIAGNOSIS_CONTEXT = re.compile(
    r"\b(?:confirmed|diagnos\w*|histolog\w*|cytolog\w*|patholog\w*|documented|proven|biopsy|"
    r"patients?|subjects?|participants?|women|men|adults?|children|have|has|with|must|known|"
    r"evidence|presence|suffering|affected|metastatic|advanced|recurrent|relapsed|refractory|"
    r"unresectable|stage|primary|newly|previously|untreated)\b",
    re.IGNORECASE,
)
_LIST_FILLER = re.compile(
    r"\([^()]*\)|\b(?:and|or|and/or|nor|any|other|including|include|such|as|the|a|an|of|"
    r"with|without|histolog\w*|cytolog\w*|confirmed|disseminated|recurrent|relapsed|refractory|"
    r"advanced|metastatic|locally|unresectable|primary|newly|diagnosed|high|low|grade|adult|"
    r"pediatric|paediatric|childhood|invasive|malignant|stage|[ivx]+[abc]?|type|types|"
    r"subtypes?|histology|histologies|carcinomas?|cancers?|tumou?rs?|neoplasms?|disease|"
    r"previously|untreated|treated|progressive|poorly|well|moderately|differentiated|"
    r"epithelial|solid|cell|origin|site|sites|in|e\.g|i\.e|etc|all|who|are|is|be|must|have|"
    r"has|patients?|subjects?|known|documented|proven|evidence|by|either|both|squamous|"
    r"non-squamous|nonsquamous|adenocarcinoma|mixed|component|predominant)\b|[\s,;:/.\-]+",
    re.IGNORECASE,
)
_MODIFIER_BEFORE = re.compile(
    r"(?:\bnon[\s-]?|\bmixed\b[^,;.]{0,20}|\bcomponent|\bfeatures?\b|\belements?\b|\btransform\w*|"
    r"\bhistolog(?:y|ical)\s+(?:subtype|type)\s+other)\s*$",
    re.IGNORECASE,
)
_NEGATED_DIAGNOSIS = re.compile(
    r"\b(?:no|not|without|never|free\s+of|absence\s+of|negative\s+for|nor|neither)\s+(?:an?\s+)?"
    r"(?:known\s+|prior\s+|previous\s+|personal\s+|active\s+|current\s+)?(?:history\s+of\s+|"
    r"evidence\s+of\s+|diagnosis\s+of\s+|diagnosed\s+with\s+)?(?:[\w'-]+\s+){0,3}$",
    re.IGNORECASE,
)

_DIAGNOSIS_OBJECT_AFTER = re.compile(
    r"^[\s-]*(?:\([^)]*\)\s*)?(?:[\w-]+\s+){0,2}?(?:therap\w*|treatments?|regimens?|directed|"
    r"surgery|resection|screening|trials?|stud(?:y|ies)|survivors?|registry|clinic|specific|"
    r"related|associated|risk|genes?|susceptibility|predisposition|vaccine|prevention|"
    r"patients?\s+(?:must|should|need|who|are\s+required))\b",
    re.IGNORECASE,
)
# An exclusion is read only when it names the cancer plainly: "Known leukemia",
# "History of breast cancer", "Patients with small cell lung cancer".
_EXCLUSION_DIAGNOSIS_LEAD = re.compile(
    r"^\W*(?:(?:patients?|subjects?|participants?|individuals?|those)\s+(?:with|who\s+(?:have|has)"
    r"(?:\s+been\s+diagnosed\s+with)?|having)\s+)?(?:an?\s+)?(?:(?:known|prior|previous|"
    r"personal|current|active|concurrent|documented|confirmed|histologically|cytologically|"
    r"pathologically|or|and|clinical|untreated|treated|diagnosed|diagnosis|history|evidence|"
    r"presence|of|with|a|an|the|any)\s+)*$",
    re.IGNORECASE,
)


def _read_diagnosis(ctx: _Context) -> list[_Found]:
    text = ctx.text
    if ctx.permissive or ctx.lead_conditional or ctx.conditional:
        return []
    if not _CANCER_GATE.search(text) or _DIAGNOSIS_NOISE_L.search(ctx.lower):
        return []
    mentions = find_cancer_terms(text)
    if not mentions:
        return []
    if re.search(r"\bin\s+situ\b", text, re.I) and not any(
        "situ" in m.phrase.lower() for m in mentions
    ):
        return []  # "… except carcinoma in situ": a history that does not count
    if not all(m.codes for m in mentions) or any(
        re.match(r"\s*/\s*[A-Za-z]", text[m.end :])
        or re.search(r"[A-Za-z]\s*/\s*$", text[: m.start])
        for m in mentions
    ):
        return []  # Kaposi sarcoma has no code; "GBM/AA": an alternative this reader misses
    if not _DIAGNOSIS_CONTEXT.search(text) and len(text) > 80:
        return []
    for mention in mentions:
        if _DIAGNOSIS_AS_OBJECT.search(text[: mention.start]) or _DIAGNOSIS_OBJECT_AFTER.match(
            text[mention.end :]
        ):
            return []
    negated = [bool(_NEGATED_DIAGNOSIS.search(_clause_before(text, m.start))) for m in mentions]
    if not any(negated) and any(
        _NEGATION_WORD.search(_clause_before(text, m.start)) for m in mentions
    ):
        return []  # "No multifocal or recurrent glioma": a kind of it is ruled out, not all
    if any(negated) and not all(negated):
        return []
    present = not negated[0]
    # Words in a list of cancers that no term matched: an unread alternative ("medulloblastoma,
    # SPNET, germ cell tumor") would make the any-of list too short.
    if len(mentions) > 1:
        residual = text[mentions[0].start : mentions[-1].end]
        for mention in reversed(mentions):
            residual = (
                residual[: mention.start - mentions[0].start]
                + " "
                + residual[mention.end - mentions[0].start :]
            )
        if _LIST_FILLER.sub("", residual).strip():
            return []
    if re.search(r"\b[a-z]+\s*,\s*(?:(?:and|or)\s+)?$", text[: mentions[0].start], re.I):
        return []  # "ovarian, uterine, gastric or colorectal cancer": unread items of the list
    after = text[mentions[-1].end : mentions[-1].end + 40]
    if re.match(r"[\s,]*(?:and|or|and/or)\s+(?:other|any|all|similar)\b|[\s,]*etc\b", after, re.I):
        return []
    if ctx.section == EXCLUSION:
        if _TIMED_L.search(ctx.lower) or not all(m.exact for m in mentions):
            return []
        if not _EXCLUSION_DIAGNOSIS_LEAD.match(text[: mentions[0].start]):
            return []
        if len(text) - mentions[-1].end > 60:
            return []
        if any(re.match(r"\s*\((?![A-Z/]{2,8}\))", text[m.end :]) for m in mentions):
            return []  # "Liposarcoma (myxoid and well differentiated)": only those kinds
        if any(_MODIFIER_BEFORE.search(text[: m.start]) for m in mentions):
            return []
        if not present:
            return []
    else:
        if any(
            _MODIFIER_BEFORE.search(text[: m.start])
            and re.search(r"\bmixed|component|features|elements|transform", text[: m.start], re.I)
            for m in mentions
        ):
            return []
    if ctx.prohibited and ctx.section == INCLUSION:
        present = not present
    if not present and not all(m.exact for m in mentions):
        # "No leukemia" must not read as "no myeloid or lymphoid neoplasm of any kind".
        return []
    codes: list[str] = []
    for mention in mentions:
        codes.extend(c for c in mention.codes if c not in codes)
    terms = list(dict.fromkeys(m.phrase for m in mentions))
    return [
        _Found(
            mentions[0].start,
            mentions[-1].end,
            ctx.criterion("diagnosis", oncotree=codes, terms=terms, present=present),
        )
    ]


_NEGATION_WORD = re.compile(
    r"\b(?:no|not|without|never|free\s+of|absence\s+of|negative\s+for|nor|neither)\b",
    re.IGNORECASE,
)


# --- What a note says -----------------------------------------------------------------------


def note_diagnoses(sentence: str) -> list[CancerMention]:
    """The cancers one sentence of a note says the patient has: not those it denies or doubts
    ("no evidence of lymphoma", "possible sarcoma", "melanoma was ruled out") nor a family
    member's ("her mother had breast cancer")."""
    other_person = bool(OTHER_PERSON.search(sentence))
    found: list[CancerMention] = []
    for mention in find_cancer_terms(sentence):
        before = sentence[: mention.start]
        if other_person and OTHER_PERSON.search(
            before[-80:] + sentence[mention.end : mention.end + 30]
        ):
            continue
        if NOTE_NEGATED_BEFORE.search(before) or re.search(
            r"\bnegative\s+for\b[^.;]{0,60}$|\bwas\s+negative\b", before, re.I
        ):
            continue
        if re.match(
            r"\s*(?:was|is)?\s*(?:ruled\s+out|excluded|unlikely)", sentence[mention.end :], re.I
        ):
            continue
        found.append(mention)
    return found

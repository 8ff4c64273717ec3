"""`parse_criteria`: every reader over each sentence of each item, their findings combined."""

import itertools
import re
from collections.abc import Callable

from medcenter.trials.eligibility.biomarkers import _read_biomarkers
from medcenter.trials.eligibility.brain import _BRAIN_GATE_L, _read_brain
from medcenter.trials.eligibility.context import (
    _CONDITIONAL_L,
    _LEAD_CONDITIONAL_L,
    _PERMISSIVE_L,
    _PROHIBITED_L,
    _TIMED_L,
    EXCLUSION,
    INCLUSION,
    Criterion,
    _Context,
    _Found,
    _text,
)
from medcenter.trials.eligibility.demographics import (
    _AGE_CONTEXT_L,
    _AGE_NOISE_L,
    _SEX_NOISE_L,
    _read_age,
    _read_pregnancy,
    _read_sex,
)
from medcenter.trials.eligibility.diagnosis import _DIAGNOSIS_NOISE_L, _read_diagnosis
from medcenter.trials.eligibility.items import _ANY_OF, _Item, _items, _sentences
from medcenter.trials.eligibility.labs import _LAB_WORD_GATE, _read_labs
from medcenter.trials.eligibility.performance import _read_performance
from medcenter.trials.eligibility.stage import _STAGE_GATE_L, _read_stage
from medcenter.trials.eligibility.therapies import (
    _LINES_GATE_L,
    _NAIVE_GATE_L,
    _PRIOR_TRIGGER_L,
    _THERAPY_NOISE_L,
    _read_prior_lines,
    _read_prior_therapy,
)
from medcenter.trials.recognisers.performance import PERFORMANCE_GATE


def parse_criteria(text: str) -> list[Criterion]:
    """Split eligibility text into inclusion/exclusion items and structure what it can."""
    if not isinstance(text, str) or not text.strip():
        return []
    criteria: list[Criterion] = []
    for item in _items(text):
        criteria.extend(_parse_item(item))
    return criteria


def _parse_item(item: _Item) -> list[Criterion]:
    if item.scoped:
        return [_text(item.section, item.text)]
    if item.alternative and item.section == INCLUSION:
        return [_text(item.section, item.text)]
    if item.conjunctive and item.section == EXCLUSION:
        return [_text(item.section, item.text)]
    sentences = _sentences(item.text)
    structured = [(sentence, _structure(sentence, item)) for sentence in sentences]
    if not any(found for _sentence, found in structured):
        return [_text(item.section, item.text)]
    criteria: list[Criterion] = []
    for sentence, found in structured:
        criteria.extend(found or [_text(item.section, sentence)])
    return criteria


_NOTE = re.compile(r"\W*(?:note|n\.b\.|nb)\b", re.IGNORECASE)
# Sentences that explain rather than require ("… are recommended by NCCN guidelines").
_BACKGROUND = re.compile(
    r"\b(?:recommended\s+by|guidelines?\s+as|(?:is|are|was|were)\s+approved|has\s+been\s+shown|"
    r"have\s+been\s+shown|studies\s+(?:have|show)|designation|rationale|hypothes[ie]s|"
    r"we\s+(?:will|plan|aim|hypothesi[sz]e)|the\s+purpose\s+of)\b",
    re.IGNORECASE,
)

_SCOPE_INLINE = re.compile(
    r"\b(?:enrolled|enrolling|assigned|randomi[sz]ed)\s+(?:in|into|to)\s+(?:the\s+)?[\w\s-]{0,30}"
    r"\b(?:cohorts?|arms?|parts?|groups?)\b|\b(?:in|for)\s+(?:cohorts?|arms?|parts?)\s+[a-z0-9]{1,3}\b|"
    r"\(\s*(?:phase|part|cohort|arm|group|stratum|module|sub-?study)\b[^()]{0,25}\bonly\s*\)|"
    r"\b(?:phase|part|cohort|arm)\s+[a-z0-9]{1,4}\s+only\b|\bonly\s+(?:for|in)\s+(?:the\s+)?"
    r"(?:phase|part|cohort|arm|dose)\b",
    re.IGNORECASE,
)


def _structure(sentence: str, item: _Item) -> list[Criterion]:
    if _SCOPE_INLINE.search(sentence) or _BACKGROUND.search(sentence) or _NOTE.match(sentence):
        return []
    ctx = _Context(sentence, item.section, item.heading)
    found: list[tuple[str, list[_Found]]] = []
    for reader in _READERS:
        result = reader(ctx)
        if result:
            found.append((result[0].criterion["kind"], result))
    if not found:
        return []
    return _combine(found, ctx)


_OR_GAP = re.compile(r"\bor\b|\bunless\b|\beither\b|\botherwise\b", re.IGNORECASE)
_LIST_GAP = re.compile(r"[;,]|\bor\b|\bnor\b", re.IGNORECASE)
_AND_GAP = re.compile(r"\b(?:and|with|plus|having|who|whose|in|from|of|due|by|at|for)\b", re.I)


def _combine(found: list[tuple[str, list[_Found]]], ctx: _Context) -> list[Criterion]:
    """Keep criteria of different kinds only where the sentence joins them as the section
    needs: "and" in an inclusion, "or" (or a list) in an exclusion."""
    if ctx.section == INCLUSION and (_ANY_OF.search(ctx.text) or " OR " in ctx.text):
        return [_text(ctx.section, ctx.source, any_of=[f.criterion for _k, g in found for f in g])]
    if len(found) == 1:
        return [f.criterion for f in found[0][1]]
    spans = sorted(
        ((min(f.start for f in group), max(f.end for f in group), kind) for kind, group in found),
        key=lambda span: span[0],
    )
    text = ctx.text.replace("and/or", "or")
    separable = True
    for (_s1, end, _k1), (start, _e2, _k2) in itertools.pairwise(spans):
        gap = text[end:start] if start > end else ""
        if ctx.section == INCLUSION:
            if _OR_GAP.search(gap):
                separable = False
        elif not (_LIST_GAP.search(gap) and not _AND_GAP.search(gap.replace("and/or", "or"))):
            separable = False
    criteria = [f.criterion for _kind, group in found for f in group]
    if separable:
        return criteria
    if ctx.section == INCLUSION:
        return [_text(ctx.section, ctx.source, any_of=criteria)]
    return [_text(ctx.section, ctx.source, all_of=criteria)]


_READERS: tuple[Callable[[_Context], list[_Found]], ...] = (
    _read_age,
    _read_sex,
    _read_pregnancy,
    _read_performance,
    _read_labs,
    _read_brain,
    _read_biomarkers,
    _read_stage,
    _read_diagnosis,
    _read_prior_lines,
    _read_prior_therapy,
)

_LOWERCASE_PATTERNS = (
    _PROHIBITED_L,
    _PERMISSIVE_L,
    _CONDITIONAL_L,
    _LEAD_CONDITIONAL_L,
    _TIMED_L,
    _AGE_CONTEXT_L,
    _AGE_NOISE_L,
    _SEX_NOISE_L,
    _BRAIN_GATE_L,
    _STAGE_GATE_L,
    _DIAGNOSIS_NOISE_L,
    _LINES_GATE_L,
    _PRIOR_TRIGGER_L,
    _NAIVE_GATE_L,
    _THERAPY_NOISE_L,
    PERFORMANCE_GATE,
    _LAB_WORD_GATE,
)

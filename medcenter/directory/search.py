"""Find a Doctor: understand the words, find clinicians, rank them, count facets.

One contract on both databases: the words are matched in Python against the directory's
vocabulary (conditions with their lay terms in every site language, programs, specialties,
clinician names), tolerating typos; what the vocabulary does not explain goes to the database's
full-text search (fts.py). Facets are counted over the matching set, each without its own filter.
"""

from collections import defaultdict
from dataclasses import dataclass, field, replace
from typing import Any

import numpy as np
import numpy.typing as npt
import zipcodes
from django.db import router
from django.utils.translation import get_language
from rapidfuzz import fuzz, process

from medcenter.directory import fts
from medcenter.directory.index import DirectoryIndex, Mask, current
from medcenter.directory.labels import facet_label
from medcenter.directory.models import Clinician, Condition, Program, haversine_km
from medcenter.directory.text import (
    CONNECTIVES,
    NON_WORD,
    STOPWORDS,
    is_cjk,
    normalize,
    sound_key,
    tokens,
)

PAGE_SIZE = 20
FACETS = (
    "specialty",
    "program",
    "condition",
    "language",
    "location",
    "gender",
    "accepting",
    "telehealth",
)
SORTS = ("relevance", "name", "distance")


@dataclass(frozen=True)
class DoctorQuery:
    q: str = ""
    specialty: str = ""
    program: str = ""
    condition: str = ""
    language: str = ""
    location: str = ""
    gender: str = ""
    accepting: bool = False
    telehealth: bool = False
    near: str = ""
    sort: str = "relevance"
    page: int = 1


@dataclass(frozen=True)
class FacetValue:
    value: str
    label: str
    count: int
    selected: bool


@dataclass
class Hit:
    clinician: Clinician
    score: float
    distance_km: float | None
    specialties: list[str] = field(default_factory=list)  # labels, in the visitor's language
    programs: list[str] = field(default_factory=list)  # slugs
    specialty_slugs: list[str] = field(default_factory=list)


@dataclass
class DoctorResults:
    query: DoctorQuery
    hits: list[Hit]
    total: int
    pages: int
    facets: dict[str, list[FacetValue]]
    programs: list[Program] = field(default_factory=list)
    conditions: list[Condition] = field(default_factory=list)
    near_unknown: bool = False
    # When nothing matched: the query as the vocabulary would spell it ("Did you mean ...").
    suggestion: str = ""

    @property
    def suggested_program(self) -> Program | None:
        return self.programs[0] if self.programs else None


# --- Understanding the words -------------------------------------------------------------


def _token_matches(index: DirectoryIndex, token: str) -> dict[str, float]:
    """Vocabulary tokens this query token may mean, with a quality in 0..1 (typos, endings).

    A word the vocabulary knows as typed means itself (and near-identical spellings only):
    "prostate" must not also mean "prosthesis".
    """
    exact = token in index.terms_by_token
    found = {token: 1.0} if exact else {}
    if len(token) >= 5 and not exact:
        cutoff = 80 if len(token) < 8 else 75
        for candidate, score, _ in process.extract(
            token, index.vocabulary_tokens, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8
        ):
            found.setdefault(candidate, score / 100)
    if len(token) >= 3:
        # Inflected forms ("легких" for "легкие", "sarcomas") share all but their ending; a
        # known word keeps only its own near-identical forms ("tumor", "tumors").
        stem = token[: max(3, min(len(token) - 2, 4))]
        floor = 0.9 if exact else 0.7
        for candidate in index.stems.get(stem, ()):
            shorter = min(len(candidate), len(token))
            if (
                abs(len(candidate) - len(token)) <= 3
                and _common_prefix(candidate, token) >= max(3, shorter - 3)
                and (similar := fuzz.ratio(candidate, token) / 100) >= floor
            ):
                found.setdefault(candidate, min(0.85, similar) if not exact else similar)
    if len(token) >= 5 and not exact and max(found.values(), default=0) < 0.9:
        # Spelled as it sounds: "lumfoma", "sarkoma", "leukimia".
        for key, score, _ in process.extract(
            sound_key(token), index.sound_keys, scorer=fuzz.ratio, score_cutoff=85, limit=4
        ):
            for candidate in index.sounds[key]:
                found.setdefault(candidate, 0.9 * score / 100)
    # A misspelling means the words it is closest to, not every word it resembles.
    best = max(found.values(), default=0)
    return {candidate: q for candidate, q in found.items() if q >= best - 0.06}


def _common_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


# A word that names more targets than this ("cancer", "tumor") is too general to stand for a
# whole term on its own; one that names a few ("prostate", "ewing", "hodgkin") may.
GENERAL = 12
# A word standing for a longer term counts for less than the whole term typed out.
PARTIAL = 0.7


def understand(
    index: DirectoryIndex, text: str
) -> tuple[dict[tuple[str, int], float], set[str], set[str]]:
    """Which conditions, programs, specialties and services the words name; the words left
    over; and for those, the vocabulary words they come closest to ("canser" -> "cancer").

    A term matches when every one of its words is in the query (typos and endings tolerated).
    A query word that no whole term explains may still stand for the terms it is part of, when
    it is specific enough: "prostate" for "prostate cancer", "hodgkin" for "hodgkin lymphoma".
    """
    normalized = normalize(text)
    query_tokens = tokens(normalized)
    matched: dict[tuple[str, int], float] = {}
    used: set[str] = set()
    quality: dict[str, float] = {}
    source: dict[str, set[str]] = {}
    options: dict[str, dict[str, float]] = {}
    service_words: set[str] = set()
    for token in query_tokens:
        if is_cjk(token):
            continue
        options[token] = _token_matches(index, token)
        for vocab, q in options[token].items():
            if q > quality.get(vocab, 0):
                quality[vocab] = q
            source.setdefault(vocab, set()).add(token)
    candidates = {pos for vocab in quality for pos in index.terms_by_token.get(vocab, ())}
    for pos in candidates:
        term = index.terms[pos]
        if term.cjk or not term.tokens or not all(t in quality for t in term.tokens):
            continue
        score = sum(len(t) * quality[t] for t in term.tokens)
        key = (term.kind, term.target)
        matched[key] = max(matched.get(key, 0), score)
        for t in term.tokens:
            used |= source[t]
            if term.kind == "service":
                service_words |= source[t]
    full = set(matched)
    for token, found in options.items():
        if index.token_targets.get(token, 0) > GENERAL or token in service_words:
            continue  # "cancer" alone says nothing about which cancer
        explained = token in used
        partial = _partial_matches(index, found)
        for key, score in partial.items():
            if explained and key in full:
                continue
            # A word a whole term already explains still points to the conditions it is part
            # of ("ovarian" -> ovarian cancer), for less.
            matched[key] = matched.get(key, 0) + (score * 0.5 if explained else score)
        if partial:
            used.add(token)
    compact = normalized.replace(" ", "")
    if is_cjk(compact):
        for term in index.terms:
            if not term.cjk:
                continue
            needle = term.text.replace(" ", "")
            if needle in compact or (len(compact) >= 2 and compact in needle):
                shorter, longer = sorted((len(needle), len(compact)))
                # "骨癌" is all of the term "骨癌" and a fifth of "骨癌截肢后学走路".
                score = 3.0 * shorter * (0.5 + 0.5 * shorter / longer)
                key = (term.kind, term.target)
                matched[key] = max(matched.get(key, 0), score)
        used |= {t for t in query_tokens if is_cjk(t)} if matched else set()
    leftover = {t for t in query_tokens if t not in used}
    meant = {max(near, key=near.__getitem__) for token in leftover if (near := options.get(token))}
    return matched, leftover, meant


def _partial_matches(
    index: DirectoryIndex, found: dict[str, float]
) -> dict[tuple[str, int], float]:
    """Targets one query word may stand for, through the specific vocabulary words it matches."""
    scores: dict[tuple[str, int], float] = {}
    for vocab, q in found.items():
        named = index.token_targets.get(vocab, 0)
        if not named or named > GENERAL or len(vocab) < 3 or vocab in CONNECTIVES:
            continue
        weight = len(vocab) * q * PARTIAL / (1 + 0.05 * (named - 1))
        for pos in index.terms_by_token.get(vocab, ()):
            term = index.terms[pos]
            if term.cjk or term.kind == "service":
                continue
            # "prostate" is most of "prostate cancer", little of "cancer that spread to ..."
            coverage = len(vocab) / sum(len(t) for t in term.tokens)
            score = weight * (0.6 + 0.4 * coverage)
            key = (term.kind, term.target)
            if score > scores.get(key, 0):
                scores[key] = score
    return scores


def _name_scores(index: DirectoryIndex, words: set[str]) -> dict[int, float]:
    scores: dict[int, float] = defaultdict(float)
    for word in words:
        if is_cjk(word) or len(word) < 3:
            continue
        options = {word: 1.0} if word in index.name_tokens else {}
        if len(word) >= 4:
            for candidate, score, _ in process.extract(
                word, index.name_vocabulary, scorer=fuzz.ratio, score_cutoff=80, limit=5
            ):
                options.setdefault(candidate, score / 100)
        for candidate, q in options.items():
            for clinician_id in index.name_tokens[candidate]:
                scores[clinician_id] += q
    return dict(scores)


# --- Filtering, ranking, facets -------------------------------------------------------------
# Clinicians are positions in the index's arrays (name order), so a filter is a boolean mask,
# a score is a float vector and a facet count is one bincount over (clinician, value) pairs.


def _filter_masks(index: DirectoryIndex, query: DoctorQuery) -> dict[str, Mask]:
    """A mask per active filter; an unknown slug or code gives a mask that matches nobody."""
    masks: dict[str, Mask] = {}
    chosen = {
        "specialty": query.specialty,
        "program": query.program,
        "condition": query.condition,
        "location": query.location,
    }
    for name, slug in chosen.items():
        if slug:
            value_id = index.slugs[name].get(slug)
            masks[name] = _mask_of(index, name, value_id)
    if query.language:
        masks["language"] = _mask_of(index, "language", query.language)
    if query.gender:
        masks["gender"] = _mask_of(index, "gender", query.gender)
    if query.accepting:
        masks["accepting"] = index.accepting
    if query.telehealth:
        masks["telehealth"] = index.telehealth
    return masks


def _mask_of(index: DirectoryIndex, name: str, value: Any) -> Mask:
    mask = np.zeros(index.size, dtype=np.bool_)
    pairs = index.facets[name]
    code = pairs.codes.get(value)
    if code is not None:
        mask[pairs.by_value[code]] = True
    return mask


def _scores(
    index: DirectoryIndex,
    names: dict[int, float],
    matched: dict[str, dict[int, float]],
    text_ranks: dict[int, float],
) -> tuple[npt.NDArray[np.float64], Mask]:
    """Relevance of each clinician, and which ones the words reached at all."""
    scores = np.zeros(index.size, dtype=np.float64)
    reached = np.zeros(index.size, dtype=np.bool_)
    best_name = max(names.values(), default=0)
    for pk, name_score in names.items():
        if name_score >= best_name * 0.99 and pk in index.position:
            at = index.position[pk]
            scores[at] += 200 * name_score
            reached[at] = True
    scores += _condition_scores(index, matched["condition"])
    reached |= scores > 0
    sources = (
        (index.positions_by_program, matched["program"], 15.0),
        (index.positions_by_specialty, matched["specialty"], 25.0),
    )
    for lists, matched_scores, base in sources:
        # A clinician in two of the programs named counts their better one, not both.
        best = np.zeros(index.size, dtype=np.float64)
        for key, score in matched_scores.items():
            at_list = lists.get(key)
            if at_list is not None:
                best[at_list] = np.maximum(best[at_list], base + score)
        scores += best
        reached |= best > 0
    for pk, text_rank in text_ranks.items():
        if pk in index.position:
            at = index.position[pk]
            scores[at] += 20 * text_rank
            reached[at] = True
    givers = _service_givers(index, matched["service"])
    if givers is not None:
        if reached.any():
            # "second opinion sarcoma": of those who treat sarcoma, the ones who give it first.
            scores[reached & givers] += 30.0
        else:
            # "surgeon" alone: everyone who gives the service.
            scores[givers] += 25.0
            reached |= givers
    scores[reached & index.accepting] += 0.5
    return scores, reached


def _condition_scores(
    index: DirectoryIndex, conditions: dict[int, float]
) -> npt.NDArray[np.float64]:
    """For each named condition, its clinicians: those in the program that leads its care and
    those who list it; both is best. A clinician's score is their best condition's."""
    best = np.zeros(index.size, dtype=np.float64)
    strongest = max(conditions.values(), default=0)
    for condition_id, score in conditions.items():
        # A condition the words name only in passing weighs less than the one they name best.
        weight = score / strongest
        value = np.zeros(index.size, dtype=np.float64)
        programs = index.condition_programs.get(condition_id, ())
        lead = index.positions_by_program.get(programs[0]) if programs else None
        if lead is not None:
            value[lead] = 45.0 * weight + score
        treats = index.positions_by_condition.get(condition_id)
        if treats is not None:
            value[treats] = np.where(
                value[treats] > 0, value[treats] + 10.0 * weight, 40.0 * weight + score
            )
        for program_id in programs[1:]:
            members = index.positions_by_program.get(program_id)
            if members is not None:
                value[members] += np.where(value[members] > 0, 3.0, 0.0)
        np.maximum(best, value, out=best)
    return best


def _service_givers(index: DirectoryIndex, services: dict[int, float]) -> Mask | None:
    """Clinicians with a specialty that gives one of the services asked for (None: none asked)."""
    if not services:
        return None
    givers = np.zeros(index.size, dtype=np.bool_)
    # "radiation oncologist" asks for radiation, though "oncologist" alone would mean drugs.
    strongest = max(services.values())
    for service in (s for s, score in services.items() if score >= 0.75 * strongest):
        for specialty_id in index.services[service][1]:
            at_list = index.positions_by_specialty.get(specialty_id)
            if at_list is not None:
                givers[at_list] = True
    return givers


TEXT_RANKS_KEPT = 4096


def _text_ranks(index: DirectoryIndex, words: tuple[str, ...]) -> dict[int, float]:
    """The database's full-text ranks for the words, kept with the index that asked (bounded):
    the same words come back on page after page, and a ranked full-text query is a search's
    most expensive step on PostgreSQL."""
    found = index.text_ranks.get(words)
    if found is None:
        found = fts.search(list(words))
        if len(index.text_ranks) >= TEXT_RANKS_KEPT:
            index.text_ranks.clear()
        index.text_ranks[words] = found
    return found


def search_doctors(query: DoctorQuery) -> DoctorResults:
    """Run a Find a Doctor search: matching clinicians, one page of them, facets with counts."""
    index = current()
    text = query.q.strip()[:200]
    matched, leftover, meant = understand(index, text) if text else ({}, set(), set())
    names = _name_scores(index, leftover | set(tokens(normalize(text)))) if text else {}
    # Words the vocabulary only half knows ("canser") are also looked up as the word meant.
    text_ranks = _text_ranks(index, tuple(sorted(leftover | meant))) if leftover else {}

    by_kind: dict[str, dict[int, float]] = {
        "condition": {},
        "program": {},
        "specialty": {},
        "service": {},
    }
    for (kind, target), score in matched.items():
        by_kind[kind][target] = score
    condition_scores = by_kind["condition"]
    program_scores = _program_scores(index, matched)

    if text:
        # Only clinicians reached through a matched condition, program, specialty, name or
        # text are candidates.
        scores, reached = _scores(index, names, by_kind, text_ranks)
    else:
        scores = np.zeros(index.size, dtype=np.float64)
        reached = np.ones(index.size, dtype=np.bool_)

    masks = _filter_masks(index, query)
    matching = reached.copy()
    for mask in masks.values():
        matching &= mask
    facets = _count_facets(index, reached, masks, query)

    origin = zip_point(query.near) if query.near else None
    distances: npt.NDArray[np.float64] | None = None
    if origin:
        distances = _distances(index, origin)
    sort = query.sort if query.sort in SORTS else "relevance"
    at = np.flatnonzero(matching)  # name order
    if sort == "distance" and distances is not None:
        at = at[np.argsort(distances[at], kind="stable")]
    elif sort == "relevance" and text:
        at = at[np.argsort(-scores[at], kind="stable")]

    total = len(at)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, query.page), pages)
    page_at = [int(i) for i in at[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]]
    page_ids = [int(index.pks[i]) for i in page_at]
    # Cards come from the index (rebuilt on every directory change), not from a query; other
    # fields of these instances load on access, like a queryset's deferred fields.
    db = router.db_for_read(Clinician)
    by_id = {
        pk: Clinician.from_db(db, index.card_fields, index.cards[pk])
        for pk in page_ids
        if pk in index.cards
    }
    specialty_labels = index.labels["specialty"]
    program_objects = index.labels["program"]
    hits = []
    for i, pk in zip(page_at, page_ids, strict=True):
        if pk not in by_id:
            continue
        facts = index.clinicians[pk]
        distance = float(distances[i]) if distances is not None else None
        hits.append(
            Hit(
                by_id[pk],
                float(scores[i]),
                distance if distance is not None and distance < _FAR else None,
                specialties=sorted(specialty_labels[s].label for s in facts.specialties),
                programs=sorted(
                    program_objects[p].slug for p in facts.programs if p in program_objects
                ),
                specialty_slugs=sorted(specialty_labels[s].slug for s in facts.specialties),
            )
        )
    suggestion = ""
    if text and total == 0:
        # Never a dead end: the spelling the vocabulary knows, and the programs it points to.
        suggestion = suggest(index, text)
        if suggestion and not program_scores:
            program_scores = _program_scores(index, understand(index, suggestion)[0])
    top_programs = sorted(program_scores, key=lambda p: -program_scores[p])[:3]
    top_conditions = sorted(condition_scores, key=lambda c: -condition_scores[c])[:3]
    return DoctorResults(
        query=replace(query, page=page, sort=sort),
        hits=hits,
        total=total,
        pages=pages,
        facets=facets,
        programs=[index.labels["program"][p] for p in top_programs if p in index.labels["program"]],
        conditions=[index.labels["condition"][c] for c in top_conditions],
        near_unknown=bool(query.near) and origin is None,
        suggestion=suggestion,
    )


_FAR = 1e9


def _program_scores(
    index: DirectoryIndex, matched: dict[tuple[str, int], float]
) -> dict[int, float]:
    """The programs to suggest: those named, and those that treat the conditions named."""
    scores = {target: score for (kind, target), score in matched.items() if kind == "program"}
    for (kind, condition_id), score in matched.items():
        if kind != "condition":
            continue
        for rank, program_id in enumerate(index.condition_programs.get(condition_id, ())):
            bonus = score * (0.6 if rank == 0 else 0.25)
            scores[program_id] = scores.get(program_id, 0) + bonus
    return scores


def suggest(index: DirectoryIndex, text: str) -> str:
    """The query with each word the directory does not know replaced by the closest word it
    does (a condition, program, symptom or clinician's name); "" when there is nothing to fix."""
    normalized = normalize(text)
    if is_cjk(normalized):
        return ""
    plain = normalized.split()
    written = [w for w in NON_WORD.split(text.casefold()) if w]
    if len(written) != len(plain):
        written = plain
    words: list[str] = []
    changed = False
    for word, shown in zip(plain, written, strict=True):
        known = word in index.terms_by_token or word in index.name_tokens
        if known or word in STOPWORDS or len(word) < 3:
            words.append(shown)
            continue
        best = process.extractOne(word, index.vocabulary_tokens, scorer=fuzz.ratio, score_cutoff=70)
        name = process.extractOne(word, index.name_vocabulary, scorer=fuzz.ratio, score_cutoff=75)
        if name and (not best or name[1] > best[1]):
            words.append(name[0].capitalize())
            changed = True
        elif best:
            words.append(index.display.get(best[0], best[0]))
            changed = True
        else:
            words.append(shown)
    return " ".join(words) if changed else ""


def _distances(index: DirectoryIndex, origin: tuple[float, float]) -> npt.NDArray[np.float64]:
    """Each clinician's distance in km to the nearest of their locations (_FAR if none known)."""
    pairs = index.facets["location"]
    site = np.array(
        [
            haversine_km(*origin, *index.locations[loc]) if loc in index.locations else _FAR
            for loc in pairs.values
        ],
        dtype=np.float64,
    )
    distances = np.full(index.size, _FAR, dtype=np.float64)
    if len(pairs.positions):
        np.minimum.at(distances, pairs.positions, site[pairs.value_codes])
    return distances


def _count_facets(
    index: DirectoryIndex, reached: Mask, masks: dict[str, Mask], query: DoctorQuery
) -> dict[str, list[FacetValue]]:
    """Each facet counts the matches under every other filter but its own."""
    chosen = {
        "specialty": query.specialty,
        "program": query.program,
        "condition": query.condition,
        "location": query.location,
        "language": query.language,
        "gender": query.gender,
        "accepting": "yes" if query.accepting else "",
        "telehealth": "yes" if query.telehealth else "",
    }
    pools: dict[tuple[str, ...], Mask] = {}
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        others = tuple(n for n in masks if n != name)
        pool = pools.get(others)
        if pool is None:
            pool = reached.copy()
            for other in others:
                pool &= masks[other]
            pools[others] = pool
        if name in ("accepting", "telehealth"):
            count = int(np.count_nonzero(pool & getattr(index, name)))
            counted = [("yes", count)] if count else []
        else:
            pairs = index.facets[name]
            counts = np.bincount(
                pairs.value_codes[pool[pairs.positions]], minlength=len(pairs.values)
            )
            present = np.flatnonzero(counts)
            limit = 40 if name == "condition" else 30
            if len(present) > limit:
                present = present[np.argsort(-counts[present], kind="stable")[:limit]]
            counted = [(pairs.values[c], int(counts[c])) for c in present]
        values = []
        language = get_language()
        for value, count in counted:
            labelled = index.facet_labels.get((language, name, value))
            if labelled is None:
                labelled = index.facet_labels[language, name, value] = facet_label(
                    index, name, value
                )
            key, label = labelled
            values.append(FacetValue(key, label, count, key == chosen[name]))
        facets[name] = sorted(values, key=lambda v: (not v.selected, -v.count, v.label))
    return facets


def zip_point(postal_code: str) -> tuple[float, float] | None:
    code = "".join(ch for ch in postal_code if ch.isdigit())[:5]
    if len(code) != 5:
        return None
    try:
        found = zipcodes.matching(code)  # type: ignore[no-untyped-call]
    except (ValueError, TypeError):
        return None
    if not found:
        return None
    return float(found[0]["lat"]), float(found[0]["long"])

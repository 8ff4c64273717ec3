"""Find a Doctor: understand the words, find clinicians, rank them, count facets.

One contract on both databases: the words are matched in Python against the directory's
vocabulary (conditions with their lay terms in every site language, programs, specialties,
clinician names), tolerating typos; what the vocabulary does not explain goes to the database's
full-text search (fts.py). Facets are counted over the matching set, each without its own filter.
"""

from collections import Counter, defaultdict
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from itertools import chain
from typing import Any

import zipcodes
from rapidfuzz import fuzz, process

from medcenter.directory import fts
from medcenter.directory.index import ClinicianFacts, DirectoryIndex, current
from medcenter.directory.labels import facet_label
from medcenter.directory.models import Clinician, Condition, Program, haversine_km
from medcenter.directory.text import is_cjk, normalize, tokens

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

    @property
    def suggested_program(self) -> Program | None:
        return self.programs[0] if self.programs else None


# --- Understanding the words -------------------------------------------------------------


def _token_matches(index: DirectoryIndex, token: str) -> dict[str, float]:
    """Vocabulary tokens this query token may mean, with a quality in 0..1 (typos, endings)."""
    found = {token: 1.0} if token in index.terms_by_token else {}
    if len(token) >= 5:
        cutoff = 80 if len(token) < 8 else 75
        for candidate, score, _ in process.extract(
            token, index.vocabulary_tokens, scorer=fuzz.ratio, score_cutoff=cutoff, limit=8
        ):
            found.setdefault(candidate, score / 100)
    if len(token) >= 3:
        # Inflected forms ("легких" for "легкие", "sarcomas") share the stem.
        stem = token[: max(3, min(len(token) - 2, 4))]
        for candidate in index.vocabulary_tokens:
            if candidate.startswith(stem) and abs(len(candidate) - len(token)) <= 3:
                found.setdefault(candidate, 0.85)
    return found


def understand(index: DirectoryIndex, text: str) -> tuple[dict[tuple[str, int], float], set[str]]:
    """Which conditions, programs and specialties the words name; and the words left over."""
    normalized = normalize(text)
    query_tokens = tokens(normalized)
    matched: dict[tuple[str, int], float] = {}
    used: set[str] = set()
    quality: dict[str, float] = {}
    source: dict[str, set[str]] = {}
    for token in query_tokens:
        if is_cjk(token):
            continue
        for vocab, q in _token_matches(index, token).items():
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
    compact = normalized.replace(" ", "")
    if is_cjk(compact):
        for term in index.terms:
            if not term.cjk:
                continue
            needle = term.text.replace(" ", "")
            if needle in compact or (len(compact) >= 2 and compact in needle):
                score = 3.0 * min(len(needle), len(compact))
                key = (term.kind, term.target)
                matched[key] = max(matched.get(key, 0), score)
        used |= {t for t in query_tokens if is_cjk(t)} if matched else set()
    leftover = {t for t in query_tokens if t not in used}
    return matched, leftover


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


def _selected_ids(index: DirectoryIndex, query: DoctorQuery) -> dict[str, Any]:
    """Turn the query's slugs and codes into the ids the index holds (unknown ones match none)."""

    def by_slug(kind: str, slug: str) -> int | None:
        if not slug:
            return None
        return next((pk for pk, obj in index.labels[kind].items() if obj.slug == slug), -1)

    return {
        "specialty": by_slug("specialty", query.specialty),
        "program": by_slug("program", query.program),
        "condition": by_slug("condition", query.condition),
        "location": by_slug("location", query.location),
        "language": query.language or None,
        "gender": query.gender or None,
        "accepting": query.accepting or None,
        "telehealth": query.telehealth or None,
    }


def _passes(facts: ClinicianFacts, selected: dict[str, Any], skip: str = "") -> bool:
    checks: dict[str, Callable[[Any], bool]] = {
        "specialty": lambda v: v in facts.specialties,
        "program": lambda v: v in facts.programs,
        "condition": lambda v: v in facts.conditions,
        "location": lambda v: v in facts.locations,
        "language": lambda v: v in facts.languages,
        "gender": lambda v: facts.gender == v,
        "accepting": lambda v: facts.accepting,
        "telehealth": lambda v: facts.telehealth,
    }
    return all(
        value is None or name == skip or checks[name](value) for name, value in selected.items()
    )


def _facet_values(facts: ClinicianFacts, name: str) -> tuple[Any, ...]:
    values: dict[str, Callable[[], tuple[Any, ...]]] = {
        "specialty": lambda: tuple(facts.specialties),
        "program": lambda: tuple(facts.programs),
        "condition": lambda: tuple(facts.conditions),
        "location": lambda: tuple(facts.locations),
        "language": lambda: tuple(facts.languages),
        "gender": lambda: (facts.gender,) if facts.gender else (),
        "accepting": lambda: ("yes",) if facts.accepting else (),
        "telehealth": lambda: ("yes",) if facts.telehealth else (),
    }
    return values[name]()


def search_doctors(query: DoctorQuery) -> DoctorResults:
    """Run a Find a Doctor search: matching clinicians, one page of them, facets with counts."""
    index = current()
    text = query.q.strip()[:200]
    matched, leftover = understand(index, text) if text else ({}, set())
    names = _name_scores(index, leftover | set(tokens(normalize(text)))) if text else {}
    text_ranks = fts.search(sorted(leftover)) if leftover else {}

    condition_scores = {t: s for (k, t), s in matched.items() if k == "condition"}
    program_scores = {t: s for (k, t), s in matched.items() if k == "program"}
    specialty_scores = {t: s for (k, t), s in matched.items() if k == "specialty"}
    for condition_id, score in condition_scores.items():
        for rank, program_id in enumerate(index.condition_programs.get(condition_id, ())):
            bonus = score * (0.6 if rank == 0 else 0.25)
            program_scores[program_id] = max(program_scores.get(program_id, 0), 0) + bonus

    scores: dict[int, float]
    if not text:
        scores = dict.fromkeys(index.clinicians, 0.0)
    else:
        # Only clinicians reached through a matched condition, program, specialty, name or
        # text are scored, through the index's inverted lists.
        scores = defaultdict(float)
        best_name = max(names.values(), default=0)
        for pk, name_score in names.items():
            if name_score >= best_name * 0.99:
                scores[pk] += 200 * name_score
        sources: tuple[tuple[dict[int, tuple[int, ...]], dict[int, float], float], ...] = (
            (index.by_condition, condition_scores, 40.0),
            (index.by_program, program_scores, 15.0),
            (index.by_specialty, specialty_scores, 25.0),
        )
        for lists, matched_scores, base in sources:
            for key, score in matched_scores.items():
                for pk in lists.get(key, ()):
                    scores[pk] += base + score
        for pk, text_rank in text_ranks.items():
            if pk in index.clinicians:
                scores[pk] += 20 * text_rank
        for pk in scores:
            if index.clinicians[pk].accepting:
                scores[pk] += 0.5

    selected = _selected_ids(index, query)
    matching = [i for i in scores if _passes(index.clinicians[i], selected)]
    facets = _count_facets(index, scores, selected, query)

    origin = zip_point(query.near) if query.near else None
    distances: dict[int, float] = {}
    if origin:
        for pk in matching:
            points = [
                index.locations[loc]
                for loc in index.clinicians[pk].locations
                if loc in index.locations
            ]
            if points:
                distances[pk] = min(haversine_km(*origin, *p) for p in points)
    sort = query.sort if query.sort in SORTS else "relevance"
    if sort == "distance" and origin:
        matching.sort(key=lambda i: (distances.get(i, 1e9), index.clinicians[i].sort_name))
    elif sort == "name" or not text:
        matching.sort(key=lambda i: index.clinicians[i].sort_name)
    else:
        matching.sort(key=lambda i: (-scores[i], index.clinicians[i].sort_name))

    total = len(matching)
    pages = max(1, -(-total // PAGE_SIZE))
    page = min(max(1, query.page), pages)
    page_ids = matching[(page - 1) * PAGE_SIZE : page * PAGE_SIZE]
    # The page's rows only; labels and slugs come from the index, not from prefetch queries.
    rows = Clinician.objects.filter(pk__in=page_ids).only(
        "id",
        "slug",
        "given_name",
        "family_name",
        "credentials",
        "title",
        "accepting_new_patients",
        "telehealth",
        "languages",
    )
    by_id = {c.pk: c for c in rows}
    specialty_labels = index.labels["specialty"]
    program_objects = index.labels["program"]
    hits = [
        Hit(
            by_id[i],
            scores[i],
            distances.get(i),
            specialties=sorted(specialty_labels[s].label for s in index.clinicians[i].specialties),
            programs=sorted(
                program_objects[p].slug
                for p in index.clinicians[i].programs
                if p in program_objects
            ),
            specialty_slugs=sorted(
                specialty_labels[s].slug for s in index.clinicians[i].specialties
            ),
        )
        for i in page_ids
        if i in by_id
    ]
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
    )


def _count_facets(
    index: DirectoryIndex, scores: dict[int, float], selected: dict[str, Any], query: DoctorQuery
) -> dict[str, list[FacetValue]]:
    """Each facet counts the matches under every other filter but its own."""
    candidates = [index.clinicians[pk] for pk in scores]
    active = [name for name, value in selected.items() if value is not None]
    passing = {
        name: {facts.id for facts in candidates if _passes(facts, {name: selected[name]})}
        for name in active
    }
    multi = {
        "specialty": "specialties",
        "program": "programs",
        "condition": "conditions",
        "location": "locations",
        "language": "languages",
    }
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
    facets: dict[str, list[FacetValue]] = {}
    for name in FACETS:
        others = [passing[n] for n in active if n != name]
        pool = (
            [f for f in candidates if all(f.id in ids for ids in others)] if others else candidates
        )
        if name in multi:
            attribute = multi[name]
            counter = Counter(chain.from_iterable(getattr(f, attribute) for f in pool))
        elif name == "gender":
            counter = Counter(f.gender for f in pool if f.gender)
        else:
            counter = Counter({"yes": sum(1 for f in pool if getattr(f, name))})
            counter += Counter()  # drops a zero count
        values = []
        for value, count in counter.most_common(40 if name == "condition" else 30):
            key, label = facet_label(index, name, value)
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

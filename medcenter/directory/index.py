"""An in-process index of the directory, rebuilt when the directory changes.

Searching 10,000 clinicians with facets has to stay under 50 ms, so the facts a search needs
(which clinician treats which condition, speaks which language, works where) are held in memory
per worker process. The database stays the source of truth: a version number in the shared
cache, bumped by every directory write, tells each worker when to rebuild.
"""

import threading
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from typing import Any

from django.core.cache import cache

from medcenter.directory.models import (
    Clinician,
    Condition,
    ConditionTerm,
    Location,
    Program,
    Specialty,
)
from medcenter.directory.text import is_cjk, normalize, tokens

VERSION_KEY = "directory:index-version"


@dataclass(frozen=True)
class Term:
    kind: str  # "condition", "program", "specialty"
    target: int
    text: str  # normalized
    tokens: tuple[str, ...]
    cjk: bool


@dataclass
class ClinicianFacts:
    id: int
    family_name: str
    sort_name: str
    name_tokens: tuple[str, ...]
    specialties: frozenset[int]
    programs: frozenset[int]
    conditions: frozenset[int]
    languages: frozenset[str]
    locations: frozenset[int]
    gender: str
    accepting: bool
    telehealth: bool


@dataclass
class DirectoryIndex:
    version: str
    clinicians: dict[int, ClinicianFacts] = field(default_factory=dict)
    terms: list[Term] = field(default_factory=list)
    terms_by_token: dict[str, list[int]] = field(default_factory=dict)
    vocabulary_tokens: list[str] = field(default_factory=list)
    name_tokens: dict[str, set[int]] = field(default_factory=dict)
    name_vocabulary: list[str] = field(default_factory=list)
    condition_programs: dict[int, tuple[int, ...]] = field(default_factory=dict)
    # Inverted lists: which clinicians treat a condition, belong to a program, have a specialty.
    by_condition: dict[int, tuple[int, ...]] = field(default_factory=dict)
    by_program: dict[int, tuple[int, ...]] = field(default_factory=dict)
    by_specialty: dict[int, tuple[int, ...]] = field(default_factory=dict)
    locations: dict[int, tuple[float, float]] = field(default_factory=dict)
    labels: dict[str, dict[int, Any]] = field(default_factory=dict)


_lock = threading.Lock()
_current: DirectoryIndex | None = None


def bump_version() -> None:
    """Tell every worker that the directory changed (called by the directory's services)."""
    cache.set(VERSION_KEY, uuid.uuid4().hex, None)


def current() -> DirectoryIndex:
    global _current
    # A random token, not a counter: after a cache restart a counter would start again at a
    # number some worker's old index already carries, and that stale index would look current.
    version = cache.get(VERSION_KEY)
    if version is None:
        cache.add(VERSION_KEY, uuid.uuid4().hex, None)
        version = cache.get(VERSION_KEY)
    index = _current
    if index is not None and index.version == version:
        return index
    with _lock:
        if _current is None or _current.version != version:
            _current = build(version)
        return _current


def build(version: str) -> DirectoryIndex:
    index = DirectoryIndex(version=version)
    programs = {p.pk: p for p in Program.objects.filter(is_published=True)}
    conditions = {c.pk: c for c in Condition.objects.all()}
    specialties = {s.pk: s for s in Specialty.objects.all()}
    locations = {loc.pk: loc for loc in Location.objects.all()}
    index.labels = {
        "program": programs,
        "condition": conditions,
        "specialty": specialties,
        "location": locations,
    }
    index.locations = {pk: (loc.latitude, loc.longitude) for pk, loc in locations.items()}

    for condition_id, program_id in Condition.programs.through.objects.values_list(
        "condition_id", "program_id"
    ):
        index.condition_programs.setdefault(condition_id, ())
        index.condition_programs[condition_id] += (program_id,)
    for condition in conditions.values():
        primary = condition.primary_program_id
        if primary:
            rest = tuple(p for p in index.condition_programs.get(condition.pk, ()) if p != primary)
            index.condition_programs[condition.pk] = (primary, *rest)

    def add_term(kind: str, target: int, text: str) -> None:
        normalized = normalize(text)
        if normalized:
            index.terms.append(
                Term(kind, target, normalized, tuple(tokens(normalized)), is_cjk(normalized))
            )

    for text, condition_id in ConditionTerm.objects.values_list("term", "condition_id"):
        add_term("condition", condition_id, text)
    for kind, objects in (("program", programs), ("specialty", specialties)):
        for obj in objects.values():
            add_term(kind, obj.pk, obj.name)
            for fields in obj.translations.values():
                if fields.get("name"):
                    add_term(kind, obj.pk, fields["name"])
    by_token: dict[str, list[int]] = defaultdict(list)
    for position, term in enumerate(index.terms):
        for token in term.tokens:
            by_token[token].append(position)
    index.terms_by_token = dict(by_token)
    index.vocabulary_tokens = [t for t in by_token if not is_cjk(t)]

    relations: dict[str, dict[int, set[Any]]] = {
        name: defaultdict(set) for name in ("specialties", "programs", "conditions", "locations")
    }
    for name, through, column in (
        ("specialties", Clinician.specialties.through, "specialty_id"),
        ("programs", Clinician.programs.through, "program_id"),
        ("conditions", Clinician.conditions.through, "condition_id"),
        ("locations", Clinician.locations.through, "location_id"),
    ):
        for clinician_id, value in through.objects.values_list("clinician_id", column):
            relations[name][clinician_id].add(value)
    names: dict[str, set[int]] = defaultdict(set)
    rows = Clinician.objects.filter(is_active=True).values_list(
        "id",
        "given_name",
        "family_name",
        "languages",
        "gender",
        "accepting_new_patients",
        "telehealth",
    )
    for pk, given, family, languages, gender, accepting, telehealth in rows:
        name_tokens = tuple(normalize(f"{given} {family}").split())
        for token in name_tokens:
            names[token].add(pk)
        index.clinicians[pk] = ClinicianFacts(
            id=pk,
            family_name=family,
            sort_name=normalize(f"{family} {given}"),
            name_tokens=name_tokens,
            specialties=frozenset(relations["specialties"][pk]),
            programs=frozenset(relations["programs"][pk]),
            conditions=frozenset(relations["conditions"][pk]),
            languages=frozenset(languages or ()),
            locations=frozenset(relations["locations"][pk]),
            gender=gender,
            accepting=accepting,
            telehealth=telehealth,
        )
    index.name_tokens = dict(names)
    index.name_vocabulary = list(names)
    for attribute, target in (
        ("conditions", index.by_condition),
        ("programs", index.by_program),
        ("specialties", index.by_specialty),
    ):
        lists: dict[int, list[int]] = defaultdict(list)
        for pk, facts in index.clinicians.items():
            for value in getattr(facts, attribute):
                lists[value].append(pk)
        target.update({value: tuple(pks) for value, pks in lists.items()})
    return index

"""An in-process index of the directory, rebuilt when the directory changes.

Searching 10,000 clinicians with facets has to stay under 50 ms, so the facts a search needs
(which clinician treats which condition, speaks which language, works where) are held in memory
per worker process. The database stays the source of truth: a version row, changed by every
directory write, tells each worker when to rebuild.
"""

import json
import threading
import time
import uuid
from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from pathlib import Path
from typing import Any

import numpy as np
import numpy.typing as npt

from medcenter.directory.models import (
    Clinician,
    Condition,
    ConditionTerm,
    IndexVersion,
    Location,
    Program,
    Specialty,
)
from medcenter.directory.text import NON_WORD, is_cjk, normalize, sound_key, tokens

DATA = Path(__file__).resolve().parent / "data"

CARD_FIELDS = (
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


@dataclass(frozen=True)
class Term:
    kind: str  # "condition", "program", "specialty", "service"
    target: int
    text: str  # normalized
    tokens: tuple[str, ...]
    cjk: bool
    original: str = ""  # as written in the vocabulary


@dataclass
class ClinicianFacts:
    id: int
    sort_name: str
    specialties: frozenset[int]
    programs: frozenset[int]
    conditions: frozenset[int]
    languages: frozenset[str]
    locations: frozenset[int]
    gender: str
    accepting: bool
    telehealth: bool


Positions = npt.NDArray[np.int32]
Mask = npt.NDArray[np.bool_]

# Facets whose values are ids or codes, each with its (clinician, value) pairs.
MULTI_FACETS = {
    "specialty": "specialties",
    "program": "programs",
    "condition": "conditions",
    "location": "locations",
    "language": "languages",
}


@dataclass
class FacetPairs:
    """One facet as parallel arrays: clinician position and value code, one row per pair."""

    values: list[Any]  # code -> value (an id, a language code, a gender)
    codes: dict[Any, int]  # value -> code
    positions: Positions
    value_codes: Positions
    by_value: list[Positions]  # code -> positions of the clinicians holding the value


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
    locations: dict[int, tuple[float, float]] = field(default_factory=dict)
    labels: dict[str, dict[int, Any]] = field(default_factory=dict)
    slugs: dict[str, dict[str, int]] = field(default_factory=dict)
    stems: dict[str, list[str]] = field(default_factory=dict)
    # How many distinct targets (conditions, programs, ...) each vocabulary token names: a word
    # that names one thing ("prostate") may stand for its whole term; "cancer" may not.
    token_targets: dict[str, int] = field(default_factory=dict)
    # Services a query may ask for ("second opinion", "surgery"), each with the specialties
    # that give it: index = the service's target id in its terms.
    services: list[tuple[str, frozenset[int]]] = field(default_factory=list)
    # Vocabulary words by how they sound (text.sound_key), for words typed as they sound.
    sounds: dict[str, list[str]] = field(default_factory=dict)
    sound_keys: list[str] = field(default_factory=list)
    # A normalized vocabulary word -> how it is written (accents kept), for "Did you mean".
    display: dict[str, str] = field(default_factory=dict)
    # Clinicians as positions 0..n-1 in name order, so that name order is position order and
    # filters, scores and facet counts are vector operations over arrays of length n.
    # The fields a result card shows, per clinician, so a page of results needs no query.
    card_fields: tuple[str, ...] = ()
    cards: dict[int, tuple[Any, ...]] = field(default_factory=dict)
    facet_labels: dict[tuple[str, str, Any], tuple[str, str]] = field(default_factory=dict)
    pks: npt.NDArray[np.int64] = field(default_factory=lambda: np.zeros(0, np.int64))
    position: dict[int, int] = field(default_factory=dict)
    facets: dict[str, FacetPairs] = field(default_factory=dict)
    accepting: Mask = field(default_factory=lambda: np.zeros(0, np.bool_))
    telehealth: Mask = field(default_factory=lambda: np.zeros(0, np.bool_))
    # Inverted lists: which clinicians treat a condition, belong to a program, have a specialty.
    positions_by_condition: dict[int, Positions] = field(default_factory=dict)
    positions_by_program: dict[int, Positions] = field(default_factory=dict)
    positions_by_specialty: dict[int, Positions] = field(default_factory=dict)
    # Full-text ranks already asked of the database, by the words asked: they hold for as long
    # as this index does (a directory change bumps the version and builds a new index).
    text_ranks: dict[tuple[str, ...], dict[int, float]] = field(default_factory=dict)

    @property
    def size(self) -> int:
        return len(self.pks)


_lock = threading.Lock()
_current: DirectoryIndex | None = None
_checked_at = float("-inf")
# How stale another worker's change may look here: each worker reads the version row at most
# once a second, so a search costs no query for it.
CHECK_EVERY_SECONDS = 1.0


def bump_version() -> None:
    """Tell every worker that the directory changed (called by the directory's services)."""
    global _checked_at
    # A random token, not a counter: a counter restored from a backup would come back to a
    # number some worker's old index already carries, and that stale index would look current.
    IndexVersion.objects.update_or_create(pk=1, defaults={"version": uuid.uuid4().hex})
    _checked_at = float("-inf")


def forget() -> None:
    """Drop this process's index (tests roll the database back under it)."""
    global _current, _checked_at
    _current = None
    _checked_at = float("-inf")


def current() -> DirectoryIndex:
    global _current, _checked_at
    index = _current
    now = time.monotonic()
    if index is not None and now - _checked_at < CHECK_EVERY_SECONDS:
        return index
    version = IndexVersion.objects.filter(pk=1).values_list("version", flat=True).first() or ""
    _checked_at = now
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
                Term(
                    kind,
                    target,
                    normalized,
                    tuple(tokens(normalized)),
                    is_cjk(normalized),
                    text,
                )
            )

    for text, condition_id in ConditionTerm.objects.values_list("term", "condition_id"):
        add_term("condition", condition_id, text)
    for kind, objects in (("program", programs), ("specialty", specialties)):
        for obj in objects.values():
            add_term(kind, obj.pk, obj.name)
            for fields in obj.translations.values():
                if fields.get("name"):
                    add_term(kind, obj.pk, fields["name"])
    # What patients call a program's territory: organs, symptoms, abbreviations, lay words.
    program_ids = {p.slug: p.pk for p in programs.values()}
    for slug, by_language in program_vocabulary().items():
        if slug in program_ids:
            for words in by_language.values():
                for text in words:
                    add_term("program", program_ids[slug], text)
    specialty_ids = {s.slug: s.pk for s in specialties.values()}
    for slug, service in service_vocabulary().items():
        target = len(index.services)
        index.services.append(
            (
                slug,
                frozenset(specialty_ids[s] for s in service["specialties"] if s in specialty_ids),
            )
        )
        for words in service["terms"].values():
            for text in words:
                add_term("service", target, text)
    by_token: dict[str, list[int]] = defaultdict(list)
    targets: dict[str, set[tuple[str, int]]] = defaultdict(set)
    for position, term in enumerate(index.terms):
        for token in term.tokens:
            by_token[token].append(position)
            targets[token].add((term.kind, term.target))
    index.token_targets = {token: len(found) for token, found in targets.items()}
    index.display = _display_forms(index.terms)
    index.terms_by_token = dict(by_token)
    index.vocabulary_tokens = [t for t in by_token if not is_cjk(t)]
    stems: dict[str, list[str]] = defaultdict(list)
    for token in index.vocabulary_tokens:
        for length in (3, 4):
            if len(token) >= length:
                stems[token[:length]].append(token)
    index.stems = dict(stems)
    sounds: dict[str, list[str]] = defaultdict(list)
    for token in index.vocabulary_tokens:
        if len(token) >= 4:
            sounds[sound_key(token)].append(token)
    index.sounds = dict(sounds)
    index.sound_keys = list(sounds)
    index.slugs = {
        kind: {obj.slug: pk for pk, obj in objects.items()}
        for kind, objects in index.labels.items()
    }

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
    wanted = set(CARD_FIELDS)
    index.card_fields = tuple(
        f.attname for f in Clinician._meta.concrete_fields if f.attname in wanted
    )
    rows = Clinician.objects.filter(is_active=True).values(*index.card_fields, "gender")
    for row in rows:
        pk, given, family = row["id"], row["given_name"], row["family_name"]
        index.cards[pk] = tuple(row[name] for name in index.card_fields)
        languages, gender = row["languages"], row["gender"]
        accepting, telehealth = row["accepting_new_patients"], row["telehealth"]
        for token in normalize(f"{given} {family}").split():
            names[token].add(pk)
        index.clinicians[pk] = ClinicianFacts(
            id=pk,
            sort_name=normalize(f"{family} {given}"),
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
    _build_arrays(index)
    return index


@cache
def program_vocabulary() -> dict[str, dict[str, list[str]]]:
    """data/program_vocabulary.json: per program slug and site language, the words patients
    use for what the program treats (organs, symptoms, abbreviations)."""
    data: dict[str, dict[str, list[str]]] = json.loads(
        (DATA / "program_vocabulary.json").read_text(encoding="utf-8")
    )
    return data


@cache
def service_vocabulary() -> dict[str, dict[str, Any]]:
    """data/service_vocabulary.json: per service, the specialties that give it and its words."""
    data: dict[str, dict[str, Any]] = json.loads(
        (DATA / "service_vocabulary.json").read_text(encoding="utf-8")
    )
    return data


def _display_forms(terms: list[Term]) -> dict[str, str]:
    """Each normalized token's written form, taken from the term texts it came from."""
    forms: dict[str, str] = {}
    for term in terms:
        if term.cjk:
            continue
        written = [w for w in NON_WORD.split(term.original.casefold()) if w]
        plain = term.text.split()
        if len(written) == len(plain):
            for word, token in zip(written, plain, strict=True):
                forms.setdefault(token, word)
    return forms


def _build_arrays(index: DirectoryIndex) -> None:
    ordered = sorted(index.clinicians.values(), key=lambda f: (f.sort_name, f.id))
    index.pks = np.array([f.id for f in ordered], dtype=np.int64)
    index.position = {f.id: i for i, f in enumerate(ordered)}
    index.accepting = np.array([f.accepting for f in ordered], dtype=np.bool_)
    index.telehealth = np.array([f.telehealth for f in ordered], dtype=np.bool_)
    attributes = {**MULTI_FACETS, "gender": "gender"}
    for name, attribute in attributes.items():
        values: list[Any] = []
        codes: dict[Any, int] = {}
        positions: list[int] = []
        value_codes: list[int] = []
        for i, facts in enumerate(ordered):
            held = getattr(facts, attribute)
            for value in (held,) if name == "gender" else sorted(held):
                if value == "":
                    continue
                if value not in codes:
                    codes[value] = len(values)
                    values.append(value)
                positions.append(i)
                value_codes.append(codes[value])
        position_array = np.array(positions, dtype=np.int32)
        code_array = np.array(value_codes, dtype=np.int32)
        by_value = [position_array[code_array == c] for c in range(len(values))]
        index.facets[name] = FacetPairs(values, codes, position_array, code_array, by_value)
    for name, target in (
        ("condition", index.positions_by_condition),
        ("program", index.positions_by_program),
        ("specialty", index.positions_by_specialty),
    ):
        pairs = index.facets[name]
        target.update({value: pairs.by_value[code] for value, code in pairs.codes.items()})

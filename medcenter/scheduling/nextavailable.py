"""The cache behind "next available": one entry per clinician, tied to version tokens.

Next available is computed from the slot engine (selectors.next_available_for) and kept in the
shared cache, so a search page of twenty doctors costs one cache round trip when nothing
changed. An entry is valid only while two tokens are what they were when it was computed:

- the clinician's token, replaced whenever one of their slots is held, booked, cancelled or
  freed (services call `availability_changed` with their ids);
- the generation, replaced when something that concerns everyone changes: an availability
  rule or exception, a closure, a visit type (`availability_changed` with no ids).

Tokens are random, not counters, so an evicted token can never come back with an old value
and revive stale entries; a missing token is created on the spot (which misses once).
Tokens are replaced after the writer's transaction commits: a reader that fetched the old
token may store what it computed under it, but nobody asks for that token any more.
An entry whose slot has come within its visit's minimum notice is recomputed when read.
Entries also expire after NEXT_AVAILABLE_CACHE_SECONDS, which bounds what nothing announces:
a hold that runs out before the sweep releases it, a slot entering the 30-day window.
"""

from __future__ import annotations

import uuid
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

_GENERATION = "sched:next:gen"
_PREFIX = "sched:next"


@dataclass(frozen=True, slots=True)
class Found:
    """The earliest new-patient slot of one clinician, as cached: plain values only."""

    start_epoch: int  # seconds since 1970 (UTC)
    bookable_until_epoch: int  # when the visit's minimum notice rules the slot out
    visit_code: str
    location_id: int
    location_slug: str


# What an entry holds: the slot, or None when nothing is free within the window.
Entry = Found | None


def seconds() -> int:
    return int(getattr(settings, "NEXT_AVAILABLE_CACHE_SECONDS", 600))


def _token() -> str:
    return uuid.uuid4().hex[:16]


def _version_key(clinician_id: int) -> str:
    return f"{_PREFIX}:ver:{clinician_id}"


def _entry_key(clinician_id: int) -> str:
    return f"{_PREFIX}:entry:{clinician_id}"


@dataclass
class Lookup:
    """What one round trip to the cache found: usable entries, and the tokens to store under."""

    hits: dict[int, Entry]
    generation: str
    versions: dict[int, str]


def lookup(clinician_ids: Sequence[int]) -> Lookup:
    """Fetch the generation, the clinicians' tokens and their entries in one get_many."""
    keys = [_GENERATION]
    for pk in clinician_ids:
        keys += [_version_key(pk), _entry_key(pk)]
    found = cache.get_many(keys)
    generation = found.get(_GENERATION)
    if generation is None:
        cache.add(_GENERATION, _token(), timeout=None)
        generation = cache.get(_GENERATION) or _token()
    versions: dict[int, str] = {}
    missing: dict[str, str] = {}
    for pk in clinician_ids:
        version = found.get(_version_key(pk))
        if version is None:
            version = _token()
            missing[_version_key(pk)] = version
        versions[pk] = version
    if missing:
        # set_many, not add: a token is missing only after eviction or on first use, and
        # then any new value is as good as another (entries under it do not exist yet).
        cache.set_many(missing, timeout=None)
    hits: dict[int, Entry] = {}
    for pk in clinician_ids:
        entry = found.get(_entry_key(pk))
        if (
            isinstance(entry, tuple)
            and len(entry) == 3
            and entry[0] == generation
            and entry[1] == versions[pk]
        ):
            hits[pk] = entry[2]
    return Lookup(hits=hits, generation=generation, versions=versions)


def store(found: Lookup, computed: dict[int, Entry]) -> None:
    """Keep freshly computed entries under the tokens they were computed for."""
    if computed:
        cache.set_many(
            {
                _entry_key(pk): (found.generation, found.versions[pk], entry)
                for pk, entry in computed.items()
            },
            timeout=seconds(),
        )


def renew(clinician_ids: Iterable[int] | None) -> None:
    """Replace the tokens of these clinicians (or the generation, for None) after commit."""
    ids = None if clinician_ids is None else sorted({pk for pk in clinician_ids if pk})
    if ids == []:
        return

    def replace() -> None:
        if ids is None:
            cache.set(_GENERATION, _token(), timeout=None)
        else:
            cache.set_many({_version_key(pk): _token() for pk in ids}, timeout=None)

    transaction.on_commit(replace)

"""The slot engine: free slots from weekly rules minus busy time, and multidisciplinary days.

Slots are computed, never stored. Rules are in the center's local wall-clock time; busy
intervals and slots are instants. Internally every instant is an integer count of microseconds
since the Unix epoch, so the hot loops compare and add plain ints instead of aware datetimes;
`Slot` objects are made only for what a caller actually receives.

Pure Python with no Django import, so that it can be tested and timed without a database.
"""

from bisect import bisect_right
from collections import deque
from collections.abc import Iterator, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

Owner = tuple[str, int]

_EPOCH = datetime(1970, 1, 1, tzinfo=UTC)
_NAIVE_EPOCH = datetime(1970, 1, 1)
_US = timedelta(microseconds=1)
_ONE_DAY = timedelta(days=1)
# Open search bounds; far outside any datetime, so comparisons never need a None check.
_BEFORE_ALL = -(2**62)
_AFTER_ALL = 2**62
_NO_OWNERS: frozenset[Owner] = frozenset()


@dataclass(frozen=True, slots=True)
class Rule:
    """One weekly window of availability, in local wall-clock time."""

    owner: Owner
    location_id: int
    weekday: int
    start: time
    end: time
    valid_from: date
    valid_until: date | None
    visit_type_ids: frozenset[int]

    def __post_init__(self) -> None:
        if not 0 <= self.weekday <= 6:
            raise ValueError(f"weekday must be 0 (Monday) to 6 (Sunday), not {self.weekday}")
        if self.end <= self.start:
            raise ValueError(f"a rule's window must end after it starts ({self.start}-{self.end})")


@dataclass(frozen=True, slots=True)
class Busy:
    """A booking, hold or exception: the half-open interval [start, end) in aware datetimes.

    `blocked` marks an exception (leave, closure, block) as opposed to a booking or hold.
    """

    start: datetime
    end: datetime
    blocked: bool = False

    def __post_init__(self) -> None:
        _require_aware(self.start, "Busy.start")
        _require_aware(self.end, "Busy.end")
        if self.end < self.start:
            raise ValueError(f"a busy interval must not end before it starts ({self.start})")


@dataclass(frozen=True, slots=True)
class VisitSpec:
    """A visit type's length and the owner's turnover after it."""

    id: int
    duration: timedelta
    buffer: timedelta

    def __post_init__(self) -> None:
        if self.duration <= timedelta(0):
            raise ValueError("a visit's duration must be positive")
        if self.buffer < timedelta(0):
            raise ValueError("a visit's buffer must not be negative")


@dataclass(frozen=True, slots=True)
class Slot:
    """A free start: the visit is [start, end), the owner stays reserved until reserved_until."""

    owner: Owner
    location_id: int
    visit_type_id: int
    start: datetime
    end: datetime
    reserved_until: datetime


@dataclass
class Calendar:
    """Everything known about one owner for a search: its rules and its busy intervals."""

    owner: Owner
    rules: Sequence[Rule]
    busy: Sequence[Busy] = ()


@dataclass(frozen=True, slots=True)
class Leg:
    """One specialty of a multidisciplinary visit and the clinicians who could see the patient."""

    label: str
    visit: VisitSpec
    calendars: Sequence[Calendar]


def overlaps(a_start: datetime, a_end: datetime, b_start: datetime, b_end: datetime) -> bool:
    """Whether the half-open intervals [a_start, a_end) and [b_start, b_end) share an instant."""
    return a_start < b_end and b_start < a_end


def slots(
    *,
    calendar: Calendar,
    visit: VisitSpec,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    location_id: int | None = None,
) -> Iterator[Slot]:
    """Free slots of `visit` for one owner with start in [start, end), in time order."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    # Not a generator itself, so that bad arguments fail at the call rather than at first next().
    return _iter_slots(_Plan(calendar, visit, location_id), start, end, tz)


def next_available(
    *,
    calendar: Calendar,
    visit: VisitSpec,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    location_id: int | None = None,
) -> Slot | None:
    """The first free slot of `visit` for one owner with start in [start, end), or None."""
    found = slots(
        calendar=calendar, visit=visit, start=start, end=end, tz=tz, location_id=location_id
    )
    return next(found, None)


def free_on_day(
    *,
    calendar: Calendar,
    visit: VisitSpec,
    day: date,
    tz: ZoneInfo,
    not_before: datetime | None = None,
    location_id: int | None = None,
) -> list[Slot]:
    """Free slots of `visit` for one owner on one local day, starting no earlier than not_before."""
    low = _BEFORE_ALL
    if not_before is not None:
        _require_aware(not_before, "not_before")
        low = _us(not_before)
    plan = _Plan(calendar, visit, location_id)
    if not plan.windows_on(day):
        return []
    return [plan.slot(s, loc) for s, loc in plan.free(_Day(day, tz), low, _AFTER_ALL)]


def earliest_sequence(
    *,
    legs: Sequence[Leg],
    location_id: int,
    start: datetime,
    end: datetime,
    tz: ZoneInfo,
    max_gap: timedelta = timedelta(hours=2),
) -> list[Slot] | None:
    """The earliest day (then earliest finish) the legs can be seen in order at one location."""
    _require_aware(start, "start")
    _require_aware(end, "end")
    if not legs:
        raise ValueError("a multidisciplinary visit needs at least one leg")
    if max_gap < timedelta(0):
        raise ValueError("max_gap must not be negative")
    plans = [[_Plan(c, leg.visit, location_id) for c in leg.calendars] for leg in legs]
    # A chain only needs to remember those of its owners that a later leg could pick again;
    # when the specialties share no clinician this is empty and each slot keeps a single label.
    later: list[frozenset[Owner]] = []
    seen: set[Owner] = set()
    for leg in reversed(legs):
        later.append(frozenset(seen))
        seen.update(c.owner for c in leg.calendars)
    later.reverse()
    durations = [leg.visit.duration // _US for leg in legs]
    low, high, gap = _us(start), _us(end), max_gap // _US

    for day in _local_days(start, end, tz):
        context: _Day | None = None
        per_leg: list[list[tuple[int, int]]] = []
        for leg_plans in plans:
            found: list[tuple[int, int]] = []
            for index, plan in enumerate(leg_plans):
                if not plan.windows_on(day):
                    continue
                if context is None:
                    context = _Day(day, tz)
                found.extend((s, index) for s, _loc in plan.free(context, low, high))
            if not found:
                break  # one leg with nothing free rules out the whole day
            found.sort()
            per_leg.append(found)
        else:
            chain = _best_chain(per_leg, plans, later, durations, gap)
            if chain is not None:
                return [plans[i][index].slot(s, location_id) for i, (s, index) in enumerate(chain)]
    return None


# --- Internals ---------------------------------------------------------------------------------

_Window = tuple[date, date | None, int, int, int]  # valid_from, valid_until, start, end, location
# Per slot of a leg: the owners a later leg must avoid -> (chain start, predecessor, its key).
_Labels = dict[frozenset[Owner], tuple[int, int, frozenset[Owner]]]


def _require_aware(value: datetime, name: str) -> None:
    if value.tzinfo is None or value.utcoffset() is None:
        raise ValueError(f"{name} must be an aware datetime")


def _us(moment: datetime) -> int:
    return (moment - _EPOCH) // _US


def _at(us: int) -> datetime:
    return _EPOCH + timedelta(microseconds=us)


def _time_us(clock: time) -> int:
    return ((clock.hour * 60 + clock.minute) * 60 + clock.second) * 1_000_000 + clock.microsecond


def _offset_us(tz: ZoneInfo, wall: datetime) -> int:
    offset = tz.utcoffset(wall)
    if offset is None:
        raise ValueError(f"{tz} gives no UTC offset for {wall}")
    return offset // _US


class _Day:
    """One local date and how its wall-clock times map to instants."""

    __slots__ = ("base", "date", "midnight", "tz")

    def __init__(self, day: date, tz: ZoneInfo) -> None:
        self.date = day
        self.tz = tz
        self.midnight = datetime.combine(day, time.min)
        first = _offset_us(tz, self.midnight)
        last = _offset_us(tz, datetime.combine(day, time.max))
        # All but two days a year have one offset throughout: instants are then plain sums.
        self.base: int | None = (
            (self.midnight - _NAIVE_EPOCH) // _US - first if first == last else None
        )

    def start_at(self, wall: int) -> int | None:
        """The instant the wall clock shows `wall` µs after midnight; None inside a DST gap."""
        if self.base is not None:
            return self.base + wall
        naive = self.midnight + timedelta(microseconds=wall)
        instant = _us(naive.replace(tzinfo=self.tz))  # fold=0: the first of an ambiguous pair
        if self._wall_at(instant) != naive:
            return None
        return instant

    def end_at(self, wall: int) -> int:
        """The first instant the wall clock shows `wall` µs after midnight or later."""
        if self.base is not None:
            return self.base + wall
        naive = self.midnight + timedelta(microseconds=wall)
        after = _us(naive.replace(tzinfo=self.tz))
        if self._wall_at(after) == naive:
            return after
        # Inside a spring-forward gap the window really closes at the jump itself, which lies
        # between the two readings of the missing time; a window ending in a gap is rare enough
        # that bisecting for it is cheaper than carrying the zone's transition table.
        before = _us(naive.replace(tzinfo=self.tz, fold=1))
        low, high = min(before, after), max(before, after)
        while high - low > 1:
            middle = (low + high) // 2
            if self._wall_at(middle) >= naive:
                high = middle
            else:
                low = middle
        return high

    def _wall_at(self, instant: int) -> datetime:
        return _at(instant).astimezone(self.tz).replace(tzinfo=None)


class _Plan:
    """One calendar prepared for one visit type (and location): windows per weekday, busy index."""

    __slots__ = (
        "_busy_ends",
        "_busy_starts",
        "_source",
        "by_weekday",
        "duration",
        "first_day",
        "last_day",
        "owner",
        "step",
        "visit_id",
    )

    def __init__(self, calendar: Calendar, visit: VisitSpec, location_id: int | None) -> None:
        self.owner = calendar.owner
        self.visit_id = visit.id
        self.duration = visit.duration // _US
        self.step = (visit.duration + visit.buffer) // _US
        self.by_weekday: tuple[list[_Window], ...] = tuple([] for _ in range(7))
        self.first_day = date.max
        self.last_day: date | None = date.min
        for rule in calendar.rules:
            if rule.owner != calendar.owner:
                raise ValueError(f"a rule of {rule.owner} is in the calendar of {calendar.owner}")
            if visit.id not in rule.visit_type_ids:
                continue
            if location_id is not None and rule.location_id != location_id:
                continue
            self.by_weekday[rule.weekday].append(
                (
                    rule.valid_from,
                    rule.valid_until,
                    _time_us(rule.start),
                    _time_us(rule.end),
                    rule.location_id,
                )
            )
            self.first_day = min(self.first_day, rule.valid_from)
            if rule.valid_until is None or self.last_day is None:
                self.last_day = None
            else:
                self.last_day = max(self.last_day, rule.valid_until)
        self._source = calendar.busy
        self._busy_starts: list[int] | None = None
        self._busy_ends: list[int] = []

    def windows_on(self, day: date) -> bool:
        """Cheap pre-check: whether any window of this plan could apply on `day`."""
        if day < self.first_day or (self.last_day is not None and day > self.last_day):
            return False
        return bool(self.by_weekday[day.weekday()])

    def free(self, day: _Day, low: int, high: int) -> list[tuple[int, int]]:
        """(start, location) of the free slots on `day` with low <= start < high, in order."""
        d = day.date
        windows = [
            w for w in self.by_weekday[d.weekday()] if w[0] <= d and (w[1] is None or d <= w[1])
        ]
        if not windows:
            return []
        duration, step, base = self.duration, self.step, day.base
        found: list[tuple[int, int]] = []
        for _from, _until, wall_start, wall_end, location in windows:
            if base is not None:
                first = base + wall_start
                if first < low:
                    first += -((first - low) // step) * step  # jump to the first start >= low
                stop = min(base + wall_end - duration + 1, high)
                found.extend((s, location) for s in range(first, stop, step))
            else:
                # The grid is in wall-clock time, so it is walked there and converted per start.
                closes = day.end_at(wall_end)
                for wall in range(wall_start, wall_end, step):
                    s = day.start_at(wall)
                    if s is not None and low <= s < high and s + duration <= closes:
                        found.append((s, location))
        if len(windows) > 1 or base is None:
            found = sorted(set(found))  # overlapping rules offer a start once per location
        starts, ends = self._busy()
        if not starts:
            return found
        free: list[tuple[int, int]] = []
        count, i = len(ends), 0
        for s, location in found:
            # The first busy interval ending after s is the only one that could overlap, since
            # the normalized intervals are disjoint and sorted.
            i = bisect_right(ends, s, i)
            if i == count or starts[i] >= s + step:
                free.append((s, location))
        return free

    def slot(self, start: int, location_id: int) -> Slot:
        """The Slot for a free start found by `free`."""
        return Slot(
            owner=self.owner,
            location_id=location_id,
            visit_type_id=self.visit_id,
            start=_at(start),
            end=_at(start + self.duration),
            reserved_until=_at(start + self.step),
        )

    def _busy(self) -> tuple[list[int], list[int]]:
        # Sorted and merged on first use only: most candidates of a multidisciplinary search
        # never have a window on the day in question.
        if self._busy_starts is None:
            # Merging happens on datetimes and only the merged intervals become ints, which is
            # several times cheaper for the usual UTC rows; other zones are moved to UTC first
            # because same-zone comparison ignores `fold` and would misorder a repeated hour.
            spans = sorted(
                [
                    (
                        b.start if b.start.tzinfo is UTC else b.start.astimezone(UTC),
                        b.end if b.end.tzinfo is UTC else b.end.astimezone(UTC),
                    )
                    for b in self._source
                ]
            )
            merged: list[tuple[datetime, datetime]] = []
            for begins, ends in spans:
                if begins == ends:
                    continue
                if merged and begins <= merged[-1][1]:
                    if ends > merged[-1][1]:
                        merged[-1] = (merged[-1][0], ends)
                else:
                    merged.append((begins, ends))
            self._busy_starts = [(b - _EPOCH) // _US for b, _ in merged]
            self._busy_ends = [(e - _EPOCH) // _US for _, e in merged]
        return self._busy_starts, self._busy_ends


def _local_days(start: datetime, end: datetime, tz: ZoneInfo) -> Iterator[date]:
    if end <= start:
        return
    day = start.astimezone(tz).date()
    last = (end - _US).astimezone(tz).date()
    while day <= last:
        yield day
        day += _ONE_DAY


def _iter_slots(plan: _Plan, start: datetime, end: datetime, tz: ZoneInfo) -> Iterator[Slot]:
    low, high = _us(start), _us(end)
    for day in _local_days(start, end, tz):
        if plan.last_day is not None and day > plan.last_day:
            return
        if plan.windows_on(day):
            for s, location in plan.free(_Day(day, tz), low, high):
                yield plan.slot(s, location)


def _best_chain(
    per_leg: list[list[tuple[int, int]]],
    plans: list[list[_Plan]],
    later: list[frozenset[Owner]],
    durations: list[int],
    gap: int,
) -> list[tuple[int, int]] | None:
    """The (start, calendar index) per leg of the earliest-finishing chain on one day, or None.

    Dynamic programming over each leg's free slots sorted by start: a slot's label is the best
    (earliest) chain start over the previous leg's slots ending in [start - gap, start], kept per
    set of owners a later leg must avoid. That window slides forward as the slots do, so one
    monotonic deque per owner set answers every slot in amortized constant time.
    """
    labels: list[list[_Labels]] = []
    first_labels: list[_Labels] = []
    for s, index in per_leg[0]:
        owner = plans[0][index].owner
        key = frozenset((owner,)) if owner in later[0] else _NO_OWNERS
        first_labels.append({key: (s, -1, _NO_OWNERS)})
    labels.append(first_labels)

    for leg in range(1, len(per_leg)):
        previous, previous_labels = per_leg[leg - 1], labels[leg - 1]
        previous_duration, avoid = durations[leg - 1], later[leg]
        # Per owner set: (end, chain start, slot index), ends ascending and chain starts ascending.
        windows: dict[frozenset[Owner], deque[tuple[int, int, int]]] = {}
        current: list[_Labels] = []
        j = 0
        for s, index in per_leg[leg]:
            while j < len(previous) and previous[j][0] + previous_duration <= s:
                ends_at = previous[j][0] + previous_duration
                for key, (chain_start, _, _) in previous_labels[j].items():
                    queue = windows.setdefault(key, deque())
                    while queue and queue[-1][1] >= chain_start:
                        queue.pop()  # ends no later and starts no earlier: never the best again
                    queue.append((ends_at, chain_start, j))
                j += 1
            owner = plans[leg][index].owner
            mine: _Labels = {}
            for key, queue in windows.items():
                while queue and queue[0][0] < s - gap:
                    queue.popleft()
                if not queue or owner in key:
                    continue
                _, chain_start, predecessor = queue[0]
                new_key = (key | {owner}) & avoid if avoid else _NO_OWNERS
                best = mine.get(new_key)
                if best is None or chain_start < best[0]:
                    mine[new_key] = (chain_start, predecessor, key)
            current.append(mine)
        labels.append(current)

    last_leg = len(per_leg) - 1
    best_end: tuple[int, int, int] | None = None
    best_key = _NO_OWNERS
    for i, (s, _index) in enumerate(per_leg[last_leg]):
        for key, (chain_start, _, _) in labels[last_leg][i].items():
            candidate = (s + durations[last_leg], chain_start, i)
            if best_end is None or candidate < best_end:
                best_end, best_key = candidate, key
    if best_end is None:
        return None
    chain: list[tuple[int, int]] = []
    i, key = best_end[2], best_key
    for leg in range(last_leg, -1, -1):
        chain.append(per_leg[leg][i])
        _, i, key = labels[leg][i][key]
    chain.reverse()
    return chain

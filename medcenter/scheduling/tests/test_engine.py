"""The slot engine: rules to UTC slots, busy time, DST, and the multidisciplinary chain."""

import itertools
import random
from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest

from medcenter.scheduling.engine import (
    Busy,
    Calendar,
    Leg,
    Rule,
    Slot,
    VisitSpec,
    earliest_sequence,
    free_on_day,
    next_available,
    overlaps,
    slots,
)

NY = ZoneInfo("America/New_York")
DOC = ("clinician", 1)
VISIT = VisitSpec(id=1, duration=timedelta(minutes=30), buffer=timedelta(0))
MONDAY = date(2026, 1, 5)  # EST, UTC-5
SUMMER_MONDAY = date(2026, 7, 6)  # EDT, UTC-4
SITE = 10


def rule(
    *,
    owner=DOC,
    weekday=0,
    start=time(9),
    end=time(11),
    valid_from=date(2026, 1, 1),
    valid_until=None,
    visits=frozenset({1}),
    location=SITE,
):
    return Rule(
        owner=owner,
        location_id=location,
        weekday=weekday,
        start=start,
        end=end,
        valid_from=valid_from,
        valid_until=valid_until,
        visit_type_ids=visits,
    )


def local(day, hour, minute=0):
    return datetime.combine(day, time(hour, minute), tzinfo=NY)


def utc(year, month, day, hour, minute=0):
    return datetime(year, month, day, hour, minute, tzinfo=UTC)


def busy(day, start, end):
    """Busy time between two local (hour, minute) pairs on one day."""
    return Busy(start=local(day, *start), end=local(day, *end))


def day_slots(calendar, day, visit=VISIT, location_id=None):
    return free_on_day(calendar=calendar, visit=visit, day=day, tz=NY, location_id=location_id)


def local_times(found):
    return [s.start.astimezone(NY).strftime("%H:%M") for s in found]


def search(calendar, start, end, visit=VISIT, location_id=None):
    return list(
        slots(
            calendar=calendar,
            visit=visit,
            start=start,
            end=end,
            tz=NY,
            location_id=location_id,
        )
    )


# --- One owner -------------------------------------------------------------------------------


def test_weekly_rule_yields_local_times_converted_to_utc():
    calendar = Calendar(owner=DOC, rules=[rule()], busy=[])

    winter = day_slots(calendar, MONDAY)
    summer = day_slots(calendar, SUMMER_MONDAY)

    assert [s.start for s in winter] == [
        utc(2026, 1, 5, 14),
        utc(2026, 1, 5, 14, 30),
        utc(2026, 1, 5, 15),
        utc(2026, 1, 5, 15, 30),
    ]
    assert summer[0].start == utc(2026, 7, 6, 13)
    first = winter[0]
    assert first.start.tzinfo is UTC
    assert first == Slot(
        owner=DOC,
        location_id=SITE,
        visit_type_id=1,
        start=utc(2026, 1, 5, 14),
        end=utc(2026, 1, 5, 14, 30),
        reserved_until=utc(2026, 1, 5, 14, 30),
    )
    assert day_slots(calendar, MONDAY + timedelta(days=1)) == []  # a Tuesday


def test_search_runs_day_by_day_in_time_order_across_weeks():
    calendar = Calendar(owner=DOC, rules=[rule(weekday=2), rule(weekday=0)], busy=[])

    found = search(calendar, utc(2026, 1, 5, 0), utc(2026, 1, 13, 0))

    assert [s.start for s in found] == sorted(s.start for s in found)
    assert {s.start.astimezone(NY).date() for s in found} == {
        date(2026, 1, 5),
        date(2026, 1, 7),
        date(2026, 1, 12),
    }
    assert len(found) == 12


def test_valid_from_and_valid_until_are_inclusive():
    limited = rule(valid_from=date(2026, 1, 12), valid_until=date(2026, 1, 19))
    calendar = Calendar(owner=DOC, rules=[limited], busy=[])

    found = search(calendar, utc(2026, 1, 1, 0), utc(2026, 2, 10, 0))

    assert sorted({s.start.astimezone(NY).date() for s in found}) == [
        date(2026, 1, 12),
        date(2026, 1, 19),
    ]


def test_only_windows_offering_the_visit_type_count():
    follow_up = VisitSpec(id=2, duration=timedelta(minutes=30), buffer=timedelta(0))
    calendar = Calendar(
        owner=DOC,
        rules=[
            rule(start=time(9), end=time(10), visits=frozenset({2})),
            rule(start=time(13), end=time(14), visits=frozenset({1, 2})),
        ],
        busy=[],
    )

    assert local_times(day_slots(calendar, MONDAY)) == ["13:00", "13:30"]
    assert local_times(day_slots(calendar, MONDAY, visit=follow_up)) == [
        "09:00",
        "09:30",
        "13:00",
        "13:30",
    ]
    assert all(s.visit_type_id == 2 for s in day_slots(calendar, MONDAY, visit=follow_up))


def test_location_filter_keeps_only_that_sites_windows():
    calendar = Calendar(
        owner=DOC,
        rules=[
            rule(start=time(9), end=time(10), location=10),
            rule(start=time(13), end=time(14), location=20),
        ],
        busy=[],
    )

    everywhere = day_slots(calendar, MONDAY)
    at_20 = day_slots(calendar, MONDAY, location_id=20)

    assert [
        (s.location_id, t) for s, t in zip(everywhere, local_times(everywhere), strict=True)
    ] == [
        (10, "09:00"),
        (10, "09:30"),
        (20, "13:00"),
        (20, "13:30"),
    ]
    assert local_times(at_20) == ["13:00", "13:30"]
    assert {s.location_id for s in at_20} == {20}
    assert day_slots(calendar, MONDAY, location_id=30) == []


def test_buffer_spaces_the_grid_and_may_run_past_the_window():
    with_turnover = VisitSpec(id=1, duration=timedelta(minutes=30), buffer=timedelta(minutes=15))
    calendar = Calendar(owner=DOC, rules=[rule(start=time(9), end=time(11))], busy=[])

    found = day_slots(calendar, MONDAY, visit=with_turnover)

    assert local_times(found) == ["09:00", "09:45", "10:30"]
    last = found[-1]
    assert last.end == local(MONDAY, 11)
    assert last.reserved_until == local(MONDAY, 11, 15)


def test_a_slot_that_would_overrun_the_window_is_not_offered():
    calendar = Calendar(owner=DOC, rules=[rule(start=time(9), end=time(10, 50))], busy=[])

    assert local_times(day_slots(calendar, MONDAY)) == ["09:00", "09:30", "10:00"]


def test_busy_time_removes_overlapping_slots_and_touching_is_fine():
    calendar = Calendar(owner=DOC, rules=[rule()], busy=[busy(MONDAY, (9, 30), (10, 0))])

    assert local_times(day_slots(calendar, MONDAY)) == ["09:00", "10:00", "10:30"]


def test_busy_time_blocks_a_slot_whose_buffer_would_overlap_it():
    with_turnover = VisitSpec(id=1, duration=timedelta(minutes=30), buffer=timedelta(minutes=10))
    calendar = Calendar(owner=DOC, rules=[rule()], busy=[busy(MONDAY, (9, 30), (9, 40))])

    # 09:00 needs the owner until 09:40, which the busy interval takes; 09:40 itself touches.
    assert local_times(day_slots(calendar, MONDAY, visit=with_turnover)) == [
        "09:40",
        "10:20",
    ]


def test_unsorted_overlapping_busy_input_is_normalized():
    calendar = Calendar(
        owner=DOC,
        rules=[rule(start=time(9), end=time(13))],
        busy=[
            busy(MONDAY, (11, 15), (11, 45)),
            busy(MONDAY, (9, 0), (9, 20)),
            busy(MONDAY, (11, 40), (12, 0)),
            busy(MONDAY, (9, 10), (9, 40)),
            busy(MONDAY, (10, 0), (10, 0)),  # empty: blocks nothing
            busy(MONDAY, (9, 15), (9, 25)),
        ],
    )

    assert local_times(day_slots(calendar, MONDAY)) == [
        "10:00",
        "10:30",
        "12:00",
        "12:30",
    ]


def test_dst_spring_forward_skips_the_missing_hour():
    sunday = date(2026, 3, 8)  # 02:00 EST jumps to 03:00 EDT
    hourly = VisitSpec(id=1, duration=timedelta(hours=1), buffer=timedelta(0))
    calendar = Calendar(owner=DOC, rules=[rule(weekday=6, start=time(0), end=time(5))], busy=[])

    found = day_slots(calendar, sunday, visit=hourly)

    assert [s.start for s in found] == [
        utc(2026, 3, 8, 5),  # 00:00 EST
        utc(2026, 3, 8, 6),  # 01:00 EST
        utc(2026, 3, 8, 7),  # 03:00 EDT; 02:00 does not exist
        utc(2026, 3, 8, 8),  # 04:00 EDT
    ]
    assert found[1].end == found[2].start  # an hour of real time, across the jump
    assert local_times(found) == ["00:00", "01:00", "03:00", "04:00"]


def test_dst_a_window_ending_in_the_gap_closes_at_the_jump():
    sunday = date(2026, 3, 8)
    fifty = VisitSpec(id=1, duration=timedelta(minutes=50), buffer=timedelta(0))
    twenty = VisitSpec(id=1, duration=timedelta(minutes=20), buffer=timedelta(0))
    calendar = Calendar(owner=DOC, rules=[rule(weekday=6, start=time(0), end=time(2, 30))], busy=[])

    # 01:40 EST + 50 min is 03:30 EDT, past a 02:30 close however the missing time is read.
    assert local_times(day_slots(calendar, sunday, visit=fifty)) == ["00:00", "00:50"]
    # 01:40 EST + 20 min ends exactly at the jump, 07:00 UTC, which the clock shows as 03:00.
    assert day_slots(calendar, sunday, visit=twenty)[-1].end == utc(2026, 3, 8, 7)


def test_dst_fall_back_uses_the_first_of_the_repeated_times():
    sunday = date(2026, 11, 1)  # 02:00 EDT falls back to 01:00 EST
    calendar = Calendar(owner=DOC, rules=[rule(weekday=6, start=time(0), end=time(3))], busy=[])

    found = day_slots(calendar, sunday)

    assert [s.start for s in found] == [
        utc(2026, 11, 1, 4),  # 00:00 EDT
        utc(2026, 11, 1, 4, 30),
        utc(2026, 11, 1, 5),  # 01:00 EDT, fold=0
        utc(2026, 11, 1, 5, 30),  # 01:30 EDT
        utc(2026, 11, 1, 7),  # 02:00 EST
        utc(2026, 11, 1, 7, 30),
    ]
    # 01:30 EDT plus half an hour is the second 01:00 of the night (01:00 EST).
    assert found[3].end == utc(2026, 11, 1, 6)
    assert found[3].end.astimezone(NY).fold == 1


def test_next_available_skips_fully_booked_days():
    calendar = Calendar(
        owner=DOC,
        rules=[rule(weekday=0), rule(weekday=2)],
        busy=[busy(MONDAY, (8, 0), (12, 0))],
    )

    first = next_available(
        calendar=calendar, visit=VISIT, start=utc(2026, 1, 5, 0), end=utc(2026, 2, 1, 0), tz=NY
    )

    assert first is not None
    assert first.start == local(date(2026, 1, 7), 9)


def test_next_available_returns_none_past_the_end():
    calendar = Calendar(owner=DOC, rules=[rule(weekday=0)], busy=[busy(MONDAY, (8, 0), (12, 0))])

    found = next_available(
        calendar=calendar,
        visit=VISIT,
        start=utc(2026, 1, 5, 0),
        end=local(date(2026, 1, 12), 9),
        tz=NY,
    )
    empty = next_available(
        calendar=Calendar(owner=DOC, rules=[], busy=[]),
        visit=VISIT,
        start=utc(2026, 1, 5, 0),
        end=utc(2027, 1, 5, 0),
        tz=NY,
    )

    assert found is None  # the next free start is exactly `end`, which is excluded
    assert empty is None


def test_start_bound_in_the_middle_of_a_day():
    calendar = Calendar(owner=DOC, rules=[rule()], busy=[])

    after_ten_past = search(calendar, local(MONDAY, 10, 10), local(MONDAY, 23))
    on_the_dot = search(calendar, local(MONDAY, 10), local(MONDAY, 10, 30))

    assert local_times(after_ten_past) == ["10:30"]
    assert local_times(on_the_dot) == ["10:00"]
    assert local_times(
        free_on_day(
            calendar=calendar, visit=VISIT, day=MONDAY, tz=NY, not_before=local(MONDAY, 9, 1)
        )
    ) == ["09:30", "10:00", "10:30"]


def test_overlapping_rules_do_not_duplicate_slots():
    calendar = Calendar(
        owner=DOC,
        rules=[
            rule(start=time(9), end=time(11)),
            rule(start=time(10), end=time(12)),
            rule(start=time(9), end=time(11)),
        ],
        busy=[],
    )

    found = day_slots(calendar, MONDAY)

    assert local_times(found) == ["09:00", "09:30", "10:00", "10:30", "11:00", "11:30"]


def test_the_same_time_at_two_locations_is_two_slots():
    calendar = Calendar(owner=DOC, rules=[rule(location=10), rule(location=20)], busy=[])

    found = day_slots(calendar, MONDAY)

    assert [(s.location_id, t) for s, t in zip(found, local_times(found), strict=True)][:2] == [
        (10, "09:00"),
        (20, "09:00"),
    ]


def test_overlaps_is_half_open():
    nine, ten, eleven = local(MONDAY, 9), local(MONDAY, 10), local(MONDAY, 11)

    assert overlaps(nine, eleven, ten, eleven)
    assert overlaps(nine, ten, nine, ten)
    assert not overlaps(nine, ten, ten, eleven)
    assert not overlaps(ten, eleven, nine, ten)


def test_bad_input_is_refused():
    with pytest.raises(ValueError):
        rule(start=time(11), end=time(9))
    with pytest.raises(ValueError):
        Busy(start=datetime(2026, 1, 5, 9), end=datetime(2026, 1, 5, 10))
    with pytest.raises(ValueError):
        VisitSpec(id=1, duration=timedelta(0), buffer=timedelta(0))
    calendar = Calendar(owner=DOC, rules=[rule(owner=("clinician", 2))], busy=[])
    with pytest.raises(ValueError):
        search(calendar, utc(2026, 1, 5, 0), utc(2026, 1, 6, 0))
    with pytest.raises(ValueError):
        slots(
            calendar=Calendar(owner=DOC, rules=[], busy=[]),
            visit=VISIT,
            start=datetime(2026, 1, 5),
            end=utc(2026, 1, 6, 0),
            tz=NY,
        )


# --- Property: bisect against brute force -----------------------------------------------------


def reference_slots(calendar, visit, start, end):
    """Every slot by the rules' definition, checked against every busy interval one by one."""
    found = set()
    day = start.astimezone(NY).date()
    while day <= end.astimezone(NY).date():
        for r in calendar.rules:
            if r.weekday != day.weekday() or visit.id not in r.visit_type_ids:
                continue
            if day < r.valid_from or (r.valid_until is not None and day > r.valid_until):
                continue
            wall = datetime.combine(day, r.start)
            close = datetime.combine(day, r.end).replace(tzinfo=NY).astimezone(UTC)
            while wall < datetime.combine(day, r.end):
                begin = wall.replace(tzinfo=NY).astimezone(UTC)
                exists = begin.astimezone(NY).replace(tzinfo=None) == wall
                if exists and begin + visit.duration <= close and start <= begin < end:
                    reserved = begin + visit.duration + visit.buffer
                    if not any(overlaps(begin, reserved, b.start, b.end) for b in calendar.busy):
                        found.add((begin, r.location_id))
                wall += visit.duration + visit.buffer
        day += timedelta(days=1)
    return sorted(found)


@pytest.mark.parametrize("seed", range(12))
def test_random_busy_time_matches_brute_force(seed):
    rng = random.Random(seed)  # noqa: S311 - reproducible test data
    first_day = date(2026, 2, 23) if seed % 2 else date(2026, 10, 26)  # spans a DST change
    rules = []
    for _ in range(rng.randint(2, 6)):
        opens = rng.randrange(6 * 60, 16 * 60, 15)
        rules.append(
            rule(
                weekday=rng.randrange(7),
                start=time(opens // 60, opens % 60),
                end=time(*divmod(opens + rng.randrange(30, 5 * 60, 15), 60)),
                location=rng.choice([10, 20]),
                valid_from=first_day + timedelta(days=rng.randrange(5)),
                valid_until=rng.choice([None, first_day + timedelta(days=rng.randrange(7, 30))]),
            )
        )
    intervals = []
    for _ in range(rng.randint(0, 60)):
        begins = datetime.combine(first_day, time(6), tzinfo=NY) + timedelta(
            minutes=rng.randrange(0, 21 * 24 * 60, 5)
        )
        intervals.append(Busy(start=begins, end=begins + timedelta(minutes=rng.randrange(5, 240))))
    calendar = Calendar(owner=DOC, rules=rules, busy=intervals)
    visit = VisitSpec(
        id=1,
        duration=timedelta(minutes=rng.choice([15, 20, 30, 45, 60])),
        buffer=timedelta(minutes=rng.choice([0, 0, 5, 10, 15])),
    )
    start = datetime.combine(first_day, time(rng.randrange(24)), tzinfo=NY)
    end = start + timedelta(days=rng.randrange(3, 20), hours=rng.randrange(24))

    found = search(calendar, start, end, visit=visit)

    assert [(s.start, s.location_id) for s in found] == reference_slots(calendar, visit, start, end)
    for s in found:
        assert not any(overlaps(s.start, s.reserved_until, b.start, b.end) for b in intervals)
        assert start <= s.start < end


# --- Multidisciplinary -------------------------------------------------------------------------


def owner(n):
    return ("clinician", n)


def clinic(n, *, weekdays=(0, 1, 2, 3, 4), start=time(9), end=time(12), busy_times=()):
    rules = [rule(owner=owner(n), weekday=w, start=start, end=end) for w in weekdays]
    return Calendar(owner=owner(n), rules=rules, busy=list(busy_times))


def sequence(legs, *, start=None, end=None, max_gap=timedelta(hours=2)):
    return earliest_sequence(
        legs=legs,
        location_id=SITE,
        start=start or local(MONDAY, 0),
        end=end or local(MONDAY + timedelta(days=14), 0),
        tz=NY,
        max_gap=max_gap,
    )


def leg(label, *calendars, visit=VISIT):
    return Leg(label=label, visit=visit, calendars=list(calendars))


def plan(chain):
    return [(s.owner[1], s.start.astimezone(NY).strftime("%a %H:%M")) for s in chain]


def test_sequence_moves_to_the_next_day_when_a_leg_is_booked_up():
    booked = busy(MONDAY, (0, 0), (23, 0))
    chain = sequence(
        [
            leg("surgery", clinic(1)),
            leg("medical", clinic(2, busy_times=[booked])),
            leg("radiation", clinic(3)),
        ]
    )

    assert chain is not None
    assert plan(chain) == [(1, "Tue 09:00"), (2, "Tue 09:30"), (3, "Tue 10:00")]
    assert all(s.location_id == SITE for s in chain)


def test_sequence_keeps_the_order_and_the_maximum_gap():
    morning = clinic(1, start=time(9), end=time(10))
    afternoon = clinic(2, start=time(13), end=time(14))

    too_far = sequence([leg("a", morning), leg("b", afternoon)])
    allowed = sequence([leg("a", morning), leg("b", afternoon)], max_gap=timedelta(hours=4))
    reversed_order = sequence([leg("b", afternoon), leg("a", morning)], max_gap=timedelta(hours=8))

    assert too_far is None
    assert allowed is not None
    # Both leg-a slots reach 13:00 within four hours; equal finish, so the earlier start wins.
    assert plan(allowed) == [(1, "Mon 09:00"), (2, "Mon 13:00")]
    assert allowed[1].start - allowed[0].end == timedelta(hours=3, minutes=30)
    assert reversed_order is None  # the afternoon clinic cannot come first


def test_sequence_picks_the_earliest_finishing_chain():
    # Leg a is free at 09:00 with #1 and at 10:00 with #2; leg b's #3 only from 11:00 and its #4
    # only at 10:30: a 09:00 + b 10:30 finishes first although other chains start as early.
    chain = sequence(
        [
            leg(
                "a",
                clinic(1, start=time(9), end=time(9, 30)),
                clinic(2, start=time(10), end=time(10, 30)),
            ),
            leg(
                "b",
                clinic(3, start=time(11), end=time(12)),
                clinic(4, start=time(10, 30), end=time(11)),
            ),
        ]
    )

    assert chain is not None
    assert plan(chain) == [(1, "Mon 09:00"), (4, "Mon 10:30")]
    assert chain[0].end <= chain[1].start


def test_sequence_breaks_a_finish_tie_by_the_earliest_start():
    chain = sequence(
        [
            leg(
                "a",
                clinic(2, start=time(10), end=time(10, 30)),
                clinic(1, start=time(9), end=time(9, 30)),
            ),
            leg("b", clinic(3, start=time(11), end=time(11, 30))),
        ]
    )

    assert chain is not None
    assert plan(chain) == [(1, "Mon 09:00"), (3, "Mon 11:00")]


def test_sequence_uses_a_different_clinician_for_each_leg():
    shared = clinic(1, start=time(9), end=time(12))
    # #1 belongs to both specialties; #2 only works on Tuesdays.
    chain = sequence([leg("a", shared), leg("b", shared, clinic(2, weekdays=(1,)))])

    assert chain is not None
    assert plan(chain) == [(1, "Tue 09:00"), (2, "Tue 09:30")]


def test_sequence_avoids_a_repeat_between_legs_that_are_not_adjacent():
    shared = clinic(1, start=time(9), end=time(9, 30))
    late = clinic(4, start=time(10, 30), end=time(11))
    # Leg c could be #1 at 09:00 only if leg a were not #1; leg a's other choice is #5 on Monday.
    chain = sequence(
        [
            leg("a", shared, clinic(5, start=time(7), end=time(7, 30))),
            leg("b", clinic(2, start=time(8), end=time(8, 30))),
            leg("c", shared, late),
        ],
        max_gap=timedelta(hours=3),
    )

    assert chain is not None
    assert plan(chain) == [(5, "Mon 07:00"), (2, "Mon 08:00"), (1, "Mon 09:00")]
    assert len({s.owner for s in chain}) == 3


def test_sequence_returns_none_when_no_day_works():
    only_clinician = clinic(1)

    same_owner_everywhere = sequence([leg("a", only_clinician), leg("b", only_clinician)])
    nobody_in_b = sequence([leg("a", clinic(1)), leg("b")])
    weekend_only = sequence(
        [leg("a", clinic(1)), leg("b", clinic(2, weekdays=(5,)))],
        end=local(MONDAY + timedelta(days=5), 0),
    )

    assert same_owner_everywhere is None
    assert nobody_in_b is None
    assert weekend_only is None


def brute_force_sequence(legs, start, end, max_gap):
    """Every combination of free slots, day by day; (finish, first start) of the best chain."""
    day = start.astimezone(NY).date()
    while day < end.astimezone(NY).date():
        options = [
            [
                s
                for calendar in each.calendars
                for s in free_on_day(
                    calendar=calendar,
                    visit=each.visit,
                    day=day,
                    tz=NY,
                    not_before=start,
                    location_id=SITE,
                )
                if s.start < end
            ]
            for each in legs
        ]
        best = None
        for chain in itertools.product(*options):
            if len({s.owner for s in chain}) != len(chain):
                continue
            if all(a.end <= b.start <= a.end + max_gap for a, b in itertools.pairwise(chain)):
                score = (chain[-1].end, chain[0].start)
                best = score if best is None or score < best else best
        if best is not None:
            return best
        day += timedelta(days=1)
    return None


@pytest.mark.parametrize("seed", range(30))
def test_random_sequences_match_brute_force(seed):
    rng = random.Random(1000 + seed)  # noqa: S311 - reproducible test data
    people = {}
    for n in range(1, 7):
        busy_times = []
        for _ in range(rng.randint(0, 5)):
            begins = local(MONDAY, 8) + timedelta(
                days=rng.randrange(4), minutes=rng.randrange(0, 6 * 60, 10)
            )
            busy_times.append(
                Busy(start=begins, end=begins + timedelta(minutes=rng.randrange(10, 120)))
            )
        opens = rng.randrange(8 * 60, 11 * 60, 30)
        people[n] = clinic(
            n,
            weekdays=rng.sample(range(5), rng.randint(2, 4)),
            start=time(*divmod(opens, 60)),
            end=time(*divmod(opens + rng.randrange(2 * 60, 5 * 60, 30), 60)),
            busy_times=busy_times,
        )
    # Drawn from six people, the legs often share a clinician, which the chain must not reuse.
    legs = [
        leg(
            label,
            *(people[n] for n in rng.sample(sorted(people), rng.randint(1, 3))),
            visit=VisitSpec(
                id=1,
                duration=timedelta(minutes=rng.choice([20, 30, 40])),
                buffer=timedelta(minutes=rng.choice([0, 10])),
            ),
        )
        for label in ("a", "b", "c")[: rng.randint(2, 3)]
    ]
    max_gap = timedelta(minutes=rng.choice([0, 30, 60, 120, 180]))
    start, end = local(MONDAY, 9, 30), local(MONDAY + timedelta(days=5), 0)

    chain = sequence(legs, start=start, end=end, max_gap=max_gap)
    expected = brute_force_sequence(legs, start, end, max_gap)

    if expected is None:
        assert chain is None
        return
    assert chain is not None
    assert (chain[-1].end, chain[0].start) == expected
    assert len({s.owner for s in chain}) == len(legs)
    for each, s in zip(legs, chain, strict=True):
        assert s.owner in {c.owner for c in each.calendars}
        assert s.end - s.start == each.visit.duration
    for a, b in itertools.pairwise(chain):
        assert a.end <= b.start <= a.end + max_gap

"""Due and alert rules as tables, at chosen moments (a time machine without a clock); the
business-day tables read scheduling's holiday calendar, so they use the database."""

import datetime as dt
from zoneinfo import ZoneInfo

import pytest

from medcenter.questionnaires import rules
from medcenter.scheduling.models import AvailabilityException, ExceptionKind
from medcenter.scheduling.referrals import add_business_days

ZONE = ZoneInfo("America/New_York")
D = dt.date

# course start, last report day, today -> due on, due?
DUE = [
    (None, None, D(2026, 3, 2), None, False),  # no active course: never due
    (D(2026, 3, 2), None, D(2026, 3, 2), D(2026, 3, 2), True),  # course starts: due at once
    (D(2026, 3, 2), None, D(2026, 3, 1), D(2026, 3, 2), False),
    (D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 9), D(2026, 3, 10), False),  # 6 days on
    (D(2026, 3, 2), D(2026, 3, 3), D(2026, 3, 10), D(2026, 3, 10), True),  # a week on
    (D(2026, 3, 2), D(2026, 3, 3), D(2026, 4, 1), D(2026, 3, 10), True),  # missed weeks
    (D(2026, 3, 2), D(2026, 1, 5), D(2026, 3, 2), D(2026, 3, 2), True),  # report before course
]


@pytest.mark.parametrize(("start", "last", "today", "due_on", "due"), DUE)
def test_the_check_in_is_due_weekly_during_a_course(start, last, today, due_on, due):
    found = rules.checkin_due_on(course_started_on=start, last_report_on=last)

    assert found == due_on
    assert rules.is_due(found, today) is due


def _at(day, hour, minute=0):
    return dt.datetime(2026, 3, day, hour, minute, tzinfo=ZONE)


# scores, previous scores, emergencies, sent at -> level (None: no alert), due at
ALERTS = [
    ({"pain": 2}, None, [], _at(2, 9), None, None),
    ({"pain": 3}, None, [], _at(2, 9), "severe", _at(2, 13)),
    ({"pain": 4, "nausea": 3}, None, [], _at(2, 22), "severe", _at(3, 2)),
    ({"pain": 2}, {"pain": 0}, [], _at(2, 9), "worse", _at(3, 17)),  # Monday -> Tuesday 17:00
    ({"pain": 2}, {"pain": 1}, [], _at(2, 9), None, None),  # 1 point worse: no alert
    ({"pain": 1}, {"pain": 3}, [], _at(2, 9), None, None),  # better
    ({"pain": 2}, {"nausea": 0}, [], _at(2, 9), None, None),  # not asked last time
    ({"pain": 2}, {"pain": 0}, [], _at(6, 16), "worse", _at(9, 17)),  # Friday -> Monday
    ({"pain": 2}, {"pain": 0}, [], _at(7, 10), "worse", _at(9, 17)),  # Saturday -> Monday
    ({"pain": 3, "rash": 2}, {"rash": 0}, [], _at(2, 9), "severe", _at(2, 13)),  # severe wins
    ({"pain": 2}, {"pain": 0}, [], _at(13, 9), "worse", _at(17, 17)),  # Fri, Mon holiday -> Tue
    ({"pain": 2}, {"pain": 0}, [], _at(15, 20), "worse", _at(17, 17)),  # Sun, Mon holiday -> Tue
    ({"pain": 3}, {"pain": 0}, [], _at(13, 9), "severe", _at(13, 13)),  # hours: no calendar
    ({"pain": 0}, None, ["fever"], _at(2, 9), "emergency", _at(2, 10)),
    ({"pain": 4}, None, ["chest_pain"], _at(2, 9), "emergency", _at(2, 10)),
]


@pytest.fixture
def holiday_on_march_16(db):
    """A center-wide holiday on Monday 16 March 2026 (scheduling's calendar)."""
    AvailabilityException.objects.create(
        kind=ExceptionKind.HOLIDAY,
        starts_at=_at(16, 0),
        ends_at=_at(17, 0),
    )


@pytest.mark.parametrize(("scores", "previous", "emergencies", "sent", "level", "due"), ALERTS)
def test_alert_rules(holiday_on_march_16, scores, previous, emergencies, sent, level, due):
    decision = rules.decide(
        scores=scores,
        previous=previous,
        emergencies=emergencies,
        submitted_at=sent,
        zone=ZONE,
        add_business_days=add_business_days,
    )

    if level is None:
        assert decision is None
    else:
        assert decision is not None
        assert (decision.level, decision.due_at) == (level, due)


def test_one_decision_lists_every_reason():
    decision = rules.decide(
        scores={"pain": 4, "rash": 2, "fatigue": 1},
        previous={"rash": 0, "fatigue": 0},
        emergencies=["bleeding"],
        submitted_at=_at(2, 9),
        zone=ZONE,
        add_business_days=add_business_days,
    )

    assert decision is not None
    assert [(r.link_id, r.level) for r in decision.reasons] == [
        ("bleeding", "emergency"),
        ("pain", "severe"),
        ("rash", "worse"),
    ]

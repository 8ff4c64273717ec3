"""When a questionnaire is due and when a symptom report alerts the nurse navigator.

Pure functions of dates and scores, so the tables in tests/test_rules.py can run them at any
moment ("time machine") without a database.

- The weekly check-in is due while a treatment course is active: from the day the course
  starts if no report was sent since, else 7 days after the last report's day.
- A report alerts when any symptom is 3 (severe) or more, or is 2 points worse than the same
  symptom in the patient's last completed report, or an emergency question is answered yes.
  One alert per report, whatever the number of reasons; its due time follows the most
  pressing reason: an emergency in 1 hour, a severe symptom in 4 hours, a symptom that is
  only worse by the end of the next business day (17:00 at the center; weekends and the
  center's holidays are skipped by the one business-day calculator,
  `scheduling.referrals.add_business_days`, which the caller passes in so the rule itself
  stays free of the database).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable, Mapping
from dataclasses import dataclass
from zoneinfo import ZoneInfo

SEVERE = 3
WORSE_BY = 2
CHECKIN_INTERVAL = dt.timedelta(days=7)
EMERGENCY_WITHIN = dt.timedelta(hours=1)
SEVERE_WITHIN = dt.timedelta(hours=4)
BUSINESS_DAY_ENDS = dt.time(17, 0)


class Level:
    EMERGENCY = "emergency"
    SEVERE = "severe"
    WORSE = "worse"
    ORDER = (EMERGENCY, SEVERE, WORSE)


@dataclass(frozen=True)
class Reason:
    link_id: str
    level: str
    score: int | None = None
    previous: int | None = None


@dataclass(frozen=True)
class Decision:
    level: str
    due_at: dt.datetime
    reasons: tuple[Reason, ...]


def checkin_due_on(
    *, course_started_on: dt.date | None, last_report_on: dt.date | None
) -> dt.date | None:
    """The day the next check-in is due, or None without an active course."""
    if course_started_on is None:
        return None
    if last_report_on is None or last_report_on < course_started_on:
        return course_started_on
    return last_report_on + CHECKIN_INTERVAL


def is_due(due_on: dt.date | None, today: dt.date) -> bool:
    return due_on is not None and due_on <= today


def next_business_day_end(
    moment: dt.datetime,
    zone: ZoneInfo,
    add_business_days: Callable[[dt.datetime, int], dt.datetime],
) -> dt.datetime:
    """17:00 at the center on the first business day after `moment`'s day."""
    day = add_business_days(moment, 1).astimezone(zone).date()
    return dt.datetime.combine(day, BUSINESS_DAY_ENDS, tzinfo=zone)


def decide(
    *,
    scores: Mapping[str, int],
    previous: Mapping[str, int] | None,
    emergencies: list[str],
    submitted_at: dt.datetime,
    zone: ZoneInfo,
    add_business_days: Callable[[dt.datetime, int], dt.datetime],
) -> Decision | None:
    """The alert a report raises, or None (`add_business_days` is the center's calendar)."""
    reasons: list[Reason] = [Reason(link_id, Level.EMERGENCY) for link_id in emergencies]
    for link_id, score in scores.items():
        before = (previous or {}).get(link_id)
        if score >= SEVERE:
            reasons.append(Reason(link_id, Level.SEVERE, score, before))
        elif before is not None and score - before >= WORSE_BY:
            reasons.append(Reason(link_id, Level.WORSE, score, before))
    if not reasons:
        return None
    level = min((r.level for r in reasons), key=Level.ORDER.index)
    if level == Level.EMERGENCY:
        due_at = submitted_at + EMERGENCY_WITHIN
    elif level == Level.SEVERE:
        due_at = submitted_at + SEVERE_WITHIN
    else:
        due_at = next_business_day_end(submitted_at, zone, add_business_days)
    return Decision(level=level, due_at=due_at, reasons=tuple(reasons))

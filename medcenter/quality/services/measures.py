"""Computed measures: each one read of the owning apps' tables, bucketed here by month.

A computation returns `Unit`s, one per person-event the measure counts (a referral seen, a
primary diagnosis, a patient-month on treatment), each with its month, its patient (for the
equity strata) and its outcome: `hit` for a proportion, `value` for a median. Reads are
grouped in families (`Reads`), so the three referral measures share one query; no read is
per patient. A measure whose code has no computation here is "not measured yet", never 0.
"""

from __future__ import annotations

import calendar
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from functools import cached_property
from typing import Any

from django.db.models import Min, OuterRef, Q, Subquery
from django.utils import timezone

from medcenter.messaging.models import Message
from medcenter.oncology.models import CancerDiagnosis, TreatmentCourse
from medcenter.questionnaires.models import QuestionnaireKind, QuestionnaireResponse
from medcenter.scheduling.models import (
    Appointment,
    AvailabilityException,
    AvailabilityRule,
    SlotOffer,
)
from medcenter.trials.models import Candidate
from medcenter.tumorboards.models import BoardCase, Recommendation

FULFILLED = "fulfilled"
SEEN_OR_MISSED = ("arrived", "fulfilled", "noshow")
BOOKED = ("booked", "arrived", "fulfilled", "noshow")
PATIENT_AUTHORS = ("patient", "proxy")


@dataclass(frozen=True)
class Unit:
    month: date
    patient_id: int | None
    hit: bool = False
    value: float = 0.0
    # The program the unit belongs to (its slug), for the measures in BY_PROGRAM.
    program: str | None = None


def month_start(day: date) -> date:
    return day.replace(day=1)


def next_month(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def months_between(start: date, end: date) -> list[date]:
    """First days of the months from `start`'s up to, not including, `end`'s month start."""
    months, current = [], month_start(start)
    while current < end:
        months.append(current)
        current = next_month(current)
    return months


def _aware(day: date) -> datetime:
    return datetime.combine(day, time.min, timezone.get_current_timezone())


def _local(moment: datetime) -> date:
    return timezone.localdate(moment)


class Reads:
    """The columnar reads for the months [start, end), each made once and shared."""

    def __init__(self, *, start: date, end: date) -> None:
        self.start, self.end = month_start(start), month_start(end)
        self.since, self.until = _aware(self.start), _aware(self.end)

    def _in_range(self, day: date) -> bool:
        return self.start <= day < self.end

    @cached_property
    def first_visits_of_referrals(
        self,
    ) -> list[tuple[int, datetime, datetime, datetime | None, str | None]]:
        """(patient, first fulfilled visit, referral received, letter sent, program the
        referral was routed to) per referral."""
        rows = (
            Appointment.objects.filter(referral__isnull=False, status=FULFILLED)
            .values("referral_id")
            .annotate(first=Min("start"))
            .filter(first__gte=self.since, first__lt=self.until)
            .values_list(
                "first",
                "referral__received_at",
                "referral__letter_sent_at",
                "patient_id",
                "referral__program__slug",
            )
        )
        return [
            (patient, first, received, letter, program)
            for first, received, letter, patient, program in rows
        ]

    @cached_property
    def first_visits(self) -> dict[int, datetime]:
        """Every patient's first fulfilled visit, ever (to find new patients and anchors)."""
        rows = (
            Appointment.objects.filter(status=FULFILLED)
            .values("patient_id")
            .annotate(first=Min("start"))
            .values_list("patient_id", "first")
        )
        return dict(rows)

    @cached_property
    def primaries(self) -> list[tuple[int, date, date | None, date | None, datetime | None]]:
        """(patient, diagnosed, first stage, first visit, first board) per primary diagnosis."""
        first_visit = Subquery(
            Appointment.objects.filter(patient=OuterRef("patient"), status=FULFILLED)
            .order_by("start")
            .values("start")[:1]
        )
        first_board = Subquery(
            BoardCase.objects.filter(diagnosis=OuterRef("pk"), status="discussed")
            .order_by("meeting__starts_at")
            .values("meeting__starts_at")[:1]
        )
        rows = (
            CancerDiagnosis.objects.filter(
                kind="primary", diagnosed_on__isnull=False, diagnosed_on__lt=self.end
            )
            .annotate(
                first_stage=Min("stages__assessed_on"),
                first_visit=first_visit,
                first_board=first_board,
            )
            .values_list("patient_id", "diagnosed_on", "first_stage", "first_visit", "first_board")
        )
        return [
            (patient, diagnosed, stage, _local(visit) if visit else None, board)
            for patient, diagnosed, stage, visit, board in rows
            if diagnosed is not None
        ]

    @cached_property
    def patient_messages(self) -> list[tuple[int, datetime, datetime | None]]:
        """(patient, sent, first care-team reply after it) per patient message in range."""
        reply = Subquery(
            Message.objects.filter(
                thread=OuterRef("thread"),
                author_role="staff",
                internal=False,
                created_at__gt=OuterRef("created_at"),
            )
            .order_by("created_at")
            .values("created_at")[:1]
        )
        rows = (
            Message.objects.filter(
                author_role__in=PATIENT_AUTHORS,
                created_at__gte=self.since,
                created_at__lt=self.until,
            )
            .annotate(reply=reply)
            .values_list("thread__patient_id", "created_at", "reply")
        )
        return list(rows)

    @cached_property
    def checkins(self) -> list[tuple[int, datetime, bool]]:
        """(patient, sent, answered the pain item) per completed symptom check-in."""
        rows = QuestionnaireResponse.objects.filter(
            questionnaire__kind=QuestionnaireKind.CHECKIN,
            status="completed",
            authored_at__gte=self.since - timedelta(days=7),
            authored_at__lt=self.until,
        ).values_list("patient_id", "authored_at", "answers__pain")
        return [(patient, at, pain not in (None, "", [])) for patient, at, pain in rows]

    @cached_property
    def treatment_courses(self) -> list[tuple[int, date, date | None]]:
        return list(
            TreatmentCourse.objects.filter(started_on__lt=self.end).values_list(
                "patient_id", "started_on", "ended_on"
            )
        )

    @cached_property
    def treatment_visits(self) -> list[tuple[int, datetime, datetime]]:
        """Fulfilled visits, with a clinician or in an infusion chair, of patients whose course
        of systemic therapy is under way that day (CMS157's denominator: visits of patients
        currently receiving chemotherapy; a chair used for a transfusion or fluids alone, or a
        scan, is not a treatment visit). One read of the visits, one of the courses."""
        visits = (
            Appointment.objects.filter(
                status=FULFILLED, start__gte=self.since, start__lt=self.until
            )
            .filter(Q(clinician__isnull=False) | Q(resource__kind="infusion_chair"))
            .values_list("patient_id", "start", "end")
        )
        courses: dict[int, list[tuple[date, date | None]]] = defaultdict(list)
        for patient, started, ended in self.treatment_courses:
            courses[patient].append((started, ended))
        treated = []
        for patient, start, end in visits:
            day = _local(start)
            if any(
                started <= day and (ended is None or day <= ended)
                for started, ended in courses.get(patient, ())
            ):
                treated.append((patient, start, end))
        return treated

    @cached_property
    def due_appointments(self) -> list[tuple[int, datetime, str]]:
        return list(
            Appointment.objects.filter(
                status__in=SEEN_OR_MISSED, start__gte=self.since, start__lt=self.until
            ).values_list("patient_id", "start", "status")
        )

    @cached_property
    def answered_offers(self) -> list[tuple[int, datetime, str]]:
        return list(
            SlotOffer.objects.filter(
                status__in=("accepted", "declined", "expired"),
                created_at__gte=self.since,
                created_at__lt=self.until,
            ).values_list("entry__patient_id", "created_at", "status")
        )

    @cached_property
    def enrolled_patients(self) -> set[int]:
        return set(Candidate.objects.filter(status="enrolled").values_list("patient_id", flat=True))

    @cached_property
    def concordance(self) -> list[tuple[int, datetime, bool, str | None]]:
        """(patient, signed, concordant, the board's program) per current recommendation."""
        rows = Recommendation.objects.filter(
            signed_at__gte=self.since, signed_at__lt=self.until, superseded_at__isnull=True
        ).values_list("case__patient_id", "signed_at", "concordant", "case__board__program__slug")
        return [
            (patient, signed, concordant, program)
            for patient, signed, concordant, program in rows
            if signed
        ]


# --- the measures ------------------------------------------------------------------------


def referral_to_first_visit_days(reads: Reads) -> list[Unit]:
    return [
        Unit(
            month_start(_local(first)),
            patient,
            value=(_local(first) - _local(received)).days,
            program=program,
        )
        for patient, first, received, _letter, program in reads.first_visits_of_referrals
    ]


def referral_seen_within_14_days(reads: Reads) -> list[Unit]:
    return [
        Unit(
            month_start(_local(first)),
            patient,
            hit=(_local(first) - _local(received)).days <= 14,
            program=program,
        )
        for patient, first, received, _letter, program in reads.first_visits_of_referrals
    ]


def consult_letter_within_30_days(reads: Reads) -> list[Unit]:
    return [
        Unit(
            month_start(_local(first)),
            patient,
            hit=letter is not None and _local(letter) <= _local(first) + timedelta(days=30),
            program=program,
        )
        for patient, first, _received, letter, program in reads.first_visits_of_referrals
    ]


def message_reply_hours(reads: Reads) -> list[Unit]:
    return [
        Unit(month_start(_local(sent)), patient, value=(reply - sent).total_seconds() / 3600)
        for patient, sent, reply in reads.patient_messages
        if reply is not None
    ]


def stage_within_30_days(reads: Reads) -> list[Unit]:
    units = []
    for patient, diagnosed, stage, visit, _board in reads.primaries:
        anchor = max(diagnosed, visit) if visit else diagnosed
        if reads._in_range(anchor):
            hit = stage is not None and stage <= anchor + timedelta(days=30)
            units.append(Unit(month_start(anchor), patient, hit=hit))
    return units


def board_review_within_60_days(reads: Reads) -> list[Unit]:
    return [
        Unit(
            month_start(diagnosed),
            patient,
            hit=board is not None and _local(board) <= diagnosed + timedelta(days=60),
        )
        for patient, diagnosed, _stage, _visit, board in reads.primaries
        if reads._in_range(diagnosed)
    ]


def board_concordance(reads: Reads) -> list[Unit]:
    return [
        Unit(month_start(_local(signed)), patient, hit=concordant, program=program)
        for patient, signed, concordant, program in reads.concordance
    ]


def new_patients_in_trial(reads: Reads) -> list[Unit]:
    enrolled = reads.enrolled_patients
    return [
        Unit(month_start(_local(first)), patient, hit=patient in enrolled)
        for patient, first in reads.first_visits.items()
        if reads.since <= first < reads.until
    ]


def symptom_reports_on_treatment(reads: Reads) -> list[Unit]:
    reported: set[tuple[int, date]] = {
        (patient, month_start(_local(at))) for patient, at, _pain in reads.checkins
    }
    months = months_between(reads.start, reads.end)
    on_treatment: set[tuple[int, date]] = set()
    for patient, started, ended in reads.treatment_courses:
        for month in months:
            last_day = month.replace(day=calendar.monthrange(month.year, month.month)[1])
            if started <= last_day and (ended is None or ended >= month):
                on_treatment.add((patient, month))
    return [
        Unit(month, patient, hit=(patient, month) in reported)
        for patient, month in sorted(on_treatment)
    ]


def pain_scored_at_treatment_visits(reads: Reads) -> list[Unit]:
    scored: dict[int, list[datetime]] = defaultdict(list)
    for patient, at, pain in reads.checkins:
        if pain:
            scored[patient].append(at)
    units = []
    for patient, start, end in reads.treatment_visits:
        window = start - timedelta(days=7)
        hit = any(window <= at <= end for at in scored.get(patient, ()))
        units.append(Unit(month_start(_local(start)), patient, hit=hit))
    return units


def no_shows(reads: Reads) -> list[Unit]:
    return [
        Unit(month_start(_local(start)), patient, hit=status == "noshow")
        for patient, start, status in reads.due_appointments
    ]


def waitlist_offers_accepted(reads: Reads) -> list[Unit]:
    return [
        Unit(month_start(_local(at)), patient, hit=status == "accepted")
        for patient, at, status in reads.answered_offers
    ]


def slot_fill(reads: Reads) -> dict[date, tuple[float, float]]:
    """Booked over offered clinician minutes per month (no patients, so no strata)."""
    offered = _offered_minutes(reads)
    booked: dict[date, float] = defaultdict(float)
    rows = Appointment.objects.filter(
        clinician__isnull=False, status__in=BOOKED, start__gte=reads.since, start__lt=reads.until
    ).values_list("start", "end")
    for start, end in rows:
        booked[month_start(_local(start))] += (end - start).total_seconds() / 60
    return {
        month: (min(booked.get(month, 0.0), minutes), minutes)
        for month, minutes in offered.items()
        if minutes > 0
    }


def _offered_minutes(reads: Reads) -> dict[date, float]:
    rules = list(
        AvailabilityRule.objects.filter(
            clinician__isnull=False, valid_from__lt=reads.end
        ).values_list(
            "clinician_id", "weekday", "start_time", "end_time", "valid_from", "valid_until"
        )
    )
    closures: dict[int | None, list[tuple[datetime, datetime]]] = defaultdict(list)
    for clinician, starts, ends in AvailabilityException.objects.filter(
        resource__isnull=True, starts_at__lt=reads.until, ends_at__gt=reads.since
    ).values_list("clinician_id", "starts_at", "ends_at"):
        closures[clinician].append((starts, ends))
    tz = timezone.get_current_timezone()
    offered: dict[date, float] = defaultdict(float)
    day = reads.start
    while day < reads.end:
        for clinician, weekday, start_time, end_time, valid_from, valid_until in rules:
            if weekday != day.weekday() or day < valid_from:
                continue
            if valid_until is not None and day > valid_until:
                continue
            opens = datetime.combine(day, start_time, tz)
            closes = datetime.combine(day, end_time, tz)
            minutes = (closes - opens).total_seconds() / 60
            for starts, ends in (*closures.get(clinician, ()), *closures.get(None, ())):
                overlap = (min(closes, ends) - max(opens, starts)).total_seconds() / 60
                minutes -= max(0.0, overlap)
            offered[month_start(day)] += max(0.0, minutes)
        day += timedelta(days=1)
    return offered


UnitComputation = Callable[[Reads], list[Unit]]

# The computed measures that have a source in our records. Codes match the catalogue.
COMPUTED: dict[str, UnitComputation] = {
    "referral-to-first-visit-days": referral_to_first_visit_days,
    "referral-seen-within-14-days": referral_seen_within_14_days,
    "consult-letter-within-30-days": consult_letter_within_30_days,
    "message-reply-hours": message_reply_hours,
    "stage-within-30-days": stage_within_30_days,
    "board-review-within-60-days": board_review_within_60_days,
    "board-concordance": board_concordance,
    "new-patients-in-trial": new_patients_in_trial,
    "symptom-reports-on-treatment": symptom_reports_on_treatment,
    "pain-scored-at-treatment-visits": pain_scored_at_treatment_visits,
    "no-shows": no_shows,
    "waitlist-offers-accepted": waitlist_offers_accepted,
}
# Measures whose every unit has a program of its own, broken down by program for the funnel
# plot: a referral is routed to a program; a recommendation comes from a program's board.
# Not board review within 60 days: a primary has a board only once one discussed it, so the
# misses would have no program.
BY_PROGRAM = frozenset(
    {
        "referral-to-first-visit-days",
        "referral-seen-within-14-days",
        "consult-letter-within-30-days",
        "board-concordance",
    }
)
# Measures of the center's capacity rather than of patients: one figure a month, no strata.
COMPUTED_TOTALS: dict[str, Callable[[Reads], dict[date, tuple[float, float]]]] = {
    "slot-fill": slot_fill,
}


def is_measured(code: str) -> bool:
    return code in COMPUTED or code in COMPUTED_TOTALS


def by_month(units: Iterable[Unit]) -> dict[date, list[Unit]]:
    grouped: dict[date, list[Unit]] = defaultdict(list)
    for unit in units:
        grouped[unit.month].append(unit)
    return grouped


def counts(units: Iterable[Unit]) -> tuple[int, int]:
    """(numerator, denominator) of a proportion's units."""
    listed: list[Any] = list(units)
    return sum(1 for u in listed if u.hit), len(listed)

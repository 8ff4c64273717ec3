"""The itinerary: the visit's appointments on the earliest run of consecutive days from the
arrival, booked all or none, with an interpreter for each one where the patient's language is
not English (an interpreter is a scheduling resource with languages; when none is free, the
gap is flagged for the coordinator rather than hidden)."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.core import audit
from medcenter.core.errors import Conflict
from medcenter.directory.models import Location, Specialty
from medcenter.international.models import (
    Case,
    CaseStatus,
    Itinerary,
    ItineraryItem,
    LetterKind,
    TaskKind,
)
from medcenter.scheduling import selectors as scheduling_selectors
from medcenter.scheduling import services as scheduling_services
from medcenter.scheduling.models import Appointment, Resource, ResourceKind, VisitType

SEARCH_DAYS = 60
MAX_DAYS = 10


@dataclass(frozen=True)
class PlannedDay:
    day: date
    specialty: Specialty
    slot: Any  # scheduling.engine.Slot


def plan(
    *,
    arrival: date,
    specialties: Sequence[Specialty],
    location: Location,
    visit_type: VisitType,
    search_days: int = SEARCH_DAYS,
) -> list[PlannedDay] | None:
    """The earliest run of consecutive days from `arrival` with the i-th specialty seen on the
    i-th day (the earliest time that day), or None within `search_days`."""
    if not specialties:
        return None
    first = max(arrival, timezone.localdate())
    for offset in range(search_days):
        start = first + timedelta(days=offset)
        found: list[PlannedDay] = []
        for index, specialty in enumerate(specialties):
            day = start + timedelta(days=index)
            day_start, _day_end = scheduling_selectors.local_day_bounds(day)
            slots = scheduling_selectors.earliest_multidisciplinary(
                specialties=[specialty],
                location=location,
                visit_type=visit_type,
                start=max(day_start, timezone.now()),
                days=1,
            )
            if not slots or slots[0].start.astimezone(day_start.tzinfo).date() != day:
                break
            found.append(PlannedDay(day=day, specialty=specialty, slot=slots[0]))
        if len(found) == len(specialties):
            return found
    return None


def _free_interpreter(language: str, start: datetime, end: datetime) -> Resource | None:
    """An active interpreter who speaks `language` and has no booking overlapping the time
    (rows locked, so two itineraries cannot take the same interpreter at once)."""
    candidates = list(
        Resource.objects.select_for_update()
        .filter(kind=ResourceKind.INTERPRETER, is_active=True)
        .order_by("id")
    )
    for interpreter in candidates:
        if language not in (interpreter.languages or []):
            continue
        busy = ItineraryItem.objects.filter(
            interpreter=interpreter, starts_at__lt=end, ends_at__gt=start
        ).exists()
        if not busy:
            return interpreter
    return None


@transaction.atomic
def book(
    *,
    case: Case,
    arrival: date,
    specialties: Sequence[Specialty],
    location: Location,
    visit_type: VisitType,
    actor: Any,
    hotel: str = "",
    companions: str = "",
    notes: str = "",
) -> Itinerary:
    """Book the whole visit or nothing: every appointment, then an interpreter for each."""
    if not actor.has_perm("international.coordinate_case"):
        raise PermissionDenied
    case = Case.objects.select_for_update(of=("self",)).select_related("patient").get(pk=case.pk)
    patient = case.patient
    if patient is None:
        raise ValidationError(
            {"specialties": [_("Link the case to the patient's record before booking.")]}
        )
    if case.status not in (CaseStatus.CLEARED, CaseStatus.VISA_LETTER):
        raise Conflict(_("A visit is booked once the case is financially cleared."))
    if hasattr(case, "itinerary"):
        raise Conflict(_("This case already has an itinerary."))
    if not 1 <= len(specialties) <= MAX_DAYS:
        raise ValidationError(
            {"specialties": [_("Choose from 1 to %(n)d specialties.") % {"n": MAX_DAYS}]}
        )
    if arrival < timezone.localdate():
        raise ValidationError({"arrival": [_("The arrival cannot be in the past.")]})
    planned = plan(
        arrival=arrival, specialties=specialties, location=location, visit_type=visit_type
    )
    if planned is None:
        raise ValidationError(
            {
                "arrival": [
                    _(
                        "No run of %(n)d consecutive days with these specialists in the "
                        "next %(days)d days. Try fewer specialties or a later arrival."
                    )
                    % {"n": len(specialties), "days": SEARCH_DAYS}
                ]
            }
        )
    itinerary = Itinerary.objects.create(
        case=case,
        arrival=arrival,
        departure=planned[-1].day + timedelta(days=1),
        hotel=hotel.strip()[:300],
        companions=companions.strip()[:500],
        notes=notes.strip()[:2000],
        booked_by=actor,
    )
    needs_interpreter = not case.language.startswith("en")
    gaps = 0
    for day in planned:
        group = scheduling_services.book_multidisciplinary(
            patient=patient,
            location=location,
            visit_type=visit_type,
            slots=[day.slot],
            actor=actor,
        )
        appointment = Appointment.objects.get(group=group)
        interpreter = None
        if needs_interpreter:
            interpreter = _free_interpreter(case.language, appointment.start, appointment.end)
        ItineraryItem.objects.create(
            itinerary=itinerary,
            appointment=appointment,
            interpreter=interpreter,
            interpreter_gap=needs_interpreter and interpreter is None,
            starts_at=appointment.start,
            ends_at=appointment.end,
        )
        gaps += int(needs_interpreter and interpreter is None)
    if gaps:
        case.tasks.create(
            kind=TaskKind.SCHEDULING,
            title=_("Find an interpreter for %(n)d appointment(s)") % {"n": gaps},
            due_at=timezone.now() + timedelta(days=1),
            owner=case.coordinator,
        )
    case.tasks.filter(kind=TaskKind.SCHEDULING, done_at__isnull=True).exclude(
        title__startswith=_("Find an interpreter")
    ).update(done_at=timezone.now())
    from medcenter.international import notify, services

    services.set_status(case=case, status=CaseStatus.SCHEDULED, actor=actor)
    letter = services.issue_letter(case=case, kind=LetterKind.ITINERARY, actor=actor, facts={})
    notify.letter_sent(letter, to_physician=False)
    audit.record(
        action="international.itinerary_booked", actor=actor, patient=case.patient, target=case
    )
    return itinerary

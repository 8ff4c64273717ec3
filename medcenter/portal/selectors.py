"""Permission-checked reads of the Patient Gateway: whose records, each record's home, the
appointments section, e-check-ins and the health summary.

Every page of one record reads through `get_record_for`, the portal's one gate: the patients
app's audited `get_patient_for` with the section's proxy scope, then the section's own rule
(self only, whole record). A section the access may not open is a 404, as a record that is not
the person's is.
"""

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.conf import settings
from django.db.models import QuerySet
from django.http import Http404
from django.urls import NoReverseMatch, reverse
from django.utils import timezone

from medcenter.core import audit
from medcenter.patients import selectors as patient_selectors
from medcenter.patients.access import Basis, PatientAccess
from medcenter.patients.models import ProxyGrant
from medcenter.portal.models import CheckIn
from medcenter.portal.registry import HomeItem, HomePanel, get_section, panels_for, section_allowed
from medcenter.scheduling.models import Appointment, AppointmentStatus

VIDEO_OPENS_BEFORE = timedelta(minutes=15)


def reversed_or_none(url_name: str, **kwargs: Any) -> str | None:
    """The URL of `url_name` with `kwargs`, or None while that page does not exist yet (an app
    that has not landed): the link is left out rather than pointing nowhere."""
    try:
        return reverse(url_name, kwargs=kwargs or None)
    except NoReverseMatch:
        return None


def records_for(user: Any) -> list[PatientAccess]:
    """The records the person may open: their own first, then each they are proxy for."""
    return patient_selectors.records_for(user)


def has_other_records(user: Any) -> bool:
    """Whether the person may open more than one record (the frame then offers the switch)."""
    return ProxyGrant.objects.current().filter(proxy=user).exists()


def get_record_for(
    user: Any, *, public_id: UUID | str, section: str = "", action: str = "portal.viewed"
) -> PatientAccess:
    """The person's access to this record, audited, for the portal page of `section`.

    Http404 when the record is not theirs, the grant lacks the section's scope, or the section
    is closed to this access (a proxy on a self-only section).
    """
    registered = get_section(section) if section else None
    if section and registered is None:
        raise Http404
    scope = registered.scope if registered is not None else None
    access = patient_selectors.get_patient_for(
        user, public_id=public_id, action=action, scope=scope
    )
    if access.is_staff_access:
        # The Gateway is the patient's view; staff read the record on their own pages.
        raise Http404
    if section and not section_allowed(section, access):
        audit.record(
            action=action,
            outcome=audit.Outcome.DENIED,
            actor=user,
            patient=access.patient,
            reason=f"section={section}",
        )
        raise Http404
    return access


# --- The record's home -------------------------------------------------------------------


@dataclass(frozen=True)
class PanelView:
    panel: HomePanel
    items: list[HomeItem]


@dataclass(frozen=True)
class RecordHome:
    access: PatientAccess
    panels: list[PanelView] = field(default_factory=list)


def record_home(user: Any, *, public_id: UUID | str) -> RecordHome:
    """A record's home: what needs the person's attention, from every registered panel."""
    access = get_record_for(user, public_id=public_id, action="patient.viewed")
    panels = [PanelView(p, p.provider(access, user)) for p in panels_for(access)]
    return RecordHome(access=access, panels=panels)


# --- Appointments --------------------------------------------------------------------------


def checkin_days() -> int:
    return int(getattr(settings, "PORTAL_CHECKIN_DAYS", 3))


def checkin_opens_at(appointment: Appointment) -> datetime:
    return appointment.start - timedelta(days=checkin_days())


def _appointments(access: PatientAccess) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient=access.patient)
        .shown()
        .exclude(status=AppointmentStatus.PENDING)
        .select_related("clinician", "resource", "location", "visit_type", "portal_checkin")
    )


def upcoming_visits(access: PatientAccess, *, limit: int = 3) -> list[Appointment]:
    """The next booked visits, soonest first (one query, whatever the history)."""
    return list(
        _appointments(access)
        .filter(status=AppointmentStatus.BOOKED, end__gte=timezone.now())
        .order_by("start")[:limit]
    )


def open_checkins(access: PatientAccess) -> list[Appointment]:
    """Booked visits whose e-check-in is open and not yet done (one query)."""
    now = timezone.now()
    return list(
        _appointments(access)
        .filter(
            status=AppointmentStatus.BOOKED,
            start__gt=now,
            start__lte=now + timedelta(days=checkin_days()),
            portal_checkin__isnull=True,
        )
        .order_by("start")[:10]
    )


@dataclass(frozen=True)
class AppointmentLists:
    upcoming: list[Appointment]
    past: list[Appointment]


def appointments_of(access: PatientAccess, *, past_limit: int = 50) -> AppointmentLists:
    """Upcoming visits (all) and the most recent past or cancelled ones (bounded)."""
    now = timezone.now()
    upcoming = list(
        _appointments(access)
        .filter(status=AppointmentStatus.BOOKED, end__gte=now)
        .order_by("start")[:100]
    )
    shown = {a.pk for a in upcoming}
    past = [
        a
        for a in _appointments(access).filter(start__lt=now).order_by("-start")[: past_limit + 1]
        if a.pk not in shown
    ][:past_limit]
    cancelled_ahead = list(
        _appointments(access)
        .filter(start__gte=now)
        .exclude(status=AppointmentStatus.BOOKED)
        .order_by("start")[:20]
    )
    return AppointmentLists(upcoming=upcoming, past=cancelled_ahead + past)


def get_appointment_for(
    user: Any, *, public_id: UUID | str, appointment_id: UUID | str, action: str
) -> tuple[PatientAccess, Appointment]:
    """One appointment of this record, for the appointments section (audited)."""
    access = get_record_for(user, public_id=public_id, section="appointments", action=action)
    appointment = _appointments(access).filter(public_id=appointment_id).first()
    if appointment is None:
        raise Http404
    return access, appointment


def video_open(appointment: Appointment, *, now: datetime | None = None) -> bool:
    """A video visit's link shows from 15 minutes before the start until it ends."""
    now = now or timezone.now()
    return (
        appointment.visit_type.telehealth
        and appointment.status in (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED)
        and appointment.start - VIDEO_OPENS_BEFORE <= now <= appointment.end
    )


def checkin_state(appointment: Appointment, *, now: datetime | None = None) -> str:
    """ "done", "open", "not_yet" or "closed" for one appointment's e-check-in."""
    now = now or timezone.now()
    if hasattr(appointment, "portal_checkin"):
        return "done"
    if appointment.status != AppointmentStatus.BOOKED or appointment.start <= now:
        return "closed"
    if now < checkin_opens_at(appointment):
        return "not_yet"
    return "open"


def checkins_for_grid(appointment_ids: list[int]) -> dict[int, Any]:
    """The day grid's badge for each of these appointments checked in online (one query)."""
    from django.utils.translation import gettext_lazy as _

    done = CheckIn.objects.filter(appointment_id__in=appointment_ids)
    return {pk: _("Checked in online") for pk in done.values_list("appointment_id", flat=True)}


def may_change_contact(access: PatientAccess) -> bool:
    """Email and phone belong to the person who signs in with them: the patient themselves,
    or a parent of a young child."""
    return access.basis == Basis.SELF or access.sees_confidential

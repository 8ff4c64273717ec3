"""Writes for scheduling: holds, bookings, changes, multidisciplinary visits, the waitlist.

Every booking ends in one INSERT or UPDATE that the database checks against the overlap
constraint (PostgreSQL) or trigger (SQLite); a race lost there is `SlotTaken`, the same answer
as a slot seen taken beforehand. Messages go through the outbox (notify.py) in the same
transaction, so a booking and its confirmation commit together or not at all.
"""

from __future__ import annotations

import secrets
from collections.abc import Sequence
from datetime import UTC, date, datetime, timedelta
from typing import Any

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import IntegrityError, OperationalError, transaction
from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.crypto import salted_hmac
from django.utils.translation import gettext as _
from django_tasks import default_task_backend, task

from medcenter.core import audit, outbox
from medcenter.core.errors import Conflict
from medcenter.core.throttle import Throttled, check_hourly
from medcenter.directory.models import Clinician, Location
from medcenter.patients.models import Patient
from medcenter.patients.services import register_provisional_patient
from medcenter.scheduling import engine, nextavailable, notify
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    BookingChannel,
    BookingMode,
    MultidisciplinaryVisit,
    NewPatientBooking,
    NotificationKind,
    OfferStatus,
    Resource,
    SlotOffer,
    VisitType,
    WaitlistEntry,
)
from medcenter.scheduling.referrals import referral_booked, referral_seen
from medcenter.scheduling.selectors import (
    calendars,
    center_tz,
    earliest_bookable,
    latest_bookable,
    owner_of,
    visit_spec,
)


class SlotTaken(Conflict):
    """Someone else has this time: the caller shows other times (HTTP 409)."""

    code = "slot_taken"

    def __init__(self, message: str = "") -> None:
        super().__init__(message or _("Sorry, this time was just taken. Please choose another."))


def availability_changed(*, clinician_ids: Sequence[int | None] | None = None) -> None:
    """Make "next available" recompute for these clinicians (everyone for None) once committed.

    The booking services below call it themselves; whatever changes availability rules,
    exceptions or visit types (the admin today) calls it with no ids.
    """
    nextavailable.renew(None if clinician_ids is None else [pk for pk in clinician_ids if pk])


def hold_minutes() -> int:
    return int(getattr(settings, "SCHEDULING_HOLD_MINUTES", 10))


def offer_minutes() -> int:
    return int(getattr(settings, "SCHEDULING_OFFER_MINUTES", 120))


# --- Checking a slot ------------------------------------------------------------------------


def _slot_problem(
    *, owner: engine.Owner, visit_type: VisitType, location: Location, start: datetime
) -> str | None:
    """None when free; "taken" when occupied; "closed" when the rules do not offer it."""
    day = start.astimezone(center_tz()).date()
    calendar = calendars(
        owners=[owner], start=start - timedelta(days=1), end=start + timedelta(days=1)
    )[owner]
    spec = visit_spec(visit_type)
    tz = center_tz()
    free = engine.free_on_day(
        calendar=calendar, visit=spec, day=day, tz=tz, location_id=location.pk
    )
    if any(slot.start == start for slot in free):
        return None
    # Without the bookings (but with leave and closures): is the time offered at all?
    open_calendar = engine.Calendar(
        owner=owner, rules=calendar.rules, busy=[b for b in calendar.busy if b.blocked]
    )
    offered = engine.free_on_day(
        calendar=open_calendar, visit=spec, day=day, tz=tz, location_id=location.pk
    )
    return "taken" if any(slot.start == start for slot in offered) else "closed"


def _check_window(*, visit_type: VisitType, start: datetime, staff: bool) -> None:
    if start < earliest_bookable(visit_type, staff=staff):
        if staff:
            raise ValidationError({"start": [_("This time has already passed.")]})
        raise ValidationError(
            {
                "start": [
                    _("Online booking needs at least %(hours)d hours' notice. Please call us.")
                    % {"hours": visit_type.min_notice_hours}
                ]
            }
        )
    if not staff and start > latest_bookable(visit_type):
        raise ValidationError(
            {
                "start": [
                    _("This visit can be booked up to %(days)d days ahead.")
                    % {"days": visit_type.max_advance_days}
                ]
            }
        )


def _release_expired_holds(*, owner: engine.Owner, start: datetime, end: datetime) -> None:
    """Expired holds still sit in the constraint's index: clear those in the way first."""
    kind, pk = owner
    Appointment.objects.filter(
        **{f"{kind}_id": pk},
        status=AppointmentStatus.PENDING,
        hold_expires_at__lte=timezone.now(),
        start__lt=end,
        reserved_until__gt=start,
    ).update(
        status=AppointmentStatus.CANCELLED,
        cancel_reason="hold expired",
        cancelled_at=timezone.now(),
    )


DEADLOCK = "40P01"  # PostgreSQL's SQLSTATE for "deadlock detected"


def _insert(appointment: Appointment) -> Appointment:
    """Save, letting the database's overlap rule decide a race.

    Two inserts that overlap each other can each wait for the other's exclusion check;
    PostgreSQL then aborts one of them as a deadlock. The victim tries once more, which now
    waits for the survivor and gets the ordinary overlap refusal (or the slot, if the survivor
    rolled back).
    """
    try:
        with transaction.atomic():
            appointment.save()
        availability_changed(clinician_ids=[appointment.clinician_id])
        return appointment
    except IntegrityError as error:
        raise SlotTaken from error
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) != DEADLOCK:
            raise
    try:
        with transaction.atomic():
            appointment.save()
    except IntegrityError as error:
        raise SlotTaken from error
    except OperationalError as error:
        if getattr(error.__cause__, "sqlstate", None) == DEADLOCK:
            raise SlotTaken from error
        raise
    availability_changed(clinician_ids=[appointment.clinician_id])
    return appointment


def _place(
    *,
    patient: Patient | None,
    visit_type: VisitType,
    clinician: Clinician | None,
    resource: Resource | None,
    location: Location,
    start: datetime,
    channel: str,
    actor: Any,
    status: str,
    staff: bool,
    reason_for_visit: str = "",
    overbook_reason: str = "",
    referral: Any = None,
    checked: bool = False,
    group: MultidisciplinaryVisit | None = None,
    hold_until: datetime | None = None,
    rescheduled_from: Appointment | None = None,
) -> Appointment:
    # Everything the row needs is set before the insert: updating the row afterwards makes
    # PostgreSQL check the overlap rule again, and that check can deadlock with a rival insert
    # of the same time that is waiting for ours.
    if not visit_type.is_active:
        raise ValidationError({"visit_type": [_("This kind of visit is not offered any more.")]})
    start = start.astimezone(UTC)
    _check_window(visit_type=visit_type, start=start, staff=staff)
    owner = owner_of(clinician=clinician, resource=resource)
    now = timezone.now()
    end = start + visit_type.duration
    pending = status == AppointmentStatus.PENDING
    appointment = Appointment(
        patient=patient,
        visit_type=visit_type,
        clinician=clinician,
        resource=resource,
        location=location,
        start=start,
        end=end,
        reserved_until=end + visit_type.buffer,
        status=status,
        hold_expires_at=(hold_until or now + timedelta(minutes=hold_minutes()))
        if pending
        else None,
        channel=channel,
        overbooked=bool(overbook_reason),
        overbook_reason=overbook_reason,
        reason_for_visit=reason_for_visit,
        referral=referral,
        group=group,
        rescheduled_from=rescheduled_from,
        booked_by=actor if getattr(actor, "is_authenticated", False) else None,
        booked_at=now if status == AppointmentStatus.BOOKED else None,
    )
    if overbook_reason:
        return _insert(appointment)  # outside the rules and over others, on purpose
    if not checked:
        _check_slot(visit_type=visit_type, owner=owner, location=location, start=start)
    # An expired hold may still be in the way of the database's overlap rule: clear those,
    # and let the insert decide a race.
    _release_expired_holds(owner=owner, start=start, end=appointment.reserved_until)
    return _insert(appointment)


def _check_slot(
    *, visit_type: VisitType, owner: engine.Owner, location: Location, start: datetime
) -> None:
    """Refuse a time the rules do not offer, or one a live booking holds (reads only)."""
    problem = _slot_problem(owner=owner, visit_type=visit_type, location=location, start=start)
    if problem == "closed":
        raise ValidationError({"start": [_("This time is not offered for this visit.")]})
    if problem == "taken":
        raise SlotTaken


# --- Holding and booking ----------------------------------------------------------------------


def _check_online(visit_type: VisitType) -> None:
    if visit_type.booking_mode != BookingMode.DIRECT:
        raise ValidationError(
            {"visit_type": [_("This kind of visit cannot be booked online. Please call us.")]}
        )


def _release_holds(held: QuerySet[Appointment]) -> None:
    """Let go of earlier holds (one hold at a time): their times are free again."""
    availability_changed(clinician_ids=list(held.values_list("clinician_id", flat=True)))
    held.update(
        status=AppointmentStatus.CANCELLED,
        cancel_reason="another time held",
        cancelled_at=timezone.now(),
    )


@transaction.atomic
def hold_slot(
    *,
    patient: Patient,
    visit_type: VisitType,
    location: Location,
    start: datetime,
    actor: Any,
    clinician: Clinician | None = None,
    resource: Resource | None = None,
) -> Appointment:
    """Hold a slot for the patient for a few minutes while they confirm; one hold at a time."""
    _check_online(visit_type)
    _release_holds(
        Appointment.objects.filter(
            patient=patient, status=AppointmentStatus.PENDING, channel=BookingChannel.PORTAL
        )
    )
    held = _place(
        patient=patient,
        visit_type=visit_type,
        clinician=clinician,
        resource=resource,
        location=location,
        start=start,
        channel=BookingChannel.PORTAL,
        actor=actor,
        status=AppointmentStatus.PENDING,
        staff=False,
    )
    audit.record(action="appointment.held", actor=actor, patient=patient, target=held)
    return held


@transaction.atomic
def confirm_hold(
    *,
    appointment: Appointment,
    actor: Any,
    reason_for_visit: str = "",
) -> Appointment:
    """Turn the patient's hold into a booking, if it has not run out."""
    held = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if held.status == AppointmentStatus.BOOKED:
        return held  # a second click on "Confirm"
    _book_hold(held, reason_for_visit=reason_for_visit)
    notify.appointment_booked(held)
    audit.record(action="appointment.booked", actor=actor, patient=held.patient, target=held)
    return held


def _book_hold(held: Appointment, *, reason_for_visit: str) -> None:
    """Book a locked hold that has not run out."""
    if held.status != AppointmentStatus.PENDING or (
        held.hold_expires_at is not None and held.hold_expires_at <= timezone.now()
    ):
        raise ValidationError(
            {"start": [_("We could not keep this time any longer. Please choose it again.")]}
        )
    held.status = AppointmentStatus.BOOKED
    held.hold_expires_at = None
    held.booked_at = timezone.now()
    held.reason_for_visit = reason_for_visit[:300]
    held.save(
        update_fields=["status", "hold_expires_at", "booked_at", "reason_for_visit", "updated_at"]
    )


def book_appointment(
    *,
    patient: Patient,
    visit_type: VisitType,
    location: Location,
    start: datetime,
    actor: Any,
    channel: str,
    clinician: Clinician | None = None,
    resource: Resource | None = None,
    reason_for_visit: str = "",
    overbook_reason: str = "",
    referral: Any = None,
) -> Appointment:
    """Book a slot in one step (staff, API); staff may overbook with permission and a reason."""
    staff = bool(getattr(actor, "is_staff", False))
    overbook_reason = overbook_reason.strip()
    if overbook_reason and not (staff and actor.has_perm("scheduling.overbook_appointment")):
        raise PermissionDenied(_("Only schedulers may overbook."))
    if not staff and visit_type.booking_mode != BookingMode.DIRECT:
        raise ValidationError(
            {"visit_type": [_("This kind of visit cannot be booked online. Please call us.")]}
        )
    if visit_type.is_active and not overbook_reason:
        # Read before writing: the rules and the calendar are checked outside the write
        # transaction, which then holds its locks (SQLite's one writer, the audit chain's
        # head row) only for the inserts. The database's overlap rule still decides a race.
        start = start.astimezone(UTC)
        _check_window(visit_type=visit_type, start=start, staff=staff)
        _check_slot(
            visit_type=visit_type,
            owner=owner_of(clinician=clinician, resource=resource),
            location=location,
            start=start,
        )
    with transaction.atomic():
        booked = _place(
            patient=patient,
            visit_type=visit_type,
            clinician=clinician,
            resource=resource,
            location=location,
            start=start,
            channel=channel,
            actor=actor,
            status=AppointmentStatus.BOOKED,
            staff=staff,
            reason_for_visit=reason_for_visit,
            overbook_reason=overbook_reason,
            referral=referral,
            checked=True,
        )
        if referral is not None:
            referral_booked(referral=referral, appointment=booked, actor=actor)
        notify.appointment_booked(booked)
        audit.record(
            action="appointment.overbooked" if overbook_reason else "appointment.booked",
            actor=actor,
            patient=patient,
            target=booked,
            reason=overbook_reason,
        )
    return booked


def can_change_online(appointment: Appointment) -> bool:
    return appointment.is_upcoming and timezone.now() < appointment.changeable_online_until()


def _check_may_change(appointment: Appointment, actor: Any) -> None:
    if appointment.status not in (AppointmentStatus.BOOKED, AppointmentStatus.PENDING):
        raise ValidationError({"appointment": [_("This appointment can no longer be changed.")]})
    if getattr(actor, "is_staff", False):
        return
    if appointment.status == AppointmentStatus.BOOKED and not can_change_online(appointment):
        raise ValidationError(
            {
                "appointment": [
                    _(
                        "Online changes close %(hours)d hours before the visit. "
                        "Please call us to change it."
                    )
                    % {"hours": appointment.visit_type.cancel_window_hours}
                ]
            }
        )


@transaction.atomic
def cancel_appointment(*, appointment: Appointment, actor: Any, reason: str = "") -> Appointment:
    """Cancel a booking (within the window online; any time by staff) and offer the time on."""
    current = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("visit_type")
        .get(pk=appointment.pk)
    )
    if current.status == AppointmentStatus.CANCELLED:
        return current  # already done: cancelling twice is not an error
    _check_may_change(current, actor)
    _cancel(current, actor=actor, reason=reason)
    audit.record(
        action="appointment.cancelled",
        actor=actor,
        patient=current.patient,
        target=current,
        reason=current.cancel_reason,
    )
    return current


def _cancel(current: Appointment, *, actor: Any, reason: str, notify_patient: bool = True) -> None:
    was_booked = current.status == AppointmentStatus.BOOKED
    current.status = AppointmentStatus.CANCELLED
    current.cancelled_at = timezone.now()
    current.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
    current.cancel_reason = reason.strip()[:300]
    current.save(
        update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
    )
    WaitlistEntry.objects.filter(appointment=current).update(is_active=False)
    availability_changed(clinician_ids=[current.clinician_id])
    if was_booked:
        if notify_patient:
            notify.appointment_cancelled(current)
        else:
            notify.cancel_pending(current)
        transaction.on_commit(lambda: _offer_later(current.pk))


def _offer_later(appointment_id: int) -> None:
    offer_freed_slot.enqueue(appointment_id=appointment_id)


@transaction.atomic
def reschedule_appointment(
    *,
    appointment: Appointment,
    actor: Any,
    start: datetime | None = None,
    clinician: Clinician | None = None,
    location: Location | None = None,
    hold: Appointment | None = None,
    reason_for_visit: str = "",
) -> Appointment:
    """Move a booking to a new time in one transaction: the old time is kept if the new fails.

    The new time is `start` (with another clinician or place if given), or the patient's
    `hold` on it, taken in the portal's slot picker, booked with `reason_for_visit`.
    """
    if (start is None) == (hold is None):
        raise TypeError("reschedule_appointment takes a start or a hold, not both")
    current = (
        Appointment.objects.select_for_update(of=("self",))
        .select_related("visit_type", "patient")
        .get(pk=appointment.pk)
    )
    _check_may_change(current, actor)
    staff = bool(getattr(actor, "is_staff", False))
    current.status = AppointmentStatus.CANCELLED
    current.cancelled_at = timezone.now()
    current.cancelled_by = actor if getattr(actor, "is_authenticated", False) else None
    current.cancel_reason = "rescheduled"
    current.save(
        update_fields=["status", "cancelled_at", "cancelled_by", "cancel_reason", "updated_at"]
    )
    availability_changed(clinician_ids=[current.clinician_id])
    if hold is not None:
        moved = Appointment.objects.select_for_update().get(pk=hold.pk)
        if moved.patient_id != current.patient_id:
            raise PermissionDenied
        _book_hold(moved, reason_for_visit=reason_for_visit)
        # The hold was committed before: no rival insert can be waiting on this row.
        moved.rescheduled_from = current
        moved.save(update_fields=["rescheduled_from"])
    elif start is not None:
        moved = _place_moved(
            current, start=start, clinician=clinician, location=location, actor=actor, staff=staff
        )
    else:  # pragma: no cover - refused above
        raise TypeError("reschedule_appointment needs a start or a hold")
    WaitlistEntry.objects.filter(appointment=current, is_active=True).update(appointment=moved)
    notify.appointment_rescheduled(old=current, new=moved)
    transaction.on_commit(lambda: _offer_later(current.pk))
    audit.record(
        action="appointment.rescheduled",
        actor=actor,
        patient=moved.patient,
        target=moved,
    )
    return moved


def _place_moved(
    current: Appointment,
    *,
    start: datetime,
    clinician: Clinician | None,
    location: Location | None,
    actor: Any,
    staff: bool,
) -> Appointment:
    return _place(
        patient=current.patient,
        visit_type=current.visit_type,
        clinician=clinician or current.clinician,
        resource=None if clinician else current.resource,
        location=location or current.location,
        start=start,
        channel=current.channel,
        actor=actor,
        status=AppointmentStatus.BOOKED,
        staff=staff,
        reason_for_visit=current.reason_for_visit,
        referral=current.referral,
        rescheduled_from=current,
    )


@transaction.atomic
def set_attendance(*, appointment: Appointment, status: str, actor: Any) -> Appointment:
    """Record check-in, a completed visit or a no-show; a seen referral moves on with it."""
    allowed = {
        AppointmentStatus.ARRIVED: (AppointmentStatus.BOOKED,),
        AppointmentStatus.FULFILLED: (AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED),
        AppointmentStatus.NOSHOW: (AppointmentStatus.BOOKED,),
    }
    current = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if status not in allowed or current.status not in allowed[AppointmentStatus(status)]:
        raise ValidationError({"status": [_("This change does not fit the appointment's status.")]})
    current.status = status
    current.save(update_fields=["status", "updated_at"])
    availability_changed(clinician_ids=[current.clinician_id])
    if status == AppointmentStatus.FULFILLED and current.referral_id:
        referral_seen(referral=current.referral, actor=actor)
    if status == AppointmentStatus.NOSHOW:
        notify.cancel_pending(current)
    audit.record(
        action=f"appointment.{status}",
        actor=actor,
        patient=current.patient,
        target=current,
    )
    return current


# --- Multidisciplinary visits -----------------------------------------------------------------


@transaction.atomic
def book_multidisciplinary(
    *,
    patient: Patient,
    location: Location,
    visit_type: VisitType,
    slots: Sequence[engine.Slot],
    actor: Any,
    referral: Any = None,
) -> MultidisciplinaryVisit:
    """Book a sequence of visits on one day together: all of them, or none (SlotTaken)."""
    if not slots:
        raise ValidationError({"slots": [_("Choose the specialists to see.")]})
    day = slots[0].start.astimezone(center_tz()).date()
    group = MultidisciplinaryVisit.objects.create(
        patient=patient, location=location, day=day, booked_by=actor
    )
    clinicians = Clinician.objects.in_bulk([slot.owner[1] for slot in slots])
    for slot in slots:
        if slot.owner[0] != "clinician" or slot.location_id != location.pk:
            raise ValidationError(
                {"slots": [_("All visits must be with clinicians at this location.")]}
            )
        appointment = _place(
            patient=patient,
            visit_type=visit_type,
            clinician=clinicians[slot.owner[1]],
            resource=None,
            location=location,
            start=slot.start,
            channel=BookingChannel.STAFF,
            actor=actor,
            status=AppointmentStatus.BOOKED,
            staff=True,
            referral=referral,
            group=group,
        )
        notify.appointment_booked(appointment)
    if referral is not None:
        referral_booked(referral=referral, appointment=None, actor=actor)
    audit.record(
        action="appointment.multidisciplinary_booked",
        actor=actor,
        patient=patient,
        target=group,
    )
    return group


# --- Waitlist and earlier-appointment offers --------------------------------------------------


@transaction.atomic
def join_waitlist(
    *,
    appointment: Appointment,
    actor: Any,
    any_clinician: bool = False,
) -> WaitlistEntry:
    """Ask to be offered an earlier time for this booking if one frees up."""
    if appointment.status != AppointmentStatus.BOOKED or appointment.patient is None:
        raise ValidationError(
            {"appointment": [_("Only a booked appointment can wait for an earlier time.")]}
        )
    entry, _created = WaitlistEntry.objects.update_or_create(
        appointment=appointment,
        defaults={
            "patient": appointment.patient,
            "visit_type": appointment.visit_type,
            "clinician": None if any_clinician else appointment.clinician,
            "location": appointment.location,
            "is_active": True,
        },
    )
    audit.record(
        action="waitlist.joined",
        actor=actor,
        patient=appointment.patient,
        target=entry,
    )
    return entry


@transaction.atomic
def leave_waitlist(*, entry: WaitlistEntry, actor: Any) -> None:
    """Stop offers for this booking."""
    WaitlistEntry.objects.filter(pk=entry.pk).update(is_active=False)
    audit.record(action="waitlist.left", actor=actor, patient=entry.patient, target=entry)


def offer_time(*, freed: Appointment, skip_entries: Sequence[int] = ()) -> SlotOffer | None:
    """Offer the freed time to the first waiting patient it suits, held for them for a while."""
    if freed.clinician_id is None:
        return None
    now = timezone.now()
    if freed.start < earliest_bookable(freed.visit_type):
        return None  # too soon for anyone to rearrange their day
    candidates = (
        WaitlistEntry.objects.filter(
            is_active=True,
            visit_type=freed.visit_type,
            appointment__status=AppointmentStatus.BOOKED,
            appointment__start__gt=freed.start,
        )
        .filter(Q(clinician__isnull=True) | Q(clinician_id=freed.clinician_id))
        .filter(Q(location__isnull=True) | Q(location_id=freed.location_id))
        .exclude(pk__in=list(skip_entries))
        .exclude(offers__status=OfferStatus.OFFERED)
        .exclude(patient=freed.patient)
        .select_related("patient", "appointment")
        .order_by("created_at")
    )
    for entry in candidates[:20]:
        try:
            with transaction.atomic():
                if not _still_waiting(entry):
                    continue  # another freed time was just offered to them, or they left
                expires = now + timedelta(minutes=offer_minutes())
                hold = _place(
                    patient=entry.patient,
                    visit_type=freed.visit_type,
                    clinician=freed.clinician,
                    resource=None,
                    location=freed.location,
                    start=freed.start,
                    channel=BookingChannel.OFFER,
                    actor=None,
                    status=AppointmentStatus.PENDING,
                    staff=True,
                    hold_until=expires,
                )
                offer = SlotOffer.objects.create(entry=entry, hold=hold, expires_at=expires)
                notify.offer_made(offer)
                audit.record(action="waitlist.offered", patient=entry.patient, target=offer)
            _expire_later(offer)
            return offer
        except (SlotTaken, ValidationError):
            return None  # someone booked the time first: nothing left to offer
    return None


def _still_waiting(entry: WaitlistEntry) -> bool:
    """Lock the entry and check it has no offer out: two times freed at the same moment must
    not both be held for one patient (they could then accept both and hold two bookings)."""
    locked = WaitlistEntry.objects.select_for_update().filter(pk=entry.pk, is_active=True)
    if not list(locked.values_list("pk", flat=True)):
        return False
    return not SlotOffer.objects.filter(entry=entry, status=OfferStatus.OFFERED).exists()


def _expire_later(offer: SlotOffer) -> None:
    if default_task_backend.supports_defer:
        transaction.on_commit(
            lambda: expire_offer.using(run_after=offer.expires_at).enqueue(offer_id=offer.pk)
        )


@transaction.atomic
def accept_offer(*, offer: SlotOffer, actor: Any) -> Appointment:
    """Take the offered earlier time: the held slot is booked and the later one released."""
    current = (
        SlotOffer.objects.select_for_update(of=("self",))
        .select_related("hold", "entry__appointment")
        .get(pk=offer.pk)
    )
    if current.status != OfferStatus.OFFERED or current.expires_at <= timezone.now():
        raise ValidationError({"offer": [_("Sorry, this offer has ended.")]})
    hold, old = current.hold, current.entry.appointment
    old_start = old.start
    if old.status == AppointmentStatus.BOOKED:
        _cancel(
            Appointment.objects.select_for_update().get(pk=old.pk),
            actor=actor,
            reason="moved to an earlier time",
            notify_patient=False,
        )
    hold.status = AppointmentStatus.BOOKED
    hold.hold_expires_at = None
    hold.booked_at = timezone.now()
    hold.rescheduled_from = old
    hold.reason_for_visit = old.reason_for_visit
    hold.referral = old.referral
    hold.save()
    current.status = OfferStatus.ACCEPTED
    current.answered_at = timezone.now()
    current.save(update_fields=["status", "answered_at", "updated_at"])
    WaitlistEntry.objects.filter(pk=current.entry_id).update(is_active=False)
    notify.appointment_booked(hold)
    audit.record(
        action="waitlist.accepted",
        actor=actor,
        patient=hold.patient,
        target=hold,
        reason=f"earlier than {old_start:%Y-%m-%d %H:%M}",
    )
    return hold


@transaction.atomic
def decline_offer(*, offer: SlotOffer, actor: Any, expired: bool = False) -> None:
    """Let the offered time go (or let it lapse) and offer it to the next patient in line."""
    current = (
        SlotOffer.objects.select_for_update(of=("self",)).select_related("hold").get(pk=offer.pk)
    )
    if current.status != OfferStatus.OFFERED:
        return
    current.status = OfferStatus.EXPIRED if expired else OfferStatus.DECLINED
    current.answered_at = timezone.now()
    current.save(update_fields=["status", "answered_at", "updated_at"])
    hold = current.hold
    Appointment.objects.filter(pk=hold.pk, status=AppointmentStatus.PENDING).update(
        status=AppointmentStatus.CANCELLED,
        cancel_reason="offer " + current.status,
        cancelled_at=timezone.now(),
    )
    hold.refresh_from_db()
    availability_changed(clinician_ids=[hold.clinician_id])
    notify.cancel_pending(hold)
    audit.record(
        action=f"waitlist.{current.status}",
        actor=actor,
        patient=hold.patient,
        target=current,
    )
    asked = list(
        SlotOffer.objects.filter(
            hold__start=hold.start, hold__clinician=hold.clinician
        ).values_list("entry_id", flat=True)
    )
    transaction.on_commit(lambda: offer_time(freed=hold, skip_entries=asked))


def expire_offers() -> int:
    """Let every offer whose timer ran out lapse; returns how many."""
    due = list(SlotOffer.objects.filter(status=OfferStatus.OFFERED, expires_at__lte=timezone.now()))
    for offer in due:
        decline_offer(offer=offer, actor=None, expired=True)
    return len(due)


def release_expired_holds() -> int:
    """Mark holds that ran out as cancelled (housekeeping: they already free their slots)."""
    expired = Appointment.objects.filter(
        status=AppointmentStatus.PENDING, hold_expires_at__lte=timezone.now(), offer__isnull=True
    )
    # Their times are free already, but a cached "next available" may still step over them.
    availability_changed(clinician_ids=list(expired.values_list("clinician_id", flat=True)))
    return expired.update(
        status=AppointmentStatus.CANCELLED,
        cancel_reason="hold expired",
        cancelled_at=timezone.now(),
    )


# --- Visitors and new patients: a hold before anyone is known -----------------------------------

NEW_PATIENT_CODE_LIFETIME = timedelta(minutes=15)
NEW_PATIENT_MAX_ATTEMPTS = 5  # wrong codes before the code stops working
NEW_PATIENT_MAX_SENDS = 3  # codes per booking (the first and two more)
NEW_PATIENT_BOOKINGS_PER_HOUR = 5  # per client address


def _hold_is_live(held: Appointment) -> bool:
    return held.status == AppointmentStatus.PENDING and (
        held.hold_expires_at is None or held.hold_expires_at > timezone.now()
    )


def _hold_lost() -> ValidationError:
    return ValidationError(
        {"start": [_("We could not keep this time any longer. Please choose it again.")]}
    )


@transaction.atomic
def hold_slot_for_visitor(
    *,
    visit_type: VisitType,
    location: Location,
    start: datetime,
    clinician: Clinician,
    replaces: Appointment | None = None,
) -> Appointment:
    """Hold a slot for someone not signed in, while they sign in, sign up or book as new.

    The hold has no patient yet; the caller keeps its id in the visitor's session. A hold the
    same visitor held before is released (one hold at a time)."""
    _check_online(visit_type)
    if replaces is not None:
        _release_holds(
            Appointment.objects.filter(
                pk=replaces.pk, patient__isnull=True, status=AppointmentStatus.PENDING
            )
        )
    held = _place(
        patient=None,
        visit_type=visit_type,
        clinician=clinician,
        resource=None,
        location=location,
        start=start,
        channel=BookingChannel.PORTAL,
        actor=None,
        status=AppointmentStatus.PENDING,
        staff=False,
    )
    audit.record(action="appointment.held_for_visitor", target=held)
    return held


@transaction.atomic
def claim_visitor_hold(*, hold: Appointment, patient: Patient, actor: Any) -> Appointment:
    """Give a visitor's hold to the patient they turned out to be, after signing in or up.

    The caller has checked that `actor` may book for `patient`. The hold keeps its time and
    gets a fresh few minutes to be confirmed."""
    held = Appointment.objects.select_for_update().get(pk=hold.pk)
    if held.patient_id is not None or not _hold_is_live(held):
        raise _hold_lost()
    _release_holds(
        Appointment.objects.filter(
            patient=patient, status=AppointmentStatus.PENDING, channel=BookingChannel.PORTAL
        )
    )
    held.patient = patient
    held.booked_by = actor if getattr(actor, "is_authenticated", False) else None
    held.hold_expires_at = timezone.now() + timedelta(minutes=hold_minutes())
    held.save(update_fields=["patient", "booked_by", "hold_expires_at", "updated_at"])
    audit.record(action="appointment.held", actor=actor, patient=patient, target=held)
    return held


def _new_patient_code_digest(booking_id: Any, code: str) -> str:
    return salted_hmac("scheduling.new-patient-code", f"{booking_id}:{code}").hexdigest()


def client_digest(address: str) -> str:
    return salted_hmac("scheduling.new-patient-client", address or "-").hexdigest()


def _queue_code(booking: NewPatientBooking) -> None:
    """Store a new code's digest and queue the plain code in the outbox (forgotten once sent)."""
    code = f"{secrets.randbelow(1_000_000):06d}"
    booking.code_digest = _new_patient_code_digest(booking.public_id, code)
    booking.code_expires_at = timezone.now() + NEW_PATIENT_CODE_LIFETIME
    booking.failed_attempts = 0
    outbox.enqueue(
        kind=NotificationKind.NEW_PATIENT_CODE,
        channel=booking.channel,
        to=booking.send_to,
        language=booking.language,
        context={"code": code, "minutes": int(NEW_PATIENT_CODE_LIFETIME.total_seconds() // 60)},
        reference=f"appointment:{booking.hold.public_id}",
        dedupe_key=f"new-patient-code:{booking.public_id}:{booking.codes_sent}",
    )


def _keep_hold_for_code(held: Appointment, until: datetime) -> None:
    if held.hold_expires_at is not None and held.hold_expires_at < until:
        held.hold_expires_at = until
        held.save(update_fields=["hold_expires_at", "updated_at"])


@transaction.atomic
def send_new_patient_code(
    *, hold: Appointment, details: dict[str, Any], language: str, client_address: str
) -> NewPatientBooking:
    """Keep what a new patient entered and send a one-time code to their email (else mobile).

    The hold is kept until the code runs out. Entering the details again for the same hold
    replaces them and sends a new code (within the limit). Throttled per client address."""
    held = Appointment.objects.select_for_update().get(pk=hold.pk)
    if held.patient_id is not None or not _hold_is_live(held):
        raise _hold_lost()
    email = str(details.get("email") or "")
    phone = str(details.get("phone") or "")
    channel, send_to = ("email", email) if email else ("sms", phone)
    if not send_to:
        raise ValidationError({"email": [_("Give an email address or a mobile number.")]})
    digest = client_digest(client_address)
    booking = NewPatientBooking.objects.filter(hold=held).select_related("hold").first()
    if booking is None:
        check_hourly(
            NewPatientBooking.objects.filter(client_digest=digest),
            at="created_at",
            limit=NEW_PATIENT_BOOKINGS_PER_HOUR,
            message=_("Too many bookings from this connection. Please try again later or call us."),
        )
        booking = NewPatientBooking(hold=held, client_digest=digest, codes_sent=1)
    else:
        if booking.verified_at is not None:
            raise _hold_lost()
        _check_sends(booking)
        booking.codes_sent += 1
    booking.details = details
    booking.channel = channel
    booking.send_to = send_to
    booking.language = language
    _queue_code(booking)
    booking.save()
    _keep_hold_for_code(held, booking.code_expires_at)
    audit.record(action="appointment.new_patient_code_sent", target=held)
    return booking


def _check_sends(booking: NewPatientBooking) -> None:
    if booking.codes_sent >= NEW_PATIENT_MAX_SENDS:
        wait = booking.updated_at + timedelta(hours=1) - timezone.now()
        raise Throttled(
            _("We have sent the most codes we can for this booking. Please call us."),
            max(int(wait.total_seconds()), 1),
        )


@transaction.atomic
def resend_new_patient_code(*, booking: NewPatientBooking) -> NewPatientBooking:
    """Send a fresh code (the old one stops working), within the per-booking limit."""
    locked = NewPatientBooking.objects.select_for_update().select_related("hold").get(pk=booking.pk)
    if locked.verified_at is not None or not _hold_is_live(locked.hold):
        raise _hold_lost()
    _check_sends(locked)
    locked.codes_sent += 1
    _queue_code(locked)
    locked.save()
    _keep_hold_for_code(locked.hold, locked.code_expires_at)
    audit.record(action="appointment.new_patient_code_sent", target=locked.hold)
    return locked


def _code_problem(booking: NewPatientBooking, code: str) -> str | None:
    if booking.failed_attempts >= NEW_PATIENT_MAX_ATTEMPTS:
        return "locked"
    if booking.code_expires_at <= timezone.now():
        return "expired"
    expected = _new_patient_code_digest(booking.public_id, code.strip())
    if not secrets.compare_digest(expected, booking.code_digest):
        return "wrong"
    return None


def _code_error(problem: str) -> ValidationError:
    messages = {
        "wrong": _("That code is not right. Check the message we sent and try again."),
        "expired": _("This code has run out. Ask for a new one below."),
        "locked": _("Too many wrong codes. Ask for a new code below."),
    }
    return ValidationError({"code": [messages[problem]]})


def verify_new_patient_code(*, booking: NewPatientBooking, code: str) -> Appointment:
    """Check the code; if right, book the hold for a new provisional patient and confirm it.

    A wrong code is counted (after five the code stops working); an expired one asks for a
    new code. Nothing of what they entered is lost either way."""
    with transaction.atomic():
        locked = (
            NewPatientBooking.objects.select_for_update().select_related("hold").get(pk=booking.pk)
        )
        if locked.verified_at is not None:
            return locked.hold  # a second click on "Book"
        problem = _code_problem(locked, code)
        if problem == "wrong":
            locked.failed_attempts += 1
            locked.save(update_fields=["failed_attempts", "updated_at"])
    if problem is not None:
        raise _code_error(problem)
    with transaction.atomic():
        locked = (
            NewPatientBooking.objects.select_for_update().select_related("hold").get(pk=booking.pk)
        )
        held = Appointment.objects.select_for_update().get(pk=locked.hold_id)
        if held.patient_id is not None or not _hold_is_live(held):
            raise _hold_lost()
        details = dict(locked.details)
        patient = register_provisional_patient(
            data=_patient_data(details, channel=locked.channel),
            payment={
                "payment": str(details.get("payment", "")),
                "payer": str(details.get("payer", "")),
                "member_id": str(details.get("member_id", "")),
            },
            verified_channel=locked.channel,
        )
        held.patient = patient
        held.save(update_fields=["patient", "updated_at"])
        _book_hold(held, reason_for_visit=str(details.get("reason_for_visit", "")))
        locked.verified_at = timezone.now()
        locked.save(update_fields=["verified_at", "updated_at"])
        notify.appointment_booked(held)
        audit.record(
            action="appointment.booked", patient=patient, target=held, purpose="new_patient"
        )
        return held


def _patient_data(details: dict[str, Any], *, channel: str) -> dict[str, Any]:
    texts = bool(details.get("sms_consent")) or channel == "sms"
    return {
        "given_name": details.get("given_name", ""),
        "family_name": details.get("family_name", ""),
        "date_of_birth": date.fromisoformat(str(details.get("date_of_birth"))),
        "sex": details.get("sex", ""),
        "preferred_language": details.get("preferred_language", "en"),
        "interpreter_needed": bool(details.get("interpreter_needed")),
        "email": details.get("email", ""),
        "phone": details.get("phone", ""),
        "sms_consent": texts and bool(details.get("phone")),
        "contact_preference": "email" if details.get("email") else "sms",
    }


# --- Background tasks ------------------------------------------------------------------------
# Defined beside the services they run (tasks.py re-exports them), so that services and tasks
# do not import each other.


@task()
def offer_freed_slot(*, appointment_id: int) -> None:
    """Offer a cancelled appointment's time to the first suitable patient on the waitlist."""
    freed = (
        Appointment.objects.select_related("visit_type", "clinician", "location")
        .filter(pk=appointment_id)
        .first()
    )
    if freed is not None:
        offer_time(freed=freed)


@task()
def expire_offer(*, offer_id: int) -> None:
    """Let an unanswered offer lapse and pass the time to the next patient."""
    offer = SlotOffer.objects.filter(pk=offer_id).first()
    if offer is not None and offer.is_expired:
        decline_offer(offer=offer, actor=None, expired=True)


def move_patient_rows(source: Patient, target: Patient) -> int:
    """The merge step scheduling registers (patients.merging): a provisional patient's
    appointments, waitlist entries, referrals and multidisciplinary days move to the record
    staff merged them into. Runs inside the merge's transaction."""
    moved = Appointment.objects.filter(patient=source).update(patient=target)
    moved += WaitlistEntry.objects.filter(patient=source).update(patient=target)
    moved += MultidisciplinaryVisit.objects.filter(patient=source).update(patient=target)
    from medcenter.scheduling.models import Referral

    moved += Referral.objects.filter(patient=source).update(patient=target)
    return moved

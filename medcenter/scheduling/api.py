"""Scheduling as JSON under /api/v1/scheduling/.

GET  slots                      next free slots for a clinician or resource (public)
POST appointments               book (Idempotency-Key header required; 409 when taken)
GET  appointments/{id}          one appointment (its patient, a proxy, or staff with access)
POST appointments/{id}/cancel   cancel (Idempotency-Key optional)
GET  multidisciplinary          earliest day to see several specialties in sequence (staff)
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timedelta
from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils import timezone
from django.utils.translation import gettext as _
from ninja import Field, Query, Router, Schema
from ninja.errors import HttpError
from ninja.responses import Status
from ninja.security import SessionAuth

from medcenter.core import bounds, idempotency, problems
from medcenter.core.problems import errors
from medcenter.directory.models import Clinician, Location, Specialty
from medcenter.patients.access import is_mfa_verified
from medcenter.scheduling import engine, selectors, services
from medcenter.scheduling.models import Appointment, BookingChannel, Resource, VisitType

MAX_SLOTS = 200
MAX_DAYS = 92


class Signed(SessionAuth):
    """Any signed-in user; what they may do is decided per patient."""

    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        return user if user.is_authenticated else None


class SchedulingStaff(SessionAuth):
    def authenticate(self, request: HttpRequest, key: str | None) -> Any:
        user = request.user
        if not user.is_authenticated:
            return None
        if not (
            user.is_staff and is_mfa_verified(user) and user.has_perm("scheduling.view_schedule")
        ):
            raise HttpError(403, _("Your role does not include scheduling."))
        return user


router = Router(tags=["scheduling"])


class SlotOut(Schema):
    start: datetime
    end: datetime
    clinician: UUID | None = None
    resource: UUID | None = None
    location: str
    visit_type: str


class SlotsOut(Schema):
    slots: list[SlotOut]
    next_available: SlotOut | None


class BookIn(Schema):
    patient: UUID
    visit_type: str = Field(..., max_length=50)
    location: str = Field(..., max_length=50)
    start: bounds.Instant
    clinician: UUID | None = None
    resource: UUID | None = None
    reason_for_visit: str = Field("", max_length=300)
    overbook_reason: str = Field("", max_length=300)


class AppointmentOut(Schema):
    id: UUID
    status: str
    start: datetime
    end: datetime
    patient: UUID | None
    clinician: UUID | None
    resource: UUID | None
    location: str
    visit_type: str
    overbooked: bool


class CancelIn(Schema):
    reason: str = Field("", max_length=300)


class LegOut(Schema):
    specialty: str
    clinician: UUID
    clinician_name: str
    start: datetime
    end: datetime


class MultidisciplinaryOut(Schema):
    day: str | None
    location: str
    visits: list[LegOut]


def _visit_type(code: str) -> VisitType:
    visit = VisitType.objects.filter(code=code, is_active=True).first()
    if visit is None:
        raise ValidationError({"visit_type": [_("Unknown visit type.")]})
    return visit


def _location(slug: str) -> Location:
    location = Location.objects.filter(slug=slug).first()
    if location is None:
        raise ValidationError({"location": [_("Unknown location.")]})
    return location


def _slot_out(
    slot: engine.Slot, *, public_ids: dict[Any, UUID], locations: dict[int, str], visit: str
) -> SlotOut:
    kind, _pk = slot.owner
    return SlotOut(
        start=slot.start,
        end=slot.end,
        clinician=public_ids.get(slot.owner) if kind == "clinician" else None,
        resource=public_ids.get(slot.owner) if kind == "resource" else None,
        location=locations[slot.location_id],
        visit_type=visit,
    )


@router.get("/slots", response={200: SlotsOut, **errors(400)})
def slots(
    request: HttpRequest,
    visit_type: str = Query(..., max_length=50),  # type: ignore[type-arg]
    clinician: UUID | None = None,
    resource: UUID | None = None,
    location: str | None = Query(None, max_length=50),  # type: ignore[type-arg]
    start: bounds.Instant | None = None,
    end: bounds.Instant | None = None,
    limit: int = Query(20, ge=1, le=MAX_SLOTS),  # type: ignore[type-arg]
) -> Any:
    """Free slots for one clinician or resource and visit type, earliest first."""
    visit = _visit_type(visit_type)
    owner_row: Clinician | Resource | None
    if clinician is not None:
        owner_row = Clinician.objects.filter(public_id=clinician, is_active=True).first()
        owner = ("clinician", owner_row.pk) if owner_row else None
    elif resource is not None:
        owner_row = Resource.objects.filter(public_id=resource, is_active=True).first()
        owner = ("resource", owner_row.pk) if owner_row else None
    else:
        raise ValidationError(_("Say which clinician or resource."))
    if owner is None or owner_row is None:
        named = "clinician" if clinician is not None else "resource"
        raise ValidationError({named: [_("Unknown clinician or resource.")]})
    place = _location(location) if location else None
    begin = start or timezone.now()
    if timezone.is_naive(begin):
        begin = timezone.make_aware(begin)
    finish = end or begin + timedelta(days=28)
    if timezone.is_naive(finish):
        finish = timezone.make_aware(finish)
    if finish <= begin or finish - begin > timedelta(days=MAX_DAYS):
        raise ValidationError(
            {
                "end": [
                    _("The date range must be positive and at most %(days)d days.")
                    % {"days": MAX_DAYS}
                ]
            }
        )
    found = selectors.free_slots(
        owner=owner, visit_type=visit, start=begin, end=finish, location=place, limit=limit
    )
    first = (
        found[0]
        if found
        else selectors.next_slot(owner=owner, visit_type=visit, location=place, start=begin)
    )
    location_slugs = dict(Location.objects.values_list("pk", "slug"))
    ids = {owner: owner_row.public_id}
    out = [_slot_out(s, public_ids=ids, locations=location_slugs, visit=visit.code) for s in found]
    nxt = (
        _slot_out(first, public_ids=ids, locations=location_slugs, visit=visit.code)
        if first
        else None
    )
    return {"slots": out, "next_available": nxt}


def appointment_out(appointment: Appointment) -> dict[str, Any]:
    return {
        "id": str(appointment.public_id),
        "status": appointment.status,
        "start": appointment.start.isoformat(),
        "end": appointment.end.isoformat(),
        "patient": str(appointment.patient.public_id) if appointment.patient else None,
        "clinician": str(appointment.clinician.public_id) if appointment.clinician else None,
        "resource": str(appointment.resource.public_id) if appointment.resource else None,
        "location": appointment.location.slug,
        "visit_type": appointment.visit_type.code,
        "overbooked": appointment.overbooked,
    }


def _idempotent(
    request: HttpRequest,
    *,
    scope: str,
    payload: Any,
    action: Callable[[], idempotency.Answer],
    required: bool,
) -> Any:
    return problems.once(request, scope=scope, payload=payload, action=action, required=required)


@router.post(
    "/appointments",
    auth=Signed(),
    response={201: AppointmentOut, **errors(400, 401, 403, 404, 409, 422)},
    openapi_extra=idempotency.header(required=True),
)
def book(request: HttpRequest, body: BookIn) -> Any:
    """Book a slot. Send an `Idempotency-Key`; a repeat with it returns the first answer."""
    user = request.user

    def action() -> idempotency.Answer:
        access = selectors.get_patient_to_book_for(user, public_id=body.patient)
        visit = VisitType.objects.filter(code=body.visit_type, is_active=True).first()
        place = Location.objects.filter(slug=body.location).first()
        clinician = (
            Clinician.objects.filter(public_id=body.clinician, is_active=True).first()
            if body.clinician
            else None
        )
        resource = (
            Resource.objects.filter(public_id=body.resource, is_active=True).first()
            if body.resource
            else None
        )
        if visit is None or place is None or (clinician is None) == (resource is None):
            raise ValidationError(
                _("Say one known clinician or resource, visit type and location.")
            )
        start = body.start if timezone.is_aware(body.start) else timezone.make_aware(body.start)
        appointment = services.book_appointment(
            patient=access.patient,
            visit_type=visit,
            location=place,
            start=start,
            actor=user,
            channel=BookingChannel.STAFF if user.is_staff else BookingChannel.API,
            clinician=clinician,
            resource=resource,
            reason_for_visit=body.reason_for_visit,
            overbook_reason=body.overbook_reason,
        )
        return idempotency.Answer(201, appointment_out(appointment))

    return _idempotent(
        request, scope="scheduling.book", payload=body.dict(), action=action, required=True
    )


@router.get(
    "/appointments/{appointment_id}",
    auth=Signed(),
    response={200: AppointmentOut, **errors(401, 404)},
)
def read(request: HttpRequest, appointment_id: UUID) -> Any:
    """One appointment: for its patient, a proxy with the appointments scope, or staff."""
    appointment = selectors.get_appointment_for(
        request.user, public_id=appointment_id, action="appointment.viewed"
    )
    return Status(200, appointment_out(appointment))


@router.post(
    "/appointments/{appointment_id}/cancel",
    auth=Signed(),
    response={200: AppointmentOut, **errors(400, 401, 404, 409, 422)},
    openapi_extra=idempotency.header(required=False),
)
def cancel(request: HttpRequest, appointment_id: UUID, body: CancelIn) -> Any:
    """Cancel an appointment (online only until the visit type's window closes)."""
    appointment = selectors.get_appointment_for(
        request.user, public_id=appointment_id, action="appointment.cancelling"
    )

    def action() -> idempotency.Answer:
        done = services.cancel_appointment(
            appointment=appointment, actor=request.user, reason=body.reason
        )
        return idempotency.Answer(200, appointment_out(done))

    return _idempotent(
        request,
        scope=f"scheduling.cancel.{appointment_id}",
        payload=body.dict(),
        action=action,
        required=False,
    )


@router.get(
    "/multidisciplinary",
    auth=SchedulingStaff(),
    response={200: MultidisciplinaryOut, **errors(400, 401, 403)},
)
def multidisciplinary(
    request: HttpRequest,
    location: str = Query(..., max_length=50),  # type: ignore[type-arg]
    specialty: list[str] = Query(..., max_length=6),  # type: ignore[type-arg]  # noqa: B008
    visit_type: str = Query("multidisciplinary", max_length=50),  # type: ignore[type-arg]
    start: bounds.Instant | None = None,
) -> Any:
    """The earliest day one clinician of each specialty can be seen, in the order given."""
    place = _location(location)
    visit = _visit_type(visit_type)
    if not 1 <= len(specialty) <= 6 or len(set(specialty)) != len(specialty):
        raise ValidationError({"specialty": [_("Name between one and six different specialties.")]})
    found = {s.slug: s for s in Specialty.objects.filter(slug__in=specialty)}
    missing = [slug for slug in specialty if slug not in found]
    if missing:
        raise ValidationError(
            {"specialty": [_("Unknown specialty: %(slugs)s") % {"slugs": ", ".join(missing)}]}
        )
    chain = selectors.earliest_multidisciplinary(
        specialties=[found[s] for s in specialty], location=place, visit_type=visit, start=start
    )
    if not chain:
        return {"day": None, "location": place.slug, "visits": []}
    clinicians = Clinician.objects.in_bulk([slot.owner[1] for slot in chain])
    return {
        "day": chain[0].start.astimezone(selectors.center_tz()).date().isoformat(),
        "location": place.slug,
        "visits": [
            {
                "specialty": slug,
                "clinician": clinicians[slot.owner[1]].public_id,
                "clinician_name": str(clinicians[slot.owner[1]]),
                "start": slot.start,
                "end": slot.end,
            }
            for slug, slot in zip(specialty, chain, strict=True)
        ],
    }

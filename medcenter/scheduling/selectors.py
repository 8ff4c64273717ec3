"""Reads for scheduling: calendars for the slot engine, next slots, queues and grids.

Calendars are built with a fixed number of queries whatever their size (rules, their visit
types, appointments, exceptions), so a search over many clinicians costs what one costs.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from django.conf import settings
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import BigIntegerField, Func, Q, QuerySet
from django.http import Http404
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.directory.models import Clinician, Location, Specialty
from medcenter.patients.access import PatientAccess, is_mfa_verified
from medcenter.patients.selectors import get_patient_for, records_for
from medcenter.scheduling import engine, nextavailable
from medcenter.scheduling.models import (
    LIVE_STATUSES,
    Appointment,
    AppointmentStatus,
    AvailabilityException,
    AvailabilityRule,
    BookingMode,
    NewPatientBooking,
    Referral,
    ReferralStatus,
    Resource,
    VisitType,
    WaitlistEntry,
)

Owner = engine.Owner
SEARCH_DAYS = 120  # how far "next available" looks when the caller gives no end
MDT_CHUNK_DAYS = 14  # a multidisciplinary search reads bookings a fortnight at a time


class EpochSeconds(Func):
    """A timestamp as whole seconds since 1970, computed by the database.

    Calendars read thousands of booking times per multidisciplinary search; integers skip the
    per-value datetime parsing (SQLite stores text). Bookings start and end on whole minutes,
    so nothing is lost.
    """

    output_field = BigIntegerField()

    def as_sqlite(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="CAST(strftime('%%%%s', %(expressions)s) AS INTEGER)"
        )

    def as_postgresql(self, compiler: Any, connection: Any, **extra: Any) -> Any:
        return self.as_sql(
            compiler, connection, template="FLOOR(EXTRACT(EPOCH FROM %(expressions)s))::bigint"
        )


def center_tz() -> ZoneInfo:
    return ZoneInfo(settings.TIME_ZONE)


def visit_spec(visit_type: VisitType) -> engine.VisitSpec:
    return engine.VisitSpec(
        id=visit_type.pk, duration=visit_type.duration, buffer=visit_type.buffer
    )


def owner_of(*, clinician: Clinician | None = None, resource: Resource | None = None) -> Owner:
    if clinician is not None:
        return ("clinician", clinician.pk)
    if resource is not None:
        return ("resource", resource.pk)
    raise ValueError("An appointment belongs to a clinician or a resource.")


def local_day_bounds(day: date) -> tuple[datetime, datetime]:
    tz = center_tz()
    start = datetime.combine(day, time.min, tzinfo=tz)
    return start, datetime.combine(day + timedelta(days=1), time.min, tzinfo=tz)


def calendars(
    *,
    owners: Sequence[Owner],
    start: datetime,
    end: datetime,
    visit_type_ids: Sequence[int] | None = None,
) -> dict[Owner, engine.Calendar]:
    """Rules, bookings and exceptions for each owner between start and end, in four queries.

    With `visit_type_ids`, only the rules offering one of them are kept, and the bookings of
    owners without such a rule are not read (they have no slot of those types anyway). The
    rules are still looked up by owner and filtered here: a join on the visit types makes
    SQLite walk every rule of the type instead of the owners' few.
    """
    clinician_ids = [pk for kind, pk in owners if kind == "clinician"]
    resource_ids = [pk for kind, pk in owners if kind == "resource"]
    owner_q = Q(clinician_id__in=clinician_ids) | Q(resource_id__in=resource_ids)
    tz = center_tz()
    first_day, last_day = start.astimezone(tz).date(), end.astimezone(tz).date()

    rules_qs = AvailabilityRule.objects.filter(owner_q, valid_from__lte=last_day).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=first_day)
    )
    rules_rows = list(
        rules_qs.values_list(
            "pk",
            "clinician_id",
            "resource_id",
            "location_id",
            "weekday",
            "start_time",
            "end_time",
            "valid_from",
            "valid_until",
        )
    )
    types: dict[int, set[int]] = defaultdict(set)
    through = AvailabilityRule.visit_types.through
    for rule_id, type_id in through.objects.filter(
        availabilityrule_id__in=[row[0] for row in rules_rows]
    ).values_list("availabilityrule_id", "visittype_id"):
        types[rule_id].add(type_id)

    rules: dict[Owner, list[engine.Rule]] = defaultdict(list)
    locations: dict[Owner, set[int]] = defaultdict(set)
    wanted = None if visit_type_ids is None else frozenset(visit_type_ids)
    for pk, cid, rid, loc, weekday, s, e, vf, vu in rules_rows:
        if wanted is not None and not types[pk] & wanted:
            continue
        owner: Owner = ("clinician", cid) if cid is not None else ("resource", rid)
        rules[owner].append(
            engine.Rule(
                owner=owner,
                location_id=loc,
                weekday=weekday,
                start=s,
                end=e,
                valid_from=vf,
                valid_until=vu,
                visit_type_ids=frozenset(types[pk]),
            )
        )
        locations[owner].add(loc)
    if visit_type_ids is not None:
        with_rules = list(rules)
        clinician_ids = [pk for kind, pk in with_rules if kind == "clinician"]
        resource_ids = [pk for kind, pk in with_rules if kind == "resource"]
        owner_q = Q(clinician_id__in=clinician_ids) | Q(resource_id__in=resource_ids)

    busy: dict[Owner, list[engine.Busy]] = defaultdict(list)
    now = timezone.now()
    # No ORDER BY (the engine sorts what it needs): the model's default ordering would make the
    # database sort thousands of rows for a multidisciplinary search.
    from_epoch = datetime.fromtimestamp
    # A hold that ran out frees its slot (the row stays until a booking clears it).
    live = ~Q(status=AppointmentStatus.PENDING) | Q(hold_expires_at__isnull=True)
    live |= Q(hold_expires_at__gt=now)
    for cid, rid, begins, until in (
        Appointment.objects.filter(
            live, owner_q, status__in=LIVE_STATUSES, start__lt=end, reserved_until__gt=start
        )
        .order_by()
        .values_list(
            "clinician_id", "resource_id", EpochSeconds("start"), EpochSeconds("reserved_until")
        )
    ):
        owner = ("clinician", cid) if cid is not None else ("resource", rid)
        busy[owner].append(engine.Busy(start=from_epoch(begins, UTC), end=from_epoch(until, UTC)))

    exceptions = AvailabilityException.objects.filter(starts_at__lt=end, ends_at__gt=start).filter(
        owner_q | Q(clinician__isnull=True, resource__isnull=True)
    )
    for cid, rid, loc, closed_from, closed_until in exceptions.values_list(
        "clinician_id", "resource_id", "location_id", "starts_at", "ends_at"
    ):
        if cid is not None or rid is not None:
            targets: Iterable[Owner] = [
                ("clinician", cid) if cid is not None else ("resource", rid)
            ]
        else:  # a closure: the whole center, or everyone working at one location
            targets = [o for o in owners if loc is None or loc in locations[o]]
        for owner in targets:
            busy[owner].append(engine.Busy(start=closed_from, end=closed_until, blocked=True))

    return {
        owner: engine.Calendar(owner=owner, rules=rules[owner], busy=busy[owner])
        for owner in owners
    }


def earliest_bookable(visit_type: VisitType, *, staff: bool = False) -> datetime:
    """The first start a booking may have: now plus the visit type's notice (staff: now)."""
    now = timezone.now()
    return now if staff else now + timedelta(hours=visit_type.min_notice_hours)


def latest_bookable(visit_type: VisitType) -> datetime:
    return timezone.now() + timedelta(days=visit_type.max_advance_days)


def next_slot(
    *,
    owner: Owner,
    visit_type: VisitType,
    location: Location | None = None,
    start: datetime | None = None,
    end: datetime | None = None,
    staff: bool = False,
) -> engine.Slot | None:
    """The first free slot for one clinician or resource."""
    start = max(start or timezone.now(), earliest_bookable(visit_type, staff=staff))
    end = min(end or start + timedelta(days=SEARCH_DAYS), latest_bookable(visit_type))
    if end <= start:
        return None
    calendar = calendars(owners=[owner], start=start, end=end)[owner]
    return engine.next_available(
        calendar=calendar,
        visit=visit_spec(visit_type),
        start=start,
        end=end,
        tz=center_tz(),
        location_id=location.pk if location else None,
    )


def free_slots(
    *,
    owner: Owner,
    visit_type: VisitType,
    start: datetime,
    end: datetime,
    location: Location | None = None,
    staff: bool = False,
    limit: int = 500,
) -> list[engine.Slot]:
    """Free slots in a window (a week of the slot picker), earliest first."""
    start = max(start, earliest_bookable(visit_type, staff=staff))
    end = min(end, latest_bookable(visit_type))
    if end <= start:
        return []
    calendar = calendars(owners=[owner], start=start, end=end)[owner]
    found = []
    for slot in engine.slots(
        calendar=calendar,
        visit=visit_spec(visit_type),
        start=start,
        end=end,
        tz=center_tz(),
        location_id=location.pk if location else None,
    ):
        found.append(slot)
        if len(found) >= limit:
            break
    return found


def is_free(
    *, slot_owner: Owner, visit_type: VisitType, location: Location, start: datetime
) -> bool:
    """Whether the rules offer this start and nothing occupies it now."""
    day = start.astimezone(center_tz()).date()
    calendar = calendars(owners=[slot_owner], start=start, end=start + timedelta(days=1))[
        slot_owner
    ]
    free = engine.free_on_day(
        calendar=calendar,
        visit=visit_spec(visit_type),
        day=day,
        tz=center_tz(),
        location_id=location.pk,
    )
    return any(slot.start == start for slot in free)


@dataclass(frozen=True)
class LegRequest:
    specialty: Specialty
    clinicians: Sequence[Clinician]


def multidisciplinary_candidates(
    *, specialties: Sequence[Specialty], location: Location, visit_type: VisitType
) -> list[LegRequest]:
    """For each specialty, the clinicians who hold this visit type's clinics at the location."""
    offering = set(
        AvailabilityRule.objects.filter(
            location=location,
            visit_types=visit_type,
            clinician__isnull=False,
            clinician__is_active=True,
        ).values_list("clinician_id", flat=True)
    )
    by_specialty: dict[int, list[Clinician]] = defaultdict(list)
    through = Clinician.specialties.through
    ids = defaultdict(list)
    for clinician_id, specialty_id in through.objects.filter(
        specialty_id__in=[s.pk for s in specialties], clinician_id__in=offering
    ).values_list("clinician_id", "specialty_id"):
        ids[specialty_id].append(clinician_id)
    wanted = {pk for group in ids.values() for pk in group}
    clinicians = Clinician.objects.in_bulk(list(wanted))
    for specialty_id, members in ids.items():
        by_specialty[specialty_id] = [clinicians[pk] for pk in sorted(members)]
    return [LegRequest(specialty=s, clinicians=by_specialty.get(s.pk, [])) for s in specialties]


def earliest_multidisciplinary(
    *,
    specialties: Sequence[Specialty],
    location: Location,
    visit_type: VisitType,
    start: datetime | None = None,
    days: int = 90,
    staff: bool = True,
) -> list[engine.Slot] | None:
    """The earliest day a patient can see one clinician of each specialty in order, there."""
    legs = multidisciplinary_candidates(
        specialties=specialties, location=location, visit_type=visit_type
    )
    if not legs or any(not leg.clinicians for leg in legs):
        return None
    start = max(start or timezone.now(), earliest_bookable(visit_type, staff=staff))
    end = start + timedelta(days=days)
    owners = sorted({("clinician", c.pk) for leg in legs for c in leg.clinicians})
    spec = visit_spec(visit_type)
    tz = center_tz()
    # The answer is usually in the first weeks: search the window a fortnight at a time, so a
    # search loads a fortnight of bookings rather than three months of them. Chunks end at
    # local midnight, and a multidisciplinary day never spans two days, so none is missed.
    chunk_start = start
    while chunk_start < end:
        chunk_day = chunk_start.astimezone(tz).date() + timedelta(days=MDT_CHUNK_DAYS)
        chunk_end = min(local_day_bounds(chunk_day)[0], end)
        cals = calendars(owners=owners, start=chunk_start, end=chunk_end)
        found = engine.earliest_sequence(
            legs=[
                engine.Leg(
                    label=leg.specialty.slug,
                    visit=spec,
                    calendars=[cals[("clinician", c.pk)] for c in leg.clinicians],
                )
                for leg in legs
            ],
            location_id=location.pk,
            start=chunk_start,
            end=chunk_end,
            tz=tz,
        )
        if found is not None:
            return found
        chunk_start = chunk_end
    return None


def bookable_visit_types(clinician: Clinician) -> QuerySet[VisitType]:
    """The visit types a clinician's rules offer, now or later."""
    today = timezone.localdate()
    # The clinician's own current rules, as one subquery: two filter() calls across the rules
    # relation would join it twice, so "current" could come from another clinician's rule, and
    # the second join fanned out over every rule of the visit type (the slot picker took
    # hundreds of ms with 5,000 clinicians).
    offered = AvailabilityRule.objects.filter(clinician=clinician).filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    )
    return VisitType.objects.filter(is_active=True, pk__in=offered.values("visit_types"))


def clinician_locations(clinician: Clinician, visit_type: VisitType) -> QuerySet[Location]:
    today = timezone.localdate()
    return Location.objects.filter(
        pk__in=AvailabilityRule.objects.filter(clinician=clinician, visit_types=visit_type)
        .filter(Q(valid_until__isnull=True) | Q(valid_until__gte=today))
        .values("location_id")
    ).order_by("name")


def appointments_for_patient(patient: Any) -> QuerySet[Appointment]:
    return (
        Appointment.objects.filter(patient=patient)
        .shown()
        .exclude(status=AppointmentStatus.PENDING)
        .select_related("clinician", "resource", "location", "visit_type")
        .order_by("-start")
    )


@dataclass(frozen=True)
class PatientAppointments:
    patient: Any
    upcoming: list[Appointment]
    past: list[Appointment]


def my_appointments(user: Any) -> list[PatientAppointments]:
    """The appointments of `user` and of those they may book for, one audited read per patient."""
    from medcenter.core import audit

    if not user.is_authenticated or user.is_staff:
        return []
    groups = []
    now = timezone.now()
    for access in records_for(user):
        if "appointments" not in access.scopes:
            continue
        audit.record(
            action="appointment.listed",
            actor=user,
            patient=access.patient,
            purpose=access.basis,
            read=True,
        )
        rows = list(appointments_for_patient(access.patient)[:50])
        groups.append(
            PatientAppointments(
                patient=access.patient,
                upcoming=sorted(
                    (a for a in rows if a.start >= now and a.status == AppointmentStatus.BOOKED),
                    key=lambda a: a.start,
                ),
                past=[a for a in rows if a.start < now or a.status != AppointmentStatus.BOOKED],
            )
        )
    return groups


def day_schedule(
    *,
    clinician: Clinician | None = None,
    location: Location | None = None,
    day: date,
    days: int = 1,
) -> QuerySet[Appointment]:
    """Live appointments for a clinician's or a location's day (or week), for the grid."""
    start, _end = local_day_bounds(day)
    end = start + timedelta(days=days)
    qs = Appointment.objects.live().filter(start__lt=end, reserved_until__gt=start)
    if clinician is not None:
        qs = qs.filter(clinician=clinician)
    if location is not None:
        qs = qs.filter(location=location)
    return qs.select_related("patient", "clinician", "resource", "visit_type", "location").order_by(
        "start"
    )


# What other apps show on the day grid next to an appointment's status (the portal: "checked
# in online"). Each provider takes the grid's appointment ids and answers, in one query, a
# label per appointment it has something to say about; registered from AppConfig.ready().
GridBadgeProvider = Callable[[list[int]], dict[int, Any]]
_grid_badges: list[GridBadgeProvider] = []


def register_grid_badge(provider: GridBadgeProvider) -> None:
    if provider not in _grid_badges:
        _grid_badges.append(provider)


def grid_badges(appointment_ids: list[int]) -> dict[int, list[Any]]:
    """The registered badges of each of these appointments, for the day grid."""
    found: dict[int, list[Any]] = {}
    if not appointment_ids:
        return found
    for provider in _grid_badges:
        for appointment_id, label in provider(appointment_ids).items():
            found.setdefault(appointment_id, []).append(label)
    return found


def triage_queue(
    *, program_id: int | None = None, status: str | None = None, overdue_only: bool = False
) -> QuerySet[Referral]:
    """Open referrals, the most pressing first: urgent before routine, then by contact due."""
    open_statuses = (ReferralStatus.RECEIVED, ReferralStatus.TRIAGED, ReferralStatus.SCHEDULED)
    qs = Referral.objects.filter(status__in=[status] if status else open_statuses)
    if program_id is not None:
        qs = qs.filter(program_id=program_id)
    if overdue_only:
        qs = qs.filter(first_contact_at__isnull=True, contact_due_at__lt=timezone.now())
    return qs.select_related("program", "condition", "assigned_to").order_by(
        "-urgency", "contact_due_at"
    )


def waitlist() -> QuerySet[WaitlistEntry]:
    return (
        WaitlistEntry.objects.filter(is_active=True)
        .select_related(
            "patient",
            "visit_type",
            "clinician",
            "location",
            "appointment",
            "appointment__clinician",
        )
        .order_by("created_at")
    )


def get_referral_for(user: Any, *, public_id: Any, action: str = "referral.viewed") -> Referral:
    """A referral for triage staff (the permission is checked by the route), audited."""
    from django.http import Http404

    from medcenter.core import audit

    referral = (
        Referral.objects.select_related("program", "condition", "patient", "assigned_to")
        .filter(public_id=public_id)
        .first()
    )
    if referral is None:
        raise Http404
    if referral.patient is not None:
        # Once the referral is a registered patient's, it is their record: the usual basis
        # (care relationship or break-the-glass) applies, and get_patient_for audits it.
        from medcenter.patients.selectors import get_patient_for

        get_patient_for(
            user,
            public_id=referral.patient.public_id,
            staff_only=True,
            action=action,
        )
        return referral
    audit.record(action=action, actor=user, target=referral, read=True)
    return referral


def get_appointment_for(user: Any, *, public_id: Any, action: str) -> Appointment:
    """An appointment, if `user` may see its patient's appointments (audited as `action`).

    Missing, or a patient's or proxy's without a basis: Http404. Staff without a basis:
    PatientAccessDenied, which pages turn into the break-the-glass offer.
    """
    appointment = (
        Appointment.objects.select_related(
            "patient", "clinician", "resource", "location", "visit_type"
        )
        .filter(public_id=public_id)
        .first()
    )
    if appointment is None or appointment.patient is None:
        raise Http404
    get_patient_for(
        user,
        public_id=appointment.patient.public_id,
        action=action,
        scope="appointments",
    )
    return appointment


def get_patient_to_book_for(user: Any, *, public_id: Any) -> PatientAccess:
    """The patient `user` may book for (audited); staff also need the booking permission
    and a verified second factor. Http404 or PatientAccessDenied without a basis."""
    access = get_patient_for(
        user,
        public_id=public_id,
        action="appointment.booking",
        scope="appointments",
    )
    if getattr(user, "is_staff", False) and not (
        is_mfa_verified(user) and user.has_perm("scheduling.add_appointment")
    ):
        raise PermissionDenied(_("Your role cannot book appointments."))
    return access


def visitor_hold(public_id: Any) -> Appointment | None:
    """The hold a signed-out visitor's session names, while it is still theirs to use."""
    if not public_id:
        return None
    try:
        held = (
            Appointment.objects.select_related("clinician", "location", "visit_type")
            .filter(public_id=public_id, patient__isnull=True)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None
    if held is None or held.status != AppointmentStatus.PENDING:
        return None
    if held.hold_expires_at is not None and held.hold_expires_at <= timezone.now():
        return None
    return held


def new_patient_booking(public_id: Any) -> NewPatientBooking | None:
    """The new-patient booking a visitor's session names (theirs: only the session knows it)."""
    if not public_id:
        return None
    try:
        return (
            NewPatientBooking.objects.select_related(
                "hold", "hold__clinician", "hold__location", "hold__visit_type"
            )
            .filter(public_id=public_id)
            .first()
        )
    except (ValueError, TypeError, ValidationError):
        return None


# --- Next available (Find a Doctor) -----------------------------------------------------------

NEXT_AVAILABLE_DAYS = 30  # a doctor shows a time only when a new patient can be seen this soon


@dataclass(frozen=True)
class NextAvailable:
    """The earliest bookable new-patient visit of one clinician, or None for `start`."""

    clinician_id: int
    start: datetime | None  # aware, in the zone of the slot's location
    visit_code: str = ""
    location_slug: str = ""


def location_tz(location_id: int | None = None) -> ZoneInfo:
    """The time zone a location's clinics keep: every site keeps the center's zone, which is
    also the zone the availability rules are written in."""
    return center_tz()


def new_patient_visit_types() -> list[VisitType]:
    """Visit types a new patient can book online by themselves, with a clinician."""
    return list(
        VisitType.objects.filter(
            is_active=True,
            new_patients=True,
            booking_mode=BookingMode.DIRECT,
            resource_kind="",
        )
    )


def next_available_for(
    *, clinician_ids: Sequence[int], days: int = NEXT_AVAILABLE_DAYS
) -> dict[int, NextAvailable]:
    """The earliest online-bookable new-patient slot within `days` of each clinician.

    Batched and cached: a page of clinicians costs one cache round trip when nothing changed,
    and a fixed number of queries (visit types, the four of `calendars`, locations) for those
    whose entry is missing or stale, however many they are (nextavailable.py).
    """
    ids = list(dict.fromkeys(clinician_ids))
    if not ids:
        return {}
    found = nextavailable.lookup(ids)
    # An entry whose slot has come inside its visit's notice is recomputed, not shown.
    soon = timezone.now().timestamp()
    missing = [
        pk
        for pk in ids
        if pk not in found.hits
        or ((hit := found.hits[pk]) is not None and hit.bookable_until_epoch < soon)
    ]
    entries = dict(found.hits)
    if missing:
        computed = _compute_next_available(missing, days=days)
        nextavailable.store(found, computed)
        entries.update(computed)
    answers = {}
    for pk in ids:
        entry = entries.get(pk)
        if entry is None:
            answers[pk] = NextAvailable(clinician_id=pk, start=None)
            continue
        start = datetime.fromtimestamp(entry.start_epoch, UTC)
        answers[pk] = NextAvailable(
            clinician_id=pk,
            start=start.astimezone(location_tz(entry.location_id)),
            visit_code=entry.visit_code,
            location_slug=entry.location_slug,
        )
    return answers


def _compute_next_available(
    clinician_ids: Sequence[int], *, days: int
) -> dict[int, nextavailable.Entry]:
    types = new_patient_visit_types()
    result: dict[int, nextavailable.Entry] = dict.fromkeys(clinician_ids)
    if not types:
        return result
    now = timezone.now()
    windows = [
        (
            visit,
            max(now, earliest_bookable(visit)),
            min(now + timedelta(days=days), latest_bookable(visit)),
        )
        for visit in types
    ]
    windows = [(v, s, e) for v, s, e in windows if s < e]
    if not windows:
        return result
    owners: list[Owner] = [("clinician", pk) for pk in clinician_ids]
    cals = calendars(
        owners=owners,
        start=min(s for _v, s, _e in windows),
        end=max(e for _v, _s, e in windows),
        visit_type_ids=[v.pk for v, _s, _e in windows],
    )
    tz = center_tz()
    best: dict[int, tuple[engine.Slot, VisitType]] = {}
    for owner in owners:
        calendar = cals[owner]
        if not calendar.rules:
            continue
        for visit, start, end in windows:
            slot = engine.next_available(
                calendar=calendar, visit=visit_spec(visit), start=start, end=end, tz=tz
            )
            if slot is not None and (owner[1] not in best or slot.start < best[owner[1]][0].start):
                best[owner[1]] = (slot, visit)
    if not best:
        return result
    slugs = dict(
        Location.objects.filter(pk__in={s.location_id for s, _v in best.values()}).values_list(
            "pk", "slug"
        )
    )
    for pk, (slot, visit) in best.items():
        result[pk] = nextavailable.Found(
            start_epoch=int(slot.start.timestamp()),
            # Past this moment the slot is inside the visit's notice: no longer bookable online.
            bookable_until_epoch=int(slot.start.timestamp()) - visit.min_notice_hours * 3600,
            visit_code=visit.code,
            location_id=slot.location_id,
            location_slug=slugs.get(slot.location_id, ""),
        )
    return result

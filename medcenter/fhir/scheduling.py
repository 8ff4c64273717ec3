"""FHIR R4 Schedule, Slot, Appointment and ServiceRequest over the scheduling domain.

Ids (FHIR ids are at most 64 characters of [A-Za-z0-9-.]; integer keys never appear):

- Schedule: one per clinician or resource with current availability rules. A clinician's
  Schedule has the clinician's public id (the same id as their Practitioner); a resource's
  is `resource-<public id>`.
- Slot: computed, never stored, so its id carries what is needed to compute it again:
  `<c|r><owner public id as 32 hex digits>.<start in UTC as YYYYMMDDTHHMMZ>.<pair>`, where
  `pair` is the first 14 hex digits of SHA-256 over "<visit type public id>/<location public
  id>". Reading one decodes the owner and start, and finds the visit type and location among
  the pairs the owner's rules offer (a handful), so the id needs no lookup table.
- Appointment and ServiceRequest (a referral): the row's public id.

Schedule and Slot are public, like the directory, and served through the generic routes.
Appointments are patient data, read through `get_patient_for` (audited per patient).
ServiceRequests are for staff who work referrals (every one served is audited); a referral
linked to a registered patient needs the usual basis for that patient. Both have their own
routes, registered as patient-data routes in views.py. Resources validate with
fhir.resources' R4B models, which are the same as R4 (4.0.1) for these four types.
"""

from __future__ import annotations

import hashlib
import re
import uuid
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from typing import Any
from urllib.parse import urlencode

from django.db.models import Q, QuerySet
from django.http import Http404, HttpRequest, QueryDict
from django.utils import timezone
from fhir.resources.R4B.appointment import Appointment as FhirAppointment
from fhir.resources.R4B.schedule import Schedule as FhirSchedule
from fhir.resources.R4B.servicerequest import ServiceRequest as FhirServiceRequest
from fhir.resources.R4B.slot import Slot as FhirSlot

from medcenter.accounts.mfa import needs_second_factor
from medcenter.core import audit, bounds
from medcenter.directory.models import Clinician, Location
from medcenter.fhir import mappers
from medcenter.patients.access import PatientAccess, is_mfa_verified
from medcenter.patients.models import Patient
from medcenter.patients.selectors import PatientAccessDenied, get_patient_for
from medcenter.scheduling import engine, selectors
from medcenter.scheduling.models import (
    Appointment,
    AppointmentStatus,
    AvailabilityRule,
    Referral,
    ReferralSource,
    ReferralStatus,
    Resource,
    VisitType,
)

mappers.MODELS.update(
    {
        "Schedule": FhirSchedule,
        "Slot": FhirSlot,
        "Appointment": FhirAppointment,
        "ServiceRequest": FhirServiceRequest,
    }
)

VISIT_TYPE_SYSTEM = mappers.SYSTEM + "/visit-type"
REFERRAL_STATUS_SYSTEM = mappers.SYSTEM + "/referral-status"
SLOT_LOCATION_URL = "https://medcenter.example/fhir/StructureDefinition/slot-location"
REFERRAL_STATUS_URL = "https://medcenter.example/fhir/StructureDefinition/referral-status"
NPI_SYSTEM = "http://hl7.org/fhir/sid/us-npi"
ICD10CM_SYSTEM = "http://hl7.org/fhir/sid/icd-10-cm"
APPOINTMENT_TYPE_SYSTEM = "http://terminology.hl7.org/CodeSystem/v2-0276"
RESOURCE_PREFIX = "resource-"
HORIZON_DAYS = 180
DEFAULT_COUNT = 20
MAX_COUNT = 100
MAX_SLOTS = 200
COMMON = frozenset({"_count", "_format"})

# Our referral loop in FHIR request statuses; our own status rides along in an extension.
REFERRAL_STATUS = {
    ReferralStatus.RECEIVED: "active",
    ReferralStatus.TRIAGED: "active",
    ReferralStatus.SCHEDULED: "active",
    ReferralStatus.SEEN: "active",
    ReferralStatus.REPORT_SENT: "completed",
    ReferralStatus.DECLINED: "revoked",
}
REQUEST_STATUSES = ("draft", "active", "on-hold", "revoked", "completed", "entered-in-error")


class Refused(Exception):
    """A request answered with an OperationOutcome: bad parameters, no sign-in, no access.

    `audited` says the refusal already left an audit event (`get_patient_for` records the
    denials it makes), so the route does not record a second one."""

    def __init__(self, status: int, code: str, text: str, *, audited: bool = False) -> None:
        super().__init__(text)
        self.status = status
        self.code = code
        self.text = text
        self.audited = audited


def _not_found(*, audited: bool = False) -> Refused:
    return Refused(404, "not-found", "No such resource.", audited=audited)


def _invalid(text: str) -> Refused:
    return Refused(400, "invalid", text)


# --- Parameters -------------------------------------------------------------------------------


def _check_names(params: QueryDict, allowed: Iterable[str]) -> None:
    unknown = set(params) - COMMON - set(allowed)
    if unknown:
        raise Refused(400, "not-supported", f"Unknown search parameter: {sorted(unknown)[0]}")


def _one(params: QueryDict, name: str) -> str | None:
    values = params.getlist(name)
    if not values:
        return None
    if len(values) > 1 or "," in values[0]:
        raise _invalid(f"Give one value for {name}.")
    return values[0].strip() or None


def page_size(params: QueryDict, *, cap: int, default: int = DEFAULT_COUNT) -> int:
    """`_count`: a whole number of at least 1; more than `cap` is served as `cap`, since FHIR
    lets a server return fewer than asked (R30 caps the page either way)."""
    raw = params.get("_count")
    if raw is None:
        return min(default, cap)
    try:
        value = int(raw)
    except ValueError:
        raise _invalid("_count must be a whole number.") from None
    if value < 1:
        raise _invalid("_count must be at least 1.")
    return min(value, cap)


def page_offset(params: QueryDict) -> int:
    """`_offset`: a whole number from 0 to 1,000,000 (core.bounds): deeper pages are refused,
    never sent to the database, whose integers end at 2**63."""
    try:
        return bounds.parse_int(
            params.get("_offset"), name="_offset", default=0, high=bounds.MAX_OFFSET
        )
    except bounds.OutOfBounds as refused:
        raise _invalid(f"_offset: {' '.join(refused.messages)}") from None


def _uuid(value: str) -> uuid.UUID | None:
    try:
        parsed = uuid.UUID(value)
    except ValueError:
        return None
    return parsed if str(parsed) == value.lower() else None


def _reference_id(value: str, kind: str) -> uuid.UUID | None:
    """The public id in `Kind/<id>` or a bare `<id>`; None when it names something else."""
    prefix, _, ident = value.rpartition("/")
    if prefix not in ("", kind):
        return None
    return _uuid(ident)


def _visit_type_code(value: str) -> str | None:
    """The code of a `system|code` token; None when the system is not ours."""
    system, bar, code = value.rpartition("|")
    if bar and system not in ("", VISIT_TYPE_SYSTEM):
        return None
    return code


_DATE = re.compile(
    r"^(?P<prefix>[a-z]{2})?"
    r"(?P<day>\d{4}-\d{2}-\d{2})"
    r"(?:T(?P<clock>\d{2}:\d{2}(?P<seconds>:\d{2}(?P<fraction>\.\d+)?)?)"
    r"(?P<zone>Z|[+-]\d{2}:\d{2})?)?$"
)
PREFIXES = ("eq", "ge", "gt", "le", "lt")
YEARS = range(1900, 2201)  # wider than any visit; keeps date arithmetic far from its limits


def _date_bounds(values: list[str], name: str) -> tuple[datetime | None, datetime | None]:
    """The half-open [low, high) of instants that `name`'s dates allow, ANDed together.

    A value covers its precision (a day, a minute, a second), as FHIR date search does: ge
    and eq include it, gt starts after it, lt ends before it, le ends after it.
    """
    low: datetime | None = None
    high: datetime | None = None
    for raw in values:
        text = raw.strip().replace(" ", "+")  # an unescaped + in a query arrives as a space
        match = _DATE.match(text)
        if match is None:
            raise _invalid(f"{name} must be a date or date-time, e.g. {name}=ge2026-12-01.")
        prefix = match["prefix"] or "eq"
        if prefix not in PREFIXES:
            raise Refused(400, "not-supported", f"The {prefix} prefix is not supported here.")
        try:
            if match["clock"] is None:
                first, after = selectors.local_day_bounds(date.fromisoformat(match["day"]))
            else:
                moment = datetime.fromisoformat(text[len(match["prefix"] or "") :])
                if timezone.is_naive(moment):
                    moment = moment.replace(tzinfo=selectors.center_tz())
                step = (
                    timedelta(microseconds=1)
                    if match["fraction"]
                    else timedelta(seconds=1)
                    if match["seconds"]
                    else timedelta(minutes=1)
                )
                first, after = moment, moment + step
        except (ValueError, OverflowError):
            raise _invalid(f"{raw} is not a valid date.") from None
        if first.year not in YEARS or after.year not in YEARS:
            raise _invalid(f"{raw} is out of range.")
        if prefix in ("eq", "ge", "gt"):
            bound = after if prefix == "gt" else first
            low = bound if low is None else max(low, bound)
        if prefix in ("eq", "le", "lt"):
            bound = first if prefix == "lt" else after
            high = bound if high is None else min(high, bound)
    return low, high


def _instant(moment: datetime) -> str:
    return moment.astimezone(UTC).isoformat().replace("+00:00", "Z")


# --- Bundles ----------------------------------------------------------------------------------


def _searchset(
    request: HttpRequest,
    resource_type: str,
    entries: list[dict[str, Any]],
    *,
    total: int | None,
    next_query: dict[str, list[str]] | None,
) -> dict[str, Any]:
    base = request.build_absolute_uri("/fhir/R4/")
    next_url = None
    if next_query is not None:
        next_url = f"{base}{resource_type}?{urlencode(next_query, doseq=True)}"
    bundle = mappers.searchset(
        entries,
        total=total if total is not None else len(entries),
        base=base,
        self_url=request.build_absolute_uri(),
        next_url=next_url,
    )
    if total is None:
        del bundle["total"]  # computed slots: how many more there are is not known
    return bundle


def _paged(
    request: HttpRequest,
    resource_type: str,
    queryset: QuerySet[Any],
    mapper: Callable[[Any], dict[str, Any]],
) -> dict[str, Any]:
    count, offset = page_size(request.GET, cap=MAX_COUNT), page_offset(request.GET)
    total = queryset.count()
    entries = [mapper(obj) for obj in queryset[offset : offset + count]]
    next_query = None
    if offset + count < total:
        next_query = {**dict(request.GET.lists()), "_offset": [str(offset + count)]}
    return _searchset(request, resource_type, entries, total=total, next_query=next_query)


def _ref(kind: str, public_id: Any, display: str = "") -> dict[str, str]:
    ref = {"reference": f"{kind}/{public_id}"}
    if display:
        ref["display"] = display
    return ref


def _service_type(visit: VisitType) -> dict[str, Any]:
    return {
        "coding": [{"system": VISIT_TYPE_SYSTEM, "code": visit.code, "display": visit.name}],
        "text": visit.name,
    }


# --- Schedule ---------------------------------------------------------------------------------


@dataclass(frozen=True)
class Owner:
    """Whose calendar: a clinician or a resource (an infusion chair, a scanner)."""

    row: Clinician | Resource

    @property
    def key(self) -> engine.Owner:
        return ("clinician" if isinstance(self.row, Clinician) else "resource", self.row.pk)

    @property
    def schedule_id(self) -> str:
        if isinstance(self.row, Clinician):
            return str(self.row.public_id)
        return f"{RESOURCE_PREFIX}{self.row.public_id}"


def _owner(schedule_id: str) -> Owner | None:
    """The active clinician or resource whose Schedule has this id."""
    rows: QuerySet[Any]
    if schedule_id.startswith(RESOURCE_PREFIX):
        public_id = _uuid(schedule_id.removeprefix(RESOURCE_PREFIX))
        rows = Resource.objects.select_related("location")
    else:
        public_id = _uuid(schedule_id)
        rows = Clinician.objects.all()
    if public_id is None:
        return None
    row = rows.filter(public_id=public_id, is_active=True).first()
    return Owner(row) if row is not None else None


def _current_rules() -> QuerySet[AvailabilityRule]:
    today = timezone.localdate()
    return AvailabilityRule.objects.filter(
        Q(valid_until__isnull=True) | Q(valid_until__gte=today)
    ).filter(Q(clinician__is_active=True) | Q(resource__is_active=True))


def _owner_key(clinician_id: Any, resource_id: Any) -> engine.Owner:
    """The engine's key for a row's owner (a constraint says exactly one of the two is set)."""
    return ("clinician", clinician_id) if clinician_id is not None else ("resource", resource_id)


def schedule(owner: Owner, rules: list[AvailabilityRule]) -> dict[str, Any]:
    """One owner's calendar: who, where, which visit types, how far ahead."""
    places = {rule.location.pk: rule.location for rule in rules}
    visits = {v.pk: v for rule in rules for v in rule.visit_types.all() if v.is_active}
    row = owner.row
    actor: list[dict[str, Any]]
    comment = None
    if isinstance(row, Clinician):
        actor = [_ref("Practitioner", row.public_id, row.display_name)]
    else:
        places.setdefault(row.location.pk, row.location)
        actor = [{"type": "Device", "display": row.name}]
        comment = str(row.get_kind_display())
    actor += [
        _ref("Location", loc.public_id, loc.name)
        for loc in sorted(places.values(), key=lambda loc: loc.name)
    ]
    today = timezone.localdate()
    return mappers.validated(
        {
            "resourceType": "Schedule",
            "id": owner.schedule_id,
            "active": True,
            "serviceType": [
                _service_type(v) for v in sorted(visits.values(), key=lambda v: (v.order, v.name))
            ],
            "actor": actor,
            "planningHorizon": {
                "start": today.isoformat(),
                "end": (today + timedelta(days=HORIZON_DAYS)).isoformat(),
            },
            "comment": comment,
        }
    )


def _schedules(keys: list[engine.Owner]) -> list[dict[str, Any]]:
    """The Schedules of these owners, in their order, with a fixed number of queries."""
    clinician_ids = [pk for kind, pk in keys if kind == "clinician"]
    resource_ids = [pk for kind, pk in keys if kind == "resource"]
    rows: dict[engine.Owner, Clinician | Resource] = {}
    for pk, clinician in Clinician.objects.in_bulk(clinician_ids).items():
        rows[("clinician", pk)] = clinician
    for pk, resource in Resource.objects.select_related("location").in_bulk(resource_ids).items():
        rows[("resource", pk)] = resource
    rules: dict[engine.Owner, list[AvailabilityRule]] = defaultdict(list)
    for rule in (
        _current_rules()
        .filter(Q(clinician_id__in=clinician_ids) | Q(resource_id__in=resource_ids))
        .select_related("location")
        .prefetch_related("visit_types")
    ):
        rules[_owner_key(rule.clinician_id, rule.resource_id)].append(rule)
    return [schedule(Owner(rows[key]), rules[key]) for key in keys if key in rows and rules[key]]


def read_schedule(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    owner = _owner(resource_id)
    found = _schedules([owner.key]) if owner is not None else []
    if not found:
        raise _not_found()
    return found[0]


def search_schedules(request: HttpRequest) -> dict[str, Any]:
    params = request.GET
    _check_names(params, ("actor", "service-type", "_offset"))
    count, offset = page_size(params, cap=MAX_COUNT), page_offset(params)
    rules = _current_rules()
    actor = _one(params, "actor")
    if actor is not None:
        kind = "Location" if actor.startswith("Location/") else "Practitioner"
        public_id = _reference_id(actor, kind)
        if public_id is None:
            rules = rules.none()
        elif kind == "Location":
            rules = rules.filter(location__public_id=public_id)
        else:
            rules = rules.filter(clinician__public_id=public_id)
    service = _one(params, "service-type")
    if service is not None:
        code = _visit_type_code(service)
        if code is None:
            rules = rules.none()
        else:
            rules = rules.filter(visit_types__code=code, visit_types__is_active=True)
    keys = sorted({_owner_key(*ids) for ids in rules.values_list("clinician_id", "resource_id")})
    entries = _schedules(keys[offset : offset + count])
    next_query = None
    if offset + count < len(keys):
        next_query = {**dict(params.lists()), "_offset": [str(offset + count)]}
    return _searchset(request, "Schedule", entries, total=len(keys), next_query=next_query)


# --- Slot -------------------------------------------------------------------------------------

_SLOT_ID = re.compile(
    r"^(?P<kind>[cr])(?P<owner>[0-9a-f]{32})\.(?P<start>\d{8}T\d{4}Z)\.(?P<pair>[0-9a-f]{14})$"
)
SLOT_TIME = "%Y%m%dT%H%MZ"


def _pair(visit: VisitType, location: Location) -> str:
    return hashlib.sha256(f"{visit.public_id}/{location.public_id}".encode()).hexdigest()[:14]


def slot_id(owner: Owner, visit: VisitType, location: Location, start: datetime) -> str:
    kind = "c" if isinstance(owner.row, Clinician) else "r"
    when = start.astimezone(UTC).strftime(SLOT_TIME)
    return f"{kind}{owner.row.public_id.hex}.{when}.{_pair(visit, location)}"


def slot(
    *,
    owner: Owner,
    visit: VisitType,
    location: Location,
    start: datetime,
    end: datetime,
    status: str,
) -> dict[str, Any]:
    """One computed slot. FHIR's Slot has no place, so the location rides in an extension."""
    return mappers.validated(
        {
            "resourceType": "Slot",
            "id": slot_id(owner, visit, location, start),
            "extension": [
                {
                    "url": SLOT_LOCATION_URL,
                    "valueReference": _ref("Location", location.public_id, location.name),
                }
            ],
            "schedule": {"reference": f"Schedule/{owner.schedule_id}"},
            "serviceType": [_service_type(visit)],
            "status": status,
            "start": _instant(start),
            "end": _instant(end),
        }
    )


def search_slots(request: HttpRequest) -> dict[str, Any]:
    params = request.GET
    _check_names(params, ("schedule", "service-type", "start"))
    schedule_ref, service = _one(params, "schedule"), _one(params, "service-type")
    if schedule_ref is None or service is None:
        raise _invalid(
            "Slot search needs schedule (Schedule/<id>) and service-type (a visit type code)."
        )
    count = page_size(params, cap=MAX_SLOTS)
    low, high = _date_bounds(params.getlist("start"), "start")
    kind, _, schedule_id = schedule_ref.rpartition("/")
    owner = _owner(schedule_id) if kind in ("", "Schedule") else None
    code = _visit_type_code(service)
    visit = VisitType.objects.filter(code=code, is_active=True).first() if code else None
    if owner is None or visit is None:
        return _searchset(request, "Slot", [], total=0, next_query=None)
    begin = low or timezone.now()
    end = high or begin + timedelta(days=HORIZON_DAYS)
    found = selectors.free_slots(
        owner=owner.key, visit_type=visit, start=begin, end=end, limit=count + 1
    )
    page = found[:count]
    next_query = None
    if len(found) > count:
        # The next page starts after the last start shown, so a start offered at two places
        # is shown whole on one page (unless it alone fills the page).
        last = page[-1].start
        whole = [s for s in page if s.start != last]
        if found[count].start == last and whole:
            page = whole
        after = [f"gt{_instant(page[-1].start)}"] + ([f"lt{_instant(high)}"] if high else [])
        next_query = {**dict(params.lists()), "start": after}
    places = Location.objects.in_bulk({s.location_id for s in page})
    entries = [
        slot(
            owner=owner,
            visit=visit,
            location=places[s.location_id],
            start=s.start,
            end=s.end,
            status="free",
        )
        for s in page
    ]
    total = None if next_query else len(entries)
    return _searchset(request, "Slot", entries, total=total, next_query=next_query)


def read_slot(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    """A slot by id, as it is now: free, busy (taken or blocked), or busy-unavailable (past,
    too soon or too far ahead to book, or its clinician or visit type withdrawn); 404 when the
    rules never offered it."""
    match = _SLOT_ID.match(resource_id)
    if match is None:
        raise _not_found()
    try:
        start = datetime.strptime(match["start"], SLOT_TIME).replace(tzinfo=UTC)
    except ValueError:
        raise _not_found() from None
    if start.year not in YEARS:
        raise _not_found()
    rows: QuerySet[Any] = (
        Clinician.objects.all()
        if match["kind"] == "c"
        else Resource.objects.select_related("location")
    )
    row = rows.filter(public_id=uuid.UUID(hex=match["owner"])).first()
    if row is None:
        raise _not_found()
    owner = Owner(row)
    calendar = selectors.calendars(
        owners=[owner.key], start=start - timedelta(days=1), end=start + timedelta(days=1)
    )[owner.key]
    visits = VisitType.objects.in_bulk({t for rule in calendar.rules for t in rule.visit_type_ids})
    places = Location.objects.in_bulk({rule.location_id for rule in calendar.rules})
    offered = [
        (visits[t], places[rule.location_id])
        for rule in calendar.rules
        for t in sorted(rule.visit_type_ids)
        if _pair(visits[t], places[rule.location_id]) == match["pair"]
    ]
    if not offered:
        raise _not_found()
    visit, place = offered[0]
    tz, spec = selectors.center_tz(), selectors.visit_spec(visit)
    day = start.astimezone(tz).date()

    def starts_in(cal: engine.Calendar) -> bool:
        free = engine.free_on_day(calendar=cal, visit=spec, day=day, tz=tz, location_id=place.pk)
        return any(s.start == start for s in free)

    if not starts_in(engine.Calendar(owner=owner.key, rules=calendar.rules)):
        raise _not_found()
    bookable = selectors.earliest_bookable(visit) <= start < selectors.latest_bookable(visit)
    if not (row.is_active and visit.is_active and bookable):
        status = "busy-unavailable"
    else:
        status = "free" if starts_in(calendar) else "busy"
    return slot(
        owner=owner,
        visit=visit,
        location=place,
        start=start,
        end=start + visit.duration,
        status=status,
    )


# --- Appointment ------------------------------------------------------------------------------

APPOINTMENT_READ = "fhir.appointment.read"
APPOINTMENT_STATUSES = (
    "proposed", "pending", "booked", "arrived", "fulfilled", "cancelled", "noshow",
    "entered-in-error", "checked-in", "waitlist",
)  # fmt: skip
PRIMARY_PERFORMER = {
    "coding": [
        {
            "system": "http://terminology.hl7.org/CodeSystem/v3-ParticipationType",
            "code": "PPRF",
            "display": "primary performer",
        }
    ]
}


def signed_in(request: HttpRequest) -> Any:
    """The signed-in user; 401 without a sign-in, or before the second factor for those who
    have one."""
    user: Any = request.user
    if not user.is_authenticated:
        raise Refused(401, "login", "Sign in first.")
    if needs_second_factor(user) and not is_mfa_verified(user):
        raise Refused(401, "login", "Verify your second factor first.")
    return user


def _appointment_reader(request: HttpRequest) -> Any:
    user = signed_in(request)
    if user.is_staff and not user.has_perm("scheduling.view_appointment"):
        raise Refused(403, "forbidden", "Your role does not include appointments.")
    return user


def _patient_access(
    user: Any,
    request: HttpRequest,
    public_id: uuid.UUID,
    *,
    action: str,
    scope: str | None = None,
    staff_only: bool = False,
) -> PatientAccess:
    """The user's access to the patient, audited; 404 without it, so ids cannot be probed."""
    try:
        return get_patient_for(
            user,
            public_id=public_id,
            action=action,
            scope=scope,
            staff_only=staff_only,
        )
    except (PatientAccessDenied, Http404):
        # get_patient_for audited the denial if the patient exists; an unknown id is left to
        # the route to audit.
        known = Patient.objects.filter(public_id=public_id).exists()
        raise _not_found(audited=known) from None


def _codes(params: QueryDict, name: str, allowed: Iterable[str]) -> list[str] | None:
    """A token parameter's codes (comma-separated: any of them), or None when not given."""
    value = _one_list(params, name)
    if value is None:
        return None
    codes = [code.strip() for code in value.split(",")]
    unknown = [code for code in codes if code not in allowed]
    if unknown:
        raise _invalid(f"{unknown[0]!r} is not a {name} code.")
    return codes


def _one_list(params: QueryDict, name: str) -> str | None:
    values = params.getlist(name)
    if len(values) > 1:
        raise _invalid(f"Give {name} once (separate several codes with commas).")
    return values[0] if values else None


def _appointment_type(visit: VisitType) -> dict[str, Any]:
    return {
        "coding": [
            {
                "system": APPOINTMENT_TYPE_SYSTEM,
                "code": "ROUTINE",
                "display": "Routine appointment - default if not valued",
            }
        ],
        "text": "New patient visit" if visit.new_patients else "Established patient visit",
    }


def appointment(a: Appointment, *, confidential: bool) -> dict[str, Any]:
    """One appointment. The cancellation reason can be the patient's own words, so it is left
    out for those who may not see confidential items (a 12-17-year-old's parent)."""
    accepted = {"required": "required", "status": "accepted"}
    participants: list[dict[str, Any]] = []
    if a.patient is not None:
        participants.append({"actor": _ref("Patient", a.patient.public_id), **accepted})
    if a.clinician is not None:
        actor = _ref("Practitioner", a.clinician.public_id, a.clinician.display_name)
        participants.append({"type": [PRIMARY_PERFORMER], "actor": actor, **accepted})
    if a.resource is not None:
        participants.append(
            {
                "type": [{"text": str(a.resource.get_kind_display())}],
                "actor": {"type": "Device", "display": a.resource.name},
                **accepted,
            }
        )
    participants.append(
        {"actor": _ref("Location", a.location.public_id, a.location.name), **accepted}
    )
    cancelled = a.status == AppointmentStatus.CANCELLED
    return mappers.validated(
        {
            "resourceType": "Appointment",
            "id": str(a.public_id),
            "status": a.status,
            "cancelationReason": {"text": a.cancel_reason}
            if cancelled and a.cancel_reason and confidential
            else None,
            "serviceType": [_service_type(a.visit_type)],
            "appointmentType": _appointment_type(a.visit_type),
            "start": _instant(a.start),
            "end": _instant(a.end),
            "minutesDuration": int((a.end - a.start).total_seconds() // 60),
            "created": _instant(a.booked_at) if a.booked_at else None,
            "basedOn": [_ref("ServiceRequest", a.referral.public_id)] if a.referral else None,
            "participant": participants,
        }
    )


def _appointments() -> QuerySet[Appointment]:
    # A hold is a few minutes of the patient's own checkout, not an appointment yet.
    return (
        Appointment.objects.shown()
        .exclude(status=AppointmentStatus.PENDING)
        .select_related("patient", "clinician", "resource", "location", "visit_type", "referral")
    )


def read_appointment(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    user = _appointment_reader(request)
    public_id = _uuid(resource_id)
    found = _appointments().filter(public_id=public_id).first() if public_id else None
    if found is None or found.patient is None:
        raise _not_found()
    access = _patient_access(
        user, request, found.patient.public_id, action=APPOINTMENT_READ, scope="appointments"
    )
    return appointment(found, confidential=access.sees_confidential)


def search_appointments(request: HttpRequest) -> dict[str, Any]:
    user = _appointment_reader(request)
    params = request.GET
    _check_names(params, ("patient", "date", "status", "_offset"))
    page_size(params, cap=MAX_COUNT)  # bad paging is refused before any patient data is read
    page_offset(params)
    low, high = _date_bounds(params.getlist("date"), "date")
    statuses = _codes(params, "status", APPOINTMENT_STATUSES)
    reference = _one(params, "patient")
    if reference is not None:
        public_id = _reference_id(reference, "Patient")
        if public_id is None:
            raise _not_found()
    else:
        own = None if user.is_staff else Patient.objects.filter(user=user).first()
        if own is None:
            raise _invalid("Say whose appointments: patient=Patient/<id>.")
        public_id = own.public_id
    access = _patient_access(
        user, request, public_id, action=APPOINTMENT_READ, scope="appointments"
    )
    appointments = selectors.appointments_for_patient(access.patient).select_related(
        "patient", "referral"
    )
    if low is not None:
        appointments = appointments.filter(start__gte=low)
    if high is not None:
        appointments = appointments.filter(start__lt=high)
    if statuses is not None:
        appointments = appointments.filter(status__in=statuses)
    return _paged(
        request,
        "Appointment",
        appointments.order_by("-start", "-pk"),
        lambda a: appointment(a, confidential=access.sees_confidential),
    )


# --- ServiceRequest (referrals) ---------------------------------------------------------------

REFERRAL_CODE = {
    "coding": [
        {"system": "http://snomed.info/sct", "code": "3457005", "display": "Patient referral"}
    ],
    "text": "Referral",
}


REFERRALS_FOR_STAFF = "Referrals are shown to staff who work them."


def _referral_reader(request: HttpRequest) -> Any:
    user = signed_in(request)
    if not (user.is_staff and is_mfa_verified(user) and user.has_perm("scheduling.view_referral")):
        raise Refused(403, "forbidden", REFERRALS_FOR_STAFF)
    return user


def _subject(r: Referral) -> dict[str, Any]:
    if r.patient is not None:
        return _ref("Patient", r.patient.public_id, r.patient.display_name)
    return {"display": r.patient_name}  # not matched to a registered patient yet


def _requester(r: Referral) -> dict[str, Any] | None:
    if r.source == ReferralSource.PHYSICIAN and (r.referrer_name or r.referrer_npi):
        requester: dict[str, Any] = {"type": "Practitioner"}
        if r.referrer_name:
            requester["display"] = r.referrer_name
        if r.referrer_npi:
            requester["identifier"] = {"system": NPI_SYSTEM, "value": r.referrer_npi}
        return requester
    if r.source in (ReferralSource.PATIENT, ReferralSource.PORTAL):
        return _subject(r)
    if r.submitter_name:
        return {"type": "RelatedPerson", "display": r.submitter_name}
    return None


def service_request(r: Referral) -> dict[str, Any]:
    """A referral as an order to see the patient. FHIR's request statuses are coarser than our
    loop, so our own status is kept in an extension."""
    reason: dict[str, Any] = {"text": r.diagnosis}
    if r.icd10_code:
        reason["coding"] = [{"system": ICD10CM_SYSTEM, "code": r.icd10_code}]
    performers = []
    if r.program is not None:
        performers.append(_ref("HealthcareService", r.program.public_id, r.program.name))
    if r.requested_clinician is not None:
        clinician = r.requested_clinician
        performers.append(_ref("Practitioner", clinician.public_id, clinician.display_name))
    return mappers.validated(
        {
            "resourceType": "ServiceRequest",
            "id": str(r.public_id),
            "extension": [
                {
                    "url": REFERRAL_STATUS_URL,
                    "valueCoding": {
                        "system": REFERRAL_STATUS_SYSTEM,
                        "code": r.status,
                        "display": str(r.get_status_display()),
                    },
                }
            ],
            "status": REFERRAL_STATUS[ReferralStatus(r.status)],
            "intent": "order",
            "priority": r.urgency,
            "code": REFERRAL_CODE,
            "subject": _subject(r),
            "authoredOn": _instant(r.received_at),
            "requester": _requester(r),
            "performer": performers or None,
            "reasonCode": [reason],
        }
    )


def _referrals() -> QuerySet[Referral]:
    return Referral.objects.select_related("patient", "program", "requested_clinician")


def _served(user: Any, referral: Referral) -> dict[str, Any]:
    resource = service_request(referral)
    audit.record(
        action="fhir.servicerequest.read",
        actor=user,
        patient=referral.patient,
        target=referral,
        read=True,
    )
    return resource


def read_service_request(request: HttpRequest, resource_id: str) -> dict[str, Any]:
    """One referral. Once it is a registered patient's it is their record, so the usual basis
    (care relationship or break-the-glass) applies, as on the staff referral page."""
    user = _referral_reader(request)
    public_id = _uuid(resource_id)
    if public_id is None or not Referral.objects.filter(public_id=public_id).exists():
        raise _not_found()
    try:
        found = selectors.get_referral_for(
            user, public_id=public_id, action="fhir.servicerequest.read"
        )
    except (PatientAccessDenied, Http404):
        raise _not_found(audited=True) from None  # get_patient_for audited the denial
    return service_request(found)


def search_service_requests(request: HttpRequest) -> dict[str, Any]:
    """Referrals, as the triage queue shows them to staff who work referrals; a search naming
    a patient needs the usual basis for that patient."""
    user = _referral_reader(request)
    params = request.GET
    _check_names(params, ("status", "patient", "_offset"))
    page_size(params, cap=MAX_COUNT)  # bad paging is refused before any patient data is read
    page_offset(params)
    referrals = _referrals()
    statuses = _codes(params, "status", REQUEST_STATUSES)
    if statuses is not None:
        ours = [status for status, theirs in REFERRAL_STATUS.items() if theirs in statuses]
        referrals = referrals.filter(status__in=ours)
    reference = _one(params, "patient")
    if reference is not None:
        public_id = _reference_id(reference, "Patient")
        if public_id is None:
            referrals = referrals.none()
        else:
            _patient_access(
                user, request, public_id, action="fhir.servicerequest.search", staff_only=True
            )
            referrals = referrals.filter(patient__public_id=public_id)
    return _paged(
        request,
        "ServiceRequest",
        referrals.order_by("-received_at", "-pk"),
        lambda r: _served(user, r),
    )


# --- Dispatch and capabilities ----------------------------------------------------------------

# Only the public types go through the generic (public) routes; Appointment and ServiceRequest
# are answered by their own patient-data routes (views.py), never by these.
READERS: dict[str, Callable[[HttpRequest, str], dict[str, Any]]] = {
    "Schedule": read_schedule,
    "Slot": read_slot,
}
SEARCHES: dict[str, Callable[[HttpRequest], dict[str, Any]]] = {
    "Schedule": search_schedules,
    "Slot": search_slots,
}
SERVED = frozenset(READERS)


def read(request: HttpRequest, resource_type: str, resource_id: str) -> dict[str, Any]:
    """One public resource; raises Refused for an OperationOutcome answer."""
    return READERS[resource_type](request, resource_id)


def search(request: HttpRequest, resource_type: str) -> dict[str, Any]:
    """A searchset Bundle of a public type; raises Refused for an OperationOutcome answer."""
    return SEARCHES[resource_type](request)


def _capability(kind: str, documentation: str, params: dict[str, str]) -> dict[str, Any]:
    return {
        "type": kind,
        "documentation": documentation,
        "interaction": [{"code": "read"}, {"code": "search-type"}],
        "searchParam": [{"name": name, "type": param_type} for name, param_type in params.items()],
    }


CAPABILITIES = [
    _capability(
        "Schedule",
        "Public. One per clinician (id = the Practitioner id) or resource (resource-<id>).",
        {"actor": "reference", "service-type": "token", "_count": "number"},
    ),
    _capability(
        "Slot",
        "Public, computed from availability rules. Search needs schedule and service-type; "
        "start takes ge, gt, le, lt and eq; _count up to 200.",
        {"schedule": "reference", "service-type": "token", "start": "date", "_count": "number"},
    ),
    _capability(
        "Appointment",
        "Signed-in patients, proxies with the appointments scope, and staff with a basis "
        "for the patient. patient is required except for a patient's own.",
        {"patient": "reference", "date": "date", "status": "token", "_count": "number"},
    ),
    _capability(
        "ServiceRequest",
        "Referrals, for staff who work them (second factor verified). Our own referral status "
        f"is in the extension {REFERRAL_STATUS_URL}.",
        {"patient": "reference", "status": "token", "_count": "number"},
    ),
]

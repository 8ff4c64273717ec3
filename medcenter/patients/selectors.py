"""Permission-checked reads of patient data. Every read is audited, or refused."""

from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from typing import Any
from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.db.models import Q, QuerySet
from django.http import Http404
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from medcenter.core import audit
from medcenter.core.errors import RecordAccessDenied
from medcenter.core.models import AuditEvent
from medcenter.patients.access import (
    Basis,
    PatientAccess,
    is_mfa_verified,
    resolve_access,
    resolve_accesses,
    search_bases,
)
from medcenter.patients.models import (
    BreakGlassGrant,
    BreakGlassReview,
    Patient,
    ProvisionalRegistration,
    ProxyGrant,
    RegistrationStatus,
)


class PatientAccessDenied(RecordAccessDenied):
    """The user has no basis to see this patient. Staff may be offered break-the-glass."""

    def __init__(self, patient: Patient, *, can_break_glass: bool) -> None:
        super().__init__(patient_public_id=patient.public_id, can_break_glass=can_break_glass)


def get_patient_for(
    user: Any,
    *,
    public_id: UUID | str,
    action: str = "patient.viewed",
    scope: str | None = None,
    staff_only: bool = False,
    narrow_basis: Callable[[Any, Patient], PatientAccess | None] | None = None,
) -> PatientAccess:
    """Return `user`'s access to the patient, audited; deny (audited) without a basis.

    Patients and proxies are told nothing exists (404) for records that are not theirs, so
    an id cannot be probed; staff get 403, with break-the-glass offered if their role has it.
    `narrow_basis` is a basis that one page grants for itself (a trial coordinator's
    pre-screening of a candidate): asked only when no general basis exists, only for staff
    with a verified second factor, and never valid anywhere else.
    """
    patient = Patient.objects.filter(public_id=public_id).first()
    if patient is None:
        raise Http404
    access = resolve_access(user, patient)
    if (
        access is None
        and narrow_basis is not None
        and getattr(user, "is_staff", False)
        and getattr(user, "is_active", False)
        and is_mfa_verified(user)
    ):
        access = narrow_basis(user, patient)
    if access is not None and staff_only and not access.is_staff_access:
        access = None
    if access is not None and scope is not None and scope not in access.scopes:
        access = None
    if access is None:
        audit.record(
            action=action,
            outcome=audit.Outcome.DENIED,
            actor=user,
            patient=patient,
        )
        if getattr(user, "is_staff", False):
            can_break_glass = is_mfa_verified(user) and user.has_perm("patients.break_glass")
            raise PatientAccessDenied(patient, can_break_glass=can_break_glass)
        raise Http404
    audit.record(
        action=action,
        actor=user,
        patient=patient,
        purpose=access.basis,
        reason=access.reason,
        read=True,
    )
    return access


def my_patients(user: Any) -> QuerySet[Patient]:
    """The patients a staff member has an active care relationship with (audited listing)."""
    audit.record(action="patient.list_viewed", actor=user, read=True)
    return (
        Patient.objects.filter(care_relationships__in=_active_relationships(user))
        .distinct()
        .order_by("family_name", "given_name")
    )


def _active_relationships(user: Any) -> QuerySet:  # type: ignore[type-arg]
    from medcenter.patients.models import CareRelationship

    return CareRelationship.objects.active().filter(staff=user)


IDENTIFIED_BY_MRN = "mrn"
IDENTIFIED_BY_NAME_AND_BIRTH = "name_and_birth_date"
FOUND_BY_LABELS = {
    IDENTIFIED_BY_MRN: _("Exact MRN"),
    IDENTIFIED_BY_NAME_AND_BIRTH: _("Full name and date of birth"),
}


@dataclass(frozen=True)
class SearchResult:
    patient: Patient
    has_relationship: bool
    found_by: str  # a search basis key, or how the patient was identified exactly
    found_by_label: str | Promise


@dataclass(frozen=True)
class PatientSearch:
    results: list[SearchResult]
    # True when the name was looked for only among the searcher's own patients (those with a
    # basis); the page then says how to find anyone else.
    name_scoped: bool = False
    may_identify_by_birth_date: bool = False


def may_identify_by_birth_date(user: Any) -> bool:
    """Those who register patients may find anyone by full name and date of birth together
    (to avoid registering someone twice); everyone else finds anyone only by exact MRN."""
    return bool(user.has_perm("patients.add_patient"))


def _name_tokens(text: str) -> list[str]:
    return sorted(t.casefold() for t in text.replace(",", " ").split() if t)


@transaction.atomic
def search_patients(
    user: Any,
    *,
    query: str,
    date_of_birth: date | None = None,
    limit: int = 25,
) -> PatientSearch:
    """Find patients for staff: anyone by exact MRN, by name only those the searcher has a
    basis for, anyone by full name and birth date for registrars; each result audited."""
    query = query.strip()
    by_birth = may_identify_by_birth_date(user)
    if len(query) < 2:
        return PatientSearch([], may_identify_by_birth_date=by_birth)
    found: dict[int, SearchResult] = {}

    def add(patient: Patient, key: str, label: str | Promise) -> None:
        if patient.pk not in found and len(found) < limit:
            found[patient.pk] = SearchResult(patient, False, key, label)

    name_scoped = False
    mode = IDENTIFIED_BY_MRN
    by_mrn = Patient.objects.filter(mrn=query.replace("-", "").upper()).first()
    if by_mrn is not None:
        add(by_mrn, IDENTIFIED_BY_MRN, FOUND_BY_LABELS[IDENTIFIED_BY_MRN])
    else:
        name_scoped = True
        mode = "name"
        condition = Q()
        for term in query.split()[:3]:
            condition &= (
                Q(family_name__icontains=term)
                | Q(given_name__icontains=term)
                | Q(preferred_name__icontains=term)
            )
        named = Patient.objects.filter(condition).order_by("family_name", "given_name", "pk")
        for basis in search_bases():
            ids = basis.provider(user)
            if ids is not None:
                for patient in named.filter(pk__in=ids)[:limit]:
                    add(patient, basis.key, basis.label)
        wanted = _name_tokens(query)
        if by_birth and date_of_birth is not None and len(wanted) >= 2:
            # A full name is at least a given and a family name; a few patients share a
            # birth date, so the exact comparison (any order, any case) is done here.
            mode = IDENTIFIED_BY_NAME_AND_BIRTH
            same_birth = Patient.objects.filter(date_of_birth=date_of_birth).order_by("pk")
            for patient in same_birth[:1000]:
                if wanted == _name_tokens(f"{patient.given_name} {patient.family_name}"):
                    add(patient, mode, FOUND_BY_LABELS[mode])
    patients = [r.patient for r in found.values()]
    related = set(
        _active_relationships(user)
        .filter(patient__in=patients)
        .values_list("patient_id", flat=True)
    )
    results = sorted(
        (
            SearchResult(r.patient, r.patient.pk in related, r.found_by, r.found_by_label)
            for r in found.values()
        ),
        key=lambda r: (r.patient.family_name, r.patient.given_name, r.patient.pk),
    )
    audit.record(
        action="patient.searched",
        actor=user,
        reason=f"{mode}; {len(results)} found",
        read=True,
    )
    for result in results:
        audit.record(
            action="patient.search_result",
            actor=user,
            patient=result.patient,
            purpose=result.found_by,
            read=True,
        )
    return PatientSearch(results, name_scoped=name_scoped, may_identify_by_birth_date=by_birth)


def records_for(user: Any) -> list[PatientAccess]:
    """The records a patient or proxy may open: their own, then those they are proxy for."""
    candidates = list(
        Patient.objects.filter(
            Q(user=user) | Q(proxy_grants__in=ProxyGrant.objects.current().filter(proxy=user))
        ).distinct()
    )
    accesses = resolve_accesses(user, candidates)
    accesses.sort(key=lambda a: (a.basis != Basis.SELF, a.patient.family_name))
    if accesses:
        audit.record(action="patient.records_listed", actor=user, read=True)
    return accesses


def access_history_for(user: Any, *, public_id: UUID | str) -> tuple[Patient, QuerySet[AuditEvent]]:
    """Who opened the patient's record: for privacy officers, and for the patient."""
    patient = Patient.objects.filter(public_id=public_id).first()
    if patient is None:
        raise Http404
    is_officer = (
        getattr(user, "is_staff", False)
        and is_mfa_verified(user)
        and user.has_perm("core.review_access")
    )
    access = resolve_access(user, patient)
    is_self = access is not None and access.basis == Basis.SELF
    if not (is_officer or is_self):
        audit.record(
            action="patient.access_history_viewed",
            outcome=audit.Outcome.DENIED,
            actor=user,
            patient=patient,
        )
        if getattr(user, "is_staff", False):
            raise PermissionDenied
        raise Http404
    audit.record(
        action="patient.access_history_viewed",
        actor=user,
        patient=patient,
        purpose=Basis.PRIVACY_REVIEW if is_officer else Basis.SELF,
        read=True,
    )
    return patient, access_history_of(patient)


def access_history_of(patient: Patient) -> QuerySet[AuditEvent]:
    """The record's audit trail, newest first. Only for a caller that has already checked
    and audited the reader's right to it (`access_history_for`, the portal's own page)."""
    return AuditEvent.objects.filter(patient_public_id=str(patient.public_id)).order_by("-id")


def access_history_rows(events: list[AuditEvent]) -> list[dict[str, Any]]:
    """One page of access history with each actor and basis named (one query for actors)."""
    from medcenter.accounts.models import User

    ids = {e.actor_public_id for e in events if e.actor_public_id}
    actors = {str(u.public_id): u for u in User.objects.filter(public_id__in=ids)}
    return [
        {
            "event": e,
            "actor": actors.get(e.actor_public_id),
            "basis": Basis.LABELS.get(e.purpose, e.purpose),
        }
        for e in events
    ]


def break_glass_queue(user: Any) -> QuerySet[BreakGlassGrant]:
    """Break-the-glass grants waiting for a privacy officer's review."""
    if not (is_mfa_verified(user) and user.has_perm("patients.review_break_glass")):
        raise PermissionDenied
    return BreakGlassGrant.objects.filter(review=BreakGlassReview.PENDING).select_related(
        "user", "patient"
    )


def proxies_of(access: PatientAccess) -> QuerySet[ProxyGrant]:
    return ProxyGrant.objects.filter(patient=access.patient).select_related("proxy")


QUEUE_LIMIT = 50


@dataclass(frozen=True)
class PossibleDuplicate:
    patient: Patient
    reasons: list[str]  # "name_and_birth_date", "email", "phone"


@dataclass(frozen=True)
class Reconciliation:
    registration: ProvisionalRegistration
    duplicates: list[PossibleDuplicate]


def _match_reasons(new: Patient, existing: Patient) -> list[str]:
    reasons = []
    if (
        new.date_of_birth == existing.date_of_birth
        and new.given_name.casefold() == existing.given_name.casefold()
        and new.family_name.casefold() == existing.family_name.casefold()
    ):
        reasons.append("name_and_birth_date")
    if new.email and new.email.casefold() == existing.email.casefold():
        reasons.append("email")
    if new.phone and str(new.phone) == str(existing.phone or ""):
        reasons.append("phone")
    return reasons


def reconciliation_queue(user: Any) -> list[Reconciliation]:
    """Provisional patients waiting for staff, each with the existing records that may be the
    same person (same name and birth date, email or phone). Staff only; every patient shown
    is an audited read, and if one cannot be recorded nothing is shown."""
    if not (
        getattr(user, "is_staff", False)
        and is_mfa_verified(user)
        and user.has_perm("patients.reconcile_patient")
    ):
        raise PermissionDenied
    waiting = list(
        ProvisionalRegistration.objects.filter(status=RegistrationStatus.WAITING)
        .select_related("patient")
        .order_by("created_at")[:QUEUE_LIMIT]
    )
    match = Q(pk__in=[])
    for item in waiting:
        new = item.patient
        match |= Q(
            given_name__iexact=new.given_name,
            family_name__iexact=new.family_name,
            date_of_birth=new.date_of_birth,
        )
        if new.email:
            match |= Q(email__iexact=new.email)
        if new.phone:
            match |= Q(phone=new.phone)
    candidates = list(Patient.objects.filter(match, provisional=False)[: QUEUE_LIMIT * 5])
    queue = []
    with transaction.atomic():
        for item in waiting:
            found = []
            for existing in candidates:
                reasons = _match_reasons(item.patient, existing)
                if reasons:
                    found.append(PossibleDuplicate(patient=existing, reasons=reasons))
            for shown in [item.patient, *(d.patient for d in found)]:
                audit.record(
                    action="patient.reconciliation_listed",
                    actor=user,
                    patient=shown,
                    target=item,
                    purpose="reconciliation",
                    read=True,
                )
            queue.append(Reconciliation(registration=item, duplicates=found))
    return queue


def get_registration_to_reconcile(user: Any, *, public_id: Any) -> ProvisionalRegistration:
    """A provisional registration still waiting, for a reconciler (audited read)."""
    if not (
        getattr(user, "is_staff", False)
        and is_mfa_verified(user)
        and user.has_perm("patients.reconcile_patient")
    ):
        raise PermissionDenied
    try:
        registration = (
            ProvisionalRegistration.objects.select_related("patient")
            .filter(public_id=public_id, status=RegistrationStatus.WAITING)
            .first()
        )
    except (ValueError, TypeError):
        registration = None
    if registration is None:
        raise Http404
    audit.record(
        action="patient.reconciliation_opened",
        actor=user,
        patient=registration.patient,
        target=registration,
        purpose="reconciliation",
        read=True,
    )
    return registration


def get_merge_target(
    user: Any, *, registration: ProvisionalRegistration, public_id: Any
) -> Patient:
    """The existing record to merge into: only one the queue offered as a possible duplicate."""
    try:
        target = Patient.objects.filter(public_id=public_id, provisional=False).first()
    except (ValueError, TypeError):
        target = None
    if target is None or not _match_reasons(registration.patient, target):
        raise Http404
    audit.record(
        action="patient.reconciliation_opened",
        actor=user,
        patient=target,
        target=registration,
        purpose="reconciliation",
        read=True,
    )
    return target

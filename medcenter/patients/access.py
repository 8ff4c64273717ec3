"""Who may see a patient's data, and on what basis. The one place that decides.

Staff need a reason the system knows (an active care relationship) or an active
break-the-glass grant, plus the role's permission and a verified second factor. Patients see
their own record. Proxies see what their grant's scopes allow, adjusted by the patient's age:
under 12 a parent or guardian has full access; from 12 to 17 access is limited to the granted
scopes and adolescent-confidential items stay hidden; from 18 a grant needs the adult's own
consent, given after their 18th birthday.
"""

from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date
from typing import Any

from django.db.models import Model, QuerySet
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from medcenter.patients.models import (
    BreakGlassGrant,
    CareRelationship,
    Patient,
    ProxyGrant,
    ProxyRelationship,
    ProxyScope,
)

ALL_SCOPES = frozenset(ProxyScope.values)
CHILD_AGE = 12
ADULT_AGE = 18


class Basis:
    SELF = "self"
    PROXY = "proxy"
    BREAK_GLASS = "break_glass"
    PRIVACY_REVIEW = "privacy_review"
    # A trial coordinator reviewing a candidate the matcher found for their trial (HIPAA's
    # "preparatory to research" review): granted by that one page only, with no portal scopes.
    RESEARCH_PRESCREEN = "research_prescreen"
    # care relationships use their kind: care_team, program, referral, case

    LABELS = {
        "self": _("Your own record"),
        "proxy": _("Proxy access"),
        "break_glass": _("Break-the-glass access"),
        "privacy_review": _("Privacy review"),
        "research_prescreen": _("Trial pre-screening"),
        "care_team": _("Care team member"),
        "program": _("Program assignment"),
        "referral": _("Assigned referral"),
        "case": _("Assigned case"),
    }


@dataclass(frozen=True)
class PatientAccess:
    patient: Patient
    basis: str
    scopes: frozenset[str]
    sees_confidential: bool
    grant: Model | None = None

    @property
    def reason(self) -> str:
        return self.grant.reason if isinstance(self.grant, BreakGlassGrant) else ""

    @property
    def is_staff_access(self) -> bool:
        return self.basis not in (Basis.SELF, Basis.PROXY)


def is_mfa_verified(user: Any) -> bool:
    check = getattr(user, "is_verified", None)
    return bool(callable(check) and check())


def resolve_access(user: Any, patient: Patient) -> PatientAccess | None:
    """Return the basis on which `user` may see `patient`'s data, or None."""
    if not getattr(user, "is_authenticated", False) or not getattr(user, "is_active", False):
        return None
    if patient.user_id is not None and patient.user_id == user.pk:
        return PatientAccess(patient, Basis.SELF, ALL_SCOPES, sees_confidential=True)
    if getattr(user, "is_staff", False):
        return _staff_access(user, patient)
    return _proxy_access(user, patient)


def _staff_access(user: Any, patient: Patient) -> PatientAccess | None:
    if not is_mfa_verified(user) or not user.has_perm("patients.view_patient"):
        return None
    relationship = (
        CareRelationship.objects.active().filter(staff=user, patient=patient).order_by("id").first()
    )
    if relationship is not None:
        return PatientAccess(patient, relationship.kind, ALL_SCOPES, True, relationship)
    for provider in _staff_bases.values():
        granted = provider(user, patient)
        if granted is not None:
            return granted
    grant = (
        BreakGlassGrant.objects.filter(user=user, patient=patient, expires_at__gt=timezone.now())
        .order_by("-expires_at")
        .first()
    )
    if grant is not None:
        return PatientAccess(patient, Basis.BREAK_GLASS, ALL_SCOPES, True, grant)
    return None


# --- Bases other apps grant -------------------------------------------------------------------
#
# Another app may open a record to staff on a basis it knows (tumorboards: the members of a
# board a case is presented to, until 30 days after the meeting). It registers the basis from
# its AppConfig.ready() with `register_staff_basis`, so patients never imports it; the basis
# is asked after care relationships and before break-the-glass, and `get_patient_for` audits
# it under its key like any other.

StaffBasisProvider = Callable[[Any, Patient], PatientAccess | None]
_staff_bases: dict[str, StaffBasisProvider] = {}


def register_staff_basis(key: str, *, label: str | Promise, provider: StaffBasisProvider) -> None:
    """Let `provider(user, patient)` grant staff a basis named `key` (a PatientAccess or None)."""
    _staff_bases[key] = provider
    Basis.LABELS[key] = label  # type: ignore[assignment]


def _proxy_access(user: Any, patient: Patient) -> PatientAccess | None:
    grants = ProxyGrant.objects.current().filter(proxy=user, patient=patient)
    return _widest(grants, today=timezone.localdate())


def _widest(grants: Iterable[ProxyGrant], *, today: date) -> PatientAccess | None:
    """Of one patient's current grants to one proxy, the one that allows the most."""
    best: PatientAccess | None = None
    for grant in grants:
        access = proxy_access_for(grant, today=today)
        if access is not None and (best is None or len(access.scopes) > len(best.scopes)):
            best = access
    return best


def resolve_accesses(user: Any, patients: Sequence[Patient]) -> list[PatientAccess]:
    """`resolve_access` for each of several patients, in order, leaving out those refused;
    a proxy's grants are read in one query rather than one per patient."""
    if getattr(user, "is_staff", False) or not getattr(user, "is_authenticated", False):
        return [a for p in patients if (a := resolve_access(user, p)) is not None]
    if not getattr(user, "is_active", False):
        return []
    grants: dict[int, list[ProxyGrant]] = defaultdict(list)
    by_pk = {p.pk: p for p in patients}
    for grant in ProxyGrant.objects.current().filter(proxy=user, patient__in=list(by_pk)):
        grant.patient = by_pk[grant.patient_id]
        grants[grant.patient_id].append(grant)
    today = timezone.localdate()
    found = []
    for patient in patients:
        if patient.user_id is not None and patient.user_id == user.pk:
            found.append(PatientAccess(patient, Basis.SELF, ALL_SCOPES, sees_confidential=True))
        elif (access := _widest(grants.get(patient.pk, []), today=today)) is not None:
            found.append(access)
    return found


def proxy_access_for(grant: ProxyGrant, *, today: date) -> PatientAccess | None:
    """Apply the age rules to one current grant."""
    patient = grant.patient
    age = patient.age_on(today)
    granted = frozenset(grant.scopes) & ALL_SCOPES
    parental = grant.relationship in (ProxyRelationship.PARENT, ProxyRelationship.GUARDIAN)
    if age < CHILD_AGE:
        if parental:
            return PatientAccess(patient, Basis.PROXY, ALL_SCOPES, True, grant)
        return PatientAccess(patient, Basis.PROXY, granted, False, grant) if granted else None
    if age < ADULT_AGE:
        return PatientAccess(patient, Basis.PROXY, granted, False, grant) if granted else None
    consent = grant.consent_recorded_at
    came_of_age = patient.birthday(ADULT_AGE)
    if consent is None or timezone.localdate(consent) < came_of_age:
        return None
    return PatientAccess(patient, Basis.PROXY, granted, True, grant) if granted else None


# --- Who a staff member may find by name -----------------------------------------------------
#
# A name search shows only patients the searcher already has a basis for; anyone else is found
# by exact MRN only (or, for those who register patients, by full name and date of birth
# together). Patients knows its own bases (care relationships, break-the-glass grants); other
# apps add theirs from their AppConfig.ready() with `register_search_basis`, so patients never
# imports them (trials registers "candidate on a trial you coordinate").

SearchProvider = Callable[[Any], QuerySet[Any] | None]


@dataclass(frozen=True)
class SearchBasis:
    key: str
    label: str | Promise
    provider: SearchProvider  # user -> a query of patient ids, or None when the role has none


_search_bases: dict[str, SearchBasis] = {}


def register_search_basis(key: str, *, label: str | Promise, provider: SearchProvider) -> None:
    """Let staff find by name the patients `provider(user)` returns (a query of patient ids)."""
    _search_bases[key] = SearchBasis(key, label, provider)


def search_bases() -> list[SearchBasis]:
    return list(_search_bases.values())


def _care_relationship_ids(user: Any) -> QuerySet[Any]:
    return CareRelationship.objects.active().filter(staff=user).values("patient_id")


def _break_glass_ids(user: Any) -> QuerySet[Any] | None:
    if not user.has_perm("patients.break_glass"):
        return None
    grants = BreakGlassGrant.objects.filter(user=user, expires_at__gt=timezone.now())
    return grants.values("patient_id")


def register_own_search_bases() -> None:
    register_search_basis(
        "care_relationship", label=_("Care relationship"), provider=_care_relationship_ids
    )
    register_search_basis(
        Basis.BREAK_GLASS, label=Basis.LABELS["break_glass"], provider=_break_glass_ids
    )

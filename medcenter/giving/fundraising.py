"""Fundraising from patient data, as HIPAA allows it (45 CFR 164.514(f)).

A list may use only what 164.514(f)(1) names: demographics (name, address, contact, age,
gender, date of birth), dates of service, department of service, treating physician, outcome
and health insurance status. Never a diagnosis, a reason for a visit or a note: the query below
reads named columns only, and a test holds the list to ALLOWED_FIELDS. Every patient on a
list is an audited read. A patient who opted out is left out when a list is built and again
when each message is about to go (the outbox asks `may_contact` at send time).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date
from typing import Any

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils import timezone

from medcenter.core import audit, outbox
from medcenter.giving.models import Campaign, FundraisingOptOut
from medcenter.patients.models import Patient
from medcenter.scheduling.models import Appointment, AppointmentStatus

PERMISSION = "giving.build_fundraising_list"
FUNDRAISING_KIND = "giving.fundraising"

# 164.514(f)(1)(i)-(vi), as columns: the only patient data a fundraising list may hold.
ALLOWED_FIELDS = (
    "patient__public_id",
    "patient__given_name",
    "patient__family_name",
    "patient__email",
    "patient__address_line1",
    "patient__city",
    "patient__region",
    "patient__postal_code",
    "patient__date_of_birth",
    "patient__sex",
    "patient__preferred_language",
    "start",  # date of service
    "location__name",  # department of service
    "clinician__given_name",  # treating physician
    "clinician__family_name",
    "status",  # outcome (seen, did not attend)
    "referral__insurance_payer",  # insurance status (insured or not), never the plan's details
)


@dataclass(frozen=True)
class Prospect:
    patient_public_id: str
    name: str
    email: str
    language: str
    last_service: date
    department: str
    physician: str
    insured: bool


def opted_out_ids() -> set[int]:
    return set(
        FundraisingOptOut.objects.filter(opted_out=True).values_list("patient_id", flat=True)
    )


def may_contact(patient_public_id: str) -> bool:
    return not FundraisingOptOut.objects.filter(
        patient__public_id=patient_public_id, opted_out=True
    ).exists()


@transaction.atomic
def build_list(*, user: Any, since: date, until: date, department: str = "") -> list[Prospect]:
    """Patients seen between `since` and `until` (optionally in one department) who may be
    asked; each one on the list is an audited read."""
    if not user.has_perm(PERMISSION):
        raise PermissionDenied
    rows = (
        Appointment.objects.filter(
            status=AppointmentStatus.FULFILLED,
            start__date__gte=since,
            start__date__lte=until,
            patient__isnull=False,
            patient__provisional=False,
        )
        .exclude(patient_id__in=opted_out_ids())
        .order_by("patient_id", "-start")
    )
    if department:
        rows = rows.filter(location__name=department)
    seen: dict[str, Prospect] = {}
    for row in rows.values(*ALLOWED_FIELDS):
        key = str(row["patient__public_id"])
        if key in seen:
            continue
        seen[key] = Prospect(
            patient_public_id=key,
            name=f"{row['patient__given_name']} {row['patient__family_name']}",
            email=row["patient__email"] or "",
            language=row["patient__preferred_language"] or "en",
            last_service=timezone.localtime(row["start"]).date(),
            department=row["location__name"] or "",
            physician=" ".join(
                p for p in (row["clinician__given_name"], row["clinician__family_name"]) if p
            ),
            insured=bool(row["referral__insurance_payer"]),
        )
    patients = {str(p.public_id): p for p in Patient.objects.filter(public_id__in=list(seen))}
    for key in seen:
        audit.record(
            action="fundraising.list_read",
            actor=user,
            patient=patients[key],
            purpose="fundraising",
            read=True,
        )
    return list(seen.values())


@transaction.atomic
def queue_appeal(*, user: Any, prospects: list[Prospect], campaign: Campaign) -> int:
    """Queue the campaign's appeal to each prospect with an email; returns how many."""
    if not user.has_perm(PERMISSION):
        raise PermissionDenied
    batch: list[outbox.Notification] = []
    excluded = set(
        FundraisingOptOut.objects.filter(opted_out=True).values_list(
            "patient__public_id", flat=True
        )
    )
    patients = {
        str(p.public_id): p
        for p in Patient.objects.filter(public_id__in=[p.patient_public_id for p in prospects])
    }
    for prospect in prospects:
        patient = patients.get(prospect.patient_public_id)
        if patient is None or patient.public_id in excluded or not prospect.email:
            continue
        outbox.enqueue(
            kind=FUNDRAISING_KIND,
            to=prospect.email,
            dedupe_key=f"{FUNDRAISING_KIND}:{campaign.slug}:{patient.public_id}",
            language=prospect.language,
            context={"campaign": campaign.slug},
            patient=patient,
            reference=f"campaign:{campaign.slug}",
            batch=batch,
        )
        audit.record(
            action="fundraising.appeal_queued", actor=user, patient=patient, purpose="fundraising"
        )
    outbox.trigger_after_commit(batch)
    return len(batch)


@transaction.atomic
def set_opt_out(*, patient: Patient, opted_out: bool, via: str, actor: Any = None) -> None:
    """Record the patient's choice (reversible) and audit it."""
    FundraisingOptOut.objects.update_or_create(
        patient=patient,
        defaults={"opted_out": opted_out, "changed_at": timezone.now(), "via": via},
    )
    audit.record(
        action="fundraising.opted_out" if opted_out else "fundraising.opted_in",
        actor=actor,
        patient=patient,
        purpose="fundraising",
        reason=via,
    )

"""Writes of the Patient Gateway: e-check-in and the trial-matching choice."""

from collections.abc import Sequence
from typing import Any

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from medcenter.accounts.models import User
from medcenter.core import audit, pending_uploads, vault
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import CheckedUpload
from medcenter.patients import services as patient_services
from medcenter.patients.access import Basis, PatientAccess
from medcenter.portal import selectors
from medcenter.portal.models import CheckIn, TrialMatchingConsent
from medcenter.scheduling.models import Appointment


@transaction.atomic
def check_in(
    *,
    access: PatientAccess,
    appointment: Appointment,
    details: dict[str, Any],
    insurance: dict[str, str],
    card_front: CheckedUpload | None,
    card_back: CheckedUpload | None,
    kept: Sequence[PendingUpload] = (),
    submitted_by: User,
    reauthenticated: bool,
) -> CheckIn:
    """Check in online for `appointment`: update the patient's details, keep the insurance
    and card photos for the visit; refuse outside the check-in window or twice."""
    appointment = Appointment.objects.select_for_update().get(pk=appointment.pk)
    if appointment.patient_id != access.patient.pk:
        raise PermissionDenied
    if CheckIn.objects.filter(appointment=appointment).exists():
        raise ValidationError(_("You have already checked in for this visit."))
    state = selectors.checkin_state(appointment)
    if state == "not_yet":
        raise ValidationError(
            _("Online check-in opens %(days)d days before your visit.")
            % {"days": selectors.checkin_days()}
        )
    if state != "open":
        raise ValidationError(_("Online check-in is closed for this visit."))
    patient_services.update_own_details(
        access=access, changes=details, changed_by=submitted_by, reauthenticated=reauthenticated
    )
    checkin = CheckIn(
        appointment=appointment,
        patient=access.patient,
        submitted_at=timezone.now(),
        submitted_by=submitted_by,
        insurance_payer=insurance.get("insurance_payer", ""),
        insurance_member_id=insurance.get("insurance_member_id", ""),
    )
    with vault.deleted_on_failure() as stored:
        for side, upload in (("front", card_front), ("back", card_back)):
            if upload is not None:
                setattr(checkin, f"card_{side}_key", stored.store(upload.content))
                setattr(checkin, f"card_{side}_type", upload.content_type)
        checkin.full_clean()
        checkin.save()
    pending_uploads.release_uploads(uploads=list(kept))
    audit.record(
        action="appointment.checked_in_online",
        actor=submitted_by,
        patient=access.patient,
        target=appointment,
        purpose=access.basis,
    )
    return checkin


@transaction.atomic
def set_trial_matching(*, access: PatientAccess, opted_in: bool, changed_by: User) -> None:
    """Record the patient's own choice to see trials that may fit them (never a proxy's)."""
    if access.basis != Basis.SELF:
        raise PermissionDenied
    TrialMatchingConsent.objects.update_or_create(
        patient=access.patient,
        defaults={"opted_in": opted_in, "changed_at": timezone.now(), "changed_by": changed_by},
    )
    audit.record(
        action="portal.trial_matching_opted_in" if opted_in else "portal.trial_matching_opted_out",
        actor=changed_by,
        patient=access.patient,
        purpose=access.basis,
    )

"""What the Patient Gateway keeps of its own: e-check-ins and the trial-matching opt-in.

Everything else the portal shows belongs to the app that owns it (appointments to scheduling,
diagnoses to oncology, messages to messaging); the portal only composes it.
"""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.patients.models import Patient


class CheckIn(PublicModel):
    """A patient's (or a proxy's) e-check-in for one upcoming visit.

    The demographics and contact changes it carries are written to the patient's record by
    `patients.services.update_own_details`; this row keeps what only the visit needs: the
    insurance shown for it (card photos encrypted in the vault) and who checked in, when.
    """

    appointment = models.OneToOneField(
        "scheduling.Appointment", on_delete=models.CASCADE, related_name="portal_checkin"
    )
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="checkins")
    submitted_at = models.DateTimeField()
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    insurance_payer = models.CharField(_("insurance company or plan"), max_length=200, blank=True)
    insurance_member_id = models.CharField(_("member ID"), max_length=60, blank=True)
    card_front_key = models.CharField(max_length=80, blank=True)
    card_front_type = models.CharField(max_length=60, blank=True)
    card_back_key = models.CharField(max_length=80, blank=True)
    card_back_type = models.CharField(max_length=60, blank=True)

    class Meta:
        ordering = ["-submitted_at"]
        verbose_name = _("e-check-in")
        verbose_name_plural = _("e-check-ins")

    def __str__(self) -> str:
        return f"check-in {self.public_id}"


class TrialMatchingConsent(PublicModel):
    """The patient's own choice to see "trials that may fit me" (never a proxy's)."""

    patient = models.OneToOneField(
        Patient, on_delete=models.CASCADE, related_name="trial_matching_consent"
    )
    opted_in = models.BooleanField(default=False)
    changed_at = models.DateTimeField()
    changed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        verbose_name = _("trial matching consent")
        verbose_name_plural = _("trial matching consents")

    def __str__(self) -> str:
        return f"trial matching {self.public_id}"

"""Scheduling: availability as rules, bookings as rows, referrals and the waitlist.

Slots are never stored: they are computed from `AvailabilityRule` minus `AvailabilityException`
and the live `Appointment` rows (engine.py). The database itself forbids two live appointments
of one clinician or resource from overlapping (a PostgreSQL exclusion constraint, a SQLite
trigger; migration 0002), so no code path, admin included, can double-book by accident.
Shaped after FHIR Schedule / Slot / Appointment / ServiceRequest.
"""

from __future__ import annotations

from datetime import datetime, timedelta

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.directory.models import Clinician, Condition, Location, Program
from medcenter.patients.models import Patient


class BookingMode(models.TextChoices):
    """How patients may book a visit type online (after the leading patient portals)."""

    VIEW = "view", _("Call to book")
    REQUEST = "request", _("Request a time; staff confirm")
    DIRECT = "direct", _("Book online")


class ResourceKind(models.TextChoices):
    INFUSION_CHAIR = "infusion_chair", _("Infusion chair")
    IMAGING = "imaging", _("Imaging room")
    ROOM = "room", _("Clinic room")
    INTERPRETER = "interpreter", _("Interpreter")


class VisitType(PublicModel):
    """A kind of visit: how long it takes, who may book it online, how late it may change."""

    code = models.SlugField(unique=True)
    name = models.CharField(_("name"), max_length=120)
    translations = models.JSONField(default=dict, blank=True)  # {"es": {"name": "..."}}
    duration_minutes = models.PositiveSmallIntegerField(_("length (minutes)"))
    buffer_minutes = models.PositiveSmallIntegerField(_("turnover after (minutes)"), default=0)
    booking_mode = models.CharField(
        _("online booking"), max_length=10, choices=BookingMode.choices, default=BookingMode.VIEW
    )
    new_patients = models.BooleanField(_("for new patients"), default=False)
    telehealth = models.BooleanField(_("by video"), default=False)
    # What to do before the visit, shown in the Patient Gateway; other languages in
    # `translations` ({"es": {"instructions": "..."}}).
    instructions = models.TextField(_("pre-visit instructions"), blank=True)
    resource_kind = models.CharField(
        _("booked on a resource"),
        max_length=20,
        choices=ResourceKind.choices,
        blank=True,
        help_text=_("Infusion and imaging visits are booked on a chair or room, not a clinician."),
    )
    min_notice_hours = models.PositiveSmallIntegerField(_("minimum notice (hours)"), default=24)
    max_advance_days = models.PositiveSmallIntegerField(_("bookable ahead (days)"), default=180)
    cancel_window_hours = models.PositiveSmallIntegerField(
        _("online changes until (hours before)"), default=24
    )
    order = models.PositiveSmallIntegerField(default=0)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]
        verbose_name = _("visit type")
        verbose_name_plural = _("visit types")
        constraints = [
            models.CheckConstraint(condition=Q(duration_minutes__gt=0), name="visit_has_length")
        ]

    def __str__(self) -> str:
        return self.name

    def label(self, language: str) -> str:
        value = self.translations.get(language, {}).get("name")
        return str(value) if value else self.name

    def instructions_in(self, language: str) -> str:
        value = self.translations.get(language, {}).get("instructions")
        return str(value) if value else self.instructions

    @property
    def duration(self) -> timedelta:
        return timedelta(minutes=self.duration_minutes)

    @property
    def buffer(self) -> timedelta:
        return timedelta(minutes=self.buffer_minutes)


class Resource(PublicModel):
    """A bookable place or thing that is not a person: an infusion chair, a scanner."""

    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=20, choices=ResourceKind.choices)
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="resources")
    is_active = models.BooleanField(default=True)
    # An interpreter's languages (site codes: "es", "ar", "zh-hans" ...); empty for a room.
    languages = models.JSONField(default=list, blank=True)

    class Meta:
        ordering = ["location", "kind", "name"]

    def __str__(self) -> str:
        return f"{self.name} ({self.location})"


def _one_owner() -> models.CheckConstraint:
    return models.CheckConstraint(
        condition=(Q(clinician__isnull=False) & Q(resource__isnull=True))
        | (Q(clinician__isnull=True) & Q(resource__isnull=False)),
        name="%(class)s_one_owner",
    )


class Weekday(models.IntegerChoices):
    MONDAY = 0, _("Monday")
    TUESDAY = 1, _("Tuesday")
    WEDNESDAY = 2, _("Wednesday")
    THURSDAY = 3, _("Thursday")
    FRIDAY = 4, _("Friday")
    SATURDAY = 5, _("Saturday")
    SUNDAY = 6, _("Sunday")


class AvailabilityRule(PublicModel):
    """A weekly window in which a clinician (or resource) sees given visit types at a place."""

    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="rules"
    )
    location = models.ForeignKey(Location, on_delete=models.CASCADE, related_name="+")
    weekday = models.PositiveSmallIntegerField(choices=Weekday.choices)
    start_time = models.TimeField()
    end_time = models.TimeField()
    valid_from = models.DateField()
    valid_until = models.DateField(null=True, blank=True)
    visit_types = models.ManyToManyField(VisitType, related_name="rules")

    class Meta:
        ordering = ["weekday", "start_time"]
        indexes = [models.Index(fields=["clinician", "valid_from"])]
        constraints = [
            _one_owner(),
            models.CheckConstraint(
                condition=Q(end_time__gt=models.F("start_time")), name="rule_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_weekday_display()} {self.start_time:%H:%M}-{self.end_time:%H:%M}"


class ExceptionKind(models.TextChoices):
    HOLIDAY = "holiday", _("Holiday")
    LEAVE = "leave", _("Leave")
    BLOCK = "block", _("Blocked time")


class AvailabilityException(PublicModel):
    """Time taken out of the rules: a holiday for everyone, one clinician's leave, a block."""

    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, null=True, blank=True, related_name="exceptions"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.CASCADE, null=True, blank=True, related_name="exceptions"
    )
    location = models.ForeignKey(
        Location,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="+",
        help_text=_("Leave empty (with no clinician or resource) to close the whole center."),
    )
    kind = models.CharField(max_length=10, choices=ExceptionKind.choices)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    reason = models.CharField(max_length=200, blank=True)

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["starts_at", "ends_at"])]
        constraints = [
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")), name="exception_ends_after_start"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.starts_at:%Y-%m-%d %H:%M}"


class AppointmentStatus(models.TextChoices):
    """FHIR Appointment.status: `pending` is a hold the patient is still confirming."""

    PENDING = "pending", _("Held")
    BOOKED = "booked", _("Booked")
    ARRIVED = "arrived", _("Checked in")
    FULFILLED = "fulfilled", _("Seen")
    CANCELLED = "cancelled", _("Cancelled")
    NOSHOW = "noshow", _("Did not attend")


# Statuses that occupy time on a calendar. The database constraint lists the same values.
LIVE_STATUSES = ("pending", "booked", "arrived", "fulfilled")


class BookingChannel(models.TextChoices):
    PORTAL = "portal", _("Online")
    STAFF = "staff", _("By staff")
    API = "api", _("API")
    OFFER = "offer", _("Earlier-appointment offer")


class AppointmentQuerySet(models.QuerySet["Appointment"]):
    def live(self) -> AppointmentQuerySet:
        """Appointments that occupy time: booked ones, and holds that have not run out."""
        return self.filter(status__in=LIVE_STATUSES).exclude(
            status=AppointmentStatus.PENDING, hold_expires_at__lte=timezone.now()
        )

    def shown(self) -> AppointmentQuerySet:
        """Appointments a person should see: never a hold that was abandoned (it ran out or
        was replaced before it was booked), which is not a cancelled appointment."""
        return self.exclude(status=AppointmentStatus.CANCELLED, booked_at__isnull=True).exclude(
            status=AppointmentStatus.PENDING, hold_expires_at__lte=timezone.now()
        )

    def upcoming(self) -> AppointmentQuerySet:
        return self.filter(
            status__in=(AppointmentStatus.BOOKED, AppointmentStatus.ARRIVED),
            start__gte=timezone.now(),
        ).order_by("start")


class Appointment(PublicModel):
    """One visit on one clinician's (or resource's) calendar; a hold is a pending row."""

    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    clinician = models.ForeignKey(
        Clinician, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    resource = models.ForeignKey(
        Resource, on_delete=models.PROTECT, null=True, blank=True, related_name="appointments"
    )
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="appointments")
    visit_type = models.ForeignKey(VisitType, on_delete=models.PROTECT, related_name="+")
    start = models.DateTimeField()
    end = models.DateTimeField()
    # The visit plus the turnover buffer: the interval the overlap constraint protects.
    reserved_until = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=AppointmentStatus.choices, default=AppointmentStatus.PENDING
    )
    hold_expires_at = models.DateTimeField(null=True, blank=True)
    channel = models.CharField(max_length=10, choices=BookingChannel.choices)
    overbooked = models.BooleanField(default=False)
    overbook_reason = models.CharField(max_length=300, blank=True)
    reason_for_visit = models.CharField(_("reason for the visit"), max_length=300, blank=True)
    group = models.ForeignKey(
        "MultidisciplinaryVisit",
        on_delete=models.PROTECT,
        null=True,
        blank=True,
        related_name="appointments",
    )
    referral = models.ForeignKey(
        "Referral", on_delete=models.SET_NULL, null=True, blank=True, related_name="appointments"
    )
    rescheduled_from = models.OneToOneField(
        "self", on_delete=models.SET_NULL, null=True, blank=True, related_name="rescheduled_to"
    )
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, related_name="+"
    )
    booked_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    cancelled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    cancel_reason = models.CharField(max_length=300, blank=True)

    objects = AppointmentQuerySet.as_manager()

    class Meta:
        ordering = ["start"]
        indexes = [
            models.Index(fields=["clinician", "start"]),
            models.Index(fields=["resource", "start"]),
            models.Index(fields=["location", "start"]),
            models.Index(fields=["patient", "start"]),
        ]
        constraints = [
            _one_owner(),
            models.CheckConstraint(condition=Q(end__gt=models.F("start")), name="appt_has_length"),
            models.CheckConstraint(
                condition=Q(reserved_until__gte=models.F("end")), name="appt_reserve_covers_visit"
            ),
            models.CheckConstraint(
                condition=Q(overbooked=False) | ~Q(overbook_reason=""),
                name="appt_overbook_needs_reason",
            ),
            models.CheckConstraint(
                condition=~Q(status="pending") | Q(hold_expires_at__isnull=False),
                name="appt_hold_expires",
            ),
        ]
        permissions = [
            ("overbook_appointment", "Can book over an existing appointment, with a reason"),
            ("view_schedule", "Can see clinicians' day and week schedules"),
        ]

    def __str__(self) -> str:
        return f"{self.visit_type} {self.start:%Y-%m-%d %H:%M}"

    @property
    def owner_label(self) -> str:
        return str(self.clinician or self.resource)

    def changeable_online_until(self) -> datetime:
        return self.start - timedelta(hours=self.visit_type.cancel_window_hours)

    @property
    def is_upcoming(self) -> bool:
        return self.status == AppointmentStatus.BOOKED and self.start > timezone.now()


class MultidisciplinaryVisit(PublicModel):
    """Several specialists seen on one day, in sequence, at one place: booked all or none."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    location = models.ForeignKey(Location, on_delete=models.PROTECT, related_name="+")
    day = models.DateField()
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["day"]


class ReferralSource(models.TextChoices):
    PATIENT = "patient", _("Patient")
    FAMILY = "family", _("Family member or friend")
    PHYSICIAN = "physician", _("Referring physician")
    PORTAL = "portal", _("Patient Gateway request")


class Payment(models.TextChoices):
    """How the visit will be paid for, as the person sending the referral told us."""

    INSURANCE = "insurance", _("Health insurance")
    SELF_PAY = "self_pay", _("Self-pay (no insurance)")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent (seen within a week)")


class ReferralStatus(models.TextChoices):
    """The loop a referral goes through; `report_sent` closes it with the consult letter."""

    RECEIVED = "received", _("Received")
    TRIAGED = "triaged", _("Triaged")
    SCHEDULED = "scheduled", _("Scheduled")
    SEEN = "seen", _("Seen")
    REPORT_SENT = "report_sent", _("Report sent")
    DECLINED = "declined", _("Closed without a visit")


REFERRAL_FLOW: dict[str, tuple[str, ...]] = {
    "received": ("triaged", "scheduled", "declined"),
    "triaged": ("scheduled", "declined"),
    "scheduled": ("seen", "triaged", "declined"),
    "seen": ("report_sent",),
    "report_sent": (),
    "declined": (),
}


class Referral(PublicModel):
    """A request to be seen: from a patient, family or physician, routed to a program's queue."""

    source = models.CharField(max_length=10, choices=ReferralSource.choices)
    status = models.CharField(
        max_length=12, choices=ReferralStatus.choices, default=ReferralStatus.RECEIVED
    )
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    # The person to be seen, as submitted; `patient` is set once matched or registered.
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    given_name = models.CharField(_("patient's first name"), max_length=100)
    family_name = models.CharField(_("patient's last name"), max_length=100)
    date_of_birth = models.DateField(_("patient's date of birth"))
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(_("preferred language"), max_length=8, default="en")
    submitter_name = models.CharField(_("your name"), max_length=200, blank=True)
    submitter_relationship = models.CharField(_("relationship"), max_length=100, blank=True)
    # The referring physician, when a physician refers.
    referrer_name = models.CharField(_("physician's name"), max_length=200, blank=True)
    referrer_npi = models.CharField(_("NPI"), max_length=10, blank=True)
    referrer_practice = models.CharField(_("practice"), max_length=200, blank=True)
    referrer_email = models.EmailField(_("physician's email"), blank=True)
    referrer_phone = models.CharField(_("physician's phone"), max_length=40, blank=True)
    referrer_fax = models.CharField(_("physician's fax"), max_length=40, blank=True)
    condition = models.ForeignKey(
        Condition, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    diagnosis = models.CharField(_("diagnosis or reason"), max_length=300)
    icd10_code = models.CharField(_("ICD-10-CM code"), max_length=10, blank=True)
    notes_from_submitter = models.TextField(_("anything else we should know"), blank=True)
    requested_clinician = models.ForeignKey(
        Clinician, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    requested_visit_type = models.ForeignKey(
        VisitType, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    # The program the sender asked for; `program` is where the referral was routed.
    requested_program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    payment = models.CharField(
        _("how the visit is paid"), max_length=10, choices=Payment.choices, blank=True
    )
    insurance_payer = models.CharField(_("insurance company or plan"), max_length=200, blank=True)
    insurance_member_id = models.CharField(_("member ID"), max_length=60, blank=True)
    preferred_times = models.CharField(_("best days and times"), max_length=300, blank=True)
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="referrals"
    )
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    received_at = models.DateTimeField(default=timezone.now)
    contact_due_at = models.DateTimeField()
    first_contact_at = models.DateTimeField(null=True, blank=True)
    status_changed_at = models.DateTimeField(default=timezone.now)
    letter_sent_at = models.DateTimeField(null=True, blank=True)
    consult_summary = models.TextField(_("consult summary for the referring physician"), blank=True)

    class Meta:
        ordering = ["contact_due_at"]
        indexes = [
            models.Index(fields=["status", "contact_due_at"]),
            models.Index(fields=["program", "status"]),
            models.Index(fields=["client_ip", "received_at"]),
        ]
        permissions = [("triage_referral", "Can triage referrals and write consult letters")]

    def __str__(self) -> str:
        return f"{self.get_source_display()}: {self.given_name} {self.family_name}"

    @property
    def patient_name(self) -> str:
        return f"{self.given_name} {self.family_name}"

    @property
    def is_overdue(self) -> bool:
        return self.first_contact_at is None and timezone.now() > self.contact_due_at

    def next_statuses(self) -> tuple[str, ...]:
        return REFERRAL_FLOW.get(self.status, ())


class ReferralDocument(PublicModel):
    """A record or imaging report sent with a referral; the bytes live encrypted in the vault."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="documents")
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    vault_key = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return self.filename


class ReferralEvent(PublicModel):
    """A note or a status change on a referral: the history the triage nurse reads."""

    referral = models.ForeignKey(Referral, on_delete=models.CASCADE, related_name="events")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    status = models.CharField(max_length=12, choices=ReferralStatus.choices, blank=True)
    note = models.TextField(blank=True)
    contacted = models.BooleanField(default=False)

    class Meta:
        ordering = ["created_at"]


class WaitlistEntry(PublicModel):
    """A patient who would take an earlier appointment if one frees up."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="waitlist")
    appointment = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="waitlist_entry"
    )
    visit_type = models.ForeignKey(VisitType, on_delete=models.CASCADE, related_name="+")
    clinician = models.ForeignKey(
        Clinician, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    location = models.ForeignKey(
        Location, on_delete=models.CASCADE, null=True, blank=True, related_name="+"
    )
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["created_at"]
        verbose_name_plural = "waitlist entries"


class OfferStatus(models.TextChoices):
    OFFERED = "offered", _("Offered")
    ACCEPTED = "accepted", _("Accepted")
    DECLINED = "declined", _("Declined")
    EXPIRED = "expired", _("Expired")


class SlotOffer(PublicModel):
    """An earlier slot offered to one waitlisted patient, held for them until `expires_at`."""

    entry = models.ForeignKey(WaitlistEntry, on_delete=models.CASCADE, related_name="offers")
    hold = models.OneToOneField(Appointment, on_delete=models.CASCADE, related_name="offer")
    status = models.CharField(
        max_length=10, choices=OfferStatus.choices, default=OfferStatus.OFFERED
    )
    expires_at = models.DateTimeField()
    answered_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["-created_at"]

    @property
    def is_expired(self) -> bool:
        return self.status == OfferStatus.OFFERED and self.expires_at <= timezone.now()


class NotificationKind(models.TextChoices):
    """The messages scheduling sends through the outbox (core.outbox; worded in
    templates/scheduling/notices/)."""

    CONFIRMATION = "scheduling.confirmation", _("Appointment confirmed")
    REMINDER = "scheduling.reminder", _("Appointment reminder")
    CANCELLATION = "scheduling.cancellation", _("Appointment cancelled")
    OFFER = "scheduling.offer", _("Earlier appointment offered")
    REFERRAL_RECEIVED = "scheduling.referral_received", _("Referral received")
    CONSULT_LETTER = "scheduling.consult_letter", _("Consult letter")
    NEW_PATIENT_CODE = "scheduling.new_patient_code", _("New patient verification code")


class NewPatientBooking(PublicModel):
    """A person with no record booking a held slot online, until their code is entered.

    What they typed waits here (not on a patient) until the one-time code proves the email or
    mobile number; then a provisional patient is created and the hold is booked for them. Only
    the code's HMAC is stored; the plain code lives in the outbox row until it is sent.
    """

    hold = models.OneToOneField(
        Appointment, on_delete=models.CASCADE, related_name="new_patient_booking"
    )
    details = models.JSONField(default=dict)  # the form's cleaned data, as plain values
    channel = models.CharField(max_length=5)  # "email" or "sms": where the code goes
    send_to = models.CharField(max_length=254)
    language = models.CharField(max_length=8)
    client_digest = models.CharField(max_length=64, db_index=True)
    code_digest = models.CharField(max_length=64)
    code_expires_at = models.DateTimeField()
    codes_sent = models.PositiveSmallIntegerField(default=1)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    verified_at = models.DateTimeField(null=True, blank=True)

    def __str__(self) -> str:
        return f"new patient booking {self.public_id}"

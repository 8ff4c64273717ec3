from datetime import date, timedelta
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField
from phonenumber_field.modelfields import PhoneNumberField

from medcenter.core.models import PublicModel


class Sex(models.TextChoices):
    """Administrative sex, as registration and insurers record it (FHIR AdministrativeGender)."""

    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    OTHER = "other", _("Other")
    UNKNOWN = "unknown", _("Unknown")


class GenderIdentity(models.TextChoices):
    WOMAN = "woman", _("Woman")
    MAN = "man", _("Man")
    NON_BINARY = "non_binary", _("Non-binary")
    TRANSGENDER_WOMAN = "transgender_woman", _("Transgender woman")
    TRANSGENDER_MAN = "transgender_man", _("Transgender man")
    OTHER = "other", _("Another identity")
    UNDISCLOSED = "undisclosed", _("Prefer not to say")


class ContactPreference(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")
    LETTER = "letter", _("Letter")


# Languages patients ask interpreters for most often in US cancer centers, plus the site's own.
PATIENT_LANGUAGES = [
    ("en", _("English")),
    ("es", _("Spanish")),
    ("pt", _("Portuguese")),
    ("zh", _("Chinese")),
    ("ar", _("Arabic")),
    ("ru", _("Russian")),
    ("vi", _("Vietnamese")),
    ("ko", _("Korean")),
    ("tl", _("Tagalog")),
    ("ht", _("Haitian Creole")),
    ("fr", _("French")),
    ("pl", _("Polish")),
    ("it", _("Italian")),
    ("de", _("German")),
    ("ja", _("Japanese")),
    ("fa", _("Persian")),
    ("hi", _("Hindi")),
    ("ase", _("American Sign Language")),
    ("other", _("Another language")),
]


class Patient(PublicModel):
    """A person the center cares for. The MRN is the center's identifier for them."""

    mrn = models.CharField(_("MRN"), max_length=12, unique=True, editable=False)
    given_name = models.CharField(_("legal first name"), max_length=100)
    family_name = models.CharField(_("legal last name"), max_length=100)
    preferred_name = models.CharField(_("preferred name"), max_length=100, blank=True)
    date_of_birth = models.DateField(_("date of birth"))
    sex = models.CharField(_("sex"), max_length=10, choices=Sex.choices)
    gender_identity = models.CharField(
        _("gender identity"), max_length=20, choices=GenderIdentity.choices, blank=True
    )
    preferred_language = models.CharField(
        _("preferred language"), max_length=8, choices=PATIENT_LANGUAGES, default="en"
    )
    interpreter_needed = models.BooleanField(_("needs an interpreter"), default=False)
    email = models.EmailField(_("email address"), blank=True)
    phone = PhoneNumberField(_("phone number"), blank=True)
    contact_preference = models.CharField(
        _("how to contact"),
        max_length=10,
        choices=ContactPreference.choices,
        default=ContactPreference.LETTER,
    )
    sms_consent = models.BooleanField(_("agrees to text messages"), default=False)
    address_line1 = models.CharField(_("address"), max_length=200, blank=True)
    address_line2 = models.CharField(_("address, line 2"), max_length=200, blank=True)
    city = models.CharField(_("city"), max_length=100, blank=True)
    region = models.CharField(_("state, province or region"), max_length=100, blank=True)
    postal_code = models.CharField(_("postal code"), max_length=20, blank=True)
    country = CountryField(_("country"), default="US")
    emergency_contact_name = models.CharField(_("emergency contact"), max_length=200, blank=True)
    emergency_contact_relationship = models.CharField(
        _("relationship to the patient"), max_length=100, blank=True
    )
    emergency_contact_phone = PhoneNumberField(_("emergency contact's phone"), blank=True)
    user = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="patient",
        verbose_name=_("portal account"),
    )
    # Booked online by someone with no record yet: identity not checked by staff, and the
    # `mrn` is a placeholder (letters only, never a valid MRN) until staff confirm the record.
    provisional = models.BooleanField(_("provisional"), default=False)

    class Meta:
        verbose_name = _("patient")
        verbose_name_plural = _("patients")
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name", "date_of_birth"])]
        constraints = [
            models.CheckConstraint(
                condition=~Q(contact_preference="sms") | Q(sms_consent=True),
                name="patients_sms_needs_consent",
            ),
        ]
        permissions = [
            ("issue_activation_code", "Can issue portal activation codes"),
            ("manage_proxies", "Can grant and revoke proxy access"),
            ("break_glass", "Can break the glass to open any patient record"),
            ("review_break_glass", "Can review break-the-glass access"),
            ("reconcile_patient", "Can reconcile provisional patients with existing records"),
        ]

    def __str__(self) -> str:
        return f"{self.display_name} ({self.mrn})"

    @property
    def display_name(self) -> str:
        first = self.preferred_name or self.given_name
        return f"{first} {self.family_name}"

    def age_on(self, day: date) -> int:
        born = self.date_of_birth
        return day.year - born.year - ((day.month, day.day) < (born.month, born.day))

    def birthday(self, age: int) -> date:
        born = self.date_of_birth
        try:
            return born.replace(year=born.year + age)
        except ValueError:  # born on 29 February
            return born.replace(year=born.year + age, day=28) + timedelta(days=1)


class RelationshipKind(models.TextChoices):
    CARE_TEAM = "care_team", _("Care team member")
    PROGRAM = "program", _("Program assignment")
    REFERRAL = "referral", _("Assigned referral")
    CASE = "case", _("Assigned case")


class CareRelationshipQuerySet(models.QuerySet["CareRelationship"]):
    def active(self) -> "CareRelationshipQuerySet":
        now = timezone.now()
        return self.filter(Q(ends_at__isnull=True) | Q(ends_at__gt=now), starts_at__lte=now)


class CareRelationship(PublicModel):
    """Why a staff member may see a patient: the reason the system knows."""

    staff = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="care_relationships"
    )
    patient = models.ForeignKey(
        Patient, on_delete=models.CASCADE, related_name="care_relationships"
    )
    kind = models.CharField(max_length=12, choices=RelationshipKind.choices)
    starts_at = models.DateTimeField(default=timezone.now)
    ends_at = models.DateTimeField(null=True, blank=True)
    note = models.CharField(max_length=200, blank=True)

    objects: ClassVar[CareRelationshipQuerySet] = CareRelationshipQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        indexes = [models.Index(fields=["staff", "patient"])]

    def __str__(self) -> str:
        return f"{self.get_kind_display()}: {self.staff_id} → {self.patient_id}"


class BreakGlassReview(models.TextChoices):
    PENDING = "pending", _("Waiting for review")
    APPROPRIATE = "appropriate", _("Appropriate")
    INAPPROPRIATE = "inappropriate", _("Inappropriate")


class BreakGlassGrant(PublicModel):
    """Emergency access to a record without a known relationship: 60 minutes, reviewed."""

    DURATION = timedelta(minutes=60)

    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="break_glass_grants"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    reason = models.TextField()
    expires_at = models.DateTimeField()
    review = models.CharField(
        max_length=14, choices=BreakGlassReview.choices, default=BreakGlassReview.PENDING
    )
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)
    review_note = models.TextField(blank=True)

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"break-the-glass {self.public_id}"

    @property
    def is_active(self) -> bool:
        return self.expires_at > timezone.now()


class ProxyScope(models.TextChoices):
    APPOINTMENTS = "appointments", _("Appointments")
    MESSAGES = "messages", _("Messages")
    RESULTS = "results", _("Test results")
    BILLING = "billing", _("Billing")


class ProxyRelationship(models.TextChoices):
    PARENT = "parent", _("Parent")
    GUARDIAN = "guardian", _("Legal guardian")
    SPOUSE = "spouse", _("Spouse or partner")
    CAREGIVER = "caregiver", _("Caregiver")
    OTHER = "other", _("Other")


class ProxyGrantQuerySet(models.QuerySet["ProxyGrant"]):
    def current(self) -> "ProxyGrantQuerySet":
        return self.filter(revoked_at__isnull=True, expires_at__gt=timezone.now())


class ProxyGrant(PublicModel):
    """A caregiver's own account linked to a patient, with scopes, an end date and consent.

    The age rules (access.py) apply on every use, so a grant made for a child changes as the
    child grows up, and ends at 18 unless the adult consents.
    """

    proxy = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="proxy_grants"
    )
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="proxy_grants")
    relationship = models.CharField(max_length=10, choices=ProxyRelationship.choices)
    scopes = models.JSONField(default=list)
    expires_at = models.DateTimeField()
    consent_recorded_at = models.DateTimeField(null=True, blank=True)
    granted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    revoked_at = models.DateTimeField(null=True, blank=True)
    revoked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    objects: ClassVar[ProxyGrantQuerySet] = ProxyGrantQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"proxy {self.public_id}"


class ActivationCodeChannel(models.TextChoices):
    STAFF = "staff", _("Given by staff")
    EMAIL = "email", _("Sent to the email on file")


class ActivationCode(PublicModel):
    """A one-time code that lets a patient open their portal account. Only its digest is kept."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    channel = models.CharField(max_length=5, choices=ActivationCodeChannel.choices)
    code_digest = models.CharField(max_length=64)
    expires_at = models.DateTimeField()
    used_at = models.DateTimeField(null=True, blank=True)
    failed_attempts = models.PositiveSmallIntegerField(default=0)
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    def __str__(self) -> str:
        return f"activation code {self.public_id}"


class RegistrationStatus(models.TextChoices):
    WAITING = "waiting", _("Waiting for reconciliation")
    MERGED = "merged", _("Merged into an existing record")
    CONFIRMED = "confirmed", _("Confirmed as a new patient")


class PayerKind(models.TextChoices):
    INSURANCE = "insurance", _("Insurance")
    SELF_PAY = "self_pay", _("Self-pay")


class ProvisionalRegistration(PublicModel):
    """What a new patient told us when booking online, and how staff reconciled it.

    One per provisional `Patient`. Staff either merge it into an existing record (the
    provisional patient's appointments move there and it stays behind, flagged provisional, as
    the trace of the merge) or confirm it as a new patient (a real MRN is assigned).
    """

    patient = models.OneToOneField(
        Patient, on_delete=models.PROTECT, related_name="provisional_registration"
    )
    payment = models.CharField(_("payment"), max_length=10, choices=PayerKind.choices)
    payer = models.CharField(_("insurance company"), max_length=120, blank=True)
    member_id = models.CharField(_("member ID"), max_length=60, blank=True)
    verified_channel = models.CharField(max_length=5)  # "email" or "sms": what the code proved
    status = models.CharField(
        max_length=10, choices=RegistrationStatus.choices, default=RegistrationStatus.WAITING
    )
    merged_into = models.ForeignKey(
        Patient, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    reconciled_at = models.DateTimeField(null=True, blank=True)
    reconciled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["created_at"]

    def __str__(self) -> str:
        return f"provisional registration {self.public_id}"

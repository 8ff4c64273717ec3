"""The International Patient Center: a case from the first inquiry to the follow-up.

A case holds who asked and for whom, what they need, who coordinates it, its tasks and
timeline, its documents (records, pathology, imaging and DICOM studies, translations, letters),
a cost estimate in USD cents shown in the patient's currency at a rate staff entered, and the
financial clearance that lets the center plan the visit.
"""

from decimal import Decimal
from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import F, Q
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField

from medcenter.core.models import PublicModel


class InquirerRole(models.TextChoices):
    PATIENT = "patient", _("The patient")
    FAMILY = "family", _("A relative or friend of the patient")
    PHYSICIAN = "physician", _("The patient's physician")


class Service(models.TextChoices):
    REMOTE_OPINION = "remote_opinion", _("Remote second opinion")
    CONSULTATION = "consultation", _("Consultation in person")
    TREATMENT = "treatment", _("Treatment")


class Payer(models.TextChoices):
    SELF = "self", _("The patient or family")
    INSURER = "insurer", _("An insurance company")
    EMBASSY = "embassy", _("An embassy or government")
    EMPLOYER = "employer", _("An employer")


class CaseStatus(models.TextChoices):
    NEW = "new", _("New")
    RECORDS_REQUESTED = "records_requested", _("Records requested")
    UNDER_REVIEW = "under_review", _("Under review")
    OPINION_SENT = "opinion_sent", _("Opinion or estimate sent")
    CLEARED = "cleared", _("Financially cleared")
    VISA_LETTER = "visa_letter", _("Visa letter issued")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_CARE = "in_care", _("In care")
    FOLLOW_UP = "follow_up", _("Follow-up")
    CLOSED = "closed", _("Closed")
    DECLINED = "declined", _("Declined")


# Statuses that need the money question answered first (the database checks it too).
CLEARED_OR_LATER = (
    CaseStatus.CLEARED,
    CaseStatus.VISA_LETTER,
    CaseStatus.SCHEDULED,
    CaseStatus.IN_CARE,
    CaseStatus.FOLLOW_UP,
)


class Case(PublicModel):
    reference = models.CharField(max_length=20, unique=True)
    status = models.CharField(max_length=20, choices=CaseStatus.choices, default=CaseStatus.NEW)
    # Who asked.
    inquirer_role = models.CharField(_("you are"), max_length=10, choices=InquirerRole.choices)
    inquirer_name = models.CharField(_("your name"), max_length=200)
    email = models.EmailField(_("email address"))
    phone = models.CharField(_("phone number (with country code)"), max_length=40, blank=True)
    country = CountryField(_("country where the patient lives"))
    language = models.CharField(_("language for our replies"), max_length=10)
    # For whom, and what for.
    patient_name = models.CharField(_("patient's full name"), max_length=200)
    patient_birth_date = models.DateField(_("patient's date of birth"))
    condition_text = models.CharField(_("condition, in your own words"), max_length=300)
    condition = models.ForeignKey(
        "directory.Condition", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    program = models.ForeignKey(
        "directory.Program", null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    service = models.CharField(_("what you are asking for"), max_length=20, choices=Service.choices)
    travel_from = models.DateField(_("could travel from"), null=True, blank=True)
    travel_until = models.DateField(_("could stay until"), null=True, blank=True)
    payer = models.CharField(_("who will pay"), max_length=10, choices=Payer.choices)
    message = models.TextField(_("anything else we should know"), blank=True, max_length=4000)
    home_physician_name = models.CharField(max_length=200, blank=True)
    home_physician_email = models.EmailField(blank=True)
    # Who follows it.
    patient = models.ForeignKey(
        "patients.Patient",
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="international_cases",
    )
    account = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="international_inquiries",
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="international_cases",
    )
    # The program's specialist the coordinator asked to review the records.
    reviewer = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="international_reviews",
    )
    received_at = models.DateTimeField()
    first_reply_due_at = models.DateTimeField()
    first_replied_at = models.DateTimeField(null=True, blank=True)
    # The next thing due on the case (the first reply, then the earliest open task): the
    # queue sorts on it.
    due_at = models.DateTimeField()
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    declined_reason = models.CharField(max_length=300, blank=True)
    # Financial clearance: what the accepted estimate asks, what is covered, or why not.
    accepted_estimate_cents = models.BigIntegerField(default=0)
    covered_cents = models.BigIntegerField(default=0)
    clearance_override_reason = models.CharField(max_length=300, blank=True)
    clearance_override_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        null=True,
        blank=True,
        on_delete=models.SET_NULL,
        related_name="+",
    )

    class Meta:
        # The queue filters on one of four columns and sorts on the due or the received time:
        # one index per filter and sort, so the database reads the page in order from the index
        # instead of collecting every matching case and sorting it (selectors.queue).
        indexes = [
            models.Index(fields=["due_at", "id"]),
            models.Index(fields=["status", "due_at", "id"]),
            models.Index(fields=["coordinator", "due_at", "id"]),
            models.Index(fields=["country", "due_at", "id"]),
            models.Index(fields=["language", "due_at", "id"]),
            models.Index(fields=["received_at", "id"]),
            models.Index(fields=["status", "received_at", "id"]),
            models.Index(fields=["coordinator", "received_at", "id"]),
            models.Index(fields=["country", "received_at", "id"]),
            models.Index(fields=["language", "received_at", "id"]),
        ]
        permissions = [
            ("coordinate_case", "Can coordinate international cases"),
            ("review_case", "Can review international cases as a specialist"),
            ("record_payment", "Can record deposits and guarantees"),
            ("override_clearance", "Can clear a case without full cover"),
            ("manage_prices", "Can keep the price list and exchange rates"),
        ]
        constraints = [
            models.CheckConstraint(
                name="intl_case_cleared_needs_cover",
                condition=~Q(status__in=[s.value for s in CLEARED_OR_LATER])
                | Q(covered_cents__gte=F("accepted_estimate_cents"), accepted_estimate_cents__gt=0)
                | ~Q(clearance_override_reason=""),
            ),
            models.CheckConstraint(
                name="intl_case_amounts_not_negative",
                condition=Q(accepted_estimate_cents__gte=0, covered_cents__gte=0),
            ),
            models.CheckConstraint(
                name="intl_case_declined_has_reason",
                condition=~Q(status="declined") | ~Q(declined_reason=""),
            ),
        ]

    def __str__(self) -> str:
        return self.reference


class TaskKind(models.TextChoices):
    FIRST_REPLY = "first_reply", _("First reply")
    RECORDS = "records", _("Gather records")
    TRANSLATION = "translation", _("Translate a document")
    TRIAGE = "triage", _("Specialist review")
    ESTIMATE = "estimate", _("Prepare the estimate")
    CLEARANCE = "clearance", _("Financial clearance")
    VISA = "visa", _("Visa letter")
    SCHEDULING = "scheduling", _("Schedule the visit")
    FOLLOW_UP = "follow_up", _("Follow-up")
    OTHER = "other", _("Other")


class CaseTaskQuerySet(models.QuerySet["CaseTask"]):
    def open(self) -> "CaseTaskQuerySet":
        return self.filter(done_at__isnull=True)


class CaseTask(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="tasks")
    kind = models.CharField(max_length=12, choices=TaskKind.choices)
    title = models.CharField(max_length=200)
    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    due_at = models.DateTimeField()
    done_at = models.DateTimeField(null=True, blank=True)
    document = models.ForeignKey(
        "CaseDocument", null=True, blank=True, on_delete=models.SET_NULL, related_name="tasks"
    )

    objects: ClassVar[CaseTaskQuerySet] = CaseTaskQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        indexes = [models.Index(fields=["case", "done_at", "due_at"])]


EVENT_LABELS = {
    "received": _("Request received"),
    "status": _("Status changed"),
    "decision": _("Specialist's decision"),
    "opinion_sent": _("Second opinion sent"),
    "estimate_sent": _("Estimate sent"),
    "estimate_accepted": _("Estimate accepted"),
    "visa_letter": _("Visa letter issued"),
    "document_added": _("Document added"),
    "study_added": _("Imaging study added"),
    "translated": _("Translation added"),
    "coordinator": _("Coordinator assigned"),
    "reviewer": _("Specialist asked to review"),
    "first_reply": _("First reply sent"),
    "task_added": _("Task added"),
    "task_done": _("Task done"),
    "deposit": _("Deposit recorded"),
    "guarantee": _("Guarantee recorded"),
    "estimate": _("Estimate drafted"),
    "followed": _("Followed from an account"),
    "patient_linked": _("Linked to the patient's record"),
    "summary_sent": _("Visit summary sent"),
}


class CaseEvent(models.Model):
    """The timeline: what happened to the case, when and by whom."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="events")
    at = models.DateTimeField()
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    kind = models.CharField(max_length=30)
    status = models.CharField(max_length=20, blank=True)
    note = models.CharField(max_length=500, blank=True)

    class Meta:
        indexes = [models.Index(fields=["case", "at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.at:%Y-%m-%d}"

    def get_status_label(self) -> str:
        return str(CaseStatus(self.status).label) if self.status in CaseStatus.values else ""

    def kind_label(self) -> str:
        return str(EVENT_LABELS.get(self.kind, self.kind))


class DocumentKind(models.TextChoices):
    RECORD = "record", _("Medical record")
    PATHOLOGY = "pathology", _("Pathology report")
    IMAGING_REPORT = "imaging_report", _("Imaging report")
    DICOM = "dicom", _("Imaging study (DICOM)")
    TRANSLATION = "translation", _("Translation")
    LETTER = "letter", _("Letter")
    GUARANTEE = "guarantee", _("Letter of guarantee")


class CaseDocument(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=16, choices=DocumentKind.choices)
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=80)
    size = models.BigIntegerField()
    sha256 = models.CharField(max_length=64)
    vault_key = models.CharField(max_length=32)
    language = models.CharField(max_length=10, blank=True)
    # How many DICOM files a study holds (a single Part 10 file counts one).
    dicom_files = models.PositiveIntegerField(default=0)
    translation_of = models.ForeignKey(
        "self", null=True, blank=True, on_delete=models.SET_NULL, related_name="translations"
    )
    uploaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )


class PriceItem(models.Model):
    """One line of the staff-kept price list, in USD cents. Editing makes a new version: an
    estimate keeps pointing at the version it was written with."""

    code = models.CharField(max_length=30)
    version = models.PositiveIntegerField(default=1)
    description = models.CharField(max_length=200)
    amount_cents = models.BigIntegerField()
    is_current = models.BooleanField(default=True)
    created_at = models.DateTimeField(auto_now_add=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["code", "version"], name="intl_price_code_version"),
            models.UniqueConstraint(
                fields=["code"], condition=Q(is_current=True), name="intl_price_one_current"
            ),
            models.CheckConstraint(name="intl_price_positive", condition=Q(amount_cents__gt=0)),
        ]

    def __str__(self) -> str:
        return f"{self.code} v{self.version}"


class ExchangeRate(models.Model):
    """How many units of `currency` one US dollar buys, as staff entered it (never fetched)."""

    currency = models.CharField(max_length=3)
    per_usd = models.DecimalField(max_digits=18, decimal_places=6)
    on_date = models.DateField()
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    entered_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        constraints = [
            models.CheckConstraint(name="intl_rate_positive", condition=Q(per_usd__gt=0)),
        ]
        indexes = [models.Index(fields=["currency", "on_date", "entered_at"])]

    def __str__(self) -> str:
        return f"1 USD = {self.per_usd} {self.currency} ({self.on_date})"


class EstimateStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    SENT = "sent", _("Sent")
    ACCEPTED = "accepted", _("Accepted")
    SUPERSEDED = "superseded", _("Replaced by a newer estimate")


class Estimate(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="estimates")
    number = models.CharField(max_length=30, unique=True)
    status = models.CharField(
        max_length=12, choices=EstimateStatus.choices, default=EstimateStatus.DRAFT
    )
    total_cents = models.BigIntegerField(default=0)
    # The rate is frozen in the estimate: a newer rate never changes what was issued.
    currency = models.CharField(max_length=3, default="USD")
    per_usd = models.DecimalField(max_digits=18, decimal_places=6, default=Decimal(1))
    rate_date = models.DateField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    sent_at = models.DateTimeField(null=True, blank=True)
    accepted_at = models.DateTimeField(null=True, blank=True)
    accepted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(name="intl_estimate_total", condition=Q(total_cents__gte=0)),
            models.CheckConstraint(name="intl_estimate_rate", condition=Q(per_usd__gt=0)),
        ]


class EstimateLine(models.Model):
    estimate = models.ForeignKey(Estimate, on_delete=models.CASCADE, related_name="lines")
    price_item = models.ForeignKey(PriceItem, on_delete=models.PROTECT, related_name="+")
    description = models.CharField(max_length=200)
    unit_cents = models.BigIntegerField()
    quantity = models.PositiveIntegerField(default=1)
    total_cents = models.BigIntegerField()

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="intl_line_total",
                condition=Q(unit_cents__gt=0, quantity__gt=0, total_cents__gt=0),
            ),
        ]

    def __str__(self) -> str:
        return self.description


class Deposit(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="deposits")
    amount_cents = models.BigIntegerField()
    received_on = models.DateField()
    reference = models.CharField(max_length=80, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(name="intl_deposit_positive", condition=Q(amount_cents__gt=0))
        ]


class GuarantorKind(models.TextChoices):
    EMBASSY = "embassy", _("Embassy or government")
    INSURER = "insurer", _("Insurance company")
    EMPLOYER = "employer", _("Employer")


class GuaranteeLetter(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="guarantees")
    guarantor_kind = models.CharField(max_length=10, choices=GuarantorKind.choices)
    guarantor_name = models.CharField(max_length=200)
    limit_cents = models.BigIntegerField()
    valid_from = models.DateField()
    valid_until = models.DateField()
    scan = models.ForeignKey(
        CaseDocument, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    class Meta:
        constraints = [
            models.CheckConstraint(name="intl_guarantee_positive", condition=Q(limit_cents__gt=0)),
            models.CheckConstraint(
                name="intl_guarantee_dates", condition=Q(valid_until__gte=F("valid_from"))
            ),
        ]


class OpinionDecision(models.TextChoices):
    REMOTE = "remote", _("Accepted for a remote second opinion")
    VISIT = "visit", _("Accepted for a visit")
    DECLINED = "declined", _("Declined")


class Opinion(PublicModel):
    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="opinions")
    specialist = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )
    decision = models.CharField(max_length=10, choices=OpinionDecision.choices)
    reason = models.CharField(max_length=300, blank=True)
    summary = models.TextField(blank=True, max_length=8000)
    decided_at = models.DateTimeField()
    letter_sent_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        constraints = [
            models.CheckConstraint(
                name="intl_opinion_decline_reason",
                condition=~Q(decision="declined") | ~Q(reason=""),
            ),
        ]


class LetterKind(models.TextChoices):
    OPINION = "opinion", _("Second opinion letter")
    ESTIMATE = "estimate", _("Cost estimate")
    VISA = "visa", _("Visa support letter")
    ITINERARY = "itinerary", _("Itinerary")
    SUMMARY = "summary", _("Visit summary")


class Letter(PublicModel):
    """A letter issued on the case: its number, language and the facts it was written from."""

    case = models.ForeignKey(Case, on_delete=models.CASCADE, related_name="letters")
    kind = models.CharField(max_length=10, choices=LetterKind.choices)
    number = models.CharField(max_length=30, unique=True)
    language = models.CharField(max_length=10)
    facts = models.JSONField(default=dict)
    issued_at = models.DateTimeField()
    issued_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )


class Itinerary(PublicModel):
    """The visit, day by day: appointments on consecutive days from the arrival, an
    interpreter for each where the patient needs one, and the travel notes."""

    case = models.OneToOneField(Case, on_delete=models.CASCADE, related_name="itinerary")
    arrival = models.DateField()
    departure = models.DateField(null=True, blank=True)
    hotel = models.CharField(max_length=300, blank=True)
    companions = models.CharField(max_length=500, blank=True)
    notes = models.TextField(blank=True, max_length=2000)
    booked_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, null=True, on_delete=models.SET_NULL, related_name="+"
    )

    def __str__(self) -> str:
        return f"{self.case} from {self.arrival}"


class ItineraryItem(models.Model):
    itinerary = models.ForeignKey(Itinerary, on_delete=models.CASCADE, related_name="items")
    appointment = models.ForeignKey(
        "scheduling.Appointment", on_delete=models.PROTECT, related_name="+"
    )
    interpreter = models.ForeignKey(
        "scheduling.Resource", null=True, blank=True, on_delete=models.PROTECT, related_name="+"
    )
    # The patient needs an interpreter and none was free: the coordinator must find one.
    interpreter_gap = models.BooleanField(default=False)
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()

    class Meta:
        ordering = ["starts_at"]
        indexes = [models.Index(fields=["interpreter", "starts_at"])]

    def __str__(self) -> str:
        return f"{self.itinerary} {self.starts_at:%Y-%m-%d %H:%M}"

"""Results and documents the Patient Gateway shows: reports shaped like FHIR DiagnosticReport
(with their values shaped like Observation) and documents kept encrypted in the vault.

Each item carries `release_at`, the moment the patient may see it, worked out by
`release.release_time` from the only holds there are: the patient's own wish for a named
sensitive type, a state law the center names, and one clinician's time-boxed hold with a
reason. It is stored so a list asks one indexed question ("released by now?"), and worked out
again whenever one of its inputs changes (services.refresh_release).
"""

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.directory.models import Clinician
from medcenter.oncology.models import GenotypingReport, TumorMarker
from medcenter.patients.models import Patient

MAX_PREFERENCE_DAYS = 30
MAX_HOLD_DAYS = 14


class ResultCategory(models.TextChoices):
    LAB = "lab", _("Laboratory test")
    TUMOR_MARKER = "tumor_marker", _("Tumor marker")
    GENOTYPING = "genotyping", _("Tumor genotyping")
    PATHOLOGY = "pathology", _("Pathology")
    IMAGING = "imaging", _("Imaging")


class ReportStatus(models.TextChoices):
    PRELIMINARY = "preliminary", _("Preliminary")
    FINAL = "final", _("Final")
    AMENDED = "amended", _("Amended")


class SensitiveType(models.TextChoices):
    """Kinds of result a patient may ask to see only after their clinician has reviewed them
    (and that a state law may name)."""

    CANCER_FINDING = "cancer_finding", _("Biopsy, pathology and scan reports")
    GENETIC = "genetic", _("Genetic and genomic tests")
    TUMOR_MARKER = "tumor_marker", _("Tumor marker tests")
    HIV = "hiv", _("HIV and sexually transmitted infection tests")
    REPRODUCTIVE = "reproductive", _("Pregnancy and reproductive health tests")


class Interpretation(models.TextChoices):
    """FHIR v3 ObservationInterpretation codes, said in words on every page."""

    NORMAL = "N", _("Normal")
    LOW = "L", _("Below the reference range")
    HIGH = "H", _("Above the reference range")
    CRITICAL_LOW = "LL", _("Far below the reference range")
    CRITICAL_HIGH = "HH", _("Far above the reference range")
    ABNORMAL = "A", _("Outside the expected result")
    POSITIVE = "POS", _("Positive")
    NEGATIVE = "NEG", _("Negative")


class DocumentKind(models.TextChoices):
    VISIT_SUMMARY = "visit_summary", _("Visit summary")
    PATHOLOGY_REPORT = "pathology_report", _("Pathology report")
    IMAGING_REPORT = "imaging_report", _("Imaging report")
    LETTER = "letter", _("Letter")


class ReleasableQuerySet(models.QuerySet):  # type: ignore[type-arg]
    def released(self, now: object) -> "ReleasableQuerySet":
        return self.filter(release_at__isnull=False, release_at__lte=now)


class Releasable(PublicModel):
    """What reports and documents share: whose, how sensitive, and when the patient sees it."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="+")
    sensitive_type = models.CharField(
        _("sensitive type"), max_length=20, choices=SensitiveType.choices, blank=True
    )
    # Never shown to a proxy of a 12-17-year-old (patients.access: sees_confidential).
    adolescent_confidential = models.BooleanField(_("adolescent confidential"), default=False)
    issued_at = models.DateTimeField(_("issued"))
    reviewed_at = models.DateTimeField(null=True, blank=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # None: not for the portal (yet): a preliminary report.
    release_at = models.DateTimeField(null=True, blank=True, editable=False)
    notified_release_at = models.DateTimeField(null=True, blank=True, editable=False)

    objects = ReleasableQuerySet.as_manager()

    class Meta:
        abstract = True


class ResultReport(Releasable):
    """A report of one or more results (FHIR DiagnosticReport)."""

    category = models.CharField(_("category"), max_length=20, choices=ResultCategory.choices)
    code_system = models.CharField(max_length=100, default="http://loinc.org")
    code = models.CharField(_("code"), max_length=40, blank=True)
    display = models.CharField(_("test"), max_length=200)
    status = models.CharField(
        _("status"), max_length=12, choices=ReportStatus.choices, default=ReportStatus.FINAL
    )
    effective_at = models.DateTimeField(_("collected"))
    conclusion = models.TextField(_("conclusion"), blank=True)
    ordering_clinician = models.ForeignKey(
        Clinician, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    # The oncology record's own rows this report puts in front of the patient.
    genotyping_report = models.OneToOneField(
        GenotypingReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    tumor_marker = models.OneToOneField(
        TumorMarker, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-issued_at", "-id"]
        indexes = [models.Index(fields=["patient", "release_at"])]
        permissions = [("hold_resultreport", "Place and lift a hold on a result or document")]

    def __str__(self) -> str:
        return f"{self.display} {self.issued_at:%Y-%m-%d}"


class ResultValue(PublicModel):
    """One result in a report (FHIR Observation): a number with its unit, or words."""

    report = models.ForeignKey(ResultReport, on_delete=models.CASCADE, related_name="values")
    position = models.PositiveSmallIntegerField(default=0)
    code_system = models.CharField(max_length=100, default="http://loinc.org")
    code = models.CharField(max_length=40, blank=True)
    display = models.CharField(_("test"), max_length=200)
    value_decimal = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    value_text = models.CharField(_("result"), max_length=500, blank=True)
    unit = models.CharField(_("unit"), max_length=30, blank=True)
    reference_low = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    reference_high = models.DecimalField(max_digits=14, decimal_places=4, null=True, blank=True)
    reference_text = models.CharField(_("reference range"), max_length=120, blank=True)
    interpretation = models.CharField(
        _("flag"), max_length=4, choices=Interpretation.choices, blank=True
    )

    class Meta:
        ordering = ["report", "position", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(value_decimal__isnull=False) | ~Q(value_text=""),
                name="results_value_has_a_value",
            )
        ]

    def __str__(self) -> str:
        return f"{self.display}: {self.value_label}"

    @property
    def value_label(self) -> str:
        if self.value_decimal is None:
            return self.value_text
        return f"{self.value_decimal.normalize():f} {self.unit}".strip()

    @property
    def range_label(self) -> str:
        if self.reference_text:
            return self.reference_text
        low, high = self.reference_low, self.reference_high
        if low is not None and high is not None:
            return f"{low.normalize():f} to {high.normalize():f} {self.unit}".strip()
        if high is not None:
            return f"≤ {high.normalize():f} {self.unit}".strip()
        if low is not None:
            return f"≥ {low.normalize():f} {self.unit}".strip()
        return ""


class Document(Releasable):
    """A document for the patient: visit summary, pathology or imaging report, letter. The
    file is kept encrypted in the vault (core.vault), never in the database."""

    kind = models.CharField(_("kind"), max_length=20, choices=DocumentKind.choices)
    title = models.CharField(_("title"), max_length=200)
    document_date = models.DateField(_("date"))
    author = models.CharField(_("author"), max_length=200, blank=True)
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    vault_key = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["-document_date", "-id"]
        indexes = [models.Index(fields=["patient", "release_at"])]

    def __str__(self) -> str:
        return f"{self.title} {self.document_date}"


class ReleasePreference(PublicModel):
    """The patient's own wish: results of this type only after the clinician has reviewed
    them, and at most `max_days` after they are issued."""

    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="+")
    sensitive_type = models.CharField(max_length=20, choices=SensitiveType.choices)
    max_days = models.PositiveSmallIntegerField(_("at most (days)"))

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["patient", "sensitive_type"], name="results_one_preference_per_type"
            ),
            models.CheckConstraint(
                condition=Q(max_days__gte=1) & Q(max_days__lte=MAX_PREFERENCE_DAYS),
                name="results_preference_days_capped",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.sensitive_type} ≤ {self.max_days} d"


class ReleaseLaw(PublicModel):
    """A state law the center names that delays a type of result (none by default): held for
    `delay_days` after issue, or until the clinician reviews it where the law allows that."""

    name = models.CharField(max_length=200)
    sensitive_type = models.CharField(max_length=20, choices=SensitiveType.choices)
    delay_days = models.PositiveSmallIntegerField()
    citation = models.CharField(max_length=300)
    released_by_review = models.BooleanField(default=True)
    active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        constraints = [
            models.CheckConstraint(
                condition=Q(delay_days__gte=1) & Q(delay_days__lte=30),
                name="results_law_delay_bounded",
            )
        ]

    def __str__(self) -> str:
        return self.name


class ClinicianHold(PublicModel):
    """One clinician's time-boxed hold on one item, with the harm it is meant to prevent
    (45 CFR 171.201). At most one open hold per item."""

    report = models.ForeignKey(
        ResultReport, on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    document = models.ForeignKey(
        Document, on_delete=models.CASCADE, null=True, blank=True, related_name="holds"
    )
    placed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    reason = models.TextField()
    ends_at = models.DateTimeField()
    lifted_at = models.DateTimeField(null=True, blank=True)
    lifted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at", "-id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(report__isnull=False, document__isnull=True)
                | Q(report__isnull=True, document__isnull=False),
                name="results_hold_names_one_item",
            ),
            models.CheckConstraint(condition=~Q(reason=""), name="results_hold_has_a_reason"),
            models.UniqueConstraint(
                fields=["report"],
                condition=Q(lifted_at__isnull=True, report__isnull=False),
                name="results_one_open_hold_per_report",
            ),
            models.UniqueConstraint(
                fields=["document"],
                condition=Q(lifted_at__isnull=True, document__isnull=False),
                name="results_one_open_hold_per_document",
            ),
        ]

    def __str__(self) -> str:
        return f"hold until {self.ends_at:%Y-%m-%d %H:%M}"

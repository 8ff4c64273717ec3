from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.patients.models import Patient


class QuestionnaireKind(models.TextChoices):
    CHECKIN = "symptom_checkin", _("Weekly symptom check-in")
    INTAKE = "intake", _("New-patient history")
    OTHER = "other", _("Questionnaire")


class QuestionnaireStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    RETIRED = "retired", _("Retired")


class Questionnaire(PublicModel):
    """A form shaped like a FHIR Questionnaire. `resource` is the FHIR R4 JSON itself (items,
    options, scores, enableWhen, translations), read by `engine.parse`; the columns repeat
    what lists and look-ups need."""

    url = models.CharField(max_length=255)
    version = models.CharField(max_length=40)
    code = models.SlugField(max_length=64)
    title = models.CharField(max_length=255)
    kind = models.CharField(max_length=20, choices=QuestionnaireKind.choices)
    status = models.CharField(
        max_length=10, choices=QuestionnaireStatus.choices, default=QuestionnaireStatus.ACTIVE
    )
    resource = models.JSONField()
    loaded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["code", "-id"]
        constraints = [
            models.UniqueConstraint(fields=["url", "version"], name="questionnaire_url_version"),
        ]

    def __str__(self) -> str:
        return f"{self.title} ({self.version})"


class ResponseStatus(models.TextChoices):
    IN_PROGRESS = "in-progress", _("Draft")
    COMPLETED = "completed", _("Sent")


class AuthorRole(models.TextChoices):
    PATIENT = "patient", _("The patient")
    PROXY = "proxy", _("A proxy")
    STAFF = "staff", _("Staff")


class QuestionnaireResponse(PublicModel):
    """A patient's answers to one questionnaire: a resumable draft until it is sent."""

    questionnaire = models.ForeignKey(Questionnaire, on_delete=models.PROTECT, related_name="+")
    patient = models.ForeignKey(
        Patient, on_delete=models.PROTECT, related_name="questionnaire_responses"
    )
    author = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+")
    author_role = models.CharField(max_length=10, choices=AuthorRole.choices)
    status = models.CharField(
        max_length=12, choices=ResponseStatus.choices, default=ResponseStatus.IN_PROGRESS
    )
    answers = models.JSONField(default=dict, blank=True)
    scores = models.JSONField(default=dict, blank=True)
    total_score = models.IntegerField(null=True, blank=True)
    emergency = models.BooleanField(default=False)
    authored_at = models.DateTimeField()  # last saved while a draft; sent time once completed

    class Meta:
        ordering = ["-authored_at", "-id"]
        constraints = [
            # One draft per patient and questionnaire: resuming finds it, a race cannot fork it.
            models.UniqueConstraint(
                fields=["patient", "questionnaire"],
                condition=Q(status="in-progress"),
                name="questionnaire_response_one_draft",
            ),
        ]
        indexes = [models.Index(fields=["patient", "status", "-authored_at"])]

    def __str__(self) -> str:
        return f"{self.questionnaire.code} {self.status}"

    @property
    def is_draft(self) -> bool:
        return self.status == ResponseStatus.IN_PROGRESS


class AlertLevel(models.TextChoices):
    EMERGENCY = "emergency", _("Emergency answer")
    SEVERE = "severe", _("Severe symptom")
    WORSE = "worse", _("Symptom worse than last report")


class SymptomAlert(PublicModel):
    """The one alert a symptom report raises for the nurse navigator (unique per report)."""

    response = models.OneToOneField(
        QuestionnaireResponse, on_delete=models.PROTECT, related_name="alert"
    )
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="symptom_alerts")
    level = models.CharField(max_length=10, choices=AlertLevel.choices)
    reasons = models.JSONField(default=list)
    due_at = models.DateTimeField()
    thread_public_id = models.UUIDField(null=True, blank=True)  # the messaging thread, if any
    resolved_at = models.DateTimeField(null=True, blank=True)
    resolved_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_at", "id"]
        permissions = [("work_symptom_alerts", "Can work the symptom alert queue")]
        indexes = [models.Index(fields=["resolved_at", "due_at"])]

    def __str__(self) -> str:
        return f"{self.level} alert due {self.due_at:%Y-%m-%d %H:%M}"

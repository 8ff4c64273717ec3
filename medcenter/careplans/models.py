"""Care plans and nurse navigation: a plan's goals and activities, and the navigators' tasks
(see docs/domains/careplans.md). Careplans knows nothing of tumor boards: a plan is made from
plain data, and `source` says in words where it came from."""

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.oncology.models import CancerDiagnosis
from medcenter.patients.models import Patient


class PlanStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    ACTIVE = "active", _("Active")
    COMPLETED = "completed", _("Completed")
    REVOKED = "revoked", _("Revoked")


class CarePlan(PublicModel):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="care_plans")
    diagnosis = models.ForeignKey(
        CancerDiagnosis, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    title = models.CharField(_("title"), max_length=200)
    source = models.CharField(max_length=200, blank=True)  # "Sarcoma board, 2026-11-02"
    source_reference = models.CharField(max_length=80, blank=True, db_index=True)
    note = models.TextField(_("note for the patient"), blank=True)
    # Adolescent-confidential: hidden from proxies (SECURITY.md R5).
    is_confidential = models.BooleanField(_("confidential"), default=False)
    status = models.CharField(max_length=10, choices=PlanStatus.choices, default=PlanStatus.DRAFT)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    activated_at = models.DateTimeField(null=True, blank=True)
    activated_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["-created_at"]
        permissions = [
            ("manage_careplan", "Can edit and activate care plans"),
            ("navigate", "Can work the navigation queue"),
        ]

    def __str__(self) -> str:
        return f"care plan {self.public_id}"


class GoalCategory(models.TextChoices):
    CURATIVE = "curative", _("Cure the cancer")
    LIFE_PROLONGING = "life_prolonging", _("Control the cancer and prolong life")
    SYMPTOM_CONTROL = "symptom_control", _("Control symptoms and keep quality of life")


class Goal(PublicModel):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="goals")
    category = models.CharField(max_length=20, choices=GoalCategory.choices)
    note = models.CharField(max_length=300, blank=True)

    def __str__(self) -> str:
        return f"goal {self.public_id}"


class ActivityKind(models.TextChoices):
    SYSTEMIC = "systemic_therapy", _("Medicine treatment (such as chemotherapy)")
    SURGERY = "surgery", _("Surgery")
    RADIOTHERAPY = "radiotherapy", _("Radiation therapy")
    TRIAL = "trial_referral", _("A clinical trial")
    REBIOPSY = "rebiopsy", _("A new biopsy")
    GENETIC_COUNSELLING = "genetic_counselling", _("Genetic counselling")
    IMAGING = "further_imaging", _("More scans")
    PATHOLOGY_REVIEW = "pathology_review", _("A second look at the tissue sample")
    SUPPORTIVE = "supportive_care", _("Supportive care")
    SURVEILLANCE = "surveillance", _("Regular check-ups")


class ActivityStatus(models.TextChoices):
    NOT_STARTED = "not-started", _("Not started")
    SCHEDULED = "scheduled", _("Scheduled")
    IN_PROGRESS = "in-progress", _("In progress")
    COMPLETED = "completed", _("Completed")
    CANCELLED = "cancelled", _("Cancelled")


class Activity(PublicModel):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="activities")
    rank = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(max_length=20, choices=ActivityKind.choices)
    detail = models.CharField(max_length=200, blank=True)  # the therapy, as written
    evidence_level = models.CharField(max_length=20, blank=True)
    status = models.CharField(
        max_length=12, choices=ActivityStatus.choices, default=ActivityStatus.NOT_STARTED
    )

    class Meta:
        ordering = ["rank", "id"]

    def __str__(self) -> str:
        return f"activity {self.public_id}"


class TaskKind(models.TextChoices):
    BOOK_VISITS = "book_visits", _("Book the visits")
    COUNSELLING = "counselling", _("Arrange genetic counselling")
    REBIOPSY = "rebiopsy", _("Arrange the re-biopsy")
    COST_COVERAGE = "cost_coverage", _("Check cost coverage")
    INTERPRETER = "interpreter", _("Book an interpreter")
    TRIAL_CONTACT = "trial_contact", _("Connect with the trial team")
    FOLLOW_UP = "follow_up", _("Recommendation implemented?")


class TaskStatus(models.TextChoices):
    OPEN = "open", _("Open")
    DONE = "done", _("Done")


class FollowUpOutcome(models.TextChoices):
    IMPLEMENTED = "implemented", _("Implemented")
    CHANGED = "changed", _("Changed")
    DECLINED = "declined", _("Declined by the patient")
    NOT_DONE = "not_done", _("Not done")


class NavigatorTask(PublicModel):
    plan = models.ForeignKey(CarePlan, on_delete=models.CASCADE, related_name="tasks")
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="navigator_tasks")
    kind = models.CharField(max_length=20, choices=TaskKind.choices)
    due_on = models.DateField()
    status = models.CharField(max_length=6, choices=TaskStatus.choices, default=TaskStatus.OPEN)
    assignee = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    outcome = models.CharField(max_length=12, choices=FollowUpOutcome.choices, blank=True)
    reason = models.CharField(_("reason"), max_length=300, blank=True)
    # What the record suggests (a treatment course with the recommended drugs has started).
    suggested_outcome = models.CharField(max_length=12, blank=True)
    done_at = models.DateTimeField(null=True, blank=True)
    done_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["due_on", "id"]
        indexes = [models.Index(fields=["status", "due_on"])]

    def __str__(self) -> str:
        return f"task {self.public_id}"

"""Clinical trials: the catalogue (shaped after ClinicalTrials.gov API v2), structured
eligibility with coordinator corrections, pre-screen contact requests, and the candidates a
coordinator works through.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.directory.models import Clinician, Program
from medcenter.patients.models import Patient


class OverallStatus(models.TextChoices):
    """ClinicalTrials.gov's overall recruitment status (API v2 enum)."""

    NOT_YET_RECRUITING = "NOT_YET_RECRUITING", _("Not yet recruiting")
    RECRUITING = "RECRUITING", _("Recruiting")
    ENROLLING_BY_INVITATION = "ENROLLING_BY_INVITATION", _("Enrolling by invitation")
    ACTIVE_NOT_RECRUITING = "ACTIVE_NOT_RECRUITING", _("Active, not recruiting")
    SUSPENDED = "SUSPENDED", _("Suspended")
    TERMINATED = "TERMINATED", _("Terminated")
    COMPLETED = "COMPLETED", _("Completed")
    WITHDRAWN = "WITHDRAWN", _("Withdrawn")
    AVAILABLE = "AVAILABLE", _("Available")
    NO_LONGER_AVAILABLE = "NO_LONGER_AVAILABLE", _("No longer available")
    TEMPORARILY_NOT_AVAILABLE = "TEMPORARILY_NOT_AVAILABLE", _("Temporarily not available")
    APPROVED_FOR_MARKETING = "APPROVED_FOR_MARKETING", _("Approved for marketing")
    WITHHELD = "WITHHELD", _("Withheld")
    UNKNOWN = "UNKNOWN", _("Unknown status")


class LocalStatus(models.TextChoices):
    """Whether this center enrols now, whatever the registry says."""

    OPEN = "open", _("Open to enrolment here")
    NOT_YET_OPEN = "not_yet_open", _("Opening soon here")
    ON_HOLD = "on_hold", _("Enrolment paused here")
    CLOSED = "closed", _("Closed here")


class Sex(models.TextChoices):
    ALL = "ALL", _("All")
    FEMALE = "FEMALE", _("Female")
    MALE = "MALE", _("Male")


PHASE_LABELS = {
    "EARLY_PHASE1": _("Early phase 1"),
    "PHASE1": _("Phase 1"),
    "PHASE2": _("Phase 2"),
    "PHASE3": _("Phase 3"),
    "PHASE4": _("Phase 4"),
    "NA": _("Not applicable"),
}


RECRUITING_STATUSES = (
    OverallStatus.RECRUITING,
    OverallStatus.NOT_YET_RECRUITING,
    OverallStatus.ENROLLING_BY_INVITATION,
    OverallStatus.AVAILABLE,
)


class TrialQuerySet(models.QuerySet["Trial"]):
    def open(self) -> TrialQuerySet:
        """Trials a patient could join: recruiting in the registry and not closed here."""
        return self.filter(
            overall_status__in=RECRUITING_STATUSES,
            local_status__in=(LocalStatus.OPEN, LocalStatus.NOT_YET_OPEN),
        )


class Trial(PublicModel):
    """One study: the registry's record, plus what this center adds to it.

    Registry fields are replaced on every import; local fields (program, people, local status
    and slots, biomarker requirements, plain-language text) are never touched by an import.
    """

    # --- From the registry (ClinicalTrials.gov API v2 protocolSection) ---
    nct_id = models.CharField(_("NCT number"), max_length=11, unique=True)
    brief_title = models.CharField(_("title"), max_length=500)
    official_title = models.TextField(blank=True)
    acronym = models.CharField(max_length=100, blank=True)
    brief_summary = models.TextField(blank=True)
    detailed_description = models.TextField(blank=True)
    study_type = models.CharField(max_length=30, blank=True)
    phases = models.JSONField(default=list, blank=True)  # ["PHASE2", "PHASE3"]
    overall_status = models.CharField(
        max_length=30, choices=OverallStatus.choices, default=OverallStatus.UNKNOWN
    )
    conditions = models.JSONField(default=list, blank=True)
    keywords = models.JSONField(default=list, blank=True)
    interventions = models.JSONField(default=list, blank=True)  # [{type, name, description}]
    arms = models.JSONField(default=list, blank=True)  # [{label, type, description, ...}]
    eligibility_criteria = models.TextField(blank=True)
    minimum_age_years = models.FloatField(null=True, blank=True)
    maximum_age_years = models.FloatField(null=True, blank=True)
    sex = models.CharField(max_length=6, choices=Sex.choices, default=Sex.ALL)
    healthy_volunteers = models.BooleanField(default=False)
    sponsor = models.CharField(max_length=300, blank=True)
    sites = models.JSONField(default=list, blank=True)  # [{facility, city, ..., lat, lon}]
    contacts = models.JSONField(default=list, blank=True)  # central contacts
    start_date = models.CharField(max_length=10, blank=True)  # "2024-03" or "2024-03-15"
    first_posted = models.DateField(null=True, blank=True)
    last_update_posted = models.DateField(null=True, blank=True)
    record_hash = models.CharField(max_length=64, blank=True)
    imported_at = models.DateTimeField(null=True, blank=True)

    # --- This center's own ---
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="trials"
    )
    principal_investigator = models.ForeignKey(
        Clinician, on_delete=models.SET_NULL, null=True, blank=True, related_name="trials_led"
    )
    coordinator = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="trials_coordinated",
    )
    coordinator_email = models.EmailField(blank=True)
    coordinator_phone = models.CharField(max_length=40, blank=True)
    local_status = models.CharField(
        max_length=15, choices=LocalStatus.choices, default=LocalStatus.OPEN
    )
    local_slots = models.PositiveIntegerField(
        null=True, blank=True, help_text="Places left at this center; empty when not capped."
    )
    # [{"gene": "EGFR", "classes": ["L858R"], "present": true}]: added by the team, matched
    # like the parsed criteria (inclusion).
    biomarker_requirements = models.JSONField(default=list, blank=True)
    # {"es": {"title": "...", "summary": "..."}, ...}; "en" too when the team rewrote it.
    plain_language = models.JSONField(default=dict, blank=True)
    is_demo = models.BooleanField(default=False)

    objects = TrialQuerySet.as_manager()

    class Meta:
        ordering = ["nct_id"]
        indexes = [models.Index(fields=["local_status", "overall_status"])]
        permissions = [
            ("manage_trial", "Can import trials and edit their local details"),
            ("prescreen_trial", "Can work the pre-screening queue and record decisions"),
        ]

    def __str__(self) -> str:
        return f"{self.nct_id} {self.brief_title[:60]}"

    @property
    def phase_label(self) -> str:
        return " / ".join(str(PHASE_LABELS.get(p, p)) for p in self.phases) or "—"

    def plain(self, language: str) -> dict[str, str]:
        """The plain-language title and summary in `language`, falling back to English."""
        base = language.split("-")[0].split("_")[0]
        for code in (language, base, "en"):
            text = self.plain_language.get(code)
            if text:
                return {"title": text.get("title", ""), "summary": text.get("summary", "")}
        return {"title": self.brief_title, "summary": self.brief_summary}

    @property
    def is_enrolling(self) -> bool:
        return self.local_status == LocalStatus.OPEN and (
            self.local_slots is None or self.local_slots > 0
        )


class CriterionOrigin(models.TextChoices):
    PARSER = "parser", _("Read from the criteria text")
    COORDINATOR = "coordinator", _("Set by the trial team")


class Criterion(models.Model):
    """One structured eligibility criterion with the sentence it came from.

    `key` identifies the source sentence (section + normalised text), so a re-import finds a
    coordinator's correction again and keeps it over the parser's reading.
    """

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="criteria")
    position = models.PositiveSmallIntegerField()
    section = models.CharField(max_length=10)  # inclusion | exclusion
    kind = models.CharField(max_length=20)
    params = models.JSONField(default=dict, blank=True)
    source = models.TextField()
    key = models.CharField(max_length=64)
    origin = models.CharField(
        max_length=12, choices=CriterionOrigin.choices, default=CriterionOrigin.PARSER
    )
    # A coordinator may switch a wrong criterion off rather than rewrite it.
    is_active = models.BooleanField(default=True)
    reviewed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    reviewed_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["trial", "position"]
        indexes = [models.Index(fields=["trial", "key"])]

    def __str__(self) -> str:
        return f"{self.section} {self.kind}: {self.source[:60]}"

    def as_dict(self) -> dict[str, Any]:
        return {
            **self.params,
            "section": self.section,
            "kind": self.kind,
            "source": self.source,
        }


class RequiredGene(models.Model):
    """A gene a trial requires an alteration in, read from its active structured criteria and
    the team's biomarker requirements (`genefilter.required_genes`), kept by
    `services.refresh_required_genes` whenever either changes. Search by gene filters on it
    instead of reading every trial's criteria on every request."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="required_genes")
    gene = models.CharField(max_length=16)
    classes = models.JSONField(default=list, blank=True)  # the alteration classes admitted

    class Meta:
        ordering = ["trial", "gene"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "gene"], name="one_required_gene_per_trial")
        ]
        indexes = [models.Index(fields=["gene"])]

    def __str__(self) -> str:
        return f"{self.trial_id} requires {self.gene}"


class RequestStatus(models.TextChoices):
    NEW = "new", _("New")
    CONTACTED = "contacted", _("Contacted")
    SCREENING = "screening", _("Screening")
    ENROLLED = "enrolled", _("Enrolled")
    INELIGIBLE = "ineligible", _("Not eligible")
    DECLINED = "declined", _("Declined")


class ContactRequest(PublicModel):
    """A person who answered a trial's pre-screen and asked the coordinator to get in touch."""

    trial = models.ForeignKey(Trial, on_delete=models.PROTECT, related_name="contact_requests")
    patient = models.ForeignKey(
        Patient, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    name = models.CharField(_("name"), max_length=200)
    email = models.EmailField(_("email"), blank=True)
    phone = models.CharField(_("phone"), max_length=40, blank=True)
    language = models.CharField(max_length=10, default="en")
    # The pre-screen: {question id: answer}, and what the matcher made of it.
    answers = models.JSONField(default=dict, blank=True)
    explanation = models.JSONField(default=list, blank=True)
    likely = models.CharField(max_length=10, blank=True)  # likely | possible | unlikely
    status = models.CharField(max_length=12, choices=RequestStatus.choices, default="new")
    status_reason = models.CharField(max_length=300, blank=True)
    handled_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    contacted_at = models.DateTimeField(null=True, blank=True)
    sender_hash = models.CharField(max_length=64, blank=True)  # throttling, never shown

    class Meta:
        ordering = ["-created_at"]
        indexes = [models.Index(fields=["trial", "status"])]

    def __str__(self) -> str:
        return f"{self.trial.nct_id} request {self.public_id}"


class CandidateStatus(models.TextChoices):
    NEW = "new", _("To review")
    CONTACTED = "contacted", _("Contacted")
    SCREENING = "screening", _("Screening")
    ENROLLED = "enrolled", _("Enrolled")
    INELIGIBLE = "ineligible", _("Not eligible")
    DECLINED = "declined", _("Declined")


class Candidate(PublicModel):
    """A patient the matcher found for a trial, with the explanation, and the team's decision."""

    trial = models.ForeignKey(Trial, on_delete=models.CASCADE, related_name="candidates")
    patient = models.ForeignKey(Patient, on_delete=models.CASCADE, related_name="trial_candidates")
    score = models.FloatField()
    met = models.PositiveSmallIntegerField(default=0)
    unknown = models.PositiveSmallIntegerField(default=0)
    explanation = models.JSONField(default=list, blank=True)
    matched_at = models.DateTimeField(default=timezone.now)
    # The matcher drops a candidate it no longer finds; a decided one stays for the log.
    is_current = models.BooleanField(default=True)
    status = models.CharField(max_length=12, choices=CandidateStatus.choices, default="new")
    status_reason = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["-score"]
        constraints = [
            models.UniqueConstraint(fields=["trial", "patient"], name="one_candidate_per_pair")
        ]

    def __str__(self) -> str:
        return f"{self.trial.nct_id} candidate {self.public_id}"


class EnrollmentEvent(models.Model):
    """The enrolment log: every decision on a candidate or a contact request, in order."""

    candidate = models.ForeignKey(
        Candidate, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    request = models.ForeignKey(
        ContactRequest, on_delete=models.CASCADE, null=True, blank=True, related_name="events"
    )
    status = models.CharField(max_length=12)
    reason = models.CharField(max_length=300, blank=True)
    actor = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="+"
    )
    at = models.DateTimeField(default=timezone.now)

    class Meta:
        ordering = ["at", "pk"]

    def __str__(self) -> str:
        return f"{self.status} at {self.at:%Y-%m-%d %H:%M}"


class MatchState(models.Model):
    """When a patient was last matched against the catalogue (with or without results)."""

    patient = models.OneToOneField(Patient, on_delete=models.CASCADE, related_name="+")
    matched_at = models.DateTimeField()

    def __str__(self) -> str:
        return f"matched {self.matched_at:%Y-%m-%d %H:%M}"


class TrialVector(models.Model):
    """A trial's text as a sentence embedding (trials/semantic.py), for ranking trials against
    a free-text note by meaning as well as by words. `key` names the model and the exact text
    embedded (semantic.document_key), so a vector whose trial changed is known to be stale;
    services.refresh_trial_vectors keeps them current."""

    trial = models.OneToOneField(Trial, on_delete=models.CASCADE, related_name="vector")
    key = models.CharField(max_length=32)
    vector = models.BinaryField()  # float32, little-endian
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"vector of {self.trial_id}"

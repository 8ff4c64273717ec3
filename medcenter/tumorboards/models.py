"""Tumor boards: boards and their members, meetings, cases with their packet, the agenda,
attendance and the board's recommendations (see docs/domains/tumorboards.md)."""

from datetime import timedelta

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.directory.models import Program, Specialty
from medcenter.oncology.models import CancerDiagnosis, GenotypingReport, StageAssessment
from medcenter.patients.models import Patient

# How long after its meeting a case keeps opening the patient's record to the board.
ACCESS_AFTER_MEETING = timedelta(days=30)


class BoardKind(models.TextChoices):
    DISEASE = "disease", _("Disease board")
    MOLECULAR = "molecular", _("Molecular tumor board")


class Frequency(models.TextChoices):
    WEEKLY = "weekly", _("Weekly")
    MONTHLY = "monthly", _("Monthly")


class Board(PublicModel):
    name = models.CharField(_("name"), max_length=120)
    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=10, choices=BoardKind.choices, default=BoardKind.DISEASE)
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="tumor_boards"
    )
    # OncoTree codes whose subtrees this board reviews ("BONE", "LUNG", ...).
    oncotree_roots = models.JSONField(default=list, blank=True)
    # Groups of specialty slugs: quorum needs one attendee from each group.
    quorum = models.JSONField(default=list, blank=True)
    # The meeting rule: weekly on `weekday`, or monthly on the `week_of_month`th `weekday`.
    frequency = models.CharField(max_length=10, choices=Frequency.choices)
    weekday = models.PositiveSmallIntegerField(default=0)  # 0 = Monday
    week_of_month = models.SmallIntegerField(default=1)  # 1-4, or -1 for the last
    starts_on = models.DateField()
    start_time = models.TimeField()
    length_minutes = models.PositiveSmallIntegerField(default=60)
    cutoff_hours = models.PositiveSmallIntegerField(default=48)
    location = models.CharField(max_length=200, blank=True)
    is_active = models.BooleanField(default=True)

    class Meta:
        ordering = ["name"]
        permissions = [
            ("submit_case", "Can submit a case to a tumor board"),
            ("run_board", "Can run a tumor board: agenda, attendance, recommendations"),
            ("view_board_metrics", "Can see tumor board metrics"),
            ("manage_board", "Can set up tumor boards: members and meeting rule"),
        ]

    def __str__(self) -> str:
        return self.name


class MemberRole(models.TextChoices):
    MEMBER = "member", _("Member")
    CHAIR = "chair", _("Chair")
    COORDINATOR = "coordinator", _("Coordinator")


class BoardMember(PublicModel):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="members")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="board_memberships"
    )
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT)
    role = models.CharField(max_length=12, choices=MemberRole.choices, default=MemberRole.MEMBER)
    is_active = models.BooleanField(default=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["board", "user"], name="one_membership_per_board")
        ]

    def __str__(self) -> str:
        return f"{self.board} member {self.public_id}"


class MeetingStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")
    HELD = "held", _("Held")


class Meeting(PublicModel):
    board = models.ForeignKey(Board, on_delete=models.CASCADE, related_name="meetings")
    starts_at = models.DateTimeField()
    length_minutes = models.PositiveSmallIntegerField()
    cutoff_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=MeetingStatus.choices, default=MeetingStatus.SCHEDULED
    )
    cancel_reason = models.CharField(max_length=200, blank=True)
    agenda_locked_at = models.DateTimeField(null=True, blank=True)
    quorum_met = models.BooleanField(null=True, blank=True)

    class Meta:
        ordering = ["starts_at"]
        constraints = [
            models.UniqueConstraint(fields=["board", "starts_at"], name="one_meeting_per_time")
        ]

    def __str__(self) -> str:
        return f"{self.board} {self.starts_at:%Y-%m-%d}"

    @property
    def ends_at(self):  # type: ignore[no-untyped-def]
        return self.starts_at + timedelta(minutes=self.length_minutes)

    @property
    def access_until(self):  # type: ignore[no-untyped-def]
        return self.starts_at + ACCESS_AFTER_MEETING


class Question(models.TextChoices):
    INITIAL_PLAN = "initial_plan", _("Initial treatment plan")
    RECURRENCE = "recurrence", _("Recurrence or progression")
    DIAGNOSIS_REVIEW = "diagnosis_review", _("Diagnosis review")
    MOLECULAR = "molecular", _("Molecular results")


class Urgency(models.TextChoices):
    ROUTINE = "routine", _("Routine")
    URGENT = "urgent", _("Urgent")


class CaseStatus(models.TextChoices):
    SUBMITTED = "submitted", _("Submitted")
    ON_AGENDA = "on_agenda", _("On the agenda")
    POSTPONED = "postponed", _("Postponed")
    DISCUSSED = "discussed", _("Discussed")
    WITHDRAWN = "withdrawn", _("Withdrawn")


class BoardCase(PublicModel):
    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="board_cases")
    board = models.ForeignKey(Board, on_delete=models.PROTECT, related_name="cases")
    meeting = models.ForeignKey(
        Meeting, on_delete=models.SET_NULL, null=True, blank=True, related_name="cases"
    )
    submitted_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="submitted_cases"
    )
    question = models.CharField(_("question"), max_length=20, choices=Question.choices)
    question_detail = models.CharField(_("what the board should answer"), max_length=500)
    urgency = models.CharField(max_length=10, choices=Urgency.choices, default=Urgency.ROUTINE)
    diagnosis = models.ForeignKey(CancerDiagnosis, on_delete=models.PROTECT, related_name="+")
    stage = models.ForeignKey(
        StageAssessment, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    genotyping = models.ForeignKey(
        GenotypingReport, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    prospective = models.BooleanField(default=True)
    status = models.CharField(
        max_length=12, choices=CaseStatus.choices, default=CaseStatus.SUBMITTED
    )
    minutes = models.PositiveSmallIntegerField(default=10)
    position = models.PositiveSmallIntegerField(default=0)
    # The packet as it was frozen when the agenda was locked, with the versions it was built on.
    packet = models.JSONField(null=True, blank=True)
    packet_frozen_at = models.DateTimeField(null=True, blank=True)
    withdrawn_reason = models.CharField(_("why it was withdrawn"), max_length=300, blank=True)
    submitted_at = models.DateTimeField(auto_now_add=True)

    class Meta:
        ordering = ["position", "submitted_at"]
        indexes = [models.Index(fields=["board", "status"])]

    def __str__(self) -> str:
        return f"case {self.public_id}"


class DocumentKind(models.TextChoices):
    PATHOLOGY = "pathology", _("Pathology report")
    IMAGING = "imaging", _("Imaging report")


class CaseDocument(PublicModel):
    case = models.ForeignKey(BoardCase, on_delete=models.CASCADE, related_name="documents")
    kind = models.CharField(max_length=10, choices=DocumentKind.choices)
    finding = models.CharField(_("finding in one line"), max_length=300)
    filename = models.CharField(max_length=200)
    content_type = models.CharField(max_length=100)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    vault_key = models.CharField(max_length=200)

    def __str__(self) -> str:
        return self.filename


class AttendanceMode(models.TextChoices):
    ROOM = "room", _("In the room")
    REMOTE = "remote", _("Remote")
    GUEST = "guest", _("Guest")


class Attendance(PublicModel):
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="attendance")
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True
    )
    guest_name = models.CharField(max_length=120, blank=True)
    specialty = models.ForeignKey(Specialty, on_delete=models.PROTECT)
    mode = models.CharField(max_length=10, choices=AttendanceMode.choices)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["meeting", "user"],
                condition=models.Q(user__isnull=False),
                name="one_attendance_per_member",
            )
        ]

    def __str__(self) -> str:
        return f"attendance {self.public_id}"


class RecommendationKind(models.TextChoices):
    SYSTEMIC = "systemic_therapy", _("Systemic therapy")
    SURGERY = "surgery", _("Surgery")
    RADIOTHERAPY = "radiotherapy", _("Radiotherapy")
    TRIAL = "trial_referral", _("Trial referral")
    REBIOPSY = "rebiopsy", _("Re-biopsy")
    GENETIC_COUNSELLING = "genetic_counselling", _("Genetic counselling")
    IMAGING = "further_imaging", _("Further imaging")
    PATHOLOGY_REVIEW = "pathology_review", _("Pathology review")
    SUPPORTIVE = "supportive_care", _("Supportive care")
    SURVEILLANCE = "surveillance", _("Surveillance")


class EvidenceLevel(models.TextChoices):
    FDA_THIS_TYPE = "fda_this_type", _("Approved in this tumor type")
    FDA_OTHER_TYPE = "fda_other_type", _("Approved in another tumor type")
    GUIDELINE = "guideline", _("Guideline")
    CLINICAL_EVIDENCE = "clinical_evidence", _("Clinical evidence")
    NONE = "none", _("No listed evidence")


class NonConcordance(models.TextChoices):
    COMORBIDITY = "comorbidity", _("Comorbidity or frailty")
    PATIENT_PREFERENCE = "patient_preference", _("Patient preference")
    MOLECULAR = "molecular", _("Molecular finding beyond the guideline")
    NO_GUIDELINE = "no_guideline", _("No guideline covers this situation")
    TRIAL = "trial", _("Trial preferred")
    OTHER_EVIDENCE = "other_evidence", _("Newer evidence than the guideline")


class Consensus(models.TextChoices):
    CONSENSUS = "consensus", _("Consensus")
    DISSENT = "dissent", _("Dissent recorded")


class Recommendation(PublicModel):
    case = models.ForeignKey(BoardCase, on_delete=models.CASCADE, related_name="recommendations")
    version = models.PositiveSmallIntegerField(default=1)
    rank = models.PositiveSmallIntegerField(default=1)
    kind = models.CharField(_("kind"), max_length=20, choices=RecommendationKind.choices)
    therapy = models.CharField(_("therapy"), max_length=200, blank=True)
    evidence_level = models.CharField(max_length=20, choices=EvidenceLevel.choices)
    # What the knowledge base says for this therapy; differs from evidence_level on override.
    knowledge_level = models.CharField(max_length=20, choices=EvidenceLevel.choices)
    override_reason = models.CharField(_("reason for another level"), max_length=300, blank=True)
    concordant = models.BooleanField(_("guideline-concordant"))
    nonconcordance_reason = models.CharField(
        _("why not concordant"), max_length=20, choices=NonConcordance.choices, blank=True
    )
    consensus = models.CharField(max_length=10, choices=Consensus.choices)
    dissent_note = models.CharField(_("dissent"), max_length=500, blank=True)
    trial = models.ForeignKey(
        "trials.Trial", on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    provisional = models.BooleanField(default=True)
    signed_at = models.DateTimeField(null=True, blank=True)
    signed_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    superseded_at = models.DateTimeField(null=True, blank=True)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["rank", "-version"]

    def __str__(self) -> str:
        return f"recommendation {self.public_id}"

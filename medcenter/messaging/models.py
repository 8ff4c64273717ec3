"""Secure messages between a patient (or their proxy) and a pool of staff.

A thread goes to a pool (a program's nurse line, scheduling, billing, the trials office, the
international team), never to one person: whoever in the pool claims it answers, and the
pool's reply target (business days) sets when an answer is due.
"""

from typing import ClassVar

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.directory.models import Program
from medcenter.patients.models import Patient


class PoolKind(models.TextChoices):
    NURSE_LINE = "nurse_line", _("Nurse line")
    SCHEDULING = "scheduling", _("Scheduling")
    BILLING = "billing", _("Billing")
    TRIALS_OFFICE = "trials_office", _("Clinical trials office")
    INTERNATIONAL = "international", _("International patient team")


class Pool(PublicModel):
    """A team that answers messages together, with the reply target it promises."""

    slug = models.SlugField(unique=True)
    kind = models.CharField(max_length=16, choices=PoolKind.choices)
    program = models.ForeignKey(
        Program, on_delete=models.PROTECT, null=True, blank=True, related_name="message_pools"
    )
    reply_business_days = models.PositiveSmallIntegerField(default=2)
    phone = models.CharField(max_length=40, blank=True)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)
    # The staff who work this pool's inbox (besides those who may manage every pool).
    members = models.ManyToManyField(
        settings.AUTH_USER_MODEL, blank=True, related_name="message_pools"
    )

    class Meta:
        ordering = ["order", "slug"]
        constraints = [
            models.CheckConstraint(
                condition=Q(reply_business_days__gte=1, reply_business_days__lte=3),
                name="messaging_pool_reply_target_1_to_3",
            ),
        ]
        permissions = [
            ("work_inbox", "Can read and answer a message pool's inbox"),
            ("manage_inbox", "Can reassign and close threads in any pool"),
        ]

    def __str__(self) -> str:
        return self.slug

    @property
    def label(self) -> str:
        """The pool's name in the current language: its kind, and its program if it has one."""
        kind = str(PoolKind(self.kind).label)
        if self.program is None:
            return kind
        return f"{kind}: {self.program.label}"

    def phone_number(self) -> str:
        return self.phone or str(settings.CENTER["phone"])


class ThreadStatus(models.TextChoices):
    OPEN = "open", _("Open")
    CLOSED = "closed", _("Closed")


class ThreadKind(models.TextChoices):
    NORMAL = "normal", _("Message")
    ALERT = "alert", _("Alert")


class ThreadQuerySet(models.QuerySet["Thread"]):
    def open(self) -> "ThreadQuerySet":
        return self.filter(status=ThreadStatus.OPEN)

    def for_patient(self, patient: Patient) -> "ThreadQuerySet":
        return self.filter(patient=patient)


class Thread(PublicModel):
    """One conversation about one patient with one pool."""

    patient = models.ForeignKey(Patient, on_delete=models.PROTECT, related_name="message_threads")
    pool = models.ForeignKey(Pool, on_delete=models.PROTECT, related_name="threads")
    subject = models.CharField(max_length=150)
    status = models.CharField(max_length=8, choices=ThreadStatus.choices, default=ThreadStatus.OPEN)
    kind = models.CharField(max_length=8, choices=ThreadKind.choices, default=ThreadKind.NORMAL)
    assigned_to = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="assigned_threads",
    )
    # When staff owe the next answer; empty when the patient has been answered.
    due_at = models.DateTimeField(null=True, blank=True)
    created_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    last_message_at = models.DateTimeField(null=True, blank=True)
    closed_at = models.DateTimeField(null=True, blank=True)
    # One alert per event that raised it (a questionnaire response): the constraint, not a
    # check in code, is what keeps a retried or concurrent raise from making two.
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    objects: ClassVar[ThreadQuerySet] = ThreadQuerySet.as_manager()  # type: ignore[assignment]

    class Meta:
        ordering = ["-last_message_at", "-id"]
        indexes = [
            models.Index(fields=["pool", "status", "due_at"]),
            models.Index(fields=["patient", "last_message_at"]),
        ]

    def __str__(self) -> str:
        return f"thread {self.public_id}"

    @property
    def is_open(self) -> bool:
        return self.status == ThreadStatus.OPEN


class AuthorRole(models.TextChoices):
    PATIENT = "patient", _("Patient")
    PROXY = "proxy", _("Proxy")
    STAFF = "staff", _("Care team")
    SYSTEM = "system", _("Automatic alert")


class Message(PublicModel):
    """One message in a thread. Internal notes are for staff only and never reach the patient."""

    thread = models.ForeignKey(Thread, on_delete=models.CASCADE, related_name="messages")
    author = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, null=True, blank=True, related_name="+"
    )
    author_role = models.CharField(max_length=8, choices=AuthorRole.choices)
    body = models.TextField(max_length=5000)
    internal = models.BooleanField(default=False)
    # "<user pk>:<hash of the client's Idempotency-Key>": a message sent twice is one (R26).
    dedupe_key = models.CharField(max_length=120, null=True, blank=True, unique=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.CheckConstraint(
                condition=Q(internal=False) | Q(author_role__in=["staff", "system"]),
                name="messaging_internal_notes_are_staff",
            ),
        ]

    def __str__(self) -> str:
        return f"message {self.public_id}"


class Attachment(PublicModel):
    """A file sent with a message; the bytes live encrypted in the vault."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="attachments")
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    vault_key = models.CharField(max_length=80, unique=True)

    class Meta:
        ordering = ["created_at", "id"]

    def __str__(self) -> str:
        return self.filename


class ReadReceipt(models.Model):
    """That one person has read one message (each reader counts for themselves)."""

    message = models.ForeignKey(Message, on_delete=models.CASCADE, related_name="receipts")
    reader = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    read_at = models.DateTimeField()

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["message", "reader"], name="messaging_read_once"),
        ]

    def __str__(self) -> str:
        return f"{self.reader_id} read {self.message_id}"

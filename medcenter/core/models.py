import uuid

from django.db import models
from django.utils.translation import gettext_lazy as _


class PublicModel(models.Model):
    """Base for every domain table: a UUID for URLs and APIs, and when the row changed.

    Integer keys stay internal; anything a user or another system sees is the public id.
    """

    public_id = models.UUIDField(default=uuid.uuid4, unique=True, editable=False)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        abstract = True


class AppendOnlyQuerySet(models.QuerySet["AuditEvent"]):
    def update(self, **kwargs: object) -> int:
        raise PermissionError("Audit events are append-only.")

    def delete(self) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditEvent(models.Model):
    """One thing that happened to patient data or to a log-in. Written only by audit.record.

    Who is stored as public ids, never as names, so the log itself holds no patient details.
    """

    occurred_at = models.DateTimeField(db_index=True)
    actor_public_id = models.CharField(max_length=36, blank=True, db_index=True)
    actor_role = models.CharField(max_length=200, blank=True)
    action = models.CharField(max_length=80, db_index=True)
    outcome = models.CharField(max_length=10)
    patient_public_id = models.CharField(max_length=36, blank=True, db_index=True)
    object_type = models.CharField(max_length=80, blank=True)
    object_id = models.CharField(max_length=64, blank=True)
    client_ip = models.GenericIPAddressField(null=True, blank=True)
    request_id = models.CharField(max_length=64, blank=True)
    purpose = models.CharField(max_length=40, blank=True)
    reason = models.TextField(blank=True)
    prev_hash = models.CharField(max_length=64)
    hash = models.CharField(max_length=64, unique=True)
    # Which of the independent hash chains the row belongs to (core.audit); rows written
    # before there were several chains are all in chain 1.
    chain = models.PositiveSmallIntegerField(default=1)

    objects = AppendOnlyQuerySet.as_manager()

    class Meta:
        ordering = ["id"]
        permissions = [("review_access", "Can review who accessed patient records")]

    def __str__(self) -> str:
        return f"{self.occurred_at:%Y-%m-%d %H:%M} {self.action} {self.outcome}"

    def save(self, *args: object, **kwargs: object) -> None:
        if self.pk is not None:
            raise PermissionError("Audit events are append-only.")
        super().save(*args, **kwargs)

    def delete(self, *args: object, **kwargs: object) -> tuple[int, dict[str, int]]:
        raise PermissionError("Audit events are append-only.")


class AuditChainHead(models.Model):
    """The newest hash and the length of one audit chain (pk = the chain's number): the lock
    the writers on that chain queue on."""

    last_hash = models.CharField(max_length=64)
    length = models.BigIntegerField()

    def __str__(self) -> str:
        return f"audit chain {self.pk} of {self.length}"


class IdempotencyRecord(models.Model):
    """The answer given to one Idempotency-Key, so a retried submission gets the same answer
    and never a second booking, referral or donation (SECURITY.md R26)."""

    scope = models.CharField(max_length=60)
    owner = models.CharField(max_length=64)
    key = models.CharField(max_length=200)
    request_hash = models.CharField(max_length=64)
    status_code = models.PositiveSmallIntegerField(null=True)  # null while the first try runs
    response = models.JSONField(null=True)
    created_at = models.DateTimeField(auto_now_add=True, db_index=True)

    class Meta:
        constraints = [
            models.UniqueConstraint(fields=["scope", "owner", "key"], name="idempotency_once")
        ]

    def __str__(self) -> str:
        return f"{self.scope} {self.key}"


class NotificationChannel(models.TextChoices):
    EMAIL = "email", _("Email")
    SMS = "sms", _("Text message")


class NotificationStatus(models.TextChoices):
    PENDING = "pending", _("Waiting")
    SENDING = "sending", _("Being sent")
    SENT = "sent", _("Sent")
    CANCELLED = "cancelled", _("Not needed any more")
    FAILED = "failed", _("Failed")


class Notification(PublicModel):
    """One message in the outbox (core.outbox). Written in the same transaction as the change
    it reports; sent by a worker that claims it, so none is lost and none goes twice (R28).

    The row names what to say (`kind`, rendered from that kind's templates in `language`) and
    what about (`context`: public ids and plain values, never a rendered text); attachments
    are built from the context when it is sent, so no document is copied into this table.
    """

    kind = models.CharField(max_length=60)
    category = models.CharField(max_length=40, blank=True)
    channel = models.CharField(max_length=5, choices=NotificationChannel.choices)
    to = models.CharField(max_length=254)
    user_public_id = models.UUIDField(null=True, blank=True)
    patient_public_id = models.UUIDField(null=True, blank=True, db_index=True)
    language = models.CharField(max_length=8, default="en")
    context = models.JSONField(default=dict, blank=True)
    # What the message is about ("appointment:<public id>"), so pending ones can be withdrawn.
    reference = models.CharField(max_length=80, blank=True, db_index=True)
    # One message per purpose: a second enqueue of the same reminder is refused by the database.
    dedupe_key = models.CharField(max_length=160, unique=True)
    due_at = models.DateTimeField()
    status = models.CharField(
        max_length=10, choices=NotificationStatus.choices, default=NotificationStatus.PENDING
    )
    attempts = models.PositiveSmallIntegerField(default=0)
    claimed_at = models.DateTimeField(null=True, blank=True)
    claim_token = models.CharField(max_length=32, blank=True, db_index=True)
    sent_at = models.DateTimeField(null=True, blank=True)
    last_error = models.CharField(max_length=300, blank=True)

    class Meta:
        ordering = ["due_at"]
        indexes = [models.Index(fields=["status", "due_at"])]

    def __str__(self) -> str:
        return f"{self.kind} {self.channel} {self.due_at:%Y-%m-%d %H:%M}"


class PendingUpload(PublicModel):
    """A checked file a visitor attached to a form that came back with a problem, kept
    encrypted in the vault until the form is sent or the upload goes stale (core.pending_uploads).

    `owner` is a digest of a secret kept in the visitor's session, so only that session can
    claim it; `purpose` names the form and field, so a token made for one cannot fill another.
    """

    owner = models.CharField(max_length=64, db_index=True)
    purpose = models.CharField(max_length=120)
    filename = models.CharField(max_length=120)
    content_type = models.CharField(max_length=60)
    size = models.PositiveIntegerField()
    sha256 = models.CharField(max_length=64)
    vault_key = models.CharField(max_length=80, unique=True)
    # Where it came from, for the hourly cap (sessions cost an attacker nothing, addresses do).
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        indexes = [
            models.Index(fields=["created_at"]),
            models.Index(fields=["client_ip", "created_at"]),
        ]

    def __str__(self) -> str:
        return self.filename


class NotificationCategory(models.TextChoices):
    """What a person may turn on or off per channel (core.outbox.preferences). Kinds name
    their category when they register; "account" (sign-in codes, password reset) is not
    among these: such messages always go."""

    MESSAGES = "messages", _("Messages from your care team")
    RESULTS = "results", _("New results and documents")
    APPOINTMENTS = "appointments", _("Appointments")
    QUESTIONNAIRES = "questionnaires", _("Questionnaires and check-ins")
    CARE_PLAN = "care_plan", _("Care plan")
    GENERAL = "general", _("General news from the center")


class NotificationSettings(models.Model):
    """One patient's quiet hours and text-message consent (core.outbox.preferences).

    Keyed by public ids so core needs no foreign key to the domains above it: `patient_public_id`
    is the record the notices are about, `user_public_id` that patient's own account, so a
    notice addressed to someone else (a proxy) is not bound by the patient's choices."""

    patient_public_id = models.UUIDField(unique=True)
    user_public_id = models.UUIDField(null=True, blank=True)
    quiet_start = models.TimeField(null=True, blank=True)
    quiet_end = models.TimeField(null=True, blank=True)
    time_zone = models.CharField(max_length=64, default="UTC")
    sms_consented_at = models.DateTimeField(null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return f"notification settings {self.patient_public_id}"


class NotificationPreference(models.Model):
    """Whether one category of notice may go to one patient by email and by text."""

    patient_public_id = models.UUIDField(db_index=True)
    category = models.CharField(max_length=20, choices=NotificationCategory.choices)
    email = models.BooleanField(default=True)
    sms = models.BooleanField(default=False)

    class Meta:
        ordering = ["patient_public_id", "category"]
        constraints = [
            models.UniqueConstraint(
                fields=["patient_public_id", "category"], name="core_one_preference_per_category"
            )
        ]

    def __str__(self) -> str:
        return f"{self.category} email={self.email} sms={self.sms}"

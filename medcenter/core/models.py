import uuid

from django.db import models


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
    """The newest hash and the length of the audit chain: the lock writers queue on."""

    last_hash = models.CharField(max_length=64)
    length = models.BigIntegerField()

    def __str__(self) -> str:
        return f"audit chain of {self.length}"


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

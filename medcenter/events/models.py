"""Event series (support groups, workshops, wellness classes), their sessions and who
registered for each. Titles and descriptions are English fields with translations in the
`translations` JSON ({"es": {"title": ..., "description": ...}}), as the directory does."""

from __future__ import annotations

from datetime import datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo, available_timezones

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.directory.models import Location, Program, Translated
from medcenter.events import rules


def validate_time_zone(value: str) -> None:
    if value not in available_timezones():
        raise ValidationError(_("Give an IANA time zone, such as America/New_York."))


class EventKind(models.TextChoices):
    SUPPORT_GROUP = "support_group", _("Support group")
    WORKSHOP = "workshop", _("Workshop")
    WELLNESS = "wellness", _("Wellness class")


class Audience(models.TextChoices):
    PATIENTS = "patients", _("Patients")
    CAREGIVERS = "caregivers", _("Caregivers")
    AYA = "aya", _("Adolescents and young adults")
    SURVIVORS = "survivors", _("Survivors")


class EventSeriesQuerySet(models.QuerySet["EventSeries"]):
    def published(self) -> EventSeriesQuerySet:
        return self.filter(is_published=True)


class EventSeries(PublicModel, Translated):
    """One event, held once or on a recurring rule (RFC 5545 RRULE, without DTSTART).
    `title` and `description` are written in the event's `language`; `translations` holds
    them in other site languages."""

    slug = models.SlugField(unique=True, max_length=120)
    title = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    kind = models.CharField(max_length=20, choices=EventKind.choices)
    audience = models.CharField(max_length=20, choices=Audience.choices)
    language = models.CharField(max_length=10, choices=settings.LANGUAGES, default="en")
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="event_series"
    )
    location = models.ForeignKey(
        Location, on_delete=models.PROTECT, null=True, blank=True, related_name="event_series"
    )
    room = models.CharField(max_length=120, blank=True)
    # Shown only to people registered (confirmation page, emails, their .ics).
    virtual_url = models.URLField(blank=True)
    time_zone = models.CharField(
        max_length=64, default="America/New_York", validators=[validate_time_zone]
    )
    first_date = models.DateField()
    start_time = models.TimeField()
    duration_minutes = models.PositiveSmallIntegerField(default=60)
    rrule = models.CharField(
        max_length=300,
        blank=True,
        help_text="RFC 5545 rule without DTSTART, e.g. FREQ=WEEKLY;BYDAY=TU;COUNT=12.",
    )
    exdates = models.JSONField(
        default=list, blank=True, help_text="Dates (YYYY-MM-DD) the rule skips."
    )
    capacity = models.PositiveIntegerField(default=20)
    is_published = models.BooleanField(default=True)
    # Bumped on every change a calendar must pick up (RFC 5545 SEQUENCE).
    sequence = models.PositiveIntegerField(default=0)
    # The day its sessions were last made up to the horizon (the sweep does it once a day).
    materialised_on = models.DateField(null=True, blank=True, editable=False)

    objects = EventSeriesQuerySet.as_manager()

    class Meta:
        ordering = ["first_date", "start_time", "slug"]
        verbose_name_plural = "event series"
        constraints = [
            models.CheckConstraint(
                condition=Q(location__isnull=False) | ~Q(virtual_url=""),
                name="events_series_has_a_place",
            )
        ]

    def __str__(self) -> str:
        return self.title

    def get_absolute_url(self) -> str:
        return reverse("events:detail", kwargs={"slug": self.slug})

    def language_of(self, field: str, language: str | None = None) -> str:
        """The language `localized(field, language)` is written in: the one asked when
        translated, else the series' own (its title and description are written in the
        language the event is held in)."""
        code = (language or get_language() or "en").lower()
        return code if self.translations.get(code, {}).get(field) else self.language

    @property
    def localized_title(self) -> str:
        return str(self.localized("title"))

    @property
    def localized_description(self) -> str:
        return str(self.localized("description"))

    @property
    def is_virtual(self) -> bool:
        return self.location_id is None

    @property
    def zone(self) -> ZoneInfo:
        return ZoneInfo(self.time_zone)

    def clean(self) -> None:
        if self.location_id is None and not self.virtual_url:
            raise ValidationError(_("Choose a location or give a virtual link."))
        if self.rrule:
            rules.check_rule(self.rrule)
        rules.check_exdates(self.exdates)


class SessionStatus(models.TextChoices):
    SCHEDULED = "scheduled", _("Scheduled")
    CANCELLED = "cancelled", _("Cancelled")


class EventSessionQuerySet(models.QuerySet["EventSession"]):
    def upcoming(self) -> EventSessionQuerySet:
        return self.filter(ends_at__gt=timezone.now())

    def listed(self) -> EventSessionQuerySet:
        return self.filter(series__is_published=True)


class EventSession(PublicModel):
    """One occurrence of a series: what people register for."""

    series = models.ForeignKey(EventSeries, on_delete=models.CASCADE, related_name="sessions")
    starts_at = models.DateTimeField()
    ends_at = models.DateTimeField()
    capacity = models.PositiveIntegerField()
    status = models.CharField(
        max_length=12, choices=SessionStatus.choices, default=SessionStatus.SCHEDULED
    )
    sequence = models.PositiveIntegerField(default=0)

    objects = EventSessionQuerySet.as_manager()

    class Meta:
        ordering = ["starts_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["series", "starts_at"], name="events_one_session_per_start"
            ),
            models.CheckConstraint(
                condition=Q(ends_at__gt=models.F("starts_at")),
                name="events_session_ends_after_start",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.series.title} {self.starts_at:%Y-%m-%d %H:%M}"

    @property
    def is_cancelled(self) -> bool:
        return self.status == SessionStatus.CANCELLED

    @property
    def local_start(self) -> datetime:
        return timezone.localtime(self.starts_at, self.series.zone)

    @property
    def local_end(self) -> datetime:
        return timezone.localtime(self.ends_at, self.series.zone)

    def is_open(self, now: datetime | None = None) -> bool:
        return not self.is_cancelled and self.starts_at > (now or timezone.now())

    def reminder_due(self) -> datetime:
        return self.starts_at - timedelta(hours=24)


class RegistrationStatus(models.TextChoices):
    REGISTERED = "registered", _("Registered")
    WAITLISTED = "waitlisted", _("On the waitlist")
    CANCELLED = "cancelled", _("Cancelled")


ACTIVE = [RegistrationStatus.REGISTERED, RegistrationStatus.WAITLISTED]


class Registration(PublicModel):
    session = models.ForeignKey(
        EventSession, on_delete=models.CASCADE, related_name="registrations"
    )
    name = models.CharField(max_length=200)
    email = models.EmailField()  # stored lowercased: one registration per address and session
    phone = models.CharField(max_length=40, blank=True)
    user = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    language = models.CharField(max_length=10, default="en")
    status = models.CharField(max_length=12, choices=RegistrationStatus.choices)
    promoted_at = models.DateTimeField(null=True, blank=True)
    cancelled_at = models.DateTimeField(null=True, blank=True)
    # Only for the hourly limit on registrations from one address (R29).
    client_ip = models.GenericIPAddressField(null=True, blank=True)

    class Meta:
        ordering = ["created_at", "id"]
        constraints = [
            models.UniqueConstraint(
                fields=["session", "email"],
                condition=Q(status__in=["registered", "waitlisted"]),
                name="events_one_active_registration_per_email",
            )
        ]
        indexes = [models.Index(fields=["session", "status", "created_at"])]

    def __str__(self) -> str:
        return f"{self.session} · {self.status}"

    @property
    def reference(self) -> str:
        return f"event-registration:{self.public_id}"

    def as_dict(self) -> dict[str, Any]:
        return {"id": str(self.public_id), "status": self.status}

"""Quality measures as data: definitions with versions, benchmarks, stratifiers, figures that
analysts enter, monthly snapshots (drafts until a month is published) and publications.

No table here holds patient data: snapshots keep counts per stratum, never a person."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.db import models
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel


class Aim(models.TextChoices):
    """The six aims of the Institute of Medicine (Crossing the Quality Chasm, 2001)."""

    SAFE = "safe", _("Safe")
    TIMELY = "timely", _("Timely")
    EFFECTIVE = "effective", _("Effective")
    EFFICIENT = "efficient", _("Efficient")
    EQUITABLE = "equitable", _("Equitable")
    PATIENT_CENTERED = "patient_centered", _("Patient-centered")


class Kind(models.TextChoices):
    PROPORTION = "proportion", _("Proportion")
    MEDIAN = "median", _("Median")
    RATIO = "ratio", _("Ratio")
    RATE = "rate", _("Rate")


class Direction(models.TextChoices):
    HIGHER = "higher", _("Higher is better")
    LOWER = "lower", _("Lower is better")


class Source(models.TextChoices):
    COMPUTED = "computed", _("Computed from our records")
    ENTERED = "entered", _("Entered by an analyst")


class Measure(PublicModel):
    """What is measured; the words (definition, explanation) live in its versions."""

    code = models.SlugField(max_length=60, unique=True)
    aim = models.CharField(max_length=20, choices=Aim.choices)
    kind = models.CharField(max_length=12, choices=Kind.choices)
    direction = models.CharField(max_length=8, choices=Direction.choices)
    source = models.CharField(max_length=10, choices=Source.choices)
    target = models.FloatField(null=True, blank=True)
    # CMS cell-size policy: fewer than 11 in the denominator is never shown.
    minimum_denominator = models.PositiveIntegerField(default=11)
    # The gap that matters when a stratum is compared with the rest (0.05 = 5 points).
    meaningful_gap = models.FloatField(default=0.05)
    per = models.PositiveIntegerField(default=1, help_text="1000 for a rate per 1,000")
    unit = models.CharField(max_length=20, blank=True)  # "days", "hours", "%"
    is_public = models.BooleanField(default=True)
    steward = models.CharField(max_length=200)
    # QOPI and CoC specifications are proprietary: ours are written "after" them.
    after = models.CharField(max_length=200, blank=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]
        permissions = [
            ("view_dashboard", "Can see the quality dashboard"),
            ("enter_figures", "Can enter quality figures"),
            ("publish_month", "Can publish a month of quality figures"),
        ]

    def __str__(self) -> str:
        return self.code

    @property
    def is_proportion(self) -> bool:
        return self.kind == Kind.PROPORTION


class MeasureVersion(PublicModel):
    """One wording of a measure; a snapshot keeps the version it was computed under."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="versions")
    number = models.PositiveSmallIntegerField()
    name = models.CharField(max_length=200)
    definition = models.TextField()
    numerator = models.TextField()
    denominator = models.TextField()
    exclusions = models.TextField(blank=True)
    explanation = models.TextField()
    # {"es": {"name": ..., "definition": ..., "explanation": ...}, ...}: keys are LANGUAGES codes.
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        ordering = ["measure", "-number"]
        constraints = [
            models.UniqueConstraint(fields=["measure", "number"], name="quality_one_version_number")
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} v{self.number}"

    def text(self, field: str, language: str) -> str:
        """`field` (name, definition or explanation) in `language`, English when untranslated."""
        return self.text_in(field, language)[0]

    def text_in(self, field: str, language: str) -> tuple[str, str]:
        """`field` in `language` and "", or the English text and "en" when it is untranslated
        (so a page can mark the fallback with lang="en")."""
        if language == "en" or language.startswith("en-"):
            return str(getattr(self, field)), ""
        translated: Any = (self.translations or {}).get(language, {})
        value = translated.get(field) if isinstance(translated, dict) else None
        if value:
            return str(value), ""
        return str(getattr(self, field)), "en"


class Benchmark(PublicModel):
    measure = models.ForeignKey(Measure, on_delete=models.CASCADE, related_name="benchmarks")
    value = models.FloatField()
    source = models.CharField(max_length=300)
    year = models.PositiveSmallIntegerField()
    # A made-up figure for the demo, labelled so on every surface.
    is_demo = models.BooleanField(default=False)

    class Meta:
        ordering = ["measure", "-year"]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.year}: {self.value}"


class StratifierKind(models.TextChoices):
    LANGUAGE = "language", _("Preferred language")
    SEX = "sex", _("Sex")
    AGE_BAND = "age_band", _("Age band")
    AREA = "area", _("Area")
    # Not an equity stratifier: where a measure's unit has a program (a referral's, a tumor
    # board's), programs are compared with one another on a funnel plot.
    PROGRAM = "program", _("Program")


class Stratifier(PublicModel):
    """A way of splitting a measure; only the kinds above are computed (an allow-list)."""

    code = models.SlugField(max_length=40, unique=True)
    name = models.CharField(max_length=120)
    kind = models.CharField(max_length=12, choices=StratifierKind.choices, unique=True)
    is_active = models.BooleanField(default=True)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "code"]

    def __str__(self) -> str:
        return self.code


class Entry(PublicModel):
    """Figures an analyst entered for one month, with the document they came from.

    Rows are never edited: a correction is a new row naming the one it corrects and why."""

    measure = models.ForeignKey(Measure, on_delete=models.PROTECT, related_name="entries")
    month = models.DateField()  # the first day of the month
    numerator = models.PositiveIntegerField()  # observed infections, falls, top-box answers
    denominator = models.FloatField()  # predicted (NHSN), patient days, respondents
    source_filename = models.CharField(max_length=200)
    source_content_type = models.CharField(max_length=100)
    source_size = models.PositiveIntegerField()
    source_sha256 = models.CharField(max_length=64)
    vault_key = models.CharField(max_length=200)
    source_note = models.CharField(max_length=300, blank=True)
    corrects = models.OneToOneField(
        "self", on_delete=models.PROTECT, null=True, blank=True, related_name="corrected_by"
    )
    reason = models.CharField(max_length=300, blank=True)
    entered_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )

    class Meta:
        ordering = ["measure", "-month", "-created_at"]
        verbose_name_plural = "entries"
        constraints = [
            models.CheckConstraint(
                condition=models.Q(numerator__gte=0) & models.Q(denominator__gt=0),
                name="quality_entry_positive",
            ),
            models.CheckConstraint(
                condition=models.Q(corrects__isnull=True) | ~models.Q(reason=""),
                name="quality_correction_has_reason",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.measure.code} {self.month:%Y-%m}"


class SnapshotStatus(models.TextChoices):
    DRAFT = "draft", _("Draft")
    PUBLISHED = "published", _("Published")


class Snapshot(PublicModel):
    """A measure's figure for one month and one stratum ('' and '' = everyone)."""

    version = models.ForeignKey(MeasureVersion, on_delete=models.PROTECT, related_name="snapshots")
    month = models.DateField()
    stratifier = models.CharField(max_length=12, blank=True)
    stratum = models.CharField(max_length=60, blank=True)  # a program's slug is up to 50
    numerator = models.FloatField(null=True, blank=True)
    denominator = models.FloatField(null=True, blank=True)
    value = models.FloatField(null=True, blank=True)
    low = models.FloatField(null=True, blank=True)
    high = models.FloatField(null=True, blank=True)
    # Worse than the rest by the measure's gap, with a Newcombe interval excluding zero.
    flagged = models.BooleanField(default=False)
    status = models.CharField(
        max_length=10, choices=SnapshotStatus.choices, default=SnapshotStatus.DRAFT
    )

    class Meta:
        ordering = ["version", "month", "stratifier", "stratum"]
        constraints = [
            models.UniqueConstraint(
                fields=["version", "month", "stratifier", "stratum"],
                name="quality_one_snapshot_per_stratum",
            )
        ]
        indexes = [models.Index(fields=["status", "month"])]

    def __str__(self) -> str:
        return f"{self.version} {self.month:%Y-%m} {self.stratifier}:{self.stratum}"


class Publication(PublicModel):
    month = models.DateField(unique=True)
    published_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+"
    )
    published_at = models.DateTimeField()

    class Meta:
        ordering = ["-month"]

    def __str__(self) -> str:
        return f"{self.month:%Y-%m}"

"""The center's public directory: programs, conditions, specialties, locations, clinicians.

Nothing here is patient data. Content that patients read in their own language carries a
`translations` JSON field: {"es": {"name": "...", "teaser": "..."}, ...}; English is the
model field itself.
"""

import math
from typing import Any

from django.contrib.postgres.search import SearchVectorField
from django.db import models
from django.urls import reverse
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel


class Translated(models.Model):
    translations = models.JSONField(default=dict, blank=True)

    class Meta:
        abstract = True

    def localized(self, field: str, language: str | None = None) -> Any:
        """The field in the given (or current) language, falling back to English."""
        code = (language or get_language() or "en").lower()
        value = self.translations.get(code, {}).get(field)
        return value if value else getattr(self, field)

    def language_of(self, field: str, language: str | None = None) -> str:
        """The language `localized(field, language)` is written in: the one asked, or English."""
        code = (language or get_language() or "en").lower()
        return code if self.translations.get(code, {}).get(field) else "en"


class Specialty(Translated):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=120)

    class Meta:
        ordering = ["name"]
        verbose_name_plural = "specialties"

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return str(self.localized("name"))


class Program(PublicModel, Translated):
    """A multidisciplinary program: the team, the conditions it treats, what it offers."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    teaser = models.TextField(blank=True)
    overview = models.TextField(blank=True, help_text="Sanitized HTML.")
    # Structured sections of the program page (see docs/domains/directory.md): conditions,
    # diagnosis, imaging, team roles, treatments, outcomes, research, resources, visit.
    content = models.JSONField(default=dict, blank=True)
    order = models.PositiveSmallIntegerField(default=0)
    is_published = models.BooleanField(default=True)

    class Meta:
        ordering = ["order", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:program", args=[self.slug])

    @property
    def label(self) -> str:
        return str(self.localized("name"))

    @property
    def teaser_text(self) -> str:
        return str(self.localized("teaser"))


class Condition(Translated):
    """A condition patients search for, coded with OncoTree and ICD-10-CM."""

    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    oncotree_code = models.CharField(max_length=20, blank=True)
    icd10_codes = models.JSONField(default=list, blank=True)
    programs = models.ManyToManyField(Program, related_name="conditions", blank=True)
    primary_program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name

    @property
    def label(self) -> str:
        return str(self.localized("name"))


class ConditionTerm(models.Model):
    """A word or phrase, in one language, that means the condition: names and lay terms."""

    condition = models.ForeignKey(Condition, on_delete=models.CASCADE, related_name="terms")
    language = models.CharField(max_length=10)
    term = models.CharField(max_length=200)

    class Meta:
        constraints = [
            models.UniqueConstraint(
                fields=["condition", "language", "term"], name="directory_term_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.term} ({self.language})"


class LocationKind(models.TextChoices):
    MAIN_CAMPUS = "main", _("Main campus")
    CLINIC = "clinic", _("Clinic")
    NETWORK = "network", _("Affiliated network site")


class Location(PublicModel, Translated):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    kind = models.CharField(max_length=10, choices=LocationKind.choices)
    street = models.CharField(max_length=200)
    city = models.CharField(max_length=100)
    region = models.CharField(max_length=100)
    postal_code = models.CharField(max_length=20)
    country = models.CharField(max_length=2, default="US")
    latitude = models.FloatField()
    longitude = models.FloatField()
    phone = models.CharField(max_length=40)
    hours = models.JSONField(
        default=list, blank=True
    )  # [["Monday to Friday", "7:30 to 18:00"], ...]
    services = models.JSONField(default=list, blank=True)
    parking = models.TextField(blank=True)
    transport = models.TextField(blank=True)
    accessibility = models.TextField(blank=True)

    class Meta:
        ordering = ["kind", "name"]

    def __str__(self) -> str:
        return self.name

    def get_absolute_url(self) -> str:
        return reverse("directory:location", args=[self.slug])

    @property
    def label(self) -> str:
        return str(self.localized("name"))

    def distance_km(self, latitude: float, longitude: float) -> float:
        return haversine_km(self.latitude, self.longitude, latitude, longitude)


class Gender(models.TextChoices):
    FEMALE = "female", _("Female")
    MALE = "male", _("Male")
    NON_BINARY = "non_binary", _("Non-binary")


class Clinician(PublicModel):
    slug = models.SlugField(unique=True, max_length=120)
    given_name = models.CharField(max_length=100)
    family_name = models.CharField(max_length=100)
    credentials = models.CharField(max_length=60, blank=True)  # "MD, PhD"
    title = models.CharField(max_length=200, blank=True)
    gender = models.CharField(max_length=12, choices=Gender.choices, blank=True)
    languages = models.JSONField(default=list, blank=True)  # ISO 639-1 codes
    specialties = models.ManyToManyField(Specialty, related_name="clinicians", blank=True)
    board_certifications = models.JSONField(default=list, blank=True)
    programs = models.ManyToManyField(Program, related_name="clinicians", blank=True)
    conditions = models.ManyToManyField(Condition, related_name="clinicians", blank=True)
    locations = models.ManyToManyField(Location, related_name="clinicians", blank=True)
    accepting_new_patients = models.BooleanField(default=True)
    telehealth = models.BooleanField(default=False)
    clinical_interests = models.TextField(blank=True)
    research_interests = models.TextField(blank=True)
    bio_teaser = models.TextField(blank=True)
    bio = models.TextField(blank=True, help_text="Sanitized HTML.")
    is_active = models.BooleanField(default=True)
    # Free text for the database's full-text search: a tsvector on PostgreSQL (GIN-indexed,
    # see migrations); unused on SQLite, which keeps an FTS5 table instead (fts.py).
    search_document = SearchVectorField(null=True, editable=False)

    class Meta:
        ordering = ["family_name", "given_name"]
        indexes = [models.Index(fields=["family_name", "given_name"])]

    def __str__(self) -> str:
        return self.display_name

    def get_absolute_url(self) -> str:
        return reverse("directory:doctor", args=[self.slug])

    @property
    def display_name(self) -> str:
        name = f"{self.given_name} {self.family_name}"
        return f"{name}, {self.credentials}" if self.credentials else name

    @property
    def initials(self) -> str:
        return f"{self.given_name[:1]}{self.family_name[:1]}".upper()

    @property
    def portrait(self) -> "ClinicianPhoto | None":
        """The clinician's portrait, if an editor gave one (select_related("photo") to read it
        with the clinician)."""
        try:
            return self.photo
        except ClinicianPhoto.DoesNotExist:
            return None

    @property
    def photo_url(self) -> str:
        portrait = self.portrait
        return portrait.url if portrait is not None else ""

    @property
    def photo_alt(self) -> str:
        portrait = self.portrait
        return portrait.alt_text if portrait is not None else ""


class ClinicianPhoto(models.Model):
    """A clinician's portrait, re-encoded (no camera metadata) and kept in the database, so
    every web worker behind a load balancer serves it and a backup holds it. Its address
    carries a digest of the image, so browsers may keep it for a year."""

    clinician = models.OneToOneField(Clinician, on_delete=models.CASCADE, related_name="photo")
    image = models.BinaryField()
    content_type = models.CharField(max_length=40)
    digest = models.CharField(max_length=64)
    alt_text = models.CharField(
        max_length=200, help_text="What the portrait shows, read to people who cannot see it."
    )
    updated_at = models.DateTimeField(auto_now=True)

    def __str__(self) -> str:
        return self.alt_text

    @property
    def url(self) -> str:
        return reverse("directory:photo", args=[self.clinician.slug, self.digest[:16]])


class ProgramTeamMember(models.Model):
    """A clinician's role on a program's multidisciplinary team."""

    program = models.ForeignKey(Program, on_delete=models.CASCADE, related_name="team")
    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="+")
    role = models.CharField(max_length=120)
    order = models.PositiveSmallIntegerField(default=0)

    class Meta:
        ordering = ["order", "clinician__family_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["program", "clinician", "role"], name="directory_team_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.role}: {self.clinician_id}"


def haversine_km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    r = 6371.0
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    a = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * r * math.asin(math.sqrt(a))


class IndexVersion(models.Model):
    """One row, changed with every directory write, so each worker knows to rebuild its index.

    In the database rather than the cache: the embedded default's cache is per process, and a
    write that rolls back must not announce a change.
    """

    version = models.CharField(max_length=32)

    def __str__(self) -> str:
        return self.version

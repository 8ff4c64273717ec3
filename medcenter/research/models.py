"""Publications (from MEDLINE or RIS imports), the labs they come from, and who wrote them.

A publication is the same paper when it has the same PMID or, failing that, the same
normalized DOI (lowercase, without a resolver prefix); the database holds both unique."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from medcenter.core.models import PublicModel
from medcenter.directory.models import Clinician, Program, Translated


class Lab(PublicModel, Translated):
    slug = models.SlugField(unique=True)
    name = models.CharField(max_length=200)
    description = models.TextField(blank=True)
    program = models.ForeignKey(
        Program, on_delete=models.SET_NULL, null=True, blank=True, related_name="labs"
    )

    class Meta:
        ordering = ["name"]

    def __str__(self) -> str:
        return self.name


class Source(models.TextChoices):
    MEDLINE = "medline", "MEDLINE"
    RIS = "ris", "RIS"
    MANUAL = "manual", _("Entered by hand")


class Publication(PublicModel):
    pmid = models.CharField("PMID", max_length=12, null=True, blank=True, unique=True)
    doi = models.CharField("DOI", max_length=200, null=True, blank=True, unique=True)
    title = models.TextField()
    journal = models.CharField(max_length=300, blank=True)
    year = models.PositiveSmallIntegerField(null=True, blank=True)
    volume = models.CharField(max_length=40, blank=True)
    issue = models.CharField(max_length=40, blank=True)
    pages = models.CharField(max_length=40, blank=True)
    authors = models.JSONField(default=list, blank=True)  # "Family, Given" as printed
    abstract = models.TextField(blank=True)
    source = models.CharField(max_length=10, choices=Source.choices, default=Source.MANUAL)
    programs = models.ManyToManyField(Program, related_name="publications", blank=True)
    labs = models.ManyToManyField(Lab, related_name="publications", blank=True)

    class Meta:
        ordering = ["-year", "title"]
        constraints = [
            models.CheckConstraint(
                condition=Q(pmid__isnull=False) | Q(doi__isnull=False),
                name="research_publication_has_an_identifier",
            )
        ]

    def __str__(self) -> str:
        return self.title[:80]

    @property
    def doi_url(self) -> str:
        return f"https://doi.org/{self.doi}" if self.doi else ""

    @property
    def pubmed_url(self) -> str:
        return f"https://pubmed.ncbi.nlm.nih.gov/{self.pmid}/" if self.pmid else ""

    @property
    def citation(self) -> str:
        parts = [self.journal]
        if self.year:
            parts.append(str(self.year))
        where = ":".join(
            p for p in [self.volume + (f"({self.issue})" if self.issue else ""), self.pages] if p
        )
        if where:
            parts.append(where)
        return ". ".join(p for p in parts if p)


class AuthorshipStatus(models.TextChoices):
    SUGGESTED = "suggested", _("Suggested")
    CONFIRMED = "confirmed", _("Confirmed")
    REJECTED = "rejected", _("Rejected")


class Authorship(PublicModel):
    """A clinician named as an author: suggested by name, shown only once an editor confirms."""

    publication = models.ForeignKey(
        Publication, on_delete=models.CASCADE, related_name="authorships"
    )
    clinician = models.ForeignKey(Clinician, on_delete=models.CASCADE, related_name="authorships")
    author_name = models.CharField(max_length=200)
    status = models.CharField(
        max_length=10, choices=AuthorshipStatus.choices, default=AuthorshipStatus.SUGGESTED
    )
    decided_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    decided_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        ordering = ["publication", "clinician"]
        constraints = [
            models.UniqueConstraint(
                fields=["publication", "clinician"], name="research_one_authorship_per_clinician"
            )
        ]
        permissions = [("confirm_authorship", "Can confirm suggested authorships")]

    def __str__(self) -> str:
        return f"{self.author_name} → {self.clinician}"

# Wagtail ships no type information: its base classes are Any to mypy, so fields declared on
# their subclasses cannot be inferred and reverse managers cannot be resolved.
# mypy: disable-error-code="misc,var-annotated,django-manager-missing"
"""The editorial pages (Wagtail) and what they need: images with alt text, story consent.

Clinicians, programs, locations and trials stay in their apps; a page names them through
`RecordLink` rows (one chooser panel per page). A program's long-form sections live on a
`ProgramPage` linked to the directory's `Program`, which stays the source for search and FHIR
(ADR 0010).
"""

from typing import Any, ClassVar

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.http import Http404, HttpRequest, HttpResponse
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from modelcluster.fields import ParentalKey
from wagtail import blocks
from wagtail.admin.panels import FieldPanel, InlinePanel, MultiFieldPanel
from wagtail.fields import RichTextField, StreamField
from wagtail.images.models import AbstractImage, AbstractRendition, Image
from wagtail.models import Orderable, Page
from wagtail.search import index

from medcenter.core.models import PublicModel

# Headings, lists, links and emphasis: nothing else reaches a page (R16; rendering also runs
# the text through nh3 with the same allow-list, see templatetags/content_tags.py).
RICH_TEXT_FEATURES = ["h2", "h3", "h4", "bold", "italic", "ol", "ul", "link"]


class CenterImage(AbstractImage):
    """An image editors upload: its description is the alt text, required unless decorative."""

    # Not `decorative`: Wagtail's image keeps an attribute of that name for ImageBlock.
    is_decorative = models.BooleanField(
        _("decorative"),
        default=False,
        help_text=_("Decorative images are hidden from screen readers and need no description."),
    )

    # No reverse accessor on users: nothing asks a user for the images they uploaded.
    uploaded_by_user = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        verbose_name=_("uploaded by user"),
        null=True,
        blank=True,
        editable=False,
        on_delete=models.SET_NULL,
        related_name="+",
    )
    uploaded_by_user.wagtail_reference_index_ignore = True  # type: ignore[attr-defined]

    admin_form_fields = (*Image.admin_form_fields, "is_decorative")

    def clean(self) -> None:
        super().clean()
        if not self.is_decorative and not (self.description or "").strip():
            raise ValidationError(
                {
                    "description": _(
                        "Describe the image for people who cannot see it (alt text), "
                        "or mark it as decorative."
                    )
                }
            )

    @property
    def alt(self) -> str:
        return "" if self.is_decorative else (self.description or "")

    @property
    def default_alt_text(self) -> str:
        return self.alt


class CenterRendition(AbstractRendition):
    image = models.ForeignKey(CenterImage, on_delete=models.CASCADE, related_name="renditions")

    class Meta:
        unique_together = (("image", "filter_spec", "focal_point_key"),)


class ConsentScope(models.TextChoices):
    WEBSITE = "website", _("The center's website")
    WEBSITE_AND_PRINT = "website_print", _("The website and printed materials")
    ALL_CHANNELS = "all", _("The website, print and social media")


class StoryConsent(PublicModel):
    """A storyteller's recorded permission to publish their story (R18/R19: the signed form
    is kept encrypted in the vault)."""

    storyteller = models.CharField(_("storyteller"), max_length=200)
    given_on = models.DateField(_("consent given on"))
    scope = models.CharField(_("scope"), max_length=20, choices=ConsentScope.choices)
    storyteller_is_minor = models.BooleanField(_("storyteller is under 18"), default=False)
    guardian = models.CharField(_("parent or guardian"), max_length=200, blank=True)
    form_vault_key = models.CharField(max_length=32, editable=False)
    form_content_type = models.CharField(max_length=100, editable=False)
    recorded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.PROTECT, related_name="+", null=True
    )
    withdrawn_at = models.DateTimeField(null=True, blank=True, editable=False)
    withdrawn_by = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.PROTECT,
        related_name="+",
        null=True,
        blank=True,
        editable=False,
    )

    class Meta:
        ordering = ["-given_on"]
        constraints = [
            models.CheckConstraint(
                condition=~models.Q(storyteller_is_minor=True, guardian=""),
                name="content_consent_minor_has_guardian",
            )
        ]

    def __str__(self) -> str:
        state = _("withdrawn") if self.withdrawn_at else self.get_scope_display()
        return f"{self.storyteller} ({self.given_on:%Y-%m-%d}, {state})"

    @property
    def is_valid(self) -> bool:
        return (
            self.withdrawn_at is None
            and bool(self.form_vault_key)
            and (not self.storyteller_is_minor or bool(self.guardian.strip()))
        )


class ContentPage(Page):
    """What every editorial page has: a summary, an optional image, links to records."""

    summary = models.TextField(_("summary"), blank=True, max_length=400)
    image = models.ForeignKey(
        CenterImage, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    search_fields: ClassVar[list[Any]] = [*Page.search_fields, index.SearchField("summary")]
    content_panels: ClassVar[list[Any]] = [
        *Page.content_panels,
        FieldPanel("summary"),
        FieldPanel("image"),
    ]
    links_panel: ClassVar[list[Any]] = [
        InlinePanel("record_links", heading=_("Clinicians, programs, locations and trials"))
    ]
    # The schema.org type its JSON-LD names (jsonld.py).
    schema_type: ClassVar[str] = "MedicalWebPage"

    class Meta:
        abstract = True

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from medcenter.content import pagecontext

        context: dict[str, Any] = super().get_context(request, *args, **kwargs)
        context["page_language"] = self.locale.language_code
        context["breadcrumbs"] = pagecontext.breadcrumbs(self)
        context["linked_records"] = pagecontext.linked_records(self)
        return context


class SectionPage(ContentPage):
    """A section's front page (Patient Resources, Stories, News, Labs, Education): lists its
    published children in the visitor's language."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)

    search_fields: ClassVar[list[Any]] = [*ContentPage.search_fields, index.SearchField("intro")]
    content_panels: ClassVar[list[Any]] = [*ContentPage.content_panels, FieldPanel("intro")]
    template = "content/section_page.html"

    class Meta:
        verbose_name = _("section")

    def get_context(self, request: HttpRequest, *args: Any, **kwargs: Any) -> dict[str, Any]:
        from medcenter.content import pagecontext

        context = super().get_context(request, *args, **kwargs)
        context["children"] = pagecontext.children_of(self)
        return context


class SiteRootPage(Page):
    """The tree's top: `/<lang>/` itself is the home page (pages app), so this is never shown."""

    max_count = 1
    parent_page_types: ClassVar[list[str]] = ["wagtailcore.Page"]

    class Meta:
        verbose_name = _("content root")

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        raise Http404


class ResourcePage(ContentPage):
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES)

    search_fields: ClassVar[list[Any]] = [*ContentPage.search_fields, index.SearchField("body")]
    content_panels: ClassVar[list[Any]] = [
        *ContentPage.content_panels,
        FieldPanel("body"),
        *ContentPage.links_panel,
    ]
    parent_page_types: ClassVar[list[str]] = ["content.SectionPage"]
    template = "content/resource_page.html"

    class Meta:
        verbose_name = _("patient resource")


class ChecklistPage(ContentPage):
    """A checklist patients print and bring (print CSS: content/static/content/content.css)."""

    intro = RichTextField(_("introduction"), features=RICH_TEXT_FEATURES, blank=True)
    items = StreamField(
        [
            ("heading", blocks.CharBlock(label=_("Heading"), max_length=120)),
            ("item", blocks.CharBlock(label=_("Item"), max_length=300)),
        ],
        verbose_name=_("checklist"),
    )

    search_fields: ClassVar[list[Any]] = [
        *ContentPage.search_fields,
        index.SearchField("intro"),
        index.SearchField("items"),
    ]
    content_panels: ClassVar[list[Any]] = [
        *ContentPage.content_panels,
        FieldPanel("intro"),
        FieldPanel("items"),
        *ContentPage.links_panel,
    ]
    parent_page_types: ClassVar[list[str]] = ["content.SectionPage"]
    template = "content/checklist_page.html"

    class Meta:
        verbose_name = _("printable checklist")

    def groups(self) -> list[tuple[str, list[str]]]:
        """The checklist as (heading, items) groups; items before any heading have none."""
        groups: list[tuple[str, list[str]]] = []
        for block in self.items:
            if block.block_type == "heading":
                groups.append((str(block.value), []))
            else:
                if not groups:
                    groups.append(("", []))
                groups[-1][1].append(str(block.value))
        return groups


class StoryPage(ContentPage):
    """A patient's or family's story: published only while its consent stands."""

    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES)
    consent = models.ForeignKey(
        StoryConsent,
        null=True,
        blank=True,
        on_delete=models.PROTECT,
        related_name="stories",
        verbose_name=_("consent"),
    )

    search_fields: ClassVar[list[Any]] = [*ContentPage.search_fields, index.SearchField("body")]
    content_panels: ClassVar[list[Any]] = [
        *ContentPage.content_panels,
        FieldPanel("consent"),
        FieldPanel("body"),
        *ContentPage.links_panel,
    ]
    parent_page_types: ClassVar[list[str]] = ["content.SectionPage"]
    template = "content/article_page.html"
    schema_type = "Article"

    class Meta:
        verbose_name = _("story")

    def save(self, *args: Any, **kwargs: Any) -> None:
        # The one place every way of publishing passes (admin, workflow, scheduled, code): a
        # live story without standing consent is never written.
        if self.live and (self.consent is None or not self.consent.is_valid):
            raise ValidationError(
                {"consent": _("A story cannot be published without the storyteller's consent.")}
            )
        super().save(*args, **kwargs)


class NewsPage(ContentPage):
    published_on = models.DateField(_("date"), default=timezone.localdate)
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES)

    search_fields: ClassVar[list[Any]] = [*ContentPage.search_fields, index.SearchField("body")]
    content_panels: ClassVar[list[Any]] = [
        *ContentPage.content_panels,
        FieldPanel("published_on"),
        FieldPanel("body"),
        *ContentPage.links_panel,
    ]
    parent_page_types: ClassVar[list[str]] = ["content.SectionPage"]
    template = "content/article_page.html"
    schema_type = "Article"

    class Meta:
        verbose_name = _("news item")


class LabPage(ContentPage):
    """A research lab or core facility (the tissue archive, computational biology)."""

    focus = RichTextField(_("research focus"), features=RICH_TEXT_FEATURES)
    contact_email = models.EmailField(_("contact email"), blank=True)

    search_fields: ClassVar[list[Any]] = [*ContentPage.search_fields, index.SearchField("focus")]
    content_panels: ClassVar[list[Any]] = [
        *ContentPage.content_panels,
        FieldPanel("focus"),
        FieldPanel("contact_email"),
        *ContentPage.links_panel,
    ]
    parent_page_types: ClassVar[list[str]] = ["content.SectionPage"]
    template = "content/lab_page.html"

    class Meta:
        verbose_name = _("lab")


class TrainingKind(models.TextChoices):
    RESIDENCY = "residency", _("Residency")
    FELLOWSHIP = "fellowship", _("Fellowship")


class EducationPage(ContentPage):
    """A residency or fellowship listing."""

    kind = models.CharField(_("kind"), max_length=20, choices=TrainingKind.choices)
    duration_years = models.PositiveSmallIntegerField(_("length in years"), default=1)
    positions = models.PositiveSmallIntegerField(_("positions per year"), default=1)
    application_deadline = models.DateField(_("application deadline"), null=True, blank=True)
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES)

    search_fields: ClassVar[list[Any]] = [*ContentPage.search_fields, index.SearchField("body")]
    content_panels: ClassVar[list[Any]] = [
        *ContentPage.content_panels,
        MultiFieldPanel(
            [
                FieldPanel("kind"),
                FieldPanel("duration_years"),
                FieldPanel("positions"),
                FieldPanel("application_deadline"),
            ],
            heading=_("Listing"),
        ),
        FieldPanel("body"),
        *ContentPage.links_panel,
    ]
    parent_page_types: ClassVar[list[str]] = ["content.SectionPage"]
    template = "content/education_page.html"

    class Meta:
        verbose_name = _("education listing")


class StandardPage(ContentPage):
    body = RichTextField(_("body"), features=RICH_TEXT_FEATURES)

    search_fields: ClassVar[list[Any]] = [*ContentPage.search_fields, index.SearchField("body")]
    content_panels: ClassVar[list[Any]] = [
        *ContentPage.content_panels,
        FieldPanel("body"),
        *ContentPage.links_panel,
    ]
    template = "content/standard_page.html"

    class Meta:
        verbose_name = _("standard page")


class ProgramPage(ContentPage):
    """Long-form sections for one directory program, shown on the program's own page."""

    program = models.ForeignKey(
        "directory.Program", on_delete=models.PROTECT, related_name="+", verbose_name=_("program")
    )
    sections = StreamField(
        [
            (
                "section",
                blocks.StructBlock(
                    [
                        ("heading", blocks.CharBlock(max_length=120)),
                        ("body", blocks.RichTextBlock(features=RICH_TEXT_FEATURES)),
                    ],
                    label=_("Section"),
                ),
            )
        ],
        verbose_name=_("sections"),
    )

    search_fields: ClassVar[list[Any]] = [
        *ContentPage.search_fields,
        index.SearchField("sections"),
    ]
    content_panels: ClassVar[list[Any]] = [
        *ContentPage.content_panels,
        FieldPanel("program"),
        FieldPanel("sections"),
    ]
    template = "content/standard_page.html"

    class Meta:
        verbose_name = _("program sections")

    def clean(self) -> None:
        super().clean()
        # One sections page per program and language (locale lives on Wagtail's page table,
        # so no database constraint can span both).
        others = ProgramPage.objects.filter(program_id=self.program_id, locale_id=self.locale_id)
        if self.program_id and others.exclude(pk=self.pk).exists():
            raise ValidationError({"program": _("This program already has a sections page.")})

    def serve(self, request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        # The program's page is the directory's; these sections are shown there.
        from django.shortcuts import redirect

        return redirect(self.program.get_absolute_url())


class RecordLink(Orderable):
    """A page's link to one clinician, program, location or trial (exactly one)."""

    page = ParentalKey("wagtailcore.Page", on_delete=models.CASCADE, related_name="record_links")
    clinician = models.ForeignKey(
        "directory.Clinician", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    program = models.ForeignKey(
        "directory.Program", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    location = models.ForeignKey(
        "directory.Location", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )
    trial = models.ForeignKey(
        "trials.Trial", null=True, blank=True, on_delete=models.CASCADE, related_name="+"
    )

    panels: ClassVar[list[Any]] = [
        FieldPanel("clinician"),
        FieldPanel("program"),
        FieldPanel("location"),
        FieldPanel("trial"),
    ]

    def __str__(self) -> str:
        return str(self.target)

    def clean(self) -> None:
        chosen = [
            f for f in ("clinician", "program", "location", "trial") if getattr(self, f"{f}_id")
        ]
        if len(chosen) != 1:
            raise ValidationError(_("Choose exactly one clinician, program, location or trial."))

    @property
    def target(self) -> Any:
        return self.clinician or self.program or self.location or self.trial

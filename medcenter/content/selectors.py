"""Reads of the content section: routing with an English fallback, search, what the home page
and a program's page show."""

import uuid
from typing import TYPE_CHECKING, Any

from django.db.models import Prefetch, QuerySet
from django.http import Http404
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from wagtail.models import Locale, Page

from medcenter.content import registry
from medcenter.content.models import (
    NewsPage,
    ProgramPage,
    RecordLink,
    ResourcePage,
    StoryConsent,
    StoryPage,
)
from medcenter.content.pagecontext import in_visitor_language
from medcenter.content.richtext import clean_rich_text
from medcenter.core import audit, vault
from medcenter.directory.extras import ProgramLink, ProgramSection
from medcenter.pages.home import HomeBlock, HomeCard

if TYPE_CHECKING:
    from medcenter.directory.models import Program

HOME_CARDS = 3
SEARCH_LIMIT = 50


def active_locale() -> Locale:
    """The Wagtail locale of the visitor's language (the default one if it is missing)."""
    try:
        return Locale.get_active()
    except Locale.DoesNotExist:
        return Locale.get_default()


def search_pages(*, query: str) -> list[Page]:
    """Published, public pages in the visitor's language that match `query`."""
    if not query.strip():
        return []
    pages = Page.objects.live().public().filter(locale=active_locale()).specific()
    return list(pages.search(query)[:SEARCH_LIMIT])


def _cards(model: type[Page], *, order: str) -> list[HomeCard]:
    default = Locale.get_default()
    pages = model.objects.live().public().filter(locale=default).order_by(order)[:HOME_CARDS]
    cards = []
    for page in pages:
        shown = in_visitor_language(page)
        date = getattr(shown, "published_on", None) or (
            shown.first_published_at.date() if shown.first_published_at else None
        )
        cards.append(
            HomeCard(
                title=shown.title,
                url=shown.get_url() or "",
                summary=getattr(shown, "summary", ""),
                language=shown.locale.language_code,
                date=date.isoformat() if date else "",
            )
        )
    return cards


def _section_url(model: type[Page]) -> str | None:
    first = model.objects.live().public().filter(locale=Locale.get_default()).first()
    if first is None:
        return None
    parent = first.get_parent()
    return in_visitor_language(parent).get_url() if parent else None


def home_stories() -> HomeBlock | None:
    """The home page's stories: the latest published stories."""
    cards = _cards(StoryPage, order="-first_published_at")
    return HomeBlock(
        heading=_("Patient stories"),
        cards=tuple(cards),
        more_url=_section_url(StoryPage),
        more_label=_("More patient stories"),
    )


def home_news() -> HomeBlock | None:
    """The home page's news: the latest published news items."""
    cards = _cards(NewsPage, order="-published_on")
    return HomeBlock(
        heading=_("News"),
        cards=tuple(cards),
        more_url=_section_url(NewsPage),
        more_label=_("More news"),
    )


def program_page_for(program: "Program") -> ProgramPage | None:
    """The published sections page of `program`, in the visitor's language if translated."""
    page = ProgramPage.objects.live().filter(program=program, locale=Locale.get_default()).first()
    return in_visitor_language(page) if page else None


def pages_linked_to(program: "Program", model: type[Page]) -> list[Page]:
    """Published pages of `model` (default language) that name `program`."""
    ids = RecordLink.objects.filter(program=program).values_list("page_id", flat=True)
    default = Locale.get_default()
    return list(model.objects.live().public().filter(id__in=ids, locale=default))


def program_sections(program: "Program") -> list[ProgramSection]:
    """What the content section adds to a program's page: the long-form sections editors
    wrote, then the resources, stories and related items (events, ...) that name it."""
    sections: list[ProgramSection] = []
    page = program_page_for(program)
    if page is not None:
        language = page.locale.language_code
        for index, block in enumerate(page.sections):
            sections.append(
                ProgramSection(
                    key=f"section-{index}",
                    heading=str(block.value["heading"]),
                    language=language,
                    html=clean_rich_text(block.value["body"].source),
                )
            )
    for key, heading, model in (
        ("resources", _("Resources for patients and families"), ResourcePage),
        ("stories", _("Patient stories"), StoryPage),
    ):
        links = [_link(in_visitor_language(p)) for p in pages_linked_to(program, model)]
        if links:
            sections.append(
                ProgramSection(
                    key=key, heading=heading, language=get_language(), links=tuple(links)
                )
            )
    for kind in registry.related_kinds():
        items = kind.provider(program)
        if items:
            sections.append(
                ProgramSection(
                    key=kind.key,
                    heading=str(kind.heading),
                    language=get_language(),
                    links=tuple(ProgramLink(i.label, i.url, i.language, i.note) for i in items),
                )
            )
    return sections


def _link(page: Page) -> ProgramLink:
    return ProgramLink(
        label=page.title,
        url=page.get_url() or "",
        language=page.locale.language_code,
        note=getattr(page, "summary", ""),
    )


def story_consents() -> QuerySet[StoryConsent]:
    """Every recorded consent, newest first, with the stories (default locale) it covers."""
    return StoryConsent.objects.select_related("recorded_by", "withdrawn_by").prefetch_related(
        Prefetch("stories", queryset=StoryPage.objects.order_by("title"))
    )


def get_story_consent(*, consent_id: str) -> StoryConsent:
    """The consent `consent_id` names (its public id), or 404."""
    try:
        public_id = uuid.UUID(consent_id)
    except ValueError:
        raise Http404 from None
    found = StoryConsent.objects.filter(public_id=public_id).first()
    if found is None:
        raise Http404
    return found


def read_consent_form(*, consent_id: str, reader: Any) -> tuple[StoryConsent, bytes]:
    """The signed form behind a consent, decrypted from the vault; the read is audited."""
    consent = get_story_consent(consent_id=consent_id)
    try:
        content = vault.fetch(key=consent.form_vault_key)
    except vault.VaultError:
        raise Http404 from None
    audit.record(action="content.story_consent_form_read", actor=reader, target=consent, read=True)
    return consent, content

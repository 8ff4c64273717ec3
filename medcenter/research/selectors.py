"""Reads for research: confirmed publications of a clinician, a program or a lab, and the
schema.org ScholarlyArticle data for a list of them."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from django.conf import settings
from django.db.models import Prefetch, Q, QuerySet
from django.urls import reverse
from django.utils.safestring import SafeString

from medcenter.core.ldjson import ld_json
from medcenter.directory.models import Clinician, Program
from medcenter.directory.works import Work, Works
from medcenter.research.models import Authorship, AuthorshipStatus, Publication

SHOWN_ON_PAGES = 10
MAX_LISTED = 200


def _confirmed() -> Prefetch:  # type: ignore[type-arg]
    return Prefetch(
        "authorships",
        queryset=Authorship.objects.filter(status=AuthorshipStatus.CONFIRMED).select_related(
            "clinician"
        ),
        to_attr="confirmed_authors",
    )


def publications(
    *, clinician: Clinician | None = None, program: Program | None = None, lab: Any = None
) -> QuerySet[Publication]:
    """Publications of a clinician (confirmed authorships only), a program (its own, or by a
    confirmed author who belongs to it) or a lab; newest first."""
    found = Publication.objects.all()
    if clinician is not None:
        found = found.filter(
            authorships__clinician=clinician, authorships__status=AuthorshipStatus.CONFIRMED
        )
    if program is not None:
        found = found.filter(
            Q(programs=program)
            | Q(
                authorships__clinician__programs=program,
                authorships__status=AuthorshipStatus.CONFIRMED,
            )
        )
    if lab is not None:
        found = found.filter(labs=lab)
    return found.distinct().prefetch_related(_confirmed()).order_by("-year", "title", "id")


def link(publication: Publication) -> str:
    return publication.doi_url or publication.pubmed_url


def scholarly_ld(items: Sequence[Publication]) -> SafeString:
    """One schema.org ScholarlyArticle per publication."""
    data = []
    for p in items:
        article: dict[str, Any] = {
            "@context": "https://schema.org",
            "@type": "ScholarlyArticle",
            "headline": p.title[:110],
            "name": p.title,
            "author": [{"@type": "Person", "name": name} for name in p.authors[:20]],
            "isPartOf": {"@type": "Periodical", "name": p.journal} if p.journal else None,
            "datePublished": str(p.year) if p.year else None,
            "url": link(p),
            "sameAs": [u for u in (p.doi_url, p.pubmed_url) if u],
            "inLanguage": "en",
        }
        identifiers = []
        if p.doi:
            identifiers.append({"@type": "PropertyValue", "propertyID": "DOI", "value": p.doi})
        if p.pmid:
            identifiers.append({"@type": "PropertyValue", "propertyID": "PMID", "value": p.pmid})
        article["identifier"] = identifiers
        data.append({k: v for k, v in article.items() if v not in (None, [], "")})
    return ld_json(data)


def _works(found: QuerySet[Publication], more_url: str) -> Works:
    items = list(found[: SHOWN_ON_PAGES + 1])
    shown = items[:SHOWN_ON_PAGES]
    return Works(
        items=[Work(p.title, p.citation, link(p), p.year) for p in shown],
        structured=scholarly_ld(shown) if shown else SafeString(""),
        more_url=more_url if len(items) > SHOWN_ON_PAGES else "",
    )


def works_of_clinician(clinician: Clinician) -> Works:
    more = reverse("research:publications") + f"?clinician={clinician.slug}"
    return _works(publications(clinician=clinician), more)


def works_of_program(program: Program) -> Works:
    more = reverse("research:publications") + f"?program={program.slug}"
    return _works(publications(program=program), more)


def suggestions() -> QuerySet[Authorship]:
    return (
        Authorship.objects.filter(status=AuthorshipStatus.SUGGESTED)
        .select_related("publication", "clinician")
        .order_by("created_at", "id")
    )


def site_url() -> str:
    return str(settings.SITE_URL).rstrip("/")

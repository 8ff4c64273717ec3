"""Publications as JSON under /api/v1/research/.

GET publications?clinician=<slug>&program=<slug>&lab=<slug>   newest first (at most 200)
"""

from __future__ import annotations

from typing import Any
from uuid import UUID

from django.core.exceptions import ValidationError
from django.http import HttpRequest
from ninja import Field, Query, Router, Schema
from ninja.responses import Status

from medcenter.core.problems import errors
from medcenter.research import selectors
from medcenter.research.forms import PublicationFilterForm
from medcenter.research.models import Publication

router = Router(tags=["research"])


class FiltersIn(Schema):
    clinician: str | None = Field(None, max_length=120, description="a clinician's slug")
    program: str | None = Field(None, max_length=50, description="a program's slug")
    lab: str | None = Field(None, max_length=50, description="a lab's slug")


class AuthorOut(Schema):
    clinician: UUID
    slug: str
    name: str


class PublicationOut(Schema):
    id: UUID
    title: str
    journal: str
    year: int | None
    pmid: str | None
    doi: str | None
    authors: list[str]
    clinicians: list[AuthorOut]
    url: str


class PublicationsOut(Schema):
    publications: list[PublicationOut]


def publication_out(p: Publication) -> dict[str, Any]:
    return {
        "id": p.public_id,
        "title": p.title,
        "journal": p.journal,
        "year": p.year,
        "pmid": p.pmid,
        "doi": p.doi,
        "authors": p.authors,
        "clinicians": [
            {
                "clinician": a.clinician.public_id,
                "slug": a.clinician.slug,
                "name": a.clinician.display_name,
            }
            for a in getattr(p, "confirmed_authors", [])
        ],
        "url": selectors.link(p),
    }


@router.get(
    "/publications",
    response={200: PublicationsOut, **errors(400)},
    auth=None,
    summary="Publications",
)
def publications(request: HttpRequest, filters: Query[FiltersIn]) -> Any:
    """Publications by a clinician (confirmed authorships), a program or a lab."""
    data = {k: v for k, v in filters.dict().items() if v not in (None, "")}
    form = PublicationFilterForm(data or None)
    if form.is_bound and not form.is_valid():
        raise ValidationError(
            {
                name: ValidationError(next(iter(messages)), code="invalid")
                for name, messages in form.errors.items()
            }
        )
    found = selectors.publications(**form.chosen())[: selectors.MAX_LISTED]
    return Status(200, {"publications": [publication_out(p) for p in found]})

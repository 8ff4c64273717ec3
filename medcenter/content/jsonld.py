"""schema.org JSON-LD for editorial pages, escaped as Django's json_script escapes."""

import json
from typing import Any

from django.conf import settings
from django.core.serializers.json import DjangoJSONEncoder
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from wagtail.models import Page

# As django.utils.html.json_script: nothing in the data can close the script element.
_ESCAPES = {ord(">"): "\\u003E", ord("<"): "\\u003C", ord("&"): "\\u0026"}


def ld_json(data: dict[str, Any]) -> SafeString:
    """A `<script type="application/ld+json">` element holding `data`, safely escaped."""
    text = json.dumps(data, cls=DjangoJSONEncoder, ensure_ascii=False).translate(_ESCAPES)
    return format_html('<script type="application/ld+json">{}</script>', mark_safe(text))  # noqa: S308


def page_data(page: Page, *, absolute_url: str) -> dict[str, Any]:
    """The schema.org description of an editorial page (MedicalWebPage or Article)."""
    kind = getattr(page, "schema_type", "MedicalWebPage")
    center = {"@type": "MedicalOrganization", "name": settings.CENTER["name"]}
    data: dict[str, Any] = {
        "@context": "https://schema.org",
        "@type": kind,
        "name": page.title,
        "url": absolute_url,
        "inLanguage": page.locale.language_code,
        "publisher": center,
    }
    summary = getattr(page, "summary", "")
    if summary:
        data["description"] = summary
    modified = page.last_published_at or page.latest_revision_created_at
    if modified:
        data["dateModified"] = modified.isoformat()
    if kind == "Article":
        published = getattr(page, "published_on", None) or (
            page.first_published_at.date() if page.first_published_at else None
        )
        data["headline"] = page.title[:110]
        data["author"] = center
        if published:
            data["datePublished"] = published.isoformat()
    else:
        data["audience"] = {"@type": "Patient"}
        data["lastReviewed"] = modified.date().isoformat() if modified else None
        if data["lastReviewed"] is None:
            del data["lastReviewed"]
    return data

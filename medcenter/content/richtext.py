"""Rich text as it reaches a page: Wagtail's links expanded, then only the allowed tags kept.

The editor already limits features (models.RICH_TEXT_FEATURES), but text can also arrive
through code, an import or a translation file; nh3 is the last word on what is rendered (R16).
"""

import nh3
from django.utils.safestring import SafeString, mark_safe
from wagtail.rich_text import expand_db_html

ALLOWED_TAGS = {"p", "h2", "h3", "h4", "ul", "ol", "li", "strong", "b", "em", "i", "a", "br"}


def clean_rich_text(source: str) -> SafeString:
    """The stored rich text as safe HTML: links expanded, everything else not allowed dropped."""
    cleaned = nh3.clean(
        expand_db_html(source or ""),
        tags=ALLOWED_TAGS,
        attributes={"a": {"href"}},
        url_schemes={"http", "https", "mailto", "tel"},
    )
    return mark_safe(cleaned)  # noqa: S308 - sanitized by nh3 just above

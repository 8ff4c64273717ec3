from typing import Any

from django import template
from django.utils.safestring import SafeString
from wagtail.models import Page

from medcenter.content import jsonld
from medcenter.content.richtext import clean_rich_text

register = template.Library()


@register.filter(is_safe=True)
def rich(value: Any) -> SafeString:
    """Rich text (a field or a RichTextBlock value) as sanitized HTML."""
    source = getattr(value, "source", value)
    return clean_rich_text(str(source or ""))


@register.simple_tag(takes_context=True)
def page_ld_json(context: dict[str, Any], page: Page) -> SafeString:
    request = context["request"]
    url = request.build_absolute_uri(page.get_url(request=request) or request.path)
    return jsonld.ld_json(jsonld.page_data(page, absolute_url=url))

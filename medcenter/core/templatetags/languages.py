"""Lists, language marks and direction isolation in templates.

    {% load languages %}
    <dd>{{ clinician.board_certifications|join_list }}</dd>
    <p{% lang_attr "en" %}>{{ trial.title }}</p>
    <span{% lang_of program "name" %}>{{ program.label }}</span>
    <a href="tel:{{ center.phone_tel }}">{{ center.phone|ltr }}</a>

`join_list` joins with the active language's separator (", ", Arabic "، ", Chinese "、") and
escapes each item. `lang_attr` writes ` lang="en"` only when the page is in another language,
so English pages stay free of redundant attributes; `lang_of` does the same for a translated
field that fell back to English. `ltr` isolates a phone number, a code or a number written left
to right, so that on a right-to-left page "+1 555 010 0200" is not shown as "0200 010 555 1+".
"""

from collections.abc import Iterable

from django import template
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import SafeData, SafeString, mark_safe

from medcenter.core.lists import differs, list_separator

register = template.Library()


@register.filter(is_safe=True, needs_autoescape=True)
def join_list(items: Iterable[object] | None, autoescape: bool = True) -> SafeString:
    """The items joined as an enumeration in the active language."""
    texts = [item if isinstance(item, SafeData) else str(item) for item in items or ()]
    parts = [conditional_escape(text) if autoescape else text for text in texts if text]
    return mark_safe(list_separator().join(str(part) for part in parts))  # noqa: S308 - escaped


@register.simple_tag
def lang_of(obj: object, field: str) -> SafeString:
    """` lang="en"` when `obj.localized(field)` falls back to English on this page.

    For models with a `language_of(field)` method (the directory's translated fields).
    """
    language_of = getattr(obj, "language_of", None)
    return lang_attr(language_of(field) if language_of else None)


@register.simple_tag
def lang_attr(language: str | None) -> SafeString:
    """` lang="<language>"` when it differs from the page's language, else nothing."""
    if not language or not differs(language):
        return mark_safe("")
    return format_html(' lang="{}"', language)


@register.filter(is_safe=True)
def ltr(value: object) -> SafeString:
    """The value isolated as left-to-right text (`<bdi dir="ltr">`), for right-to-left pages."""
    if value is None or value == "":
        return mark_safe("")
    return format_html('<bdi dir="ltr">{}</bdi>', value)


@register.simple_tag(name="list_separator")
def list_separator_tag() -> str:
    """The separator between list items, for lists built item by item with a `for` loop."""
    return list_separator()

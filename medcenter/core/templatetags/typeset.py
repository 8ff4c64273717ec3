"""Text that must read left to right in any page: units typeset (10^9/L → 10⁹/L), phone
numbers and email addresses, each isolated (`<bdi dir="ltr">`) so that an Arabic page shows
them in their order. `{% load typeset %}`; the trials library offers the same filters."""

import re
from typing import Any

from django import template
from django.utils.html import escape, format_html
from django.utils.safestring import SafeString

register = template.Library()

_SUPERSCRIPT = str.maketrans("0123456789-\u2212+", "⁰¹²³⁴⁵⁶⁷⁸⁹⁻⁻⁺")
# "10^9/L", "10^12/l", "mm^3", "m^2", "x 10^3/µL", "10E9/L", "10*9/L": a power written
# flat. Only the exponent after a caret (or E/* right after 10) is raised.
_NUMBER = r"\d[\d,]*(?:\.\d+)?"
_UNIT = r"(?<![A-Za-z])(?:[mcµμ]?m|[mcdµμ]?[lL])"
_POWER = re.compile(
    r"(?P<base>(?<![\d.])10|" + _UNIT + r")(?:\^|(?<=10)(?:\*|E(?=\d)))(?P<exp>[-\u2212+]?\d{1,2})"
    r"(?![\d])"
)
# A number with a unit written flat, isolated as one left-to-right run in any page.
_UNIT_RUN = re.compile(
    r"(?:" + _NUMBER + r"\s*[x\u00d7*]?\s*)?(?<![\d.])10(?:\^|\*|E(?=\d))[-\u2212+]?\d{1,2}(?!\d)"
    r"(?:\s*/\s*" + _UNIT + r"(?:\^\d)?(?![A-Za-z]))?"
    r"|(?:" + _NUMBER + r"\s*/?\s*)?" + _UNIT + r"\^\d(?!\d)"
)


@register.filter
def typeset(unit: Any) -> str:
    """A unit with its powers raised: "10^9/L" → "10⁹/L", "mm^3" → "mm³" (plain text)."""
    text = str(unit if unit is not None else "")
    return _POWER.sub(lambda m: m.group("base") + m.group("exp").translate(_SUPERSCRIPT), text)


@register.filter
def unit(value: Any) -> SafeString:
    """A unit (or a value with its unit) typeset and isolated left to right, so that an
    Arabic page shows "1.5 x 10⁹/L" in that order."""
    text = str(value if value is not None else "")
    if not text:
        return SafeString()
    return format_html('<bdi dir="ltr">{}</bdi>', typeset(text))


@register.filter
def units_in(value: Any) -> SafeString:
    """Free text (a criterion, an explanation) with every unit in it typeset and isolated."""
    text = str(value if value is not None else "")
    out = SafeString()
    last = 0
    for found in _UNIT_RUN.finditer(text):
        out += escape(text[last : found.start()])
        out += format_html('<bdi dir="ltr">{}</bdi>', typeset(found.group(0)))
        last = found.end()
    return out + escape(text[last:])


def _tel(number: str) -> str:
    digits = re.sub(r"[^\d+]", "", number.split("ext")[0].split("x")[0])
    return digits


@register.filter
def phone(value: Any) -> SafeString:
    """A phone number as a tel: link, isolated left to right (an Arabic page would otherwise
    show "+1 617 555 0140" as "0140 555 617 +1")."""
    number = str(value or "").replace("\u2066", "").replace("\u2069", "").strip()
    if not number:
        return SafeString()
    digits = _tel(number)
    if len(digits.lstrip("+")) < 3:
        return format_html('<bdi dir="ltr">{}</bdi>', number)
    return format_html('<a href="tel:{}"><bdi dir="ltr">{}</bdi></a>', digits, number)


@register.filter
def email(value: Any) -> SafeString:
    """An email address as a mailto: link, isolated left to right."""
    address = str(value or "").strip()
    if not address:
        return SafeString()
    if "@" not in address or any(c in address for c in ' <>"'):
        return format_html('<bdi dir="ltr">{}</bdi>', address)
    return format_html('<a href="mailto:{}"><bdi dir="ltr">{}</bdi></a>', address, address)

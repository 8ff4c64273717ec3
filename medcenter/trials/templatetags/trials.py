from typing import Any

from django import template
from django.utils.html import format_html
from django.utils.safestring import SafeString

from medcenter.core.templatetags.typeset import email, phone, typeset, unit, units_in
from medcenter.trials.matcher.rules import Evidence, Verdict

register = template.Library()
# The shared text filters, so that trial templates load one library.
for _name, _filter in (("unit", unit), ("units_in", units_in), ("phone", phone), ("email", email)):
    register.filter(_name, _filter)

__all__ = ["email", "phone", "typeset", "unit", "units_in"]


@register.filter
def center_phone_link(center: Any) -> SafeString:
    """The center's main number as a tel: link (its text already carries bidi isolates)."""
    return format_html('<a href="tel:{}">{}</a>', center["phone_tel"], center["phone"])


@register.filter
def evidence(verdict: Any) -> SafeString:
    """A criterion's evidence in the reader's language, units typeset: a verdict made now, or
    one kept with a decision or a contact request (its parts, else the text as it was kept)."""
    return units_in(_evidence_text(verdict))


def _evidence_text(verdict: Any) -> str:
    if isinstance(verdict, Verdict):
        return verdict.evidence_shown
    if not isinstance(verdict, dict):
        return ""
    parts = verdict.get("evidence_parts")
    if parts:
        try:
            return Evidence.from_parts(parts).translated()
        except ValueError:
            pass
    return str(verdict.get("evidence") or "")

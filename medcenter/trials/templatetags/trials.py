from typing import Any

from django import template

from medcenter.trials.matcher.rules import Evidence, Verdict

register = template.Library()


@register.filter
def evidence(verdict: Any) -> str:
    """A criterion's evidence in the reader's language: a verdict made now, or one kept with a
    decision or a contact request (its parts, else the text as it was kept)."""
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

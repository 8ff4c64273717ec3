from django import template

from medcenter.oncology.pdf import level_label

register = template.Library()


@register.filter
def evidence_level(level: str) -> str:
    """An evidence level's label in the reader's language."""
    return level_label(level)

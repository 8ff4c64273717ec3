"""Labels for facet values, in the visitor's language."""

from typing import Any

from django.utils.translation import get_language_info
from django.utils.translation import gettext as _

from medcenter.directory.index import DirectoryIndex
from medcenter.directory.models import Gender


def language_name(code: str) -> str:
    try:
        return str(get_language_info(code)["name_translated"])
    except KeyError:
        return code


def facet_label(index: DirectoryIndex, name: str, value: Any) -> tuple[str, str]:
    """(value for the URL, label to show) for one facet value."""
    if name in ("specialty", "program", "condition", "location"):
        obj = index.labels[name][value]
        return obj.slug, obj.label
    if name == "language":
        return value, language_name(value)
    if name == "gender":
        return value, str(Gender(value).label) if value in Gender.values else value
    if name == "accepting":
        return "yes", _("Accepting new patients")
    return "yes", _("Offers video visits")

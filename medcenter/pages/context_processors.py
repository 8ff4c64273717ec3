import re
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from medcenter.pages.navigation import SECTIONS, TASKS, resolve_links

PHONE_FIELDS = ("phone", "language_line", "tty")


def isolate_ltr(text: str) -> str:
    """Wrap text in Unicode left-to-right isolates (LRI … PDI).

    Without them an Arabic page shows "+1 555 010 0100" as "0100 010 555 +1": the bidi
    algorithm reorders the digit groups of a number that sits in right-to-left text.
    """
    return f"\u2066{text}\u2069"


def center_details() -> dict[str, Any]:
    """The center's settings, with phone numbers safe to show in any script direction.

    Each phone field also comes as `<field>_tel`, the digits for a `tel:` link.
    """
    center = dict(settings.CENTER)
    for field in PHONE_FIELDS:
        center[f"{field}_tel"] = re.sub(r"[^\d+]", "", center[field])
        center[field] = isolate_ltr(center[field])
    return center


def shell(request: HttpRequest) -> dict[str, Any]:
    """Give every page the center's details, the navigation and the language switcher."""
    current = get_language()
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name_local": info["name_local"][:1].upper() + info["name_local"][1:],
                "bidi": info["bidi"],
                "url": translate_url(request.path, code),
                "current": code == current,
            }
        )
    return {
        "center": center_details(),
        "nav_tasks": resolve_links(TASKS, current_path=request.path),
        "nav_sections": resolve_links(SECTIONS, current_path=request.path),
        "shell_languages": languages,
    }

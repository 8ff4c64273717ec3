import re
from functools import lru_cache
from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import get_urlconf, reverse, translate_url
from django.utils.functional import SimpleLazyObject
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


@lru_cache(maxsize=4096)
def _translated(path: str, code: str) -> str:
    # Resolving the path again for each of six languages on every page costs more than the
    # rest of the shell; the URLconf does not change while a process runs.
    return translate_url(path, code)


SHELL_URLS = (
    "accounts:login",
    "accounts:logout",
    "accounts:security",
    "accounts:session_extend",
    "accounts:session_status",
    "pages:accessibility",
    "pages:contact",
    "pages:home",
    "pages:nondiscrimination",
    "pages:privacy",
    "patients:records",
    "patients:staff_home",
)


@lru_cache(maxsize=64)
def _shell_urls(language: str, urlconf: str) -> dict[str, str]:
    # The shell's links are the same on every page of one language.
    return {name.split(":")[1]: reverse(name, urlconf=urlconf) for name in SHELL_URLS}


def shell(request: HttpRequest) -> dict[str, Any]:
    """Give every page the center's details, the navigation and the language switcher.

    Lazily: a cached header or footer (templatetags/shell.py) never asks for most of them.
    """
    current = get_language()
    path = request.path
    return {
        "center": SimpleLazyObject(center_details),
        "nav_tasks": SimpleLazyObject(lambda: resolve_links(TASKS, current_path=path)),
        "nav_sections": SimpleLazyObject(lambda: resolve_links(SECTIONS, current_path=path)),
        "shell_languages": SimpleLazyObject(lambda: _languages(path, current)),
        "shell_urls": _shell_urls(current, get_urlconf() or settings.ROOT_URLCONF),
    }


def _languages(path: str, current: str) -> list[dict[str, Any]]:
    languages = []
    for code, _name in settings.LANGUAGES:
        info = get_language_info(code)
        languages.append(
            {
                "code": code,
                "name_local": info["name_local"][:1].upper() + info["name_local"][1:],
                "bidi": info["bidi"],
                "url": _translated(path, code),
                "current": code == current,
            }
        )
    return languages

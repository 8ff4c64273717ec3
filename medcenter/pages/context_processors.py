from typing import Any

from django.conf import settings
from django.http import HttpRequest
from django.urls import translate_url
from django.utils.translation import get_language, get_language_info

from medcenter.pages.navigation import SECTIONS, TASKS, resolve_links


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
        "center": settings.CENTER,
        "nav_tasks": resolve_links(TASKS, current_path=request.path),
        "nav_sections": resolve_links(SECTIONS, current_path=request.path),
        "shell_languages": languages,
    }

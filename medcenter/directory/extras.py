"""Sections other apps add to a program's page, registered from their `AppConfig.ready()`.

The directory imports no app that builds on it (docs/architecture.md): the content app adds
the long-form sections editors write in Wagtail, and the resources and stories that name the
program; an app that is not installed leaves its sections out.
"""

from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from django.utils.safestring import SafeString

if TYPE_CHECKING:
    from medcenter.directory.models import Program


@dataclass(frozen=True)
class ProgramLink:
    label: str
    url: str
    language: str
    note: str = ""


@dataclass(frozen=True)
class ProgramSection:
    """One section of a program's page: sanitized HTML and/or a list of links."""

    key: str  # unique on the page; used for the heading's id
    heading: str
    language: str  # the language the section's text is written in
    html: SafeString | None = None
    links: tuple[ProgramLink, ...] = field(default=())


_providers: list[Callable[["Program"], list[ProgramSection]]] = []


def register_program_sections(provider: Callable[["Program"], list[ProgramSection]]) -> None:
    """Let a program's page show the sections `provider(program)` returns."""
    if provider not in _providers:
        _providers.append(provider)


def program_sections(program: "Program") -> list[ProgramSection]:
    """The registered sections for `program`, in the current language."""
    return [section for provider in _providers for section in provider(program)]

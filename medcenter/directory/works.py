"""Publications shown on a clinician's profile and a program's page, supplied by whoever owns
them (the research app registers a provider from its `AppConfig.ready()`), so the directory
does not depend on research. Without a provider the pages show no publications section."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

from django.utils.safestring import SafeString, mark_safe

from medcenter.directory.models import Clinician, Program


@dataclass(frozen=True)
class Work:
    title: str
    citation: str  # "Journal. 2024. 12(3):45-50"
    url: str  # where to read it (DOI or PubMed)
    year: int | None


@dataclass(frozen=True)
class Works:
    items: Sequence[Work]
    structured: SafeString  # schema.org JSON-LD for the items, or ""
    more_url: str = ""  # the full list, when there are more than shown


_providers: dict[str, Callable[..., Works]] = {}


def register_works(
    *, for_clinician: Callable[[Clinician], Works], for_program: Callable[[Program], Works]
) -> None:
    """Let the research app answer (registering again replaces the providers)."""
    _providers["clinician"] = for_clinician
    _providers["program"] = for_program


def of_clinician(clinician: Clinician) -> Works:
    provider = _providers.get("clinician")
    return provider(clinician) if provider else Works((), mark_safe(""))


def of_program(program: Program) -> Works:
    provider = _providers.get("program")
    return provider(program) if provider else Works((), mark_safe(""))

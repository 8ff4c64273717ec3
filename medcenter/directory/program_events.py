"""A program page's upcoming events, supplied by the events app (which registers a provider
from its `AppConfig.ready()`), so the directory does not depend on events. Without a provider
the page shows no events section."""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

from medcenter.directory.models import Program


@dataclass(frozen=True)
class UpcomingEvent:
    title: str
    title_language: str  # the language the title is written in (for `lang`)
    starts_at: datetime  # aware, in the event's time zone
    when: str  # as the page's language writes it
    url: str


@dataclass(frozen=True)
class ProgramEvents:
    items: Sequence[UpcomingEvent]
    more_url: str  # the events list filtered to the program


_provider: list[Callable[[Program], ProgramEvents]] = []


def register_program_events(provider: Callable[[Program], ProgramEvents]) -> None:
    _provider[:] = [provider]


def of_program(program: Program) -> ProgramEvents:
    return _provider[0](program) if _provider else ProgramEvents((), "")

"""What the home page shows from other sections, registered by the apps that own it.

`pages` imports no domain app (docs/architecture.md). An app that has something for the home
page registers a provider from its `AppConfig.ready()`, as `patients.access.register_search_basis`
does for staff search: the directory lists its programs, the trials app counts the open trials
of each program. A provider that is not registered leaves its part of the page out; a figure is
always counted from the data, never written into a template.
"""

from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from django.core.cache import cache

from medcenter.pages.navigation import resolve_ways_in, reversed_or_none


@dataclass(frozen=True)
class ProgramCard:
    slug: str
    name: str
    teaser: str
    url: str


@dataclass(frozen=True)
class ProgramFigure:
    """One count shown on each program's card, e.g. its open trials."""

    key: str
    provider: Callable[[], Mapping[str, int]]  # program slug -> count
    url: Callable[[str], str]  # program slug -> where the counted things are listed


@dataclass(frozen=True)
class ProgramOnHome:
    card: ProgramCard
    figures: dict[str, int]
    links: dict[str, str]


@dataclass(frozen=True)
class HomeCard:
    """A story or news item on the home page, already in the visitor's language (or marked)."""

    title: str
    url: str
    summary: str
    language: str
    date: str = ""  # ISO date, shown formatted


@dataclass(frozen=True)
class HomeBlock:
    """One of the home page's places for another section (`stories`, `news`)."""

    heading: str
    cards: tuple[HomeCard, ...]
    more_url: str | None = None
    more_label: str = ""


_programs: list[Callable[[], Sequence[ProgramCard]]] = []
_blocks: dict[str, Callable[[], HomeBlock | None]] = {}
_figures: dict[str, ProgramFigure] = {}

FIGURE_CACHE_SECONDS = 120


def register_programs(provider: Callable[[], Sequence[ProgramCard]]) -> None:
    """Let the home page list the programs `provider()` returns, in the current language."""
    if provider not in _programs:
        _programs.append(provider)


def register_program_figure(
    key: str, *, provider: Callable[[], Mapping[str, int]], url: Callable[[str], str]
) -> None:
    """Let the home page show, per program, the count `provider()` returns for its slug."""
    _figures[key] = ProgramFigure(key, provider, url)


def register_home_block(key: str, provider: Callable[[], HomeBlock | None]) -> None:
    """Let the home page fill its place `key` (`stories`, `news`) with what `provider()` gives."""
    _blocks[key] = provider


def home_blocks() -> dict[str, HomeBlock]:
    """The registered places that have something to show, by key."""
    found = {key: provider() for key, provider in _blocks.items()}
    return {key: block for key, block in found.items() if block is not None and block.cards}


def home_programs() -> list[ProgramOnHome]:
    """Return the registered programs with their registered figures (counted, briefly cached)."""
    cards = [card for provider in _programs for card in provider()]
    counts = {key: _counted(figure) for key, figure in _figures.items()}
    return [
        ProgramOnHome(
            card=card,
            figures={key: values.get(card.slug, 0) for key, values in counts.items()},
            links={key: _figures[key].url(card.slug) for key in counts},
        )
        for card in cards
    ]


def _counted(figure: ProgramFigure) -> Mapping[str, int]:
    # One grouped count per figure; a signed-in visitor (no page cache) does not recount it on
    # every visit. Two minutes old at most.
    key = f"home-figure:{figure.key}"
    cached: dict[str, int] | None = cache.get(key)
    if cached is None:
        cached = dict(figure.provider())
        cache.set(key, cached, FIGURE_CACHE_SECONDS)
    return cached


def home_page() -> dict[str, Any]:
    """Everything the home page shows besides the shell, in the current language."""
    return {
        "doctor_search_url": reversed_or_none("directory:doctors"),
        "trial_search_url": reversed_or_none("trials:search"),
        "ways_in": resolve_ways_in(),
        "programs": home_programs(),
        "home_blocks": home_blocks(),
    }

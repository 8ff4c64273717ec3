"""What other apps add to a program's page through the content section.

The events and research apps register a provider from their `AppConfig.ready()`:

    from medcenter.content.registry import RelatedItem, register_related
    register_related("events", heading=_("Upcoming events"), provider=upcoming_for_program)

`provider(program)` returns the items for one directory `Program`, in the current language;
they are shown on the program's page after its resources and stories.
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.utils.functional import Promise

if TYPE_CHECKING:
    from medcenter.directory.models import Program


@dataclass(frozen=True)
class RelatedItem:
    label: str
    url: str
    language: str
    note: str = ""


@dataclass(frozen=True)
class RelatedKind:
    key: str
    heading: str | Promise
    provider: Callable[["Program"], list[RelatedItem]]


_related: dict[str, RelatedKind] = {}


def register_related(
    key: str, *, heading: str | Promise, provider: Callable[["Program"], list[RelatedItem]]
) -> None:
    """Let a program's page list what `provider(program)` returns under `heading`."""
    _related[key] = RelatedKind(key, heading, provider)


def related_kinds() -> list[RelatedKind]:
    return list(_related.values())

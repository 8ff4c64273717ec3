"""What the Patient Gateway shows, registered by the apps that own it.

The portal owns the frame (whose record, the section menu, the home page) but no domain data:
messages, results, questionnaires, check-in, care plans and cases each live in their own app
and register here from their `AppConfig.ready()`, so the arrow still points at the portal's
dependencies and an app that is not installed simply leaves its section out.

- `register_section`: one entry of the record's menu. `url_name` is reversed with the
  patient's `public_id` (`kwargs={"public_id": ...}`); `scope` is the proxy scope it needs
  (`patients.models.ProxyScope`), `None` for a section every basis sees, and `self_only`
  hides it from proxies altogether (proxies, access history, account security);
  `whole_record` shows it only to an access that sees the whole record, confidential items
  included (the patient, or a parent of a child under 12): the record download.
- `register_home_panel`: a provider the home page asks for what needs the person's attention
  (unread replies, new results, questionnaires due, open check-ins, next visits). It receives
  the `PatientAccess` of the record shown and returns `HomeItem`s; it must make a constant
  number of queries whatever the patient's history (the home's query-count test holds every
  provider to that).
"""

from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from django.utils.functional import Promise

from medcenter.patients.access import PatientAccess


@dataclass(frozen=True)
class Section:
    key: str
    label: str | Promise
    url_name: str
    scope: str | None = None
    self_only: bool = False
    order: int = 100
    whole_record: bool = False


@dataclass(frozen=True)
class HomeItem:
    """One line on the home page: what it is, how many, where to go."""

    title: str | Promise
    url: str
    detail: str | Promise = ""
    count: int | None = None
    urgent: bool = False


# Called as provider(access, user): the record shown and the signed-in person looking at it
# (a proxy writes and reads as themselves); the active language is the request's. Providers
# read through their own app's selectors; the home's own read of the record is audited once.
HomeProvider = Callable[[PatientAccess, Any], list[HomeItem]]


@dataclass(frozen=True)
class HomePanel:
    key: str
    label: str | Promise
    provider: HomeProvider
    scope: str | None = None
    self_only: bool = False
    order: int = 100


@dataclass(frozen=True)
class RecordDownload:
    """A file of the whole record the patient may download (the mCODE Bundle, registered by
    `fhir`, which the portal may not import). `build(access)` returns (content, content type,
    filename)."""

    key: str
    label: str | Promise
    build: Callable[[PatientAccess], tuple[bytes, str, str]]


_sections: dict[str, Section] = {}
_downloads: dict[str, RecordDownload] = {}
_panels: dict[str, HomePanel] = {}


def register_section(section: Section) -> None:
    _sections[section.key] = section


def register_home_panel(panel: HomePanel) -> None:
    _panels[panel.key] = panel


def _allowed(
    scope: str | None, self_only: bool, access: PatientAccess, whole_record: bool = False
) -> bool:
    if self_only and access.basis != "self":
        return False
    if whole_record and not access.sees_confidential:
        return False
    return scope is None or scope in access.scopes


def sections_for(access: PatientAccess) -> list[Section]:
    """The sections the person may open on this record, in menu order."""
    found = [
        s for s in _sections.values() if _allowed(s.scope, s.self_only, access, s.whole_record)
    ]
    return sorted(found, key=lambda s: (s.order, s.key))


def panels_for(access: PatientAccess) -> list[HomePanel]:
    found = [p for p in _panels.values() if _allowed(p.scope, p.self_only, access)]
    return sorted(found, key=lambda p: (p.order, p.key))


def section_allowed(key: str, access: PatientAccess) -> bool:
    """Whether the section `key` is open to this access (its routes refuse otherwise)."""
    section = _sections.get(key)
    return section is not None and _allowed(
        section.scope, section.self_only, access, section.whole_record
    )


def register_download(download: RecordDownload) -> None:
    _downloads[download.key] = download


def get_download(key: str) -> RecordDownload | None:
    return _downloads.get(key)


def get_section(key: str) -> Section | None:
    return _sections.get(key)

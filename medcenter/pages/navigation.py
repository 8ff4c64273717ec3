"""The site's navigation: every section a real cancer center site has, shown once it exists.

Later issues add a section by routing its URL name; until the name resolves, the link is left
out rather than pointing at a page that is not there.
"""

from dataclasses import dataclass
from functools import lru_cache

from django.conf import settings
from django.urls import NoReverseMatch, get_urlconf, reverse
from django.utils.functional import Promise
from django.utils.translation import get_language
from django.utils.translation import gettext_lazy as _


@dataclass(frozen=True)
class NavItem:
    label: str | Promise
    url_name: str


@dataclass(frozen=True)
class NavLink:
    label: str | Promise
    url: str
    current: bool


# What patients look for first: the hospital-wide tasks.
TASKS = (
    NavItem(_("Find a Doctor"), "directory:doctors"),
    NavItem(_("Find a Location"), "directory:locations"),
    NavItem(_("Appointments & Referrals"), "scheduling:start"),
    NavItem(_("Patient Gateway"), "portal:home"),
    NavItem(_("Give Now"), "giving:give"),
)

# The cancer center's own sections.
SECTIONS = (
    NavItem(_("Programs"), "directory:programs"),
    NavItem(_("Clinical Trials"), "trials:search"),
    NavItem(_("International Patients"), "international:home"),
    NavItem(_("Research"), "research:home"),
    NavItem(_("Patient Resources"), "pages:patient_resources"),
    NavItem(_("Quality & Safety"), "quality:home"),
)


def resolve_links(items: tuple[NavItem, ...], *, current_path: str) -> list[NavLink]:
    """Return the items whose page exists, marking the one the visitor is on."""
    links = []
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    for item in items:
        url = _reversed(item.url_name, get_language(), urlconf)
        if url is not None:
            links.append(NavLink(item.label, url, current_path.startswith(url)))
    return links


@lru_cache(maxsize=512)
def _reversed(url_name: str, language: str, urlconf: str) -> str | None:
    # Every page asks for the same few links; a missing section costs a failed reverse.
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None

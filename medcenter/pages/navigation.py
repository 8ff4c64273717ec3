"""The site's navigation: every section a real cancer center site has, shown once it exists.

Later issues add a section by routing its URL name; until the name resolves, the link is left
out rather than pointing at a page that is not there.
"""

from dataclasses import dataclass

from django.urls import NoReverseMatch, reverse
from django.utils.functional import Promise
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
    for item in items:
        try:
            url = reverse(item.url_name)
        except NoReverseMatch:
            continue
        links.append(NavLink(item.label, url, current_path.startswith(url)))
    return links

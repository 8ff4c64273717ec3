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
    NavItem(_("Patient Resources"), "content:resources"),
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


def reversed_or_none(url_name: str) -> str | None:
    """Return the URL of `url_name` in the current language, or None while it does not exist."""
    return _reversed(url_name, get_language(), get_urlconf() or settings.ROOT_URLCONF)


@lru_cache(maxsize=512)
def _reversed(url_name: str, language: str, urlconf: str) -> str | None:
    # Every page asks for the same few links; a missing section costs a failed reverse.
    try:
        return reverse(url_name, urlconf=urlconf)
    except NoReverseMatch:
        return None


@dataclass(frozen=True)
class WayIn:
    """A way into the center for one kind of visitor, shown on the home page."""

    key: str
    title: str | Promise
    text: str | Promise
    action: str | Promise
    url_name: str


@dataclass(frozen=True)
class WayInLink:
    way: WayIn
    url: str


# Who comes to a cancer center and where each one starts. Each shows once its page exists.
WAYS_IN = (
    WayIn(
        "new_patient",
        _("New patients"),
        _(
            "Our team helps you choose the right specialist and gathers your records before "
            "your first visit."
        ),
        _("Request an appointment"),
        "scheduling:start",
    ),
    WayIn(
        "second_opinion",
        _("Second opinions"),
        _(
            "Our specialists review your diagnosis and treatment plan, and your own doctor "
            "receives a letter with their advice."
        ),
        _("Ask for a second opinion"),
        "scheduling:request",
    ),
    WayIn(
        "international",
        _("International patients"),
        _(
            "Our international office helps with records, visas, travel and interpreters, "
            "and stays in touch with your doctor at home."
        ),
        _("Plan your care from abroad"),
        "international:home",
    ),
    WayIn(
        "referring",
        _("Referring physicians"),
        _("Refer a patient online and send the records; our team confirms within one day."),
        _("Refer a patient"),
        "scheduling:refer",
    ),
    WayIn(
        "gateway",
        _("Patient Gateway"),
        _("See your appointments, results and messages, and manage your care online."),
        _("Sign in to Patient Gateway"),
        "portal:home",
    ),
    WayIn(
        "give",
        _("Give Now"),
        _("Your gift funds research, patient support and care for families in need."),
        _("Make a gift"),
        "giving:give",
    ),
)


def resolve_ways_in(ways: tuple[WayIn, ...] = WAYS_IN) -> list[WayInLink]:
    """Return the ways in whose page exists, in order."""
    urlconf = get_urlconf() or settings.ROOT_URLCONF
    links = []
    for way in ways:
        url = _reversed(way.url_name, get_language(), urlconf)
        if url is not None:
            links.append(WayInLink(way, url))
    return links

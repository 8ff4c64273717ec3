"""The portal's own home panels and sections, registered from PortalConfig.ready()."""

from typing import Any

from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import get_language, gettext_lazy
from django.utils.translation import gettext as _

from medcenter.patients.access import PatientAccess
from medcenter.portal import selectors
from medcenter.portal.registry import (
    HomeItem,
    HomePanel,
    Section,
    register_home_panel,
    register_section,
)


def _when(value: Any) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def next_visits(access: PatientAccess, user: Any) -> list[HomeItem]:
    """The next three booked visits (one query)."""
    language = get_language() or "en"
    pid = access.patient.public_id
    return [
        HomeItem(
            title=visit.visit_type.label(language),
            url=reverse(
                "portal:appointment", kwargs={"public_id": pid, "appointment_id": visit.public_id}
            ),
            detail=f"{_when(visit.start)} · {visit.owner_label} · {visit.location.name}",
        )
        for visit in selectors.upcoming_visits(access)
    ]


def open_checkins(access: PatientAccess, user: Any) -> list[HomeItem]:
    """Visits whose e-check-in is open and not done yet (one query)."""
    language = get_language() or "en"
    pid = access.patient.public_id
    return [
        HomeItem(
            title=_("Check in for %(visit)s") % {"visit": visit.visit_type.label(language)},
            url=reverse(
                "portal:checkin", kwargs={"public_id": pid, "appointment_id": visit.public_id}
            ),
            detail=_when(visit.start),
            urgent=True,
        )
        for visit in selectors.open_checkins(access)
    ]


def register() -> None:
    from medcenter.scheduling.selectors import register_grid_badge

    register_grid_badge(selectors.checkins_for_grid)
    for section in (
        Section("details", gettext_lazy("My details"), "portal:details", order=10),
        Section(
            "appointments",
            gettext_lazy("Appointments"),
            "portal:appointments",
            scope="appointments",
            order=20,
        ),
        Section(
            "summary",
            gettext_lazy("My health summary"),
            "portal:summary",
            scope="results",
            order=30,
        ),
        Section(
            "download",
            gettext_lazy("Download my record"),
            "portal:download",
            whole_record=True,
            order=800,
        ),
        Section(
            "proxies",
            gettext_lazy("Who can see my record"),
            "portal:proxies",
            self_only=True,
            order=900,
        ),
        Section(
            "access_history",
            gettext_lazy("Who has opened my record"),
            "portal:access_history",
            self_only=True,
            order=910,
        ),
        Section(
            "security",
            gettext_lazy("Account security"),
            "portal:security",
            self_only=True,
            order=920,
        ),
    ):
        register_section(section)
    register_home_panel(
        HomePanel(
            "open_checkins",
            gettext_lazy("Check in online"),
            open_checkins,
            scope="appointments",
            order=5,
        )
    )
    register_home_panel(
        HomePanel(
            "next_visits",
            gettext_lazy("Next visits"),
            next_visits,
            scope="appointments",
            order=50,
        )
    )

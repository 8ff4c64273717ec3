"""The context every portal page of one record renders its frame from (portal/base.html)."""

from dataclasses import dataclass
from typing import Any

from django.urls import reverse
from django.utils.functional import Promise
from django.utils.translation import gettext_lazy as _

from medcenter.patients.access import PatientAccess
from medcenter.portal.registry import sections_for


@dataclass(frozen=True)
class FrameLink:
    key: str
    label: str | Promise
    url: str
    current: bool


@dataclass(frozen=True)
class Frame:
    access: PatientAccess
    links: list[FrameLink]
    # The page that lists every record the person may open (their own and each proxied one).
    records_url: str = ""

    @property
    def is_proxy(self) -> bool:
        return self.access.basis == "proxy"


def frame_for(request: Any, access: PatientAccess, *, current: str = "") -> Frame:
    pid = access.patient.public_id
    home = FrameLink(
        "home",
        _("Home"),
        reverse("portal:record_home", kwargs={"public_id": pid}),
        current == "home",
    )
    links = [home] + [
        FrameLink(s.key, s.label, reverse(s.url_name, kwargs={"public_id": pid}), s.key == current)
        for s in sections_for(access)
    ]
    return Frame(access=access, links=links, records_url=reverse("portal:home"))

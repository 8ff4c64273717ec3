"""The Messages section of the Patient Gateway and its home panel (registered from ready())."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from medcenter.patients.access import PatientAccess
from medcenter.patients.models import ProxyScope
from medcenter.portal.registry import (
    HomeItem,
    HomePanel,
    Section,
    register_home_panel,
    register_section,
)


def unread_replies(access: PatientAccess, viewer: Any) -> list[HomeItem]:
    """ "Unread replies": one count query, whatever the history."""
    from medcenter.messaging.selectors import unread_count

    user = getattr(viewer, "user", viewer)
    count = unread_count(access, user)
    if not count:
        return []
    url = reverse("messaging:portal_threads", kwargs={"public_id": access.patient.public_id})
    return [
        HomeItem(
            title=ngettext("%(count)d unread reply", "%(count)d unread replies", count)
            % {"count": count},
            url=url,
            count=count,
        )
    ]


def register() -> None:
    register_section(
        Section(
            key="messages",
            label=_("Messages"),
            url_name="messaging:portal_threads",
            scope=ProxyScope.MESSAGES,
            order=30,
        )
    )
    register_home_panel(
        HomePanel(
            key="messages",
            label=_("Unread replies"),
            provider=unread_replies,
            scope=ProxyScope.MESSAGES,
            order=30,
        )
    )

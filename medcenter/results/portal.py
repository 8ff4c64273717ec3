"""What results adds to the Patient Gateway's home page."""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from medcenter.patients.access import PatientAccess
from medcenter.portal.registry import HomeItem
from medcenter.results.selectors import NEW_DAYS, new_results_count


def new_results_panel(access: PatientAccess, request: Any = None) -> list[HomeItem]:
    """New results and documents of the last two weeks (one query, whatever the history)."""
    count = new_results_count(access)
    if not count:
        return []
    return [
        HomeItem(
            title=_("New results"),
            url=reverse("results:portal_list", kwargs={"public_id": access.patient.public_id}),
            detail=ngettext(
                "%(count)d new result or document in the last %(days)d days",
                "%(count)d new results or documents in the last %(days)d days",
                count,
            )
            % {"count": count, "days": NEW_DAYS},
            count=count,
        )
    ]

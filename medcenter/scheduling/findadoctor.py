"""Next available on Find a Doctor: scheduling's answer to directory.availability.

Registered from SchedulingConfig.ready(); the directory calls it once per page with the
clinicians it shows. The times come from selectors.next_available_for (the slot engine,
cached); a clinician who takes no new patients, or has no online new-patient slot within
the window, gets the appointment request form with that clinician chosen (`?clinician=<slug>`).
"""

from __future__ import annotations

from collections.abc import Sequence
from urllib.parse import urlencode

from django.urls import reverse

from medcenter.directory.availability import NextAvailable
from medcenter.directory.models import Clinician
from medcenter.scheduling.selectors import next_available_for

_PLACEHOLDER = "slug-placeholder"


def next_available_links(clinicians: Sequence[Clinician]) -> dict[int, NextAvailable]:
    """Each clinician's next new-patient visit (linked to the slot picker) or request link."""
    # Only the fields a search result card carries are read here (directory.index.CARD_FIELDS).
    open_to_new = [c.pk for c in clinicians if c.accepting_new_patients]
    found = next_available_for(clinician_ids=open_to_new) if open_to_new else {}
    # One reverse each per page (they follow the active language's prefix), not per card.
    picker = reverse("scheduling:pick_slot", kwargs={"slug": _PLACEHOLDER})
    request_form = reverse("scheduling:request")
    links = {}
    for clinician in clinicians:
        slot = found.get(clinician.pk)
        if slot is None or slot.start is None:
            query = urlencode({"clinician": clinician.slug})
            links[clinician.pk] = NextAvailable(starts_at=None, url=f"{request_form}?{query}")
            continue
        query = urlencode(
            {
                "visit": slot.visit_code,
                "location": slot.location_slug,
                "week": slot.start.date().isoformat(),
            }
        )
        links[clinician.pk] = NextAvailable(
            starts_at=slot.start,
            url=f"{picker.replace(_PLACEHOLDER, clinician.slug)}?{query}",
        )
    return links

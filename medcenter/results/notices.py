"""The one notice results sends: "something new is ready", worded in
templates/results/notices/available_*.txt. It names no test, value or document: only that
there is something to read in the Patient Gateway (a test renders every template to hold it
to that). Checked again when sent: an item held again, or a proxy who lost access, gets none.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone

from medcenter.core import outbox
from medcenter.core.models import Notification
from medcenter.patients.access import proxy_access_for
from medcenter.patients.models import ProxyGrant, ProxyScope
from medcenter.results.models import Document, ResultReport

KIND = "results.available"
CATEGORY = "results"


def _item(public_id: str | None) -> ResultReport | Document | None:
    if not public_id:
        return None
    found: ResultReport | Document | None = (
        ResultReport.objects.select_related("patient").filter(public_id=public_id).first()
    )
    return found or Document.objects.select_related("patient").filter(public_id=public_id).first()


def available_context(note: Notification) -> dict[str, Any] | None:
    item = _item(note.context.get("item"))
    if item is None or item.release_at is None or item.release_at > timezone.now():
        return None
    proxy = note.context.get("proxy")
    if proxy:
        grant = (
            ProxyGrant.objects.current()
            .filter(patient=item.patient, proxy__public_id=proxy)
            .first()
        )
        access = None if grant is None else proxy_access_for(grant, today=timezone.localdate())
        if access is None or ProxyScope.RESULTS not in access.scopes:
            return None
        if item.adolescent_confidential and not access.sees_confidential:
            return None
    path = reverse("results:portal_list", kwargs={"public_id": item.patient.public_id})
    return {"link": str(settings.SITE_URL).rstrip("/") + path}


def register() -> None:
    outbox.register(
        KIND,
        templates="results/notices/available",
        category=CATEGORY,
        context=available_context,
    )

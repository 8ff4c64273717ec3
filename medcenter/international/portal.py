"""The Patient Gateway's view of international cases: a home line for each open case the
patient follows, linking to its case page (which lives here, since an inquirer abroad may
follow a case before the center holds a record for them), and the international team's pool
among those the patient may write to."""

from typing import Any

from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medcenter.international.models import Case, CaseStatus
from medcenter.patients.access import PatientAccess
from medcenter.portal.registry import HomeItem, HomePanel, register_home_panel


def open_cases(access: PatientAccess, user: Any) -> list[HomeItem]:
    cases = (
        Case.objects.filter(patient=access.patient)
        .exclude(status__in=(CaseStatus.CLOSED, CaseStatus.DECLINED))
        .order_by("-received_at")[:5]
    )
    return [
        HomeItem(
            title=_("International case %(ref)s") % {"ref": case.reference},
            detail=case.get_status_display(),
            url=reverse("international:my_case", kwargs={"case_id": case.public_id}),
        )
        for case in cases
    ]


def international_team(patient: Any) -> Q:
    """The international team's pool, for a patient with an open case."""
    open_case = (
        Case.objects.filter(patient=patient)
        .exclude(status__in=(CaseStatus.CLOSED, CaseStatus.DECLINED))
        .exists()
    )
    return Q(kind="international", program__isnull=True) if open_case else Q(pk__in=[])


def register() -> None:
    from django.apps import apps

    if apps.is_installed("medcenter.messaging"):
        from medcenter.messaging.selectors import register_pool_offer

        register_pool_offer(international_team)
    register_home_panel(
        HomePanel(
            key="international",
            label=_("Your international case"),
            provider=open_cases,
            self_only=True,
            order=60,
        )
    )

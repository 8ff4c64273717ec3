"""The questionnaires section of the Patient Gateway and its home panel.

The section needs the `messages` proxy scope: a symptom report goes to the nurse line like a
message, and a proxy who may write to the care team may also report for the patient (as
themselves; the author is recorded). Proxies without that scope see neither.
"""

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from medcenter.patients.access import PatientAccess
from medcenter.portal.registry import (
    HomeItem,
    HomePanel,
    Section,
    register_home_panel,
    register_section,
)
from medcenter.questionnaires.selectors import SCOPE, SECTION, due_for


def due_panel(access: PatientAccess, request: Any) -> list[HomeItem]:
    """'Questionnaires due': how many, linking to the due list (constant queries)."""
    due = due_for(access.patient)
    if not due:
        return []
    return [
        HomeItem(
            title=_("Questionnaires due"),
            url=reverse(
                "questionnaires:portal_due", kwargs={"public_id": access.patient.public_id}
            ),
            count=len(due),
        )
    ]


def register() -> None:
    register_section(
        Section(
            key=SECTION,
            label=_("Questionnaires"),
            url_name="questionnaires:portal_due",
            scope=SCOPE,
            order=50,
        )
    )
    register_home_panel(
        HomePanel(
            key="questionnaires_due",
            label=_("Questionnaires due"),
            provider=due_panel,
            scope=SCOPE,
            order=30,
        )
    )

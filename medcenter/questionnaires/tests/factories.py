import datetime as dt

from django.utils import timezone

from medcenter.oncology.models import TreatmentCourse
from medcenter.patients.access import resolve_access
from medcenter.questionnaires import builtin
from medcenter.questionnaires.models import Questionnaire, QuestionnaireKind

CALM = {s: "0" for s, _t in builtin.SYMPTOMS} | {e: "false" for e, _t in builtin.EMERGENCIES}


def checkin() -> Questionnaire:
    return Questionnaire.objects.get(kind=QuestionnaireKind.CHECKIN, status="active")


def intake() -> Questionnaire:
    return Questionnaire.objects.get(kind=QuestionnaireKind.INTAKE, status="active")


def on_treatment(patient, *, started_days_ago=10, ended_on=None) -> TreatmentCourse:
    return TreatmentCourse.objects.create(
        patient=patient,
        regimen="carboplatin + paclitaxel",
        agents=["carboplatin", "paclitaxel"],
        setting="adjuvant",
        started_on=timezone.localdate() - dt.timedelta(days=started_days_ago),
        ended_on=ended_on,
    )


def access_of(user, patient):
    access = resolve_access(user, patient)
    assert access is not None
    return access


def answers(**scores) -> dict:
    """The calm check-in with some symptoms scored (values as a form sends them)."""
    return CALM | {
        k: str(v) if not isinstance(v, bool) else str(v).lower() for k, v in scores.items()
    }

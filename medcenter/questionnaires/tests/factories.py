import datetime as dt

from django.db import transaction
from django.utils import timezone

from medcenter.oncology.models import TreatmentCourse
from medcenter.patients.access import resolve_access
from medcenter.questionnaires import builtin, services
from medcenter.questionnaires.models import Questionnaire, QuestionnaireKind

CALM = {s: "0" for s, _t in builtin.SYMPTOMS} | {e: "false" for e, _t in builtin.EMERGENCIES}


def _builtin(kind: str) -> Questionnaire:
    """The built-in form (a migration installs it; a transactional test's flush removes it,
    so it is installed again when missing)."""
    found = Questionnaire.objects.filter(kind=kind, status="active").first()
    if found is None:
        with transaction.atomic():
            services.install_builtin()
        found = Questionnaire.objects.get(kind=kind, status="active")
    return found


def checkin() -> Questionnaire:
    return _builtin(QuestionnaireKind.CHECKIN)


def intake() -> Questionnaire:
    return _builtin(QuestionnaireKind.INTAKE)


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

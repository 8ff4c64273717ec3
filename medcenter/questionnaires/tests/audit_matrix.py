"""How the audit-failure matrix (patients/tests/test_audit_failure_matrix.py) calls each of
the questionnaires app's audited writes: the arrangement runs with a working audit log and
returns the call to make once the audit insert fails.

`medcenter.questionnaires.selectors.form_of` is not here: it writes nothing and records no
audit event (it is found only because its cache's `_forms.clear()` shares its name with an
audited write, `international.services.clear`)."""

import json
from collections.abc import Callable
from pathlib import Path
from typing import Any

from medcenter.questionnaires import services
from medcenter.questionnaires.models import QuestionnaireResponse, ResponseStatus, SymptomAlert
from medcenter.questionnaires.tests.factories import access_of, answers, checkin

SERVICES = "medcenter.questionnaires.services."
WELLBEING = Path(__file__).parent / "fixtures" / "example_wellbeing.json"


def _load_questionnaire(ctx: Any) -> Callable[[], Any]:
    resource = json.loads(WELLBEING.read_text())
    return lambda: services.load_questionnaire(resource=resource, loaded_by=ctx.clinician)


def _install_builtin(ctx: Any) -> Callable[[], Any]:
    return lambda: services.install_builtin()


def _save_response(ctx: Any) -> Callable[[], Any]:
    user = ctx.patient.user
    access = access_of(user, ctx.patient)
    form = checkin()
    # A severe symptom: the sent report also raises its alert and the nurse line's thread.
    return lambda: services.save_response(
        access=access, questionnaire=form, author=user, answers=answers(pain=3), submit=True
    )


def _raise_symptom_alert(ctx: Any) -> Callable[[], Any]:
    # A sent report whose alert was not raised yet: the draft's answers, marked sent.
    user = ctx.patient.user
    draft = services.save_response(
        access=access_of(user, ctx.patient),
        questionnaire=checkin(),
        author=user,
        answers=answers(pain=3),
        submit=False,
    )
    QuestionnaireResponse.objects.filter(pk=draft.pk).update(status=ResponseStatus.COMPLETED)
    draft.refresh_from_db()
    return lambda: services.raise_symptom_alert(response=draft)


def _resolve_alert(ctx: Any) -> Callable[[], Any]:
    user = ctx.patient.user
    services.save_response(
        access=access_of(user, ctx.patient),
        questionnaire=checkin(),
        author=user,
        answers=answers(pain=3),
        submit=True,
    )
    alert = SymptomAlert.objects.get(patient=ctx.patient)
    return lambda: services.resolve_alert(alert=alert, staff_user=ctx.clinician)


def entries() -> dict[str, Callable[[Any], Callable[[], Any]]]:
    return {
        SERVICES + "load_questionnaire": _load_questionnaire,
        SERVICES + "install_builtin": _install_builtin,
        SERVICES + "save_response": _save_response,
        SERVICES + "raise_symptom_alert": _raise_symptom_alert,
        SERVICES + "resolve_alert": _resolve_alert,
    }

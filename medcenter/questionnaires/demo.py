"""Demo symptom reports: Mila Fenwick (on neoadjuvant chemotherapy, reported by her parent
Jonah, her proxy) has a calm first report, then a severe one that raised an alert (still open,
so the nurse navigator's queue shows it overdue), and her weekly check-in is due again."""

import random
from datetime import datetime, time, timedelta

from django.contrib.auth import get_user_model
from django.utils import timezone

from medcenter.core.seeding import DemoLogin
from medcenter.patients.access import resolve_access
from medcenter.patients.demo import PATIENT_DOMAIN
from medcenter.patients.models import Patient
from medcenter.questionnaires import builtin, services
from medcenter.questionnaires.models import QuestionnaireKind, QuestionnaireResponse
from medcenter.questionnaires.selectors import current_of_kind


def _answers(rng: random.Random, **scores: int) -> dict[str, object]:
    found: dict[str, object] = {s: str(rng.choice([0, 0, 1])) for s, _t in builtin.SYMPTOMS}
    found |= {e: "false" for e, _t in builtin.EMERGENCIES}
    found |= {k: str(v) for k, v in scores.items()}
    return found


def seed(*, rng: random.Random) -> list[DemoLogin]:
    mila = Patient.objects.filter(given_name="Mila", family_name="Fenwick").first()
    parent = get_user_model().objects.filter(email=f"jonah.fenwick@{PATIENT_DOMAIN}").first()
    checkin = current_of_kind(QuestionnaireKind.CHECKIN)
    if mila is None or parent is None or checkin is None:
        return []
    if QuestionnaireResponse.objects.filter(patient=mila).exists():
        return []
    access = resolve_access(parent, mila)
    if access is None:
        return []
    today = timezone.localdate()
    for days_ago, scores in ((11, {"fatigue": 1}), (8, {"nausea": 3, "fatigue": 2})):
        moment = timezone.make_aware(datetime.combine(today - timedelta(days=days_ago), time(18)))
        services.save_response(
            access=access,
            questionnaire=checkin,
            author=parent,
            answers=_answers(rng, **scores),
            submit=True,
            now=moment,
        )
    return []

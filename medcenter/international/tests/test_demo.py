import random

import pytest

from medcenter.international.models import Case, CaseStatus, LetterKind

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_at_every_stage_from_five_countries():
    from medcenter.accounts import demo as accounts_demo
    from medcenter.international import demo

    accounts_demo.seed(rng=random.Random(1))  # noqa: S311 - demo seed
    demo.seed(rng=random.Random(1))  # noqa: S311 - demo seed

    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        CaseStatus.NEW,
        CaseStatus.RECORDS_REQUESTED,
        CaseStatus.UNDER_REVIEW,
        CaseStatus.OPINION_SENT,
        CaseStatus.CLEARED,
        CaseStatus.VISA_LETTER,
        CaseStatus.SCHEDULED,
        CaseStatus.IN_CARE,
        CaseStatus.FOLLOW_UP,
        CaseStatus.CLOSED,
        CaseStatus.DECLINED,
    } <= statuses
    assert len(set(Case.objects.values_list("country", flat=True))) == 5
    seen = Case.objects.filter(status__in=(CaseStatus.FOLLOW_UP, CaseStatus.CLOSED))
    assert all(case.letters.filter(kind=LetterKind.SUMMARY).exists() for case in seen)
    again = demo.seed(rng=random.Random(1))  # noqa: S311 - demo seed
    assert again == []  # a second run adds nothing
    assert Case.objects.count() == len(demo.CASES)

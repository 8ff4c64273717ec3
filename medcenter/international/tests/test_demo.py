import random

import pytest

from medcenter.international.models import Case, CaseStatus

pytestmark = pytest.mark.django_db


def test_the_demo_has_cases_at_every_stage_from_five_countries():
    from medcenter.accounts import demo as accounts_demo
    from medcenter.international import demo

    accounts_demo.seed(rng=random.Random(1))  # noqa: S311 - demo seed
    demo.seed(rng=random.Random(1))  # noqa: S311 - demo seed

    statuses = set(Case.objects.values_list("status", flat=True))
    assert {
        CaseStatus.NEW,
        CaseStatus.UNDER_REVIEW,
        CaseStatus.OPINION_SENT,
        CaseStatus.CLEARED,
        CaseStatus.VISA_LETTER,
        CaseStatus.SCHEDULED,
        CaseStatus.CLOSED,
        CaseStatus.DECLINED,
    } <= statuses
    assert len(set(Case.objects.values_list("country", flat=True))) == 5
    again = demo.seed(rng=random.Random(1))  # noqa: S311 - demo seed
    assert again == []  # a second run adds nothing
    assert Case.objects.count() == len(demo.CASES)

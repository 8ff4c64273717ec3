import random

import pytest

from medcenter.giving import demo, selectors
from medcenter.giving.models import Campaign, Fund, Gift, Receipt


@pytest.mark.django_db
def test_the_demo_has_five_funds_two_campaigns_and_two_thousand_receipted_gifts():
    demo.seed(rng=random.Random(1))  # noqa: S311
    assert Fund.objects.count() == 5
    assert Campaign.objects.count() == 2
    assert Gift.objects.count() == 2000
    assert Receipt.objects.count() == 2000
    assert selectors.campaign_progress(Campaign.objects.first()).raised_minor > 0
    assert demo.seed(rng=random.Random(1)) == []  # noqa: S311
    assert Gift.objects.count() == 2000

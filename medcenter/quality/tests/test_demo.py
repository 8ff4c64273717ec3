"""The demo's 24 synthetic months: entered and computed figures, 23 months published."""

import random

import pytest

from medcenter.accounts.demo import staff_email
from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.quality import demo
from medcenter.quality.models import Benchmark, Entry, Publication, Snapshot
from medcenter.scheduling.models import Resource
from medcenter.scheduling.tests.factories import LocationFactory, VisitTypeFactory

pytestmark = pytest.mark.django_db


def test_the_demo_builds_24_months_and_publishes_all_but_the_last():
    StaffUserFactory(email=staff_email("quality_analyst"), roles=["quality_analyst"])
    VisitTypeFactory()
    Resource.objects.create(name="Chair", kind="infusion_chair", location=LocationFactory())

    demo.seed(rng=random.Random(1))  # noqa: S311

    assert Entry.objects.count() == 24 * 5
    assert Publication.objects.count() == 23
    months = set(
        Snapshot.objects.filter(version__measure__code="referral-seen-within-14-days").values_list(
            "month", flat=True
        )
    )
    assert len(months) == 24
    assert Snapshot.objects.filter(
        version__measure__code="stage-within-30-days", stratifier="language"
    ).exists()
    for benchmark in Benchmark.objects.all():
        assert benchmark.is_demo or benchmark.value == 1.0
    # Running the demo again adds nothing.
    demo.seed(rng=random.Random(1))  # noqa: S311
    assert Entry.objects.count() == 24 * 5

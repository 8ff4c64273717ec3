"""Programs compared on a funnel plot: snapshots broken down by program for the measures whose
units have one, and Spiegelhalter's (2005) 95% and 99.8% limits around the overall share."""

from datetime import date

import pytest
from django.test import Client
from django.utils import timezone

from medcenter.accounts.tests.factories import sign_in_verified
from medcenter.directory.models import Program
from medcenter.quality import services, stats
from medcenter.quality.models import Measure, Snapshot
from medcenter.quality.services import measures
from medcenter.quality.tests import world as w
from medcenter.quality.tests.factories import analyst, catalogue

pytestmark = pytest.mark.django_db

MARCH = date(2026, 3, 1)


@pytest.fixture(autouse=True)
def _catalogue():
    catalogue()


@pytest.fixture
def october(settings):
    settings.TIME_ZONE = "America/New_York"
    timezone.activate("America/New_York")
    w.build()
    services.take_snapshots(months=[w.OCTOBER])
    yield
    timezone.deactivate()


def _by_program(code):
    return {
        s.stratum: (s.numerator, s.denominator, s.flagged)
        for s in Snapshot.objects.filter(version__measure__code=code, stratifier="program")
    }


def test_snapshots_break_the_referral_and_board_measures_down_by_program(october):
    # tests/world.py: R1 (9 days, letter in 19 days) and R2 (34 days, no letter) went to
    # sarcoma, R3 (14 days, letter after 46 days) to lung; the board is sarcoma's and signed
    # 2 concordant recommendations out of 3 current ones in October.
    assert _by_program("referral-seen-within-14-days") == {
        "sarcoma": (1, 2, False),
        "lung": (1, 1, False),
    }
    assert _by_program("consult-letter-within-30-days") == {
        "sarcoma": (1, 2, False),
        "lung": (0, 1, False),
    }
    assert _by_program("board-concordance") == {"sarcoma": (2, 3, False)}
    median = _by_program("referral-to-first-visit-days")
    assert median["sarcoma"][1] == 2 and median["lung"][1] == 1


def test_measures_without_a_program_have_no_program_rows(october):
    assert (
        set(
            Snapshot.objects.filter(stratifier="program").values_list(
                "version__measure__code", flat=True
            )
        )
        == measures.BY_PROGRAM
    )


def test_the_funnel_limits_match_a_hand_computed_example():
    # Spiegelhalter's interpolated quantile: r is the smallest x with P(X <= x) >= q, alpha =
    # (P(X <= r) - q) / P(X = r), limit = (r - alpha) / n. For Bin(40, 1/2):
    #  2.5%: r = 14, P(<= 13) = 0.019239, P(<= 14) = 0.040345, alpha = 0.727059 -> 0.331824
    # 97.5%: r = 26, P(<= 25) = 0.959655, P(<= 26) = 0.980761, alpha = 0.272941 -> 0.643176
    #  0.1%: r = 10, P(<= 9) = 0.000340, P(<= 10) = 0.001111, alpha = 0.143612 -> 0.246410
    # 99.9%: r = 30, P(<= 29) = 0.998889, P(<= 30) = 0.999660, alpha = 0.856388 -> 0.728590
    (limit,) = stats.funnel_limits(0.5, [40])
    assert limit.lower95 == pytest.approx(0.331824, abs=1e-6)
    assert limit.upper95 == pytest.approx(0.643176, abs=1e-6)
    assert limit.lower998 == pytest.approx(0.246410, abs=1e-6)
    assert limit.upper998 == pytest.approx(0.728590, abs=1e-6)

    # Skin 21/40 = 0.525 is inside those limits; Bone 45/60 = 0.75 is beyond the 99.8% limit
    # at n = 60 (0.6903); Lung 84/200 = 0.42 is below the 95% limit at n = 200 (0.4281) but
    # above the 99.8% one (0.3884). (Each count and its complement is 11 or more, so the
    # dashboard below shows them all under the cell-size policy.)
    points = {
        p.label: p
        for p in stats.funnel_points([("Bone", 45, 60), ("Lung", 84, 200), ("Skin", 21, 40)], 0.5)
    }
    assert (points["Bone"].beyond95, points["Bone"].beyond998) == (True, True)
    assert (points["Lung"].beyond95, points["Lung"].beyond998) == (True, False)
    assert (points["Skin"].beyond95, points["Skin"].beyond998) == (False, False)


def test_the_dashboard_draws_the_programs_funnel_from_snapshots():
    measure = Measure.objects.get(code="referral-seen-within-14-days")
    version = measure.versions.get()
    Snapshot.objects.create(version=version, month=MARCH, numerator=150, denominator=300, value=0.5)
    for slug, name, x, n in (
        ("bone", "Bone Program", 45, 60),
        ("lung", "Lung Program", 84, 200),
        ("skin", "Skin Program", 21, 40),
    ):
        Program.objects.create(slug=slug, name=name)
        Snapshot.objects.create(
            version=version,
            month=MARCH,
            stratifier="program",
            stratum=slug,
            numerator=x,
            denominator=n,
            value=x / n,
        )
    client = Client()
    sign_in_verified(client, analyst())

    html = client.get("/en/staff/quality/?month=2026-03&stratifier=program").content.decode()

    funnel = html[html.index('id="funnel-referral-seen-within-14-days-title"') :]
    funnel = funnel[: funnel.index("</svg>")]
    assert "Each program" in funnel
    assert 'class="point beyond998"' in funnel and "Bone Program: 75% (n = 60)" in funnel
    assert 'class="point beyond95"' in funnel and "Lung Program: 42% (n = 200)" in funnel
    assert "Skin Program: 52% (n = 40)" in funnel
    assert "99.8% limits" in funnel
    assert '<th scope="row">Bone Program</th>' in html

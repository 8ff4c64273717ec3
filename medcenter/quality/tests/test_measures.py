"""Each computed measure against the hand-counted world of tests/world.py (October 2026)."""

import pytest
from django.utils import timezone

from medcenter.quality.services import measures
from medcenter.quality.tests import world as w

pytestmark = pytest.mark.django_db


@pytest.fixture
def october(settings):
    settings.TIME_ZONE = "America/New_York"
    timezone.activate("America/New_York")
    built = w.build()
    reads = measures.Reads(start=w.OCTOBER, end=measures.next_month(w.OCTOBER))
    yield built, reads
    timezone.deactivate()


def _counts(code, reads):
    units = measures.COMPUTED[code](reads)
    assert {u.month for u in units} <= {w.OCTOBER}
    return measures.counts(units)


def test_referral_days_are_counted_per_referral_first_seen_in_the_month(october):
    _world, reads = october
    units = measures.referral_to_first_visit_days(reads)
    assert sorted(u.value for u in units) == [9, 14, 34]


def test_referrals_seen_within_14_days(october):
    assert _counts("referral-seen-within-14-days", october[1]) == (2, 3)


def test_consult_letters_within_30_days(october):
    assert _counts("consult-letter-within-30-days", october[1]) == (1, 3)


def test_message_reply_hours_skip_internal_notes_and_unanswered_messages(october):
    units = measures.message_reply_hours(october[1])
    assert sorted(u.value for u in units) == [4.0, 12.0]


def test_stage_within_30_days_of_the_later_of_diagnosis_and_first_visit(october):
    assert _counts("stage-within-30-days", october[1]) == (1, 3)


def test_board_review_within_60_days_of_diagnosis(october):
    assert _counts("board-review-within-60-days", october[1]) == (1, 2)


def test_board_concordance_counts_current_signed_recommendations(october):
    assert _counts("board-concordance", october[1]) == (2, 3)


def test_new_patients_enrolled_in_a_trial(october):
    assert _counts("new-patients-in-trial", october[1]) == (1, 3)


def test_symptom_reports_per_patient_month_on_treatment(october):
    assert _counts("symptom-reports-on-treatment", october[1]) == (1, 2)


def test_pain_scored_at_visits_of_patients_on_a_course_of_systemic_therapy(october):
    # 4 visits on a course (a clinic visit among them); a chair visit with no course is not one.
    assert _counts("pain-scored-at-treatment-visits", october[1]) == (1, 4)


def test_no_shows_among_appointments_due(october):
    assert _counts("no-shows", october[1]) == (1, 9)


def test_waitlist_offers_accepted_among_answered_offers(october):
    assert _counts("waitlist-offers-accepted", october[1]) == (1, 3)


def test_each_family_is_one_query_whatever_the_number_of_patients(
    october, django_assert_max_num_queries
):
    _world, reads = october
    fresh = measures.Reads(start=reads.start, end=reads.end)
    with django_assert_max_num_queries(12):
        for computation in measures.COMPUTED.values():
            computation(fresh)

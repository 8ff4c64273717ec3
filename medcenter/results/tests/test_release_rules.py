"""The release rules as a table: final items show at once; the only holds are the patient's
own wish, a named state law, and one clinician's time-boxed hold with a reason."""

from datetime import UTC, datetime, timedelta

import pytest
import time_machine
from django.core.exceptions import ValidationError

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.core.models import AuditEvent
from medcenter.patients.tests.factories import PatientFactory
from medcenter.results import services
from medcenter.results.models import MAX_HOLD_DAYS, ReleaseLaw, ResultReport
from medcenter.results.release import LawDelay, release_time
from medcenter.results.tests.factories import report

ISSUED = datetime(2026, 3, 2, 9, 0, tzinfo=UTC)
DAY = timedelta(days=1)

RULES = [
    # (label, kwargs, expected release)
    ("final shows at once", {}, ISSUED),
    ("amended shows at once", {"status": "amended"}, ISSUED),
    ("preliminary never shows", {"status": "preliminary"}, None),
    ("patient's wish, not reviewed: at most N days", {"preference_days": 7}, ISSUED + 7 * DAY),
    (
        "patient's wish, reviewed on day 2: at review",
        {"preference_days": 7, "reviewed_at": ISSUED + 2 * DAY},
        ISSUED + 2 * DAY,
    ),
    (
        "patient's wish, reviewed after N days: at N days",
        {"preference_days": 3, "reviewed_at": ISSUED + 9 * DAY},
        ISSUED + 3 * DAY,
    ),
    ("state law: delay days", {"laws": [LawDelay(3, False)]}, ISSUED + 3 * DAY),
    (
        "state law released by review",
        {"laws": [LawDelay(3, True)], "reviewed_at": ISSUED + DAY},
        ISSUED + DAY,
    ),
    (
        "state law not released by review",
        {"laws": [LawDelay(3, False)], "reviewed_at": ISSUED + DAY},
        ISSUED + 3 * DAY,
    ),
    ("clinician hold ends", {"hold_ends_at": ISSUED + 5 * DAY}, ISSUED + 5 * DAY),
    (
        "the latest hold wins",
        {"preference_days": 2, "laws": [LawDelay(4, False)], "hold_ends_at": ISSUED + DAY},
        ISSUED + 4 * DAY,
    ),
    ("no center-wide delay exists: nothing else holds", {"reviewed_at": None}, ISSUED),
]


@pytest.mark.parametrize(("label", "kwargs", "expected"), RULES, ids=[r[0] for r in RULES])
def test_release_time(label, kwargs, expected):
    rule = {"status": "final", **kwargs}
    assert release_time(issued_at=ISSUED, **rule) == expected


def _shown(item, at):
    return ResultReport.objects.filter(pk=item.pk).released(at).exists()


SCENARIOS = [
    # (label, set-up, [(days after issue, shown?)])
    ("final, no holds", None, [(0, True)]),
    ("patient asked for review within 3 days", "preference", [(0, False), (2.9, False), (3, True)]),
    ("a named state law delays 2 days", "law", [(0, False), (1.9, False), (2, True)]),
    ("a clinician holds for 4 days", "hold", [(0, False), (3.9, False), (4, True)]),
]


@pytest.mark.django_db
@pytest.mark.parametrize(("label", "setup", "checks"), SCENARIOS, ids=[s[0] for s in SCENARIOS])
def test_release_over_time(label, setup, checks):
    patient = PatientFactory()
    clinician = StaffUserFactory(roles=["clinician"])
    with time_machine.travel(ISSUED, tick=False):
        if setup == "preference":
            services.set_release_preference(
                patient=patient, actor=patient.user, sensitive_type="genetic", max_days=3
            )
        if setup == "law":
            ReleaseLaw.objects.create(
                name="Example state law",
                sensitive_type="genetic",
                delay_days=2,
                citation="Example Health Code § 1",
                released_by_review=False,
            )
        item = report(patient, issued_at=ISSUED, sensitive_type="genetic", actor=clinician)
        if setup == "hold":
            services.place_hold(item=item, actor=clinician, reason="Needs a visit first", days=4)
    for days, shown in checks:
        at = ISSUED + timedelta(days=days)
        with time_machine.travel(at, tick=False):
            assert _shown(item, at) is shown, (label, days)


@pytest.mark.django_db
def test_the_patients_wish_ends_at_review():
    patient = PatientFactory()
    clinician = StaffUserFactory(roles=["clinician"])
    with time_machine.travel(ISSUED, tick=False):
        services.set_release_preference(
            patient=patient, actor=patient.user, sensitive_type="cancer_finding", max_days=7
        )
        item = report(patient, issued_at=ISSUED, sensitive_type="cancer_finding")
        assert not _shown(item, ISSUED)
    with time_machine.travel(ISSUED + DAY, tick=False):
        services.mark_reviewed(item=item, actor=clinician)
        assert _shown(item, ISSUED + DAY)
    assert AuditEvent.objects.filter(
        action="result.released", object_id=str(item.public_id)
    ).exists()


@pytest.mark.django_db
def test_the_wish_only_touches_its_own_type_and_is_capped():
    patient = PatientFactory()
    services.set_release_preference(
        patient=patient, actor=None, sensitive_type="genetic", max_days=30
    )
    lab = report(patient)  # not sensitive
    assert _shown(lab, lab.issued_at)
    with pytest.raises(ValidationError):
        services.set_release_preference(
            patient=patient, actor=None, sensitive_type="genetic", max_days=31
        )


@pytest.mark.django_db
def test_a_hold_needs_a_reason_and_a_bounded_time():
    clinician = StaffUserFactory(roles=["clinician"])
    item = report()
    for reason, days in [
        ("", 3),
        ("   ", 3),
        ("Harm", 0),
        ("Harm", MAX_HOLD_DAYS + 1),
        ("Harm", None),
    ]:
        with pytest.raises(ValidationError):
            services.place_hold(item=item, actor=clinician, reason=reason, days=days)
    assert _shown(item, item.issued_at + DAY)


@pytest.mark.django_db
def test_holds_and_lifts_are_audited_in_the_transaction():
    clinician = StaffUserFactory(roles=["clinician"])
    item = report()
    services.place_hold(item=item, actor=clinician, reason="Discuss in person first", days=2)
    item.refresh_from_db()
    assert not _shown(item, item.issued_at + DAY)
    with pytest.raises(ValidationError):
        services.place_hold(item=item, actor=clinician, reason="Again", days=2)
    services.lift_hold(item=item, actor=clinician)
    from django.utils import timezone

    assert _shown(item, timezone.now())
    actions = list(
        AuditEvent.objects.filter(object_id=str(item.public_id))
        .order_by("id")
        .values_list("action", "reason")
    )
    assert ("result.hold_placed", "Discuss in person first") in actions
    assert [a for a, _r in actions][-2:] == ["result.hold_lifted", "result.released"]


@pytest.mark.django_db
def test_a_hold_that_ran_out_makes_way_for_a_new_one():
    clinician = StaffUserFactory(roles=["clinician"])
    item = report()
    services.place_hold(item=item, actor=clinician, reason="First", days=1)
    from django.utils import timezone

    with time_machine.travel(timezone.now() + 2 * DAY):
        hold = services.place_hold(item=item, actor=clinician, reason="Second", days=1)
    assert hold.reason == "Second"

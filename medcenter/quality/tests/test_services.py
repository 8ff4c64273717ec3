"""Entries, versions, snapshots and publishing."""

from datetime import date

import pytest
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.test import Client
from django.utils import timezone

from medcenter.core.models import AuditEvent
from medcenter.quality import services
from medcenter.quality.models import Entry, Measure, Publication, Snapshot
from medcenter.quality.tests import world as w
from medcenter.quality.tests.factories import analyst, catalogue, enter

pytestmark = pytest.mark.django_db

SEPTEMBER = date(2026, 9, 1)


@pytest.fixture(autouse=True)
def _catalogue():
    catalogue()


def test_an_entry_keeps_its_source_document_and_is_audited():
    entry = enter("clabsi-sir", SEPTEMBER, 3, 4.2)

    assert entry.source_filename.endswith(".pdf")
    assert entry.vault_key
    assert AuditEvent.objects.filter(
        action="quality.entry_recorded", object_id=str(entry.public_id)
    ).exists()


def test_an_entry_without_a_source_document_is_refused_on_that_field():
    with pytest.raises(ValidationError) as error:
        services.record_entry(
            measure_code="clabsi-sir",
            month=SEPTEMBER,
            numerator=1,
            denominator=2.0,
            actor=analyst(),
            document=None,
        )
    assert "document" in error.value.error_dict
    assert not Entry.objects.exists()


def test_a_numerator_above_the_denominator_of_a_share_is_refused():
    with pytest.raises(ValidationError) as error:
        enter("hcahps-top-box", SEPTEMBER, 120, 100)
    assert "numerator" in error.value.error_dict


def test_an_sir_may_observe_more_than_predicted():
    assert enter("clabsi-sir", SEPTEMBER, 5, 2.5).numerator == 5


def test_a_correction_is_a_new_row_with_a_reason():
    first = enter("falls-per-1000-patient-days", SEPTEMBER, 8, 4000)
    with pytest.raises(ValidationError) as error:
        enter("falls-per-1000-patient-days", SEPTEMBER, 9, 4000)
    assert "reason" in error.value.error_dict

    second = enter(
        "falls-per-1000-patient-days", SEPTEMBER, 9, 4000, reason="A late incident report"
    )

    assert second.corrects == first
    assert Entry.objects.get(month=SEPTEMBER, corrected_by__isnull=True) == second
    assert Entry.objects.count() == 2
    assert AuditEvent.objects.filter(action="quality.entry_corrected").count() == 1


def test_a_computed_measure_cannot_be_entered():
    with pytest.raises(ValidationError):
        enter("no-shows", SEPTEMBER, 1, 10)


def test_a_future_month_cannot_be_entered():
    with pytest.raises(ValidationError):
        enter("clabsi-sir", date(2030, 1, 1), 1, 2.0)


def test_translations_are_limited_to_the_sites_languages_and_fields():
    services.validate_translations({"ru": {"name": "Имя"}})
    for bad in ({"xx": {"name": "?"}}, {"ru": {"steward": "?"}}, {"ru": {"name": 3}}, []):
        with pytest.raises(ValidationError):
            services.validate_translations(bad)


def test_revising_a_measure_makes_a_version_and_snapshots_keep_theirs():
    enter("clabsi-sir", SEPTEMBER, 3, 4.0)
    services.take_snapshots(months=[SEPTEMBER])
    measure = Measure.objects.get(code="clabsi-sir")
    old = Snapshot.objects.get(version__measure=measure)

    with services.transaction.atomic():
        version = services.revise_measure(
            measure=measure, actor=analyst(), name="CLABSI SIR (adult units)"
        )

    assert version.number == 2
    old.refresh_from_db()
    assert old.version.number == 1


def test_a_measure_without_a_source_has_no_snapshot_never_a_zero(monkeypatch):
    from medcenter.quality.services import measures

    monkeypatch.delitem(measures.COMPUTED, "pain-scored-at-treatment-visits")
    services.take_snapshots(months=[SEPTEMBER])

    assert not Snapshot.objects.filter(
        version__measure__code="pain-scored-at-treatment-visits"
    ).exists()
    assert Snapshot.objects.filter(version__measure__code="no-shows", stratifier="").exists()


def test_snapshots_hold_the_hand_counted_figures_with_strata_and_intervals(settings):
    settings.TIME_ZONE = "America/New_York"
    timezone.activate("America/New_York")
    try:
        w.build()
        services.take_snapshots(months=[w.OCTOBER])
    finally:
        timezone.deactivate()

    overall = Snapshot.objects.get(
        version__measure__code="no-shows", stratifier="", month=w.OCTOBER
    )
    assert (overall.numerator, overall.denominator) == (1, 9)
    assert overall.low < 1 / 9 < overall.high
    median = Snapshot.objects.get(
        version__measure__code="referral-to-first-visit-days", stratifier=""
    )
    assert median.value == 14 and median.denominator == 3
    spanish = Snapshot.objects.get(
        version__measure__code="no-shows", stratifier="language", stratum="es"
    )
    assert (spanish.numerator, spanish.denominator) == (1, 3)
    areas = set(
        Snapshot.objects.filter(version__measure__code="no-shows", stratifier="area").values_list(
            "stratum", flat=True
        )
    )
    assert areas == {"ZIP 191", "ZIP 100", "DE"}
    bands = set(
        Snapshot.objects.filter(
            version__measure__code="no-shows", stratifier="age-band"
        ).values_list("stratum", flat=True)
    )
    assert bands == {"40-64", "65-74", "18-39", "75+"}
    assert set(Snapshot.objects.values_list("status", flat=True)) == {"draft"}


def test_publishing_a_month_publishes_its_drafts_once_and_is_audited():
    enter("clabsi-sir", SEPTEMBER, 3, 4.0)
    services.take_snapshots(months=[SEPTEMBER])
    actor = analyst()

    with services.transaction.atomic():
        services.publish_month(month=SEPTEMBER, actor=actor)

    assert set(Snapshot.objects.values_list("status", flat=True)) == {"published"}
    assert Publication.objects.get().published_by == actor
    assert AuditEvent.objects.filter(action="quality.month_published").exists()
    with pytest.raises(ValidationError), services.transaction.atomic():
        services.publish_month(month=SEPTEMBER, actor=actor)
    # A published month is not recomputed.
    assert services.take_snapshots(months=[SEPTEMBER]) == 0


def test_publishing_clears_the_cached_public_page_in_every_language(
    django_capture_on_commit_callbacks, settings
):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 300
    enter("clabsi-sir", SEPTEMBER, 3, 4.0)
    services.take_snapshots(months=[SEPTEMBER])
    client = Client()
    before = client.get("/ru/quality/")
    assert "0,75" not in before.content.decode() and "0.75" not in before.content.decode()

    with django_capture_on_commit_callbacks(execute=True), services.transaction.atomic():
        services.publish_month(month=SEPTEMBER, actor=analyst())

    after = client.get("/ru/quality/").content.decode()
    assert "0.75" in after
    cache.clear()


def test_a_month_without_figures_cannot_be_published():
    with pytest.raises(ValidationError), services.transaction.atomic():
        services.publish_month(month=SEPTEMBER, actor=analyst())
    assert not Publication.objects.exists()


def test_the_snapshot_command_drafts_a_month_and_refuses_a_bad_one():
    from io import StringIO

    from django.core.management import CommandError, call_command

    enter("clabsi-sir", SEPTEMBER, 3, 4.0)
    out = StringIO()

    call_command("quality_snapshot", "--month", "2026-09", stdout=out)

    assert "2026-09" in out.getvalue()
    assert Snapshot.objects.filter(month=SEPTEMBER, status="draft").exists()
    with pytest.raises(CommandError):
        call_command("quality_snapshot", "--month", "September")

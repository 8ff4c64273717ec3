from datetime import date, datetime, time
from zoneinfo import ZoneInfo

import pytest
import recurring_ical_events
from icalendar import Calendar

from medcenter.events import calendars, services
from medcenter.events.models import EventSession
from medcenter.events.tests.factories import EventSeriesFactory, EventSessionFactory

pytestmark = pytest.mark.django_db

NEW_YORK = ZoneInfo("America/New_York")


@pytest.fixture
def weekly():
    """Tuesdays at 18:00 New York time, across the end of daylight saving (2030-11-03),
    one date skipped by the rule and one session cancelled."""
    series = EventSeriesFactory(
        slug="weekly",
        first_date=date(2030, 10, 15),
        start_time=time(18, 0),
        rrule="FREQ=WEEKLY;BYDAY=TU;COUNT=6",
        exdates=["2030-10-22"],
    )
    services.materialise_sessions(series=series, until=date(2031, 1, 31))
    cancelled = EventSession.objects.get(series=series, starts_at__date=date(2030, 11, 5))
    services.cancel_session(session=cancelled)
    series.refresh_from_db()
    return series


def test_the_feed_expands_across_daylight_saving_to_exactly_our_sessions(weekly):
    feed = Calendar.from_ical(calendars.series_ics([weekly], name="Events"))

    expanded = recurring_ical_events.of(feed).between(date(2030, 10, 1), date(2031, 1, 1))

    ours = EventSession.objects.filter(series=weekly, status="scheduled").order_by("starts_at")
    assert sorted(e["DTSTART"].dt for e in expanded) == [s.starts_at for s in ours]
    assert [s.local_start.time() for s in ours] == [time(18, 0)] * 4
    assert {e["DTSTART"].dt.utcoffset().total_seconds() / 3600 for e in expanded} == {-4, -5}


def test_the_feed_carries_a_stable_uid_its_time_zone_and_the_skipped_dates(weekly):
    first = Calendar.from_ical(calendars.series_ics([weekly], name="Events"))
    again = Calendar.from_ical(calendars.series_ics([weekly], name="Events"))

    event = first.walk("VEVENT")[0]
    assert (
        event["UID"]
        == again.walk("VEVENT")[0]["UID"]
        == f"series-{weekly.public_id}@" + event["UID"].split("@")[1]
    )
    assert [tz["TZID"] for tz in first.walk("VTIMEZONE")] == ["America/New_York"]
    assert event["DTSTART"].params["TZID"] == "America/New_York"
    exdates = sorted(d.dt for d in event["EXDATE"].dts)
    assert exdates == [
        datetime(2030, 10, 22, 18, tzinfo=NEW_YORK),
        datetime(2030, 11, 5, 18, tzinfo=NEW_YORK),
    ]
    assert str(event["RRULE"].to_ical().decode()) == "FREQ=WEEKLY;COUNT=6;BYDAY=TU"


def test_a_change_raises_the_sequence(weekly):
    before = Calendar.from_ical(calendars.series_ics([weekly], name="x")).walk("VEVENT")[0]

    services.series_changed(series=weekly)

    after = Calendar.from_ical(calendars.series_ics([weekly], name="x")).walk("VEVENT")[0]
    assert after["SEQUENCE"] > before["SEQUENCE"]


def test_a_cancelled_session_is_status_cancelled_with_a_higher_sequence():
    session = EventSessionFactory()
    before = Calendar.from_ical(calendars.session_ics(session, with_link=True)).walk("VEVENT")[0]

    services.cancel_session(session=session)

    after = Calendar.from_ical(calendars.session_ics(session, with_link=True)).walk("VEVENT")[0]
    assert (before["STATUS"], after["STATUS"]) == ("CONFIRMED", "CANCELLED")
    assert after["UID"] == before["UID"] and after["SEQUENCE"] == before["SEQUENCE"] + 1


@pytest.mark.parametrize(("with_link", "shown"), [(True, True), (False, False)])
def test_the_virtual_link_is_only_in_the_registrants_file(with_link, shown):
    series = EventSeriesFactory(location=None, virtual_url="https://meet.example.org/room-42")
    session = EventSessionFactory(series=series)

    text = calendars.session_ics(session, with_link=with_link).decode()

    assert ("meet.example.org/room-42" in text) is shown

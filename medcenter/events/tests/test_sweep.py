"""The periodic sweep (`manage.py scheduling_sweep`) keeps open-ended series HORIZON_DAYS
ahead: once a day per published series, never for an unpublished one."""

from datetime import timedelta

import pytest
from django.utils import timezone

from medcenter.events import services
from medcenter.events.models import EventSession
from medcenter.events.tests.factories import EventSeriesFactory
from medcenter.scheduling.tasks import sweep

pytestmark = pytest.mark.django_db


def test_the_sweep_makes_a_new_series_sessions_once_a_day_and_moves_the_horizon(time_machine):
    time_machine.move_to(timezone.now(), tick=False)
    series = EventSeriesFactory(rrule="FREQ=WEEKLY")
    hidden = EventSeriesFactory(rrule="FREQ=WEEKLY", is_published=False)

    made = sweep()["event_sessions_made"]

    horizon = timezone.now() + timedelta(days=services.HORIZON_DAYS)
    assert made == series.sessions.count() > 20
    assert series.sessions.latest("starts_at").starts_at > horizon - timedelta(days=8)
    assert not hidden.sessions.exists()
    assert sweep()["event_sessions_made"] == 0  # again the same day: nothing to do

    time_machine.move_to(timezone.now() + timedelta(days=8), tick=False)
    assert sweep()["event_sessions_made"] == 1  # a day later: one more week in reach
    latest = series.sessions.latest("starts_at").starts_at
    assert latest > timezone.now() + timedelta(days=services.HORIZON_DAYS - 8)
    assert EventSession.objects.filter(series=hidden).count() == 0

"""List pages and list APIs cost the same queries whatever their length (no N+1)."""

import pytest

from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.events.tests.factories import (
    EventSeriesFactory,
    EventSessionFactory,
    RegistrationFactory,
)
from medcenter.research.models import Authorship
from medcenter.research.tests.factories import PublicationFactory
from medcenter.scheduling.tests.factories import ClinicianFactory

pytestmark = pytest.mark.django_db


def _more_sessions(series=None):
    for _ in range(3):
        session = EventSessionFactory(**({"series": series} if series else {}))
        RegistrationFactory(session=session)


@pytest.mark.parametrize("url", ["/en/events/", "/api/v1/events/", "/en/events/feed.ics"])
def test_event_lists_do_not_grow_their_queries(client, settings, url):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    _more_sessions()

    first, second = assert_flat_queries(lambda: client.get(url), _more_sessions)

    assert first.status_code == second.status_code == 200


def test_the_event_page_does_not_grow_its_queries(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    series = EventSeriesFactory(slug="flat")
    _more_sessions(series)

    assert_flat_queries(lambda: client.get("/en/events/flat/"), lambda: _more_sessions(series))


def test_publication_lists_do_not_grow_their_queries(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    clinician = ClinicianFactory(slug="dr-flat")

    def more():
        for _ in range(3):
            Authorship.objects.create(
                publication=PublicationFactory(),
                clinician=clinician,
                author_name="x",
                status="confirmed",
            )

    more()
    for url in (
        "/en/research/publications/?clinician=dr-flat",
        "/api/v1/research/publications?clinician=dr-flat",
        "/en/doctors/dr-flat/",
    ):
        assert_flat_queries(lambda url=url: client.get(url), more)

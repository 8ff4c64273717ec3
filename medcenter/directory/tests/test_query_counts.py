"""Every directory list page and the search API cost the same queries for one row as for ten."""

import pytest

from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.directory import index
from medcenter.directory.models import Condition, LocationKind, Program
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    SpecialtyFactory,
)

pytestmark = pytest.mark.django_db

MORE = 9


@pytest.fixture(autouse=True)
def _uncached_and_steady_index(settings, monkeypatch):
    """Count what rendering costs, not a cache hit; and read the index version only when the
    test changes the directory, not whenever a second has passed."""
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    monkeypatch.setattr(index, "CHECK_EVERY_SECONDS", 3600.0)


def _clinician(n):
    """A lung doctor with a specialty, a program, a condition and a place of their own."""
    clinician = ClinicianFactory(family_name=f"Lungwell{n}")
    clinician.specialties.add(SpecialtyFactory(slug=f"thoracic-{n}", name=f"Thoracic {n}"))
    clinician.locations.add(LocationFactory())
    clinician.programs.add(Program.objects.create(slug=f"lung-{n}", name=f"Lung program {n}"))
    clinician.conditions.add(Condition.objects.create(slug=f"lung-cancer-{n}", name="Lung cancer"))
    return clinician


def _more_clinicians():
    for n in range(1, 1 + MORE):
        _clinician(n)
    index.bump_version()
    index.forget()


def test_the_doctors_list(client):
    _clinician(0)

    _before, after = assert_flat_queries(lambda: client.get("/en/doctors/"), _more_clinicians)

    assert after.status_code == 200
    assert after.content.decode().count("Lungwell") >= 1 + MORE


def test_the_directory_search_api(client):
    _clinician(0)

    _before, after = assert_flat_queries(
        lambda: client.get("/api/v1/directory/search", {"q": "lung"}), _more_clinicians
    )

    assert after.status_code == 200
    assert after.json()["total"] == 1 + MORE


def test_the_programs_list(client):
    Program.objects.create(slug="program-0", name="Program 0", teaser="For tests.")

    def grow():
        for n in range(1, 1 + MORE):
            Program.objects.create(slug=f"program-{n}", name=f"Program {n}", teaser="For tests.")

    _before, after = assert_flat_queries(lambda: client.get("/en/programs/"), grow)

    assert after.status_code == 200
    assert after.content.decode().count("For tests.") == 1 + MORE


@pytest.mark.parametrize("near", ["", "19104"])
def test_the_locations_list(client, near):
    LocationFactory(name="Site 0")

    def grow():
        for n in range(1, 1 + MORE):
            LocationFactory(
                name=f"Site {n}", kind=LocationKind.NETWORK if n % 2 else LocationKind.CLINIC
            )

    _before, after = assert_flat_queries(
        lambda: client.get("/en/locations/", {"near": near} if near else {}), grow
    )

    assert after.status_code == 200
    assert after.content.decode().count("Site ") >= 1 + MORE

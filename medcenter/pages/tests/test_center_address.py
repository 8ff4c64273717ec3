"""The center's address comes from one place: the footer, contact page and main campus agree."""

import pytest

from medcenter.directory import demo
from medcenter.directory.models import Location

pytestmark = pytest.mark.django_db


def _seed_locations() -> None:
    demo._locations()  # the demo's sites, as seed_demo writes them


def test_the_footer_contact_page_and_main_campus_show_the_same_address(client, settings):
    _seed_locations()
    center = settings.CENTER
    line = f"{center['city']}, {center['region']} {center['postal_code']}"

    footer = client.get("/en/").content.decode()
    contact = client.get("/en/contact/").content.decode()
    campus = client.get("/en/locations/main-campus/").content.decode()

    for html in (footer, contact, campus):
        assert center["street"] in html
        assert line in html or (center["city"] in html and center["postal_code"] in html)
    assert 'href="tel:+15550100100"' in campus


def test_a_center_elsewhere_moves_its_main_campus_too(settings):
    settings.CENTER = {
        **settings.CENTER,
        "street": "9 Demo Harbour Road",
        "city": "Portland",
        "region": "ME",
        "postal_code": "04101",
    }

    _seed_locations()

    campus = Location.objects.get(slug="main-campus")
    assert (campus.street, campus.city, campus.region, campus.postal_code) == (
        "9 Demo Harbour Road",
        "Portland",
        "ME",
        "04101",
    )

"""Wagtail's pages inside the language prefix: the English fallback, 404s, the menu link."""

import pytest
from django.urls import get_resolver, resolve

from medcenter.content import routing
from medcenter.content.models import ResourcePage, StandardPage
from medcenter.content.tests.factories import publish

pytestmark = pytest.mark.django_db


@pytest.fixture
def resource(tree):
    return publish(
        tree.sections["resources"],
        ResourcePage(
            title="Preparing for a visit",
            slug="preparing-for-a-visit",
            summary="What to bring.",
            body="<p>Bring your medication list.</p>",
        ),
    )


def test_a_published_resource_is_served_in_english(client, resource):
    response = client.get("/en/resources/preparing-for-a-visit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert "<h1>Preparing for a visit</h1>" in html
    assert "Bring your medication list." in html
    assert "not yet available in your language" not in html


def test_an_untranslated_page_is_shown_in_english_marked_with_a_notice(client, resource):
    response = client.get("/es/resources/preparing-for-a-visit/")

    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="es"' in html
    assert 'lang="en" dir="ltr"' in html
    assert "Bring your medication list." in html
    assert "Esta página aún no está disponible en su idioma" in html or "content-notice" in html


def test_an_unknown_address_is_still_the_shells_404(client, tree):
    response = client.get("/en/no-such-page/")

    assert response.status_code == 404
    assert '<main id="main"' in response.content.decode()


def test_a_draft_is_not_served(client, tree):
    tree.sections["resources"].add_child(
        instance=ResourcePage(title="Draft", slug="draft", body="<p>x</p>", live=False)
    )

    assert client.get("/en/resources/draft/").status_code == 404


def test_the_menus_patient_resources_link_lands_on_the_resources_section(client, tree):
    home = client.get("/en/").content.decode()
    response = client.get("/en/resources/")

    assert '<a href="/en/resources/">Patient Resources</a>' in home
    assert response.status_code == 200
    assert "<h1>Patient Resources</h1>" in response.content.decode()


def test_the_section_lists_its_published_pages(client, resource):
    html = client.get("/en/resources/").content.decode()

    assert 'href="/en/resources/preparing-for-a-visit/"' in html


def test_a_page_address_no_other_route_could_take_is_routed_by_the_first_pattern(resource):
    match = resolve("/en/resources/preparing-for-a-visit/")

    assert match.func.__name__ == "serve"
    assert match.route.startswith("en/<unclaimedwagtailpath:path>")  # not after every app's
    assert match.kwargs == {"path": "resources/preparing-for-a-visit/"}


def test_a_top_level_page_named_like_an_app_route_leaves_that_route_its_address(client, tree):
    root = tree.sections["resources"].get_parent()
    publish(root, StandardPage(title="Appointments", slug="appointments", body="<p>x</p>"))
    routing.forget_top_level_slugs()

    assert resolve("/en/appointments/request/").view_name == "scheduling:request"
    assert resolve("/en/appointments/").view_name == "scheduling:start"
    assert resolve("/en/resources/").view_name == "content:resources"


def test_claimed_paths_are_the_exact_routes_and_the_literal_beginnings_of_the_others():
    exact, prefixes = routing.claimed_paths(get_resolver())

    assert {"resources/", "search/", "appointments/request/"} <= exact
    assert "resources/" not in prefixes
    assert "events/" in prefixes  # events/<slug>/
    assert "staff-admin/" in prefixes  # the admin's catch-all regex
    assert not any("wagtailpath" in claimed for claimed in (*exact, *prefixes))

"""Wagtail's pages inside the language prefix: the English fallback, 404s, the menu link."""

import pytest

from medcenter.content.models import ResourcePage
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

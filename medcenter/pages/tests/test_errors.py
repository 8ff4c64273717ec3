import pytest
from django.test import Client

from medcenter.accounts.tests.factories import UserFactory

pytestmark = [pytest.mark.django_db, pytest.mark.urls("medcenter.pages.tests.urls")]


@pytest.fixture
def client():
    return Client(raise_request_exception=False)


def test_a_crash_shows_the_500_page_in_the_shell_and_no_trace(client, settings):
    settings.DEBUG = False

    response = client.get("/es/test/crash/")

    html = response.content.decode()
    assert response.status_code == 500
    assert '<html lang="es"' in html
    assert 'class="skip-link"' in html
    assert "Traceback" not in html
    assert "secret-marker-7731" not in html
    assert "RuntimeError" not in html


def test_a_crash_when_signed_in_is_not_cached(client, settings):
    settings.DEBUG = False
    client.force_login(UserFactory())

    response = client.get("/en/test/crash/")

    assert response.status_code == 500
    assert response["Cache-Control"] == "no-store, private"


@pytest.mark.parametrize(
    ("url", "status", "heading"),
    [
        ("/en/test/forbid/", 403, "You do not have access to this page"),
        ("/en/test/suspicious/", 400, "We could not understand that request"),
        ("/en/no-such-page/", 404, "We cannot find that page"),
    ],
)
def test_error_pages_render_inside_the_shell(client, url, status, heading):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == status
    assert heading in html
    assert '<nav id="site-menu"' in html
    assert "Notice of privacy practices" in html


def test_the_404_page_speaks_the_language_of_the_address(client):
    html = client.get("/ar/no-such-page/").content.decode()

    assert '<html lang="ar" dir="rtl">' in html
    assert "We cannot find that page" not in html

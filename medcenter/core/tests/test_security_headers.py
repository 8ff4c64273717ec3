import pytest

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.pages.tests.shell import public_urls

pytestmark = pytest.mark.django_db

ALL_PAGES = [*public_urls(), "/en/accounts/sign-in/", "/en/no-such-page/", "/healthz", "/readyz"]


@pytest.fixture
def tls(settings):
    """The production transport settings (MEDCENTER_TLS=true) for one test."""
    settings.SESSION_COOKIE_SECURE = settings.CSRF_COOKIE_SECURE = True
    settings.LANGUAGE_COOKIE_SECURE = True
    settings.SECURE_HSTS_SECONDS = 31_536_000
    settings.SECURE_HSTS_INCLUDE_SUBDOMAINS = settings.SECURE_HSTS_PRELOAD = True


@pytest.mark.parametrize("url", ALL_PAGES)
def test_every_response_carries_the_security_headers(client, tls, url):
    response = client.get(url, secure=True)

    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]
    max_age = int(response["Strict-Transport-Security"].split("max-age=")[1].split(";")[0])
    assert max_age >= 31_536_000


def test_session_and_csrf_cookies_are_secure_httponly_and_samesite(client, tls):
    user = StaffUserFactory()
    client.get("/en/accounts/sign-in/", secure=True)
    response = client.post(
        "/en/accounts/sign-in/",
        {"username": user.email, "password": "correct-horse-battery-42"},
        secure=True,
    )

    for name in ("sessionid", "csrftoken"):
        cookie = response.cookies[name]
        assert cookie["secure"] is True
        assert cookie["httponly"] is True
        assert cookie["samesite"] == "Lax"


def test_anonymous_public_pages_set_no_cookie(client):
    response = client.get("/en/")

    assert not response.cookies

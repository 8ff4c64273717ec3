import pytest

pytestmark = pytest.mark.django_db


def _rename_center(settings, name):
    settings.CENTER = {**settings.CENTER, "name": name}


def test_an_anonymous_page_is_served_from_the_cache(client, settings):
    client.get("/en/contact/")
    _rename_center(settings, "Renamed Demo Center")

    html = client.get("/en/contact/").content.decode()

    assert "Renamed Demo Center" not in html


def test_each_language_is_cached_on_its_own(client):
    english = client.get("/en/contact/").content.decode()
    spanish = client.get("/es/contact/").content.decode()

    assert '<html lang="en"' in english
    assert '<html lang="es"' in spanish


def test_a_visitor_with_a_session_never_gets_the_shared_copy(client, settings):
    client.get("/en/contact/")
    _rename_center(settings, "Renamed Demo Center")
    client.cookies["sessionid"] = "anything"

    html = client.get("/en/contact/").content.decode()

    assert "Renamed Demo Center" in html


def test_caching_can_be_switched_off(client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    client.get("/en/contact/")
    _rename_center(settings, "Renamed Demo Center")

    assert "Renamed Demo Center" in client.get("/en/contact/").content.decode()


def test_cached_pages_still_get_fresh_security_headers(client):
    client.get("/en/")

    response = client.get("/en/")

    assert "frame-ancestors 'none'" in response["Content-Security-Policy"]
    assert response["X-Request-ID"]


def test_any_query_string_makes_a_valid_cache_key(client, settings):
    """A long query string with spaces once made a key memcached refuses (a 500 in tests,
    where Django's CacheKeyWarning is an error); the key is a hash of the path."""
    path = "/en/contact/?q=" + "a%20b" * 200

    client.get(path)
    _rename_center(settings, "Renamed Demo Center")
    html = client.get(path).content.decode()

    assert client.get(path).status_code == 200
    assert "Renamed Demo Center" not in html

import pytest

from medcenter.pages.tests.shell import LANGUAGE_CODES

pytestmark = pytest.mark.django_db

SKIP_LINK = {
    "en": "Skip to main content",
}


@pytest.mark.parametrize("code", LANGUAGE_CODES)
def test_each_language_has_its_own_prefix_and_lang_attribute(client, code):
    response = client.get(f"/{code}/")

    html = response.content.decode()
    assert response.status_code == 200
    assert f'<html lang="{code}" dir="{"rtl" if code == "ar" else "ltr"}">' in html


@pytest.mark.parametrize("code", [c for c in LANGUAGE_CODES if c != "en"])
def test_the_shell_is_really_translated(client, code):
    english = client.get("/en/").content.decode()
    translated = client.get(f"/{code}/").content.decode()

    for phrase in ("Skip to main content", "How can we help you?", "Policies and notices"):
        assert phrase in english
        assert phrase not in translated


@pytest.mark.parametrize(
    ("accept", "expected"),
    [
        ("es-MX,es;q=0.9", "/es/"),
        ("ar", "/ar/"),
        ("pt-BR", "/pt-br/"),
        ("zh-CN", "/zh-hans/"),
        ("fr-FR", "/en/"),
    ],
)
def test_the_bare_address_redirects_to_the_visitors_language(client, accept, expected):
    response = client.get("/", HTTP_ACCEPT_LANGUAGE=accept)

    assert response.status_code == 302
    assert response["Location"] == expected


def test_the_language_switcher_links_to_the_same_page_in_each_language(client):
    html = client.get("/en/privacy/").content.decode()

    for code in LANGUAGE_CODES:
        assert f'<a href="/{code}/privacy/" lang="{code}"' in html
    assert 'lang="ar" hreflang="ar" dir="rtl">العربيّة</a>' in html
    assert '<link rel="alternate" hreflang="ru" href="/ru/privacy/">' in html


def test_the_current_language_is_marked_in_the_switcher(client):
    html = client.get("/ru/").content.decode()

    assert 'href="/ru/" lang="ru" hreflang="ru" dir="ltr" aria-current="true"' in html


def test_an_unknown_language_prefix_is_a_404_inside_the_shell(client):
    response = client.get("/xx/")

    assert response.status_code == 404
    assert 'class="skip-link"' in response.content.decode()


def test_phone_numbers_keep_their_digit_order_in_right_to_left_pages(client):
    html = client.get("/ar/").content.decode()

    assert "\u2066+1 555 010 0100\u2069" in html  # left-to-right isolate around the number
    assert 'href="tel:+15550100100"' in html

"""The header's language menu: a disclosure that names each language in itself."""

import re

import pytest

pytestmark = pytest.mark.django_db


def _menu(html: str) -> str:
    found = re.search(r'<details class="language-menu">(.*?)</details>', html, re.S)
    assert found, "the languages are in a <details> disclosure"
    return found.group(1)


def test_the_languages_are_in_a_disclosure_that_names_the_current_one(client):
    menu = _menu(client.get("/ru/contact/").content.decode())

    summary = re.search(r"<summary[^>]*>(.*?)</summary>", menu, re.S)
    assert summary
    assert '<span class="visually-hidden">Язык: </span>' in summary.group(1)
    assert '<span lang="ru" dir="ltr">Русский</span>' in summary.group(1)
    assert 'aria-hidden="true"' in summary.group(1)  # the globe icon is decoration


def test_each_language_is_named_in_itself_and_marked_with_its_lang(client):
    menu = _menu(client.get("/en/").content.decode())

    for code, name, direction in (
        ("en", "English", "ltr"),
        ("es", "Español", "ltr"),
        ("pt-br", "Português", "ltr"),
        ("zh-hans", "简体中文", "ltr"),
        ("ar", "العربيّة", "rtl"),
        ("ru", "Русский", "ltr"),
    ):
        link = re.search(rf'<a href="/{code}/" lang="{code}"[^>]*>([^<]*)</a>', menu)
        assert link, code
        assert link.group(1).startswith(name), (code, link.group(1))
        assert f'hreflang="{code}" dir="{direction}"' in link.group(0)


def test_the_menu_is_a_labelled_navigation_inside_the_disclosure(client):
    menu = _menu(client.get("/es/").content.decode())

    assert re.search(r'<nav class="language-switcher" aria-label="[^"]+">', menu)
    assert menu.count('aria-current="true"') == 1


def test_the_phone_stays_a_link_when_the_words_call_us_are_hidden_on_phones(client):
    html = client.get("/en/").content.decode()

    assert (
        '<p class="utility-bar__phone"><span class="utility-bar__call">Call us</span> '
        '<a href="tel:+15550100100">' in html
    )

from html.parser import HTMLParser

import pytest

from medcenter.accounts.tests.factories import UserFactory
from medcenter.pages.tests.shell import PUBLIC_PAGES, public_urls

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize("url", public_urls())
def test_every_public_page_renders_inside_the_shell(client, url):
    response = client.get(url)

    html = response.content.decode()
    assert response.status_code == 200
    assert 'class="skip-link" href="#main"' in html
    assert '<main id="main"' in html
    assert "Aster Valley University Hospital" in html  # the footer's contact details
    assert 'href="tel:+15550100100"' in html


def test_the_home_page_names_the_center_and_its_phone(client):
    html = client.get("/en/").content.decode()

    assert '<h1 id="hero-title">Aster Valley Comprehensive Cancer Center</h1>' in html
    assert "+1 555 010 0100" in html


def test_the_center_details_come_from_settings(client, settings):
    settings.CENTER = {**settings.CENTER, "name": "Lakeside Demo Cancer Institute"}

    html = client.get("/en/contact/").content.decode()

    assert "Lakeside Demo Cancer Institute" in html


def test_the_footer_links_every_notice_a_hospital_publishes(client):
    html = client.get("/en/").content.decode()

    for page in ("accessibility/", "nondiscrimination/", "privacy/"):
        assert f'href="/en/{page}"' in html


def test_the_nondiscrimination_notice_has_taglines_in_their_own_languages(client):
    html = client.get("/ru/nondiscrimination/").content.decode()

    assert 'lang="es" dir="ltr"' in html
    assert 'lang="ar" dir="rtl"' in html
    assert "ATENCIÓN: si habla español" in html
    assert "+1 555 010 0199" in html  # the language line is filled into every tagline
    assert "{phone}" not in html


@pytest.mark.parametrize("url", [*public_urls()[: len(PUBLIC_PAGES)], "/en/accounts/sign-in/"])
def test_pages_carry_no_inline_script_or_style(client, url):
    checker = _InlineCodeFinder()
    checker.feed(client.get(url).content.decode())

    assert checker.inline_scripts == []
    assert checker.inline_handlers == []
    assert checker.style_attributes == []


def test_sections_that_do_not_exist_yet_are_not_linked(client):
    html = client.get("/en/").content.decode()

    assert 'href="/en/research/"' not in html


def test_built_sections_are_in_the_menu(client):
    html = client.get("/en/").content.decode()

    for label, url in (
        ("Find a Doctor", "/en/doctors/"),
        ("Find a Location", "/en/locations/"),
        ("Programs", "/en/programs/"),
        ("Clinical Trials", "/en/trials/"),
        ("International Patients", "/en/international/"),
        ("Quality &amp; Safety", "/en/quality/"),
    ):
        assert f'<a href="{url}">{label}</a>' in html


def test_a_section_appears_in_the_menu_once_its_page_exists(client, settings):
    settings.ROOT_URLCONF = "medcenter.pages.tests.nav_urls"

    html = client.get("/en/").content.decode()

    assert '<a href="/en/doctors/">Find a Doctor</a>' in html
    assert 'href="/en/research/"' not in html  # not routed yet


def test_signed_in_pages_are_never_cached_and_show_sign_out(client):
    client.force_login(UserFactory())

    response = client.get("/en/")

    assert response["Cache-Control"] == "no-store, private"
    assert "Sign out" in response.content.decode()


def test_a_signed_in_visitor_never_gets_the_header_kept_for_visitors(client):
    anonymous = client.get("/en/contact/").content.decode()
    client.force_login(UserFactory())

    signed_in = client.get("/en/contact/").content.decode()

    assert "Sign in</a>" in anonymous and "Sign out" not in anonymous
    assert "Sign out" in signed_in and "Sign in</a>" not in signed_in


def test_the_shell_kept_for_everyone_still_shows_each_person_their_own_account_links(client):
    from django.test import Client

    from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified

    client.force_login(UserFactory())
    patient_page = client.get("/en/contact/").content.decode()
    staff = Client()
    sign_in_verified(staff, StaffUserFactory(roles=["clinician"]))
    staff_page = staff.get("/en/contact/").content.decode()
    visitor_page = Client().get("/en/contact/").content.decode()

    assert "My records</a>" in patient_page and "Staff</a>" not in patient_page
    assert "Staff</a>" in staff_page and "My records</a>" not in staff_page
    assert "Sign in</a>" in visitor_page and "Sign out" not in visitor_page
    # Each page carries its own reader's CSRF token in the sign-out form, never another's.
    assert patient_page.count('name="csrfmiddlewaretoken"') == 2  # sign out, stay signed in
    assert 'name="csrfmiddlewaretoken"' not in visitor_page
    # The parts kept for everyone are the same for all three: the menu, the footer.
    for html in (patient_page, staff_page, visitor_page):
        assert '<a href="/en/doctors/">Find a Doctor</a>' in html
        assert "Aster Valley University Hospital" in html


def test_the_kept_header_follows_the_page_and_the_language(client):
    client.get("/en/contact/")

    spanish = client.get("/es/contact/").content.decode()
    privacy = client.get("/en/privacy/").content.decode()

    assert 'lang="es"' in spanish and 'hreflang="en" href="/en/contact/"' in spanish
    assert 'href="/es/privacy/"' in privacy and 'href="/es/contact/"' not in privacy


class _InlineCodeFinder(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline_scripts, self.inline_handlers, self.style_attributes = [], [], []
        self._in_script = False

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script":
            # JSON-LD is data, never run (and CSP's script-src does not apply to it): the one
            # kind of inline script element allowed.
            self._in_script = "src" not in names and names.get("type") != "application/ld+json"
        if tag == "style":
            self.inline_scripts.append("<style>")
        self.inline_handlers += [n for n in names if n.startswith("on")]
        if "style" in names:
            self.style_attributes.append(tag)

    def handle_endtag(self, tag):
        if tag == "script":
            self._in_script = False

    def handle_data(self, data):
        if self._in_script and data.strip():
            self.inline_scripts.append(data.strip()[:40])

"""Translation through PO files, right-to-left Arabic, search in the visitor's language, the
directory's program page with its Wagtail sections, the home page's stories and news."""

import datetime

import polib
import pytest
from wagtail.models import Locale

from medcenter.content import services
from medcenter.content.models import NewsPage, ProgramPage, RecordLink, ResourcePage, StoryPage
from medcenter.content.tests.factories import consent, publish
from medcenter.directory.models import Program

pytestmark = pytest.mark.django_db

ARABIC = {
    "Rehabilitation": "إعادة التأهيل",
    "Therapists help you regain strength.": "يساعدك المعالجون على استعادة قوتك.",
}


@pytest.fixture
def resource(tree):
    return publish(
        tree.sections["resources"],
        ResourcePage(
            title="Rehabilitation",
            slug="rehabilitation",
            body="<p>Therapists help you regain strength.</p>",
        ),
    )


@pytest.fixture
def translate(django_capture_on_commit_callbacks):
    def translate(page, language, texts):
        po = polib.pofile(services.export_translation_po(page=page, language=language))
        for entry in po:
            entry.msgstr = texts.get(entry.msgid, "")
        # wagtail-localize publishes the translation once the transaction commits.
        with django_capture_on_commit_callbacks(execute=True):
            translated = services.import_translation_po(
                page=page, language=language, po_text=str(po)
            )
        translated.refresh_from_db()
        return translated

    return translate


def test_wagtail_locales_are_the_sites_languages(tree, settings):
    codes = set(Locale.objects.values_list("language_code", flat=True))

    assert codes == {code for code, _name in settings.LANGUAGES}
    assert settings.WAGTAIL_CONTENT_LANGUAGES == settings.LANGUAGES


def test_a_po_file_exports_the_pages_strings_and_imports_a_translation(client, resource, translate):
    exported = polib.pofile(services.export_translation_po(page=resource, language="ar"))
    assert {"Rehabilitation", "Therapists help you regain strength."} <= {
        entry.msgid for entry in exported
    }

    arabic = translate(resource, "ar", ARABIC)

    assert arabic.live and arabic.locale.language_code == "ar"
    response = client.get("/ar/resources/rehabilitation/")
    html = response.content.decode()
    assert response.status_code == 200
    assert '<html lang="ar" dir="rtl">' in html
    assert "يساعدك المعالجون على استعادة قوتك." in html
    assert (
        "content-notice" not in html
        and '<article class="content-page content-page--medicalwebpage">' in html
    )


def test_a_bad_po_file_is_a_clear_refusal(resource):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        services.import_translation_po(page=resource, language="es", po_text="\x00 not po")


def test_search_finds_pages_in_the_visitors_language_only(client, resource, translate):
    translate(resource, "ar", ARABIC)

    english = client.get("/en/search/", {"q": "Therapists"}).content.decode()
    arabic = client.get("/ar/search/", {"q": "المعالجون"}).content.decode()
    arabic_for_english_words = client.get("/ar/search/", {"q": "Therapists"}).content.decode()

    assert 'href="/en/resources/rehabilitation/"' in english
    assert 'href="/ar/resources/rehabilitation/"' in arabic
    assert "/en/resources/rehabilitation/" not in arabic_for_english_words


def test_search_survives_hostile_input(client, tree):
    for q in ("<script>", "a" * 500, "%00", "' OR 1=1 --", ""):
        assert client.get("/en/search/", {"q": q}).status_code == 200


def test_the_program_page_keeps_everything_and_adds_the_wagtail_sections(client, tree):
    program = Program.objects.create(
        slug="bone-sarcoma",
        name="Bone Sarcoma Program",
        teaser="Care for bone tumors.",
        overview="<p>Overview text.</p>",
        content={
            "diagnosis": "<p>Biopsy at a sarcoma center.</p>",
            "treatments": [{"name": "Limb-sparing surgery", "summary": "<p>Most limbs.</p>"}],
            "preparing_for_your_visit": "<p>Bring your imaging.</p>",
        },
    )
    before = client.get("/en/programs/bone-sarcoma/").content.decode()
    page = ProgramPage(
        title="Bone sarcoma: in depth",
        slug="bone-sarcoma-in-depth",
        program=program,
        sections=[("section", {"heading": "Life after surgery", "body": "<p>Gait training.</p>"})],
    )
    publish(tree.root, page)
    story = publish(
        tree.sections["stories"],
        StoryPage(title="Back on the trail", slug="trail", body="<p>b</p>", consent=consent()),
    )
    RecordLink.objects.create(page=story, program=program)
    from django.core.cache import cache

    cache.clear()

    after = client.get("/en/programs/bone-sarcoma/").content.decode()

    for kept in (
        "Bone Sarcoma Program",
        "Care for bone tumors.",
        "Overview text.",
        "Biopsy at a sarcoma center.",
        "Limb-sparing surgery",
        "Bring your imaging.",
    ):
        assert kept in before and kept in after, kept
    assert "Life after surgery" in after and "Gait training." in after
    assert 'href="/en/stories/trail/"' in after


def test_the_home_page_shows_the_latest_stories_and_news(client, tree):
    publish(
        tree.sections["news"],
        NewsPage(
            title="New clinic opens",
            slug="clinic",
            body="<p>b</p>",
            published_on=datetime.date(2026, 11, 1),
        ),
    )
    publish(
        tree.sections["stories"],
        StoryPage(title="Back on the trail", slug="trail", body="<p>b</p>", consent=consent()),
    )

    html = client.get("/en/").content.decode()

    assert 'id="home-stories"' in html and 'href="/en/stories/trail/"' in html
    assert 'id="home-news"' in html and 'href="/en/news/clinic/"' in html

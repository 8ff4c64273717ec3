"""What editorial pages render: rich text limited and sanitized (R16), images with alt text,
schema.org JSON-LD that extruct reads, and no inline script besides JSON-LD."""

import extruct
import pytest
from django.core.exceptions import ValidationError

from medcenter.content.models import (
    ChecklistPage,
    ResourcePage,
)
from medcenter.content.richtext import clean_rich_text
from medcenter.content.tests.factories import image, page_of_each_type, publish
from medcenter.pages.tests.test_shell import _InlineCodeFinder

pytestmark = pytest.mark.django_db

# The R16 payloads: markup and script in every form an editor, an import or a translation
# file could carry into a page.
CORPUS = [
    "<script>alert(1)</script>",
    '<img src=x onerror="alert(1)">',
    '<a href="javascript:alert(1)">x</a>',
    '<svg onload="alert(1)"></svg>',
    '<iframe src="https://evil.example/"></iframe>',
    '<p style="background:url(javascript:alert(1))">s</p>',
    '"><script>alert(1)</script>',
    "</script><script>alert(1)</script>",
    '<a href="data:text/html,<script>alert(1)</script>">d</a>',
    '<math><mi xlink:href="javascript:alert(1)">m</mi></math>',
]


@pytest.mark.parametrize("payload", CORPUS)
def test_rich_text_keeps_no_script_handler_or_dangerous_link(payload):
    html = str(clean_rich_text(f"<h2>Heading</h2><p>{payload}</p><ul><li>ok</li></ul>"))

    lowered = html.lower()
    assert "<script" not in lowered
    assert "onerror" not in lowered and "onload" not in lowered
    assert "javascript:" not in lowered
    assert "<iframe" not in lowered and "<svg" not in lowered and "style=" not in lowered
    assert "<h2>Heading</h2>" in html and "<li>ok</li>" in html


@pytest.mark.parametrize("payload", CORPUS)
def test_payloads_in_every_text_field_render_inert(client, tree, payload):
    publish(
        tree.sections["resources"],
        ResourcePage(
            title=f"T {payload}",
            slug="payload",
            summary=payload,
            body=f"<p>{payload}</p>",
        ),
    )

    html = client.get("/en/resources/payload/").content.decode()

    finder = _InlineCodeFinder()
    finder.feed(html)
    assert finder.inline_scripts == []
    assert finder.inline_handlers == []
    assert 'href="javascript:' not in html and "<script>alert" not in html


def test_an_image_needs_alt_text_unless_decorative(tree):
    with pytest.raises(ValidationError) as refused:
        image(description="")

    assert "description" in refused.value.message_dict
    assert "alt text" in refused.value.message_dict["description"][0]
    assert image(description="", decorative=True).alt == ""


def test_a_pages_image_is_shown_with_its_alt_text(client, tree):
    publish(
        tree.sections["resources"],
        ResourcePage(title="R", slug="r", body="<p>b</p>", image=image()),
    )

    html = client.get("/en/resources/r/").content.decode()

    assert 'alt="A nurse explains a chart"' in html


REQUIRED = {
    "MedicalWebPage": {"name", "url", "inLanguage", "publisher"},
    "Article": {"headline", "datePublished", "author", "publisher", "inLanguage"},
}


@pytest.mark.parametrize("language", ["en", "ar"])
def test_extruct_finds_each_page_types_required_properties(client, tree, language):
    for kind, pages in page_of_each_type(tree).items():
        for page in pages:
            path = page.get_url().split("/", 2)[2]
            response = client.get(f"/{language}/{path}")
            html = response.content.decode()
            assert response.status_code == 200, path

            data = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
            assert [item["@type"] for item in data] == [kind], path
            assert REQUIRED[kind] <= set(data[0]), (path, set(data[0]))
            finder = _InlineCodeFinder()
            finder.feed(html)
            assert finder.inline_scripts == [] and finder.inline_handlers == [], path


def test_json_ld_cannot_close_its_script_element(client, tree):
    publish(
        tree.sections["resources"],
        ResourcePage(title="</script><script>alert(1)</script>", slug="r", body="<p>b</p>"),
    )

    html = client.get("/en/resources/r/").content.decode()

    assert "</script><script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_a_checklist_prints_without_the_site_chrome(client, tree):
    publish(
        tree.sections["resources"],
        ChecklistPage(
            title="Bring to your visit",
            slug="checklist",
            items=[("heading", "Papers"), ("item", "Insurance card"), ("item", "Medication list")],
        ),
    )

    html = client.get("/en/resources/checklist/").content.decode()

    assert "<h2>Papers</h2>" in html and "<li>Insurance card</li>" in html
    assert "content/content.css" in html

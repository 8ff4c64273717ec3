"""The editors' journey in Wagtail's admin (/cms/), one page context, two staff members:

an editor uploads an image without alt text (a clear error, the title and the file kept),
describes it and sends it again without choosing the file again,
drafts a patient resource with that image, sets it to go live later and submits it for
review; a reviewer approves it; nothing is public until the sweep's scheduled publishing
runs after the go-live time; a translator's Arabic PO file then publishes the Arabic page,
right to left. axe (0 serious or critical) on the public page in English and Arabic. Wagtail's
own admin screens are not held to it here: axe finds its tag field's autocomplete input
unlabelled (critical) and the Draftail editor without an accessible name (serious), both
Wagtail's markup.

The Arabic translation goes through the PO file translators use (services.
import_translation_po), not wagtail-localize's in-browser editor."""

import datetime
import re

import polib
import pytest
import time_machine
from django.contrib.auth.models import Group
from django.utils import timezone
from playwright.sync_api import Page, expect

from e2e.journeys import blocking_violations, sign_in_staff
from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.content import services
from medcenter.content.models import CenterImage, ResourcePage
from medcenter.content.tests.factories import page_of_each_type, png_bytes
from medcenter.scheduling.tasks import sweep

ARABIC = {
    "Managing fatigue": "التعامل مع التعب",
    "Rest, movement and food that help.": "الراحة والحركة والطعام المفيد.",
}


@pytest.fixture
def people(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    services.ensure_editorial_setup()
    editor, reviewer = StaffUserFactory(), StaffUserFactory()
    editor.groups.add(Group.objects.get(name=services.EDITORS))
    reviewer.groups.add(Group.objects.get(name=services.REVIEWERS))
    return editor, reviewer


def _sign_out(page: Page) -> None:
    page.context.clear_cookies()


def test_an_editor_drafts_a_resource_a_reviewer_approves_it_and_it_goes_live_on_schedule(
    page: Page, people, tmp_path
):
    editor, reviewer = people
    page.on("dialog", lambda dialog: dialog.accept())
    picture = tmp_path / "fatigue.png"
    picture.write_bytes(png_bytes())

    sign_in_staff(page, editor)
    page.goto("/cms/images/add/")
    page.locator("#id_title").fill("Walking outdoors")
    page.locator("#id_file").set_input_files(str(picture))
    page.get_by_role("button", name="Upload").click()
    expect(page.locator("body")).to_contain_text("Describe the image for people who cannot see it")
    expect(page.locator("#id_title")).to_have_value("Walking outdoors")  # nothing typed is lost
    expect(page.locator(".kept-files")).to_contain_text("Attached: fatigue.png")  # nor the file
    assert not CenterImage.objects.exists()

    page.locator("#id_description").fill("A patient walks on a park path")
    page.get_by_role("button", name="Upload").click()  # the file is not chosen again
    page.wait_for_url(re.compile(r"/cms/images/"))
    image = CenterImage.objects.get()
    assert image.alt == "A patient walks on a park path"
    assert image.file.read() == picture.read_bytes()

    section = services.ensure_content_tree().sections["resources"]
    page.goto(f"/cms/pages/add/content/resourcepage/{section.pk}/")
    page.locator("#id_title").fill("Managing fatigue")
    page.locator("#id_summary").fill("What helps when cancer treatment leaves you tired.")
    body = page.locator("[data-contentpath=body] [contenteditable=true]")
    body.click()
    page.keyboard.type("Rest, movement and food that help.")
    page.locator("[data-contentpath=image] button[data-chooser-action-choose]").click()
    page.locator(".modal").get_by_text("Walking outdoors").first.click()
    expect(page.locator("[data-contentpath=image]")).to_contain_text("Walking outdoors")
    go_live = timezone.localtime() + datetime.timedelta(days=1)
    page.locator("#id_go_live_at").evaluate(
        "(input, value) => { input.value = value; }", go_live.strftime("%Y-%m-%d %H:%M")
    )
    # "Submit to Editorial review" sits in the footer's closed menu: submit with it.
    with page.expect_navigation():
        page.locator("button[name=action-submit]").evaluate(
            "button => button.form.requestSubmit(button)"
        )
    draft = ResourcePage.objects.get(slug="managing-fatigue")
    assert not draft.live and draft.current_workflow_state is not None
    assert draft.get_latest_revision_as_object().image == image

    _sign_out(page)
    sign_in_staff(page, reviewer)
    page.goto(f"/cms/pages/{draft.pk}/edit/")
    with page.expect_navigation():
        page.locator(
            "button[data-workflow-action-name=approve]:not([data-workflow-action-modal-url])"
        ).dispatch_event("click")
    draft.refresh_from_db()
    assert draft.current_workflow_state is None
    assert not draft.live  # approved, waiting for its time
    assert page.goto("/en/resources/managing-fatigue/").status == 404

    with time_machine.travel(go_live + datetime.timedelta(minutes=5), tick=False):
        assert sweep()["pages_published"] == 1
    page.goto("/en/resources/managing-fatigue/")
    expect(page.locator("h1")).to_have_text("Managing fatigue")
    expect(page.locator("main img[alt='A patient walks on a park path']")).to_be_visible()
    assert blocking_violations(page) == []

    # The translator's PO file comes back after the go-live time (the translation takes the
    # page's schedule with it).
    resource = ResourcePage.objects.get(slug="managing-fatigue", locale__language_code="en")
    po = polib.pofile(services.export_translation_po(page=resource, language="ar"))
    for entry in po:
        entry.msgstr = ARABIC.get(entry.msgid, "")
    with time_machine.travel(go_live + datetime.timedelta(minutes=10), tick=False):
        services.import_translation_po(page=resource, language="ar", po_text=str(po), user=reviewer)

    page.goto("/ar/resources/managing-fatigue/")
    expect(page.locator("html")).to_have_attribute("dir", "rtl")
    expect(page.locator("html")).to_have_attribute("lang", "ar")
    expect(page.locator("h1")).to_have_text("التعامل مع التعب")
    assert blocking_violations(page) == []


def test_every_editorial_page_type_passes_axe_in_english_and_arabic(page: Page, settings, tmp_path):
    """A section, each page type (resource, checklist, lab, education, standard, story, news),
    search and the publications list; in Arabic the untranslated pages are shown in English
    (lang="en", with a notice) inside the right-to-left shell."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    tree = services.ensure_content_tree()
    pages = [p for kind in page_of_each_type(tree).values() for p in kind]
    paths = ["resources/", *(p.get_url().split("/", 2)[2] for p in pages)]
    paths += ["search/?q=b", "research/publications/"]

    for language in ("en", "ar"):
        for path in paths:
            response = page.goto(f"/{language}/{path}")
            assert response is not None and response.status == 200, path
            assert blocking_violations(page) == [], (language, path)
        expect(page.locator("html")).to_have_attribute("dir", "rtl" if language == "ar" else "ltr")

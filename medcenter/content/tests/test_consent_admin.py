"""The admin's story consents screen (/cms/story-consents/): editors record a consent with the
signed form (checked, kept encrypted, nothing lost when a field is wrong), read it back as a
download, and withdraw it; everyone else is refused."""

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.content import services
from medcenter.content.models import StoryConsent, StoryPage
from medcenter.content.tests.factories import consent, publish, signed_form
from medcenter.core.models import AuditEvent, PendingUpload

pytestmark = pytest.mark.django_db

LIST = "/cms/story-consents/"
NEW = "/cms/story-consents/new/"


@pytest.fixture
def editor(client, tree):
    services.ensure_editorial_setup()
    user = StaffUserFactory()
    user.groups.add(Group.objects.get(name=services.EDITORS))
    sign_in_verified(client, user)
    return user


def _fields(**changes):
    data = {
        "storyteller": "Rowan Fictional",
        "given_on": "2026-03-01",
        "scope": "website",
        "guardian": "",
        "signed_form": SimpleUploadedFile("signed.pdf", signed_form(), "application/pdf"),
    }
    data.update(changes)
    return {k: v for k, v in data.items() if v is not None}


def test_an_editor_records_a_consent_with_its_signed_form(client, editor):
    assert client.get(NEW).status_code == 200

    response = client.post(NEW, _fields())

    assert response.status_code == 302 and response["Location"] == LIST
    recorded = StoryConsent.objects.get()
    assert recorded.is_valid and recorded.recorded_by == editor
    assert recorded.form_content_type == "application/pdf"
    assert AuditEvent.objects.filter(action="content.story_consent_recorded").count() == 1
    assert not PendingUpload.objects.exists()
    assert "Rowan Fictional" in client.get(LIST).content.decode()


def test_a_minor_without_a_guardian_is_refused_and_the_form_is_kept(client, editor):
    response = client.post(NEW, _fields(storyteller_is_minor="on", storyteller="Kit Fictional"))

    html = response.content.decode()
    assert response.status_code == 400
    assert "parent or guardian" in html
    assert 'value="Kit Fictional"' in html
    assert "signed.pdf" in html  # the checked file is held: no need to upload it again
    assert not StoryConsent.objects.exists()

    token = response.context["form"]["signed_form_kept"].value()
    again = client.post(
        NEW,
        _fields(
            storyteller_is_minor="on",
            storyteller="Kit Fictional",
            guardian="Sam Fictional",
            signed_form=None,
            signed_form_kept=token,
        ),
    )

    assert again.status_code == 302
    recorded = StoryConsent.objects.get()
    assert recorded.guardian == "Sam Fictional" and recorded.is_valid
    assert not PendingUpload.objects.exists()


def test_a_signed_form_that_is_not_a_document_is_refused_with_a_field_message(client, editor):
    page = SimpleUploadedFile("signed.pdf", b"<html><script>alert(1)</script>", "application/pdf")

    response = client.post(NEW, _fields(signed_form=page))

    assert response.status_code == 400
    assert response.context["form"].errors["signed_form"]
    assert 'value="Rowan Fictional"' in response.content.decode()
    assert not StoryConsent.objects.exists()


def test_the_signed_form_is_read_back_as_an_audited_download(client, editor):
    given = consent()

    response = client.get(f"{LIST}{given.public_id}/form/")

    assert response.status_code == 200
    assert response.content.startswith(b"%PDF")
    assert response["Content-Disposition"].startswith("attachment")
    assert response["X-Content-Type-Options"] == "nosniff"
    assert AuditEvent.objects.filter(action="content.story_consent_form_read").count() == 1
    assert client.get(f"{LIST}not-an-id/form/").status_code == 404


def test_withdrawing_asks_first_then_unpublishes_the_story(client, editor, tree):
    given = consent()
    story = publish(
        tree.sections["stories"],
        StoryPage(title="My year", slug="my-year", body="<p>b</p>", consent=given),
    )
    url = f"{LIST}{given.public_id}/withdraw/"

    asked = client.get(url)
    given.refresh_from_db()
    assert asked.status_code == 200 and "My year" in asked.content.decode()
    assert given.withdrawn_at is None

    response = client.post(url)

    given.refresh_from_db()
    story.refresh_from_db()
    assert response.status_code == 302
    assert given.withdrawn_by == editor and not story.live
    assert client.get("/en/stories/my-year/").status_code == 404


def test_staff_outside_the_editorial_groups_are_refused_every_consent_screen(client, tree):
    services.ensure_editorial_setup()
    given = consent()
    sign_in_verified(client, StaffUserFactory())

    for url in (LIST, NEW, f"{LIST}{given.public_id}/withdraw/", f"{LIST}{given.public_id}/form/"):
        assert client.get(url).status_code == 403, url
        assert client.post(url).status_code == 403, url
    given.refresh_from_db()
    assert given.withdrawn_at is None


def test_nobody_signed_in_is_sent_to_the_projects_sign_in(client, tree):
    response = client.get(LIST)

    assert response.status_code == 302
    assert "/accounts/sign-in/" in response["Location"]

"""Editing: draft → review → publish, revisions, scheduled publishing from the sweep, story
consent (no publishing without it; withdrawing unpublishes at once), cache purges."""

import datetime

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.content import services
from medcenter.content.models import ResourcePage, StoryPage
from medcenter.content.tests.factories import consent, publish
from medcenter.content.wagtail_hooks import consent_problem
from medcenter.scheduling.tasks import sweep

pytestmark = pytest.mark.django_db


@pytest.fixture
def workflow(tree):
    return services.ensure_editorial_setup()


def _member(group):
    user = StaffUserFactory()
    user.groups.add(Group.objects.get(name=group))
    return user


def test_a_draft_goes_through_review_before_it_is_published(client, tree, workflow):
    editor, reviewer = _member(services.EDITORS), _member(services.REVIEWERS)
    page = ResourcePage(title="Rehabilitation", slug="rehabilitation", body="<p>v1</p>", live=False)
    tree.sections["resources"].add_child(instance=page)
    page.save_revision(user=editor)
    assert page.get_workflow() == workflow
    assert not page.permissions_for_user(editor).can_publish()
    assert page.permissions_for_user(reviewer).can_publish()

    state = workflow.start(page, editor)
    assert client.get("/en/resources/rehabilitation/").status_code == 404
    task_state = state.current_task_state
    task_state.task.specific.on_action(task_state, user=reviewer, action_name="approve")

    page.refresh_from_db()
    assert page.live
    assert client.get("/en/resources/rehabilitation/").status_code == 200


def test_revisions_are_kept_and_an_old_one_can_be_published_again(client, tree):
    page = publish(
        tree.sections["resources"], ResourcePage(title="R", slug="r", body="<p>first</p>")
    )
    first = page.latest_revision
    page.body = "<p>second</p>"
    page.save_revision().publish()

    assert page.revisions.count() == 2
    first.publish()
    assert "first" in client.get("/en/resources/r/").content.decode()


def test_the_sweep_publishes_a_scheduled_page_when_its_time_comes(client, tree, time_machine):
    page = ResourcePage(title="Later", slug="later", body="<p>b</p>", live=False)
    tree.sections["resources"].add_child(instance=page)
    go_live = timezone.now() + datetime.timedelta(hours=2)
    page.go_live_at = go_live
    page.save_revision().publish()
    page.refresh_from_db()
    assert not page.live

    assert sweep()["pages_published"] == 0
    time_machine.move_to(go_live + datetime.timedelta(minutes=1))
    assert sweep()["pages_published"] == 1

    page.refresh_from_db()
    assert page.live


def test_a_story_without_consent_is_never_published(tree):
    story = StoryPage(title="My year", slug="my-year", body="<p>b</p>", live=False)
    tree.sections["stories"].add_child(instance=story)

    assert "consent" in consent_problem(story)
    with pytest.raises(ValidationError) as refused:
        story.save_revision().publish()
    assert "consent" in refused.value.message_dict
    story.refresh_from_db()
    assert not story.live


def test_a_minors_consent_needs_a_guardian(tree):
    with pytest.raises(ValidationError) as refused:
        consent(minor=True, guardian="")

    assert "guardian" in refused.value.message_dict
    assert consent(minor=True, guardian="Sam Fictional").is_valid


def test_the_signed_form_is_kept_encrypted_in_the_vault(tree, settings):
    recorded = consent()

    stored = list((settings.DOCUMENT_ROOT).rglob("*"))
    assert recorded.form_vault_key and recorded.form_content_type == "application/pdf"
    assert all(b"%PDF" not in path.read_bytes() for path in stored if path.is_file())


def test_a_consent_form_that_is_not_a_document_is_refused(tree):
    with pytest.raises(ValidationError) as refused:
        services.record_story_consent(
            storyteller="Rowan Fictional",
            given_on=datetime.date(2026, 3, 1),
            scope="website",
            storyteller_is_minor=False,
            guardian="",
            form_name="form.pdf",
            form_content=b"<html><script>alert(1)</script></html>",
            recorded_by=StaffUserFactory(),
        )

    assert "form" in refused.value.message_dict


def test_withdrawing_consent_unpublishes_the_story_at_once_in_every_language(client, tree):
    given = consent()
    story = publish(
        tree.sections["stories"],
        StoryPage(title="My year", slug="my-year", body="<p>b</p>", consent=given),
    )
    assert client.get("/en/stories/my-year/").status_code == 200
    assert client.get("/es/stories/my-year/").status_code == 200  # cached, English fallback

    taken_down = services.withdraw_story_consent(consent=given, withdrawn_by=StaffUserFactory())

    story.refresh_from_db()
    assert taken_down == 1 and not story.live
    assert client.get("/en/stories/my-year/").status_code == 404
    assert client.get("/es/stories/my-year/").status_code == 404
    with pytest.raises(ValidationError):
        story.save_revision().publish()


def test_publishing_an_edit_purges_the_cached_page_in_every_language(client, tree):
    page = publish(tree.sections["resources"], ResourcePage(title="R", slug="r", body="<p>v1</p>"))
    for code in ("en", "es", "ar"):
        assert "v1" in client.get(f"/{code}/resources/r/").content.decode()

    page.body = "<p>v2</p>"
    page.save_revision().publish()

    for code in ("en", "es", "ar"):
        html = client.get(f"/{code}/resources/r/").content.decode()
        assert "v2" in html and "v1" not in html, code


def test_unpublishing_purges_the_cached_page(client, tree):
    page = publish(tree.sections["resources"], ResourcePage(title="R", slug="r", body="<p>v1</p>"))
    assert client.get("/en/resources/r/").status_code == 200

    page.unpublish()

    assert client.get("/en/resources/r/").status_code == 404

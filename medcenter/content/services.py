"""Writes of the content section: the page tree and editorial groups, story consent,
scheduled publishing."""

import datetime
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from django.conf import settings
from django.contrib.auth.models import Group, Permission
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from wagtail.actions.unpublish_page import UnpublishPageAction
from wagtail.models import (
    Collection,
    GroupApprovalTask,
    GroupCollectionPermission,
    GroupPagePermission,
    Locale,
    Page,
    Revision,
    Site,
    Workflow,
    WorkflowPage,
    WorkflowTask,
)

from medcenter.accounts.models import User

if TYPE_CHECKING:
    from wagtail_localize.models import Translation
from medcenter.content.caching import purge_page
from medcenter.content.models import (
    ConsentScope,
    SectionPage,
    SiteRootPage,
    StoryConsent,
    StoryPage,
)
from medcenter.content.routing import forget_top_level_slugs
from medcenter.core import audit, pending_uploads, vault
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import check_upload

EDITORS = "cms_editor"
REVIEWERS = "cms_reviewer"
WORKFLOW_NAME = "Editorial review"

# The sections under the root, by slug: (title, introduction).
SECTIONS = {
    "resources": "Patient Resources",
    "stories": "Patient Stories",
    "news": "News",
    "labs": "Labs and Core Facilities",
    "education": "Education and Training",
}


@dataclass(frozen=True)
class ContentTree:
    root: SiteRootPage
    sections: dict[str, SectionPage]


def ensure_locales() -> list[Locale]:
    """One Wagtail locale per language of the site (settings.LANGUAGES)."""
    return [
        Locale.objects.get_or_create(language_code=code)[0] for code, _name in settings.LANGUAGES
    ]


@transaction.atomic
def ensure_content_tree() -> ContentTree:
    """Make the site's root page and its sections, once; return them."""
    ensure_locales()
    default = Locale.get_default()
    root = SiteRootPage.objects.filter(locale=default).first()
    if root is None:
        top = Page.get_first_root_node()
        if top is None:
            # Wagtail's migration makes the tree's root node; a database emptied since (a
            # flushed test database, a restore of our tables alone) has none: make it again.
            top = Page.add_root(instance=Page(title="Root", slug="root", locale=default))
        root = SiteRootPage(title=settings.CENTER["name"], slug="center", locale=default)
        top.add_child(instance=root)
        site = Site.objects.filter(is_default_site=True).first()
        if site is None:
            site = Site(hostname="localhost", port=80, is_default_site=True)
        old_root = site.root_page_id
        site.root_page = root
        site.site_name = settings.WAGTAIL_SITE_NAME
        site.save()
        if old_root:
            # Wagtail's "Welcome" page, made by its own migration: never part of our site.
            welcome = Page.objects.filter(id=old_root, depth=2).exclude(id=root.id).first()
            if welcome is not None and not welcome.get_children().exists():
                welcome.delete()
    sections = {}
    for slug, title in SECTIONS.items():
        section = SectionPage.objects.child_of(root).filter(slug=slug).first()
        if section is None:
            section = SectionPage(title=title, slug=slug, locale=default)
            root.add_child(instance=section)
            section.save_revision().publish()
        sections[slug] = section.specific
    forget_top_level_slugs()
    return ContentTree(root=root, sections=sections)


@transaction.atomic
def ensure_editorial_setup() -> Workflow:
    """Make the editor and reviewer groups and the review workflow on the whole tree.

    Editors draft and submit; reviewers (and only they) approve and publish. Both need
    `wagtailadmin.access_admin`, and the admin itself is behind staff sign-in and a verified
    second factor (cms.py).
    """
    tree = ensure_content_tree()
    access = Permission.objects.get(content_type__app_label="wagtailadmin", codename="access_admin")
    page_perms = {
        codename: Permission.objects.get(content_type__app_label="wagtailcore", codename=codename)
        for codename in ("add_page", "change_page", "publish_page")
    }
    # Wagtail checks image rights on its own Image model even with a custom one (its
    # permission policy's auth_model is wagtailimages.Image), so those are the ones to give.
    image_perms = Permission.objects.filter(
        content_type__app_label="wagtailimages",
        codename__in=("add_image", "change_image", "choose_image"),
    )
    # Both record and withdraw storytellers' consents (the admin's "Story consents").
    consent_perms = Permission.objects.filter(
        content_type__app_label="content",
        codename__in=("add_storyconsent", "change_storyconsent", "view_storyconsent"),
    )
    collection = Collection.get_first_root_node()
    if collection is None:  # made by Wagtail's migration; gone from a flushed database
        collection = Collection.add_root(name="Root")
    wanted = {EDITORS: ("add_page", "change_page"), REVIEWERS: tuple(page_perms)}
    groups = {}
    for name, codenames in wanted.items():
        group, _created = Group.objects.get_or_create(name=name)
        group.permissions.add(access, *consent_perms)
        for codename in codenames:
            GroupPagePermission.objects.get_or_create(
                group=group, page=tree.root, permission=page_perms[codename]
            )
        for permission in image_perms:
            GroupCollectionPermission.objects.get_or_create(
                group=group, collection=collection, permission=permission
            )
        groups[name] = group
    # Wagtail's own starter groups would give admin access outside these two; remove them.
    Group.objects.filter(name__in=("Editors", "Moderators"), user__isnull=True).delete()
    workflow, _created = Workflow.objects.get_or_create(name=WORKFLOW_NAME)
    task = GroupApprovalTask.objects.filter(name="Review").first()
    if task is None:
        task = GroupApprovalTask.objects.create(name="Review")
        task.groups.set([groups[REVIEWERS]])
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.update_or_create(page=tree.root, defaults={"workflow": workflow})
    return workflow


@transaction.atomic
def record_story_consent(
    *,
    storyteller: str,
    given_on: datetime.date,
    scope: str,
    storyteller_is_minor: bool,
    guardian: str,
    form_name: str,
    form_content: bytes,
    recorded_by: User,
    kept: "Sequence[PendingUpload]" = (),
) -> StoryConsent:
    """Record a storyteller's consent with the signed form, kept encrypted in the vault;
    `kept` are the pending uploads the admin form held for it, released once recorded."""
    errors = {}
    if not storyteller.strip():
        errors["storyteller"] = _("Enter the storyteller's name.")
    if scope not in ConsentScope.values:
        errors["scope"] = _("Choose what the consent covers.")
    if given_on > timezone.localdate():
        errors["given_on"] = _("The consent cannot be dated in the future.")
    if storyteller_is_minor and not guardian.strip():
        errors["guardian"] = _(
            "A storyteller under 18 needs the consent of a parent or guardian: enter their name."
        )
    if errors:
        raise ValidationError(errors)
    try:
        checked = check_upload(name=form_name, content=form_content)
    except ValidationError as error:
        raise ValidationError({"form": error.messages}) from None
    if checked.content_type not in ("application/pdf", "image/jpeg", "image/png"):
        raise ValidationError({"form": _("Upload the signed form as a PDF or a photo.")})
    key = vault.store(content=checked.content)
    consent = StoryConsent.objects.create(
        storyteller=storyteller.strip(),
        given_on=given_on,
        scope=scope,
        storyteller_is_minor=storyteller_is_minor,
        guardian=guardian.strip(),
        form_vault_key=key,
        form_content_type=checked.content_type,
        recorded_by=recorded_by,
    )
    pending_uploads.release_uploads(uploads=kept)
    audit.record(action="content.story_consent_recorded", actor=recorded_by, target=consent)
    return consent


@transaction.atomic
def withdraw_story_consent(*, consent: StoryConsent, withdrawn_by: User) -> int:
    """Withdraw a consent and unpublish, at once, every story (in every language) it covers;
    return how many pages were taken down. Scheduled publications of them are cancelled."""
    consent = StoryConsent.objects.select_for_update().get(pk=consent.pk)
    if consent.withdrawn_at is None:
        consent.withdrawn_at = timezone.now()
        consent.withdrawn_by = withdrawn_by
        consent.save(update_fields=["withdrawn_at", "withdrawn_by", "updated_at"])
    taken_down = 0
    for story in StoryPage.objects.filter(consent=consent):
        Revision.page_revisions.filter(object_id=str(story.pk)).exclude(
            approved_go_live_at=None
        ).update(approved_go_live_at=None)
        if story.live:
            # Whoever records the withdrawal takes the story down, publisher or not.
            UnpublishPageAction(story, user=withdrawn_by).execute(skip_permission_checks=True)
            taken_down += 1
        purge_page(story)
    audit.record(action="content.story_consent_withdrawn", actor=withdrawn_by, target=consent)
    return taken_down


def publish_scheduled_pages() -> int:
    """Publish the revisions whose go-live time has come (Wagtail's `publish_scheduled`);
    return how many were due."""
    from django.core.management import call_command

    due: int = Revision.objects.filter(approved_go_live_at__lte=timezone.now()).count()
    if due:
        call_command("publish_scheduled", verbosity=0)
    return due


def _translation_for(*, page: Page, language: str) -> "Translation":
    from wagtail_localize.models import Translation, TranslationSource

    # The source as the page reads now, so a changed page exports its changed strings.
    source, _created = TranslationSource.update_or_create_from_instance(page)
    locale = Locale.objects.get(language_code=language)
    translation, _created = Translation.objects.get_or_create(
        source=source, target_locale=locale, defaults={"enabled": True}
    )
    return translation


@transaction.atomic
def export_translation_po(*, page: Page, language: str) -> str:
    """The page's strings as a PO file for translators (with what is already translated)."""
    return str(_translation_for(page=page, language=language).export_po())


@transaction.atomic
def import_translation_po(
    *, page: Page, language: str, po_text: str, user: User | None = None
) -> Page:
    """Take a translator's PO file for `page` into `language` and publish the translation
    (strings left untranslated fall back to the English source)."""
    import polib

    translation = _translation_for(page=page, language=language)
    try:
        po = polib.pofile(po_text)
    except (OSError, ValueError) as error:
        raise ValidationError({"po": _("This is not a PO file.")}) from error
    translation.import_po(po, user=user, tool_name="PO file")
    translation.save_target(user=user, publish=True)
    translated: Page = page.get_translation(Locale.objects.get(language_code=language))
    return translated.specific

"""An image refused for want of alt text keeps its file, on every path an editor uploads one:
Wagtail's "Add an image", the page editor's image chooser (its upload tab), replacing an
image's file, and the multiple upload (which keeps a refused file its own way)."""

import hashlib
import io
import json
import re

import pytest
from django.contrib.auth.models import Group
from django.core.files.uploadedfile import SimpleUploadedFile
from django.http import QueryDict
from PIL import Image as PILImage
from wagtail.images.forms import get_image_form
from wagtail.models import UploadedFile
from wagtail.users.models import UserProfile

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.content import services
from medcenter.content.forms import CenterImageForm
from medcenter.content.models import CenterImage
from medcenter.content.tests.factories import image, png_bytes
from medcenter.core.models import PendingUpload

pytestmark = pytest.mark.django_db

ALT_TEXT_MISSING = "Describe the image for people who cannot see it (alt text)"
PICTURE = png_bytes()


@pytest.fixture
def editor(tree):
    services.ensure_editorial_setup()
    user = StaffUserFactory()
    user.groups.add(Group.objects.get(name=services.EDITORS))
    return user


@pytest.fixture
def signed_in(client, editor):
    sign_in_verified(client, editor)
    return client


def _picture(name: str = "walking.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, PICTURE, content_type="image/png")


def png_bytes_of(width: int, height: int) -> bytes:
    buffer = io.BytesIO()
    PILImage.new("RGB", (width, height), (200, 120, 10)).save(buffer, format="PNG")
    return buffer.getvalue()


def _token(html: str, name: str) -> str:
    match = re.search(rf'name="{re.escape(name)}" value="([^"]+)"', html)
    assert match, f"no kept-file token {name} in the page"
    return match.group(1)


def _stored_bytes(made: CenterImage) -> bytes:
    with made.file.open("rb") as stored:
        return stored.read()


# --- Wagtail's "Add an image" ------------------------------------------------------------------


def test_an_image_without_alt_text_is_refused_and_its_file_is_kept_and_shown(signed_in):
    response = signed_in.post(
        "/cms/images/add/", {"title": "Walking outdoors", "file_kept": "", "file": _picture()}
    )

    assert response.status_code == 200
    html = response.content.decode()
    assert ALT_TEXT_MISSING in html
    assert "Attached: <bdi>walking.png</bdi>" in html
    assert _token(html, "file_kept")
    assert not CenterImage.objects.exists()
    assert PendingUpload.objects.get().purpose == "content.image:file"


def test_the_resubmit_with_alt_text_and_no_new_file_creates_the_image_from_the_kept_file(
    signed_in, editor, django_capture_on_commit_callbacks
):
    refused = signed_in.post(
        "/cms/images/add/", {"title": "Walking outdoors", "file_kept": "", "file": _picture()}
    )
    token = _token(refused.content.decode(), "file_kept")

    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            "/cms/images/add/",
            {
                "title": "Walking outdoors",
                "description": "A patient walks on a park path",
                "file_kept": token,
            },
        )

    assert response.status_code == 302
    made = CenterImage.objects.get()
    assert made.alt == "A patient walks on a park path"
    assert made.uploaded_by_user == editor
    assert _stored_bytes(made) == PICTURE
    assert (made.width, made.height) == (40, 30)
    assert made.file_size == len(PICTURE)
    assert made.file_hash == hashlib.sha1(PICTURE).hexdigest()  # noqa: S324 (Wagtail's)
    assert not PendingUpload.objects.exists()  # released once the image holds the file


def test_ticking_decorative_on_the_resubmit_creates_the_image_without_alt_text(signed_in):
    refused = signed_in.post(
        "/cms/images/add/", {"title": "Pattern", "file_kept": "", "file": _picture()}
    )

    signed_in.post(
        "/cms/images/add/",
        {
            "title": "Pattern",
            "is_decorative": "on",
            "file_kept": _token(refused.content.decode(), "file_kept"),
        },
    )

    made = CenterImage.objects.get()
    assert made.is_decorative and made.alt == ""
    assert _stored_bytes(made) == PICTURE


def test_a_resubmit_still_without_alt_text_keeps_the_file_again(signed_in):
    refused = signed_in.post(
        "/cms/images/add/", {"title": "Walking", "file_kept": "", "file": _picture()}
    )

    again = signed_in.post(
        "/cms/images/add/",
        {"title": "Walking", "file_kept": _token(refused.content.decode(), "file_kept")},
    )

    html = again.content.decode()
    assert again.status_code == 200
    assert ALT_TEXT_MISSING in html and "Attached: <bdi>walking.png</bdi>" in html
    assert not CenterImage.objects.exists()
    assert PendingUpload.objects.count() == 1


def test_a_spanish_speaking_editor_reads_what_is_missing_and_what_is_kept_in_spanish(
    signed_in, editor
):
    profile = UserProfile.get_for_user(editor)
    profile.preferred_language = "es"
    profile.save()

    response = signed_in.post(
        "/cms/images/add/", {"title": "Caminar", "file_kept": "", "file": _picture()}
    )

    html = response.content.decode()
    assert "Describa la imagen para quienes no pueden verla (texto alternativo)" in html
    assert "Adjunto: <bdi>walking.png</bdi>" in html


def test_another_editors_token_restores_nothing_and_says_so(client, signed_in, tree):
    refused = signed_in.post(
        "/cms/images/add/", {"title": "Walking", "file_kept": "", "file": _picture()}
    )
    token = _token(refused.content.decode(), "file_kept")
    other = StaffUserFactory()
    other.groups.add(Group.objects.get(name=services.EDITORS))
    client.logout()
    sign_in_verified(client, other)

    response = client.post(
        "/cms/images/add/", {"title": "Walking", "description": "A path", "file_kept": token}
    )

    assert response.status_code == 200
    assert "could not be kept" in response.content.decode()
    assert not CenterImage.objects.exists()


def test_a_good_image_is_saved_at_once_and_nothing_stays_pending(
    signed_in, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = signed_in.post(
            "/cms/images/add/",
            {"title": "Walking", "description": "A path", "file_kept": "", "file": _picture()},
        )

    assert response.status_code == 302
    assert _stored_bytes(CenterImage.objects.get()) == PICTURE
    assert not PendingUpload.objects.exists()


def test_a_file_that_is_not_an_image_is_refused_and_not_kept(signed_in):
    response = signed_in.post(
        "/cms/images/add/",
        {
            "title": "Notes",
            "description": "Notes",
            "file_kept": "",
            "file": SimpleUploadedFile("notes.png", b"not an image at all"),
        },
    )

    assert response.status_code == 200
    assert not CenterImage.objects.exists()
    assert not PendingUpload.objects.exists()


# --- the page editor's image chooser, upload tab -----------------------------------------------


def test_the_choosers_upload_keeps_the_file_and_the_resubmit_chooses_the_new_image(signed_in):
    prefix = "image-chooser-upload"
    refused = signed_in.post(
        "/cms/images/chooser/create/",
        {f"{prefix}-title": "Walking", f"{prefix}-file_kept": "", f"{prefix}-file": _picture()},
    )

    assert refused.status_code == 200
    step = json.loads(refused.content)
    assert step["step"] == "reshow_creation_form"
    fragment = step["htmlFragment"]
    assert ALT_TEXT_MISSING in fragment and "Attached: <bdi>walking.png</bdi>" in fragment
    assert not CenterImage.objects.exists()

    chosen = signed_in.post(
        "/cms/images/chooser/create/",
        {
            f"{prefix}-title": "Walking",
            f"{prefix}-description": "A patient walks on a park path",
            f"{prefix}-file_kept": _token(fragment, f"{prefix}-file_kept"),
        },
    )

    made = CenterImage.objects.get()
    assert json.loads(chosen.content)["step"] == "chosen"
    assert json.loads(chosen.content)["result"]["id"] == str(made.pk)
    assert made.alt == "A patient walks on a park path"
    assert _stored_bytes(made) == PICTURE


# --- replacing an image's file ----------------------------------------------------------------


def test_a_new_file_for_an_image_whose_alt_text_was_cleared_is_kept_then_replaces_the_old(
    signed_in, editor, django_capture_on_commit_callbacks
):
    existing = image()
    existing.uploaded_by_user = editor
    existing.save()
    old_name = existing.file.name
    bigger = png_bytes_of(80, 60)

    refused = signed_in.post(
        f"/cms/images/{existing.pk}/",
        {
            "title": "chart",
            "description": "",
            "file_kept": "",
            "file": SimpleUploadedFile("bigger.png", bigger),
        },
    )
    assert refused.status_code == 200
    assert "Attached: <bdi>bigger.png</bdi>" in refused.content.decode()

    with django_capture_on_commit_callbacks(execute=True):
        signed_in.post(
            f"/cms/images/{existing.pk}/",
            {
                "title": "chart",
                "description": "A larger chart",
                "file_kept": _token(refused.content.decode(), "file_kept"),
            },
        )

    existing.refresh_from_db()
    assert (existing.width, existing.height, existing.alt) == (80, 60, "A larger chart")
    assert _stored_bytes(existing) == bigger
    assert not existing.file.storage.exists(old_name)


# --- the multiple upload ----------------------------------------------------------------------


def test_the_multiple_upload_keeps_a_refused_file_as_wagtails_upload_until_it_is_described(
    signed_in,
):
    assert signed_in.get("/cms/images/multiple/add/").status_code == 200
    uploaded = json.loads(
        signed_in.post("/cms/images/multiple/add/", {"files[]": _picture()}).content
    )

    assert uploaded["success"] and "uploaded_file_id" in uploaded
    assert not CenterImage.objects.exists()
    assert not PendingUpload.objects.exists()  # Wagtail's UploadedFile keeps it, not ours
    url = f"/cms/images/multiple/create_from_uploaded_image/{uploaded['uploaded_file_id']}/"
    prefix = f"uploaded-image-{uploaded['uploaded_file_id']}"

    refused = json.loads(signed_in.post(url, {f"{prefix}-title": "Walking"}).content)
    assert not refused["success"]
    assert ALT_TEXT_MISSING in refused["form"]
    assert UploadedFile.objects.count() == 1

    created = json.loads(
        signed_in.post(
            url, {f"{prefix}-title": "Walking", f"{prefix}-description": "A path"}
        ).content
    )
    assert created["success"]
    assert _stored_bytes(CenterImage.objects.get()) == PICTURE
    assert not UploadedFile.objects.exists()


# --- the form itself --------------------------------------------------------------------------


def test_the_image_form_is_the_configured_base_and_without_a_user_holds_nothing(tree):
    form_class = get_image_form(CenterImage)
    data = QueryDict(mutable=True)
    data.update({"title": "Walking", "file_kept": ""})

    form = form_class(data, {"file": _picture()})

    assert issubclass(form_class, CenterImageForm)
    assert not form.is_valid()
    assert ALT_TEXT_MISSING in str(form.errors["description"])
    assert not PendingUpload.objects.exists()

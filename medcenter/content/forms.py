import hashlib
from typing import Any

from django import forms
from django.core.files.base import ContentFile
from django.core.files.uploadedfile import UploadedFile
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from wagtail.images.forms import BaseImageForm

from medcenter.content.models import ConsentScope
from medcenter.core import pending_uploads, request_context
from medcenter.core.forms import KEPT_SUFFIX, KeepsUploadsForm, KeepsUploadsMixin
from medcenter.core.uploads import CheckedUpload, display_name


class SearchForm(forms.Form):
    q = forms.CharField(label=_("Search our pages"), max_length=200, required=False)


class StoryConsentForm(KeepsUploadsForm):
    """A storyteller's consent as the editor records it from the signed form. The form is
    checked by content and held (encrypted) at once, so a problem elsewhere loses nothing."""

    upload_purpose = "content.story_consent"

    storyteller = forms.CharField(label=_("Storyteller's name"), max_length=200)
    given_on = forms.DateField(
        label=_("Consent given on"), widget=forms.DateInput(attrs={"type": "date"})
    )
    scope = forms.ChoiceField(label=_("What the consent covers"), choices=ConsentScope.choices)
    storyteller_is_minor = forms.BooleanField(
        label=_("The storyteller is under 18"), required=False
    )
    guardian = forms.CharField(
        label=_("Parent or guardian who consented"),
        max_length=200,
        required=False,
        help_text=_("Required when the storyteller is under 18."),
    )
    signed_form = forms.FileField(
        label=_("Signed consent form"),
        help_text=_("A PDF or a photo (JPEG or PNG) of the signed form."),
    )

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        super().__init__(*args, **kwargs)
        if not self.is_bound:
            self.initial.setdefault("given_on", timezone.localdate())

    def clean_signed_form(self) -> Any:
        upload = self.cleaned_data.get("signed_form")
        if upload:
            self.check_files("signed_form", [upload])
        return upload


class CenterImageForm(KeepsUploadsMixin, BaseImageForm):  # type: ignore[misc]
    """Wagtail's image form (WAGTAILIMAGES_IMAGE_FORM_BASE) that keeps the chosen file when
    the image is refused, a missing description (alt text) most often.

    Wagtail's views (add an image, the chooser's upload tab, editing an image) build it with
    the signed-in `user` and no session, so the held file belongs to that user. Only a page
    that carries the form's hidden token field holds files: Wagtail's multiple upload builds
    the form from its own dictionary and keeps a refused file its own way (an UploadedFile).
    """

    upload_purpose = "content.image"

    def __init__(self, *args: Any, **kwargs: Any) -> None:
        self._user = kwargs.get("user")
        kwargs.setdefault("client_ip", request_context.current().client_ip)
        super().__init__(*args, **kwargs)

    def keeps_uploads(self) -> bool:
        user = self._user
        return bool(
            user is not None
            and user.is_authenticated
            and self.add_prefix(f"file{KEPT_SUFFIX}") in self.data
        )

    def uploads_owner(self, *, create: bool) -> str | None:
        user = self._user
        return f"user:{user.pk}" if user is not None and user.is_authenticated else None

    def clean_file(self) -> Any:
        upload = self.cleaned_data.get("file")
        if isinstance(upload, UploadedFile):
            field = self.fields["file"]
            content_type = str(getattr(upload, "content_type", "") or "image/octet-stream")

            def wagtails_check(*, name: str, content: bytes) -> CheckedUpload:
                # Wagtail's image field has checked it: the extension, the size, an image
                # that decodes under the pixel limit (its type read from the content).
                return CheckedUpload(
                    content=content,
                    content_type=content_type,
                    filename=display_name(name),
                    size=len(content),
                    sha256=hashlib.sha256(content).hexdigest(),
                )

            self.check_files(
                "file",
                [upload],
                check=wagtails_check,
                max_bytes=getattr(field, "max_upload_size", None),
            )
            upload.seek(0)
        return upload

    def save(self, commit: bool = True) -> Any:
        if "file" in self.fields and not isinstance(self.cleaned_data.get("file"), UploadedFile):
            kept = self.uploads("file")
            if kept:
                self.instance.file = ContentFile(kept[-1].content, name=kept[-1].filename)
                # The kept file is the one sent: Wagtail's save then reads its size and hash
                # and, replacing an image's file, removes the old one and its renditions.
                self.changed_data.append("file")
        with transaction.atomic():
            image = super().save(commit=commit)
            pending_uploads.release_uploads(uploads=self.kept_uploads())
        return image

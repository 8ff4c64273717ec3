"""What forms share: a form that keeps the files attached to it (core.pending_uploads).

A form with a file field subclasses `KeepsUploadsForm`, names its `upload_purpose`, checks
each field's files in its `clean_<field>` with `self.check_files(name, files)` and is built by
the view with `session=request.session`. Then:

- every file that passes its check is held at once (encrypted, pending), so a problem with
  any other field, or a refusal from the service after the form was valid, loses nothing;
- the page that comes back shows "Attached: name (size)" with a "remove" box instead of an
  empty input, and carries a signed token in the hidden field `<field>_kept`;
- a valid form's files are `uploads(name)` (checked, with content) and the rows to release in
  the service's transaction are `kept_uploads()`.

Without a session (a test, a command) the form behaves as a plain form: nothing is held.

A form class built elsewhere (a ModelForm a library's view makes, such as Wagtail's image
form) takes `KeepsUploadsMixin` before its base instead. When that view passes no session, the
form says who may claim its files by overriding `uploads_owner` (a signed-in user, say) and
when it holds them by overriding `keeps_uploads`.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any, ClassVar

from django import forms
from django.conf import settings
from django.core.exceptions import ValidationError

from medcenter.core import pending_uploads
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import MAX_UPLOAD_BYTES, CheckedUpload, check_upload

KEPT_SUFFIX = "_kept"
REMOVE_SUFFIX = "_remove"


class KeptFilesInput(forms.ClearableFileInput):
    """A file input that lists the files already attached, each with a "remove" box."""

    template_name = "core/widgets/kept_files.html"

    def __init__(self, attrs: dict[str, Any] | None = None, *, multiple: bool = False) -> None:
        self.allow_multiple_selected = multiple
        super().__init__(attrs)
        self.kept: list[PendingUpload] = []

    def format_value(self, value: Any) -> None:
        # A browser ignores a file input's value: what is attached is listed instead (a
        # ModelForm would otherwise write the stored file's path into the page).
        return None

    def get_context(self, name: str, value: Any, attrs: dict[str, Any] | None) -> dict[str, Any]:
        context = super().get_context(name, value, attrs)
        context["widget"].update(
            kept=self.kept,
            remove_name=f"{name}{REMOVE_SUFFIX}",
            multiple=self.allow_multiple_selected,
        )
        return context


class KeepsUploadsMixin(forms.BaseForm):
    """Makes a form's checked files survive a failed submit (see the module's docstring)."""

    upload_purpose: ClassVar[str] = ""

    def __init__(
        self, *args: Any, session: Any = None, client_ip: str | None = None, **kwargs: Any
    ) -> None:
        super().__init__(*args, **kwargs)
        self._session = session
        self._client_ip = client_ip
        self._file_fields = [n for n, f in self.fields.items() if isinstance(f, forms.FileField)]
        self._fresh: dict[str, list[CheckedUpload]] = {}
        self._kept: dict[str, list[PendingUpload]] = {}
        self._content: dict[int, CheckedUpload] = {}
        self._lost: dict[str, ValidationError] = {}
        self._uploads: dict[str, list[CheckedUpload]] = {}
        for name in self._file_fields:
            field = self.fields[name]
            old = field.widget
            field.widget = KeptFilesInput(
                attrs=dict(old.attrs), multiple=bool(getattr(old, "allow_multiple_selected", False))
            )
            self.fields[f"{name}{KEPT_SUFFIX}"] = forms.CharField(
                widget=forms.HiddenInput, required=False
            )
            if self.is_bound and self.keeps_uploads():
                self._claim(name)

    # --- who holds the files; a form built by a view that passes no session overrides these -

    def keeps_uploads(self) -> bool:
        """Whether this form holds its files: only when it has someone to hold them for."""
        return self._session is not None

    def uploads_owner(self, *, create: bool) -> str | None:
        """Who may claim this form's held files: a random secret in the visitor's session
        (made on first need when `create`)."""
        if self._session is None:
            return None
        return pending_uploads.owner_secret(self._session, create=create)

    # --- for the subclass's clean_<field> ------------------------------------------------

    def kept_count(self, name: str) -> int:
        """How many files are already attached to `name` from an earlier submit."""
        return len(self._kept.get(name, []))

    def check_files(
        self,
        name: str,
        files: Iterable[Any],
        *,
        check: Callable[..., CheckedUpload] = check_upload,
        max_bytes: int | None = None,
    ) -> list[CheckedUpload]:
        """Check each uploaded file by content; keep those that pass (they are held even if
        another one, or another field, fails) and raise ValidationError for the others."""
        cap = max_bytes or int(getattr(settings, "MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))
        problems: list[ValidationError] = []
        passed: list[CheckedUpload] = []
        for upload in files:
            content = upload.read(cap + 1)
            try:
                passed.append(check(name=upload.name or "", content=content))
            except ValidationError as error:
                problems.append(error)
        self._fresh[name] = passed
        if problems:
            raise ValidationError(problems)
        return passed

    # --- for the view and the service -----------------------------------------------------

    def uploads(self, name: str) -> list[CheckedUpload]:
        """A valid form's files for `name`: those kept from before, then the new ones."""
        if name in self._uploads:
            return self._uploads[name]
        return list(self._fresh.get(name, []))

    def kept_uploads(self) -> list[PendingUpload]:
        """The pending rows behind this form's files, for the service to release."""
        return [u for name in self._file_fields for u in self._kept.get(name, [])]

    # --- the mechanism ----------------------------------------------------------------------

    def _purpose(self, name: str) -> str:
        purpose = self.upload_purpose or f"{type(self).__module__}.{type(self).__qualname__}"
        return f"{purpose}:{name}"

    def _claim(self, name: str) -> None:
        token = str(self.data.get(self.add_prefix(f"{name}{KEPT_SUFFIX}")) or "")
        try:
            kept = pending_uploads.claim_uploads(
                token=token,
                owner=self.uploads_owner(create=False),
                purpose=self._purpose(name),
            )
        except ValidationError as error:
            self._lost[name] = error
            kept = []
        getlist = getattr(self.data, "getlist", None)
        removed = set(getlist(self.add_prefix(f"{name}{REMOVE_SUFFIX}")) if getlist else [])
        dropped = [u for u in kept if str(u.public_id) in removed]
        pending_uploads.release_uploads(uploads=dropped)
        self._set_kept(name, [u for u in kept if u not in dropped])

    def _set_kept(self, name: str, kept: Sequence[PendingUpload]) -> None:
        self._kept[name] = list(kept)
        field = self.fields[name]
        if kept:
            field.required = False  # the kept file answers the field
        widget = field.widget
        if isinstance(widget, KeptFilesInput):
            widget.kept = list(kept)

    def full_clean(self) -> None:
        super().full_clean()
        if not self.is_bound or not hasattr(self, "cleaned_data"):
            return
        for name, error in self._lost.items():
            self.add_error(name, error)
        if not self.keeps_uploads():
            return
        owner = ""
        not_kept: dict[str, ValidationError] = {}
        for name in self._file_fields:
            kept = self._kept.get(name, [])
            fresh = self._fresh.get(name, [])
            if fresh:
                owner = owner or str(self.uploads_owner(create=True))
                try:
                    new = pending_uploads.hold_uploads(
                        uploads=fresh,
                        owner=owner,
                        purpose=self._purpose(name),
                        client_ip=self._client_ip,
                    )
                except ValidationError as refused:
                    # Not kept (the hourly cap): still sent if nothing else is wrong.
                    not_kept[name] = refused
                    new = []
                if not getattr(self.fields[name].widget, "allow_multiple_selected", False):
                    pending_uploads.release_uploads(uploads=kept)  # a new file replaces it
                    kept = []
                if new:
                    self._content.update({u.pk: c for u, c in zip(new, fresh, strict=True)})
                kept = [*kept, *new]
            self._set_kept(name, kept)
            self._write_token(name, kept)
        if self.errors:
            for name, not_kept_error in not_kept.items():
                self.add_error(name, not_kept_error)
        else:
            self._read_kept()
            for name in not_kept:
                self._uploads[name] = [*self._uploads[name], *self._fresh.get(name, [])]

    def _write_token(self, name: str, kept: Sequence[PendingUpload]) -> None:
        owner = self.uploads_owner(create=bool(kept)) or ""
        token = pending_uploads.token_for(uploads=kept, owner=owner, purpose=self._purpose(name))
        data: Any = self.data
        data = data.copy()
        data[self.add_prefix(f"{name}{KEPT_SUFFIX}")] = token
        self.data = data

    def _read_kept(self) -> None:
        for name in self._file_fields:
            try:
                self._uploads[name] = [
                    self._content.get(u.pk) or pending_uploads.read_upload(u)
                    for u in self._kept.get(name, [])
                ]
            except ValidationError as error:
                self.add_error(name, error)


class KeepsUploadsForm(KeepsUploadsMixin, forms.Form):
    """A form whose checked files survive a failed submit (see the module's docstring)."""

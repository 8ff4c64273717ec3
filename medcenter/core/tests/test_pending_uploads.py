"""Files attached to a form that fails are kept, by a signed token only their session can use."""

from datetime import timedelta
from io import StringIO

import pytest
import time_machine
from django import forms
from django.contrib.sessions.backends.db import SessionStore
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.core.management import call_command
from django.http import QueryDict
from django.utils import timezone

from medcenter.core import pending_uploads, vault
from medcenter.core.forms import KeepsUploadsForm, KeepsUploadsMixin
from medcenter.core.models import PendingUpload
from medcenter.core.uploads import check_upload

pytestmark = pytest.mark.django_db

NOTE = b"Pathology report (synthetic): margins clear.\n"


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    return settings.DOCUMENT_ROOT


def _held(*, owner: str = "owner-a", purpose: str = "test.form:file") -> list[PendingUpload]:
    upload = check_upload(name="report.txt", content=NOTE)
    return pending_uploads.hold_uploads(uploads=[upload], owner=owner, purpose=purpose)


class RecordsForm(KeepsUploadsForm):
    upload_purpose = "test.records"
    name = forms.CharField(max_length=20)
    records = forms.FileField(required=False)
    results = forms.FileField()

    def clean_records(self):
        upload = self.cleaned_data.get("records")
        self.check_files("records", [upload] if upload else [])
        return upload

    def clean_results(self):
        upload = self.cleaned_data.get("results")
        self.check_files("results", [upload] if upload else [])
        return upload


def _file(name: str = "report.txt", content: bytes = NOTE) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type="text/plain")


def _post(data: dict[str, str | list[str]]) -> QueryDict:
    query = QueryDict(mutable=True)
    for key, value in data.items():
        query.setlist(key, value if isinstance(value, list) else [value])
    return query


def _session() -> SessionStore:
    session = SessionStore()
    session.create()
    return session


# --- the store and the token -------------------------------------------------------------------


def test_a_held_upload_is_encrypted_and_claimed_back_by_its_token():
    held = _held()
    token = pending_uploads.token_for(uploads=held, owner="owner-a", purpose="test.form:file")

    claimed = pending_uploads.claim_uploads(token=token, owner="owner-a", purpose="test.form:file")

    assert claimed == held
    assert NOTE not in next(vault.root().rglob(held[0].vault_key[2:])).read_bytes()
    assert pending_uploads.read_upload(claimed[0]).content == NOTE


def test_an_altered_token_claims_nothing():
    held = _held()
    token = pending_uploads.token_for(uploads=held, owner="owner-a", purpose="test.form:file")
    forged = signing.dumps([str(held[0].public_id)], salt="something else")

    for bad in (token[:-2] + ("AA" if not token.endswith("AA") else "BB"), forged, "x:y:z"):
        with pytest.raises(ValidationError) as refused:
            pending_uploads.claim_uploads(token=bad, owner="owner-a", purpose="test.form:file")
        assert refused.value.code == "lost"


def test_another_sessions_token_claims_nothing():
    held = _held(owner="owner-a")
    token = pending_uploads.token_for(uploads=held, owner="owner-a", purpose="test.form:file")

    with pytest.raises(ValidationError):
        pending_uploads.claim_uploads(token=token, owner="owner-b", purpose="test.form:file")
    with pytest.raises(ValidationError):
        pending_uploads.claim_uploads(token=token, owner=None, purpose="test.form:file")


def test_a_token_signed_for_one_session_cannot_name_another_sessions_upload():
    theirs = _held(owner="owner-b")
    # Even a correctly signed token for owner A does not reach a row that belongs to B.
    token = pending_uploads.token_for(uploads=theirs, owner="owner-a", purpose="test.form:file")

    with pytest.raises(ValidationError):
        pending_uploads.claim_uploads(token=token, owner="owner-a", purpose="test.form:file")


def test_a_token_for_one_form_cannot_fill_another():
    held = _held(purpose="test.form:file")
    token = pending_uploads.token_for(uploads=held, owner="owner-a", purpose="test.form:file")

    with pytest.raises(ValidationError):
        pending_uploads.claim_uploads(token=token, owner="owner-a", purpose="other.form:file")


def test_a_token_expires(settings):
    settings.PENDING_UPLOAD_MAX_AGE = 600
    with time_machine.travel(timezone.now(), tick=False) as traveller:
        held = _held()
        token = pending_uploads.token_for(uploads=held, owner="owner-a", purpose="test.form:file")
        traveller.shift(timedelta(seconds=599))
        assert pending_uploads.claim_uploads(token=token, owner="owner-a", purpose="test.form:file")
        traveller.shift(timedelta(seconds=2))
        with pytest.raises(ValidationError):
            pending_uploads.claim_uploads(token=token, owner="owner-a", purpose="test.form:file")


def test_a_tampered_stored_file_is_not_read_back():
    (held,) = _held()
    path = vault.root() / held.vault_key[:2] / held.vault_key[2:]
    blob = bytearray(path.read_bytes())
    blob[-1] ^= 1
    path.write_bytes(bytes(blob))

    with pytest.raises(ValidationError) as refused:
        pending_uploads.read_upload(held)
    assert refused.value.code == "unreadable"


def test_releasing_removes_the_rows_and_their_files(django_capture_on_commit_callbacks):
    held = _held()
    with django_capture_on_commit_callbacks(execute=True):
        pending_uploads.release_uploads(uploads=held)

    assert not PendingUpload.objects.exists()
    assert list(vault.stored_documents()) == []


def test_the_sweep_removes_only_stale_pending_uploads(settings, django_capture_on_commit_callbacks):
    settings.PENDING_UPLOAD_MAX_AGE = 3600
    (stale,) = _held()
    PendingUpload.objects.filter(pk=stale.pk).update(created_at=timezone.now() - timedelta(hours=2))
    (fresh,) = _held()

    with django_capture_on_commit_callbacks(execute=True):
        removed = pending_uploads.sweep_pending_uploads()

    assert removed == 1
    assert list(PendingUpload.objects.all()) == [fresh]
    assert {key for key, _path in vault.stored_documents()} == {fresh.vault_key}


def test_the_sweep_command_reports_what_it_removed(django_capture_on_commit_callbacks):
    _held()
    out = StringIO()

    with django_capture_on_commit_callbacks(execute=True):
        call_command("pending_uploads_sweep", "--older-than", "0", stdout=out)

    assert "pending_uploads_removed=1" in out.getvalue()
    assert not PendingUpload.objects.exists()
    assert list(vault.stored_documents()) == []


def test_the_periodic_sweep_runs_the_pending_upload_sweep(settings):
    from medcenter.scheduling import tasks

    settings.PENDING_UPLOAD_MAX_AGE = 1
    (held,) = _held()
    PendingUpload.objects.filter(pk=held.pk).update(created_at=timezone.now() - timedelta(1))

    assert tasks.sweep()["pending_uploads_removed"] == 1


def test_the_vault_sweep_does_not_take_pending_uploads_for_orphans():
    (held,) = _held()

    assert vault.referenced_keys([held.vault_key]) == {held.vault_key}


def test_one_address_may_leave_only_so_many_files_an_hour(settings):
    settings.PENDING_UPLOADS_PER_HOUR = 2
    upload = check_upload(name="report.txt", content=NOTE)
    hold = pending_uploads.hold_uploads

    hold(uploads=[upload, upload], owner="a", purpose="p", client_ip="192.0.2.7")
    with pytest.raises(ValidationError) as refused:
        hold(uploads=[upload], owner="b", purpose="p", client_ip="192.0.2.7")
    hold(uploads=[upload], owner="c", purpose="p", client_ip="192.0.2.8")

    assert refused.value.code == "not_kept"
    assert PendingUpload.objects.count() == 3


# --- the form ------------------------------------------------------------------------------------


def test_a_form_that_fails_on_another_field_keeps_the_file_and_shows_it():
    session = _session()
    form = RecordsForm(
        _post({"name": ""}), {"records": _file(), "results": _file("r.txt")}, session=session
    )

    assert not form.is_valid()
    assert "name" in form.errors and "records" not in form.errors
    assert PendingUpload.objects.count() == 2
    html = str(form["records"])
    assert "Attached: <bdi>report.txt</bdi>" in html and 'name="records_remove"' in html
    token = form["records_kept"].value()
    assert token and 'value="' + token + '"' in str(form["records_kept"])


def test_the_next_submit_gets_the_kept_file_back_and_needs_no_new_one():
    session = _session()
    first = RecordsForm(_post({"name": ""}), {"results": _file("r.txt")}, session=session)
    assert not first.is_valid()

    second = RecordsForm(
        _post({"name": "Ana", "results_kept": first["results_kept"].value()}), {}, session=session
    )

    assert second.is_valid(), second.errors
    assert [u.content for u in second.uploads("results")] == [NOTE]
    assert second.kept_uploads() == list(PendingUpload.objects.all())


def test_the_token_from_another_session_restores_nothing_and_says_so():
    first = RecordsForm(_post({"name": ""}), {"results": _file("r.txt")}, session=_session())
    assert not first.is_valid()

    stranger = RecordsForm(
        _post({"name": "Ana", "results_kept": first["results_kept"].value()}),
        {},
        session=_session(),
    )

    assert not stranger.is_valid()
    assert "could not be kept" in str(stranger.errors["results"])
    assert stranger.uploads("results") == []
    assert stranger["results_kept"].value() == ""


def test_remove_drops_a_kept_file(django_capture_on_commit_callbacks):
    session = _session()
    first = RecordsForm(
        _post({"name": ""}), {"records": _file(), "results": _file("r.txt")}, session=session
    )
    assert not first.is_valid()
    (records,) = first._kept["records"]

    with django_capture_on_commit_callbacks(execute=True):
        second = RecordsForm(
            _post(
                {
                    "name": "Ana",
                    "records_kept": first["records_kept"].value(),
                    "records_remove": str(records.public_id),
                    "results_kept": first["results_kept"].value(),
                }
            ),
            {},
            session=session,
        )
        assert second.is_valid(), second.errors

    assert second.uploads("records") == []
    assert not PendingUpload.objects.filter(pk=records.pk).exists()
    assert records.vault_key not in {key for key, _path in vault.stored_documents()}


def test_removing_the_only_file_of_a_required_field_asks_for_one_again():
    session = _session()
    first = RecordsForm(_post({"name": ""}), {"results": _file("r.txt")}, session=session)
    assert not first.is_valid()
    (results,) = first._kept["results"]

    second = RecordsForm(
        _post(
            {
                "name": "Ana",
                "results_kept": first["results_kept"].value(),
                "results_remove": str(results.public_id),
            }
        ),
        {},
        session=session,
    )

    assert not second.is_valid()
    assert "results" in second.errors


def test_a_new_file_replaces_the_kept_one_in_a_single_file_field():
    session = _session()
    first = RecordsForm(_post({"name": ""}), {"results": _file("old.txt")}, session=session)
    assert not first.is_valid()

    second = RecordsForm(
        _post({"name": "Ana", "results_kept": first["results_kept"].value()}),
        {"results": _file("new.txt", b"Newer synthetic result.\n")},
        session=session,
    )

    assert second.is_valid(), second.errors
    assert [u.filename for u in second.uploads("results")] == ["new.txt"]
    assert [u.filename for u in second.kept_uploads()] == ["new.txt"]


def test_a_refused_file_is_not_kept_but_a_good_one_beside_it_is():
    session = _session()
    form = RecordsForm(
        _post({"name": "Ana"}),
        {"records": _file("x.pdf", b"<html><script>1</script></html>"), "results": _file()},
        session=session,
    )

    assert not form.is_valid()
    assert "not a type of file we accept" in str(form.errors["records"])
    assert [u.filename for u in PendingUpload.objects.all()] == ["report.txt"]


def test_without_a_session_the_form_is_a_plain_form():
    form = RecordsForm(_post({"name": ""}), {"results": _file()})

    assert not form.is_valid()
    assert not PendingUpload.objects.exists()
    assert not form["results_kept"].value()


def test_a_prefixed_form_keeps_its_file_under_its_prefixed_names(
    django_capture_on_commit_callbacks,
):
    session = _session()
    first = RecordsForm(
        _post({"upload-name": ""}),
        {"upload-results": _file("r.txt")},
        prefix="upload",
        session=session,
    )
    assert not first.is_valid()
    assert 'name="upload-results_kept"' in str(first["results_kept"])
    assert 'name="upload-results_remove"' in str(first["results"])

    second = RecordsForm(
        _post({"upload-name": "Ana", "upload-results_kept": first["results_kept"].value()}),
        {},
        prefix="upload",
        session=session,
    )

    assert second.is_valid(), second.errors
    assert [u.content for u in second.uploads("results")] == [NOTE]


class UserOwnedRecordsForm(KeepsUploadsMixin, forms.Form):
    """A form built by a view that passes no session: its files belong to a named owner."""

    results = forms.FileField()

    def __init__(self, *args, owner: str, **kwargs):
        self.owner = owner
        super().__init__(*args, **kwargs)

    def keeps_uploads(self) -> bool:
        return True

    def uploads_owner(self, *, create: bool) -> str | None:
        return self.owner

    def clean_results(self):
        upload = self.cleaned_data.get("results")
        self.check_files("results", [upload] if upload else [])
        return upload

    def clean(self):
        raise ValidationError("Something else is wrong.")


def test_a_form_may_name_its_own_owner_and_only_that_owner_claims_its_files():
    first = UserOwnedRecordsForm(_post({}), {"results": _file("r.txt")}, owner="user:1")
    assert not first.is_valid()
    token = first["results_kept"].value()

    same = UserOwnedRecordsForm(_post({"results_kept": token}), {}, owner="user:1")
    other = UserOwnedRecordsForm(_post({"results_kept": token}), {}, owner="user:2")

    assert not same.is_valid() and "results" not in same.errors
    assert same.kept_uploads() == list(PendingUpload.objects.all())
    assert "could not be kept" in str(other.errors["results"])


def test_over_the_hourly_cap_a_failing_form_says_the_file_was_not_kept(settings):
    settings.PENDING_UPLOADS_PER_HOUR = 0

    form = RecordsForm(
        _post({"name": ""}), {"results": _file()}, session=_session(), client_ip="192.0.2.7"
    )

    assert not form.is_valid()
    assert "could not keep this file" in str(form.errors["results"])
    assert not PendingUpload.objects.exists()


def test_over_the_hourly_cap_a_valid_form_still_sends_its_file(settings):
    settings.PENDING_UPLOADS_PER_HOUR = 0

    form = RecordsForm(
        _post({"name": "Ana"}), {"results": _file()}, session=_session(), client_ip="192.0.2.7"
    )

    assert form.is_valid(), form.errors
    assert [u.content for u in form.uploads("results")] == [NOTE]
    assert form.kept_uploads() == []

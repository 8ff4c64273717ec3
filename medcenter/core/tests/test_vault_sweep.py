"""Documents no row names (an upload whose transaction rolled back) are swept up after a grace
period; documents in flight or still named are never touched."""

import os
import time
from datetime import date, timedelta

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import transaction

from medcenter.core import vault
from medcenter.core.uploads import check_upload

pytestmark = pytest.mark.django_db

HOUR = timedelta(hours=1)


@pytest.fixture(autouse=True)
def document_root(settings, tmp_path):
    """Never the demo's documents: a sweep against the test database would take them all for
    orphans."""
    settings.DOCUMENT_ROOT = tmp_path / "documents"
    return settings.DOCUMENT_ROOT


def _path(root, key):
    return root / key[:2] / key[2:]


def _age(path, by):
    then = time.time() - by.total_seconds()
    os.utime(path, (then, then))


def _nothing_named(keys):
    return set()


def test_an_old_document_no_row_names_is_removed_and_a_fresh_one_is_kept(document_root):
    old, fresh = vault.store(content=b"old"), vault.store(content=b"fresh")
    _age(_path(document_root, old), 2 * HOUR)
    _age(_path(document_root, fresh), HOUR - timedelta(minutes=1))

    removed = vault.sweep_orphans(referenced=_nothing_named, older_than=HOUR)

    assert removed == 1
    assert not _path(document_root, old).exists()
    assert vault.fetch(key=fresh) == b"fresh"


def test_an_old_document_a_row_still_names_is_kept(document_root):
    named, orphan = vault.store(content=b"named"), vault.store(content=b"orphan")
    for key in (named, orphan):
        _age(_path(document_root, key), 2 * HOUR)
    asked = []

    def referenced(keys):
        asked.extend(keys)
        return {named} & set(keys)

    removed = vault.sweep_orphans(referenced=referenced, older_than=HOUR)

    assert removed == 1
    assert vault.fetch(key=named) == b"named"
    assert not _path(document_root, orphan).exists()
    assert sorted(asked) == sorted([named, orphan])  # only old documents are looked up


def test_the_sweep_asks_about_no_document_when_all_are_fresh():
    vault.store(content=b"just uploaded")

    def referenced(keys):
        raise AssertionError("nothing old enough to ask about")

    assert vault.sweep_orphans(referenced=referenced, older_than=HOUR) == 0


def test_a_temporary_file_a_killed_writer_left_is_removed_once_old(document_root):
    key = vault.store(content=b"kept")
    folder = _path(document_root, key).parent
    stale, writing = folder / ".tmp-stale", folder / ".tmp-writing"
    stale.write_bytes(b"half a document")
    writing.write_bytes(b"being written")
    _age(stale, 2 * HOUR)

    removed = vault.sweep_orphans(referenced=lambda keys: set(keys), older_than=HOUR)

    assert removed == 1
    assert not stale.exists()
    assert writing.exists()
    assert vault.fetch(key=key) == b"kept"


def test_files_that_are_not_vault_documents_are_left_alone(document_root):
    folder = document_root / "ab"
    folder.mkdir(parents=True)
    strangers = [document_root / "README", folder / "not-a-key", document_root / "abc" / "x"]
    strangers[2].parent.mkdir()
    for path in strangers:
        path.write_bytes(b"someone else's")
        _age(path, 2 * HOUR)

    assert vault.sweep_orphans(referenced=_nothing_named, older_than=HOUR) == 0
    assert all(path.exists() for path in strangers)


def test_a_missing_vault_is_nothing_to_sweep(settings, tmp_path):
    settings.DOCUMENT_ROOT = tmp_path / "never-created"

    assert vault.sweep_orphans(referenced=_nothing_named, older_than=HOUR) == 0


def test_a_negative_grace_period_is_refused():
    with pytest.raises(ValueError):
        vault.sweep_orphans(referenced=_nothing_named, older_than=-HOUR)


# --- Which rows name documents ------------------------------------------------------------------


def test_every_model_field_that_names_vault_documents_is_listed_in_one_place():
    """A model storing in the vault but missing from REFERENCES would lose its documents."""
    found = {
        f"{model._meta.label}.{field.name}"
        for model in apps.get_models()
        for field in model._meta.concrete_fields
        if "vault" in field.name
    }

    assert found <= set(vault.REFERENCES)
    for reference in vault.REFERENCES:  # and every listed field exists
        label, field = reference.rsplit(".", 1)
        assert apps.get_model(label)._meta.get_field(field)


def _upload(name="records.txt", content=b"Synthetic pathology notes for a fictional patient.\n"):
    return check_upload(name=name, content=content)


def _submit(documents):
    from medcenter.scheduling.referrals import submit_referral

    return submit_referral(
        data={
            "given_name": "Rowan",
            "family_name": "Vaultfield",
            "date_of_birth": date(1980, 5, 17),
            "email": "rowan@example.test",
            "diagnosis": "Osteosarcoma",
        },
        source="patient",
        documents=documents,
    )


def test_a_referral_documents_key_counts_as_named():
    referral = _submit([_upload()])
    key = referral.documents.get().vault_key

    assert vault.referenced_keys([key, "0" * 32]) == {key}


def test_a_referral_whose_transaction_rolled_back_leaves_an_orphan_the_sweep_removes(
    document_root,
):
    from medcenter.scheduling import tasks
    from medcenter.scheduling.models import Referral, ReferralDocument

    kept = _submit([_upload("kept.txt")])
    with pytest.raises(RuntimeError), transaction.atomic():
        _submit([_upload("lost.txt", b"Synthetic notes that never got their row.\n")])
        raise RuntimeError("the request failed after the documents were stored")
    files = sorted(p for p in document_root.rglob("*") if p.is_file())
    kept_path = _path(document_root, kept.documents.get().vault_key)
    (orphan,) = [path for path in files if path != kept_path]
    assert Referral.objects.count() == ReferralDocument.objects.count() == 1

    assert tasks.sweep()["orphan_documents_removed"] == 0  # within the grace period
    for path in files:
        _age(path, vault.ORPHAN_GRACE + timedelta(minutes=1))
    counts = tasks.sweep()

    assert counts["orphan_documents_removed"] == 1
    assert not orphan.exists()
    assert kept_path.exists()
    assert vault.fetch(key=kept.documents.get().vault_key).startswith(b"Synthetic pathology")


def test_the_sweep_command_reports_the_documents_it_removed(document_root, capsys):
    orphan = vault.store(content=b"nobody's")
    _age(_path(document_root, orphan), 2 * HOUR)

    call_command("scheduling_sweep")

    assert "orphan_documents_removed=1" in capsys.readouterr().out
    assert not _path(document_root, orphan).exists()

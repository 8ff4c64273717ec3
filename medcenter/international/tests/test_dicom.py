"""R18 for imaging studies: a Part 10 file or a zip of them, judged without extracting it."""

import io
import zipfile

import pytest
from django.core.exceptions import ValidationError

from medcenter.international import dicom
from medcenter.international.tests.factories import dicom_bytes, dicom_zip

EICAR = b"".join(
    (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$", b"EICAR-STANDARD-ANTIVIRUS-", b"TEST-FILE!$H+H*")
)


def check(content: bytes, name: str = "study.zip"):
    return dicom.check_study(io.BytesIO(content), name=name)


def test_a_part10_file_is_one_dicom_file():
    study = check(dicom_bytes(), "CT 1.dcm")
    assert (study.dicom_files, study.content_type, study.filename) == (
        1,
        "application/dicom",
        "CT 1.dcm",
    )


def test_a_zip_of_dicom_files_counts_its_members_and_keeps_folders():
    content = dicom_zip(
        {"DICOMDIR": dicom_bytes(), "SE1/IM1": dicom_bytes(), "SE1/IM2": dicom_bytes()}
    )
    study = check(content)
    assert study.dicom_files == 3
    assert study.content_type == "application/zip"
    assert study.size == len(content)


def _zip_bomb() -> bytes:
    return dicom_zip({"IM1": dicom_bytes(30 * 1024 * 1024)})


def _nested() -> bytes:
    return dicom_zip({"inner.zip": dicom_zip({"IM1": dicom_bytes()})})


def _encrypted() -> bytes:
    content = bytearray(dicom_zip({"IM1": dicom_bytes()}, compression=zipfile.ZIP_STORED))
    # Set the "encrypted" flag on the local header and the central directory entry.
    content[6] |= 0x1
    central = content.rfind(b"PK\x01\x02")
    content[central + 8] |= 0x1
    return bytes(content)


@pytest.mark.parametrize(
    ("content", "code"),
    [
        (b"", "damaged"),
        (b"%PDF-1.7 not a study", "not_dicom"),
        (dicom_bytes(preamble=b"MZ" + bytes(126)), "hidden_content"),
        (dicom_bytes(preamble=b"<html><script>" + bytes(114)), "hidden_content"),
        (_zip_bomb(), "bomb"),
        (_nested(), "nested"),
        (dicom_zip({"../../etc/cron.d/x": dicom_bytes()}), "unsafe_name"),
        (dicom_zip({"/abs/IM1": dicom_bytes()}), "unsafe_name"),
        (dicom_zip({"C:\\IM1": dicom_bytes()}), "unsafe_name"),
        (dicom_zip({"IM1": dicom_bytes(), "readme.txt": b"hello"}), "member_not_dicom"),
        (dicom_zip({"IM1": dicom_bytes(), "IM2": bytes(128) + b"DICM" + EICAR}), "malware"),
        (EICAR, "malware"),
        (_encrypted(), "encrypted"),
        (b"PK\x03\x04 truncated", "damaged"),
        (dicom_zip({"empty/": b""}), "not_dicom"),
    ],
    ids=[
        "empty",
        "pdf",
        "exe-preamble",
        "html-preamble",
        "zip-bomb",
        "nested-zip",
        "dotdot",
        "absolute",
        "drive",
        "non-dicom-member",
        "eicar-member",
        "eicar",
        "encrypted",
        "truncated",
        "no-dicom",
    ],
)
def test_refused_studies_name_why(content, code):
    with pytest.raises(ValidationError) as caught:
        check(content, "estudio.zip")
    assert caught.value.code == code
    assert "estudio.zip" in caught.value.messages[0]


def test_too_many_entries_is_refused(monkeypatch):
    monkeypatch.setattr(dicom, "MAX_ENTRIES", 3)
    content = dicom_zip({f"IM{n}": dicom_bytes() for n in range(4)})
    with pytest.raises(ValidationError) as caught:
        check(content)
    assert caught.value.code == "too_many"


def test_an_oversize_study_is_refused_before_reading(monkeypatch):
    monkeypatch.setattr(dicom, "MAX_STUDY_BYTES", 1000)
    with pytest.raises(ValidationError) as caught:
        check(dicom_bytes(2000))
    assert caught.value.code == "too_large"

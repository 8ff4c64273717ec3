"""Imaging studies as people send them: DICOM Part 10 files, or a zip of them.

A study is kept opaque (never parsed beyond its signature) and judged without extracting it:
a Part 10 file has a 128-byte preamble and "DICM" at byte 128; a zip is read from its central
directory, and each member only for its first bytes, so a zip bomb is never inflated. Refused:
too many entries, a member or a total too large, a compression ratio only a bomb has, an
encrypted member, a name with `..` or an absolute path, a zip inside the zip, a member that is
not DICOM, a preamble that hides another format (a polyglot), and anything the virus scanner
flags. Everything works on a seekable file, so a 500 MB study is read in pieces, never whole.
"""

import hashlib
import zipfile
from collections.abc import Iterator
from dataclasses import dataclass
from typing import IO

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _

from medcenter.core import uploads

MAGIC_OFFSET = 128
MAGIC = b"DICM"
HEAD = MAGIC_OFFSET + len(MAGIC)
MAX_STUDY_BYTES = 1024 * 1024 * 1024  # what one upload may be (a CT study is 100-800 MB)
MAX_ENTRIES = 5000
MAX_MEMBER_BYTES = 512 * 1024 * 1024
MAX_TOTAL_BYTES = 2 * 1024 * 1024 * 1024
# Imaging compresses 2-4x; a bomb compresses a thousand times.
MAX_RATIO = 50
CHUNK = 1024 * 1024
# What a preamble may be: zeros (the usual), or the start of a TIFF file (the standard allows a
# preamble that makes the file also a TIFF image).
_TIFF = (b"II*\x00", b"MM\x00*")
_ZIP = b"PK\x03\x04"

MESSAGES = {
    "not_dicom": _(
        "%(name)s is not a DICOM file or a zip of DICOM files. Please send the study as your "
        "imaging center gave it to you (files that start with DICM, or a zip of them)."
    ),
    "too_large": _("%(name)s is larger than %(limit)s MB. Please send a smaller study."),
    "too_many": _("%(name)s holds more than %(limit)s files. Please send the study in parts."),
    "bomb": _("%(name)s expands to far more than its size, so we cannot accept it."),
    "encrypted": _(
        "%(name)s is protected with a password. Please send it without a password; it is "
        "encrypted when we store it."
    ),
    "unsafe_name": _(
        "%(name)s contains a file whose name points outside the folder (%(member)s), so we "
        "cannot accept it."
    ),
    "nested": _(
        "%(name)s contains another archive (%(member)s). Please put all the DICOM files in one zip."
    ),
    "member_not_dicom": _(
        "%(name)s contains %(member)s, which is not a DICOM file. Please send only the study's "
        "DICOM files."
    ),
    "hidden_content": _(
        "%(name)s hides another kind of file inside it, so we cannot accept it. Please send "
        "the study as your imaging center gave it to you."
    ),
    "damaged": _("%(name)s seems to be damaged or incomplete. Please send it again."),
    "malware": uploads.MESSAGES["malware"],
    "scan_unavailable": uploads.MESSAGES["scan_unavailable"],
}


@dataclass(frozen=True)
class CheckedStudy:
    filename: str
    size: int
    sha256: str
    dicom_files: int
    content_type: str  # application/dicom or application/zip


def _error(code: str, name: str, **params: object) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params={"name": name, **params})


def _display(name: str) -> str:
    return uploads.display_name(name)


def is_part10(head: bytes) -> bool:
    return len(head) >= HEAD and head[MAGIC_OFFSET:HEAD] == MAGIC


def _preamble_is_plain(head: bytes) -> bool:
    preamble = head[:MAGIC_OFFSET]
    return preamble == bytes(MAGIC_OFFSET) or preamble.startswith(_TIFF)


def _scan(window: bytes, name: str) -> None:
    try:
        finding = uploads.get_scanner()(window)
    except (uploads.ScannerUnavailable, OSError):
        raise _error("scan_unavailable", name) from None
    if finding:
        raise _error("malware", name)


def _unsafe(member: str) -> bool:
    parts = member.replace("\\", "/").split("/")
    return (
        member.startswith(("/", "\\"))
        or (len(member) > 1 and member[1] == ":")
        or ".." in parts
        or "\x00" in member
    )


def check_study(file: IO[bytes], *, name: str) -> CheckedStudy:
    """Judge the study in `file` (seekable, read in pieces); raise ValidationError if refused."""
    shown = _display(name)
    file.seek(0, 2)
    size = file.tell()
    file.seek(0)
    if size == 0:
        raise _error("damaged", shown)
    if size > MAX_STUDY_BYTES:
        raise _error("too_large", shown, limit=MAX_STUDY_BYTES // (1024 * 1024))
    head = file.read(uploads.SCAN_WINDOW)
    _scan(head, shown)
    digest = _sha256(file)
    if is_part10(head):
        if not _preamble_is_plain(head):
            raise _error("hidden_content", shown)
        return CheckedStudy(
            filename=_filename(name, ".dcm"),
            size=size,
            sha256=digest,
            dicom_files=1,
            content_type="application/dicom",
        )
    if head.startswith(_ZIP):
        count = _check_zip(file, shown)
        return CheckedStudy(
            filename=_filename(name, ".zip"),
            size=size,
            sha256=digest,
            dicom_files=count,
            content_type="application/zip",
        )
    raise _error("not_dicom", shown)


def _filename(name: str, extension: str) -> str:
    shown = _display(name)
    stem = shown.rsplit(".", 1)[0] if "." in shown else shown
    return f"{stem or 'study'}{extension}"


def _sha256(file: IO[bytes]) -> str:
    file.seek(0)
    digest = hashlib.sha256()
    for piece in iter(lambda: file.read(CHUNK), b""):
        digest.update(piece)
    file.seek(0)
    return digest.hexdigest()


def _check_zip(file: IO[bytes], shown: str) -> int:
    try:
        archive = zipfile.ZipFile(file)
    except (zipfile.BadZipFile, OSError, ValueError):
        raise _error("damaged", shown) from None
    with archive:
        members = archive.infolist()
        if len(members) > MAX_ENTRIES:
            raise _error("too_many", shown, limit=MAX_ENTRIES)
        total = 0
        count = 0
        for member in members:
            label = _display(member.filename)[:60]
            if _unsafe(member.filename):
                raise _error("unsafe_name", shown, member=label)
            if member.is_dir():
                continue
            if member.flag_bits & 0x1:
                raise _error("encrypted", shown)
            total += member.file_size
            if member.file_size > MAX_MEMBER_BYTES or total > MAX_TOTAL_BYTES:
                raise _error("bomb", shown)
            if member.file_size > CHUNK and member.file_size > MAX_RATIO * max(
                member.compress_size, 1
            ):
                raise _error("bomb", shown)
            head = _member_head(archive, member, shown)
            if head.startswith(_ZIP):
                raise _error("nested", shown, member=label)
            if not is_part10(head):
                raise _error("member_not_dicom", shown, member=label)
            if not _preamble_is_plain(head):
                raise _error("hidden_content", shown)
            _scan(head, shown)
            count += 1
    if count == 0:
        raise _error("not_dicom", shown)
    return count


def _member_head(archive: zipfile.ZipFile, member: zipfile.ZipInfo, shown: str) -> bytes:
    # Only the first window is inflated: a bomb's body is never read.
    try:
        with archive.open(member) as stream:
            return stream.read(uploads.SCAN_WINDOW)
    except (zipfile.BadZipFile, OSError, ValueError, NotImplementedError, EOFError):
        raise _error("damaged", shown) from None
    except RuntimeError:  # "File is encrypted, password required"
        raise _error("encrypted", shown) from None


def chunks(file: IO[bytes]) -> Iterator[bytes]:
    file.seek(0)
    yield from iter(lambda: file.read(CHUNK), b"")

"""Uploaded files, judged by what they contain and never by their name (SECURITY.md R18).

Referring physicians and patients upload records and imaging reports. `check_upload` accepts
PDF, JPEG, PNG, TIFF and plain text, decided from the bytes alone. It refuses a file that is
also something else (a polyglot: a PDF carrying a web page, an image with a zip appended),
a PDF that can run code, any archive (so a zip bomb is never unpacked), images too large to
decode safely, damaged files, and anything the virus scanner flags.

The name a user gave is cleaned for display and Content-Disposition only; documents are
stored under the vault's random keys, never under a path a user chose.
"""

import hashlib
import io
import logging
import re
import struct
import unicodedata
import warnings
import zlib
from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol

import filetype
from django.conf import settings
from django.core.exceptions import ValidationError
from django.http import HttpResponse
from django.utils.formats import number_format
from django.utils.http import content_disposition_header
from django.utils.module_loading import import_string
from django.utils.translation import gettext_lazy as _
from PIL import Image, ImageSequence

logger = logging.getLogger(__name__)

ALLOWED = {
    "application/pdf": ".pdf",
    "image/jpeg": ".jpg",
    "image/png": ".png",
    "image/tiff": ".tif",
    "text/plain": ".txt",
}
MAX_UPLOAD_BYTES = 20 * 1024 * 1024
# Decoding is what costs memory: an A4 page scanned at 600 dpi is 35 megapixels.
MAX_IMAGE_PIXELS = 50_000_000
MAX_IMAGE_FRAMES = 500
MAX_NAME_LENGTH = 100
SCAN_WINDOW = 64 * 1024

MESSAGES = {
    "empty": _("%(name)s is empty. Please choose the file again."),
    "too_large": _("%(name)s is larger than %(limit)s MB. Please upload a smaller file."),
    "type_not_allowed": _(
        "%(name)s is not a type of file we accept. Please upload a PDF, a JPEG, PNG or TIFF "
        "image, or a plain text file."
    ),
    "hidden_content": _(
        "%(name)s contains hidden content, such as a script or another file inside it, so we "
        "cannot accept it. Please save it again as a plain PDF, image or text file and upload "
        "that."
    ),
    "image_too_large": _(
        "%(name)s is an image too large to process. Please upload a smaller or lower-resolution "
        "image."
    ),
    "damaged": _(
        "%(name)s seems to be damaged or incomplete, so we could not open it. Please upload it "
        "again."
    ),
    "malware": _(
        "%(name)s could not be accepted because our virus scanner flagged it. If you think this "
        "is a mistake, please contact us."
    ),
    "scan_unavailable": _(
        "We could not check %(name)s for viruses just now. Please try again in a few minutes."
    ),
}

_PILLOW_FORMATS = {"image/jpeg": "JPEG", "image/png": "PNG", "image/tiff": "TIFF"}
# Archives and office formats are refused outright, even when their bytes happen to be
# printable text (an `ar` archive, RTF): they are never unpacked or shown as text.
_NEVER_TEXT = frozenset(
    matcher.mime
    for matcher in (*filetype.archive_matchers, *filetype.document_matchers)
    if matcher.mime not in ALLOWED
)
# Whatever a browser would run, wherever it sits in the file; matched against the lowercased
# bytes. A delimiter must follow the short tag names so that compressed image data does not
# match them by chance.
_ACTIVE_MARKUP = re.compile(
    rb"<(?:script|html|svg|iframe|object|embed|body)[\s/>]|<!doctype\s+html"
)
_SCRIPT_URLS = (b"javascript:", b"vbscript:")
# Readers find these formats at any offset, so each makes a polyglot wherever it starts.
_EMBEDDED_SIGNATURES = (b"Rar!\x1a\x07", b"7z\xbc\xaf\x27\x1c")
_ZIP_CENTRAL_DIRECTORY = b"PK\x01\x02"
_ZIP_END_OF_DIRECTORY = b"PK\x05\x06"
_PNG_END = b"\x00\x00\x00\x00IEND\xaeB`\x82"
# Text is printable: tab, line feed, form feed and carriage return, but no other C0 or C1
# control character (NUL, escape sequences for terminals).
_CONTROL_CHARACTERS = re.compile(r"[\x00-\x08\x0b\x0e-\x1f\x7f-\x9f]")
# PDF actions that run code, start programs or carry other files. /JS is short enough to occur
# by chance in compressed data, so it is looked for outside streams only; a JavaScript action
# always names /S /JavaScript as well, which is looked for everywhere.
_PDF_ACTIVE = re.compile(rb"/(?:JavaScript|Launch|EmbeddedFiles?|RichMedia|GoToE)(?![A-Za-z0-9])")
_PDF_JS = re.compile(rb"/JS(?![A-Za-z0-9])")
_PDF_NAME_ESCAPE = re.compile(rb"#([0-9A-Fa-f]{2})")
_PDF_STREAM = re.compile(rb"stream\r?\n")
_PDF_STREAM_BODY = re.compile(rb"(?<![A-Za-z])stream\r?\n.*?endstream", re.DOTALL)
_PDF_FILTER = re.compile(rb"/Filter\s*(\[[^\]]*\]|/[^\s/\[\]<>()]+)")
_PDF_NAME = re.compile(rb"/([^\s/\[\]<>()]+)")
# Object streams hold compressed objects, so an action can hide in one; they are inflated up
# to this many bytes in all, which no genuine record comes near.
_PDF_OBJECT_STREAM_BUDGET = 16 * 1024 * 1024
_WINDOWS_RESERVED = frozenset(
    {"CON", "PRN", "AUX", "NUL"} | {f"{port}{n}" for port in ("COM", "LPT") for n in range(1, 10)}
)
# Pillow reports a malformed file with whichever of these its decoder meets first.
_DAMAGED_IMAGE_ERRORS = (
    OSError,
    SyntaxError,
    ValueError,
    EOFError,
    struct.error,
    IndexError,
    KeyError,
    TypeError,
    ZeroDivisionError,
)
# Assembled at run time so that this source file is not itself flagged by a virus scanner.
_EICAR = b"".join(
    (b"X5O!P%@AP[4\\PZX54(P^)7CC)7}$", b"EICAR-STANDARD-ANTIVIRUS-", b"TEST-FILE!$H+H*")
)


@dataclass(frozen=True)
class CheckedUpload:
    content: bytes
    content_type: str
    filename: str
    size: int
    sha256: str


class Scanner(Protocol):
    def __call__(self, content: bytes) -> str | None:
        """Return the name of what was found in `content`, or None when it is clean."""


class ScannerUnavailable(Exception):
    """The scanner could not give a verdict (ClamAV down, say): the upload is refused."""


class _Rejected(Exception):
    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


def signature_scanner(content: bytes) -> str | None:
    """Return "Eicar-Test-Signature" if the EICAR test string is in the first 64 KiB."""
    return "Eicar-Test-Signature" if _EICAR in content[:SCAN_WINDOW] else None


def get_scanner() -> Scanner:
    """Return the scanner named by settings.UPLOAD_SCANNER, or the built-in signature scanner."""
    path = getattr(settings, "UPLOAD_SCANNER", None)
    if not path:
        return signature_scanner
    scanner: Scanner = import_string(path)
    return scanner


def check_upload(*, name: str, content: bytes, max_bytes: int | None = None) -> CheckedUpload:
    """Return the upload with its type read from its content; raise ValidationError if refused."""
    shown = _display_name(name)
    if not content:
        raise _error("empty", shown)
    cap = max_bytes if max_bytes is not None else _max_upload_bytes()
    if len(content) > cap:
        raise _error("too_large", shown, limit=_megabytes(cap))
    sha256 = hashlib.sha256(content).hexdigest()
    _scan(content, sha256=sha256, name=shown)
    try:
        if not content.startswith(b"%PDF-") and b"%PDF-" in content:
            # PDF readers find the header anywhere in the first kilobyte (and some further).
            raise _Rejected("hidden_content")
        content_type = _content_type(content)
        _check_hidden_content(content, content_type=content_type)
        if content_type == "application/pdf":
            _check_pdf(content)
        elif content_type in _PILLOW_FORMATS:
            _check_image(content, content_type=content_type)
    except _Rejected as rejected:
        if rejected.code == "hidden_content":
            logger.warning(
                "upload refused: hidden content", extra={"sha256": sha256, "size": len(content)}
            )
        raise _error(rejected.code, shown) from None
    return CheckedUpload(
        content=content,
        content_type=content_type,
        filename=safe_filename(name, content_type=content_type),
        size=len(content),
        sha256=sha256,
    )


def safe_filename(name: str, *, content_type: str) -> str:
    """Return `name` cleaned for display, ending in the extension of `content_type`."""
    extension = ALLOWED.get(content_type)
    if extension is None:
        raise ValueError(f"{content_type!r} is not a content type that uploads accept")
    stem = _clean_name(name)
    base, dot, suffix = stem.rpartition(".")
    if dot and re.fullmatch(r"(?=.*[A-Za-z])[A-Za-z0-9]{1,10}", suffix):
        stem = base
    if stem.lower().endswith(extension):
        stem = stem[: -len(extension)]
    stem = stem[: MAX_NAME_LENGTH - len(extension)].rstrip(" ._-")
    if stem.upper() in _WINDOWS_RESERVED:
        stem += "_"
    return (stem or "document") + extension


def download_response(*, content: bytes, content_type: str, filename: str) -> HttpResponse:
    """Return `content` as an attachment that browsers neither render nor sniff."""
    display_name = safe_filename(filename, content_type=content_type)
    response = HttpResponse(
        content,
        content_type="text/plain; charset=utf-8" if content_type == "text/plain" else content_type,
    )
    response["Content-Disposition"] = (
        content_disposition_header(as_attachment=True, filename=display_name) or "attachment"
    )
    response["Content-Length"] = str(len(content))
    response["X-Content-Type-Options"] = "nosniff"
    response["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response["Cache-Control"] = "no-store, private"
    return response


def _error(code: str, name: str, **params: str) -> ValidationError:
    return ValidationError(MESSAGES[code], code=code, params={"name": name, **params})


def _max_upload_bytes() -> int:
    return int(getattr(settings, "MAX_UPLOAD_BYTES", MAX_UPLOAD_BYTES))


def _megabytes(size: int) -> str:
    megabytes = max(size / (1024 * 1024), 0.01)
    decimals = 0 if megabytes.is_integer() else 1 if megabytes >= 1 else 2
    return number_format(megabytes, decimal_pos=decimals)


def _scan(content: bytes, *, sha256: str, name: str) -> None:
    # The file name is left out of the logs: patients name files after themselves.
    try:
        finding = get_scanner()(content)
    except (ScannerUnavailable, OSError):
        logger.exception("upload refused: the virus scanner is unavailable")
        raise _error("scan_unavailable", name) from None
    if finding:
        logger.warning(
            "upload refused by the virus scanner",
            extra={"finding": finding, "sha256": sha256, "size": len(content)},
        )
        raise _error("malware", name)


def _content_type(content: bytes) -> str:
    kind = filetype.guess(content)
    mime = kind.mime if kind is not None else None
    if mime in ALLOWED:
        return str(mime)
    if mime in _NEVER_TEXT or not _is_text(content):
        # Refused before anything else can look inside: a zip bomb is never unpacked.
        raise _Rejected("type_not_allowed")
    return "text/plain"


def _is_text(content: bytes) -> bool:
    try:
        text = content.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return _CONTROL_CHARACTERS.search(text) is None


def _check_hidden_content(content: bytes, *, content_type: str) -> None:
    if any(signature in content for signature in _EMBEDDED_SIGNATURES):
        raise _Rejected("hidden_content")
    lowered = content.lower()
    if _ACTIVE_MARKUP.search(lowered) or any(url in lowered for url in _SCRIPT_URLS):
        # Text that is a web page is simply not a type we take; elsewhere markup is smuggled.
        raise _Rejected("type_not_allowed" if content_type == "text/plain" else "hidden_content")
    if _has_zip_directory(content):
        raise _Rejected("hidden_content")


def _has_zip_directory(content: bytes) -> bool:
    # Zip readers look for the end-of-directory record in the last 64 KiB and tolerate bytes
    # before the archive, so an image or PDF can also be a valid zip.
    tail_start = max(0, len(content) - 22 - 0xFFFF - 64)
    end_record = content.rfind(_ZIP_END_OF_DIRECTORY, tail_start)
    return end_record != -1 and content.rfind(_ZIP_CENTRAL_DIRECTORY, 0, end_record) != -1


def _check_pdf(content: bytes) -> None:
    if not content.startswith(b"%PDF-") or b"%%EOF" not in content[-1024:]:
        raise _Rejected("damaged")
    plain = _unescape_pdf_names(content)
    if _PDF_ACTIVE.search(plain) or _PDF_JS.search(_PDF_STREAM_BODY.sub(b"", plain)):
        raise _Rejected("hidden_content")
    budget = _PDF_OBJECT_STREAM_BUDGET
    for objects in _pdf_object_streams(content, plain=plain):
        budget -= len(objects)
        if budget < 0:
            raise _Rejected("hidden_content")
        objects = _unescape_pdf_names(objects)
        if _PDF_ACTIVE.search(objects) or _PDF_JS.search(objects):
            raise _Rejected("hidden_content")


def _unescape_pdf_names(data: bytes) -> bytes:
    # Names may spell letters as #xx ("/J#61vaScript"); readers decode them, so we do too.
    return _PDF_NAME_ESCAPE.sub(lambda match: bytes([int(match[1], 16)]), data)


def _pdf_object_streams(content: bytes, *, plain: bytes) -> Iterator[bytes]:
    if b"/ObjStm" not in plain and b"/First" not in plain:
        return
    for stream in _PDF_STREAM.finditer(content):
        if content[stream.start() - 1 : stream.start()].isalpha():
            continue  # "endstream"
        header = content[max(0, stream.start() - 2048) : stream.start()]
        object_start = header.rfind(b"obj")
        header = _unescape_pdf_names(header[object_start:] if object_start != -1 else header)
        if b"/ObjStm" not in header and not (b"/First" in header and b"/N" in header):
            continue
        body = memoryview(content)[stream.end() :]
        if b"/Filter" not in header:
            end = content.find(b"endstream", stream.end())
            yield bytes(body[: end - stream.end()] if end != -1 else body)
            continue
        # Anything but plain Flate cannot be inspected here, and no genuine writer needs more
        # for an object stream.
        filter_spec = _PDF_FILTER.search(header)
        if (
            filter_spec is None
            or _PDF_NAME.findall(filter_spec[1]) != [b"FlateDecode"]
            or b"/DecodeParms" in header
        ):
            raise _Rejected("hidden_content")
        try:
            objects = zlib.decompressobj().decompress(body, _PDF_OBJECT_STREAM_BUDGET + 1)
        except zlib.error:
            raise _Rejected("damaged") from None
        yield objects


def _check_image(content: bytes, *, content_type: str) -> None:
    if content_type == "image/png" and not content.endswith(_PNG_END):
        # Bytes after the end chunk are another file riding along; no end chunk is truncation.
        raise _Rejected("hidden_content" if b"IEND" in content else "damaged")
    formats = [_PILLOW_FORMATS[content_type]]
    try:
        with warnings.catch_warnings():
            warnings.simplefilter("error", Image.DecompressionBombWarning)
            with Image.open(io.BytesIO(content), formats=formats) as image:
                image.verify()
            with Image.open(io.BytesIO(content), formats=formats) as image:
                frames = getattr(image, "n_frames", 1)
                if frames > MAX_IMAGE_FRAMES:
                    raise _Rejected("image_too_large")
                pixels = 0
                for frame in ImageSequence.Iterator(image):
                    pixels += frame.width * frame.height
                    if pixels > MAX_IMAGE_PIXELS:
                        raise _Rejected("image_too_large")
                    # verify() does not notice truncated pixel data in every format; decoding does.
                    frame.load()
    except (Image.DecompressionBombError, Image.DecompressionBombWarning):
        raise _Rejected("image_too_large") from None
    except _DAMAGED_IMAGE_ERRORS:
        raise _Rejected("damaged") from None


def display_name(name: str) -> str:
    """`name` cleaned for display: no path, control characters or odd punctuation."""
    return _display_name(name)


def _display_name(name: str) -> str:
    return _clean_name(name)[:MAX_NAME_LENGTH].rstrip(" ._-") or "document"


def _clean_name(name: str) -> str:
    name = unicodedata.normalize("NFKC", name)
    # Control and format characters: NUL, line breaks, right-to-left overrides ("gnp.exe").
    name = "".join(ch for ch in name if not unicodedata.category(ch).startswith("C"))
    name = re.split(r"[/\\]", name)[-1]
    name = "".join(ch for ch in name if ch.isalnum() or ch in " ._-")
    name = re.sub(r"([ ._-])\1+", r"\1", name)
    return name.strip(" ._-")

"""SECURITY.md R18: uploads are judged by content; every bad file is refused with a message."""

import gzip
import hashlib
import io
import logging
import struct
import zipfile
import zlib

import pytest
from django.core.exceptions import ValidationError
from fpdf import FPDF
from PIL import Image

from medcenter.core.uploads import (
    CheckedUpload,
    ScannerUnavailable,
    check_upload,
    download_response,
    get_scanner,
    safe_filename,
    signature_scanner,
)

# Built from pieces so that this test file is not itself flagged by a virus scanner.
EICAR = "".join(["X5O!P%@AP[4\\PZX54(P^)7CC)7}$", "EICAR-STANDARD-", "ANTIVIRUS-TEST-FILE!$H+H*"])


def make_pdf(text="Referral letter for a fictional patient"):
    pdf = FPDF()
    pdf.add_page()
    pdf.set_font("helvetica", size=12)
    pdf.cell(text=text)
    return bytes(pdf.output())


def make_image(image_format, size=(64, 48)):
    buffer = io.BytesIO()
    Image.new("RGB", size, "teal").save(buffer, image_format)
    return buffer.getvalue()


def png_chunk(kind, data):
    return struct.pack(">I", len(data)) + kind + data + struct.pack(">I", zlib.crc32(kind + data))


def png_declaring(width, height):
    """A small, well-formed PNG whose header claims `width` by `height` pixels."""
    header = struct.pack(">IIBBBBB", width, height, 8, 2, 0, 0, 0)
    return (
        b"\x89PNG\r\n\x1a\n"
        + png_chunk(b"IHDR", header)
        + png_chunk(b"IDAT", zlib.compress(b"\0" * 1024))
        + png_chunk(b"IEND", b"")
    )


def insert_before_xref(pdf, extra):
    at = pdf.rindex(b"xref")
    return pdf[:at] + extra + pdf[at:]


def refused(name, content, **kwargs):
    with pytest.raises(ValidationError) as caught:
        check_upload(name=name, content=content, **kwargs)
    return caught.value


def refuse_everything(content):
    return "Test.Finding"


def scanner_is_down(content):
    raise ScannerUnavailable("clamd is not answering")


# --- accepted -------------------------------------------------------------------------------


def test_accepts_a_pdf_and_describes_it():
    content = make_pdf()

    upload = check_upload(name="Referral letter.pdf", content=content)

    assert upload == CheckedUpload(
        content=content,
        content_type="application/pdf",
        filename="Referral letter.pdf",
        size=len(content),
        sha256=hashlib.sha256(content).hexdigest(),
    )


@pytest.mark.parametrize(
    ("image_format", "content_type", "filename"),
    [
        ("PNG", "image/png", "scan.png"),
        ("JPEG", "image/jpeg", "scan.jpg"),
        ("TIFF", "image/tiff", "scan.tif"),
    ],
)
def test_accepts_images(image_format, content_type, filename):
    upload = check_upload(name="scan.img", content=make_image(image_format))

    assert upload.content_type == content_type
    assert upload.filename == filename


def test_accepts_a_multi_page_tiff():
    buffer = io.BytesIO()
    pages = [Image.new("L", (32, 32), shade) for shade in (0, 128, 255)]
    pages[0].save(buffer, "TIFF", save_all=True, append_images=pages[1:])

    assert check_upload(name="pages.tif", content=buffer.getvalue()).content_type == "image/tiff"


def test_accepts_plain_utf8_text():
    content = "Müller: résumé of treatment ✓\n\tDose: 5 mg\r\n".encode()

    upload = check_upload(name="notes", content=content)

    assert upload.content_type == "text/plain"
    assert upload.filename == "notes.txt"


def test_accepts_text_that_merely_starts_like_another_format():
    # "BM" is the bitmap signature; printable text starting with it is still just text.
    assert (
        check_upload(name="bmi.txt", content=b"BMI 22.4, weight stable").content_type
        == "text/plain"
    )


def test_the_type_comes_from_the_content_not_the_name():
    upload = check_upload(name="scan.pdf", content=make_image("PNG"))

    assert upload.content_type == "image/png"
    assert upload.filename == "scan.png"


# --- refused --------------------------------------------------------------------------------


def test_refuses_an_empty_file():
    error = refused("notes.txt", b"")

    assert error.code == "empty"
    assert error.messages == ["notes.txt is empty. Please choose the file again."]


def test_refuses_a_file_over_the_cap_it_is_given():
    error = refused("scan.pdf", make_pdf(), max_bytes=100)

    assert error.code == "too_large"
    assert "scan.pdf is larger than" in error.messages[0]


def test_refuses_a_file_over_20_mb_by_default(settings):
    if hasattr(settings, "MAX_UPLOAD_BYTES"):
        del settings.MAX_UPLOAD_BYTES

    error = refused("big.txt", b"a" * (20 * 1024 * 1024 + 1))

    assert error.messages == ["big.txt is larger than 20 MB. Please upload a smaller file."]


def test_the_cap_comes_from_settings(settings):
    settings.MAX_UPLOAD_BYTES = 5 * 1024 * 1024

    error = refused("big.txt", b"a" * (5 * 1024 * 1024 + 1))

    assert "larger than 5 MB" in error.messages[0]
    assert check_upload(name="ok.txt", content=b"a" * (5 * 1024 * 1024)).size == 5 * 1024 * 1024


def test_refuses_a_web_page_named_pdf():
    content = b"<!DOCTYPE html><html><body><script>alert(document.cookie)</script></body></html>"

    error = refused("report.pdf", content)

    assert error.code == "type_not_allowed"
    assert error.messages[0].startswith("report.pdf is not a type of file we accept.")


@pytest.mark.parametrize(
    "content",
    [
        make_image("GIF"),
        make_image("BMP"),
        make_image("WEBP"),
        b"MZ\x90\x00\x03\x00\x00\x00\x04\x00\x00\x00\xff\xff",
        b"\x7fELF\x02\x01\x01" + b"\0" * 64,
        b"{\\rtf1\\ansi Plain looking RTF}",
        b"!<arch>\nfile.o/         0           0     0     644     4         `\nabcd",
        "notes".encode("utf-16"),
        b"terminal \x1b[31mescape\x1b[0m",
        b"binary \x00 in the middle of text",
        b"\xff\xfe not utf-8 \xc3\x28",
    ],
    ids=["gif", "bmp", "webp", "exe", "elf", "rtf", "ar", "utf16", "escape", "nul", "bad-utf8"],
)
def test_refuses_types_we_do_not_accept(content):
    assert refused("file.txt", content).code == "type_not_allowed"


def test_refuses_a_zip_bomb_without_unpacking_it(monkeypatch):
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", zipfile.ZIP_DEFLATED) as archive:
        archive.writestr("zeros.bin", b"\0" * (64 * 1024 * 1024))
    bomb = buffer.getvalue()

    def no_unpacking(*args, **kwargs):
        raise AssertionError("the archive was unpacked")

    monkeypatch.setattr(zlib, "decompress", no_unpacking)
    monkeypatch.setattr(zlib, "decompressobj", no_unpacking)
    monkeypatch.setattr(zipfile.ZipFile, "__init__", no_unpacking)

    assert len(bomb) < 1024 * 1024
    assert refused("records.pdf", bomb).code == "type_not_allowed"
    assert refused("records.gz", gzip.compress(b"\0" * 1024 * 1024)).code == "type_not_allowed"


@pytest.mark.parametrize(
    "content",
    [
        insert_before_xref(make_pdf(), b"% <script>alert(1)</script>\n"),
        insert_before_xref(make_pdf(), b"9 0 obj\n<< /URI (javascript:alert(1)) >>\nendobj\n"),
        make_image("JPEG") + b"<html><script>alert(1)</script></html>",
        make_image("TIFF") + b"<svg onload=alert(1)>",
        b"Clinic notes\n<iframe src=https://example.invalid>",
    ],
    ids=["pdf-script", "pdf-uri", "jpeg-html", "tiff-svg", "text-iframe"],
)
def test_refuses_files_carrying_web_content(content):
    assert refused("report.pdf", content).code in {"hidden_content", "type_not_allowed"}


@pytest.mark.parametrize(
    "extra",
    [
        b"9 0 obj\n<< /Type /Action /S /JavaScript /JS (app.alert(1)) >>\nendobj\n",
        b"9 0 obj\n<< /S /J#61vaScript /J#53 (app.alert(1)) >>\nendobj\n",
        b"9 0 obj\n<< /JS (app.alert(1)) >>\nendobj\n",
        b"9 0 obj\n<< /S /Launch /F (calc.exe) >>\nendobj\n",
        b"9 0 obj\n<< /Type /EmbeddedFile /Length 3 >>\nstream\nabc\nendstream\nendobj\n",
    ],
    ids=["javascript", "hex-escaped", "js-key", "launch", "embedded-file"],
)
def test_refuses_a_pdf_that_can_run_code_or_carries_files(extra):
    assert refused("letter.pdf", insert_before_xref(make_pdf(), extra)).code == "hidden_content"


def test_refuses_a_pdf_with_an_attachment_made_by_a_real_writer(tmp_path):
    attachment = tmp_path / "payload.txt"
    attachment.write_text("anything at all")
    pdf = FPDF()
    pdf.add_page()
    pdf.embed_file(attachment)

    assert refused("letter.pdf", bytes(pdf.output())).code == "hidden_content"


def object_stream(objects, *, filters=b"/Filter /FlateDecode"):
    packed = zlib.compress(objects) if b"FlateDecode" in filters else objects
    return (
        b"10 0 obj\n<< /Type /ObjStm /N 1 /First 4 %s /Length %d >>\nstream\n"
        % (filters, len(packed))
        + packed
        + b"\nendstream\nendobj\n"
    )


def test_accepts_a_pdf_whose_objects_are_packed_in_an_object_stream():
    stream = object_stream(b"9 0 << /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>")

    upload = check_upload(name="letter.pdf", content=insert_before_xref(make_pdf(), stream))

    assert upload.content_type == "application/pdf"


@pytest.mark.parametrize(
    "filters",
    [b"/Filter /FlateDecode", b"/Filter [/FlateDecode]", b"/F#69lter /Fl#61teDecode", b""],
    ids=["flate", "flate-array", "hex-escaped", "uncompressed"],
)
def test_refuses_javascript_hidden_in_an_object_stream(filters):
    stream = object_stream(b"9 0 << /S /JavaScript /JS (app.alert(1)) >>", filters=filters)

    assert refused("letter.pdf", insert_before_xref(make_pdf(), stream)).code == "hidden_content"


@pytest.mark.parametrize(
    "filters",
    [b"/Filter /ASCIIHexDecode", b"/Filter [/FlateDecode /ASCII85Decode]", b"/Filter 12 0 R"],
)
def test_refuses_an_object_stream_it_cannot_inspect(filters):
    stream = object_stream(b"9 0 << /Type /Font >>", filters=filters)

    assert refused("letter.pdf", insert_before_xref(make_pdf(), stream)).code == "hidden_content"


@pytest.mark.parametrize(
    "content",
    [
        b"junk before the header\n" + make_pdf(),
        b"\x00\x01\x02 binary junk " + make_pdf(),
        make_image("PNG") + make_pdf(),
        b"Plain notes, then %PDF-1.7 and a document",
    ],
    ids=["text-junk", "binary-junk", "png-then-pdf", "text-with-header"],
)
def test_refuses_a_pdf_hidden_behind_other_bytes(content):
    assert refused("letter.pdf", content).code == "hidden_content"


def test_refuses_an_image_with_a_zip_appended():
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("run.sh", "echo hi")

    assert refused("photo.jpg", make_image("JPEG") + buffer.getvalue()).code == "hidden_content"
    assert refused("photo.png", make_image("PNG") + buffer.getvalue()).code == "hidden_content"


def test_refuses_bytes_after_the_end_of_a_png():
    assert refused("photo.png", make_image("PNG") + b"trailing").code == "hidden_content"


@pytest.mark.parametrize("image_format", ["PNG", "JPEG", "TIFF"])
def test_refuses_a_truncated_image(image_format):
    content = make_image(image_format, size=(256, 256))

    error = refused("scan.img", content[: len(content) // 2])

    assert error.code == "damaged"
    assert "damaged or incomplete" in error.messages[0]


def test_refuses_a_pdf_without_its_end_marker():
    assert refused("letter.pdf", make_pdf().replace(b"%%EOF", b"")).code == "damaged"


@pytest.mark.parametrize("size", [(100_000, 100_000), (10_000, 6_000)], ids=["bomb", "over-50-mp"])
def test_refuses_an_image_too_large_to_decode(size):
    error = refused("scan.png", png_declaring(*size))

    assert error.code == "image_too_large"
    assert "too large to process" in error.messages[0]


def test_refuses_the_eicar_test_file_and_logs_it(caplog):
    caplog.set_level(logging.WARNING, logger="medcenter.core.uploads")

    error = refused("Jane Example notes.txt", EICAR.encode())

    assert error.code == "malware"
    assert error.messages[0] == (
        "Jane Example notes.txt could not be accepted because our virus scanner flagged it. "
        "If you think this is a mistake, please contact us."
    )
    (log,) = caplog.records
    assert log.finding == "Eicar-Test-Signature"
    assert "Jane" not in log.getMessage()


def test_the_signature_scanner_looks_at_the_first_64_kib():
    assert signature_scanner(b"clean") is None
    assert signature_scanner(b"x" * 1000 + EICAR.encode()) == "Eicar-Test-Signature"
    assert signature_scanner(b"x" * (64 * 1024) + EICAR.encode()) is None


def test_uses_the_scanner_named_in_settings(settings):
    assert get_scanner() is signature_scanner
    settings.UPLOAD_SCANNER = "medcenter.core.tests.test_uploads.refuse_everything"

    assert get_scanner() is refuse_everything
    assert refused("clean.txt", b"nothing wrong here").code == "malware"


def test_refuses_when_the_scanner_cannot_answer(settings):
    settings.UPLOAD_SCANNER = "medcenter.core.tests.test_uploads.scanner_is_down"

    error = refused("clean.txt", b"nothing wrong here")

    assert error.code == "scan_unavailable"


# --- names ----------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("name", "content_type", "expected"),
    [
        ("../../etc/passwd", "text/plain", "passwd.txt"),
        ("C:\\x\\..\\evil.exe", "application/pdf", "evil.pdf"),
        ("..", "image/png", "document.png"),
        ("", "image/jpeg", "document.jpg"),
        ("/", "image/tiff", "document.tif"),
        ("report\x00.pdf.exe", "application/pdf", "report.pdf"),
        ("photo\u202egnp.exe", "image/png", "photognp.png"),
        ("\uff0fetc\uff0fshadow", "text/plain", "shadow.txt"),
        ("Résumé  Müller.PDF", "application/pdf", "Résumé Müller.pdf"),
        ("scan.tiff", "image/tiff", "scan.tif"),
        ("Lab 2024.03", "text/plain", "Lab 2024.03.txt"),
        ("line\r\nbreak\t.jpg", "image/jpeg", "linebreak.jpg"),
        ('say "hi"; rm -rf *.png', "image/png", "say hi rm -rf.png"),
        ("...hidden", "text/plain", "hidden.txt"),
        ("CON.txt", "text/plain", "CON_.txt"),
    ],
)
def test_safe_filename(name, content_type, expected):
    assert safe_filename(name, content_type=content_type) == expected


def test_safe_filename_is_at_most_100_characters():
    name = safe_filename("a" * 300 + ".pdf", content_type="application/pdf")

    assert len(name) == 100
    assert name.endswith("a.pdf")


def test_safe_filename_refuses_a_type_uploads_do_not_accept():
    with pytest.raises(ValueError, match="text/html"):
        safe_filename("page.html", content_type="text/html")


def test_messages_show_the_cleaned_name():
    error = refused("..\\..\\<img src=x onerror=alert(1)>\x00.txt", b"")

    assert error.messages[0].startswith("img srcx onerroralert1.txt is empty.")


# --- downloads ------------------------------------------------------------------------------


def test_download_response_is_an_attachment_nobody_renders():
    content = make_pdf()

    response = download_response(content=content, content_type="application/pdf", filename="x.pdf")

    assert response.content == content
    assert response["Content-Type"] == "application/pdf"
    assert response["Content-Disposition"] == 'attachment; filename="x.pdf"'
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Content-Security-Policy"] == "default-src 'none'; sandbox"
    assert response["Cache-Control"] == "no-store, private"
    assert response["Content-Length"] == str(len(content))


@pytest.mark.parametrize(
    ("filename", "disposition"),
    [
        ("Résumé.pdf", "attachment; filename*=utf-8''R%C3%A9sum%C3%A9.pdf"),
        ('a"b\r\nSet-Cookie: x=1.pdf', 'attachment; filename="abSet-Cookie x1.pdf"'),
        ("../../etc/passwd", 'attachment; filename="passwd.txt"'),
    ],
)
def test_download_response_cleans_the_filename(filename, disposition):
    content_type = "text/plain" if "passwd" in filename else "application/pdf"

    response = download_response(content=b"x", content_type=content_type, filename=filename)

    assert response["Content-Disposition"] == disposition


def test_download_response_serves_text_as_utf8():
    response = download_response(content=b"notes", content_type="text/plain", filename="n.txt")

    assert response["Content-Type"] == "text/plain; charset=utf-8"

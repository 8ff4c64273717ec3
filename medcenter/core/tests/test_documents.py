"""core.documents: PDFs in the six site languages read back as their source text, with their
fonts embedded (ADR 0008)."""

import pytest
from django.core.management import call_command
from django.core.management.base import SystemCheckError
from django.test import override_settings
from django.utils import translation
from django.utils.translation import gettext as _

from medcenter.core.documents import Document, FontsMissing, check_fonts, site_language
from medcenter.core.tests.pdftext import as_drawn, embedded_fonts, read_lines

# A label from the catalog and a line of the kind a letter carries, in each language's script.
SAMPLES = {
    "en": "Margaret O'Neill, MRN A-1042, born 1961-03-14",
    "es": "María José Núñez Ibáñez, nacida el 14/03/1961; ¿dolor?",
    "pt-br": "João Conceição Gonçalves, São Paulo; avaliação",
    "zh-hans": "王秀英，病历号 A-1042，出生于 1961-03-14。",  # noqa: RUF001
    "ar": "فاطمة الزهراء عبد الله، رقم الملف A-1042، لا ألم",
    "ru": "Ёлкина Анна Сергеевна, МРН A-1042, щёки",  # noqa: RUF001
}


@pytest.mark.parametrize("language", list(SAMPLES))
def test_a_document_reads_back_as_its_source_text_in_each_language(language):
    with translation.override(language):
        label = _("Consult summary")
        doc = Document(title=label)
        doc.heading(label)
        doc.paragraph(SAMPLES[language])
        pdf = doc.output()

    (page,) = read_lines(pdf)

    assert [line.visual for line in page] == [
        as_drawn(label),
        as_drawn(SAMPLES[language]),
    ]
    assert language == "en" or label != "Consult summary"


@pytest.mark.parametrize("language", list(SAMPLES))
def test_every_font_a_document_uses_is_embedded(language):
    with translation.override(language):
        doc = Document(title="t")
        doc.paragraph(SAMPLES[language])
        fonts = embedded_fonts(doc.output())

    # Noto Sans and Noto Sans Arabic are TrueType (FontFile2); Noto Sans CJK has CFF outlines,
    # which PDF embeds as FontFile3.
    expected = {"NotoSans": "/FontFile2"}
    if language == "ar":
        expected["NotoSansArabic"] = "/FontFile2"
    if language == "zh-hans":
        expected["NotoSansCJKSC"] = "/FontFile3"
    assert {name.split("+")[1].replace("-", ""): key for name, key in fonts.items()} == expected
    assert all(name.split("+")[0].lstrip("/").isupper() for name in fonts)  # subset tags


def test_arabic_lines_are_set_from_the_right():
    with translation.override("ar"):
        doc = Document(title="t")
        doc.paragraph("شكراً لإحالة مريضكم إلينا.")
        doc.paragraph("1200 Example Parkway, Fairhaven.")
        pdf = doc.output()
    with translation.override("en"):
        doc = Document(title="t")
        doc.paragraph("Dr. Ada Lovelace")
        english = doc.output()

    arabic_lines = read_lines(pdf)[0]
    (english_line,) = read_lines(english)[0]
    assert english_line.x < 40  # at the left margin
    assert all(line.x > english_line.x + 150 for line in arabic_lines)
    # A paragraph in Latin letters keeps its own order, set on the right like the rest.
    assert arabic_lines[1].visual == "1200 Example Parkway, Fairhaven."


@pytest.mark.parametrize("language", ["en", "ar", "zh-hans"])
def test_a_long_paragraph_wraps_into_lines_that_read_back_in_order(language):
    text = SAMPLES[language] * 12
    with translation.override(language):
        doc = Document(title="t")
        doc.paragraph(text)
        lines = read_lines(doc.output())[0]

    assert len(lines) > 2
    # Each line is a stretch of the source; together they are all of it.
    rebuilt, rest = [], text
    for line in lines:
        stretch = next(
            rest[:end]
            for end in range(len(rest), 0, -1)
            if as_drawn(rest[:end].strip(), paragraph=text) == line.visual
        )
        rebuilt.append(stretch)
        rest = rest[len(stretch) :]
    assert rest.strip() == ""
    assert "".join(rebuilt) == text.rstrip()


def test_a_newline_starts_a_line_and_a_two_page_document_counts_its_pages():
    with translation.override("en"):
        short = Document(title="t")
        short.paragraph("one\ntwo")
        long = Document(title="t")
        long.lines(["line"] * 60)

    assert [line.visual for line in read_lines(short.output())[0]] == ["one", "two"]
    assert short.pages == 1 and long.pages == 2
    assert [len(page) for page in read_lines(long.output())] == [45, 15]


def test_missing_fonts_fail_the_system_check_and_name_the_package(tmp_path):
    with override_settings(PDF_FONT_DIRS=[str(tmp_path)]):
        errors = check_fonts()
        with pytest.raises(SystemCheckError, match="fonts-noto-core"):
            call_command("check")
        with pytest.raises(FontsMissing, match=r"NotoSans-Regular\.ttf"):
            Document(title="t")

    assert errors and all(error.id == "core.E010" for error in errors)
    assert check_fonts() == []


@pytest.mark.parametrize(
    ("stored", "site"), [("zh", "zh-hans"), ("pt", "pt-br"), ("ar", "ar"), ("vi", "en")]
)
def test_a_patients_language_maps_to_the_site_language_a_document_uses(stored, site):
    assert site_language(stored) == site


@pytest.mark.parametrize("style", ["I", "B"])
def test_arabic_in_a_style_the_arabic_face_lacks_still_reads_back(style):
    text = SAMPLES["ar"]
    with translation.override("ar"):
        doc = Document(title="t")
        doc.paragraph(text, style=style)
        (line,) = read_lines(doc.output())[0]

    assert line.visual == as_drawn(text)


def test_documents_written_in_turn_each_read_back():
    texts = [SAMPLES["ar"], "مرحباً بكم في المركز", SAMPLES["zh-hans"], "欢迎来到中心"]
    written = []
    for text in texts:
        with translation.override("ar" if text[0] in "فم" else "zh-hans"):
            doc = Document(title="t")
            doc.paragraph(text)
            written.append(doc.output())

    for text, pdf in zip(texts, written, strict=True):
        (line,) = read_lines(pdf)[0]
        assert line.visual == as_drawn(text)


def test_markup_in_a_name_is_drawn_as_text_and_nothing_is_fetched():
    text = '<img src="file:///etc/passwd"> <b>Ann</b> & <a href="http://127.0.0.1/">x</a>'
    with translation.override("en"):
        doc = Document(title="t")
        doc.paragraph(text)
        (line,) = read_lines(doc.output())[0]

    assert line.visual == text

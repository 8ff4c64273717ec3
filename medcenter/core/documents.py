"""One way to write a PDF, in every script the product writes (ADR 0008).

fpdf2 draws the text with HarfBuzz shaping (uharfbuzz), so Arabic letters join and run right to
left, and embeds the subset of glyphs a document uses from the Noto fonts (SIL Open Font License,
attributed in NOTICE): Noto Sans for Latin and Cyrillic, Noto Sans Arabic, and the Simplified
Chinese face of Noto Sans CJK. The fonts come from Debian's fonts-noto-core and fonts-noto-cjk,
which scripts/bootstrap.sh installs; ``PDF_FONT_DIRS`` says where to find them and ``manage.py
check`` fails with the command to run when one is missing.

A document is written in one language: the caller activates it (``translation.override``) so
that labels come out in it, and a right-to-left language lays out from the right.
"""

import copy
import re
import threading
from collections.abc import Iterable, Iterator
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import Any, cast

from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Error as CheckError
from django.core.exceptions import ImproperlyConfigured
from django.utils import translation
from fontTools import ttLib
from fpdf import FPDF
from fpdf.fonts import SubsetMap, TTFFont

INSTALL_HINT = "apt-get install fonts-noto-core fonts-noto-cjk (make demo and make test do this)"


@dataclass(frozen=True)
class Face:
    family: str
    style: str  # fpdf2's: "" regular, "B" bold, "I" italic
    filename: str
    index: int = 0  # the face inside a font collection (.ttc)


BASE, ARABIC, CJK = "noto", "noto-arabic", "noto-cjk"
FACES = (
    Face(BASE, "", "NotoSans-Regular.ttf"),
    Face(BASE, "B", "NotoSans-Bold.ttf"),
    Face(BASE, "I", "NotoSans-Italic.ttf"),
    Face(ARABIC, "", "NotoSansArabic-Regular.ttf"),
    Face(ARABIC, "B", "NotoSansArabic-Bold.ttf"),
    # Noto Sans CJK is one collection for five regions; face 2 is Simplified Chinese.
    Face(CJK, "", "NotoSansCJK-Regular.ttc", 2),
    Face(CJK, "B", "NotoSansCJK-Bold.ttc", 2),
)
LAYOUT_TABLES = ("GSUB", "GPOS", "GDEF", "JSTF", "BASE", "MATH")
# A family is loaded only when the text needs it: parsing the CJK collection is the slowest step.
NEEDS = {
    ARABIC: re.compile("[\u0600-\u06ff\u0750-\u077f\u08a0-\u08ff\ufb50-\ufdff\ufe70-\ufeff]"),
    CJK: re.compile(
        "[\u2e80-\u2fdf\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef"
        "\U00020000-\U0002fa1f]"
    ),
}
# Line breaks: after a space, or between any two CJK characters (which have no spaces).
TOKENS = re.compile(
    "[\u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef][ ]*"
    "|[^ \u3000-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\uff00-\uffef]+[ ]*|[ ]+"
)


_PARSED: dict[tuple[Face, Path], tuple[TTFFont, list[str]]] = {}
_PARSING = threading.Lock()


def _instance(pdf: FPDF, face: Face, path: Path) -> TTFFont:
    """The face for one document, from a parse shared by the process.

    fpdf2's add_font reads the cmap and every glyph's width on each call (tens of ms a face, most
    of a second for the CJK collection), and its output subsets the font in place, so a parsed
    font cannot simply be reused: each document gets the shared, read-only tables (cmap, widths,
    HarfBuzz's face) and its own fontTools file, subset map and descriptor."""
    with _PARSING:
        parsed = _PARSED.get((face, path))
        if parsed is None:
            scratch = FPDF()
            scratch.add_font(face.family, face.style, path, collection_font_number=face.index)
            template = cast(TTFFont, scratch.fonts[f"{face.family}{face.style}"])
            template.hbfont  # noqa: B018 - HarfBuzz reads the file once, here
            # The fontTools tables stay out of the cache (about 100 MB for the CJK face).
            parsed = _PARSED[(face, path)] = (template, template.ttfont.getGlyphOrder())
            template.ttfont.close()
            template.ttfont = ttLib.TTFont()
    template, glyph_order = parsed
    font = copy.copy(template)
    font.i = len(pdf.fonts) + 1
    font.ttfont = ttLib.TTFont(path, recalcTimestamp=False, fontNumber=face.index, lazy=True)
    font.ttfont.setGlyphOrder(glyph_order)
    font.cw = template.cw.copy()
    font.glyph_ids = dict(template.glyph_ids)
    font.missing_glyphs = []
    font.subset = SubsetMap(font)
    font.desc = copy.copy(template.desc)
    font.biggest_size_pt = 0
    return font


class FontsMissing(ImproperlyConfigured):
    """The Noto font files are not installed where PDF_FONT_DIRS says."""


@cache
def _find(filename: str, dirs: tuple[str, ...]) -> Path | None:
    for folder in dirs:
        path = Path(folder) / filename
        if path.is_file():
            return path
    return None


def font_path(face: Face) -> Path:
    """The file of one face, or FontsMissing naming what to install."""
    dirs = tuple(settings.PDF_FONT_DIRS)
    path = _find(face.filename, dirs)
    if path is None:
        raise FontsMissing(
            f"PDF font {face.filename} not found in {', '.join(dirs)}. Install: {INSTALL_HINT}"
        )
    return path


def check_fonts(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """System check: every face a document may need is installed (at start, not on a download)."""
    errors: list[CheckMessage] = []
    for face in FACES:
        try:
            font_path(face)
        except FontsMissing as missing:
            errors.append(CheckError(str(missing), hint=INSTALL_HINT, id="core.E010"))
    return errors


def site_language(code: str) -> str:
    """The site language a document is written in for a stored preference ("zh" -> "zh-hans")."""
    code = {"pt": "pt-br", "zh": "zh-hans"}.get(code, code).lower()
    return code if code in dict(settings.LANGUAGES) else settings.LANGUAGE_CODE


class Document:
    """A PDF in the active language, written top to bottom; ``output()`` gives its bytes."""

    def __init__(self, *, title: str, page_format: str = "Letter", bottom_margin: float = 18):
        self.language = translation.get_language() or settings.LANGUAGE_CODE
        self.rtl = translation.get_language_bidi()
        self.pdf = FPDF(format=page_format)
        self.pdf.set_auto_page_break(auto=True, margin=bottom_margin)
        self.pdf.set_title(title)
        self.pdf.set_lang(self.language)
        self.pdf.set_text_shaping(True, direction="rtl" if self.rtl else "ltr")
        self._families: list[str] = []
        self._styles: set[str] = set()
        self._fallbacks: list[str] = []
        self._widths: dict[tuple[str, str, str, float], float] = {}
        self._load(BASE)
        self._style("")
        self._needs(title)
        self.pdf.add_page()

    @property
    def pages(self) -> int:
        return self.pdf.pages_count

    def heading(self, text: str, *, size: float = 14) -> None:
        self.paragraph(text, size=size, style="B", height=size * 0.55)

    def paragraph(
        self, text: object, *, size: float = 11, style: str = "", height: float | None = None
    ) -> None:
        """Text wrapped to the page width; a newline starts a new line, an empty one a gap."""
        value = str(text)
        self._needs(value)
        self._style(style)
        self.pdf.set_font(self._main(value, style), style, size)
        height = height or size * 0.5
        width = self.pdf.w - self.pdf.l_margin - self.pdf.r_margin
        for line in value.split("\n"):
            for piece in self._wrap(line, width) if line.strip() else [""]:
                # fpdf2 2.8.9 may set a line's first font inside the q/Q it wraps the line in,
                # then believe the page has it and draw the next line with no font ("No font
                # in show"); each line is made to set its own.
                self.pdf.current_font_is_set_on_page = False
                self.pdf.cell(
                    width,
                    height,
                    piece,
                    new_x="LMARGIN",
                    new_y="NEXT",
                    align="R" if self.rtl else "L",
                )

    def lines(self, texts: Iterable[object], **style: Any) -> None:
        for text in texts:
            self.paragraph(text, **style)

    def space(self, height: float) -> None:
        self.pdf.ln(height)

    def output(self) -> bytes:
        for font in self.pdf.fonts.values():
            # HarfBuzz shaped the text from the font files; the embedded subset drops the layout
            # tables anyway, but fontTools reads all of Noto's GPOS before dropping it (a third
            # of an English letter's time).
            for tag in LAYOUT_TABLES:
                if isinstance(font, TTFFont) and tag in font.ttfont:
                    del font.ttfont[tag]
        return bytes(self.pdf.output())

    def _load(self, family: str) -> None:
        self._families.append(family)
        for style in self._styles | {""}:
            self._add(family, style)

    def _main(self, text: str, style: str) -> str:
        """The family of the paragraph's own script, the others falling back: with one font for
        the words and the spaces between them, fpdf2 shapes a line as one fragment rather than
        one per word (the slowest part of a page)."""
        main = next(
            (
                family
                for family in (ARABIC, CJK)
                if NEEDS[family].search(text) and f"{family}{style}" in self.pdf.fonts
            ),
            BASE,
        )
        fallbacks = [family for family in self._families if family != main]
        if fallbacks != self._fallbacks:
            # A style a family lacks (Arabic italic) takes its regular face.
            self.pdf.set_fallback_fonts(fallbacks, exact_match=False)
            self._fallbacks = fallbacks
        return main

    def _style(self, style: str) -> None:
        """A face is parsed only once a paragraph needs it (tens of ms each)."""
        if style not in self._styles:
            self._styles.add(style)
            for family in self._families:
                self._add(family, style)

    def _add(self, family: str, style: str) -> None:
        for face in FACES:
            key = f"{family.lower()}{style}"  # fpdf2's font key
            if face.family == family and face.style == style and key not in self.pdf.fonts:
                self.pdf.fonts[key] = _instance(self.pdf, face, font_path(face))
                if face.filename.endswith(".ttc"):
                    # As fpdf2's add_font does for CID-keyed CFF (Noto Sans CJK).
                    self.pdf._set_min_pdf_version("1.6")

    def _needs(self, text: str) -> None:
        for family, pattern in NEEDS.items():
            if family not in self._families and pattern.search(text):
                self._load(family)

    def _width(self, token: str) -> float:
        """The width of a word in the current font, measured once per document."""
        key = (self.pdf.font_family, token, self.pdf.font_style, self.pdf.font_size_pt)
        if key not in self._widths:
            self._widths[key] = self.pdf.get_string_width(token)
        return self._widths[key]

    def _wrap(self, text: str, width: float) -> Iterator[str]:
        """Greedy line breaking on measured words: fpdf2's own multi_cell reshapes the growing
        line after every character, which made a two-page Arabic letter take seconds."""
        line, used = "", 0.0
        space = self._width(" ")
        for token in self._pieces(text, width):
            bare = token.rstrip(" ")
            if line and used + self._width(bare) > width:
                yield line.rstrip(" ")
                line, used = "", 0.0
                token = token.lstrip(" ")
                if not token:
                    continue
            line += token
            used += self._width(token.rstrip(" ")) + space * (len(token) - len(token.rstrip(" ")))
        if line.strip(" "):
            yield line.rstrip(" ")

    def _pieces(self, text: str, width: float) -> Iterator[str]:
        """Words, each short enough for a line (a longer one is cut between characters)."""
        for token in TOKENS.findall(text):
            if self._width(token.rstrip(" ")) <= width:
                yield token
                continue
            chunk = ""
            for char in token:
                if chunk and self._width(chunk + char) > width:
                    yield chunk
                    chunk = ""
                chunk += char
            if chunk:
                yield chunk

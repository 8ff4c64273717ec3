"""One way to write a PDF, in every script the product writes (ADR 0008).

A document is HTML laid out by WeasyPrint: Pango and HarfBuzz join Arabic letters and set them
right to left, break lines by the Unicode rules, and embed the subset of glyphs a document uses
from the Noto fonts (SIL Open Font License, attributed in NOTICE): Noto Sans for Latin and
Cyrillic, Noto Sans Arabic, and the Simplified Chinese face of Noto Sans CJK. The fonts come
from Debian's fonts-noto-core and fonts-noto-cjk, which scripts/bootstrap.sh installs;
``manage.py check`` fails with the command to run when one is missing.

A document is written in one language: the caller activates it (``translation.override``) so
that labels come out in it, and a right-to-left language lays out from the right.
"""

import threading
import unicodedata
from collections.abc import Iterable
from dataclasses import dataclass
from functools import cache
from pathlib import Path
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.core.checks import CheckMessage
from django.core.checks import Error as CheckError
from django.core.exceptions import ImproperlyConfigured
from django.template.loader import render_to_string
from django.utils import translation
from django.utils.html import format_html
from django.utils.safestring import SafeString, mark_safe
from PIL import ImageFile

if TYPE_CHECKING:
    from weasyprint import Document as Rendered
    from weasyprint.text.fonts import FontConfiguration

INSTALL_HINT = "apt-get install fonts-noto-core fonts-noto-cjk (make demo and make test do this)"


@dataclass(frozen=True)
class Face:
    family: str  # the CSS family name
    weight: int
    style: str  # CSS font-style
    filename: str
    index: int = 0  # the face inside a font collection (.ttc)


FACES = (
    Face("Noto Sans", 400, "normal", "NotoSans-Regular.ttf"),
    Face("Noto Sans", 700, "normal", "NotoSans-Bold.ttf"),
    Face("Noto Sans", 400, "italic", "NotoSans-Italic.ttf"),
    Face("Noto Sans Arabic", 400, "normal", "NotoSansArabic-Regular.ttf"),
    Face("Noto Sans Arabic", 700, "normal", "NotoSansArabic-Bold.ttf"),
    # Noto Sans CJK is one collection for five regions; fontconfig names its faces by region.
    Face("Noto Sans CJK SC", 400, "normal", "NotoSansCJK-Regular.ttc", 2),
    Face("Noto Sans CJK SC", 700, "normal", "NotoSansCJK-Bold.ttc", 2),
)
FAMILIES = ", ".join(f'"{name}"' for name in dict.fromkeys(face.family for face in FACES))


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


_fonts = threading.local()


def _weasyprint() -> Any:
    """WeasyPrint, imported on the first document rather than at start-up.

    Its import loads Pango, HarfBuzz and fontconfig through cffi, which asks the system linker
    for each library under several names (about 1.5 s, more on a busy machine): a process
    that never writes a PDF (a web worker serving pages, a management command, a test worker
    that renders none) should not pay for it. Importing it also makes Pillow accept truncated
    images process-wide; our documents embed no images, and core.uploads must go on refusing
    a truncated upload (SECURITY.md R18), so that is undone here, right after the import.
    """
    import weasyprint
    import weasyprint.text.fonts

    ImageFile.LOAD_TRUNCATED_IMAGES = False
    return weasyprint


def _font_config() -> "FontConfiguration":
    """One per thread: it holds a Pango font map, read once (fontconfig's scan of the fonts)."""
    if not hasattr(_fonts, "config"):
        _fonts.config = _weasyprint().text.fonts.FontConfiguration()
    config: FontConfiguration = _fonts.config
    return config


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict[str, Any]:
    """Documents load nothing: names and notes are escaped text, never a URL to follow."""
    raise ValueError(f"documents load no resources ({url[:40]})")


def _direction(text: str, *, rtl: bool) -> str:
    """The Unicode bidi algorithm's paragraph direction (its first strong letter)."""
    for char in text:
        kind = unicodedata.bidirectional(char)
        if kind == "L":
            return "ltr"
        if kind in ("R", "AL"):
            return "rtl"
    return "rtl" if rtl else "ltr"


class Document:
    """A PDF in the active language, written top to bottom; ``output()`` gives its bytes."""

    def __init__(self, *, title: str, page_format: str = "Letter", bottom_margin: float = 18):
        self.language = translation.get_language() or settings.LANGUAGE_CODE
        self.rtl = translation.get_language_bidi()
        self.title = title
        self.page_format = page_format
        self.bottom_margin = bottom_margin
        self._parts: list[SafeString] = []
        self._rendered: Rendered | None = None
        for face in FACES:  # a missing font fails here, with what to install
            font_path(face)

    @property
    def pages(self) -> int:
        return len(self._render().pages)

    def heading(self, text: str, *, size: float = 14) -> None:
        self.paragraph(text, size=size, style="B", height=size * 0.55)

    def paragraph(
        self, text: object, *, size: float = 11, style: str = "", height: float | None = None
    ) -> None:
        """Text wrapped to the page width; a newline starts a new line, an empty one a gap."""
        css = f"font-size: {size}pt; line-height: {height or size * 0.5}mm"
        if "B" in style:
            css += "; font-weight: 700"
        if "I" in style:
            css += "; font-style: italic"
        value = str(text)
        # Each paragraph takes the direction of its first letter, as dir="auto" would (which
        # WeasyPrint ignores): an English address in an Arabic letter reads left to right, set
        # on the right like the rest.
        direction = _direction(value, rtl=self.rtl)
        self._add(format_html('<p dir="{}" style="{}">{}</p>', direction, css, value or "\u00a0"))

    def lines(self, texts: Iterable[object], **style: Any) -> None:
        for text in texts:
            self.paragraph(text, **style)

    def space(self, height: float) -> None:
        self._add(format_html('<div style="height: {}mm"></div>', height))

    def output(self) -> bytes:
        return bytes(self._render().write_pdf())  # no target given: the bytes are returned

    def _add(self, part: SafeString) -> None:
        self._parts.append(part)
        self._rendered = None

    def _render(self) -> "Rendered":
        if self._rendered is None:
            html = render_to_string(
                "core/document.html",
                {
                    "language": self.language,
                    "rtl": self.rtl,
                    "title": self.title,
                    "page_format": self.page_format,
                    "bottom_margin": self.bottom_margin,
                    "families": mark_safe(FAMILIES),  # noqa: S308 - our constant, quoted names
                    "body": mark_safe("".join(self._parts)),  # noqa: S308 - built by format_html
                },
            )
            self._rendered = (
                _weasyprint()
                .HTML(string=html, url_fetcher=_no_fetch)
                .render(font_config=_font_config())
            )
        return self._rendered

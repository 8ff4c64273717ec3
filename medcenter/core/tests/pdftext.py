"""Reading our PDFs back in tests: the text each line shows, and the fonts they embed.

Text comes from each glyph's entry in its font's ToUnicode map, which is what a reader copies
and searches. A PDF keeps glyphs in the order they are drawn, left to right, so a right-to-left
line is put back in reading order by comparing it with an independent implementation of the
Unicode bidi algorithm (python-bidi, the Rust unicode-bidi crate) applied to the source text.
"""

import io
import re
import unicodedata
from dataclasses import dataclass, field
from typing import Any, cast

from bidi import get_base_level, get_display
from pypdf import PdfReader
from pypdf.generic import ContentStream, DictionaryObject

BFCHAR = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")
BFRANGE = re.compile(rb"<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>\s*<([0-9A-Fa-f]+)>")


@dataclass
class Line:
    x: float
    y: float
    glyphs: list[str] = field(default_factory=list)

    @property
    def visual(self) -> str:
        """The line as drawn, left to right; a ligature's characters are kept in reading
        order by its ToUnicode entry, so within a right-to-left glyph they are turned."""
        return "".join(g[::-1] if len(g) > 1 and _rtl(g[0]) else g for g in self.glyphs)


def _rtl(char: str) -> bool:
    return unicodedata.bidirectional(char) in ("R", "AL")


def _to_unicode(font: Any) -> dict[int, str]:
    cmap: dict[int, str] = {}
    data = font["/ToUnicode"].get_object().get_data()
    for block in re.findall(rb"beginbfchar(.*?)endbfchar", data, re.S):
        for code, text in BFCHAR.findall(block):
            cmap[int(code, 16)] = bytes.fromhex(text.decode()).decode("utf-16-be")
    for block in re.findall(rb"beginbfrange(.*?)endbfrange", data, re.S):
        for first, last, text in BFRANGE.findall(block):
            start = int.from_bytes(bytes.fromhex(text.decode()), "big")
            for offset in range(int(last, 16) - int(first, 16) + 1):
                cmap[int(first, 16) + offset] = chr(start + offset)
    return cmap


def _fonts(page: Any) -> DictionaryObject:
    resources = cast(DictionaryObject, page["/Resources"].get_object())
    return cast(DictionaryObject, resources["/Font"].get_object())


def read_lines(pdf: bytes) -> list[list[Line]]:
    """Per page, each drawn line (the runs set at one height, left to right) with its glyphs'
    text."""
    reader = PdfReader(io.BytesIO(pdf))
    pages = []
    for page in reader.pages:
        fonts = _fonts(page)
        maps = {name: _to_unicode(fonts[name].get_object()) for name in fonts}
        runs: list[Line] = []
        # The font is graphics state: Q restores the one before q, and a page starts with none.
        current: dict[int, str] | None = None
        saved: list[dict[int, str] | None] = []
        run = Line(0, 0)
        for operands, operator in ContentStream(page.get_contents(), reader).operations:
            if operator == b"q":
                saved.append(current)
            elif operator == b"Q":
                current = saved.pop()
            elif operator == b"Tm":
                run = Line(float(operands[4]), float(operands[5]))
                runs.append(run)
            elif operator == b"Tf":
                current = maps[operands[0]]
            elif operator in (b"Tj", b"TJ"):
                if current is None:
                    raise AssertionError(f"text drawn with no font set, run {len(runs)}")
                strings = operands[0] if operator == b"TJ" else [operands[0]]
                for item in strings:
                    if isinstance(item, (bytes, str)):
                        raw = item if isinstance(item, bytes) else item.original_bytes  # type: ignore[attr-defined]
                        for i in range(0, len(raw), 2):
                            run.glyphs.append(current[int.from_bytes(raw[i : i + 2], "big")])
        lines: list[Line] = []
        for run in sorted((r for r in runs if r.glyphs), key=lambda r: (round(r.y, 1), r.x)):
            if lines and abs(lines[-1].y - run.y) < 0.5:
                lines[-1].glyphs.extend(run.glyphs)
            else:
                lines.append(Line(run.x, run.y, list(run.glyphs)))
        pages.append(lines)
    return pages


def as_drawn(source: str, *, paragraph: str | None = None) -> str:
    """How a line reads left to right on the page: laid out by the Unicode bidi algorithm in
    the direction of its paragraph's first letter (as documents set each paragraph), so
    a line with no right-to-left letter is the source as written. ``paragraph``: the whole
    paragraph, when the line is one stretch of it."""
    base = "R" if get_base_level(paragraph or source) == 1 else "L"
    return str(get_display(source, base_dir=base))


def embedded_fonts(pdf: bytes) -> dict[str, str]:
    """Each font's name and the key its file is embedded under (FontFile2 for TrueType)."""
    reader = PdfReader(io.BytesIO(pdf))
    found: dict[str, str] = {}
    for page in reader.pages:
        for ref in _fonts(page).values():
            font = ref.get_object()
            descriptor = font
            if "/DescendantFonts" in font:
                descriptor = font["/DescendantFonts"][0].get_object()
            desc = descriptor.get("/FontDescriptor")
            keys = [k for k in (desc.get_object() if desc else {}) if k.startswith("/FontFile")]
            found[str(font["/BaseFont"])] = keys[0] if keys else ""
    return found

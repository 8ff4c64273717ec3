"""Shared by the PDFs the product writes (fpdf2 with its core fonts)."""

from unidecode import unidecode


def latin1(text: object) -> str:
    """Text the PDF core fonts can show: Latin-1 as is, other scripts transliterated."""
    value = str(text)
    try:
        value.encode("latin-1")
    except UnicodeEncodeError:
        return unidecode(value)
    return value

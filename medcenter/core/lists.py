"""Lists and foreign-language text, written the way the page's language writes them.

A list of names joined with ", " reads wrongly in Arabic (which uses the Arabic comma "،")
and in Chinese (which separates enumerated items with "、"). Text that is shown in another
language than the page's (an English trial title on an Arabic page, an untranslated program
text) must say so with `lang`, or a screen reader reads English words with Arabic rules.
"""

from collections.abc import Iterable

from django.utils.translation import get_language

# The separator between items of an enumeration, by language (primary subtag).
SEPARATORS = {"ar": "، ", "zh": "、"}
DEFAULT_SEPARATOR = ", "


def list_separator(language: str | None = None) -> str:
    """The separator between the items of a list in `language` (default: the active one)."""
    code = (language or get_language() or "en").lower().replace("_", "-")
    return SEPARATORS.get(code.split("-")[0], DEFAULT_SEPARATOR)


def join_list(items: Iterable[object], language: str | None = None) -> str:
    """The items as one enumeration in `language` (default: the active one)."""
    return list_separator(language).join(str(item) for item in items if str(item))


def differs(language: str, page_language: str | None = None) -> bool:
    """Whether text in `language` needs a `lang` of its own on a page in `page_language`."""
    page = (page_language or get_language() or "en").lower().replace("_", "-")
    return language.lower().replace("_", "-").split("-")[0] != page.split("-")[0]

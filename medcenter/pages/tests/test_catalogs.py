"""Every shell string is marked for translation, and every catalog is complete and current."""

import re
import shutil
import subprocess
import sys
from html.parser import HTMLParser
from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template.base import Lexer, TokenType

ROOT = Path(settings.BASE_DIR)
LOCALE = ROOT / "medcenter" / "locale"
CATALOG_LANGUAGES = ["es", "pt_BR", "zh_Hans", "ar", "ru"]
PLACEHOLDER = re.compile(r"%\(\w+\)[sd]|%[sd]")
# Attributes whose values a person reads or hears.
READ_ATTRIBUTES = {"alt", "title", "placeholder", "aria-label", "aria-description"}
# Text that is the same in every language: separators, symbols, codes.
NOT_WORDS = re.compile(r"^[\W\d_]*$")


def _templates():
    return sorted(p for p in (ROOT / "medcenter").rglob("templates/**/*.html"))


class _VisibleText(HTMLParser):
    def __init__(self):
        super().__init__(convert_charrefs=True)
        self.found = []

    def handle_starttag(self, tag, attrs):
        for name, value in attrs:
            if name in READ_ATTRIBUTES and value and not NOT_WORDS.match(value):
                self.found.append(f"{tag}[{name}]={value!r}")

    def handle_data(self, data):
        if not NOT_WORDS.match(data.strip()):
            self.found.append(repr(data.strip()))


def _untranslated_text(source):
    """The template's literal text outside {% blocktranslate %} and {% comment %} blocks, tags
    blanked out."""
    parts, inside_block = [], False
    for token in Lexer(source).tokenize():
        if token.token_type == TokenType.BLOCK:
            name = token.contents.split()[0]
            if name in ("blocktranslate", "blocktrans", "comment"):
                inside_block = True
            elif name in ("endblocktranslate", "endblocktrans", "endcomment"):
                inside_block = False
        if token.token_type == TokenType.TEXT and not inside_block:
            parts.append(token.contents)
        else:
            parts.append(" ")
    return "".join(parts)


@pytest.mark.parametrize("template", _templates(), ids=lambda p: str(p.relative_to(ROOT)))
def test_every_template_string_is_marked_for_translation(template):
    parser = _VisibleText()
    parser.feed(_untranslated_text(template.read_text()))

    assert parser.found == []


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_every_catalog_is_fully_translated_with_the_same_placeholders(language):
    catalog = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))

    assert catalog.untranslated_entries() == []
    assert catalog.fuzzy_entries() == []
    for entry in catalog.translated_entries():
        translations = entry.msgstr_plural.values() if entry.msgid_plural else [entry.msgstr]
        for translation in translations:
            assert sorted(PLACEHOLDER.findall(translation)) == sorted(
                PLACEHOLDER.findall(entry.msgid)
            ), entry.msgid


@pytest.mark.parametrize("language", CATALOG_LANGUAGES)
def test_the_compiled_catalog_matches_its_source(language):
    folder = LOCALE / language / "LC_MESSAGES"
    source = {e.msgid: e.msgstr for e in polib.pofile(str(folder / "django.po"))}
    compiled = {e.msgid: e.msgstr for e in polib.mofile(str(folder / "django.mo"))}

    assert compiled == source, "run `make messages` to recompile the catalogs"


@pytest.mark.skipif(shutil.which("xgettext") is None, reason="GNU gettext is not installed")
def test_the_catalogs_hold_exactly_the_strings_the_code_uses(tmp_path):
    copy = tmp_path / "medcenter"
    shutil.copytree(ROOT / "medcenter", copy, ignore=shutil.ignore_patterns("__pycache__"))
    # The strings the code uses are the same for every language: extracting them once (into
    # the first catalog) gives the set every committed catalog must hold.
    subprocess.run(
        [
            sys.executable,
            str(ROOT / "manage.py"),
            "makemessages",
            "--no-location",
            f"-l{CATALOG_LANGUAGES[0]}",
        ],
        cwd=copy,
        check=True,
        capture_output=True,
        timeout=300,
        env={
            "PATH": "/usr/bin:/bin",
            "DJANGO_SETTINGS_MODULE": "medcenter.settings",
            "PYTHONPATH": str(ROOT),
        },
    )
    fresh_catalog = copy / "locale" / CATALOG_LANGUAGES[0] / "LC_MESSAGES" / "django.po"
    used = {e.msgid for e in polib.pofile(str(fresh_catalog)) if not e.obsolete}
    assert len(used) > 100
    for language in CATALOG_LANGUAGES:
        committed = polib.pofile(str(LOCALE / language / "LC_MESSAGES" / "django.po"))

        missing = used - {e.msgid for e in committed}
        stale = {e.msgid for e in committed if not e.obsolete} - used
        assert missing == set(), f"{language}: run `make messages` and translate the new strings"
        assert stale == set(), f"{language}: run `make messages` to drop strings no longer used"

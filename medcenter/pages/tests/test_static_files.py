"""Collected static files: hashed names, gzip and brotli, a one-year immutable cache."""

from pathlib import Path

import pytest
from django.contrib.staticfiles.storage import staticfiles_storage
from django.core.management import call_command
from django.test import Client

SOURCE = Path(__file__).resolve().parents[2] / "static"
ONE_YEAR = "max-age=31536000, public, immutable"


@pytest.fixture
def collected(settings, tmp_path):
    """Collect the site's own files (not every app's) with the storage `make demo` uses."""
    settings.STATIC_ROOT = tmp_path
    settings.STATICFILES_DIRS = [SOURCE]
    settings.STATICFILES_FINDERS = ["django.contrib.staticfiles.finders.FileSystemFinder"]
    settings.STORAGES = {
        **settings.STORAGES,
        "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
    }
    settings.WHITENOISE_USE_FINDERS = False
    call_command("collectstatic", "--noinput", verbosity=0)
    return tmp_path


def test_collected_files_carry_their_content_hash(collected):
    url = staticfiles_storage.url("css/site.css")

    assert url.startswith("/static/css/site.") and url.endswith(".css")
    assert url != "/static/css/site.css"
    assert (collected / url.removeprefix("/static/")).is_file()


@pytest.mark.parametrize(("accept", "encoding"), [("gzip, deflate, br", "br"), ("gzip", "gzip")])
def test_a_hashed_file_is_compressed_and_cached_for_a_year(collected, accept, encoding):
    url = staticfiles_storage.url("css/site.css")

    response = Client().get(url, HTTP_ACCEPT_ENCODING=accept)

    assert response.status_code == 200
    assert response["Cache-Control"] == ONE_YEAR
    assert response["Content-Encoding"] == encoding
    assert "Accept-Encoding" in response["Vary"]
    body = b"".join(response.streaming_content)
    assert len(body) < (SOURCE / "css/site.css").stat().st_size / 2


def test_a_browser_that_accepts_no_compression_gets_the_plain_file(collected):
    url = staticfiles_storage.url("js/site.js")

    response = Client().get(url, HTTP_ACCEPT_ENCODING="identity")

    assert "Content-Encoding" not in response
    assert b"".join(response.streaming_content) == (SOURCE / "js/site.js").read_bytes()


def test_an_unhashed_name_is_only_briefly_cached(collected):
    response = Client().get("/static/css/site.css", HTTP_ACCEPT_ENCODING="br")

    assert response.status_code == 200
    assert "immutable" not in response["Cache-Control"]

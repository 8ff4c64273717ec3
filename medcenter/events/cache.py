"""Purging an event's cached public pages when its seats change, in every language.

The keys are the ones `core.caching.cache_public_page` writes (language, htmx flag, a hash
of the full path); tests/test_views.py proves a registration shows on the next request."""

from __future__ import annotations

import hashlib

from django.conf import settings
from django.core.cache import cache
from django.urls import reverse
from django.utils import translation

from medcenter.events.models import EventSeries


def purge_series_pages(series: EventSeries) -> None:
    keys = []
    for code, _name in settings.LANGUAGES:
        with translation.override(code):
            path = reverse("events:detail", kwargs={"slug": series.slug})
            language = translation.get_language()
        digest = hashlib.sha256(path.encode()).hexdigest()
        keys += [f"public-page:{language}:{flag}:{digest}" for flag in ("full", "htmx")]
    cache.delete_many(keys)

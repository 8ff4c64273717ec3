"""System checks on settings whose mistakes would otherwise show only at first use."""

from typing import Any

from django.core.checks import CheckMessage, Error, Tags, register
from django.core.exceptions import ImproperlyConfigured


@register(Tags.security)
def check_document_key(**kwargs: Any) -> list[CheckMessage]:
    """A malformed DOCUMENT_ENCRYPTION_KEY stops the start, not the first upload."""
    from medcenter.core import vault

    try:
        vault.encryption_keys()
    except ImproperlyConfigured as error:
        return [Error(str(error), id="medcenter.E001")]
    return []

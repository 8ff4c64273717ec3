"""The shell's pages, shared by the unit tests and the browser journeys."""

from django.conf import settings

PUBLIC_PAGES = ["", "contact/", "accessibility/", "nondiscrimination/", "privacy/"]
LANGUAGE_CODES = [code for code, _name in settings.LANGUAGES]


def public_urls() -> list[str]:
    return [f"/{code}/{page}" for code in LANGUAGE_CODES for page in PUBLIC_PAGES]

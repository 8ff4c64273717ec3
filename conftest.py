import pytest
from django.core.cache import cache

pytest_plugins = ["medcenter.patients.tests.world"]


@pytest.fixture(autouse=True)
def _fresh_cache():
    """Each test starts with an empty cache, so a page cached by one test never leaks; and
    without the directory's in-memory index, which the last test's rollback made stale."""
    from medcenter.directory import index

    cache.clear()
    index.forget()
    yield
    cache.clear()
    index.forget()


@pytest.fixture(autouse=True)
def _fast_password_hashing(settings):
    """Argon2 is slow on purpose; tests that check hashing read the settings module itself."""
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


@pytest.fixture(autouse=True)
def _english_and_immediate_tasks(settings):
    """Each test starts in English (a request in another language leaves it active), and
    background tasks run at once so their effects (an email) can be checked."""
    from django.utils import translation

    settings.TASKS = {"default": {"BACKEND": "django_tasks.backends.immediate.ImmediateBackend"}}
    translation.activate("en")
    yield
    translation.deactivate()

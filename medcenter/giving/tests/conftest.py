import pytest


@pytest.fixture(autouse=True)
def _sandbox(settings):
    settings.GIVING_GATEWAY = "sandbox"
    settings.GIVING_SANDBOX_WEBHOOK_URL = ""

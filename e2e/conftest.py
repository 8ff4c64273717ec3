"""Browser journeys: Debian's chromium driven by Playwright against pytest-django's live server.

Nothing here downloads a browser: Playwright launches /usr/bin/chromium by path.
"""

import os
import urllib.request
from collections.abc import Iterator

import pytest
from playwright.sync_api import Browser, Page, sync_playwright

# Playwright's sync API runs an event loop in the test thread; the ORM calls the tests make
# (creating a user, say) are still ordinary synchronous calls.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

CHROMIUM = os.environ.get("CHROMIUM_PATH", "/usr/bin/chromium")
CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-dev-shm-usage",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-quic",
    "--no-first-run",
]


# The longest journeys, started first so that the other worker takes the rest meanwhile
# (scripts/test.sh runs the browser tests with --dist worksteal).
LONGEST_FIRST = ("test_crawl.py", "test_content.py")


def pytest_collection_modifyitems(items):
    for item in items:
        item.add_marker(pytest.mark.e2e)

    def rank(item):
        name = item.path.name
        return LONGEST_FIRST.index(name) if name in LONGEST_FIRST else len(LONGEST_FIRST)

    items.sort(key=rank)  # stable: the rest keep their order


_warmed: set[str] = set()


@pytest.fixture(autouse=True)
def _warm_live_server(request):
    """The live server's first answer in a process loads every app's URLs and views (seconds
    on a busy machine, more than a journey's 10 s navigation time-out): ask for the home page
    once, with a generous time-out, before the first journey."""
    if "live_server" not in request.fixturenames:
        return
    request.getfixturevalue("transactional_db")  # the server answers from the test's database
    live_server = request.getfixturevalue("live_server")
    if live_server.url in _warmed:
        return
    _warmed.add(live_server.url)
    with urllib.request.urlopen(f"{live_server.url}/en/", timeout=180) as response:  # noqa: S310
        response.read()


@pytest.fixture(scope="session")
def browser() -> Iterator[Browser]:
    if not os.path.exists(CHROMIUM):
        pytest.fail(f"{CHROMIUM} is missing: as root, run apt-get install -y chromium")
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        yield browser
        browser.close()


@pytest.fixture
def page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 1280, "height": 900})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()


@pytest.fixture
def narrow_page(browser: Browser, live_server) -> Iterator[Page]:
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(10_000)
    yield page
    context.close()

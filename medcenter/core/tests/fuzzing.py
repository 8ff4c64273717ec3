"""Shared by the fuzz suites: the Django app called in-process, and the example budget.

The suites run in `make test` on both databases, so each test draws a bounded number of
examples, derandomized (the same inputs every run, so a failure in CI reproduces). Set
`FUZZ_EXAMPLES` to draw more, and `FUZZ_RANDOM=1` to explore new inputs on each run:

    FUZZ_EXAMPLES=500 FUZZ_RANDOM=1 .venv/bin/pytest -n 0 medcenter/core/tests/test_fuzz_api.py
"""

import os
from typing import Any

from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from hypothesis import HealthCheck, settings

_django = get_wsgi_application()


def in_process(environ: dict[str, Any], start_response: Any) -> list[bytes]:
    """The project's WSGI application, answering inside the test's database transaction.

    Django closes the connection at the start and end of each request; in a test that would
    close the test's own transaction, so (as Django's test client does) the signal is held off.
    """
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    try:
        result = _django(environ, start_response)
        try:
            return [b"".join(result)]
        finally:
            result.close()
    finally:
        request_started.connect(close_old_connections)
        request_finished.connect(close_old_connections)


def budget(examples: int) -> settings:
    """Hypothesis settings for one fuzz test: `examples` inputs (FUZZ_EXAMPLES overrides)."""
    return settings(
        max_examples=int(os.environ.get("FUZZ_EXAMPLES", examples)),
        derandomize=os.environ.get("FUZZ_RANDOM", "") != "1",
        database=None,
        deadline=None,
        print_blob=True,
        suppress_health_check=list(HealthCheck),
    )

"""A list page's query count must not grow with its rows: the N+1 check every list test uses."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_flat_queries(fetch: Callable[[], Any], grow: Callable[[], Any]) -> tuple[Any, Any]:
    """Fetch, add rows with `grow`, fetch again: both fetches must cost the same queries.

    A first, uncounted fetch lets a session, a cache or an in-memory index set itself up.
    Returns the two answers, so the test can check that the added rows were really shown.
    """
    fetch()
    with CaptureQueriesContext(connection) as few:
        before = fetch()
    grow()
    with CaptureQueriesContext(connection) as many:
        after = fetch()
    if len(many) != len(few):
        seen = {query["sql"] for query in few.captured_queries}
        extra = [query["sql"] for query in many.captured_queries if query["sql"] not in seen]
        raise AssertionError(
            f"{len(few)} queries before the rows were added, {len(many)} after; new ones:\n"
            + "\n".join(extra[:20])
        )
    return before, after

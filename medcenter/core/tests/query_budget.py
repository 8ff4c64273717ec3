"""A list page's query count must not grow with its rows: the N+1 check every list test uses."""

from collections.abc import Callable
from typing import Any

from django.db import connection
from django.test.utils import CaptureQueriesContext


def assert_flat_queries(
    fetch: Callable[[], Any], grow: Callable[[], Any], *, ignoring: tuple[str, ...] = ()
) -> tuple[Any, Any]:
    """Fetch, add rows with `grow`, fetch again: both fetches must cost the same queries.

    An uncounted fetch before each counted one lets a session, a cache or an in-memory index
    set itself up (a cache keyed on the data is rebuilt after `grow`), so warm is compared
    with warm.
    Queries naming one of `ignoring` (a table, say) are left out of the count, for a page
    that must write once per row, such as an audit event per patient record shown.
    Returns the two answers, so the test can check that the added rows were really shown.
    """
    fetch()
    with CaptureQueriesContext(connection) as few:
        before = fetch()
    grow()
    fetch()
    with CaptureQueriesContext(connection) as many:
        after = fetch()
    counted_few, counted_many = _counted(few, ignoring), _counted(many, ignoring)
    if len(counted_many) != len(counted_few):
        raise AssertionError(
            f"{len(counted_few)} queries before the rows were added, {len(counted_many)} "
            "after; the queries after:\n" + "\n".join(sql[:300] for sql in counted_many[:60])
        )
    return before, after


def _counted(context: CaptureQueriesContext, ignoring: tuple[str, ...]) -> list[str]:
    return [
        query["sql"]
        for query in context.captured_queries
        if not any(name in query["sql"] for name in ignoring)
    ]

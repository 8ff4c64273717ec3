"""gunicorn settings read from the repository root (the demo and the benchmarks start it here)."""

from typing import Any


def post_worker_init(worker: Any) -> None:
    """Build per-process indexes before the first request, so no visitor waits for them."""
    from django.db import close_old_connections

    from medcenter.directory.index import current

    try:
        current()
    # Any failure here (a database not yet migrated, say) must not stop the worker from
    # serving: the first search then builds the index instead.
    except Exception:
        worker.log.exception("could not build the directory index at start")
    finally:
        close_old_connections()
    # What a worker loads at start (modules, the directory index, the compiled trial
    # catalogue when built) lives for the process: move it out of the garbage collector's
    # view, so a full collection during a request scans only that request's objects.
    import gc

    gc.collect()
    gc.freeze()

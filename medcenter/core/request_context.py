"""Where the current request came from, for the audit log: its client address and request id.

Set by `request_context_middleware` for the length of one request and reset after it, so
services and selectors take the acting user (`actor`) and never the HTTP request. Outside a
request (a task, a management command, a test calling a service) it is empty, and the audit
row then has no address.
"""

from collections.abc import Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from dataclasses import dataclass


@dataclass(frozen=True)
class RequestContext:
    client_ip: str | None = None
    request_id: str = ""


EMPTY = RequestContext()

_current: ContextVar[RequestContext] = ContextVar("medcenter_request_context", default=EMPTY)


def current() -> RequestContext:
    """The address and id of the request being served, or EMPTY outside a request."""
    return _current.get()


@contextmanager
def bound(*, client_ip: str | None, request_id: str) -> Iterator[RequestContext]:
    """Serve one request with this address and id; the previous context comes back after."""
    context = RequestContext(client_ip=client_ip, request_id=request_id[:64])
    token = _current.set(context)
    try:
        yield context
    finally:
        _current.reset(token)

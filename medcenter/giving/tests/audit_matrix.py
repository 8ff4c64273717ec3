"""How the audit-failure matrix (patients/tests/test_audit_failure_matrix.py) calls each of
the giving app's audited writes: the arrangement runs with a working audit log and returns the
call to make once the audit insert fails."""

from collections.abc import Callable
from typing import Any


def entries() -> dict[str, Callable[[Any], Callable[[], Any]]]:
    return {}

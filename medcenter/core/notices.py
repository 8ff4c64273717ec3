"""The kinds of message core itself sends."""

from medcenter.core import outbox


def register() -> None:
    # A plain test message, to check a deployment's mail and SMS set-up (and for benchmarks).
    outbox.register("core.test", templates="core/notices/test")

import random

import pytest
from django.db import connection, transaction

from medcenter.core.seeding import DEMO_SEED


@pytest.fixture(scope="module")
def demo_directory_once(django_db_setup, django_db_blocker):
    """The demo directory, seeded once per test module (Django's `setUpTestData`).

    Seeding 320 clinicians takes thousands of queries, so it runs once, inside a transaction
    that stays open for the module and is rolled back at its end. Each test's own transaction
    is a savepoint inside it: a test sees exactly the seeded directory and whatever it writes
    is rolled back before the next test, as before.
    """
    from medcenter.directory import demo

    with django_db_blocker.unblock():
        seeded = transaction.atomic()
        seeded.__enter__()
        try:
            demo.seed(rng=random.Random(f"{DEMO_SEED}:directory"))  # noqa: S311 - demo data
        except BaseException:
            transaction.set_rollback(True)
            seeded.__exit__(None, None, None)
            raise
    yield
    with django_db_blocker.unblock():
        transaction.set_rollback(True)
        seeded.__exit__(None, None, None)


@pytest.fixture
def demo_directory(demo_directory_once, db):
    """The demo center's directory: 24 programs, 108 conditions, 10 locations, 320 clinicians."""
    # The test's transaction must be a savepoint inside the seeded one, never a flush of it.
    assert connection.in_atomic_block and len(connection.atomic_blocks) >= 2

import random

import pytest

from medcenter.core.seeding import DEMO_SEED


@pytest.fixture
def demo_directory(db):
    """The demo center's directory: 24 programs, 108 conditions, 10 locations, 320 clinicians."""
    from medcenter.directory import demo

    demo.seed(rng=random.Random(f"{DEMO_SEED}:directory"))  # noqa: S311 - demo data

"""The demo data protocol: each app may have a `demo.py` with `seed(*, rng) -> list[DemoLogin]`.

`manage.py seed_demo` calls them in INSTALLED_APPS order (which is also the dependency order),
with one seeded random generator, so the same command always builds the same fictional center.
"""

import random
from dataclasses import dataclass
from typing import Protocol

DEMO_SEED = 20261121


@dataclass(frozen=True)
class DemoLogin:
    role: str
    email: str
    password: str
    note: str = ""


class DemoModule(Protocol):
    def seed(self, *, rng: random.Random) -> list[DemoLogin]: ...

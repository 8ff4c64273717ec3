"""Demo accounts. Every person here is fictional; the addresses use a reserved domain."""

import random

from medcenter.accounts.models import User
from medcenter.core.seeding import DemoLogin

DEMO_PASSWORD = "aster-valley-demo-2026"  # noqa: S105  (printed by `make demo`; demo data only)


def seed(*, rng: random.Random) -> list[DemoLogin]:
    """Create (or reset) the demo administrator."""
    admin = _account(email="admin@aster-valley.example", full_name="Morgan Vale", is_staff=True)
    if not admin.is_superuser:
        admin.is_superuser = True
        admin.save(update_fields=["is_superuser"])
    return [
        DemoLogin("administrator", admin.email, DEMO_PASSWORD, "staff pages, /en/styleguide/"),
    ]


def _account(*, email: str, full_name: str, is_staff: bool = False) -> User:
    user, _created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "is_staff": is_staff}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user

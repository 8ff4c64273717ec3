"""Demo accounts: one per staff role, each with a fixed authenticator secret.

Every person here is fictional; addresses use the reserved `.example` domain. The printed
secrets go into any authenticator app (or `manage.py demo_totp EMAIL` prints the current code).
"""

import base64
import random

from django_otp.plugins.otp_totp.models import TOTPDevice

from medcenter.accounts.models import User
from medcenter.accounts.roles import ROLES
from medcenter.accounts.services import assign_role
from medcenter.core.seeding import DemoLogin

DEMO_PASSWORD = "aster-valley-demo-2026"  # noqa: S105  (printed by `make demo`; demo data only)
DEMO_DOMAIN = "aster-valley.example"

STAFF_NAMES = {
    "scheduler": "Rowan Pell",
    "nurse_navigator": "Imani Okafor-Lund",
    "clinician": "Dr. Severin Ashgrove",
    "international_coordinator": "Noor Halvorsen",
    "trial_coordinator": "Bastian Quill",
    "giving_officer": "Priya Wrenfield",
    "quality_analyst": "Lior Castellan",
    "content_editor": "Maren Tollivant",
    "privacy_officer": "Ode Strand",
    "administrator": "Morgan Vale",
}


def staff_email(role: str) -> str:
    return f"{role.replace('_', '-')}@{DEMO_DOMAIN}"


def seed(*, rng: random.Random) -> list[DemoLogin]:
    """Create (or reset) one staff account per role, each with an authenticator."""
    logins = []
    for role in ROLES:
        user = account(
            email=staff_email(role.name), full_name=STAFF_NAMES[role.name], is_staff=True
        )
        if not user.groups.filter(name=role.name).exists():
            assign_role(user=user, role=role.name, assigned_by=None)
        if role.name == "administrator" and not user.is_superuser:
            user.is_superuser = True
            user.save(update_fields=["is_superuser"])
        secret = _authenticator(user, rng)
        logins.append(
            DemoLogin(
                role.name.replace("_", " "),
                user.email,
                DEMO_PASSWORD,
                f"authenticator key {secret}",
            )
        )
    return logins


def account(*, email: str, full_name: str, is_staff: bool = False) -> User:
    user, _created = User.objects.get_or_create(
        email=email, defaults={"full_name": full_name, "is_staff": is_staff}
    )
    user.set_password(DEMO_PASSWORD)
    user.save(update_fields=["password"])
    return user


def _authenticator(user: User, rng: random.Random) -> str:
    key = bytes(rng.randrange(256) for _ in range(20))
    device = TOTPDevice.objects.filter(user=user, name="demo authenticator").first()
    if device is None:
        TOTPDevice.objects.filter(user=user).delete()
        device = TOTPDevice(user=user, name="demo authenticator")
    device.key, device.confirmed = key.hex(), True
    device.save()
    return base64.b32encode(key).decode().rstrip("=")

import importlib
import random
from typing import Any

from django.apps import apps
from django.core.management.base import BaseCommand
from django.db import transaction

from medcenter.core.seeding import DEMO_SEED, DemoLogin


class Command(BaseCommand):
    help = "Load the deterministic, synthetic demo center (safe to run again) and print log-ins."

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--quiet", action="store_true", help="Do not print the log-ins.")

    def handle(self, *args: Any, quiet: bool = False, **options: Any) -> None:
        logins: list[DemoLogin] = []
        with transaction.atomic():
            for app in apps.get_app_configs():
                if not app.name.startswith("medcenter."):
                    continue
                try:
                    module = importlib.import_module(f"{app.name}.demo")
                except ModuleNotFoundError as error:
                    if error.name != f"{app.name}.demo":
                        raise
                    continue
                # Each app gets its own generator so adding data to one app leaves the others'
                # demo data unchanged.
                logins += module.seed(rng=random.Random(f"{DEMO_SEED}:{app.label}"))  # noqa: S311
        if quiet:
            return
        self.stdout.write("Demo log-ins (fictional people; the demo only):")
        width = max((len(login.role) for login in logins), default=0)
        for login in logins:
            note = f"  ({login.note})" if login.note else ""
            self.stdout.write(f"  {login.role:<{width}}  {login.email}  /  {login.password}{note}")

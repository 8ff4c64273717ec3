import json
from pathlib import Path
from typing import Any

from django.conf import settings
from django.core.management.base import BaseCommand

from medcenter.api import api

SNAPSHOT = Path(settings.BASE_DIR) / "docs" / "openapi.json"


def current_schema() -> str:
    return json.dumps(api.get_openapi_schema(), indent=2, sort_keys=True, ensure_ascii=False) + "\n"


class Command(BaseCommand):
    help = "Write the API's OpenAPI document to docs/openapi.json (the committed snapshot)."

    def handle(self, *args: Any, **options: Any) -> None:
        SNAPSHOT.write_text(current_schema(), encoding="utf-8")
        self.stdout.write(f"Wrote {SNAPSHOT}")

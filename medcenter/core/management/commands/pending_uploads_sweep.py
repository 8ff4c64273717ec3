"""Remove the files attached to forms that were never sent (core.pending_uploads)."""

from datetime import timedelta
from typing import Any

from django.core.management.base import BaseCommand

from medcenter.core import pending_uploads


class Command(BaseCommand):
    help = (
        "Remove pending uploads (files kept for a form that came back with a problem) older "
        "than PENDING_UPLOAD_MAX_AGE, or than --older-than seconds; their encrypted files too."
    )

    def add_arguments(self, parser: Any) -> None:
        parser.add_argument("--older-than", type=int, default=None, help="Age in seconds.")

    def handle(self, *args: Any, older_than: int | None = None, **options: Any) -> None:
        age = timedelta(seconds=older_than) if older_than is not None else None
        if age is not None and age < timedelta(0):
            age = timedelta(0)
        removed = pending_uploads.sweep_pending_uploads(older_than=age)
        self.stdout.write(f"pending_uploads_removed={removed}")

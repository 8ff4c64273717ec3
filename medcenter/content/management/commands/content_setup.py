"""Make the content tree, the locales, the editor and reviewer groups and the review workflow."""

from typing import Any

from django.core.management.base import BaseCommand

from medcenter.content.services import ensure_editorial_setup


class Command(BaseCommand):
    help = "Create the editorial page tree, locales, cms_editor/cms_reviewer groups and workflow."

    def handle(self, *args: Any, **options: Any) -> None:
        workflow = ensure_editorial_setup()
        self.stdout.write(f"content ready: workflow {workflow.name!r}")

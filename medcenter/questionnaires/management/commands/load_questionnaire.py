"""`manage.py load_questionnaire <file.json> [--kind symptom_checkin|intake|other]`: store a
FHIR R4 Questionnaire a center holds a licence for (PRO-CTCAE, ESAS-r, its own forms)."""

import json
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.core.management.base import BaseCommand, CommandError, CommandParser

from medcenter.questionnaires.models import QuestionnaireKind
from medcenter.questionnaires.services import load_questionnaire


class Command(BaseCommand):
    help = "Load a FHIR R4 Questionnaire (JSON) into the questionnaire engine."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file", type=Path)
        parser.add_argument(
            "--kind", choices=QuestionnaireKind.values, default=QuestionnaireKind.OTHER
        )

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["file"]
        try:
            resource = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
            raise CommandError(f"Cannot read {path}: {error}") from None
        try:
            questionnaire = load_questionnaire(resource=resource, kind=options["kind"])
        except ValidationError as error:
            raise CommandError(" ".join(error.messages)) from None
        self.stdout.write(
            f"Loaded {questionnaire.url} version {questionnaire.version} "
            f"({questionnaire.get_status_display()}), id {questionnaire.public_id}"
        )

import json
from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medcenter.fhir.mcode import import_mcode
from medcenter.patients.models import Patient


class Command(BaseCommand):
    help = (
        "Import a patient's cancer record from HL7 mCODE STU4 FHIR JSON files (resources or "
        "Bundles; a folder means every .json file in it). Exits with 1 if any resource failed."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--patient", required=True, metavar="MRN")
        parser.add_argument("paths", nargs="+", type=Path, metavar="PATH")

    def handle(self, *args: Any, patient: str, paths: list[Path], **options: Any) -> None:
        target = Patient.objects.filter(mrn=patient.strip()).first()
        if target is None:
            raise CommandError("No patient has that MRN.")
        resources: list[dict[str, Any]] = []
        for file in _json_files(paths):
            try:
                document = json.loads(file.read_text(encoding="utf-8"))
            except (OSError, UnicodeDecodeError, json.JSONDecodeError) as error:
                raise CommandError(f"{file}: cannot be read as JSON ({error}).") from error
            if isinstance(document, dict) and isinstance(document.get("resourceType"), str):
                resources.append(document)
            else:
                # Package manifests and other JSON beside the resources are not FHIR.
                self.stdout.write(f"Ignored {file}: not a FHIR resource.")
        report = import_mcode(resources=resources, patient=target, actor=None)
        for line in report.lines():
            self.stdout.write(line)
        if not report.ok:
            raise CommandError(
                f"{len(report.errors)} resource(s) could not be imported.", returncode=1
            )


def _json_files(paths: list[Path]) -> list[Path]:
    files: list[Path] = []
    for path in paths:
        if path.is_dir():
            files.extend(sorted(path.glob("*.json")))
        elif path.is_file():
            files.append(path)
        else:
            raise CommandError(f"{path} does not exist.")
    return files

"""manage.py import_publications FILE [--format medline|ris] [--program SLUG] [--lab SLUG]"""

from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from medcenter.directory.models import Program
from medcenter.research import services
from medcenter.research.models import Lab


class Command(BaseCommand):
    help = "Import publications from a MEDLINE (.nbib) or RIS file; prints what it did not take."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("file")
        parser.add_argument("--format", choices=["medline", "ris"])
        parser.add_argument("--program", action="append", default=[])
        parser.add_argument("--lab", action="append", default=[])

    def handle(self, *args: Any, **options: Any) -> None:
        path = Path(options["file"])
        try:
            text = path.read_text(encoding="utf-8-sig")
        except (OSError, UnicodeDecodeError) as error:
            raise CommandError(f"cannot read {path}: {error}") from error
        programs = list(Program.objects.filter(slug__in=options["program"]))
        labs = list(Lab.objects.filter(slug__in=options["lab"]))
        missing = set(options["program"]) - {p.slug for p in programs}
        missing |= set(options["lab"]) - {lab.slug for lab in labs}
        if missing:
            raise CommandError(f"unknown program or lab: {', '.join(sorted(missing))}")
        report = services.import_publications(
            text=text, name=path.name, fmt=options["format"], programs=programs, labs=labs
        )
        for line in report.lines():
            self.stdout.write(line)

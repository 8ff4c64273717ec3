"""A genotyping report: one test of one specimen and the alterations it found."""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import date

from django.utils.translation import gettext as _

from medcenter.oncology.genomics.alterations import Alteration, AlterationError, normalize_gene
from medcenter.oncology.genomics.annotate import AlterationAnnotation, Annotator, annotate


class GenotypingReportError(ValueError):
    """A report field that cannot be accepted; `field` names it."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        self.message = message
        super().__init__(message)


@dataclass(frozen=True, slots=True)
class GenotypingReport:
    """Panel, genes covered, specimen, tumor content (percent) and the alterations found."""

    panel: str
    specimen: str
    genes_covered: frozenset[str]
    tumor_content: float | None
    alterations: tuple[Alteration, ...]
    reported_on: date | None = None

    @property
    def alterations_outside_panel(self) -> tuple[Alteration, ...]:
        """Alterations in genes the panel does not list: a data entry mistake, usually."""
        if not self.genes_covered:
            return ()
        return tuple(a for a in self.alterations if a.gene not in self.genes_covered)

    def covers(self, gene: str) -> bool:
        """Whether the test looked at `gene` (a negative result means something only then)."""
        return normalize_gene(gene) in self.genes_covered

    def annotate(
        self, *, tumor_type: str, annotator: Annotator | None = None
    ) -> list[AlterationAnnotation]:
        return annotate(tumor_type=tumor_type, alterations=self.alterations, annotator=annotator)


def make_report(
    *,
    panel: str,
    specimen: str,
    genes_covered: Iterable[str],
    tumor_content: float | str | None,
    alterations: Iterable[Alteration],
    reported_on: date | None = None,
) -> GenotypingReport:
    """Build a report; raise GenotypingReportError for a missing panel or impossible content."""
    if not panel or not panel.strip():
        raise GenotypingReportError("panel", _("Name the test panel."))
    if not specimen or not specimen.strip():
        raise GenotypingReportError("specimen", _("Describe the specimen tested."))
    genes: set[str] = set()
    for gene in genes_covered:
        try:
            genes.add(normalize_gene(gene))
        except AlterationError as error:
            raise GenotypingReportError("genes_covered", error.message) from error
    return GenotypingReport(
        panel=panel.strip(),
        specimen=specimen.strip(),
        genes_covered=frozenset(genes),
        tumor_content=_tumor_content(tumor_content),
        alterations=tuple(alterations),
        reported_on=reported_on,
    )


def _tumor_content(value: float | str | None) -> float | None:
    if value is None or value == "":
        return None
    try:
        number = float(str(value).strip().rstrip("%"))
    except ValueError:
        number = -1.0
    if not 0 <= number <= 100:
        raise GenotypingReportError(
            "tumor_content",
            _("Tumor content is a percentage from 0 to 100, not “%(value)s”.") % {"value": value},
        )
    return number

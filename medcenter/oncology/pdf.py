"""The molecular report as a PDF for clinicians (core.documents), written in the patient's
language; names and labels in any script are drawn as they are.
"""

from typing import Any

from django.utils import timezone, translation
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop

from medcenter.core.documents import Document, site_language
from medcenter.oncology.models import GenotypingReport
from medcenter.patients.models import Patient

LEVEL_LABELS = {
    "fda_this_type": gettext_noop("FDA-approved in this tumor type"),
    "fda_other_type": gettext_noop("FDA-approved in another tumor type"),
    "guideline": gettext_noop("Guideline"),
    "clinical_evidence": gettext_noop("Clinical evidence"),
}


def level_label(level: str) -> str:
    return _(LEVEL_LABELS.get(level, level))


def molecular_report_pdf(
    *,
    patient: Patient,
    report: GenotypingReport,
    actionable: list[dict[str, Any]],
    other: list[dict[str, Any]],
    **_rest: Any,
) -> bytes:
    """One report: patient and test, actionable alterations with therapies, other findings."""
    with translation.override(site_language(patient.preferred_language)):
        return _report(patient=patient, report=report, actionable=actionable, other=other)


def _report(
    *,
    patient: Patient,
    report: GenotypingReport,
    actionable: list[dict[str, Any]],
    other: list[dict[str, Any]],
) -> bytes:
    doc = Document(title=_("Molecular report"), bottom_margin=15)
    doc.heading(_("Molecular report"), size=16)
    doc.lines(
        [
            _("Patient: %(name)s, MRN %(mrn)s, born %(dob)s")
            % {"name": patient.display_name, "mrn": patient.mrn, "dob": patient.date_of_birth},
            _("Test: %(test)s, reported %(date)s")
            % {"test": report.test_name, "date": report.reported_on},
            _("Tumor type: %(code)s. Specimen: %(specimen)s. Tumor content: %(content)s")
            % {
                "code": report.tumor_type,
                "specimen": report.specimen or "-",
                "content": f"{report.tumor_content_percent}%"
                if report.tumor_content_percent is not None
                else "-",
            },
            _("Knowledge base: %(version)s") % {"version": report.knowledge_version or "-"},
        ],
        size=10,
    )
    doc.space(3)
    doc.heading(_("Alterations with therapeutic implications"), size=12)
    if not actionable:
        doc.paragraph(_("None found."), size=10)
    for row in actionable:
        variant = row["variant"]
        title = f"{variant.gene} {variant.protein_short or variant.kind}"
        if variant.protein_change:
            title += f" ({variant.protein_change})"
        doc.paragraph(title, size=10, style="B", height=6)
        for therapy in row["sensitive"]:
            doc.paragraph(
                _("Sensitive: %(therapy)s - %(level)s (%(tumor)s; %(source)s)")
                % {
                    "therapy": therapy.get("therapy", ""),
                    "level": level_label(therapy.get("level", "")),
                    "tumor": therapy.get("tumor_type", ""),
                    "source": therapy.get("source", ""),
                },
                size=9,
            )
        for therapy in row["resistant"]:
            doc.paragraph(
                _("Resistant: %(therapy)s (%(tumor)s; %(source)s)")
                % {
                    "therapy": therapy.get("therapy", ""),
                    "tumor": therapy.get("tumor_type", ""),
                    "source": therapy.get("source", ""),
                },
                size=9,
            )
        doc.space(1)
    if other:
        doc.space(2)
        doc.heading(_("Other alterations found"), size=12)
        doc.paragraph(
            ", ".join(
                f"{r['variant'].gene} {r['variant'].protein_short or r['variant'].kind}"
                for r in other
            ),
            size=9,
        )
    doc.space(4)
    doc.paragraph(
        _(
            "Generated %(when)s. Evidence levels come from the knowledge base named above; "
            "they support, and do not replace, a clinician's judgement."
        )
        % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")},
        size=8,
        style="I",
        height=4,
    )
    return doc.output()

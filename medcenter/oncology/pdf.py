"""The molecular report as a PDF for clinicians (fpdf2).

PDF core fonts cover Latin-1 only; text outside it (a name in Arabic or Chinese script) is
transliterated with unidecode rather than shipping a font. The web page shows the original.
"""

from typing import Any

from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_noop
from fpdf import FPDF

from medcenter.core.pdf import latin1 as _latin
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
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=15)
    pdf.add_page()
    pdf.set_title(_latin(_("Molecular report")))
    pdf.set_font("Helvetica", "B", 16)
    pdf.cell(0, 10, _latin(_("Molecular report")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 10)
    lines = [
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
    ]
    for line in lines:
        pdf.multi_cell(0, 5, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(3)
    pdf.set_font("Helvetica", "B", 12)
    pdf.cell(
        0, 8, _latin(_("Alterations with therapeutic implications")), new_x="LMARGIN", new_y="NEXT"
    )
    if not actionable:
        pdf.set_font("Helvetica", "", 10)
        pdf.multi_cell(0, 5, _latin(_("None found.")), new_x="LMARGIN", new_y="NEXT")
    for row in actionable:
        variant = row["variant"]
        pdf.set_font("Helvetica", "B", 10)
        title = f"{variant.gene} {variant.protein_short or variant.kind}"
        if variant.protein_change:
            title += f" ({variant.protein_change})"
        pdf.multi_cell(0, 6, _latin(title), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        for therapy in row["sensitive"]:
            text = _("Sensitive: %(therapy)s - %(level)s (%(tumor)s; %(source)s)") % {
                "therapy": therapy.get("therapy", ""),
                "level": level_label(therapy.get("level", "")),
                "tumor": therapy.get("tumor_type", ""),
                "source": therapy.get("source", ""),
            }
            pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
        for therapy in row["resistant"]:
            text = _("Resistant: %(therapy)s (%(tumor)s; %(source)s)") % {
                "therapy": therapy.get("therapy", ""),
                "tumor": therapy.get("tumor_type", ""),
                "source": therapy.get("source", ""),
            }
            pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
        pdf.ln(1)
    if other:
        pdf.ln(2)
        pdf.set_font("Helvetica", "B", 12)
        pdf.cell(0, 8, _latin(_("Other alterations found")), new_x="LMARGIN", new_y="NEXT")
        pdf.set_font("Helvetica", "", 9)
        text = ", ".join(
            f"{r['variant'].gene} {r['variant'].protein_short or r['variant'].kind}" for r in other
        )
        pdf.multi_cell(0, 5, _latin(text), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "I", 8)
    pdf.multi_cell(
        0,
        4,
        _latin(
            _(
                "Generated %(when)s. Evidence levels come from the knowledge base named above; "
                "they support, and do not replace, a clinician's judgement."
            )
            % {"when": timezone.localtime().strftime("%Y-%m-%d %H:%M")}
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())

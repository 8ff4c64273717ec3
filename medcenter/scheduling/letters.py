"""The consult letter back to the referring physician, as a PDF (fpdf2, Latin-1 core fonts;
other scripts are transliterated as in the molecular report)."""

from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _
from fpdf import FPDF

from medcenter.core.pdf import latin1 as _latin
from medcenter.scheduling.models import Appointment, Referral


def consult_letter_pdf(referral: Referral) -> bytes:
    """Letterhead, the physician, the patient, the visit(s), and the consult summary."""
    pdf = FPDF(format="Letter")
    pdf.set_auto_page_break(auto=True, margin=18)
    pdf.add_page()
    center = settings.CENTER
    pdf.set_title(_latin(_("Consult letter")))
    pdf.set_font("Helvetica", "B", 14)
    pdf.cell(0, 8, _latin(center["name"]), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 9)
    pdf.cell(
        0,
        5,
        _latin(
            f"{center['street']}, {center['city']}, {center['region']} "
            f"{center['postal_code']}  -  {center['phone']}".replace("·", "-")
        ),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    pdf.ln(6)
    pdf.set_font("Helvetica", "", 11)
    sent = referral.letter_sent_at or timezone.now()
    lines = [
        timezone.localtime(sent).strftime("%Y-%m-%d"),
        "",
        referral.referrer_name or _("Referring physician"),
        referral.referrer_practice,
        f"NPI {referral.referrer_npi}" if referral.referrer_npi else "",
        "",
        _("Re: %(name)s, born %(dob)s")
        % {"name": referral.patient_name, "dob": referral.date_of_birth},
        _("Referred for: %(reason)s") % {"reason": referral.diagnosis},
    ]
    if referral.patient is not None:
        lines.append(_("Our MRN: %(mrn)s") % {"mrn": referral.patient.mrn})
    visits = Appointment.objects.filter(
        referral=referral, status__in=("fulfilled", "arrived")
    ).select_related("clinician", "visit_type", "location")
    for visit in visits:
        lines.append(
            _("Seen on %(date)s by %(who)s (%(visit)s) at %(where)s")
            % {
                "date": timezone.localtime(visit.start).strftime("%Y-%m-%d"),
                "who": visit.owner_label,
                "visit": visit.visit_type.name,
                "where": visit.location.name,
            }
        )
    for line in lines:
        pdf.multi_cell(0, 6, _latin(line), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(4)
    pdf.set_font("Helvetica", "B", 11)
    pdf.cell(0, 7, _latin(_("Consult summary")), new_x="LMARGIN", new_y="NEXT")
    pdf.set_font("Helvetica", "", 11)
    pdf.multi_cell(0, 6, _latin(referral.consult_summary or "-"), new_x="LMARGIN", new_y="NEXT")
    pdf.ln(6)
    pdf.multi_cell(
        0,
        6,
        _latin(_("Thank you for referring your patient to us.")),
        new_x="LMARGIN",
        new_y="NEXT",
    )
    return bytes(pdf.output())

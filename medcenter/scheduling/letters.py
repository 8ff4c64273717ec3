"""The consult letter back to the referring physician, as a PDF (core.documents), written in
the patient's language: the scripts of names and labels are drawn as they are, never
transliterated."""

from django.conf import settings
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medcenter.core.documents import Document, site_language
from medcenter.scheduling.models import Appointment, Referral


def letter_language(referral: Referral) -> str:
    """The patient's language once registered, else the one given on the referral."""
    if referral.patient is not None:
        return site_language(referral.patient.preferred_language)
    return site_language(referral.language)


def consult_letter_pdf(referral: Referral) -> bytes:
    """Letterhead, the physician, the patient, the visit(s), and the consult summary."""
    visits = Appointment.objects.filter(
        referral=referral, status__in=("fulfilled", "arrived")
    ).select_related("clinician", "visit_type", "location")
    with translation.override(letter_language(referral)):
        return letter_pdf(referral, list(visits))


def letter_pdf(referral: Referral, visits: list[Appointment]) -> bytes:
    """The letter in the active language, for the visits given."""
    center = settings.CENTER
    doc = Document(title=_("Consult letter"))
    doc.heading(center["name"])
    doc.paragraph(
        f"{center['street']}, {center['city']}, {center['region']} "
        f"{center['postal_code']}  -  {center['phone']}".replace("·", "-"),
        size=9,
    )
    doc.space(6)
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
    for visit in visits:
        lines.append(
            _("Seen on %(date)s by %(who)s (%(visit)s) at %(where)s")
            % {
                "date": timezone.localtime(visit.start).strftime("%Y-%m-%d"),
                "who": visit.owner_label,
                "visit": visit.visit_type.label(doc.language),
                "where": visit.location.name,
            }
        )
    doc.lines(lines)
    doc.space(4)
    doc.heading(_("Consult summary"), size=11)
    doc.paragraph(referral.consult_summary or "-")
    doc.space(6)
    doc.paragraph(_("Thank you for referring your patient to us."))
    return doc.output()

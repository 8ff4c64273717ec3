"""The readable summary of one's record as a PDF (core.documents), in the patient's language:
names in any script drawn with embedded fonts as they are, never transliterated."""

from typing import Any

from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from medcenter.core.documents import Document, site_language
from medcenter.patients.access import PatientAccess
from medcenter.portal import selectors
from medcenter.portal.summary import health_summary


def record_summary_pdf(access: PatientAccess) -> bytes:
    """My health summary and my next visits, as a PDF in the patient's language."""
    with translation.override(site_language(access.patient.preferred_language)):
        return _summary(access)


def _date(value: Any) -> str:
    return formats.date_format(value, "DATE_FORMAT")


def _summary(access: PatientAccess) -> bytes:
    patient = access.patient
    summary = health_summary(access)
    doc = Document(title=_("My health summary"))
    doc.heading(_("My health summary"), size=16)
    doc.lines(
        [
            _("Patient: %(name)s, MRN %(mrn)s, born %(dob)s")
            % {
                "name": patient.display_name,
                "mrn": patient.mrn,
                "dob": _date(patient.date_of_birth),
            },
            _("Printed on %(date)s") % {"date": _date(timezone.localdate())},
        ],
        size=10,
    )
    doc.space(3)
    doc.heading(_("Diagnoses"), size=12)
    if not summary.diagnoses:
        doc.paragraph(_("None recorded."), size=10)
    for item in summary.diagnoses:
        line = item.name
        if item.diagnosis.diagnosed_on:
            line += " · " + _("diagnosed %(date)s") % {"date": _date(item.diagnosis.diagnosed_on)}
        if item.stage is not None and item.stage.stage_group:
            line += " · " + _("stage %(stage)s") % {"stage": item.stage.stage_group}
        doc.paragraph(line, size=10)
    doc.space(3)
    doc.heading(_("Current treatments"), size=12)
    if not summary.treatments:
        doc.paragraph(_("None recorded."), size=10)
    for course in summary.treatments:
        doc.paragraph(
            _("%(regimen)s, since %(date)s")
            % {"regimen": course.regimen, "date": _date(course.started_on)},
            size=10,
        )
    doc.space(3)
    doc.heading(_("My care team"), size=12)
    if not summary.care_team:
        doc.paragraph(_("None recorded."), size=10)
    for member in summary.care_team:
        doc.paragraph(f"{member.name}{' · ' + member.role if member.role else ''}", size=10)
    doc.space(3)
    doc.heading(_("Next visits"), size=12)
    visits = selectors.upcoming_visits(access, limit=10) if "appointments" in access.scopes else []
    if not visits:
        doc.paragraph(_("None booked."), size=10)
    language = translation.get_language() or "en"
    for visit in visits:
        doc.paragraph(
            f"{formats.date_format(timezone.localtime(visit.start), 'DATETIME_FORMAT')} · "
            f"{visit.visit_type.label(language)} · {visit.owner_label} · {visit.location.name}",
            size=10,
        )
    doc.space(4)
    doc.paragraph(
        _(
            "This summary is for your own use. Your care team has the complete record; "
            "please ask them about anything here."
        ),
        size=8,
        style="I",
    )
    return doc.output()

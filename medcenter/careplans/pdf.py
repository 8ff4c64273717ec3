"""The patient's care plan as a PDF (core.documents: embedded Noto fonts, any script), in the
language of the page it was asked from; free text is printed as the clinician wrote it."""

from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medcenter.careplans.models import CarePlan
from medcenter.core.documents import Document
from medcenter.patients.models import Patient


def plan_pdf(patient: Patient, plan: CarePlan | None) -> bytes:
    doc = Document(title=_("Your care plan"))
    doc.heading(_("Your care plan"), size=16)
    doc.paragraph(patient.display_name)
    if plan is None:
        doc.paragraph(
            _("You have no care plan yet. Your care team will share it here once it is agreed.")
        )
        return doc.output()
    if plan.activated_at:
        doc.paragraph(
            _("Agreed on %(date)s") % {"date": date_format(plan.activated_at.date(), "DATE_FORMAT")}
        )
    doc.space(4)
    doc.heading(_("What we are aiming for"))
    doc.lines([goal.get_category_display() for goal in plan.goals.all()])
    doc.space(4)
    doc.heading(_("What happens next"))
    for activity in plan.activities.all():
        line = str(activity.get_kind_display())
        if activity.detail:
            line += f": {activity.detail}"
        doc.paragraph(f"{line} ({activity.get_status_display()})")
    if plan.note:
        doc.space(4)
        doc.heading(_("A note from your care team"))
        doc.paragraph(plan.note)
    return doc.output()

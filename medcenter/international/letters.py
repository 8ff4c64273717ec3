"""The case's letters as PDFs (core.documents): the second opinion, the cost estimate and the
visa support letter, each in the patient's language or in English. Names and free text are set
as they were written, never transliterated; amounts in USD govern, the patient's currency is
shown beside them at the rate frozen in the estimate."""

from decimal import Decimal

from babel.numbers import format_currency
from django.conf import settings
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _
from django.utils.translation import to_locale

from medcenter.core.documents import Document, site_language
from medcenter.core.lists import join_list
from medcenter.international.models import (
    Case,
    Estimate,
    Letter,
    LetterKind,
    Opinion,
    Payer,
)

# Invisible direction marks CLDR puts around amounts; PDFs draw no glyph for them, and the
# bidi algorithm places the digits correctly without them.
_MARKS = str.maketrans("", "", "\u200e\u200f\u061c")


def money(cents: int, currency: str = "USD", *, language: str | None = None) -> str:
    """An amount in the language's own way of writing money (Babel, CLDR)."""
    locale = to_locale(language or translation.get_language() or "en")
    return str(format_currency(Decimal(cents) / 100, currency, locale=locale)).translate(_MARKS)


def shown_in(cents: int, estimate: Estimate, *, language: str | None = None) -> str:
    from medcenter.international.services import in_currency

    if estimate.currency == "USD":
        return ""
    amount = in_currency(cents, estimate.per_usd)
    locale = to_locale(language or translation.get_language() or "en")
    return str(format_currency(amount, estimate.currency, locale=locale)).translate(_MARKS)


def render(letter: Letter, *, language: str) -> bytes:
    with translation.override(site_language(language)):
        if letter.kind == LetterKind.OPINION:
            return _opinion(letter)
        if letter.kind == LetterKind.ESTIMATE:
            return _estimate(letter)
        if letter.kind == LetterKind.ITINERARY:
            return _itinerary(letter)
        if letter.kind == LetterKind.SUMMARY:
            return _summary(letter, language=language)
        return _visa(letter)


def _letterhead(doc: Document, letter: Letter) -> None:
    center = settings.CENTER
    doc.heading(center["name"])
    doc.paragraph(
        f"{center['street']}, {center['city']}, {center['region']} {center['postal_code']}",
        size=9,
    )
    doc.paragraph(_("International Patient Center") + f" - {center['phone']}", size=9)
    doc.space(5)
    doc.paragraph(date_format(timezone.localtime(letter.issued_at).date(), "DATE_FORMAT"))
    doc.paragraph(_("Reference: %(number)s") % {"number": letter.number})
    doc.space(4)


def _patient_line(case: Case) -> str:
    return _("Patient: %(name)s, born %(born)s") % {
        "name": case.patient_name,
        "born": date_format(case.patient_birth_date, "DATE_FORMAT"),
    }


def _opinion(letter: Letter) -> bytes:
    case = letter.case
    opinion = Opinion.objects.filter(public_id=letter.facts.get("opinion")).first()
    doc = Document(title=_("Second opinion letter"))
    _letterhead(doc, letter)
    doc.heading(_("Second opinion letter"), size=13)
    doc.paragraph(_patient_line(case))
    doc.paragraph(_("Condition: %(condition)s") % {"condition": case.condition_text})
    doc.space(3)
    if opinion is not None:
        doc.paragraph(opinion.summary)
        doc.space(6)
        if opinion.specialist is not None:
            doc.paragraph(opinion.specialist.get_full_name())
    return doc.output()


def _estimate(letter: Letter) -> bytes:
    case = letter.case
    estimate = Estimate.objects.filter(public_id=letter.facts.get("estimate")).first()
    doc = Document(title=_("Cost estimate"))
    _letterhead(doc, letter)
    doc.heading(_("Cost estimate"), size=13)
    doc.paragraph(_patient_line(case))
    if estimate is not None:
        doc.paragraph(_("Estimate number: %(number)s") % {"number": estimate.number})
        doc.space(3)
        for line in estimate.lines.all().order_by("id"):
            doc.paragraph(f"{line.description} \u00d7 {line.quantity}: {money(line.total_cents)}")
        doc.space(3)
        doc.paragraph(_("Total: %(total)s") % {"total": money(estimate.total_cents)}, style="B")
        if estimate.currency != "USD" and estimate.rate_date is not None:
            doc.paragraph(
                _("About %(amount)s at %(rate)s %(currency)s per US dollar (rate of %(date)s).")
                % {
                    "amount": shown_in(estimate.total_cents, estimate),
                    "rate": estimate.per_usd.normalize(),
                    "currency": estimate.currency,
                    "date": date_format(estimate.rate_date, "DATE_FORMAT"),
                }
            )
        doc.space(3)
        doc.paragraph(
            _(
                "Amounts in US dollars govern. An estimate is not a bill: the final cost depends "
                "on the care given."
            ),
            size=9,
        )
    return doc.output()


def _visa(letter: Letter) -> bytes:
    case = letter.case
    facts = letter.facts
    doc = Document(title=_("Visa support letter"))
    _letterhead(doc, letter)
    doc.paragraph(_("To the consular officer:"))
    doc.space(2)
    doc.paragraph(_patient_line(case))
    doc.paragraph(
        _(
            "Our center has reviewed the medical records of the patient named above, who has "
            "%(condition)s, and is willing to treat the patient."
        )
        % {"condition": case.condition_text}
    )
    if facts.get("inpatient"):
        doc.paragraph(_("Planned inpatient care: %(care)s") % {"care": facts["inpatient"]})
    if facts.get("outpatient"):
        doc.paragraph(_("Planned outpatient care: %(care)s") % {"care": facts["outpatient"]})
    doc.paragraph(
        _("Estimated duration of treatment: %(days)s days.") % {"days": facts.get("duration_days")}
    )
    doc.paragraph(
        _("Estimated cost: %(amount)s.") % {"amount": money(int(facts.get("estimate_cents", 0)))}
    )
    payer = str(Payer(facts.get("payer", Payer.SELF)).label)
    doc.paragraph(
        _("Payment: %(payer)s; the estimate is covered by a deposit or a letter of guarantee.")
        % {"payer": payer}
    )
    companions = facts.get("companions") or []
    if companions:
        doc.paragraph(
            _("Accompanied by: %(names)s") % {"names": join_list(str(c) for c in companions)}
        )
    doc.space(8)
    doc.paragraph(str(facts.get("signatory_name", "")), style="B")
    if facts.get("signatory_title"):
        doc.paragraph(str(facts["signatory_title"]))
    doc.paragraph(settings.CENTER["name"])
    return doc.output()


def _itinerary(letter: Letter) -> bytes:
    from medcenter.international.models import ItineraryItem

    case = letter.case
    doc = Document(title=_("Itinerary"))
    _letterhead(doc, letter)
    doc.heading(_("Itinerary"), size=13)
    doc.paragraph(_patient_line(case))
    items = (
        ItineraryItem.objects.filter(itinerary__case=case)
        .select_related("appointment__clinician", "appointment__location", "interpreter")
        .order_by("starts_at")
    )
    day = None
    for item in items:
        local = timezone.localtime(item.starts_at)
        if local.date() != day:
            day = local.date()
            doc.space(3)
            doc.paragraph(date_format(day, "DATE_FORMAT"), style="B")
        appointment = item.appointment
        who = appointment.clinician.display_name if appointment.clinician else ""
        doc.paragraph(f"{date_format(local, 'TIME_FORMAT')} - {who} - {appointment.location.name}")
        if item.interpreter is not None:
            doc.paragraph(_("An interpreter will be with you."), size=9)
        elif item.interpreter_gap:
            doc.paragraph(_("We are arranging an interpreter."), size=9)
    itinerary = getattr(case, "itinerary", None)
    if itinerary is not None and itinerary.hotel:
        doc.space(3)
        doc.paragraph(_("Hotel: %(hotel)s") % {"hotel": itinerary.hotel})
    return doc.output()


def summary_text(letter: Letter, *, language: str) -> str:
    """The summary as written for this reader: the translation for the case's own language,
    the English original for everyone else (the home physician, the record)."""
    translated = str(letter.facts.get("summary_translated", ""))
    if translated and site_language(language) == site_language(letter.case.language):
        return translated
    return str(letter.facts.get("summary", ""))


def _summary(letter: Letter, *, language: str) -> bytes:
    case = letter.case
    doc = Document(title=_("Visit summary"))
    _letterhead(doc, letter)
    doc.heading(_("Visit summary"), size=13)
    doc.paragraph(_patient_line(case))
    doc.paragraph(_("Condition: %(condition)s") % {"condition": case.condition_text})
    doc.space(3)
    for paragraph in summary_text(letter, language=language).split("\n"):
        if paragraph.strip():
            doc.paragraph(paragraph.strip())
    follow_ups = letter.facts.get("follow_ups") or []
    if follow_ups:
        doc.space(3)
        doc.paragraph(_("Follow-up"), style="B")
        for item in follow_ups:
            doc.paragraph(f"- {item}")
    doc.space(6)
    if letter.issued_by is not None:
        doc.paragraph(letter.issued_by.get_full_name())
    doc.paragraph(settings.CENTER["name"])
    return doc.output()

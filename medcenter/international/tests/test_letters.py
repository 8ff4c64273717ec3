"""Every letter in en, es, ar, zh-hans and ru: the text drawn is the text written, fonts are
embedded, Arabic is shaped and set from the right, names keep their script."""

from decimal import Decimal

import pytest
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medcenter.accounts.tests.factories import UserFactory
from medcenter.core.tests.pdftext import as_drawn, embedded_fonts, read_lines
from medcenter.international import letters, services
from medcenter.international.tests.factories import coordinator, new_case

pytestmark = pytest.mark.django_db

NAMES = {
    "en": ("Tomas Ferran", "bone sarcoma"),
    "es": ("Tomás Ferrán", "sarcoma óseo"),
    "ar": ("فاطمة الزهراء", "ساركوما عظمية"),
    "zh-hans": ("王秀英", "骨肉瘤"),
    "ru": ("Ольга Смирнова", "саркома кости"),
}
SCRIPT_FONT = {
    "en": "NotoSans",
    "es": "NotoSans",
    "ar": "NotoSansArabic",
    "zh-hans": "NotoSansCJK",
    "ru": "NotoSans",
}


def _texts(pdf):
    return [line.visual for page in read_lines(pdf) for line in page]


def _visa_case(language):
    user = coordinator()
    follower = UserFactory()
    name, condition = NAMES[language]
    case = new_case(language=language, patient_name=name, condition_text=condition)
    case.account = follower
    case.save()
    services.set_price(code="CONSULT", description="Consultation", amount_cents=85_000, actor=user)
    services.enter_rate(
        currency="MXN", per_usd=Decimal("17.25"), on_date=timezone.localdate(), actor=user
    )
    services.set_status(case=case, status="under_review", actor=user)
    estimate = services.create_estimate(
        case=case, lines=[services.LineRequest("CONSULT", 2)], currency="MXN", actor=user
    )
    services.send_estimate(estimate=estimate, actor=user)
    services.accept_estimate(user=follower, estimate=estimate)
    services.clear(case=case, actor=user, override_reason="Approved")
    letter = services.issue_visa_letter(
        case=case,
        facts=services.VisaFacts(
            inpatient="",
            outpatient=condition,
            duration_days=12,
            companions=(name,),
            signatory_name="Dr. Imani Vale",
            signatory_title="",
        ),
        actor=user,
    )
    return case, letter, estimate


@pytest.mark.parametrize("language", list(NAMES))
def test_the_visa_letter_reads_back_in_the_patients_language(language):
    _case, letter, _estimate = _visa_case(language)
    name, condition = NAMES[language]

    pdf = letters.render(letter, language=language)

    texts = _texts(pdf)
    with translation.override(language):
        expected = [
            _("Estimated duration of treatment: %(days)s days.") % {"days": 12},
            _("Estimated cost: %(amount)s.") % {"amount": letters.money(170_000)},
            _("Planned outpatient care: %(care)s") % {"care": condition},
            _("Reference: %(number)s") % {"number": letter.number},
        ]
    for line in expected:
        assert as_drawn(line) in texts, (language, line, texts)
    assert any(name in text or as_drawn(name) in text for text in texts)
    fonts = {font.split("+")[1].replace("-", "") for font in embedded_fonts(pdf)}
    assert any(f.startswith(SCRIPT_FONT[language]) for f in fonts), fonts
    assert all(embedded_fonts(pdf).values())  # every font's file is in the PDF


def test_the_english_copy_keeps_the_names_script():
    _case, letter, _estimate = _visa_case("ar")
    texts = _texts(letters.render(letter, language="en"))
    assert "Estimated duration of treatment: 12 days." in texts
    assert any(as_drawn("فاطمة الزهراء") in text for text in texts)


@pytest.mark.parametrize("language", list(NAMES))
def test_the_estimate_shows_usd_and_the_frozen_local_amount(language):
    case, _letter, estimate = _visa_case(language)
    estimate_letter = case.letters.get(kind="estimate")
    pdf = letters.render(estimate_letter, language=language)
    texts = _texts(pdf)
    with translation.override(language):
        total = _("Total: %(total)s") % {"total": letters.money(170_000)}
        local = letters.shown_in(170_000, estimate)
        sentence = _(
            "About %(amount)s at %(rate)s %(currency)s per US dollar (rate of %(date)s)."
        ) % {
            "amount": local,
            "rate": estimate.per_usd.normalize(),
            "currency": estimate.currency,
            "date": date_format(estimate.rate_date, "DATE_FORMAT"),
        }
    assert as_drawn(total) in texts, (language, total, texts)
    drawn = as_drawn(local, paragraph=sentence)
    assert any(drawn in text for text in texts), (language, local, texts)
    assert all(embedded_fonts(pdf).values())


@pytest.mark.parametrize("language", list(NAMES))
def test_the_opinion_letter_reads_back_in_each_language(language):
    from medcenter.international.tests.factories import clinician

    name, condition = NAMES[language]
    doctor = clinician()
    case = new_case(language=language, patient_name=name, condition_text=condition)
    services.assign_reviewer(case=case, reviewer=doctor, actor=coordinator())
    opinion = services.decide(
        case=case, specialist=doctor, decision="remote", summary=f"{condition}: {name}."
    )
    letter = services.send_opinion_letter(opinion=opinion, actor=doctor)

    pdf = letters.render(letter, language=language)

    texts = _texts(pdf)
    with translation.override(language):
        expected = [
            _("Second opinion letter"),
            _("Condition: %(condition)s") % {"condition": condition},
            _("Reference: %(number)s") % {"number": letter.number},
        ]
    for line in [*expected, f"{condition}: {name}."]:
        assert any(as_drawn(line) in text for text in texts), (language, line, texts)
    fonts = {font.split("+")[1].replace("-", "") for font in embedded_fonts(pdf)}
    assert any(f.startswith(SCRIPT_FONT[language]) for f in fonts), fonts
    assert all(embedded_fonts(pdf).values())

"""The consult letter PDF is written in the patient's language, in its own script."""

from datetime import date, timedelta

import pytest
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from medcenter.core.tests.pdftext import as_drawn, embedded_fonts, read_lines
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling.letters import consult_letter_pdf
from medcenter.scheduling.models import Referral

pytestmark = pytest.mark.django_db


def _referral(**fields):
    values = {
        "source": "physician",
        "given_name": "Rowan",
        "family_name": "Letterly",
        "date_of_birth": date(1975, 3, 14),
        "diagnosis": "Osteosarcoma",
        "referrer_name": "Dr. Ada Quill",
        "consult_summary": "Seen; plan discussed.",
        "contact_due_at": timezone.now() + timedelta(days=1),
    }
    return Referral.objects.create(**{**values, **fields})


def _texts(pdf):
    return [line.visual for page in read_lines(pdf) for line in page]


def test_a_letter_for_an_arabic_reader_is_in_arabic_from_the_right():
    referral = _referral(
        language="ar",
        given_name="فاطمة",
        family_name="الزهراء",
        diagnosis="ساركوما عظمية",
        consult_summary="تمت مناقشة الخطة مع المريضة.",
    )

    pdf = consult_letter_pdf(referral)

    with translation.override("ar"):
        re_line = _("Re: %(name)s, born %(dob)s") % {
            "name": "فاطمة الزهراء",
            "dob": date(1975, 3, 14),
        }
        expected = [
            _("Referred for: %(reason)s") % {"reason": "ساركوما عظمية"},
            _("Consult summary"),
            "تمت مناقشة الخطة مع المريضة.",
            _("Thank you for referring your patient to us."),
        ]
    texts = _texts(pdf)
    assert as_drawn(re_line) in texts
    for line in expected:
        assert as_drawn(line) in texts
    assert expected[1] != "Consult summary"
    assert "NotoSansArabic" in {name.split("+")[1].replace("-", "") for name in embedded_fonts(pdf)}


def test_a_letter_for_a_chinese_reader_keeps_the_names_script():
    referral = _referral(language="zh-hans", given_name="秀英", family_name="王")

    texts = _texts(consult_letter_pdf(referral))

    with translation.override("zh-hans"):
        assert _("Re: %(name)s, born %(dob)s") % {"name": "秀英 王", "dob": date(1975, 3, 14)} in (
            texts
        )
        assert _("Consult summary") in texts


def test_a_registered_patients_own_language_wins_over_the_referrals():
    patient = PatientFactory(preferred_language="ru", given_name="Анна", family_name="Ёлкина")
    referral = _referral(language="en", patient=patient)

    texts = _texts(consult_letter_pdf(referral))

    with translation.override("ru"):
        assert _("Consult summary") in texts
        assert _("Our MRN: %(mrn)s") % {"mrn": patient.mrn} in texts

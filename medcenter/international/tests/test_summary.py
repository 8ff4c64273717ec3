"""After the visit: the summary goes to the patient in their language and to the home
physician in English, as a PDF through the outbox; follow-ups become tasks; the case moves to
follow-up and then closes."""

from datetime import timedelta

import pytest
from django.core.exceptions import PermissionDenied, ValidationError
from django.test import Client
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.html import escape
from django.utils.translation import gettext as _

from medcenter.accounts.tests.factories import UserFactory, sign_in_verified
from medcenter.core import outbox
from medcenter.core.errors import Conflict
from medcenter.core.models import AuditEvent, Notification
from medcenter.core.tests.pdftext import as_drawn, embedded_fonts, read_lines
from medcenter.international import letters, services
from medcenter.international.models import CaseStatus, LetterKind, TaskKind
from medcenter.international.tests.factories import clinician, coordinator, new_case

pytestmark = pytest.mark.django_db

SUMMARIES = {
    "en": ("Tomas Ferran", "The biopsy confirmed a low-grade tumour. Surgery went well."),
    "es": ("Tomás Ferrán", "La biopsia confirmó un tumor de bajo grado. La cirugía fue bien."),
    "ar": ("فاطمة الزهراء", "أكدت الخزعة ورمًا منخفض الدرجة. نجحت الجراحة."),
    "zh-hans": ("王秀英", "活检证实为低级别肿瘤。手术顺利。"),
    "ru": ("Ольга Смирнова", "Биопсия подтвердила опухоль низкой степени. Операция успешна."),
}
ENGLISH = "The biopsy confirmed a low-grade tumour. Surgery went well."


def _seen_case(language="es", **overrides):
    """A case whose patient has been seen (in care), coordinated by a verified coordinator."""
    user = coordinator()
    case = new_case(language=language, **overrides)
    services.assign_coordinator(case=case, coordinator=user, actor=user)
    for status in ("under_review", "opinion_sent"):
        services.set_status(case=case, status=status, actor=user)
    services.clear(case=case, actor=user, override_reason="Embassy confirmed by phone")
    for status in ("scheduled", "in_care"):
        services.set_status(case=case, status=status, actor=user)
    case.refresh_from_db()
    return case, user


def _facts(language="es", **overrides):
    facts = {
        "summary": ENGLISH,
        "summary_translated": "" if language == "en" else SUMMARIES[language][1],
        "follow_ups": ("CT of the chest in 3 months", "Call about the pathology report"),
        "follow_up_due": timezone.localdate() + timedelta(days=90),
    }
    facts.update(overrides)
    return services.SummaryFacts(**facts)


def test_the_summary_goes_to_the_patient_in_their_language_and_the_physician_in_english():
    case, user = _seen_case()
    Notification.objects.all().delete()

    letter = services.send_visit_summary(case=case, facts=_facts(), actor=user)

    assert letter.kind == LetterKind.SUMMARY
    sent = Notification.objects.filter(kind="international.letter").order_by("to")
    assert [(n.to, n.language) for n in sent] == [
        ("ana.ruiz@example.test", "en"),
        ("lucia@example.test", "es"),
    ]
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP
    follow_ups = case.tasks.filter(kind=TaskKind.FOLLOW_UP).order_by("title")
    assert [(t.title, t.owner) for t in follow_ups] == [
        ("CT of the chest in 3 months", user),
        ("Call about the pathology report", user),
    ]
    assert case.due_at == min(t.due_at for t in case.tasks.open())
    assert case.events.filter(kind="summary_sent").exists()
    assert AuditEvent.objects.filter(action="international.summary_sent").count() == 1


def test_the_emails_carry_the_summary_pdf_each_in_its_readers_language(mailoutbox):
    case, user = _seen_case()
    Notification.objects.all().delete()
    services.send_visit_summary(case=case, facts=_facts(), actor=user)

    for note in Notification.objects.filter(kind="international.letter"):
        assert outbox.deliver(note.pk)

    by_reader = {m.to[0]: m for m in mailoutbox}
    patient = by_reader["lucia@example.test"].attachments[0]
    physician = by_reader["ana.ruiz@example.test"].attachments[0]
    assert patient[2] == physician[2] == "application/pdf"
    patient_text = [line.visual for page in read_lines(patient[1]) for line in page]
    physician_text = [line.visual for page in read_lines(physician[1]) for line in page]
    assert any(SUMMARIES["es"][1] in text for text in patient_text), patient_text
    assert any(ENGLISH in text for text in physician_text), physician_text
    assert not any(ENGLISH in text for text in patient_text)


def test_a_summary_waits_for_the_visit_and_needs_the_patients_language():
    early = new_case()
    user = coordinator()
    with pytest.raises(Conflict):
        services.send_visit_summary(case=early, facts=_facts(), actor=user)

    case, user = _seen_case()
    with pytest.raises(ValidationError) as missing:
        services.send_visit_summary(
            case=case,
            facts=_facts(summary=" ", summary_translated="", follow_up_due=None),
            actor=user,
        )
    assert set(missing.value.message_dict) == {"summary", "summary_translated", "follow_up_due"}
    with pytest.raises(ValidationError) as past:
        services.send_visit_summary(
            case=case,
            facts=_facts(follow_up_due=timezone.localdate() - timedelta(days=1)),
            actor=user,
        )
    assert set(past.value.message_dict) == {"follow_up_due"}
    case.refresh_from_db()
    assert case.status == CaseStatus.IN_CARE
    assert not case.letters.filter(kind=LetterKind.SUMMARY).exists()
    assert not case.tasks.filter(kind=TaskKind.FOLLOW_UP).exists()


def test_an_english_reader_needs_no_translation_and_no_follow_up():
    case, user = _seen_case(language="en")
    letter = services.send_visit_summary(
        case=case, facts=_facts("en", follow_ups=(), follow_up_due=None), actor=user
    )
    assert letters.summary_text(letter, language="en") == ENGLISH
    case.refresh_from_db()
    assert case.status == CaseStatus.FOLLOW_UP
    services.set_status(case=case, status="closed", actor=user)
    case.refresh_from_db()
    assert case.status == CaseStatus.CLOSED


def test_only_a_coordinator_sends_the_summary():
    case, _user = _seen_case()
    with pytest.raises(PermissionDenied):
        services.send_visit_summary(case=case, facts=_facts(), actor=clinician())
    with pytest.raises(PermissionDenied):
        services.send_visit_summary(case=case, facts=_facts(), actor=UserFactory())


@pytest.mark.parametrize("language", list(SUMMARIES))
def test_the_summary_pdf_reads_back_in_each_language(language):
    name, written = SUMMARIES[language]
    case, user = _seen_case(language=language, patient_name=name)
    letter = services.send_visit_summary(case=case, facts=_facts(language), actor=user)

    pdf = letters.render(letter, language=language)

    texts = [line.visual for page in read_lines(pdf) for line in page]
    with translation.override(language):
        expected = [
            _("Visit summary"),
            _("Reference: %(number)s") % {"number": letter.number},
            "- CT of the chest in 3 months",
        ]
    for line in [*expected, written]:
        assert any(as_drawn(line) in text for text in texts), (language, line, texts)
    assert any(as_drawn(name) in text for text in texts)
    assert all(embedded_fonts(pdf).values())


def test_the_patient_reads_the_summary_on_their_case_page_and_staff_send_it_from_theirs():
    case, user = _seen_case()
    follower = UserFactory()
    case.account = follower
    case.save()
    staff = Client()
    sign_in_verified(staff, user)
    with translation.override("es"):
        action = reverse(
            "international:case_action", kwargs={"case_id": case.public_id, "action": "summary"}
        )
        page = reverse("international:my_case", kwargs={"case_id": case.public_id})

    refused = staff.post(action, {"summary-summary": ENGLISH, "summary-follow_ups": "CT"})
    assert refused.status_code == 400
    body = refused.content.decode()
    with translation.override("es"):
        assert escape(_("Please add the summary in the patient's language.")) in body
        assert escape(_("Please say when the follow-ups are due.")) in body
    assert ENGLISH in body  # what was typed is kept

    sent = staff.post(
        action,
        {
            "summary-summary": ENGLISH,
            "summary-summary_translated": SUMMARIES["es"][1],
            "summary-follow_ups": "CT",
            "summary-follow_up_due": (timezone.localdate() + timedelta(days=30)).isoformat(),
        },
    )
    assert sent.status_code == 302

    patient = Client()
    patient.force_login(follower)
    own = patient.get(page).content.decode()
    letter = case.letters.get(kind=LetterKind.SUMMARY)
    with translation.override("es"):
        assert str(LetterKind.SUMMARY.label) in own
        link = reverse(
            "international:my_case_letter",
            kwargs={"case_id": case.public_id, "letter_id": letter.public_id},
        )
    assert link in own
    pdf = patient.get(link)
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"

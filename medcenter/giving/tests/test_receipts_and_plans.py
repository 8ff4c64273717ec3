"""Receipts (numbers, refunds, the PDF's statement) and monthly plans through the sandbox."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import ValidationError
from django.core.management import call_command
from django.test import Client
from django.utils import timezone

from medcenter.core.tests.pdftext import read_lines
from medcenter.giving import receipts, services, tokens
from medcenter.giving.gateways.sandbox import SandboxGateway, add_month
from medcenter.giving.models import (
    Gift,
    GiftStatus,
    MonthlyPlan,
    PlanStatus,
    Receipt,
    SandboxSubscription,
)
from medcenter.giving.tests.factories import FundFactory

pytestmark = pytest.mark.django_db


def pdf_text(pdf: bytes) -> str:
    return "\n".join(line.visual for page in read_lines(pdf) for line in page)


def start(frequency="one_time", amount=5000, language="es", **extra):
    fund = FundFactory()
    request = services.GiftRequest(
        fund=fund.slug,
        amount_minor=amount,
        currency="USD",
        frequency=frequency,
        name="Ana Ejemplo",
        email="ana@example.test",
        language=language,
        **extra,
    )
    gift, url = services.start_gift(wanted=request)
    return gift, url


def pay(gift, capture):
    with capture(execute=True):
        assert SandboxGateway().pay(ref=gift.checkout_ref, card_number="4242424242424242").ok
    gift.refresh_from_db()
    return gift


def test_receipt_numbers_are_sequential_and_never_shared(django_capture_on_commit_callbacks):
    numbers = [
        pay(start()[0], django_capture_on_commit_callbacks).receipts.get().number for _ in range(3)
    ]
    assert numbers == [numbers[0], numbers[0] + 1, numbers[0] + 2]


def test_a_partial_refund_voids_the_receipt_and_reissues_it_audited(
    django_capture_on_commit_callbacks,
):
    from medcenter.accounts.tests.factories import StaffUserFactory
    from medcenter.core.models import AuditEvent

    gift = pay(start()[0], django_capture_on_commit_callbacks)
    officer = StaffUserFactory(roles=["giving_officer"])

    with django_capture_on_commit_callbacks(execute=True):
        services.refund_gift(gift=gift, amount_minor=2000, reason="Donor asked", actor=officer)

    gift.refresh_from_db()
    assert gift.status == GiftStatus.PARTIALLY_REFUNDED and gift.refunded_minor == 2000
    old, new = Receipt.objects.order_by("number")
    assert old.status == "void" and new.status == "valid"
    assert new.replaces == old and new.amount_minor == 3000
    assert AuditEvent.objects.filter(action="gift.refunded", reason="Donor asked").count() == 1
    with pytest.raises(ValidationError):
        services.refund_gift(gift=gift, amount_minor=3001, reason="too much", actor=officer)
    with pytest.raises(ValidationError):
        services.refund_gift(gift=gift, amount_minor=100, reason=" ", actor=officer)
    with django_capture_on_commit_callbacks(execute=True):
        services.refund_gift(gift=gift, amount_minor=3000, reason="All of it", actor=officer)
    gift.refresh_from_db()
    assert gift.status == GiftStatus.REFUNDED
    assert not Receipt.objects.filter(status="valid").exists()


def test_the_receipt_pdf_meets_publication_1771_in_the_donors_language(
    django_capture_on_commit_callbacks,
):
    gift = pay(start(language="es")[0], django_capture_on_commit_callbacks)
    text = pdf_text(receipts.receipt_pdf(gift.receipts.get()))
    assert "Aster Valley Comprehensive Cancer Center Foundation" in text
    assert "50,00" in text  # the amount, written the Spanish way
    assert "2026" in text or str(timezone.localdate().year) in text


def test_a_benefit_above_75_dollars_gets_the_quid_pro_quo_disclosure(
    django_capture_on_commit_callbacks,
):
    gift = pay(start(amount=20000, language="en")[0], django_capture_on_commit_callbacks)
    Gift.objects.filter(pk=gift.pk).update(
        benefit_description="a gala dinner", benefit_value_minor=8000
    )
    gift.refresh_from_db()
    receipt = receipts.reissue_after_refund(gift=gift)
    text = " ".join(pdf_text(receipts.receipt_pdf(receipt)).split())
    assert "a gala dinner" in text
    assert "$80.00" in text and "$120.00" in text
    assert "Disclosure" in text
    plain = pay(start(amount=20000, language="en")[0], django_capture_on_commit_callbacks)
    assert "No goods or services were provided" in " ".join(
        pdf_text(receipts.receipt_pdf(plain.receipts.get())).split()
    )


def test_each_monthly_installment_is_a_receipted_gift_and_a_pause_skips_months(
    django_capture_on_commit_callbacks,
):
    gift = pay(start(frequency="monthly", amount=2500)[0], django_capture_on_commit_callbacks)
    plan = MonthlyPlan.objects.get()
    assert plan.status == PlanStatus.ACTIVE and plan.subscription_ref
    due = add_month(timezone.localdate())

    with django_capture_on_commit_callbacks(execute=True):
        assert SandboxGateway().renew_due(today=due) == 1
        assert SandboxGateway().renew_due(today=due) == 0  # not twice the same month
    installments = Gift.objects.filter(plan=plan).exclude(pk=gift.pk)
    assert installments.get().status == GiftStatus.PAID
    assert Receipt.objects.count() == 2

    services.pause_plan(plan=plan, until=add_month(add_month(due)))
    with django_capture_on_commit_callbacks(execute=True):
        assert SandboxGateway().renew_due(today=add_month(due)) == 0
    assert Gift.objects.filter(plan=plan).count() == 2

    services.change_plan_amount(plan=plan, amount_minor=3000)
    assert SandboxSubscription.objects.get().amount_minor == 3000
    with django_capture_on_commit_callbacks(execute=True):
        services.cancel_plan(plan=plan)
    plan.refresh_from_db()
    assert plan.status == PlanStatus.CANCELLED
    with django_capture_on_commit_callbacks(execute=True):
        assert SandboxGateway().renew_due(today=add_month(add_month(add_month(due)))) == 0


def test_pausing_refuses_a_date_in_the_past_or_beyond_a_year():
    from medcenter.giving.tests.factories import PlanFactory

    plan = PlanFactory(status="active")
    for until in (timezone.localdate(), timezone.localdate() + timedelta(days=400)):
        with pytest.raises(ValidationError):
            services.pause_plan(plan=plan, until=until)


def test_asking_for_a_donor_link_never_says_whether_an_address_gave(
    django_capture_on_commit_callbacks,
):
    pay(start()[0], django_capture_on_commit_callbacks)
    mail.outbox.clear()
    client = Client()
    with django_capture_on_commit_callbacks(execute=True):
        known = client.post("/en/give/donor/", {"email": "ANA@example.test"})
        unknown = client.post("/en/give/donor/", {"email": "nobody@example.test"})
    assert known.status_code == unknown.status_code == 200
    assert known.content == unknown.content
    assert [m.to for m in mail.outbox] == [["ana@example.test"]]
    assert "/en/give/donor/" in mail.outbox[0].body


def test_the_donor_page_shows_history_and_pauses_the_plan(django_capture_on_commit_callbacks):
    gift = pay(start(frequency="monthly", amount=2500)[0], django_capture_on_commit_callbacks)
    plan = MonthlyPlan.objects.get()
    token = tokens.donor_token(gift.donor.public_id)
    client = Client()

    page = client.get(f"/es/give/donor/{token}/")
    assert page.status_code == 200 and page["Cache-Control"] == "no-store"
    until = (timezone.localdate() + timedelta(days=60)).isoformat()
    bad = client.post(
        f"/es/give/donor/{token}/", {"plan": str(plan.public_id), "action": "pause", "until": "abc"}
    )
    assert bad.status_code == 400
    done = client.post(
        f"/es/give/donor/{token}/", {"plan": str(plan.public_id), "action": "pause", "until": until}
    )
    assert done.status_code == 302
    plan.refresh_from_db()
    assert plan.status == PlanStatus.PAUSED and plan.paused_until.isoformat() == until
    receipt = Receipt.objects.get()
    assert client.get(f"/es/give/donor/{token}/receipts/{receipt.number}.pdf").status_code == 200
    assert (
        client.post(
            f"/es/give/donor/{token}/", {"plan": "not-a-uuid", "action": "cancel"}
        ).status_code
        == 404
    )


def test_an_expired_donor_link_is_refused(settings, django_capture_on_commit_callbacks):
    gift = pay(start()[0], django_capture_on_commit_callbacks)
    token = tokens.donor_token(gift.donor.public_id)
    settings.GIVING_DONOR_LINK_HOURS = 0
    import time

    time.sleep(1)
    assert Client().get(f"/es/give/donor/{token}/").status_code == 404


def test_the_annual_summary_goes_to_each_donor_once(django_capture_on_commit_callbacks):
    gift = pay(start()[0], django_capture_on_commit_callbacks)
    year = gift.paid_at.year
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        call_command("giving_annual_summary", year=year)
        call_command("giving_annual_summary", year=year)
    assert len(mail.outbox) == 1
    assert mail.outbox[0].attachments[0][2] == "application/pdf"

"""The back office: permissions (R3), allow-listed filters and sorts (R15), keyset pages,
refunds, a CSV export safe from formula injection, audited; reconciliation; caregiver notes."""

import csv
import io

import pytest
from django.test import Client

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.models import AuditEvent
from medcenter.giving import selectors
from medcenter.giving.models import CaregiverNote
from medcenter.giving.tests.factories import DonorFactory, FundFactory, GiftFactory

pytestmark = pytest.mark.django_db

STAFF_URLS = [
    "/en/staff/giving/",
    "/en/staff/giving/export.csv",
    "/en/staff/giving/reconciliation/",
    "/en/staff/giving/notes/",
    "/en/staff/giving/fundraising/",
]


def client_for(roles):
    client = Client()
    sign_in_verified(client, StaffUserFactory(roles=roles))
    return client


@pytest.mark.parametrize("url", STAFF_URLS)
@pytest.mark.parametrize("roles", [[], ["scheduler"], ["clinician"], ["administrator"]])
def test_other_roles_are_refused(url, roles):
    assert client_for(roles).get(url).status_code == 403


@pytest.mark.parametrize("url", STAFF_URLS)
def test_a_giving_officer_opens_every_page(url):
    assert client_for(["giving_officer"]).get(url).status_code == 200


def test_anonymous_visitors_are_sent_to_sign_in():
    assert Client().get("/en/staff/giving/").status_code == 302


def test_the_list_pages_by_keyset_and_filters_by_allow_list():
    fund = FundFactory(slug="research")
    gifts = [GiftFactory(fund=fund, amount_minor=1000 + n, status="paid") for n in range(60)]
    GiftFactory(status="pending")
    client = client_for(["giving_officer"])

    first = client.get("/en/staff/giving/?status=paid&sort=-amount")
    assert first.status_code == 200
    page = first.context["page"]
    assert [g.amount_minor for g in page.gifts][:2] == [1059, 1058]
    assert len(page.gifts) == 50 and page.next_cursor
    second = client.get(f"/en/staff/giving/?status=paid&sort=-amount&after={page.next_cursor}")
    assert [g.amount_minor for g in second.context["page"].gifts] == list(range(1009, 999, -1))
    assert len(gifts) == 60


def test_the_filter_totals_count_every_match_and_sum_what_came_in_per_currency():
    fund, other = FundFactory(slug="research"), FundFactory(slug="nursing")
    GiftFactory(fund=fund, amount_minor=1000, fee_minor=50, status="paid")
    GiftFactory(fund=fund, amount_minor=2000, refunded_minor=500, status="partially_refunded")
    GiftFactory(fund=fund, amount_minor=700, refunded_minor=700, status="refunded")
    GiftFactory(fund=fund, amount_minor=9999, status="pending")
    GiftFactory(fund=fund, amount_minor=3000, currency="EUR", status="paid")
    GiftFactory(fund=other, amount_minor=4000, status="paid")

    totals = selectors.gift_totals(params={"fund": "research"})
    assert totals.gifts == 5
    # Pending money is counted as a gift but not as received; currencies are never added.
    assert totals.net == [("USD", 1050 + 1500 + 0), ("EUR", 3000)]
    assert selectors.gift_totals(params={"fund": "research", "status": "paid"}).gifts == 2
    assert selectors.gift_totals(params={"currency": "eur"}).net == [("EUR", 3000)]
    assert selectors.gift_totals(params={"status": "failed"}) == selectors.GiftTotals(0, [])

    page = client_for(["giving_officer"]).get("/en/staff/giving/?fund=research")
    assert page.context["page"].totals == totals
    assert "5 gifts match." in page.content.decode()


def test_since_and_until_keep_whole_days_in_the_sites_time_zone():
    from datetime import datetime, time, timedelta

    from django.utils import timezone

    from medcenter.giving.models import Gift

    today = timezone.localdate()
    gifts = [GiftFactory(amount_minor=1000 + n) for n in range(3)]
    for gift, days in zip(gifts, (2, 1, 0), strict=True):
        moment = timezone.make_aware(datetime.combine(today - timedelta(days=days), time.min))
        Gift.objects.filter(pk=gift.pk).update(created_at=moment + timedelta(hours=23, minutes=59))

    yesterday = str(today - timedelta(days=1))
    rows, _used = selectors.filtered_gifts({"since": yesterday, "until": yesterday})
    assert [g.amount_minor for g in rows] == [1001]
    assert selectors.gift_totals(params={"since": yesterday}).gifts == 2


@pytest.mark.parametrize(
    "query",
    [
        "sort=donor__email",
        "sort=;drop table",
        "status=robbed",
        "after=@@@",
        "since=2024-02-30",
        "after=WzEsIDJd",
    ],
)
def test_unknown_sorts_filters_and_cursors_are_a_400(query):
    assert client_for(["giving_officer"]).get(f"/en/staff/giving/?{query}").status_code == 400


def test_the_export_is_streamed_safe_from_formulas_and_audited():
    donor = DonorFactory(name='=HYPERLINK("http://evil")')
    GiftFactory(donor=donor, employer="+SUM(A1)", status="paid")
    response = client_for(["giving_officer"]).get("/en/staff/giving/export.csv?status=paid")

    assert response.streaming
    rows = list(csv.reader(io.StringIO(b"".join(response.streaming_content).decode())))
    assert rows[1][9].startswith("'=") and rows[1][12].startswith("'+")
    assert AuditEvent.objects.filter(action="gifts.exported", reason="status=paid").count() == 1


def test_a_refund_from_the_gift_page_needs_the_refund_permission(
    django_capture_on_commit_callbacks,
):
    from medcenter.giving.tests.test_receipts_and_plans import pay, start

    gift = pay(start()[0], django_capture_on_commit_callbacks)
    url = f"/en/staff/giving/gifts/{gift.public_id}/"
    officer = client_for(["giving_officer"])
    assert officer.get(url).status_code == 200
    assert officer.post(url, {"amount": "abc", "reason": "x"}).status_code == 400
    assert officer.post(url, {"amount": "10", "reason": "Donor asked"}).status_code == 302
    gift.refresh_from_db()
    assert gift.refunded_minor == 1000
    assert (
        client_for(["giving_officer"]).get("/en/staff/giving/gifts/not-a-uuid/").status_code == 404
    )


def test_caregiver_notes_are_screened_before_they_are_passed_on():
    from medcenter.scheduling.tests.factories import ClinicianFactory

    clinician = ClinicianFactory()
    client = Client()
    form = client.get("/en/give/thank-a-caregiver/")
    assert form.status_code == 200
    sent = client.post(
        "/en/give/thank-a-caregiver/",
        {
            "clinician": clinician.slug,
            "writer_name": "<img src=x onerror=alert(1)>",
            "writer_email": "w@example.test",
            "message": "Thank you <script>x</script>",
            "allow_sharing": "on",
            "idempotency_key": "note-1",
        },
    )
    assert sent.status_code == 200
    assert "?honor=" in sent.content.decode()
    note = CaregiverNote.objects.get()
    officer = client_for(["giving_officer"])
    page = officer.get("/en/staff/giving/notes/").content.decode()
    assert "&lt;script&gt;" in page and "<script>x" not in page
    assert (
        officer.post(
            "/en/staff/giving/notes/", {"note": str(note.public_id), "decision": "approve"}
        ).status_code
        == 302
    )
    note.refresh_from_db()
    assert note.status == "approved"
    assert AuditEvent.objects.filter(action="caregiver_note.approved").count() == 1


def test_a_tribute_letter_prints_in_the_familys_language_without_the_amount():
    from medcenter.core.tests.pdftext import read_lines
    from medcenter.giving.models import Tribute

    gift = GiftFactory(status="paid", amount_minor=12345)
    Tribute.objects.create(
        gift=gift,
        kind="memory",
        honoree_name="Luis Ejemplo",
        delivery="letter",
        recipient_address="Calle 1",
        recipient_language="es",
    )
    response = client_for(["giving_officer"]).get(
        f"/en/staff/giving/gifts/{gift.public_id}/letter.pdf"
    )
    assert response["Content-Type"] == "application/pdf"
    text = " ".join(line.visual for page in read_lines(response.content) for line in page)
    assert "Luis Ejemplo" in text and "123" not in text
    assert (
        client_for(["scheduler"])
        .get(f"/en/staff/giving/gifts/{gift.public_id}/letter.pdf")
        .status_code
        == 403
    )

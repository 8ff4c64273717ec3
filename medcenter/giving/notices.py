"""How Give Now's messages are worded (templates/giving/notices/), registered with the outbox.

Each context function looks up what the message is about when it is sent and returns None
when it no longer applies: a fundraising appeal to a patient who has since opted out is
withdrawn at send time, even though it was queued before the choice."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medcenter.core import outbox
from medcenter.core.documents import Document, site_language
from medcenter.core.models import Notification
from medcenter.giving import fundraising, receipts, tokens
from medcenter.giving.models import Campaign, Donor, Receipt, ReceiptStatus, Tribute
from medcenter.giving.money import format_money
from medcenter.giving.services import ANNUAL_KIND, DONOR_LINK_KIND, ECARD_KIND, RECEIPT_KIND


def _site(path: str) -> str:
    return str(settings.SITE_URL).rstrip("/") + path


def _in(language: str, name: str, **kwargs: Any) -> str:
    with translation.override(site_language(language)):
        return _site(reverse(name, kwargs=kwargs or None))


def receipt_context(note: Notification) -> dict[str, Any] | None:
    receipt = (
        Receipt.objects.select_related("gift__donor", "gift__fund", "replaces")
        .filter(public_id=note.context.get("receipt"))
        .first()
    )
    if receipt is None or receipt.status != ReceiptStatus.VALID:
        return None
    gift = receipt.gift
    return {
        "name": gift.donor.name,
        "amount": format_money(receipt.amount_minor, receipt.currency, note.language),
        "fund": gift.fund.text("name", note.language),
        "number": receipts.receipt_number(receipt),
        "monthly": bool(gift.plan_id),
        "replaces": receipts.receipt_number(receipt.replaces) if receipt.replaces else "",
        "statement": receipts.statement(gift),
        "donor_page": _in(note.language, "giving:donor_request"),
        "receipt": receipt,
    }


def receipt_attachments(note: Notification, variables: Any) -> list[outbox.Attachment]:
    receipt: Receipt = variables["receipt"]
    return [
        outbox.Attachment(
            f"receipt-{receipts.receipt_number(receipt)}.pdf",
            receipts.receipt_pdf(receipt),
            "application/pdf",
        )
    ]


def ecard_context(note: Notification) -> dict[str, Any] | None:
    tribute = (
        Tribute.objects.select_related("gift__donor", "gift__fund")
        .filter(public_id=note.context.get("tribute"))
        .first()
    )
    if tribute is None:
        return None
    gift = tribute.gift
    return {
        "memory": tribute.kind == "memory",
        "honoree": tribute.honoree_name,
        "recipient": tribute.recipient_name,
        "donor": _("A friend") if gift.anonymous else gift.donor.name,
        "message": tribute.message,
        "fund": gift.fund.text("name", note.language),
        "amount": (
            format_money(gift.amount_minor, gift.currency, note.language)
            if tribute.show_amount
            else ""
        ),
    }


def donor_link_context(note: Notification) -> dict[str, Any] | None:
    token = note.context.get("token")
    if not token:
        return None
    return {
        "link": _in(note.language, "giving:donor_page", token=token),
        "hours": settings.GIVING_DONOR_LINK_HOURS,
    }


def annual_context(note: Notification) -> dict[str, Any] | None:
    donor = Donor.objects.filter(public_id=note.context.get("donor")).first()
    if donor is None:
        return None
    year = int(note.context.get("year", 0))
    found = list(
        Receipt.objects.select_related("gift__fund")
        .filter(gift__donor=donor, status=ReceiptStatus.VALID, gift__paid_at__year=year)
        .order_by("number")
    )
    if not found:
        return None
    totals: dict[str, int] = {}
    for receipt in found:
        totals[receipt.currency] = totals.get(receipt.currency, 0) + receipt.deductible_minor
    return {
        "name": donor.name,
        "year": year,
        "count": len(found),
        "total": ", ".join(format_money(v, k, note.language) for k, v in sorted(totals.items())),
        "found": found,
    }


def annual_attachments(note: Notification, variables: Any) -> list[outbox.Attachment]:
    with translation.override(site_language(note.language)):
        doc = Document(title=_("Giving summary %(year)s") % {"year": variables["year"]})
        doc.heading(str(settings.GIVING_LEGAL_NAME), size=16)
        doc.heading(_("Your giving in %(year)s") % {"year": variables["year"]})
        doc.paragraph(_("Donor: %(name)s") % {"name": variables["name"]})
        for receipt in variables["found"]:
            doc.paragraph(
                "{}  {}  {}  {}".format(
                    receipts.receipt_number(receipt),
                    date_format(timezone.localtime(receipt.gift.paid_at), "DATE_FORMAT"),
                    format_money(receipt.deductible_minor, receipt.currency),
                    receipt.gift.fund.text("name", note.language),
                )
            )
        doc.paragraph(_("Total: %(total)s") % {"total": variables["total"]}, style="B")
        doc.paragraph(_("No goods or services were provided in exchange for these contributions."))
        content = doc.output()
    return [outbox.Attachment(f"giving-{variables['year']}.pdf", content, "application/pdf")]


def _unsubscribe_url(note: Notification) -> str:
    token = tokens.opt_out_token(note.patient_public_id)
    return _in(note.language, "giving:opt_out", token=token)


def fundraising_context(note: Notification) -> dict[str, Any] | None:
    # Checked again at send time: a patient who opted out after this was queued is left out.
    if note.patient_public_id is None or not fundraising.may_contact(str(note.patient_public_id)):
        return None
    campaign = Campaign.objects.filter(slug=note.context.get("campaign")).first()
    if campaign is None:
        return None
    return {
        "campaign": campaign.text("title", note.language),
        "story": campaign.text("story", note.language),
        "give": _in(note.language, "giving:campaign", campaign=campaign.slug),
        "opt_out": _unsubscribe_url(note),
    }


def fundraising_headers(note: Notification) -> dict[str, str]:
    """RFC 8058 one-click unsubscribe: mail clients POST to the link without a page."""
    return {
        "List-Unsubscribe": f"<{_unsubscribe_url(note)}>",
        "List-Unsubscribe-Post": "List-Unsubscribe=One-Click",
    }


def register() -> None:
    outbox.register(
        RECEIPT_KIND,
        templates="giving/notices/receipt",
        category="giving",
        context=receipt_context,
        attachments=receipt_attachments,
    )
    outbox.register(
        ECARD_KIND, templates="giving/notices/ecard", category="giving", context=ecard_context
    )
    outbox.register(
        DONOR_LINK_KIND,
        templates="giving/notices/donor_link",
        category="account",
        context=donor_link_context,
        forget_context=True,
    )
    outbox.register(
        ANNUAL_KIND,
        templates="giving/notices/annual_summary",
        category="giving",
        context=annual_context,
        attachments=annual_attachments,
    )
    outbox.register(
        fundraising.FUNDRAISING_KIND,
        templates="giving/notices/fundraising",
        category="fundraising",
        context=fundraising_context,
        headers=fundraising_headers,
    )

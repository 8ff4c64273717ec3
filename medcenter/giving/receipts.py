"""Tax receipts: sequential numbers from a counter row, and the PDF (IRS Publication 1771).

A receipt is never edited. A refund voids the valid receipt and, if anything is left, issues a
new one for the net amount that names the receipt it replaces.
"""

from __future__ import annotations

from django.conf import settings
from django.db import IntegrityError, connection, transaction
from django.utils import timezone, translation
from django.utils.formats import date_format
from django.utils.translation import gettext as _

from medcenter.core.documents import Document, site_language
from medcenter.giving.models import (
    Gift,
    Receipt,
    ReceiptCounter,
    ReceiptStatus,
    Tribute,
)
from medcenter.giving.money import format_money

COUNTER = "receipt"
# Above this (in US cents), a payment that is partly a gift needs the quid pro quo disclosure.
QUID_PRO_QUO_THRESHOLD = 7500


def next_number() -> int:
    """The next receipt number. Called inside the issuing transaction: the UPDATE takes the
    row's lock (PostgreSQL) or the database's write lock (SQLite), so two issuers never share
    a number, and a rolled-back issue gives its number back. One statement (UPDATE ...
    RETURNING, PostgreSQL and SQLite >= 3.35) because it runs on every paid webhook."""
    found = _increment()
    if found is None:
        try:
            with transaction.atomic():
                ReceiptCounter.objects.create(name=COUNTER, value=0)
        except IntegrityError:
            pass
        found = _increment()
    assert found is not None  # noqa: S101 - the row exists now
    return found


def _increment() -> int | None:
    with connection.cursor() as cursor:
        cursor.execute(
            "UPDATE giving_receiptcounter SET value = value + 1 WHERE name = %s RETURNING value",
            [COUNTER],
        )
        row = cursor.fetchone()
    return None if row is None else int(row[0])


def issue_receipt(*, gift: Gift, replaces: Receipt | None = None) -> Receipt | None:
    """Issue the receipt for what `gift` brought in, net of refunds (None when nothing did)."""
    if gift.net_minor <= 0:
        return None
    return Receipt.objects.create(
        number=next_number(),
        gift=gift,
        amount_minor=gift.net_minor,
        deductible_minor=gift.deductible_minor,
        currency=gift.currency,
        replaces=replaces,
        language=gift.language,
    )


def reissue_after_refund(*, gift: Gift) -> Receipt | None:
    """Void the valid receipt of `gift` and issue one for the net amount left."""
    current = Receipt.objects.filter(gift=gift, status=ReceiptStatus.VALID).first()
    if current is not None:
        Receipt.objects.filter(pk=current.pk).update(
            status=ReceiptStatus.VOID, voided_at=timezone.now()
        )
    return issue_receipt(gift=gift, replaces=current)


def receipt_number(receipt: Receipt) -> str:
    return f"{receipt.created_at:%Y}-{receipt.number:07d}"


def statement(gift: Gift) -> str:
    """Pub. 1771's statement: nothing given in return, or what was and its good-faith value."""
    if not gift.benefit_description or gift.benefit_value_minor == 0:
        return _("No goods or services were provided in exchange for this contribution.")
    return _(
        "In exchange for this contribution you received %(benefit)s, with an estimated fair "
        "market value of %(value)s. The amount deductible for federal income tax purposes is "
        "limited to the contribution minus that value: %(deductible)s."
    ) % {
        "benefit": gift.benefit_description,
        "value": format_money(gift.benefit_value_minor, gift.currency),
        "deductible": format_money(gift.deductible_minor, gift.currency),
    }


def receipt_pdf(receipt: Receipt) -> bytes:
    """The receipt as a PDF in the donor's language."""
    gift = receipt.gift
    language = site_language(receipt.language)
    center = settings.CENTER
    with translation.override(language):
        doc = Document(title=_("Tax receipt %(number)s") % {"number": receipt_number(receipt)})
        doc.heading(str(settings.GIVING_LEGAL_NAME), size=16)
        doc.paragraph(
            _("Tax ID (EIN): %(ein)s") % {"ein": settings.GIVING_EIN}
            + "\n"
            + f"{center['street']}, {center['city']}, {center['region']} {center['postal_code']}"
        )
        doc.space(4)
        doc.heading(_("Tax receipt for your gift"))
        if receipt.status == ReceiptStatus.VOID:
            doc.paragraph(_("VOID: this receipt was replaced after a refund."), style="B")
        if receipt.replaces_id:
            doc.paragraph(
                _("This receipt replaces receipt %(number)s, voided after a refund.")
                % {"number": receipt_number(receipt.replaces)}  # type: ignore[arg-type]
            )
        when = gift.paid_at or receipt.created_at
        doc.lines(
            [
                _("Receipt number: %(number)s") % {"number": receipt_number(receipt)},
                _("Donor: %(name)s") % {"name": gift.donor.name},
                _("Date of contribution: %(date)s")
                % {"date": date_format(timezone.localtime(when), "DATE_FORMAT")},
                _("Amount received: %(amount)s")
                % {"amount": format_money(receipt.amount_minor, receipt.currency, language)},
                _("Designation: %(fund)s") % {"fund": gift.fund.text("name", language)},
            ]
        )
        if gift.plan_id:
            doc.paragraph(_("This is one monthly installment of your recurring gift."))
        doc.space(4)
        doc.paragraph(statement(gift))
        if gift.benefit_value_minor and gift.total_minor > QUID_PRO_QUO_THRESHOLD:
            doc.paragraph(
                _(
                    "Disclosure: the amount of your contribution that is deductible for federal "
                    "income tax purposes is limited to the excess of the money you gave over the "
                    "value of the goods or services we provided."
                )
            )
        doc.space(4)
        doc.paragraph(
            _("%(center)s is a tax-exempt organization under section 501(c)(3).")
            % {"center": settings.GIVING_LEGAL_NAME},
            size=9,
        )
        doc.paragraph(_("Please keep this receipt for your tax records. Thank you."), size=9)
        return doc.output()


def tribute_letter_pdf(tribute: Tribute) -> bytes:
    """The printable tribute letter, in the family's language; the amount only if asked."""
    gift = tribute.gift
    language = site_language(tribute.recipient_language)
    with translation.override(language):
        doc = Document(title=_("A gift in your honor"))
        doc.heading(str(settings.CENTER["name"]), size=16)
        doc.space(6)
        if tribute.recipient_name:
            doc.paragraph(_("Dear %(recipient)s,") % {"recipient": tribute.recipient_name})
        donor = _("A friend") if gift.anonymous else gift.donor.name
        values = {
            "donor": donor,
            "center": settings.CENTER["name"],
            "honoree": tribute.honoree_name,
            "fund": gift.fund.text("name", language),
        }
        if tribute.kind == "memory":
            text = _("%(donor)s made a gift to %(center)s in memory of %(honoree)s, for %(fund)s.")
        else:
            text = _("%(donor)s made a gift to %(center)s in honor of %(honoree)s, for %(fund)s.")
        doc.paragraph(text % values)
        if tribute.show_amount:
            doc.paragraph(
                _("The gift was %(amount)s.")
                % {"amount": format_money(gift.amount_minor, gift.currency, language)}
            )
        if tribute.message:
            doc.space(4)
            doc.paragraph(tribute.message, style="I")
        doc.space(8)
        doc.paragraph(str(settings.CENTER["name"]))
        return doc.output()

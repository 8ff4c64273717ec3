"""Signed links: the confirmation page of a gift, the donor page, a fundraising opt-out."""

from __future__ import annotations

from django.conf import settings
from django.core import signing

GIFT_SALT = "medcenter.giving.gift"
DONOR_SALT = "medcenter.giving.donor"
OPT_OUT_SALT = "medcenter.giving.fundraising-opt-out"


def gift_token(public_id: object) -> str:
    return signing.dumps(str(public_id), salt=GIFT_SALT, compress=False)


def read_gift_token(token: str) -> str | None:
    try:
        value = signing.loads(token, salt=GIFT_SALT, max_age=60 * 60 * 24 * 30)
    except signing.BadSignature:
        return None
    return str(value)


def donor_token(public_id: object) -> str:
    return signing.TimestampSigner(salt=DONOR_SALT).sign(str(public_id))


def read_donor_token(token: str) -> str | None:
    """The donor's public id, or None when the link is forged or older than allowed."""
    max_age = int(settings.GIVING_DONOR_LINK_HOURS) * 3600
    try:
        return signing.TimestampSigner(salt=DONOR_SALT).unsign(token, max_age=max_age)
    except signing.BadSignature:
        return None


def opt_out_token(patient_public_id: object) -> str:
    # No expiry: an opt-out link in a letter from last year must still work.
    return signing.Signer(salt=OPT_OUT_SALT).sign(str(patient_public_id))


def read_opt_out_token(token: str) -> str | None:
    try:
        return signing.Signer(salt=OPT_OUT_SALT).unsign(token)
    except signing.BadSignature:
        return None

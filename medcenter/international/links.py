"""The signed link in the acknowledgement email that lets an account follow a case."""

from django.core.signing import TimestampSigner

from medcenter.international.models import Case

SALT = "international.follow"


def follow_token(case: Case) -> str:
    return TimestampSigner(salt=SALT).sign(str(case.public_id))

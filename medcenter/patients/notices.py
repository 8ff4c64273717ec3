"""The messages patients sends (through the outbox), worded in templates/patients/notices/."""

from medcenter.core import outbox

SIGNUP_CODE = "patients.signup_code"


def register() -> None:
    # The code is a secret: the outbox forgets it once the email has gone (or was given up).
    outbox.register(
        SIGNUP_CODE,
        templates="patients/notices/signup_code",
        category="account",
        forget_context=True,
    )

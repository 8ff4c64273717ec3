"""How the audit-failure matrix (patients/tests/test_audit_failure_matrix.py) calls each of
the giving app's audited writes: the arrangement runs with a working audit log and returns the
call to make once the audit insert fails."""

from collections.abc import Callable
from typing import Any, cast

from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, verified
from medcenter.giving import services
from medcenter.giving.models import CaregiverNote
from medcenter.giving.tests.factories import GiftFactory

SERVICES = "medcenter.giving.services."


def _officer() -> Any:
    return verified(cast(Any, StaffUserFactory(roles=["giving_officer"])))


def _refund_gift(ctx: Any) -> Callable[[], Any]:
    """A paid sandbox gift (with its receipt) that an officer refunds in part."""
    gift: Any = GiftFactory(provider="sandbox")
    services.mark_paid(gift=gift, at=timezone.now(), payment_ref="pi_matrix_1")
    gift.refresh_from_db()
    officer = _officer()
    return lambda: services.refund_gift(
        gift=gift, amount_minor=2000, reason="The donor asked", actor=officer
    )


def _screen_note(ctx: Any) -> Callable[[], Any]:
    """A submitted thank-you note that an officer passes on to the clinician."""
    from medcenter.scheduling.tests.factories import ClinicianFactory

    clinician: Any = ClinicianFactory()
    note: CaregiverNote = services.submit_caregiver_note(
        clinician_slug=clinician.slug,
        writer_name="Avery Fictional",
        writer_email="avery@example.test",
        message="Thank you for everything.",
        allow_sharing=True,
        client_ip=None,
    )
    officer = _officer()
    return lambda: services.screen_note(note=note, approve=True, actor=officer)


def entries() -> dict[str, Callable[[Any], Callable[[], Any]]]:
    return {
        SERVICES + "refund_gift": _refund_gift,
        SERVICES + "screen_note": _screen_note,
    }

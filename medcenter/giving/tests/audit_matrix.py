"""How the audit-failure matrix (patients/tests/test_audit_failure_matrix.py) calls each of
the giving app's audited writes: the arrangement runs with a working audit log and returns the
call to make once the audit insert fails."""

from collections.abc import Callable
from typing import Any, cast

from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, verified
from medcenter.giving import services
from medcenter.giving.models import CaregiverNote, MatchingGift
from medcenter.giving.tests.factories import FundFactory, GiftFactory

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


def _save_fund(ctx: Any) -> Callable[[], Any]:
    """An officer creates a fund."""
    officer = _officer()
    data = services.FundInput(slug="matrix-fund", kind="research", name="Matrix research")
    return lambda: services.save_fund(fund=None, data=data, actor=officer)


def _save_campaign(ctx: Any) -> Callable[[], Any]:
    """An officer creates a campaign for an existing fund."""
    FundFactory(slug="matrix-fund")
    officer = _officer()
    today = timezone.localdate()
    data = services.CampaignInput(
        slug="matrix-campaign",
        fund="matrix-fund",
        title="Matrix",
        story="A story.",
        goal_minor=100_000,
        currency="USD",
        starts_on=today,
        ends_on=today,
    )
    return lambda: services.save_campaign(campaign=None, data=data, actor=officer)


def _record_match(ctx: Any) -> Callable[[], Any]:
    """An officer records an employer match of a paid gift."""
    gift: Any = GiftFactory(status="paid")
    officer = _officer()
    return lambda: services.record_match(
        gift=gift, employer="Example Co", amount_minor=1000, actor=officer
    )


def _open_match() -> tuple[MatchingGift, Any]:
    officer = _officer()
    match = services.record_match(
        gift=cast(Any, GiftFactory(status="paid")),
        employer="Example Co",
        amount_minor=1000,
        actor=officer,
    )
    return match, officer


def _change_match(ctx: Any) -> Callable[[], Any]:
    """An officer corrects the amount of a recorded match."""
    match, officer = _open_match()
    return lambda: services.change_match(
        match=match, employer="Example Co", amount_minor=900, actor=officer
    )


def _decide_match(ctx: Any) -> Callable[[], Any]:
    """An officer records that the employer confirmed the match."""
    match, officer = _open_match()
    return lambda: services.decide_match(match=match, confirmed=True, actor=officer)


def entries() -> dict[str, Callable[[Any], Callable[[], Any]]]:
    return {
        SERVICES + "refund_gift": _refund_gift,
        SERVICES + "screen_note": _screen_note,
        SERVICES + "save_fund": _save_fund,
        SERVICES + "save_campaign": _save_campaign,
        SERVICES + "record_match": _record_match,
        SERVICES + "change_match": _change_match,
        SERVICES + "decide_match": _decide_match,
    }

"""How the audit-failure matrix (patients/tests/test_audit_failure_matrix.py) calls each of
the content app's audited writes: the arrangement runs with a working audit log and returns the
call to make once the audit insert fails."""

import datetime
from collections.abc import Callable
from typing import Any

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.content import services
from medcenter.content.models import StoryPage
from medcenter.content.tests.factories import consent, publish, signed_form

SERVICES = "medcenter.content.services."


def _record_story_consent(ctx: Any) -> Callable[[], Any]:
    recorder: Any = StaffUserFactory()
    form = signed_form()
    return lambda: services.record_story_consent(
        storyteller="Rowan Fictional",
        given_on=datetime.date(2026, 3, 1),
        scope="website",
        storyteller_is_minor=False,
        guardian="",
        form_name="consent.pdf",
        form_content=form,
        recorded_by=recorder,
    )


def _withdraw_story_consent(ctx: Any) -> Callable[[], Any]:
    """A consent whose story is live: withdrawing it would take the story down."""
    tree = services.ensure_content_tree()
    given = consent()
    publish(
        tree.sections["stories"],
        StoryPage(title="My year", slug="my-year-matrix", body="<p>b</p>", consent=given),
    )
    withdrawer: Any = StaffUserFactory()
    return lambda: services.withdraw_story_consent(consent=given, withdrawn_by=withdrawer)


def entries() -> dict[str, Callable[[Any], Callable[[], Any]]]:
    return {
        SERVICES + "record_story_consent": _record_story_consent,
        SERVICES + "withdraw_story_consent": _withdraw_story_consent,
    }

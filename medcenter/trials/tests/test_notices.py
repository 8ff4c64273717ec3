"""The coordinator's email about a contact request goes through the outbox, in the
coordinator's language, with a link to the request in that language and no personal details."""

import pytest
from django.conf import settings
from django.core import mail

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.core.models import Notification
from medcenter.trials import services
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records
from medcenter.trials.models import Trial

pytestmark = pytest.mark.django_db


def _request(trial):
    return services.request_contact(
        trial=trial,
        name="Rowan Privatename",
        email="rowan@example.test",
        phone="",
        language="en",
        answers={"age": 17},
        explanation=[],
        likely="likely",
    )


def test_the_coordinator_is_told_in_their_language_with_a_link_in_it(
    django_capture_on_commit_callbacks,
):
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES))
    coordinator = StaffUserFactory(email="coordinator@example.test", preferred_language="es")
    trial = Trial.objects.get(nct_id="NCT99002001")
    trial.coordinator = coordinator
    trial.save()

    with django_capture_on_commit_callbacks(execute=True):
        contact = _request(trial)

    note = Notification.objects.get()
    assert (note.kind, note.language, note.to) == (
        "trials.contact_request",
        "es",
        "coordinator@example.test",
    )
    (message,) = mail.outbox
    assert message.to == ["coordinator@example.test"]
    link = f"{settings.SITE_URL.rstrip('/')}/es/staff/trials/requests/{contact.public_id}/"
    assert link in message.body
    assert "NCT99002001" in message.subject
    assert "Privatename" not in message.body and "rowan@" not in message.body

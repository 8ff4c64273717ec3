"""E-check-in: the window, details, card photos kept across errors, re-authentication for
contact changes, and the day grid's badge."""

import io
import time
from datetime import timedelta

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client
from django.urls import reverse
from django.utils import timezone
from PIL import Image

from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.accounts.views import REAUTH_KEY
from medcenter.core import vault
from medcenter.patients.tests.factories import CareRelationshipFactory
from medcenter.portal import selectors
from medcenter.portal.models import CheckIn
from medcenter.portal.tests.factories import appointment

pytestmark = pytest.mark.django_db


def _png():
    buffer = io.BytesIO()
    Image.new("RGB", (64, 40), "teal").save(buffer, "PNG")
    return SimpleUploadedFile("card.png", buffer.getvalue(), content_type="image/png")


def _url(patient, visit):
    return reverse(
        "portal:checkin", kwargs={"public_id": patient.public_id, "appointment_id": visit.public_id}
    )


def _form(patient, **changes):
    data = {
        "preferred_name": "",
        "preferred_language": "es",
        "interpreter_needed": "on",
        "email": patient.email,
        "phone": "",
        "address_line1": "12 Harbor Lane",
        "address_line2": "",
        "city": "Fairhaven",
        "region": "ST",
        "postal_code": "00001",
        "country": "US",
        "emergency_contact_name": "",
        "emergency_contact_relationship": "",
        "emergency_contact_phone": "",
        "insurance_payer": "Lakeside Health Plan",
        "insurance_member_id": "LHP-0042",
        "confirm": "on",
    }
    data.update(changes)
    return data


@pytest.mark.parametrize(
    ("days", "state"), [(5, "not_yet"), (2.9, "open"), (0.1, "open"), (-0.1, "closed")]
)
def test_check_in_opens_three_days_before_the_visit(patient, days, state):
    assert selectors.checkin_state(appointment(patient, days=days)) == state


def test_the_window_is_a_setting(patient, settings):
    settings.PORTAL_CHECKIN_DAYS = 7

    assert selectors.checkin_state(appointment(patient, days=5)) == "open"


def test_checking_in_updates_the_details_and_keeps_the_card_in_the_vault(patient, patient_client):
    visit = appointment(patient, days=2)

    response = patient_client.post(_url(patient, visit), {**_form(patient), "card_front": _png()})

    assert response.status_code == 302
    patient.refresh_from_db()
    assert patient.preferred_language == "es"
    assert patient.interpreter_needed is True
    assert patient.address_line1 == "12 Harbor Lane"
    checkin = CheckIn.objects.get(appointment=visit)
    assert checkin.insurance_member_id == "LHP-0042"
    assert checkin.card_front_type == "image/png"
    assert vault.fetch(key=checkin.card_front_key)[:4] == b"\x89PNG"


def test_a_refused_card_keeps_everything_typed_and_the_good_photo(patient, patient_client):
    visit = appointment(patient, days=2)
    bad = SimpleUploadedFile("card.png", b"MZ\x90\x00 not a picture", content_type="image/png")

    response = patient_client.post(
        _url(patient, visit), {**_form(patient), "card_front": _png(), "card_back": bad}
    )

    body = response.content.decode()
    assert response.status_code == 200
    assert "LHP-0042" in body
    assert "12 Harbor Lane" in body
    assert "card.png" in body  # the good front photo is kept, shown as attached
    assert not CheckIn.objects.exists()
    kept = response.context["form"]["card_front_kept"].value()
    second = patient_client.post(_url(patient, visit), {**_form(patient), "card_front_kept": kept})
    assert second.status_code == 302
    assert CheckIn.objects.get(appointment=visit).card_front_type == "image/png"


def test_a_new_email_needs_a_fresh_sign_in_confirmation(patient, patient_client):
    visit = appointment(patient, days=2)

    refused = patient_client.post(_url(patient, visit), _form(patient, email="new@example.test"))
    session = patient_client.session
    session[REAUTH_KEY] = time.time()
    session.save()
    accepted = patient_client.post(_url(patient, visit), _form(patient, email="new@example.test"))

    assert refused.status_code == 200
    assert "confirm it is you" in refused.content.decode()
    assert 'value="new@example.test"' in refused.content.decode()
    assert accepted.status_code == 302
    patient.refresh_from_db()
    assert patient.email == "new@example.test"


def test_a_teenagers_parent_checks_in_without_touching_the_teens_contact(teen_grant):
    visit = appointment(teen_grant.patient, days=1)
    client = Client()
    client.force_login(teen_grant.proxy)

    form = client.get(_url(teen_grant.patient, visit)).context["form"]
    response = client.post(_url(teen_grant.patient, visit), _form(teen_grant.patient))

    assert "email" not in form.fields and "phone" not in form.fields
    assert response.status_code == 302
    assert CheckIn.objects.get(appointment=visit).submitted_by == teen_grant.proxy


@pytest.mark.parametrize("days", [6, -1])
def test_a_check_in_outside_the_window_changes_nothing(patient, patient_client, days):
    visit = appointment(patient, days=days)

    response = patient_client.post(_url(patient, visit), _form(patient))

    assert response.status_code == 200
    assert not CheckIn.objects.exists()
    patient.refresh_from_db()
    assert patient.address_line1 != "12 Harbor Lane"


def test_checking_in_twice_is_refused(patient, patient_client):
    visit = appointment(patient, days=2)
    patient_client.post(_url(patient, visit), _form(patient))

    again = patient_client.post(_url(patient, visit), _form(patient, city="Elsewhere"))

    assert again.status_code == 200
    assert CheckIn.objects.count() == 1


def test_staff_see_the_online_check_in_on_the_day_grid(patient, patient_client):
    visit = appointment(patient, days=1)
    patient_client.post(_url(patient, visit), _form(patient))
    scheduler = StaffUserFactory(roles=["scheduler"])
    CareRelationshipFactory(staff=scheduler, patient=patient)
    client = Client()
    sign_in_verified(client, scheduler)

    day = timezone.localtime(visit.start).date().isoformat()
    page = client.get(f"/en/staff/schedule/?clinician={visit.clinician.slug}&day={day}")

    assert "Checked in online" in page.content.decode()


def test_the_check_in_page_links_the_questionnaires_once_that_page_exists(patient, patient_client):
    visit = appointment(patient, days=2)

    page = patient_client.get(_url(patient, visit))

    expected = selectors.reversed_or_none("questionnaires:portal_due", public_id=patient.public_id)
    assert page.context["questionnaires_url"] == expected
    assert timezone.now() < visit.start - timedelta(hours=1)

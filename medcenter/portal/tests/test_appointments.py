"""The appointments section: lists, one visit's page, video from 15 minutes before,
directions and instructions."""

from datetime import timedelta

import pytest
import time_machine
from django.urls import reverse
from django.utils import timezone, translation

from medcenter.patients.tests.factories import PatientFactory
from medcenter.portal import selectors
from medcenter.portal.tests.factories import appointment
from medcenter.scheduling.tests.factories import VisitTypeFactory

pytestmark = pytest.mark.django_db


def _url(name, patient, visit=None):
    kwargs = {"public_id": patient.public_id}
    if visit is not None:
        kwargs["appointment_id"] = visit.public_id
    return reverse(name, kwargs=kwargs)


def test_upcoming_and_past_visits_are_listed_apart(patient, patient_client):
    coming = appointment(patient, days=5)
    gone = appointment(patient, days=-5, status="fulfilled")
    cancelled = appointment(patient, days=9, status="cancelled")

    page = patient_client.get(_url("portal:appointments", patient))

    lists = page.context["lists"]
    assert lists.upcoming == [coming]
    assert set(lists.past) == {gone, cancelled}
    assert reverse("scheduling:request") in page.content.decode()


def test_another_patients_appointment_is_not_found_under_ones_own_record(patient, patient_client):
    theirs = appointment(PatientFactory())

    response = patient_client.get(_url("portal:appointment", patient, theirs))

    assert response.status_code == 404


@pytest.mark.parametrize(
    ("minutes_before", "shown"), [(16, False), (15, True), (1, True), (-29, True), (-31, False)]
)
def test_the_video_link_shows_from_fifteen_minutes_before_until_the_end(
    patient, patient_client, minutes_before, shown
):
    visit = appointment(patient, days=1, visit_type=VisitTypeFactory(telehealth=True), minutes=30)

    with time_machine.travel(visit.start - timedelta(minutes=minutes_before), tick=False):
        patient_client.force_login(patient.user)
        body = patient_client.get(_url("portal:appointment", patient, visit)).content.decode()
        room = patient_client.get(_url("portal:video_room", patient, visit))

    assert ("Join video visit" in body) is shown
    assert (room.status_code == 200) is shown


class RecordingProvider:
    def join_url(self, appointment):
        return f"https://video.example.test/room/{appointment.public_id}"


def test_the_video_provider_is_a_setting(patient, patient_client, settings):
    settings.PORTAL_VIDEO_PROVIDER = "medcenter.portal.tests.test_appointments.RecordingProvider"
    visit = appointment(
        patient,
        start=timezone.now() + timedelta(minutes=5),
        visit_type=VisitTypeFactory(telehealth=True),
    )

    body = patient_client.get(_url("portal:appointment", patient, visit)).content.decode()

    assert f"https://video.example.test/room/{visit.public_id}" in body


def test_an_in_person_visit_shows_the_address_a_map_and_the_instructions_in_the_language(
    patient, patient_client
):
    visit_type = VisitTypeFactory(
        instructions="Bring your medication list.",
        translations={"es": {"instructions": "Traiga su lista de medicamentos."}},
    )
    visit = appointment(patient, visit_type=visit_type)

    english = patient_client.get(_url("portal:appointment", patient, visit)).content.decode()
    with translation.override("es"):
        spanish = patient_client.get(_url("portal:appointment", patient, visit)).content.decode()

    assert visit.location.street in english
    assert "openstreetmap.org/?mlat=40.00000&amp;mlon=-75.00000" in english
    assert "Bring your medication list." in english
    assert "Traiga su lista de medicamentos." in spanish


def test_the_change_links_reuse_the_scheduling_flows(patient, patient_client):
    visit = appointment(patient, days=10)

    body = patient_client.get(_url("portal:appointment", patient, visit)).content.decode()

    assert reverse("scheduling:cancel", args=[visit.public_id]) in body
    assert f"reschedule={visit.public_id}" in body


def test_video_open_is_false_for_a_cancelled_video_visit(patient):
    visit = appointment(
        patient,
        start=timezone.now() + timedelta(minutes=5),
        visit_type=VisitTypeFactory(telehealth=True),
        status="cancelled",
    )

    assert selectors.video_open(visit) is False

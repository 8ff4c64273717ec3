"""Video visits: who hosts the call is a setting, not a code change.

A provider turns one appointment into the link the patient follows. The center names its
provider in `PORTAL_VIDEO_PROVIDER` (a dotted path to a class with `join_url`); the default,
`LocalVideoRoom`, is the double used by the tests and the demo: a page of our own that says
which visit it is for and that no real call happens there.
"""

from typing import Protocol

from django.conf import settings
from django.urls import reverse
from django.utils.module_loading import import_string

from medcenter.scheduling.models import Appointment


class VideoProvider(Protocol):
    def join_url(self, appointment: Appointment) -> str: ...


class LocalVideoRoom:
    """The demo's and the tests' provider: a waiting-room page inside the Gateway."""

    def join_url(self, appointment: Appointment) -> str:
        patient = appointment.patient
        if patient is None:
            raise ValueError("a video visit needs a patient")
        return reverse(
            "portal:video_room",
            kwargs={
                "public_id": patient.public_id,
                "appointment_id": appointment.public_id,
            },
        )


def provider() -> VideoProvider:
    path = getattr(settings, "PORTAL_VIDEO_PROVIDER", "medcenter.portal.video.LocalVideoRoom")
    instance: VideoProvider = import_string(path)()
    return instance

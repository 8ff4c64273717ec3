from datetime import datetime, time, timedelta

import pytest
from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.core.outbox.sms import MemoryGateway
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling import services
from medcenter.scheduling.models import BookingChannel
from medcenter.scheduling.selectors import center_tz
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
    weekly_rules,
)


@pytest.fixture(autouse=True)
def _sms_in_memory(settings):
    settings.SMS_GATEWAY = "medcenter.core.outbox.sms.MemoryGateway"
    MemoryGateway.reset()
    yield
    MemoryGateway.reset()


@pytest.fixture
def clinic(db):
    """One clinician holding 30-minute new-patient visits, weekday mornings 9-12."""
    location = LocationFactory()
    clinician = ClinicianFactory()
    clinician.locations.add(location)
    visit = VisitTypeFactory(code="new-patient", name="New patient visit")
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    return clinician, location, visit


def next_weekday_at(hour: int, minute: int = 0, *, days_ahead: int = 7):
    """A weekday at least `days_ahead` days away, at a local time, as an aware datetime."""
    day = timezone.localdate() + timedelta(days=days_ahead)
    while day.weekday() >= 5:
        day += timedelta(days=1)
    return datetime.combine(day, time(hour, minute), tzinfo=center_tz())


def book_at(clinic, patient, start, actor=None, **kwargs):
    """Book `patient` at `start` with the `clinic` fixture's clinician, as a scheduler."""
    clinician, location, visit = clinic
    return services.book_appointment(
        patient=patient,
        visit_type=visit,
        location=location,
        start=start,
        actor=actor or StaffUserFactory(roles=["scheduler"]),
        channel=BookingChannel.STAFF,
        clinician=clinician,
        **kwargs,
    )


@pytest.fixture
def patient(db):
    return PatientFactory(email="patient@example.test", preferred_language="es")

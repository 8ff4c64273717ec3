from datetime import datetime, timedelta

from django.utils import timezone

from medcenter.patients.models import Patient
from medcenter.scheduling.models import Appointment, VisitType
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
)


def appointment(
    patient: Patient,
    *,
    start: datetime | None = None,
    days: float = 2,
    status: str = "booked",
    visit_type: VisitType | None = None,
    minutes: int = 30,
    **fields: object,
) -> Appointment:
    """A booked (or `status`) appointment for `patient`, `days` from now unless `start`."""
    start = start or timezone.now() + timedelta(days=days)
    end = start + timedelta(minutes=minutes)
    return Appointment.objects.create(
        patient=patient,
        clinician=fields.pop("clinician", None) or ClinicianFactory(),
        location=fields.pop("location", None) or LocationFactory(),
        visit_type=visit_type or VisitTypeFactory(),
        start=start,
        end=end,
        reserved_until=end,
        status=status,
        channel="staff",
        booked_at=timezone.now(),
        hold_expires_at=end if status == "pending" else None,
        **fields,
    )

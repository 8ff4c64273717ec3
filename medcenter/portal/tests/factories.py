from datetime import datetime, timedelta
from typing import Any

from django.utils import timezone

from medcenter.patients.models import Patient
from medcenter.scheduling.models import Appointment
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
    visit_type: Any = None,
    minutes: int = 30,
    **fields: Any,
) -> Appointment:
    """A booked (or `status`) appointment for `patient`, `days` from now unless `start`."""
    start = start or timezone.now() + timedelta(days=days)
    end = start + timedelta(minutes=minutes)
    row: dict[str, Any] = {
        "clinician": fields.pop("clinician", None) or ClinicianFactory(),
        "location": fields.pop("location", None) or LocationFactory(),
        "visit_type": visit_type or VisitTypeFactory(),
    }
    return Appointment.objects.create(
        patient=patient,
        **row,
        start=start,
        end=end,
        reserved_until=end,
        status=status,
        channel="staff",
        booked_at=timezone.now(),
        hold_expires_at=end if status == "pending" else None,
        **fields,
    )

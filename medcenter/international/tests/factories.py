import io
import zipfile
from datetime import date, timedelta

from django.utils import timezone

from medcenter.accounts.tests.factories import StaffUserFactory, verified
from medcenter.international import services


def dicom_bytes(size: int = 600, *, preamble: bytes = bytes(128)) -> bytes:
    """A DICOM Part 10 file as far as a signature goes: preamble, "DICM", then data."""
    body = b"\x02\x00\x00\x00UL\x04\x00" + bytes(max(size - 140, 0))
    return preamble + b"DICM" + body


def dicom_zip(members: dict[str, bytes], *, compression: int = zipfile.ZIP_DEFLATED) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression=compression) as archive:
        for name, content in members.items():
            archive.writestr(name, content)
    return buffer.getvalue()


def coordinator():
    return verified(StaffUserFactory(roles=["international_coordinator"]))


def clinician():
    return verified(StaffUserFactory(roles=["clinician"]))


def inquiry_data(**overrides):
    data = {
        "inquirer_role": "family",
        "inquirer_name": "Lucía Ferrán",
        "email": "lucia@example.test",
        "phone": "+52 55 1234 5678",
        "country": "MX",
        "language": "es",
        "patient_name": "Tomás Ferrán",
        "patient_birth_date": date(1968, 4, 2),
        "condition_text": "sarcoma en la pierna",
        "service": "consultation",
        "travel_from": timezone.localdate() + timedelta(days=30),
        "travel_until": timezone.localdate() + timedelta(days=44),
        "payer": "self",
        "message": "",
        "home_physician_name": "Dra. Ana Ruiz",
        "home_physician_email": "ana.ruiz@example.test",
    }
    data.update(overrides)
    return data


def new_case(**overrides):
    return services.submit_inquiry(data=inquiry_data(**overrides))

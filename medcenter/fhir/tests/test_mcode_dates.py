"""An mCODE import keeps the record's date rules: an observation dated 9999-12-31, 0001-01-01
or before the patient's birth is an error for that resource, and nothing of it is stored."""

from datetime import date

import pytest

from medcenter.fhir.mcode import codes as c
from medcenter.fhir.mcode import import_mcode
from medcenter.fhir.tests.test_mcode_import import coded, observation
from medcenter.oncology.models import PerformanceStatus
from medcenter.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("when", "why"),
    [
        ("9999-12-31", "cannot be in the future"),
        ("0001-01-01", "before the patient's date of birth"),
        ("1959-12-31", "before the patient's date of birth"),
    ],
)
def test_an_implausible_date_is_an_error_and_leaves_nothing(when, why):
    patient = PatientFactory(date_of_birth=date(1960, 1, 1))
    resource = observation("ecog", coded(c.LOINC, c.ECOG), valueInteger=1, when=when)

    report = import_mcode(resources=resource, patient=patient, actor=None)

    assert why in report.errors["Observation/ecog"]
    assert not PerformanceStatus.objects.exists()


def test_a_plausible_date_imports():
    patient = PatientFactory(date_of_birth=date(1960, 1, 1))
    resource = observation("ecog", coded(c.LOINC, c.ECOG), valueInteger=1, when="1960-01-01")

    report = import_mcode(resources=resource, patient=patient, actor=None)

    assert report.created == {"performance_status": 1}

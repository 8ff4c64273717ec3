"""manage.py import_mcode --patient MRN PATH..."""

import json
from io import StringIO

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError

from medcenter.fhir.mcode import codes as c
from medcenter.oncology.models import CancerDiagnosis, PerformanceStatus
from medcenter.patients.tests.factories import PatientFactory

pytestmark = pytest.mark.django_db

CONDITION = {
    "resourceType": "Condition",
    "id": "lung",
    "meta": {"profile": [c.PRIMARY_CANCER_CONDITION]},
    "code": {
        "coding": [
            {
                "system": c.SNOMED,
                "code": "254637007",
                "display": "Non-small cell lung cancer (disorder)",
            }
        ]
    },
    "subject": {"reference": "Patient/p"},
}
ECOG = {
    "resourceType": "Observation",
    "id": "ecog",
    "status": "final",
    "code": {"coding": [{"system": c.LOINC, "code": c.ECOG}]},
    "subject": {"reference": "Patient/p"},
    "effectiveDateTime": "2024-03-05",
    "valueInteger": 1,
}


def write(folder, name, document):
    path = folder / name
    path.write_text(json.dumps(document), encoding="utf-8")
    return path


def test_imports_files_and_folders_and_prints_the_report(tmp_path):
    patient = PatientFactory()
    folder = tmp_path / "record"
    folder.mkdir()
    write(folder, "ecog.json", ECOG)
    write(folder, "package.json", {"name": "not fhir"})
    condition = write(tmp_path, "condition.json", CONDITION)
    out = StringIO()

    call_command("import_mcode", "--patient", patient.mrn, str(condition), str(folder), stdout=out)

    assert CancerDiagnosis.objects.filter(patient=patient).count() == 1
    assert PerformanceStatus.objects.filter(patient=patient).count() == 1
    printed = out.getvalue()
    assert "Cancer diagnoses added: 1" in printed
    assert "package.json: not a FHIR resource" in printed


def test_a_failed_resource_makes_the_command_fail(tmp_path):
    patient = PatientFactory()
    path = write(tmp_path, "bad.json", {**ECOG, "valueInteger": 9})
    out = StringIO()

    with pytest.raises(CommandError) as failure:
        call_command("import_mcode", "--patient", patient.mrn, str(path), stdout=out)

    assert failure.value.returncode == 1
    assert "Error in Observation/ecog" in out.getvalue()
    assert not PerformanceStatus.objects.exists()


def test_an_unknown_mrn_is_refused(tmp_path):
    path = write(tmp_path, "ecog.json", ECOG)

    with pytest.raises(CommandError, match="MRN"):
        call_command("import_mcode", "--patient", "000000000", str(path))


def test_a_file_that_is_not_json_is_refused(tmp_path):
    path = tmp_path / "broken.json"
    path.write_text("{not json", encoding="utf-8")

    with pytest.raises(CommandError, match=r"broken\.json"):
        call_command("import_mcode", "--patient", PatientFactory().mrn, str(path))

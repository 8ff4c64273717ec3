"""The patient's own download of their cancer record as an mCODE Bundle, for the Patient
Gateway (registered into `portal.registry`, since the portal may not import `fhir`)."""

import json

from django.utils.translation import gettext_lazy as _

from medcenter.fhir.mcode import export_mcode
from medcenter.patients.access import PatientAccess
from medcenter.portal.registry import RecordDownload, register_download

FHIR_JSON = "application/fhir+json"


def mcode_bundle(access: PatientAccess) -> tuple[bytes, str, str]:
    bundle = export_mcode(patient=access.patient)
    content = json.dumps(bundle, ensure_ascii=False, indent=1).encode("utf-8")
    return content, FHIR_JSON, f"mcode-{access.patient.public_id}.json"


def register() -> None:
    register_download(
        RecordDownload("mcode", _("My cancer record (mCODE FHIR Bundle)"), mcode_bundle)
    )

"""R33: the API keeps to its committed OpenAPI document (docs/openapi.json) for any input.

Schemathesis draws requests from the document for every operation, as two identities (nobody
signed in, and a staff member with every role who passed the second factor), calls the app
in-process, and checks each answer: never a 5xx, a status the operation documents, the
documented content type, and a body that matches the documented schema.

Drawn at random, an id or a code almost never names a real object, so the staff caller's
requests name the objects the test makes (a clinician with open hours, a visit type, two
trials, a patient in their care) wherever a parameter names one: the other values stay drawn,
and reach the code past the lookup (a `start` at the calendar's edge for a real clinician).
"""

import pytest
import schemathesis
from django.conf import settings
from django.test import Client
from django.utils.crypto import get_random_string
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_schema_conformance,
    status_code_conformance,
)

from medcenter.accounts.roles import ROLES
from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.tests.fuzzing import budget, in_process
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    SpecialtyFactory,
    VisitTypeFactory,
    weekly_rules,
)
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_path(settings.BASE_DIR / "docs" / "openapi.json")
schema.app = in_process

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


def _objects(staff):
    """One of each object an operation's parameters name, by parameter name."""
    clinician, location, visit = ClinicianFactory(), LocationFactory(), VisitTypeFactory()
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    patient = PatientFactory()
    CareRelationshipFactory(staff=staff, patient=patient)
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES[:2]))
    return {
        "clinician": str(clinician.public_id),
        "location": location.slug,
        "visit_type": visit.code,
        "specialty": [SpecialtyFactory().slug],
        "patient": str(patient.public_id),
        "nct_id": STUDIES[0][0]["protocolSection"]["identificationModule"]["nctId"],
    }


@pytest.fixture(params=["anonymous", "staff"])
def identity(request):
    """Cookies, headers and known objects of one caller: nobody, or a verified staff member."""
    if request.param == "anonymous":
        return {"cookies": {}, "headers": {}, "objects": {}}
    staff = StaffUserFactory(is_superuser=True, roles=[role.name for role in ROLES])
    client = Client()
    sign_in_verified(client, staff)
    csrf = get_random_string(32)
    return {
        "cookies": {
            settings.SESSION_COOKIE_NAME: client.cookies[settings.SESSION_COOKIE_NAME].value,
            settings.CSRF_COOKIE_NAME: csrf,
        },
        "headers": {"X-CSRFToken": csrf},
        "objects": _objects(staff),
    }


def _name_known_objects(case, objects):
    """Put the known objects in the parameters that name them (optional ones included)."""
    declared = {parameter.name for parameter in case.operation.query} & objects.keys()
    if declared:
        case.query = {**(case.query or {}), **{key: objects[key] for key in declared}}
    for values in (case.path_parameters, case.body):
        if isinstance(values, dict):
            for key in values.keys() & objects.keys():
                values[key] = objects[key]


@schema.parametrize()
@budget(12)
def test_every_operation_keeps_to_the_document(case, identity):
    _name_known_objects(case, identity["objects"])
    # The app gzips large bodies for clients that accept it; schemathesis' WSGI transport does
    # not decode them, so ask for the plain body the document describes.
    headers = {**identity["headers"], "Accept-Encoding": "identity"}
    case.call_and_validate(headers=headers, cookies=identity["cookies"], checks=CHECKS)

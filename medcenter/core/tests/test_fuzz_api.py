"""R33: the API keeps to its committed OpenAPI document (docs/openapi.json) for any input.

Schemathesis draws requests from the document for every operation, as two identities (nobody
signed in, and a staff member with every role who passed the second factor), calls the app
in-process, and checks each answer: never a 5xx, a status the operation documents, the
documented content type, and a body that matches the documented schema.
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

pytestmark = pytest.mark.django_db

schema = schemathesis.openapi.from_path(settings.BASE_DIR / "docs" / "openapi.json")
schema.app = in_process

CHECKS = [
    not_a_server_error,
    status_code_conformance,
    content_type_conformance,
    response_schema_conformance,
]


@pytest.fixture(params=["anonymous", "staff"])
def identity(request):
    """Cookies and headers of one caller: nobody, or a signed-in, verified staff member."""
    if request.param == "anonymous":
        return {"cookies": {}, "headers": {}}
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
    }


@schema.parametrize()
@budget(12)
def test_every_operation_keeps_to_the_document(case, identity):
    case.call_and_validate(headers=identity["headers"], cookies=identity["cookies"], checks=CHECKS)

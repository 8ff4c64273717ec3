"""SECURITY.md R3: every back-office route needs an explicit permission, per role."""

import uuid

import pytest
from django.contrib.auth.models import Group
from django.core.exceptions import ValidationError
from django.test import Client
from django.urls import reverse

from medcenter.accounts.roles import ROLE_BY_NAME, ROLES
from medcenter.accounts.services import assign_role
from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.patients.tests.factories import BreakGlassGrantFactory, PatientFactory
from medcenter.patients.tests.routes import all_routes

pytestmark = pytest.mark.django_db


def test_every_role_exists_as_a_group_with_exactly_its_permissions():
    for role in ROLES:
        group = Group.objects.get(name=role.name)
        granted = {f"{p.content_type.app_label}.{p.codename}" for p in group.permissions.all()}
        assert granted == set(role.permissions), role.name


def _back_office_routes():
    for name, view in all_routes():
        permission = getattr(view, "route_permission", None)
        if permission:
            yield name, permission


# One test per role (a few hundred requests each), so the workers share them.
@pytest.mark.parametrize("role", ROLES, ids=lambda role: role.name)
def test_no_role_reaches_a_back_office_route_without_its_permission(role):
    patient = PatientFactory()
    grant = BreakGlassGrantFactory(patient=patient)
    values = {
        "public_id": patient.public_id,
        "grant_id": grant.public_id,
        # Unknown ids are enough: the permission is checked before any lookup.
        "diagnosis_id": uuid.uuid4(),
        "report_id": uuid.uuid4(),
        "appointment_id": uuid.uuid4(),
        "referral_id": uuid.uuid4(),
        "document_id": uuid.uuid4(),
        "resource_id": str(uuid.uuid4()),  # FHIR ids are strings in the path
        "request_id": uuid.uuid4(),
        "candidate_id": uuid.uuid4(),
        "nct_id": "NCT99000001",
        "criterion_id": 1,
        "case_id": uuid.uuid4(),
        "case_document_id": uuid.uuid4(),
        "letter_id": uuid.uuid4(),
        "estimate_id": uuid.uuid4(),
        "action": "status",
        "thread_id": uuid.uuid4(),
        "gift_id": "G-0000",  # giving's staff routes name a gift by its reference
        "attachment_id": uuid.uuid4(),
        "result_id": uuid.uuid4(),
        "alert_id": uuid.uuid4(),
        "meeting_id": uuid.uuid4(),
        "plan_id": uuid.uuid4(),
        "task_id": uuid.uuid4(),
        "response_id": uuid.uuid4(),
        "questionnaire_id": uuid.uuid4(),
        "board_slug": "no-such-board",
        "fund": "no-such-fund",  # giving's office: funds and campaigns by slug, matches by id
        "campaign": "no-such-campaign",
        "match_id": uuid.uuid4(),
        "code": "no-such-measure",
        "month": "2026-09",
        "entry_id": uuid.uuid4(),
        "consent_id": str(uuid.uuid4()),  # the admin's story consents (content)
    }
    checked = unauthorized_successes = 0
    patterns = {n: text for n, _view, text in all_routes(with_patterns=True)}
    routes = list(_back_office_routes())
    client = Client()
    sign_in_verified(client, StaffUserFactory(roles=[role.name]))
    for name, permission in routes:
        if permission in role.permissions:
            continue
        pattern = patterns[name]
        view_kwargs = {
            k: v
            for k, v in values.items()
            if any(f"<{kind}:{k}>" in pattern for kind in ("uuid", "str", "int", "slug"))
        }
        for method in ("get", "post"):
            response = getattr(client, method)(reverse(name, kwargs=view_kwargs))
            checked += 1
            if 200 <= response.status_code < 300 or response.status_code == 302:
                unauthorized_successes += 1
    assert checked == 2 * sum(
        1 for _name, permission in routes if permission not in role.permissions
    )
    assert len(routes) > 25
    assert unauthorized_successes == 0


def test_administrators_are_never_also_clinicians():
    admin = StaffUserFactory(roles=["administrator"])
    clinician = StaffUserFactory(roles=["clinician"])

    with pytest.raises(ValidationError):
        assign_role(user=admin, role="clinician", assigned_by=None)
    with pytest.raises(ValidationError):
        assign_role(user=clinician, role="administrator", assigned_by=None)
    assert not admin.groups.filter(name="clinician").exists()


def test_giving_a_role_makes_the_account_staff_and_is_audited():
    from medcenter.accounts.tests.factories import UserFactory
    from medcenter.core.models import AuditEvent

    user = UserFactory()
    assign_role(user=user, role="scheduler", assigned_by=None)

    user.refresh_from_db()
    assert user.is_staff
    assert AuditEvent.objects.filter(action="account.role_assigned", reason="scheduler").exists()


def test_break_the_glass_is_limited_to_clinical_roles():
    allowed = {r.name for r in ROLES if "patients.break_glass" in r.permissions}

    assert allowed == {"clinician", "nurse_navigator"}
    assert ROLE_BY_NAME["administrator"].clinical is False


def test_the_admin_needs_a_verified_second_factor(settings):
    admin = StaffUserFactory(roles=["administrator"], is_superuser=True)
    client = Client()
    client.force_login(admin)
    url = f"/en/{settings.ADMIN_URL}"

    assert client.get(url).status_code == 302
    sign_in_verified(client, admin)
    assert client.get(url).status_code == 200


def test_the_admin_form_also_keeps_administrators_apart_from_clinicians():
    from medcenter.accounts.admin import StaffUserChangeForm

    user = StaffUserFactory(roles=["administrator"])
    groups = Group.objects.filter(name__in=["administrator", "clinician"])
    form = StaffUserChangeForm(
        instance=user,
        data={
            "email": user.email,
            "password": user.password,
            "groups": [g.pk for g in groups],
            "date_joined": user.date_joined,
            "is_active": True,
            "is_staff": True,
        },
    )

    assert not form.is_valid()
    assert "groups" in form.errors

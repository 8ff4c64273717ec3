"""Every route declares what it is, so the access matrices can enumerate them all."""

from medcenter.core.routes import ACCOUNT, PATIENT_DATA, PUBLIC, STAFF
from medcenter.patients.tests.routes import all_routes


def _ours():
    return [
        (name, view)
        for name, view in all_routes()
        if getattr(view, "__module__", "").startswith("medcenter.")
    ]


def test_every_medcenter_route_is_registered_with_its_kind():
    unregistered = [
        name
        for name, view in _ours()
        if getattr(view, "route_kind", None) not in (PUBLIC, ACCOUNT, STAFF, PATIENT_DATA)
    ]

    assert unregistered == [], "decorate these views with a route kind from core/routes.py"


def test_every_back_office_route_names_its_permission():
    missing = [
        name
        for name, view in _ours()
        if view.route_kind == STAFF or (view.route_kind == PATIENT_DATA and view.patient_data.staff)
        if not getattr(view, "route_permission", "")
    ]

    assert missing == []


def test_routes_with_an_object_id_are_patient_data_routes():
    """Until a domain has public objects (doctors, trials), every object id is patient data."""
    not_registered = [
        name
        for name, view, text in all_routes(with_patterns=True)
        if "<uuid:" in text
        and getattr(view, "__module__", "").startswith("medcenter.")
        and view.route_kind != PATIENT_DATA
    ]

    assert not_registered == []


def test_an_unregistered_patient_route_is_caught(settings):
    settings.ROOT_URLCONF = "medcenter.core.tests.unregistered_urls"

    unregistered = [
        name
        for name, view in all_routes()
        if getattr(view, "__module__", "").startswith("medcenter.")
        and getattr(view, "route_kind", None) is None
    ]

    assert unregistered == ["forgotten_patient_page"]

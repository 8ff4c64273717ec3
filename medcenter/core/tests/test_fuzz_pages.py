"""No query string makes a page answer 5xx (R15, R17): every GET route of the URLconf, asked
by nobody and by a verified staff member, with the query parameters its view reads set to
hostile values: dates at the edges of the calendar, huge and negative integers, NUL, invalid
UTF-8 percent-escapes, very long strings and arbitrary text.

A route's parameters are read from its view's module (`request.GET.get("week")`,
`params.get("_offset")`, the fields of a form bound to `request.GET`), plus a few names every
listing understands. Routes whose path names an object are asked for one object the test
makes; the few whose objects it does not make are listed in `NOT_FUZZED`, with why.
"""

import inspect
import re
from urllib.parse import quote

import pytest
from django import forms
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from medcenter.accounts.roles import ROLES
from medcenter.accounts.tests.factories import StaffUserFactory, sign_in_verified
from medcenter.core.tests.fuzzing import budget
from medcenter.directory.models import Program
from medcenter.directory.services import set_clinician_photo
from medcenter.events.tests.factories import EventSessionFactory
from medcenter.patients.tests.factories import CareRelationshipFactory, PatientFactory
from medcenter.patients.tests.routes import all_routes
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
    weekly_rules,
)
from medcenter.trials.demo import STUDIES
from medcenter.trials.importer import import_records

pytestmark = pytest.mark.django_db

COMMON = ("page", "q", "date", "day", "week", "start", "end", "_count", "_offset", "next")

# Object ids the world below does not make: each would need a whole object graph of its own
# (the access matrices in patients/tests build them, per route, for patient B).
NOT_FUZZED = {
    "grant_id",
    "diagnosis_id",
    "report_id",
    "appointment_id",
    "offer_id",
    "referral_id",
    "document_id",
    "candidate_id",
    "request_id",
    "criterion_id",
    # international: a case's estimates, letters and documents (international/tests cover them)
    "estimate_id",
    "letter_id",
    "case_document_id",
    "thread_id",
    "attachment_id",
    "result_id",
    "questionnaire_id",
    "response_id",
    "alert_id",
    # giving: funds, campaigns, sandbox sessions, gifts and receipts (giving/tests fuzz them)
    "fund",
    "campaign",
    "ref",
    "gift_id",
    "number",
    "match_id",
    "case_id",  # tumorboards: a case, its reports, meetings and boards, care plans and tasks
    "meeting_id",
    "board_slug",
    "plan_id",
    "task_id",
    "consent_id",  # content: a story consent (content/tests cover its screens)
}

EDGES = [
    "0001-01-01",
    "9999-12-31",
    "10000-01-01",
    "0000-00-00",
    "2024-02-30",
    "9999-12-31T23:59:59Z",
    "0001-01-01T00:00:00%2B14:00",
    "-1",
    "0",
    "99999999999999999999999",
    "-99999999999999999999999",
    "2147483648",
    "9223372036854775808",
    "1e308",
    "NaN",
    "inf",
    "%00",
    "a%00b",
    "%ff%fe",
    "%c3%28",
    "%ed%a0%80",
    "%f4%90%80%80",
    "%",
    "%zz",
    "a" * 5000,
    quote("é" * 2000),
    quote("Patient/" + "9" * 40),
]

_KEY = re.compile(r"""(?:GET|params|query)(?:\.get|\.getlist)?[(\[]\s*["']([\w.:-]+)["']""")
_FORM = re.compile(r"(\w+Form)\(\s*(?:request\.GET|request\.POST or request\.GET)")


def _parameters(view) -> list[str]:
    """The query parameters `view`'s module reads, by name, and the common ones."""
    module = inspect.getmodule(inspect.unwrap(view))
    assert module is not None, view
    source = inspect.getsource(module)
    names = set(_KEY.findall(source)) | set(COMMON)
    for form_name in _FORM.findall(source):
        form = getattr(module, form_name, None)
        if isinstance(form, type) and issubclass(form, forms.Form):
            names |= set(form.base_fields)
    return sorted(names)


def _fuzzed_routes():
    found = []
    for name, view, text in all_routes(with_patterns=True):
        if not getattr(view, "__module__", "").startswith("medcenter."):
            continue
        kwargs = re.findall(r"<(?:\w+:)?(\w+)>", text)
        if NOT_FUZZED.intersection(kwargs):
            continue
        found.append(pytest.param(name, view, kwargs, id=name))
    return found


ROUTES = _fuzzed_routes()


@pytest.fixture
def world():
    """One of each object a route's path can name, and two callers: nobody and staff."""
    patient = PatientFactory()
    clinician = ClinicianFactory()
    location = LocationFactory()
    visit = VisitTypeFactory()
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    program = Program.objects.create(slug="fuzz-program", name="Fuzz Program")
    portrait = set_clinician_photo(clinician=clinician, image=b"\xff\xd8\xff", alt_text="A face")
    event = EventSessionFactory(series__program=program).series
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES[:2]))
    trial_nct = STUDIES[0][0]["protocolSection"]["identificationModule"]["nctId"]
    from medcenter.international.tests.factories import new_case

    case = new_case()
    staff = StaffUserFactory(is_superuser=True, roles=[role.name for role in ROLES])
    CareRelationshipFactory(staff=staff, patient=patient)
    signed_in = Client()
    sign_in_verified(signed_in, staff)
    return {
        "clients": {"anonymous": Client(), "staff": signed_in},
        "values": {
            "public_id": patient.public_id,
            "nct_id": trial_nct,
            "resource_type": "Practitioner",
            "resource_id": str(clinician.public_id),
            "token": "x",
            "digest": portrait.digest[:16],
            "case_id": case.public_id,
            "action": "status",
            "reference": case.reference,
            "rest": f"{patient.public_id}/",  # an old /my/ link (portal:old_record_link)
            # Wagtail's catch-all (content.urls): the Patient Resources section's path.
            "path": "resources/",
            # quality: a measure's month as CSV; an entry's document (unknown id: 404)
            "code": "no-shows",
            "month": "2026-09",
            "entry_id": "00000000-0000-4000-8000-000000000000",
        },
        # Parameters that name an object get that object in the sweep, so that the page goes
        # on to read the hostile ones (a week for this clinician, not an unknown clinician).
        "objects": {
            "clinician": clinician.slug,
            "location": location.slug,
            "program": program.slug,
            "visit": visit.code,
            "visit_type": visit.code,
            "nct_id": trial_nct,
            "patient": f"Patient/{patient.public_id}",
        },
        "slugs": {
            "directory:doctor": clinician.slug,
            "directory:photo": clinician.slug,
            "scheduling:pick_slot": clinician.slug,
            "scheduling:hold": clinician.slug,
            "directory:program": program.slug,
            "directory:location": location.slug,
            **{f"events:{name}": event.slug for name in ("detail", "ics", "register")},
        },
    }


def _path(name, kwargs, world):
    values = {k: world["values"][k] for k in kwargs if k != "slug"}
    if "slug" in kwargs:
        values["slug"] = world["slugs"][name]
    return reverse(name, kwargs=values)


def _query(draw_pairs):
    return "&".join(f"{quote(key)}={value}" for key, value in draw_pairs)


values = st.one_of(
    st.sampled_from(EDGES),
    st.text(max_size=40).map(quote),
    st.integers().map(str),
    st.dates().map(str),
)


def test_the_suite_fuzzes_most_routes():
    """A guard against the enumeration silently shrinking (a renamed kwarg, say)."""
    assert len(ROUTES) >= 60


# The sweep: every parameter of a route at once set to one of these, each route, each caller.
SWEEP = [
    "0001-01-01",
    "9999-12-31",
    "9999-12-31T23:59:59Z",
    "99999999999999999999999",
    "-1",
    "a%00b",
    "%ff%fe",
    "a" * 5000,
]


@pytest.mark.parametrize(("name", "view", "kwargs"), ROUTES)
def test_no_query_string_makes_a_page_fail(world, name, view, kwargs):
    path = _path(name, kwargs, world)
    names = _parameters(view)
    failures = []
    for edge in SWEEP:
        pairs = [(key, quote(str(world["objects"].get(key, "")))) for key in names]
        pairs = [(key, value) if value else (key, edge) for key, value in pairs]
        for who, client in world["clients"].items():
            url = f"{path}?{_query(pairs)}"
            status = client.get(url).status_code
            if status >= 500:
                failures.append(f"{who} GET {url[:300]} answered {status}")
    assert failures == []

    @budget(6)
    @given(
        who=st.sampled_from(sorted(world["clients"])),
        pairs=st.lists(
            st.tuples(st.sampled_from(names), values | st.sampled_from(known(world))),
            min_size=1,
            max_size=4,
        ),
    )
    def no_server_error(who, pairs):
        url = f"{path}?{_query(pairs)}"
        response = world["clients"][who].get(url)
        assert response.status_code < 500, f"{who} GET {url} answered {response.status_code}"

    no_server_error()


def known(world):
    return sorted(quote(str(value)) for value in world["objects"].values())

"""Every id a page refers to exists on that page (aria-describedby, aria-labelledby, for=, ...).

A dangling reference is silent: the help text is never read, the region has no name, and axe
does not notice. Every page that takes no object of its own, and those that name one of the
objects made here, is rendered for nobody, a patient and a staff member with every role, in
English and Arabic; the forms are also posted empty, so their error messages are checked too.
The browser crawl (e2e/test_crawl.py) checks the pages as links reach them; this is the fast
check on both databases.
"""

import re
from html.parser import HTMLParser

import pytest
from django.test import Client
from django.urls import reverse

from medcenter.accounts.roles import ROLES
from medcenter.accounts.tests.factories import StaffUserFactory, UserFactory, sign_in_verified
from medcenter.core.templatetags.languages import join_list, lang_attr, ltr
from medcenter.directory.models import Program
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

REFERRING = (
    "aria-describedby",
    "aria-labelledby",
    "aria-controls",
    "aria-owns",
    "aria-activedescendant",
    "aria-details",
    "aria-errormessage",
    "aria-flowto",
)
# Routes that answer something other than a page, or act when asked.
NOT_PAGES = re.compile(r"pdf|ics|letter|document|session|logout|verify_email|healthz|readyz")
# Forms posted unfilled: each answers the same page with its errors (nothing is written).
# (A POST with no fields at all is falsy, and `Form(request.POST or None)` would stay unbound.)
UNFILLED = {"unfilled": "1"}
FORMS = [
    "accounts:login",
    "accounts:password_reset",
    "patients:sign_up",
    "scheduling:request",
    "scheduling:refer",
    "pages:styleguide",
    "patients:staff_new",
]


class References(HTMLParser):
    """The ids a document defines and the ids its attributes point at."""

    def __init__(self) -> None:
        super().__init__()
        self.ids: set[str] = set()
        self.refs: list[tuple[str, str]] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        for name, value in attrs:
            if name == "id" and value:
                self.ids.add(value)
            elif value and (name in REFERRING or (tag == "label" and name == "for")):
                self.refs += [(name, ref) for ref in value.split()]

    def dangling(self) -> list[str]:
        return sorted({f'{name}="{ref}"' for name, ref in self.refs if ref not in self.ids})


def dangling(html: str) -> list[str]:
    parser = References()
    parser.feed(html)
    return parser.dangling()


@pytest.fixture
def world():
    patient_user = UserFactory()
    patient = PatientFactory(user=patient_user)
    clinician = ClinicianFactory()
    location = LocationFactory()
    clinician.locations.add(location)
    visit = VisitTypeFactory()
    weekly_rules(clinician=clinician, location=location, visit_types=[visit])
    program = Program.objects.create(slug="idref-program", name="Idref Program")
    import_records((f"demo:{i}", study) for i, (study, *_rest) in enumerate(STUDIES[:2]))
    nct = STUDIES[0][0]["protocolSection"]["identificationModule"]["nctId"]
    staff = StaffUserFactory(is_superuser=True, roles=[role.name for role in ROLES])
    CareRelationshipFactory(staff=staff, patient=patient)
    signed_in_staff = Client()
    sign_in_verified(signed_in_staff, staff)
    signed_in_patient = Client()
    signed_in_patient.force_login(patient_user)
    return {
        "clients": {
            "anonymous": Client(),
            "patient": signed_in_patient,
            "staff": signed_in_staff,
        },
        "kwargs": {"public_id": patient.public_id, "nct_id": nct},
        "slugs": {
            "directory:doctor": clinician.slug,
            "scheduling:pick_slot": clinician.slug,
            "directory:program": program.slug,
            "directory:location": location.slug,
        },
    }


def _pages(world) -> list[str]:
    paths = []
    for name, view, text in all_routes(with_patterns=True):
        if not getattr(view, "__module__", "").startswith("medcenter.") or NOT_PAGES.search(name):
            continue
        names = re.findall(r"<(?:\w+:)?(\w+)>", text)
        kwargs = {}
        for key in names:
            if key == "slug" and name in world["slugs"]:
                kwargs[key] = world["slugs"][name]
            elif key in world["kwargs"]:
                kwargs[key] = world["kwargs"][key]
        if len(kwargs) != len(names):
            continue
        paths.append(reverse(name, kwargs=kwargs))
    return paths


@pytest.mark.parametrize("language", ["en", "ar"])
def test_every_page_refers_only_to_ids_it_has(world, language):
    from django.utils import translation

    with translation.override(language):
        paths = _pages(world)
        posted = [reverse(name) for name in FORMS]
    assert len(paths) >= 40  # a guard against the enumeration silently shrinking
    problems = []
    checked = 0
    for who, client in world["clients"].items():
        for path in paths:
            response = client.get(path)
            if "text/html" not in response.get("Content-Type", "") or response.status_code >= 300:
                continue
            checked += 1
            problems += [f"{who} GET {path}: {ref}" for ref in dangling(response.text)]
        for path in posted:
            response = client.post(path, UNFILLED)
            if "text/html" in response.get("Content-Type", "") and response.status_code < 300:
                checked += 1
                problems += [f"{who} POST {path}: {ref}" for ref in dangling(response.text)]
    assert checked >= 60
    assert problems == []


def test_a_field_with_help_and_an_error_is_described_by_both():
    client = Client()
    sign_in_verified(client, StaffUserFactory(roles=["content_editor"]))

    html = client.post(reverse("pages:styleguide"), UNFILLED).content.decode()

    described = re.findall(r'aria-describedby="([^"]+)"', html)
    assert any(len(value.split()) == 2 for value in described)  # help text and errors
    assert dangling(html) == []


def test_the_checker_sees_a_dangling_reference():
    assert dangling('<label for="a">A</label><input id="a" aria-describedby="a_help">') == [
        'aria-describedby="a_help"'
    ]


def test_lists_are_joined_with_the_punctuation_of_the_page_language():
    from django.utils import translation

    items = ["Oncology", "Hematology", "<Surgery>"]
    with translation.override("ar"):
        assert join_list(items) == "Oncology، Hematology، &lt;Surgery&gt;"
    with translation.override("zh-hans"):
        assert join_list(items[:2]) == "Oncology、Hematology"
    with translation.override("es"):
        assert join_list(items[:2]) == "Oncology, Hematology"


def test_text_in_another_language_is_marked_and_codes_are_isolated():
    from django.utils import translation

    with translation.override("ar"):
        assert lang_attr("en") == ' lang="en"'
        assert lang_attr("ar") == ""
    with translation.override("en"):
        assert lang_attr("en") == ""
    assert ltr("+1 555 010 0200") == '<bdi dir="ltr">+1 555 010 0200</bdi>'
    assert ltr("<b>") == '<bdi dir="ltr">&lt;b&gt;</bdi>'

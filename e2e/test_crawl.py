"""Every page a visitor, a patient and a staff member reach, at 320 px, in their languages.

The demo center is the world (its directory, trials, records, appointments and referrals), so
the crawl meets real lengths of names, tables and texts. See e2e/crawl.py for what is checked
on each page; this file says who crawls from where, in which languages.
"""

import importlib
import random

import pytest
from django.test import override_settings

from e2e.crawl import crawl
from e2e.journeys import sign_in, sign_in_staff
from medcenter.accounts.tests.factories import TEST_PASSWORD, StaffUserFactory
from medcenter.core.seeding import DEMO_SEED
from medcenter.pages.tests.shell import LANGUAGE_CODES
from medcenter.patients.demo import PATIENT_DOMAIN
from medcenter.patients.models import Patient
from medcenter.patients.tests.factories import CareRelationshipFactory
from medcenter.scheduling.models import Appointment

# The demo apps the crawl's world needs, in dependency order.
DEMO_APPS = ("accounts", "patients", "directory", "scheduling", "oncology", "trials", "portal")
PUBLIC_STARTS = ["", "doctors/", "programs/", "locations/", "trials/", "appointments/",
                 "accounts/sign-in/", "accounts/sign-up/", "accounts/password-reset/",
                 "no-such-page/"]  # fmt: skip
# The signed-in crawls stay in their own part of the site; the public part is crawled already.
PATIENT_PARTS = ("/portal/", "/my/", "/appointments/", "/accounts/security/")
STAFF_ROLES = ["clinician", "scheduler", "trial_coordinator", "nurse_navigator"]


@pytest.fixture
def demo_center(transactional_db):
    """The demo center, seeded as `manage.py seed_demo` does.

    Its notifications are queued, not delivered: the crawl reads pages, and delivering the
    demo's messages would be most of the seeding's time.
    """
    with override_settings(
        TASKS={"default": {"BACKEND": "django_tasks.backends.dummy.DummyBackend"}}
    ):
        for app in DEMO_APPS:
            module = importlib.import_module(f"medcenter.{app}.demo")
            module.seed(rng=random.Random(f"{DEMO_SEED}:{app}"))  # noqa: S311 - demo data


def _narrow(browser, live_server):
    context = browser.new_context(base_url=live_server.url, viewport={"width": 320, "height": 640})
    page = context.new_page()
    page.set_default_timeout(10_000)
    return context, page


def _report(name, found):
    print(
        f"\n{name}: {len(found.visited)} pages, {found.axe_checked} axe runs, {found.seconds:.1f} s"
    )


def test_every_reachable_page_fits_320_pixels_and_resolves_its_references(
    browser, live_server, demo_center
):
    origin = live_server.url
    axed: set[str] = set()
    problems = []

    context, page = _narrow(browser, live_server)
    anonymous = crawl(
        page,
        origin=origin,
        starts=PUBLIC_STARTS,
        languages=LANGUAGE_CODES,
        axe_languages=["en"],
        axed=axed,
    )
    context.close()
    _report("anonymous", anonymous)
    problems += anonymous.problems

    # The demo's adult patient with her own record, appointments, proxies and an oncology record.
    patient = Patient.objects.select_related("user").get(
        email=f"talia.brightwater@{PATIENT_DOMAIN}"
    )
    patient.user.set_password(TEST_PASSWORD)
    patient.user.save(update_fields=["password"])
    context, page = _narrow(browser, live_server)
    sign_in(page, patient.user.email, "en")
    page.wait_for_url("**/en/portal/**")
    mine = crawl(
        page,
        origin=origin,
        starts=["portal/", "appointments/mine/", "accounts/security/"],
        languages=["ar"],  # right to left, where a layout breaks first
        axe_languages=["ar"],
        axed=axed,
        allowed=lambda path: any(part in path for part in PATIENT_PARTS),
    )
    context.close()
    _report("patient", mine)
    problems += mine.problems

    staff = StaffUserFactory(roles=STAFF_ROLES)
    for record in Patient.objects.all():
        CareRelationshipFactory(staff=staff, patient=record)
    # The day grid is reached by a form, not a link: start at a week with booked visits.
    booked = Appointment.objects.filter(clinician__isnull=False).select_related("clinician")
    first = booked.order_by("start").first()
    grid = f"staff/schedule/?clinician={first.clinician.slug}&day={first.start:%Y-%m-%d}&view=week"
    context, page = _narrow(browser, live_server)
    sign_in_staff(page, staff, "en")
    desk = crawl(
        page,
        origin=origin,
        starts=["staff/patients/", "staff/schedule/", grid, "staff/schedule/waitlist/",
                "staff/referrals/", "staff/trials/", "staff/privacy/break-glass/"],
        languages=["en", "ar"],
        axe_languages=["en"],
        axed=axed,
        allowed=lambda path: "/staff/" in path or "/accounts/security/" in path,
    )  # fmt: skip
    context.close()
    _report("staff", desk)
    problems += desk.problems

    assert problems == [], "\n".join(problems)

"""Next available on Find a Doctor: the earliest new-patient slot within 30 days, from the slot
engine, cached, and moved on as soon as a slot is held, booked, cancelled or closed."""

from datetime import UTC, date, datetime, time, timedelta
from zoneinfo import ZoneInfo

import pytest
import time_machine
from django.core.cache import cache
from django.utils import timezone, translation

from medcenter.accounts.tests.factories import StaffUserFactory
from medcenter.core.tests.query_budget import assert_flat_queries
from medcenter.directory import availability, index
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling import selectors, services
from medcenter.scheduling.models import (
    AvailabilityException,
    BookingChannel,
    BookingMode,
    ExceptionKind,
)
from medcenter.scheduling.tests.conftest import book_at
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    VisitTypeFactory,
    weekly_rules,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """Run a write's on-commit work (the cache tokens are replaced there) as a commit would."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


@pytest.fixture
def monday_morning():
    """A fixed Monday 8:00 (local), so that the slot after the first is the same morning."""
    with time_machine.travel(
        datetime(2026, 12, 14, 8, tzinfo=ZoneInfo("America/New_York")), tick=False
    ):
        yield


@pytest.fixture
def new_patient_clinic(clinic):
    """The `clinic` fixture's clinician, holding new-patient visits (bookable online)."""
    clinician, location, visit = clinic
    visit.new_patients = True
    visit.save()
    return clinician, location, visit


def _first_expected(visit, *, after=None):
    """The first weekday 9:00 slot at least the visit's notice away (rules: 9-12 weekdays)."""
    tz = selectors.center_tz()
    earliest = after or timezone.now() + timedelta(hours=visit.min_notice_hours)
    step = visit.duration + visit.buffer
    day = earliest.astimezone(tz).date()
    while True:
        if day.weekday() < 5:
            moment = datetime.combine(day, time(9), tzinfo=tz)
            while moment + visit.duration <= datetime.combine(day, time(12), tzinfo=tz):
                if moment >= earliest:
                    return moment
                moment += step
        day += timedelta(days=1)


def _next(clinician):
    return selectors.next_available_for(clinician_ids=[clinician.pk])[clinician.pk]


def test_gives_the_first_new_patient_slot_past_the_notice(new_patient_clinic):
    clinician, location, visit = new_patient_clinic

    found = _next(clinician)

    assert found.start == _first_expected(visit)
    assert found.visit_code == visit.code
    assert found.location_slug == location.slug


def test_a_booked_slot_moves_next_available_on(
    monday_morning, new_patient_clinic, patient, committed
):
    clinician, _location, visit = new_patient_clinic
    first = _next(clinician).start  # computed and cached

    with committed():
        book_at(new_patient_clinic, patient, first)

    assert _next(clinician).start == first + visit.duration + visit.buffer


def test_a_held_slot_moves_it_on_and_a_cancelled_one_brings_it_back(
    new_patient_clinic, patient, committed
):
    clinician, location, visit = new_patient_clinic
    first = _next(clinician).start

    with committed():
        held = services.hold_slot(
            patient=patient,
            visit_type=visit,
            location=location,
            start=first,
            actor=StaffUserFactory(),
            clinician=clinician,
        )
    assert _next(clinician).start > first

    with committed():
        services.cancel_appointment(
            appointment=held, actor=StaffUserFactory(roles=["scheduler"]), reason="test"
        )
    assert _next(clinician).start == first


def test_an_expired_hold_frees_the_slot_at_the_sweep(new_patient_clinic, patient, committed):
    clinician, location, visit = new_patient_clinic
    monday_early = datetime(2026, 12, 14, 8, tzinfo=selectors.center_tz())
    with time_machine.travel(monday_early, tick=False):
        first = _next(clinician).start
        assert first == datetime(2026, 12, 15, 9, tzinfo=selectors.center_tz())
        with committed():
            held = services.hold_slot(
                patient=patient,
                visit_type=visit,
                location=location,
                start=first,
                actor=StaffUserFactory(),
                clinician=clinician,
            )
        assert _next(clinician).start > first

    with time_machine.travel(held.hold_expires_at + timedelta(seconds=1), tick=False):
        with committed():
            services.release_expired_holds()
        assert _next(clinician).start == first


def test_a_new_exception_moves_it_on_once_announced(new_patient_clinic, committed):
    clinician, _location, visit = new_patient_clinic
    first = _next(clinician).start

    AvailabilityException.objects.create(
        clinician=clinician,
        kind=ExceptionKind.LEAVE,
        starts_at=first,
        ends_at=first + timedelta(days=1),
    )
    with committed():
        services.availability_changed()  # what the admin does on saving an exception

    moved = _next(clinician).start
    assert moved >= first + timedelta(days=1)
    assert moved == _first_expected(visit, after=first + timedelta(days=1))


def test_counts_only_visit_types_for_new_patients(db):
    location = LocationFactory()
    clinician = ClinicianFactory()
    follow_up = VisitTypeFactory(code="follow-up", new_patients=False)
    by_request = VisitTypeFactory(
        code="second-opinion", new_patients=True, booking_mode=BookingMode.REQUEST
    )
    weekly_rules(clinician=clinician, location=location, visit_types=[follow_up, by_request])
    other = ClinicianFactory()
    new_visit = VisitTypeFactory(code="new-patient", new_patients=True, min_notice_hours=72)
    # The follow-up could be seen sooner (24 h notice), but only the new-patient visit counts.
    weekly_rules(clinician=other, location=location, visit_types=[follow_up, new_visit])

    found = selectors.next_available_for(clinician_ids=[clinician.pk, other.pk])

    assert found[clinician.pk].start is None
    assert found[other.pk].visit_code == "new-patient"
    assert found[other.pk].start == _first_expected(new_visit)


def test_nothing_within_thirty_days_gives_no_time(db):
    location = LocationFactory()
    clinician = ClinicianFactory()
    visit = VisitTypeFactory(code="new-patient", new_patients=True)
    weekly_rules(
        clinician=clinician,
        location=location,
        visit_types=[visit],
        valid_from=timezone.localdate() + timedelta(days=40),
    )

    assert _next(clinician).start is None


def test_the_time_is_local_across_the_change_to_summer_time(db, settings):
    """Rules say 9:00 local: 14:00 UTC in winter, 13:00 UTC once clocks go forward."""
    settings.TIME_ZONE = "America/New_York"
    location = LocationFactory()
    clinician = ClinicianFactory()
    visit = VisitTypeFactory(code="new-patient", new_patients=True, min_notice_hours=24)
    # Mondays only; US clocks go forward on Sunday 14 March 2027.
    weekly_rules(
        clinician=clinician,
        location=location,
        visit_types=[visit],
        days=(0,),
        valid_from=date(2027, 1, 1),
    )
    with time_machine.travel(datetime(2027, 3, 9, 12, tzinfo=UTC), tick=False):
        found = _next(clinician)
        assert found.start == datetime(2027, 3, 15, 13, 0, tzinfo=UTC)
        assert found.start.utcoffset() == timedelta(hours=-4)
        assert found.start.tzinfo == ZoneInfo("America/New_York")
        with translation.override("es"):
            shown = availability.when(found.start)
        assert "9:00" in shown and "15 de marzo" in shown


def test_one_batch_of_queries_for_any_number_of_clinicians(db):
    location = LocationFactory()
    visit = VisitTypeFactory(code="new-patient", new_patients=True)
    clinicians = [ClinicianFactory()]
    weekly_rules(clinician=clinicians[0], location=location, visit_types=[visit])

    def fetch():
        cache.clear()  # count the computation, not a cache hit
        return selectors.next_available_for(clinician_ids=[c.pk for c in clinicians])

    def grow():
        for _ in range(9):
            clinician = ClinicianFactory()
            weekly_rules(clinician=clinician, location=location, visit_types=[visit])
            clinicians.append(clinician)

    _before, after = assert_flat_queries(fetch, grow)

    assert len(after) == 10 and all(found.start is not None for found in after.values())


def test_a_cached_page_of_clinicians_costs_no_query(new_patient_clinic, django_assert_num_queries):
    clinician, _location, _visit = new_patient_clinic
    _next(clinician)

    with django_assert_num_queries(0):
        assert _next(clinician).start is not None


# --- Pages --------------------------------------------------------------------------------------


def _listed(clinician):
    clinician.specialties.clear()
    index.bump_version()
    index.forget()


def test_the_search_page_shows_next_available_linked_to_the_slot_picker(new_patient_clinic, client):
    clinician, location, visit = new_patient_clinic
    _listed(clinician)
    first = _next(clinician).start

    page = client.get("/es/doctors/", {"q": clinician.family_name}).content.decode()

    assert "Próxima cita disponible" in page or "Next available" in page
    week = first.date().isoformat()
    assert (
        f"/es/appointments/book/{clinician.slug}/?visit={visit.code}&amp;location="
        f"{location.slug}&amp;week={week}" in page
    )
    assert f'datetime="{first.isoformat()}"' in page


def test_the_search_page_costs_the_same_queries_with_next_available(db, client, settings):
    settings.PUBLIC_PAGE_CACHE_SECONDS = 0
    location = LocationFactory()
    visit = VisitTypeFactory(code="new-patient", new_patients=True)

    def add(n):
        clinician = ClinicianFactory(family_name=f"Slotwell{n}")
        weekly_rules(clinician=clinician, location=location, visit_types=[visit])

    add(0)
    index.bump_version()

    def fetch():
        cache.clear()
        return client.get("/en/doctors/")

    def grow():
        for n in range(1, 10):
            add(n)
        index.bump_version()
        index.forget()

    _before, after = assert_flat_queries(fetch, grow)

    page = after.content.decode()
    assert page.count('class="doctor-card"') == 10, page[page.find("results__summary") :][:3000]
    assert page.count('class="next-available"') == 10


def test_a_doctor_with_no_time_soon_offers_the_request_form_for_them(db, client):
    clinician = ClinicianFactory()
    VisitTypeFactory(code="new-patient", new_patients=True)

    page = client.get(f"/en/doctors/{clinician.slug}/").content.decode()

    link = f"/en/appointments/request/?clinician={clinician.slug}"
    assert link in page
    form = client.get(link)
    assert form.context["form"].initial["requested_clinician"] == clinician.pk


def test_the_profile_moves_on_when_its_slot_is_booked(
    monday_morning, new_patient_clinic, client, patient, committed
):
    clinician, _location, visit = new_patient_clinic
    first = _next(clinician).start
    profile = f"/en/doctors/{clinician.slug}/"
    assert f'datetime="{first.isoformat()}"' in client.get(profile).content.decode()

    with committed():
        book_at(new_patient_clinic, patient, first)

    page = client.get(profile).content.decode()
    assert f'datetime="{first.isoformat()}"' not in page
    later = first + visit.duration + visit.buffer
    assert f'datetime="{later.isoformat()}"' in page


def test_a_doctor_not_taking_new_patients_offers_the_request_form(new_patient_clinic, client):
    clinician, _location, _visit = new_patient_clinic
    clinician.accepting_new_patients = False
    clinician.save()

    page = client.get(f"/en/doctors/{clinician.slug}/").content.decode()

    assert f"/en/appointments/request/?clinician={clinician.slug}" in page
    assert "<time" not in page


def test_staff_booking_also_moves_it_on(new_patient_clinic, committed):
    clinician, location, visit = new_patient_clinic
    first = _next(clinician).start

    with committed():
        services.book_appointment(
            patient=PatientFactory(),
            visit_type=visit,
            location=location,
            start=first,
            actor=StaffUserFactory(roles=["scheduler"]),
            channel=BookingChannel.STAFF,
            clinician=clinician,
        )

    assert _next(clinician).start > first


def test_saving_an_exception_in_the_admin_moves_it_on(new_patient_clinic, committed, rf):
    from django.contrib import admin

    from medcenter.scheduling.admin import AvailabilityExceptionAdmin

    clinician, _location, _visit = new_patient_clinic
    first = _next(clinician).start
    leave = AvailabilityException(
        clinician=clinician,
        kind=ExceptionKind.LEAVE,
        starts_at=first - timedelta(hours=1),
        ends_at=first + timedelta(days=2),
    )
    model_admin = AvailabilityExceptionAdmin(AvailabilityException, admin.site)

    with committed():
        model_admin.save_model(rf.post("/"), leave, None, False)

    assert _next(clinician).start >= first + timedelta(days=2)


def test_the_line_follows_the_visitors_language_for_the_same_slot(db):
    clinician = ClinicianFactory()
    starts = datetime(2027, 3, 15, 9, 0, tzinfo=ZoneInfo("America/New_York"))
    found = availability.NextAvailable(starts_at=starts, url="/x/")

    with translation.override("en"):
        english = availability.render(clinician, found)
    with translation.override("es"):
        spanish = availability.render(clinician, found)
    with translation.override("en"):
        english_again = availability.render(clinician, found)

    assert "March" in english and "marzo" in spanish
    assert english_again == english
    assert clinician.display_name in english

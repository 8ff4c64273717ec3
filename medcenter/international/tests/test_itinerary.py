"""The itinerary: three specialists on consecutive days from the arrival, all or nothing, an
interpreter in the patient's language for each visit, and a gap flagged when none is free."""

from datetime import timedelta

import pytest
from django.core.exceptions import ValidationError
from django.utils import timezone

from medcenter.accounts.tests.factories import UserFactory
from medcenter.core.errors import Conflict
from medcenter.international import itinerary, services
from medcenter.international.models import CaseStatus, TaskKind
from medcenter.international.tests.factories import coordinator, new_case
from medcenter.patients.tests.factories import PatientFactory
from medcenter.scheduling.models import Appointment, Resource, ResourceKind
from medcenter.scheduling.tests.factories import (
    ClinicianFactory,
    LocationFactory,
    SpecialtyFactory,
    VisitTypeFactory,
    weekly_rules,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def clinic():
    location = LocationFactory()
    visit = VisitTypeFactory(code="multidisciplinary", name="Multidisciplinary visit")
    specialties = []
    for slug in ("orthopaedic-oncology", "medical-oncology", "radiation-oncology"):
        specialty = SpecialtyFactory(slug=slug)
        clinician = ClinicianFactory()
        clinician.specialties.add(specialty)
        clinician.locations.add(location)
        weekly_rules(clinician=clinician, location=location, visit_types=[visit])
        specialties.append(specialty)
    return location, visit, specialties


def _cleared_case(language="es"):
    user = coordinator()
    follower = UserFactory()
    case = new_case(language=language)
    case.account = follower
    case.save()
    services.link_patient(case=case, patient=PatientFactory(), actor=user)
    services.set_price(code="CONSULT", description="Consultation", amount_cents=85_000, actor=user)
    services.set_status(case=case, status="under_review", actor=user)
    estimate = services.create_estimate(
        case=case, lines=[services.LineRequest("CONSULT")], currency="USD", actor=user
    )
    services.send_estimate(estimate=estimate, actor=user)
    services.accept_estimate(user=follower, estimate=estimate)
    services.record_deposit(
        case=case, amount_cents=85_000, received_on=timezone.localdate(), reference="", actor=user
    )
    services.clear(case=case, actor=user)
    case.refresh_from_db()
    return case, user


def test_three_specialists_on_consecutive_days_with_spanish_interpreters(clinic):
    location, visit, specialties = clinic
    Resource.objects.create(
        name="Interpreter Ana", kind=ResourceKind.INTERPRETER, location=location, languages=["es"]
    )
    case, user = _cleared_case("es")
    arrival = timezone.localdate() + timedelta(days=10)

    booked = itinerary.book(
        case=case,
        arrival=arrival,
        specialties=specialties,
        location=location,
        visit_type=visit,
        actor=user,
    )

    items = list(booked.items.select_related("appointment", "interpreter"))
    days = [item.starts_at.astimezone(timezone.get_current_timezone()).date() for item in items]
    assert len(items) == 3
    assert days[0] >= arrival
    assert [(d - days[0]).days for d in days] == [0, 1, 2]
    assert {item.interpreter.name for item in items} == {"Interpreter Ana"}
    assert not any(item.interpreter_gap for item in items)
    assert all(item.appointment.status == "booked" for item in items)
    case.refresh_from_db()
    assert case.status == CaseStatus.SCHEDULED


def test_no_free_interpreter_is_a_flagged_gap_and_a_task(clinic):
    location, visit, specialties = clinic
    Resource.objects.create(
        name="Interpreter Ola", kind=ResourceKind.INTERPRETER, location=location, languages=["ru"]
    )
    case, user = _cleared_case("ar")
    booked = itinerary.book(
        case=case,
        arrival=timezone.localdate() + timedelta(days=10),
        specialties=specialties[:2],
        location=location,
        visit_type=visit,
        actor=user,
    )
    assert [item.interpreter_gap for item in booked.items.all()] == [True, True]
    assert case.tasks.filter(kind=TaskKind.SCHEDULING, done_at__isnull=True).count() == 1


def test_an_english_speaker_needs_no_interpreter(clinic):
    location, visit, specialties = clinic
    case, user = _cleared_case("en")
    booked = itinerary.book(
        case=case,
        arrival=timezone.localdate() + timedelta(days=10),
        specialties=specialties[:1],
        location=location,
        visit_type=visit,
        actor=user,
    )
    item = booked.items.get()
    assert (item.interpreter, item.interpreter_gap) == (None, False)


def test_no_run_of_days_books_nothing(clinic):
    location, visit, specialties = clinic
    case, user = _cleared_case("es")
    lonely = SpecialtyFactory(slug="nobody-holds-this")
    with pytest.raises(ValidationError) as caught:
        itinerary.book(
            case=case,
            arrival=timezone.localdate() + timedelta(days=10),
            specialties=[*specialties, lonely],
            location=location,
            visit_type=visit,
            actor=user,
        )
    assert "arrival" in caught.value.message_dict
    assert not Appointment.objects.filter(patient=case.patient).exists()


def test_an_uncleared_case_is_not_booked(clinic):
    location, visit, specialties = clinic
    user = coordinator()
    case = new_case()
    services.link_patient(case=case, patient=PatientFactory(), actor=user)
    with pytest.raises(Conflict):
        itinerary.book(
            case=case,
            arrival=timezone.localdate() + timedelta(days=10),
            specialties=specialties,
            location=location,
            visit_type=visit,
            actor=user,
        )
    assert not Appointment.objects.exists()


@pytest.mark.parametrize("language", ["en", "es", "ar", "zh-hans", "ru"])
def test_the_itinerary_pdf_reads_back_in_each_language(clinic, language):
    from django.utils import translation
    from django.utils.formats import date_format
    from django.utils.translation import gettext as _

    from medcenter.core.tests.pdftext import as_drawn, embedded_fonts, read_lines
    from medcenter.international import letters
    from medcenter.international.models import LetterKind

    location, visit, specialties = clinic
    Resource.objects.create(
        name="Interpreter", kind=ResourceKind.INTERPRETER, location=location, languages=[language]
    )
    case, user = _cleared_case(language)
    itinerary.book(
        case=case,
        arrival=timezone.localdate() + timedelta(days=10),
        specialties=specialties,
        location=location,
        visit_type=visit,
        actor=user,
        hotel="Hotel Ficticio",
    )
    letter = case.letters.get(kind=LetterKind.ITINERARY)

    pdf = letters.render(letter, language=language)

    texts = [line.visual for page in read_lines(pdf) for line in page]
    first = timezone.localtime(case.itinerary.items.order_by("starts_at")[0].starts_at)
    with translation.override(language):
        expected = [
            _("Itinerary"),
            _("Reference: %(number)s") % {"number": letter.number},
            date_format(first.date(), "DATE_FORMAT"),
            _("Hotel: %(hotel)s") % {"hotel": "Hotel Ficticio"},
        ]
        if language != "en":
            expected.append(_("An interpreter will be with you."))
    for line in expected:
        assert any(as_drawn(line) in text for text in texts), (language, line, texts)
    assert all(embedded_fonts(pdf).values())

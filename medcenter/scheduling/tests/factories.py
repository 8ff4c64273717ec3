from datetime import date, time, timedelta

import factory

from medcenter.directory.models import Clinician, Location, Specialty
from medcenter.scheduling.models import AvailabilityRule, BookingMode, VisitType


class SpecialtyFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Specialty
        django_get_or_create = ("slug",)

    slug = factory.Sequence(lambda n: f"specialty-{n}")
    name = factory.Sequence(lambda n: f"Specialty {n}")


class LocationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Location

    slug = factory.Sequence(lambda n: f"clinic-{n}")
    name = factory.Sequence(lambda n: f"Clinic {n}")
    kind = "clinic"
    street = "1 Test Way"
    city = "Fairhaven"
    region = "ST"
    postal_code = "00000"
    latitude = 40.0
    longitude = -75.0
    phone = "+1 555 010 0200"


class ClinicianFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Clinician

    slug = factory.Sequence(lambda n: f"dr-test-{n}")
    given_name = factory.Sequence(lambda n: f"Given{n}")
    family_name = factory.Sequence(lambda n: f"Tester{n}")
    credentials = "MD"


class VisitTypeFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = VisitType
        django_get_or_create = ("code",)

    code = factory.Sequence(lambda n: f"visit-{n}")
    name = factory.Sequence(lambda n: f"Visit {n}")
    duration_minutes = 30
    buffer_minutes = 0
    booking_mode = BookingMode.DIRECT
    min_notice_hours = 24
    max_advance_days = 180
    cancel_window_hours = 24


def weekly_rules(
    *,
    clinician=None,
    resource=None,
    location,
    visit_types,
    days=(0, 1, 2, 3, 4),
    start=time(9),
    end=time(12),
    valid_from: date | None = None,
):
    """Weekday mornings from `valid_from` (default: a week ago), open-ended."""
    from django.utils import timezone

    rules = []
    for weekday in days:
        rule = AvailabilityRule.objects.create(
            clinician=clinician,
            resource=resource,
            location=location,
            weekday=weekday,
            start_time=start,
            end_time=end,
            valid_from=valid_from or timezone.localdate() - timedelta(days=7),
        )
        rule.visit_types.set(visit_types)
        rules.append(rule)
    return rules

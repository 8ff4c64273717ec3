from datetime import time, timedelta

import factory
from django.utils import timezone

from medcenter.events.models import Audience, EventKind, EventSeries, EventSession, Registration
from medcenter.scheduling.tests.factories import LocationFactory


class EventSeriesFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSeries

    slug = factory.Sequence(lambda n: f"event-{n}")
    title = factory.Sequence(lambda n: f"Support group {n}")
    description = "Meet others who understand."
    kind = EventKind.SUPPORT_GROUP
    audience = Audience.PATIENTS
    language = "en"
    location = factory.SubFactory(LocationFactory)
    time_zone = "America/New_York"
    first_date = factory.LazyFunction(lambda: timezone.localdate() + timedelta(days=7))
    start_time = time(18, 0)
    duration_minutes = 90
    capacity = 10


class EventSessionFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = EventSession

    series = factory.SubFactory(EventSeriesFactory)
    starts_at = factory.LazyFunction(lambda: timezone.now() + timedelta(days=7))
    ends_at = factory.LazyAttribute(lambda o: o.starts_at + timedelta(minutes=90))
    capacity = factory.LazyAttribute(lambda o: o.series.capacity)


class RegistrationFactory(factory.django.DjangoModelFactory):
    class Meta:
        model = Registration

    session = factory.SubFactory(EventSessionFactory)
    name = factory.Sequence(lambda n: f"Guest {n}")
    email = factory.Sequence(lambda n: f"guest{n}@example.org")
    status = "registered"

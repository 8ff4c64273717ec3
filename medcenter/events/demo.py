# ruff: noqa: E501, RUF001 - demo texts, some in other scripts
"""Twelve fictional event series across programs: support groups, workshops, wellness classes;
some online, several languages. Dates follow today, so the demo always has upcoming sessions."""

from __future__ import annotations

import random
from datetime import time, timedelta

from django.utils import timezone

from medcenter.core.seeding import DemoLogin
from medcenter.directory.models import Location, Program
from medcenter.events import services
from medcenter.events.models import EventSeries, Registration

MEET = "https://meet.example.org/avcc-"

# slug, title, kind, audience, language, program, location (None: online), weekday, hour,
# rule, capacity, description, translations
SERIES: list[
    tuple[
        str, str, str, str, str, str, str | None, int, int, str, int, str, dict[str, dict[str, str]]
    ]
] = [
    (
        "aya-support-group",
        "AYA support group",
        "support_group",
        "aya",
        "en",
        "adolescent-young-adult",
        "main-campus",
        1,
        18,
        "FREQ=WEEKLY;BYDAY=TU",
        12,
        "For people aged 15 to 39 with cancer: talk with others your age, led by a social worker.",
        {
            "es": {
                "title": "Grupo de apoyo para adolescentes y adultos jóvenes",
                "description": "Para personas de 15 a 39 años con cáncer: hable con otras personas de su edad, con una trabajadora social.",
            }
        },
    ),
    (
        "grupo-apoyo-cuidadores",
        "Grupo de apoyo para cuidadores",
        "support_group",
        "caregivers",
        "es",
        "supportive-palliative",
        "main-campus",
        3,
        17,
        "FREQ=WEEKLY;BYDAY=TH",
        3,
        "Un espacio en español para familiares y cuidadores de personas con cáncer.",
        {"en": {"title": "Caregiver support group (in Spanish)"}},
    ),
    (
        "caregiver-circle-online",
        "Caregiver circle (online)",
        "support_group",
        "caregivers",
        "en",
        "supportive-palliative",
        None,
        2,
        19,
        "FREQ=WEEKLY;INTERVAL=2;BYDAY=WE",
        20,
        "An online evening group for partners, parents and friends caring for someone with cancer.",
        {},
    ),
    (
        "survivorship-workshop",
        "Life after treatment: a survivorship workshop",
        "workshop",
        "survivors",
        "en",
        "survivorship",
        "main-campus",
        5,
        10,
        "FREQ=MONTHLY;BYDAY=1SA",
        25,
        "Follow-up care, fatigue, work and relationships after cancer treatment.",
        {},
    ),
    (
        "gentle-yoga",
        "Gentle yoga",
        "wellness",
        "patients",
        "en",
        "rehabilitation",
        "main-campus",
        0,
        12,
        "FREQ=WEEKLY;BYDAY=MO",
        15,
        "Chair and mat yoga adapted for people in and after treatment. No experience needed.",
        {
            "es": {
                "title": "Yoga suave",
                "description": "Yoga en silla y colchoneta adaptado a personas en tratamiento o después. No hace falta experiencia.",
            }
        },
    ),
    (
        "taichi-zh",
        "太极拳课程",
        "wellness",
        "patients",
        "zh-hans",
        "rehabilitation",
        None,
        4,
        9,
        "FREQ=WEEKLY;BYDAY=FR",
        20,
        "在线太极拳课程，帮助改善平衡、睡眠和疲劳。",
        {"en": {"title": "Tai chi class (in Chinese)"}},
    ),
    (
        "nutrition-workshop",
        "Eating well during treatment",
        "workshop",
        "patients",
        "en",
        "gastrointestinal",
        "main-campus",
        2,
        14,
        "FREQ=MONTHLY;BYDAY=2WE",
        30,
        "A dietitian's practical workshop on appetite, taste changes and simple meals.",
        {
            "ar": {
                "title": "التغذية الجيدة أثناء العلاج",
                "description": "ورشة عمل عملية مع أخصائية تغذية حول الشهية وتغير التذوق والوجبات البسيطة.",
            }
        },
    ),
    (
        "breast-support-ar",
        "مجموعة دعم سرطان الثدي",
        "support_group",
        "patients",
        "ar",
        "breast",
        None,
        1,
        17,
        "FREQ=MONTHLY;BYDAY=3TU",
        12,
        "مجموعة دعم عبر الإنترنت باللغة العربية للنساء المصابات بسرطان الثدي.",
        {"en": {"title": "Breast cancer support group (in Arabic)"}},
    ),
    (
        "bone-mets-education",
        "Living with bone metastases",
        "workshop",
        "patients",
        "en",
        "bone-spine-metastasis",
        "main-campus",
        3,
        15,
        "",
        40,
        "A one-time session with the bone and spine metastasis team: pain, mobility and treatment choices.",
        {},
    ),
    (
        "sarcoma-ru",
        "Группа поддержки при саркоме",
        "support_group",
        "patients",
        "ru",
        "bone-sarcoma",
        None,
        3,
        18,
        "FREQ=MONTHLY;BYDAY=1TH",
        10,
        "Онлайн-группа поддержки на русском языке для людей с саркомой и их близких.",
        {"en": {"title": "Sarcoma support group (in Russian)"}},
    ),
    (
        "mindfulness-pt",
        "Atenção plena para sobreviventes",
        "wellness",
        "survivors",
        "pt-br",
        "survivorship",
        None,
        0,
        18,
        "FREQ=WEEKLY;BYDAY=MO;COUNT=8",
        25,
        "Oito semanas de atenção plena online para lidar com a ansiedade depois do tratamento.",
        {"en": {"title": "Mindfulness for survivors (in Portuguese)"}},
    ),
    (
        "teen-art-night",
        "Teen and young adult art night",
        "wellness",
        "aya",
        "en",
        "adolescent-young-adult",
        "main-campus",
        4,
        18,
        "FREQ=MONTHLY;BYDAY=-1FR",
        16,
        "Painting, music and pizza with others your age. Friends welcome.",
        {},
    ),
]


def seed(*, rng: random.Random) -> list[DemoLogin]:
    programs = {p.slug: p for p in Program.objects.all()}
    locations = {loc.slug: loc for loc in Location.objects.all()}
    today = timezone.localdate()
    for (
        slug,
        title,
        kind,
        audience,
        language,
        program,
        where,
        weekday,
        hour,
        rule,
        capacity,
        description,
        translations,
    ) in SERIES:
        first = today + timedelta(days=(weekday - today.weekday()) % 7 + 1)
        series, created = EventSeries.objects.get_or_create(
            slug=slug,
            defaults={
                "title": title,
                "description": description,
                "translations": translations,
                "kind": kind,
                "audience": audience,
                "language": language,
                "program": programs.get(program),
                "location": locations.get(where) if where else None,
                "virtual_url": "" if where else f"{MEET}{slug}",
                "room": "Conference room B, 2nd floor" if where else "",
                "time_zone": "America/New_York",
                "first_date": first,
                "start_time": time(hour, 0),
                "duration_minutes": rng.choice([60, 60, 90]),
                "rrule": rule,
                "capacity": capacity,
            },
        )
        if created:
            services.materialise_sessions(series=series)
    _fill_the_small_group()
    return []


def _fill_the_small_group() -> None:
    """The Spanish caregiver group's next session is full with two waiting, so the demo shows
    the waitlist. Fictional people at example.org, written directly: no messages go out."""
    series = EventSeries.objects.filter(slug="grupo-apoyo-cuidadores").first()
    session = series.sessions.order_by("starts_at").first() if series else None
    if session is None or session.registrations.exists():
        return
    for n in range(5):
        Registration.objects.create(
            session=session,
            name=f"Persona de demostración {n + 1}",
            email=f"demo.cuidador{n + 1}@example.org",
            status="registered" if n < session.capacity else "waitlisted",
            language="es",
        )

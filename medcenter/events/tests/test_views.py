from datetime import timedelta
from html.parser import HTMLParser

import extruct
import pytest
from django.core import signing
from django.test import Client
from django.utils import timezone
from icalendar import Calendar

from medcenter.accounts.tests.factories import UserFactory
from medcenter.directory.models import Program
from medcenter.events import links
from medcenter.events.models import Registration
from medcenter.events.tests.factories import (
    EventSeriesFactory,
    EventSessionFactory,
    RegistrationFactory,
)

pytestmark = pytest.mark.django_db


@pytest.fixture
def group():
    program = Program.objects.create(slug="aya", name="Adolescent and Young Adult Program")
    series = EventSeriesFactory(
        slug="aya-circle",
        title="AYA support circle",
        translations={"es": {"title": "Círculo de apoyo AYA", "description": "Para jóvenes."}},
        program=program,
        audience="aya",
        language="es",
        capacity=2,
    )
    session = EventSessionFactory(series=series, capacity=2)
    return series, session


def _post_registration(client, series, session, email="ana@example.org", key="k-1"):
    return client.post(
        f"/en/events/{series.slug}/register/",
        {
            "session": str(session.public_id),
            "name": "Ana Demo",
            "email": email,
            "phone": "",
            "idempotency_key": key,
        },
    )


def test_the_list_shows_sessions_and_filters_them(client, group):
    _series, _session = group
    other = EventSeriesFactory(
        slug="yoga",
        title="Gentle yoga",
        audience="survivors",
        kind="wellness",
        location=None,
        virtual_url="https://meet.example.org/y",
    )
    EventSessionFactory(series=other)

    everyone = client.get("/en/events/").content.decode()
    aya_only = client.get("/en/events/?audience=aya&program=aya&language=es").content.decode()
    online = client.get("/en/events/?virtual=yes").content.decode()
    groups = client.get("/en/events/?kind=support_group").content.decode()

    assert "AYA support circle" in everyone and "Gentle yoga" in everyone
    assert "AYA support circle" in aya_only and "Gentle yoga" not in aya_only
    assert "Gentle yoga" in online and "AYA support circle" not in online
    assert "AYA support circle" in groups and "Gentle yoga" not in groups
    assert "meet.example.org" not in everyone  # the link is for registrants only


@pytest.mark.parametrize(
    ("query", "message"),
    [
        ("audience=pirates", "Select a valid choice."),
        ("kind=party", "Select a valid choice."),
        ("program=nope", "Select a valid choice."),
        ("start=2024-02-30", "Enter a valid date."),
        ("start=0001-01-01", "1900"),
        ("start=2030-01-02&end=2030-01-01", "The end date is before the start date."),
        ("virtual=maybe", "Select a valid choice."),
    ],
)
def test_bad_filters_get_a_message_not_a_server_error(client, group, query, message):
    response = client.get(f"/en/events/?{query}")

    assert response.status_code == 400
    assert message in response.content.decode()


def test_the_feed_honours_the_filters_and_parses(client, group):
    _series, _session = group
    EventSessionFactory(
        series=EventSeriesFactory(slug="other", title="Caregiver workshop", audience="caregivers")
    )

    response = client.get("/en/events/feed.ics?audience=aya")

    assert response["Content-Type"].startswith("text/calendar")
    calendar = Calendar.from_ical(response.content)
    assert [str(e["SUMMARY"]) for e in calendar.walk("VEVENT")] == ["AYA support circle"]
    assert client.get("/en/events/feed.ics?audience=pirates").status_code == 400


def test_the_event_page_has_schema_org_event_data_and_no_other_inline_script(client, group):
    series, _session = group

    html = client.get(f"/es/events/{series.slug}/").content.decode()

    data = extruct.extract(html, syntaxes=["json-ld"], uniform=True)["json-ld"]
    events = [d for d in data if d.get("@type") == "Event"]
    assert len(events) == 1
    event = events[0]
    for required in (
        "name",
        "startDate",
        "endDate",
        "location",
        "eventStatus",
        "eventAttendanceMode",
        "organizer",
        "offers",
    ):
        assert event.get(required), required
    assert event["name"] == "Círculo de apoyo AYA"
    assert event["location"]["address"]["addressLocality"] == "Fairhaven"
    finder = _Scripts()
    finder.feed(html)
    assert finder.inline == ["application/ld+json"]


def test_json_ld_cannot_close_its_script_element(client):
    series = EventSeriesFactory(title="</script><script>alert(1)</script>")
    EventSessionFactory(series=series)

    html = client.get(f"/en/events/{series.slug}/").content.decode()

    assert "<script>alert(1)" not in html
    assert "\\u003C/script\\u003E" in html


def test_register_prefills_a_signed_in_person(client, group):
    series, _session = group
    user = UserFactory(email="maria@example.org", full_name="María Demo")
    client.force_login(user)

    html = client.get(f"/en/events/{series.slug}/register/").content.decode()

    assert 'value="maria@example.org"' in html and 'value="María Demo"' in html


def test_registering_leads_to_the_registrants_page_with_ics_and_cancel(client, group):
    series, session = group

    response = _post_registration(client, series, session)

    registration = Registration.objects.get()
    assert response.status_code == 302
    assert response["Location"] == links.manage_url(registration, language="en")
    page = client.get(response["Location"])
    assert page["Cache-Control"] == "no-store, private"
    assert "You are registered" in page.content.decode()
    ics = client.get(f"/en/events/registrations/{links.token_for(registration)}/event.ics")
    assert Calendar.from_ical(ics.content).walk("VEVENT")[0]["STATUS"] == "CONFIRMED"


def test_a_double_submitted_form_is_one_registration(client, group):
    series, session = group

    first = _post_registration(client, series, session, key="same")
    second = _post_registration(client, series, session, key="same")
    third = _post_registration(client, series, session, key="other")  # same email, new key

    assert first["Location"] == second["Location"] == third["Location"]
    assert Registration.objects.count() == 1


def test_a_form_error_keeps_what_was_typed(client, group):
    series, session = group

    response = client.post(
        f"/en/events/{series.slug}/register/",
        {"session": str(session.public_id), "name": "Ana <b>Demo</b>", "email": "not-an-email"},
    )

    html = response.content.decode()
    assert response.status_code == 400
    assert "Enter a valid email address." in html
    assert 'value="Ana &lt;b&gt;Demo&lt;/b&gt;"' in html
    assert not Registration.objects.exists()


def test_registrations_are_throttled_per_address(client, group, settings):
    settings.EVENT_REGISTRATIONS_PER_HOUR = 2
    series, session = group
    session.capacity = 50
    session.save()
    statuses = [
        _post_registration(
            client, series, session, email=f"p{n}@example.org", key=f"k{n}"
        ).status_code
        for n in range(3)
    ]

    assert statuses == [302, 302, 429]


def test_cancel_link_asks_first_and_cancels_only_on_post(client, group):
    _series, session = group
    seated = RegistrationFactory(session=session, status="registered")
    RegistrationFactory(session=session, status="registered")
    waiting = RegistrationFactory(session=session, status="waitlisted")
    url = f"/en/events/registrations/{links.token_for(seated)}/cancel/"

    asked = client.get(url)
    seated.refresh_from_db()
    assert asked.status_code == 200 and seated.status == "registered"

    done = client.post(url)
    seated.refresh_from_db()
    waiting.refresh_from_db()
    assert "Your registration is cancelled" in done.content.decode()
    assert seated.status == "cancelled" and waiting.status == "registered"


def test_cancel_needs_a_csrf_token(group):
    _series, session = group
    seated = RegistrationFactory(session=session)
    strict = Client(enforce_csrf_checks=True)

    response = strict.post(f"/en/events/registrations/{links.token_for(seated)}/cancel/")

    seated.refresh_from_db()
    assert response.status_code == 403 and seated.status == "registered"


@pytest.mark.parametrize(
    "token",
    [
        "x",
        "nonsense:abc",
        signing.Signer(salt=links.SALT).sign("00000000-0000-0000-0000-000000000000"),
        signing.Signer(salt=links.SALT).sign("not-a-uuid"),
        signing.Signer(salt="another-salt").sign("00000000-0000-0000-0000-000000000000"),
    ],
    ids=["short", "unsigned", "unknown", "not-a-uuid", "other-salt"],
)
def test_a_bad_or_unknown_link_is_not_found(client, token):
    assert client.get(f"/en/events/registrations/{token}/").status_code == 404
    assert client.post(f"/en/events/registrations/{token}/cancel/").status_code == 404


def test_a_registration_shows_on_the_next_request_of_the_cached_page(client, group):
    series, session = group
    anonymous = Client()
    before = anonymous.get(f"/en/events/{series.slug}/").content.decode()

    _post_registration(client, series, session)

    after = anonymous.get(f"/en/events/{series.slug}/").content.decode()
    assert "2 seats left" in before and "1 seat left" in after


def test_the_online_link_is_shown_only_once_seated(client):
    series = EventSeriesFactory(
        location=None, virtual_url="https://meet.example.org/room-7", capacity=1
    )
    session = EventSessionFactory(series=series, capacity=1)
    seated = RegistrationFactory(session=session, status="registered")
    waiting = RegistrationFactory(session=session, status="waitlisted")

    seated_page = client.get(links.manage_url(seated, language="en")).content.decode()
    waiting_page = client.get(links.manage_url(waiting, language="en")).content.decode()
    public = client.get(f"/en/events/{series.slug}/").content.decode()

    assert "meet.example.org/room-7" in seated_page
    assert "meet.example.org/room-7" not in waiting_page
    assert "meet.example.org/room-7" not in public


def test_a_past_session_cannot_be_chosen(client, group):
    series, session = group
    session.starts_at = timezone.now() - timedelta(hours=1)
    session.save()

    response = _post_registration(client, series, session)

    assert response.status_code == 400 and "Registration is closed" in response.content.decode()
    assert not Registration.objects.exists()


class _Scripts(HTMLParser):
    def __init__(self):
        super().__init__()
        self.inline = []

    def handle_starttag(self, tag, attrs):
        names = dict(attrs)
        if tag == "script" and "src" not in names:
            self.inline.append(names.get("type", "text/javascript"))


PAYLOAD = '<script>alert("x")</script><img src=x onerror=alert(1)>'


def test_names_and_titles_are_escaped_everywhere_they_show(client):
    series = EventSeriesFactory(title=PAYLOAD, description=PAYLOAD)
    session = EventSessionFactory(series=series)
    registration = RegistrationFactory(session=session, name=PAYLOAD)

    pages = [
        client.get("/en/events/").content.decode(),
        client.get(f"/en/events/{series.slug}/").content.decode(),
        client.get(f"/en/events/{series.slug}/register/").content.decode(),
        client.get(links.manage_url(registration, language="en")).content.decode(),
        client.get(
            f"/en/events/registrations/{links.token_for(registration)}/cancel/"
        ).content.decode(),
    ]

    for html in pages:
        assert "<script>alert" not in html and "<img src=x" not in html


def test_registering_needs_a_csrf_token(group):
    series, session = group
    strict = Client(enforce_csrf_checks=True)

    response = _post_registration(strict, series, session)

    assert response.status_code == 403
    assert not Registration.objects.exists()


def test_event_pages_carry_the_strict_headers(client, group):
    series, session = group
    registration = RegistrationFactory(session=session)

    public = client.get(f"/en/events/{series.slug}/")
    personal = client.get(links.manage_url(registration, language="en"))

    for response in (public, personal):
        assert "unsafe-inline" not in response["Content-Security-Policy"]
        assert response["X-Content-Type-Options"] == "nosniff"
        assert response["X-Frame-Options"] == "DENY"
    assert personal["Cache-Control"] == "no-store, private"
    assert "no-store" not in public.get("Cache-Control", "")


def test_the_events_ics_is_a_download_every_time(client, group):
    series, _session = group

    answers = [client.get(f"/en/events/{series.slug}/event.ics") for _ in range(2)]

    for response in answers:
        assert response["Content-Disposition"] == f'attachment; filename="{series.slug}.ics"'
        assert Calendar.from_ical(response.content).walk("VEVENT")[0]["UID"]


def test_text_in_another_language_than_the_page_is_marked_with_its_lang(client):
    spanish = EventSeriesFactory(
        slug="cuidadores",
        title="Grupo para cuidadores",
        language="es",
        translations={"en": {"title": "Caregiver group (in Spanish)"}},
    )
    EventSessionFactory(series=spanish)

    english_page = client.get("/en/events/cuidadores/").content.decode()
    russian_page = client.get("/ru/events/cuidadores/").content.decode()

    assert "<h1>Caregiver group (in Spanish)</h1>" in english_page
    assert '<h1 lang="es">Grupo para cuidadores</h1>' in russian_page


def test_the_program_page_shows_its_upcoming_events(client, group):
    series, _session = group

    html = client.get("/en/programs/aya/").content.decode()

    assert f'href="{series.get_absolute_url()}"' in html
    assert 'href="/en/events/?program=aya"' in html

"""Events pages: the listing with filters, one event, its .ics, the feed, registering, and a
registrant's own page (reached by the signed link in their email) to see and cancel."""

from __future__ import annotations

import uuid
from typing import Any

from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from medcenter.core import idempotency
from medcenter.core.caching import cache_public_page
from medcenter.core.clientaddr import client_ip
from medcenter.core.routes import public_route
from medcenter.events import cache, calendars, links, presenting, selectors, services
from medcenter.events.forms import EventFilterForm, RegistrationForm
from medcenter.events.models import Registration, RegistrationStatus


def _filter_form(request: HttpRequest) -> EventFilterForm:
    keys = ("kind", "program", "audience", "language", "virtual", "start", "end")
    return EventFilterForm({k: request.GET[k] for k in keys if k in request.GET} or None)


@public_route
@require_safe
@cache_public_page
def event_list(request: HttpRequest) -> HttpResponse:
    """Upcoming sessions, filtered by program, audience, language, online or not, dates."""
    form = _filter_form(request)
    invalid = form.is_bound and not form.is_valid()
    sessions = [] if invalid else selectors.find_sessions(form.filters())
    return render(
        request,
        "events/list.html",
        {
            "form": form,
            "sessions": presenting.session_rows(sessions),
            "feed_query": request.GET.urlencode() if not invalid else "",
        },
        status=400 if invalid else 200,
    )


@public_route
@require_safe
@cache_public_page
def feed(request: HttpRequest) -> HttpResponse:
    """The subscribable calendar: the series the query string's filters select."""
    form = _filter_form(request)
    if form.is_bound and not form.is_valid():
        return render(request, "events/list.html", {"form": form, "sessions": []}, status=400)
    series = selectors.feed_series(form.filters())
    body = calendars.series_ics(series, name=_("Events"))
    return HttpResponse(body, content_type="text/calendar; charset=utf-8")


def _series(slug: str) -> Any:
    series = selectors.get_series(slug=slug)
    if series is None:
        raise Http404
    return series


@public_route
@require_safe
@cache_public_page
def detail(request: HttpRequest, slug: str) -> HttpResponse:
    series = _series(slug)
    sessions = selectors.upcoming_sessions(series)
    return render(
        request,
        "events/detail.html",
        {
            "series": series,
            "sessions": presenting.session_rows(sessions),
            "structured": presenting.event_ld(series, sessions, request),
        },
    )


# Not cached whole: the cache keeps only the body and type, and this answer needs its
# Content-Disposition (a download named after the event). It costs two queries.
@public_route
@require_safe
def series_ics(request: HttpRequest, slug: str) -> HttpResponse:
    series = _series(slug)
    body = calendars.series_ics([series], name=series.localized("title"))
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = f'attachment; filename="{series.slug}.ics"'
    return response


@public_route
@require_http_methods(["GET", "HEAD", "POST"])
def register(request: HttpRequest, slug: str) -> HttpResponse:
    """Choose a date and give a name and email (prefilled for a signed-in person)."""
    series = _series(slug)
    sessions = [s for s in selectors.upcoming_sessions(series) if s.is_open()]
    labels = presenting.session_labels(sessions)
    user: Any = request.user
    initial: dict[str, Any] = {"idempotency_key": str(uuid.uuid4())}
    wanted = request.GET.get("session", "")
    if wanted in labels:
        initial["session"] = wanted
    elif len(sessions) == 1:
        initial["session"] = str(sessions[0].public_id)
    if user.is_authenticated:
        initial["email"] = user.email
        initial["name"] = (user.get_full_name() or "").strip()
    form = RegistrationForm(
        request.POST if request.method == "POST" else None,
        initial=initial,
        sessions=sessions,
        labels=labels,
    )
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        session = form.chosen_session()

        def create() -> dict[str, Any]:
            made = services.register_for_session(
                session=session,
                name=data["name"],
                email=data["email"],
                phone=data["phone"] or "",
                user=user,
                language=get_language() or "en",
                client_ip=client_ip(request),
            )
            cache.purge_series_pages(series)
            return {"registration": str(made.public_id)}

        answer = idempotency.submit_form_once(
            form,
            scope="events.register",
            payload={k: str(v) for k, v in data.items() if k != "idempotency_key"},
            create=create,
        )
        if answer is not None and answer.status == 429:
            response = render(request, "events/throttled.html", {"series": series}, status=429)
            response["Retry-After"] = str(answer.body.get("retry_after", 3600))
            return response
        if answer is not None:
            made = Registration.objects.get(public_id=answer.body["registration"])
            return redirect(links.manage_url(made, language=get_language() or "en"))
    return render(
        request,
        "events/register.html",
        {"series": series, "form": form, "sessions": sessions},
        status=400 if form.is_bound else 200,
    )


def _registration(token: str) -> Registration:
    found = links.registration_for_token(token)
    if found is None:
        raise Http404
    return found


@public_route
@require_safe
def registration(request: HttpRequest, token: str) -> HttpResponse:
    """The registrant's own page: their status, the online link if registered, .ics, cancel."""
    found = _registration(token)
    response = render(
        request,
        "events/registration.html",
        {
            "registration": found,
            "session": found.session,
            "series": found.session.series,
            "token": token,
            "registered": found.status == RegistrationStatus.REGISTERED,
        },
    )
    response["Cache-Control"] = "no-store, private"
    return response


@public_route
@require_safe
def registration_ics(request: HttpRequest, token: str) -> HttpResponse:
    found = _registration(token)
    body = calendars.session_ics(
        found.session, with_link=found.status == RegistrationStatus.REGISTERED
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    response["Content-Disposition"] = 'attachment; filename="event.ics"'
    response["Cache-Control"] = "no-store, private"
    return response


@public_route
@require_http_methods(["GET", "HEAD", "POST"])
def cancel(request: HttpRequest, token: str) -> HttpResponse:
    """GET asks to confirm (a mail scanner following the link cancels nothing); POST cancels."""
    found = _registration(token)
    if request.method == "POST":
        services.cancel_registration(registration=found)
        cache.purge_series_pages(found.session.series)
        found.refresh_from_db()
    response = render(
        request,
        "events/cancel.html",
        {
            "registration": found,
            "session": found.session,
            "series": found.session.series,
            "token": token,
            "done": found.status == RegistrationStatus.CANCELLED,
        },
    )
    response["Cache-Control"] = "no-store, private"
    return response

"""Thin pages: the patient's Messages section and the staff inbox. Each parses, makes one
selector or service call, and renders."""

from typing import Any
from uuid import UUID

from django.contrib import messages as flash
from django.core.exceptions import ValidationError
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods

from medcenter.core.errors import Conflict
from medcenter.core.http import AuthedRequest, apply_errors
from medcenter.core.idempotency import KeyReused
from medcenter.core.routes import patient_data_route, staff_route
from medcenter.core.uploads import download_response
from medcenter.core.vault import VaultError
from medcenter.messaging import selectors, services
from medcenter.messaging.forms import NewThreadForm, ReassignForm, ReplyForm, StaffReplyForm
from medcenter.messaging.models import Attachment, Pool, Thread
from medcenter.patients.access import PatientAccess
from medcenter.portal.frame import frame_for

PATIENT = "patients.patient"
THREAD = "messaging.thread"
WORK = "messaging.work_inbox"
SECTION = "messages"
GET_POST = require_http_methods(["GET", "POST"])


def _access(request: AuthedRequest, public_id: UUID, action: str) -> PatientAccess:
    return selectors.get_access_for_messages(request.user, public_id=public_id, action=action)


def _page(
    request: AuthedRequest,
    access: PatientAccess,
    template: str,
    context: dict[str, Any],
    status: int = 200,
) -> HttpResponse:
    return render(
        request,
        template,
        {"portal": frame_for(request, access, current=SECTION), "access": access, **context},
        status=status,
    )


@patient_data_route(model=PATIENT)
@require_http_methods(["GET"])
def portal_threads(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """The record's conversations, newest first, with what is unread."""
    access = _access(request, public_id, "message.threads_viewed")
    threads = selectors.thread_list(access, request.user)
    return _page(request, access, "messaging/portal_threads.html", {"threads": threads})


def _new_thread(
    request: AuthedRequest,
    access: PatientAccess,
    *,
    initial: dict[str, Any],
    pools: list[Pool],
    trial: Any = None,
) -> HttpResponse:
    form = NewThreadForm(
        request.POST or None,
        request.FILES or None,
        initial=initial,
        pools=pools,
        session=request.session,
    )
    if request.method == "POST" and form.is_valid():
        try:
            thread = services.start_thread(
                request.user,
                access=access,
                pool=form.cleaned_data["pool"],
                subject=form.cleaned_data["subject"],
                body=form.cleaned_data["body"],
                files=form.uploads("attachments"),
                idempotency_key=form.cleaned_data.get("idempotency_key") or None,
                kept=form.kept_uploads(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        except KeyReused:
            form.add_error(
                None, _("This form was already sent. Reload the page to send a new one.")
            )
        else:
            flash.success(request, _("Your message was sent."))
            return redirect(
                "messaging:portal_thread",
                public_id=access.patient.public_id,
                thread_id=thread.public_id,
            )
    return _page(
        request,
        access,
        "messaging/portal_new_thread.html",
        {"form": form, "pools": pools, "trial": trial},
        status=400 if form.is_bound else 200,
    )


@patient_data_route(model=PATIENT)
@GET_POST
def portal_new_thread(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """Write to one of the teams caring for the patient."""
    access = _access(request, public_id, "message.new_thread_opened")
    pools = selectors.offered_pools(access.patient)
    return _new_thread(request, access, initial={}, pools=pools)


@patient_data_route(model=PATIENT)
@GET_POST
def portal_ask_trial(request: AuthedRequest, public_id: UUID) -> HttpResponse:
    """ "Ask my care team about this trial": a message to the pool that owns `?trial=`."""
    access = _access(request, public_id, "message.ask_trial_opened")
    ask = selectors.trial_question(access.patient, nct_id=request.GET.get("trial", ""))
    if ask is None:
        pools = selectors.offered_pools(access.patient)
        return _new_thread(request, access, initial={}, pools=pools)
    initial = {"pool": ask.pool.pk, "subject": ask.subject, "body": ask.body}
    return _new_thread(request, access, initial=initial, pools=ask.pools, trial=ask.trial)


@patient_data_route(model=PATIENT, kwargs=("public_id", "thread_id"))
@GET_POST
def portal_thread(request: AuthedRequest, public_id: UUID, thread_id: UUID) -> HttpResponse:
    """One conversation. Showing it changes nothing (R12): its replies are marked read by a
    POST to `portal_thread_read`, which the page sends itself (htmx) or the reader's button."""
    access = _access(request, public_id, "message.thread_viewed")
    thread = selectors.get_patient_thread(access, thread_id=thread_id)
    form = ReplyForm(request.POST or None, request.FILES or None, session=request.session)
    if request.method == "POST" and form.is_valid():
        try:
            services.post_patient_message(
                request.user,
                access=access,
                thread=thread,
                body=form.cleaned_data["body"],
                files=form.uploads("attachments"),
                idempotency_key=form.cleaned_data.get("idempotency_key") or None,
                kept=form.kept_uploads(),
            )
        except ValidationError as error:
            apply_errors(form, error)
        except KeyReused:
            form.add_error(
                None, _("This form was already sent. Reload the page to send a new one.")
            )
        else:
            flash.success(request, _("Your message was sent."))
            return redirect(request.path)
    shown = selectors.thread_messages(thread, staff=False)
    return _page(
        request,
        access,
        "messaging/portal_thread.html",
        {
            "thread": thread,
            "shown": shown,
            "form": form,
            "unread": selectors.unread_of(request.user, shown),
        },
        status=400 if form.is_bound else 200,
    )


def _marked(request: AuthedRequest, back: str) -> HttpResponse:
    if request.htmx:  # type: ignore[attr-defined]
        # The page's own request as it opens: the mark-read form goes, nothing else changes.
        return HttpResponse("")
    flash.success(request, _("Marked as read."))
    return redirect(back)


@patient_data_route(model=PATIENT, kwargs=("public_id", "thread_id"))
@require_http_methods(["POST"])
def portal_thread_read(request: AuthedRequest, public_id: UUID, thread_id: UUID) -> HttpResponse:
    """Mark the conversation's replies read for this reader (a POST: reading changes nothing)."""
    access = _access(request, public_id, "message.thread_read")
    thread = selectors.get_patient_thread(access, thread_id=thread_id)
    services.mark_read(request.user, thread=thread)
    return _marked(
        request,
        reverse(
            "messaging:portal_thread",
            kwargs={"public_id": access.patient.public_id, "thread_id": thread.public_id},
        ),
    )


def _download(attachment: Attachment) -> HttpResponse:
    try:
        content = selectors.read_attachment(attachment)
    except VaultError:
        raise Http404 from None
    return download_response(
        content=content, content_type=attachment.content_type, filename=attachment.filename
    )


@patient_data_route(model=PATIENT, kwargs=("public_id", "thread_id", "attachment_id"))
@require_http_methods(["GET"])
def portal_attachment(
    request: AuthedRequest, public_id: UUID, thread_id: UUID, attachment_id: UUID
) -> HttpResponse:
    """One attachment, decrypted and integrity-checked, as a download."""
    access = _access(request, public_id, "message.attachment_opened")
    attachment = selectors.get_patient_attachment(
        access, thread_id=thread_id, attachment_id=attachment_id
    )
    return _download(attachment)


# --- staff -----------------------------------------------------------------------------------


@staff_route(WORK)
@require_http_methods(["GET"])
def staff_inbox(request: AuthedRequest) -> HttpResponse:
    """The inboxes of the pools one works: overdue first, then soonest due."""
    pools = list(selectors.pools_worked_by(request.user))
    chosen = [p for p in pools if p.slug == request.GET.get("pool")] or pools
    view = request.GET.get("view", "open")
    try:
        page = selectors.inbox(
            request.user, pools=chosen, view=view, cursor=request.GET.get("cursor", "")
        )
    except ValidationError:
        page = selectors.inbox(request.user, pools=chosen)
        view = "open"
    return render(
        request,
        "messaging/staff_inbox.html",
        {
            "pools": pools,
            "chosen": chosen[0] if len(chosen) == 1 and len(pools) > 1 else None,
            "view": view,
            "views": selectors.INBOX_VIEWS,
            "page": page,
        },
    )


def _staff_action(request: AuthedRequest, thread: Thread) -> tuple[Any, Any]:
    reply = StaffReplyForm(request.POST if request.POST.get("action") == "reply" else None)
    reassign = ReassignForm(request.POST if request.POST.get("action") == "reassign" else None)
    action = request.POST.get("action")
    try:
        if action == "reply" and reply.is_valid():
            services.post_staff_reply(
                request.user,
                thread=thread,
                body=reply.cleaned_data["body"],
                internal=reply.cleaned_data["internal"],
            )
            return None, None
        if action == "claim":
            services.claim_thread(request.user, thread=thread)
            return None, None
        if action == "close":
            services.close_thread(request.user, thread=thread)
            return None, None
        if action == "reassign" and reassign.is_valid():
            services.reassign_thread(
                request.user,
                thread=thread,
                pool=reassign.cleaned_data["pool"],
                assignee=reassign.cleaned_data.get("assignee"),
            )
            return None, None
    except ValidationError as error:
        apply_errors(reply if action == "reply" else reassign, error)
    except Conflict as error:
        flash.error(request, str(error))
        return None, None
    return reply, reassign


@patient_data_route(model=THREAD, kwargs=("thread_id",), permission=WORK)
@GET_POST
def staff_thread(request: AuthedRequest, thread_id: UUID) -> HttpResponse:
    """One conversation in the inbox: reply, note, claim, reassign, close."""
    thread = selectors.get_staff_thread_for(
        request.user, thread_id=thread_id, action="message.staff_thread_viewed"
    )
    status = 200
    if request.method == "POST":
        reply, reassign = _staff_action(request, thread)
        if reply is None:
            if not selectors.staff_may_work(request.user, Thread.objects.get(pk=thread.pk).pool):
                return redirect("messaging:staff_inbox")  # handed to a pool one does not work
            return redirect(request.path)
        status = 400
    else:
        reply, reassign = StaffReplyForm(), ReassignForm(initial={"pool": thread.pool_id})
    shown = selectors.thread_messages(thread, staff=True)
    return render(
        request,
        "messaging/staff_thread.html",
        {
            "thread": thread,
            "shown": shown,
            "unread": selectors.unread_of(request.user, shown),
            "reply": reply,
            "reassign": reassign,
            "now": timezone.now(),
            "back": reverse("messaging:staff_inbox"),
        },
        status=status,
    )


@patient_data_route(model=THREAD, kwargs=("thread_id",), permission=WORK)
@require_http_methods(["POST"])
def staff_thread_read(request: AuthedRequest, thread_id: UUID) -> HttpResponse:
    """Mark the conversation read for this staff member (a POST: reading changes nothing)."""
    thread = selectors.get_staff_thread_for(
        request.user, thread_id=thread_id, action="message.staff_thread_read"
    )
    services.mark_read(request.user, thread=thread, staff=True)
    return _marked(request, reverse("messaging:staff_thread", args=[thread.public_id]))


@patient_data_route(model=THREAD, kwargs=("thread_id", "attachment_id"), permission=WORK)
@require_http_methods(["GET"])
def staff_attachment(request: AuthedRequest, thread_id: UUID, attachment_id: UUID) -> HttpResponse:
    """One attachment of a thread in one's pool, as a download."""
    attachment = selectors.get_staff_attachment(
        request.user, thread_id=thread_id, attachment_id=attachment_id
    )
    return _download(attachment)

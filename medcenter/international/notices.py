"""How the International Patient Center's messages are worded (templates under
international/notices/), registered with the core outbox. Messages say that something
happened and where to read it; the letters travel as PDF attachments in the recipient's
language (the physician's copy in English)."""

from collections.abc import Mapping
from typing import Any

from django.conf import settings
from django.urls import reverse
from django.utils import translation

from medcenter.core import outbox
from medcenter.core.models import Notification
from medcenter.international import notify
from medcenter.international.models import Case, Letter


def _site() -> str:
    return str(settings.SITE_URL).rstrip("/")


def _case_context(case: Case, language: str) -> dict[str, Any]:
    with translation.override(language):
        page = reverse("international:my_cases")
    return {
        "case": case,
        "ref": case.reference,
        "link": _site() + page,
        "phone": settings.CENTER["phone"],
        "center": settings.CENTER["name"],
    }


def received_context(note: Notification) -> dict[str, Any] | None:
    case = Case.objects.filter(public_id=note.context.get("case")).first()
    if case is None:
        return None
    context = _case_context(case, note.language)
    with translation.override(note.language):
        follow = reverse("international:follow", kwargs={"token": note.context.get("token", "")})
    context["follow"] = _site() + follow
    return context


def update_context(note: Notification) -> dict[str, Any] | None:
    case = Case.objects.filter(public_id=note.context.get("case")).first()
    if case is None:
        return None
    with translation.override(note.language):
        status = str(case.get_status_display())
    return {**_case_context(case, note.language), "status": status}


def letter_context(note: Notification) -> dict[str, Any] | None:
    letter = Letter.objects.select_related("case").filter(public_id=note.context.get("letter"))
    found = letter.first()
    if found is None:
        return None
    with translation.override(note.language):
        kind = str(found.get_kind_display())
    return {**_case_context(found.case, note.language), "letter": found, "kind": kind}


def letter_pdf(note: Notification, variables: Mapping[str, Any]) -> list[outbox.Attachment]:
    from medcenter.international import letters

    letter: Letter = variables["letter"]
    pdf = letters.render(letter, language=note.language)
    return [outbox.Attachment(f"{letter.number}.pdf", pdf, "application/pdf")]


def register() -> None:
    folder = "international/notices"
    # The acknowledgement carries a link that lets an account follow the case: forgotten once
    # sent.
    outbox.register(
        notify.INQUIRY_RECEIVED,
        templates=f"{folder}/inquiry_received",
        category="international",
        context=received_context,
        forget_context=True,
    )
    outbox.register(
        notify.CASE_UPDATE,
        templates=f"{folder}/case_update",
        category="international",
        context=update_context,
    )
    outbox.register(
        notify.LETTER,
        templates=f"{folder}/letter",
        category="international",
        context=letter_context,
        attachments=letter_pdf,
    )

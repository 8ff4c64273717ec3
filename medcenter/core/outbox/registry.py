"""What each kind of message says: templates per kind, registered by the domain that owns it.

A domain registers a kind once (from its AppConfig.ready) with the templates that word it and
a function that turns the row's context (public ids, plain values) into template variables.
The words live in `<app>/templates/<app>/notices/<name>_subject.txt`, `<name>_body.txt` and,
optionally, `<name>_sms.txt`; they are rendered with the recipient's language active, so a
notice is translated like any page, and no message text is assembled in Python.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

from django.conf import settings
from django.template import Context, Engine
from django.template.backends.django import get_installed_libraries

if TYPE_CHECKING:
    from medcenter.core.models import Notification


@dataclass(frozen=True)
class Attachment:
    filename: str
    content: bytes
    mimetype: str


@dataclass
class Message:
    subject: str
    body: str
    attachments: list[Attachment] = field(default_factory=list)
    headers: dict[str, str] = field(default_factory=dict)  # extra email headers (List-Unsubscribe)


ContextBuilder = Callable[["Notification"], "Mapping[str, Any] | None"]
AttachmentBuilder = Callable[["Notification", "Mapping[str, Any]"], "list[Attachment]"]
HeaderBuilder = Callable[["Notification"], "dict[str, str]"]


@dataclass(frozen=True)
class Renderer:
    """How one kind is worded. `context` returns None when the message no longer applies
    (the appointment was cancelled before its reminder): the row is then withdrawn."""

    kind: str
    templates: str  # "scheduling/notices/confirmation" -> _subject.txt, _body.txt, _sms.txt
    category: str = ""
    context: ContextBuilder | None = None
    attachments: AttachmentBuilder | None = None
    # One-time codes and links: the row's context is emptied once the message is sent or
    # given up, so the secret is not kept in the outbox after it has done its job.
    forget_context: bool = False
    headers: HeaderBuilder | None = None


_registry: dict[str, Renderer] = {}


def register(
    kind: str,
    *,
    templates: str,
    category: str = "",
    context: ContextBuilder | None = None,
    attachments: AttachmentBuilder | None = None,
    forget_context: bool = False,
    headers: HeaderBuilder | None = None,
) -> Renderer:
    """Declare how messages of `kind` are worded; registering a kind twice is a mistake."""
    kind = str(kind)  # a TextChoices member registers as its value
    renderer = Renderer(kind, templates, category, context, attachments, forget_context, headers)
    existing = _registry.get(kind)
    if existing is not None and existing != renderer:
        raise ValueError(f"notification kind {kind!r} is already registered")
    _registry[kind] = renderer
    return renderer


def renderer_for(kind: str) -> Renderer:
    try:
        return _registry[str(kind)]
    except KeyError:
        raise LookupError(f"no renderer registered for notification kind {kind!r}") from None


def registered_kinds() -> list[str]:
    return sorted(_registry)


_engine: Engine | None = None


def text_engine() -> Engine:
    """The project's template directories without HTML escaping: these are plain-text messages
    ("O'Brien" must not become "O&#x27;Brien"); nothing they render is ever shown as HTML."""
    global _engine
    if _engine is None:
        templates: list[dict[str, Any]] = settings.TEMPLATES
        dirs = [d for t in templates for d in t.get("DIRS", [])]
        _engine = Engine(
            dirs=dirs, app_dirs=True, autoescape=False, libraries=get_installed_libraries()
        )
    return _engine


def render_template(name: str, variables: Mapping[str, Any]) -> str:
    return text_engine().get_template(name).render(Context(dict(variables), autoescape=False))


def template_exists(name: str) -> bool:
    from django.template import TemplateDoesNotExist

    try:
        text_engine().get_template(name)
    except TemplateDoesNotExist:
        return False
    return True

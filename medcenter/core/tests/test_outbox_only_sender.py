"""Every email and text message goes through the outbox: no module outside medcenter.core
sends one itself (issue 15). A new `send_mail` in a view, or a form that mails on its own,
fails here."""

import ast
from pathlib import Path

from django.contrib.auth import views as auth_views
from django.urls import resolve, reverse

from medcenter.accounts.forms import OutboxPasswordResetForm

PACKAGE = Path(__file__).resolve().parents[2]
CORE = PACKAGE / "core"
# What sends mail or a text by itself. `django.core.mail.outbox` (reading the test outbox) is
# not in the list: tests may read what was sent.
SENDERS = {
    "send_mail",
    "send_mass_mail",
    "mail_admins",
    "mail_managers",
    "EmailMessage",
    "EmailMultiAlternatives",
    "get_connection",
    "email_user",  # User.email_user sends by itself
    "send_email",  # the old core.tasks.send_email
    "gateway",  # core.outbox.sms.gateway(): texts go through the outbox too
    "SMTP",
    "SMTP_SSL",
}
SENDING_MODULES = {"smtplib", "django.core.mail", "medcenter.core.tasks"}


def offences(source: str) -> list[str]:
    """What in `source` sends mail or texts without the outbox, as readable lines."""
    found = []
    for node in ast.walk(ast.parse(source)):
        if isinstance(node, ast.Import):
            found += [f"import {a.name}" for a in node.names if a.name in SENDING_MODULES]
        elif isinstance(node, ast.ImportFrom):
            module = node.module or ""
            for alias in node.names:
                if module in SENDING_MODULES or alias.name in SENDERS:
                    found.append(f"from {module} import {alias.name}")
                if module == "django.core" and alias.name == "mail" and not _is_test(source):
                    found.append("from django.core import mail")
        elif isinstance(node, ast.Attribute) and node.attr in SENDERS:
            found.append(f".{node.attr}")
        elif isinstance(node, ast.Name) and node.id in SENDERS:
            found.append(node.id)
    return found


def _is_test(source: str) -> bool:
    return "import pytest" in source or "pytestmark" in source


def _modules_outside_core() -> list[Path]:
    return [
        path
        for path in sorted(PACKAGE.rglob("*.py"))
        if CORE not in path.parents and "migrations" not in path.parts
    ]


def test_no_module_outside_core_sends_mail_or_texts_itself():
    modules = _modules_outside_core()
    assert PACKAGE / "accounts" / "views.py" in modules  # the scan sees the apps' modules
    found = {}
    for path in modules:
        source = path.read_text(encoding="utf-8")
        if _is_test(source) and path.parent.name == "tests":
            # Tests may read mail.outbox and swap the SMS gateway class; they may not send.
            hits = [o for o in offences(source) if o not in {"gateway", ".gateway"}]
        else:
            hits = offences(source)
        if hits:
            found[str(path.relative_to(PACKAGE))] = hits
    assert found == {}


def test_the_check_recognises_each_way_of_sending():
    assert offences("from django.core.mail import send_mail\nsend_mail('a', 'b', None, ['c'])")
    assert offences("from django.core import mail\nmail.EmailMessage('a').send()")
    assert offences("import smtplib")
    assert offences("from medcenter.core.tasks import send_email")
    assert offences("user.email_user('subject', 'body')")
    assert offences("from medcenter.core.outbox import sms\nsms.gateway().send(to='x')")
    assert offences("from medcenter.core import outbox\noutbox.enqueue(kind='k')") == []


def test_the_password_reset_page_mails_through_the_outbox():
    view = resolve(reverse("accounts:password_reset")).func
    # account_route wraps the view; the class-based view keeps its initkwargs underneath.
    while hasattr(view, "__wrapped__") and not hasattr(view, "view_class"):
        view = view.__wrapped__
    assert view.view_class is auth_views.PasswordResetView
    assert view.view_initkwargs["form_class"] is OutboxPasswordResetForm

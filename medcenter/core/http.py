"""What every app's HTML views share: the signed-in request type, a form saved through a service
(its refusal shown on the form), and the break-the-glass offer for a record the staff member has
no basis to open."""

from __future__ import annotations

from collections.abc import Callable
from functools import wraps
from typing import TYPE_CHECKING, Any

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render

from medcenter.core.errors import RecordAccessDenied

if TYPE_CHECKING:  # typing only: core imports no app at run time
    from medcenter.accounts.models import User


class AuthedRequest(HttpRequest):
    """A request that the route decorators have already checked is signed in."""

    user: User


def apply_errors(form: Any, error: ValidationError) -> None:
    """Show a service's ValidationError on the form, by field where it names one."""
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def saved(request: HttpRequest, form: Any, save: Callable[[], object], *, success: str) -> bool:
    """Whether a posted, valid `form` was saved by `save()` (a service call); on success the
    `success` message is queued. A GET, an invalid form or the service's refusal (its
    ValidationError shown on the form's fields) answers False, with what was typed kept."""
    if request.method != "POST" or not form.is_valid():
        return False
    try:
        save()
    except ValidationError as error:
        apply_errors(form, error)
        return False
    messages.success(request, success)
    return True


def no_access(request: HttpRequest, error: RecordAccessDenied) -> HttpResponse:
    """The 403 page that says why, with break-the-glass offered when the role has it."""
    return render(
        request,
        "no_access.html",
        {"public_id": error.patient_public_id, "can_break_glass": error.can_break_glass},
        status=403,
    )


def offers_break_glass(view: Any) -> Any:
    """Turn a staff member's missing basis into the page that offers break-the-glass."""

    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        try:
            response: HttpResponse = view(request, *args, **kwargs)
        except RecordAccessDenied as error:
            return no_access(request, error)
        return response

    return wrapper

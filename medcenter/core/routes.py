"""Every view says what kind of route it is, so tests can enumerate them all.

- `public_route`: the same for everyone, no personal data.
- `account_route`: a signed-in person's own account (sign-in, MFA, password).
- `staff_route(permission)`: back office; needs a staff account, a verified second factor and
  the named permission, else 403.
- `patient_data_route(model=...)`: shows or changes one patient's data. The view must read
  through a `get_<thing>_for(user, ...)` selector; the registration tells the access-matrix
  test which model the URL's `public_id` names, so it can try patient B's objects as patient A.

A medcenter view without one of these fails the route-registry test.
"""

from collections.abc import Callable
from dataclasses import dataclass
from functools import wraps
from typing import Any, TypeVar

from django.contrib.auth.views import redirect_to_login
from django.core.exceptions import PermissionDenied
from django.http import HttpRequest, HttpResponse

V = TypeVar("V", bound=Callable[..., Any])

PUBLIC, ACCOUNT, STAFF, PATIENT_DATA = "public", "account", "staff", "patient_data"


@dataclass(frozen=True)
class PatientDataRoute:
    model: str  # "app_label.model" of the object the URL names
    kwargs: tuple[str, ...]  # the URL's object ids, by name (public_id, grant_id, ...)
    staff: bool  # True: a back-office route; False: the patient's or a proxy's own route


def route_kind(view: Callable[..., Any]) -> str | None:
    return getattr(view, "route_kind", None)


def public_route(view: V) -> V:
    view.route_kind = PUBLIC  # type: ignore[attr-defined]
    return view


def account_route(view: V) -> V:
    view.route_kind = ACCOUNT  # type: ignore[attr-defined]
    return view


def _require_staff(permission: str, view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        user = request.user
        if not user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        if not user.is_staff or not user.is_verified():
            raise PermissionDenied
        if not user.has_perm(permission):
            raise PermissionDenied
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return wrapper


def _require_sign_in(view: Callable[..., Any]) -> Callable[..., HttpResponse]:
    @wraps(view)
    def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
        if not request.user.is_authenticated:
            return redirect_to_login(request.get_full_path())
        response: HttpResponse = view(request, *args, **kwargs)
        return response

    return wrapper


def staff_route(permission: str) -> Callable[[V], V]:
    """Require a signed-in staff member with a verified second factor and `permission`."""

    def decorator(view: V) -> V:
        wrapper = _require_staff(permission, view)
        wrapper.route_kind = STAFF  # type: ignore[attr-defined]
        wrapper.route_permission = permission  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def patient_data_route(
    *, model: str, kwargs: tuple[str, ...] = ("public_id",), permission: str | None = None
) -> Callable[[V], V]:
    """Register a route that shows or changes one patient's data.

    With `permission` it is a back-office route (staff, second factor, permission); without,
    it is the patient's or a proxy's own route and needs only a signed-in person. Either way
    the view reads through a selector that checks the person's basis for this patient.
    """

    def decorator(view: V) -> V:
        checked = _require_staff(permission, view) if permission else _require_sign_in(view)

        @wraps(view)
        def wrapper(request: HttpRequest, *args: Any, **kwargs: Any) -> HttpResponse:
            # Refusals before the view's selector runs are audited here, so every request
            # to a patient-data route leaves an audit event.
            try:
                response = checked(request, *args, **kwargs)
            except PermissionDenied:
                audit_refusal(request, kwargs)
                raise
            if response.status_code == 302 and not request.user.is_authenticated:
                audit_refusal(request, kwargs)
            return response

        if permission is not None:
            wrapper.route_permission = permission  # type: ignore[attr-defined]
        wrapper.route_kind = PATIENT_DATA  # type: ignore[attr-defined]
        wrapper.patient_data = PatientDataRoute(model, kwargs, permission is not None)  # type: ignore[attr-defined]
        return wrapper  # type: ignore[return-value]

    return decorator


def audit_refusal(request: HttpRequest, kwargs: dict[str, Any]) -> None:
    from medcenter.core import audit

    audit.record(
        action="patient_data.refused",
        outcome=audit.Outcome.DENIED,
        actor=request.user,
        reason=",".join(f"{k}={v}" for k, v in sorted(kwargs.items())),
    )

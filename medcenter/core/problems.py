"""The API's one error contract: RFC 9457 problem details (`application/problem+json`).

Every 4xx the API gives has the same keys: `type`, `title`, `status`, `detail` (a sentence for
a person, in the request's language), `code` (a stable name for a program) and `errors` (the
messages per field; `__all__` for the request as a whole). Endpoints raise; the handlers here
answer, so no endpoint maps an exception by hand and no answer carries a stack trace.
"""

from __future__ import annotations

import math
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any

from django.core.exceptions import NON_FIELD_ERRORS, ObjectDoesNotExist, PermissionDenied
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse, JsonResponse
from django.utils.translation import gettext as _
from ninja import Field, NinjaAPI, Schema
from ninja import errors as ninja_errors

from medcenter.core import idempotency
from medcenter.core.errors import Conflict, RecordAccessDenied
from medcenter.core.throttle import Throttled

MEDIA_TYPE = "application/problem+json"


class Problem(Schema):
    """What went wrong, for a person (`title`, `detail`) and for a program (`code`, `errors`)."""

    type: str = Field("about:blank", description="RFC 9457: about:blank, see `code`")
    title: str = Field(..., description="The kind of problem, in the request's language")
    status: int = Field(..., description="The HTTP status code")
    detail: str = Field(..., description="What went wrong, for a person")
    code: str = Field(..., description="A stable name: invalid, not_found, slot_taken, ...")
    errors: dict[str, list[str]] = Field(
        default_factory=dict, description="Messages per field; `__all__` for the whole request"
    )


def errors(*statuses: int) -> dict[int, type[Problem]]:
    """The error answers an endpoint declares, for `response={200: Out, **errors(400, 404)}`."""
    return dict.fromkeys(statuses, Problem)


def _titles() -> dict[int, str]:
    return {
        400: _("Bad request"),
        401: _("Sign in"),
        403: _("Access denied"),
        404: _("Not found"),
        409: _("Conflict"),
        413: _("Request too large"),
        422: _("Request not accepted"),
        429: _("Too many requests"),
    }


@dataclass(frozen=True)
class Answer:
    status: int
    body: dict[str, Any]
    headers: dict[str, str] = field(default_factory=dict)


def body(
    status: int, *, detail: str, code: str, field_errors: dict[str, list[str]] | None = None
) -> dict[str, Any]:
    """A problem body; `detail` is a sentence in the request's language."""
    return {
        "type": "about:blank",
        "title": _titles().get(status, ""),
        "status": status,
        "detail": str(detail),
        "code": code,
        "errors": field_errors or {},
    }


def _field_errors(error: DjangoValidationError) -> dict[str, list[str]]:
    if hasattr(error, "error_dict"):
        return {
            name: [str(m) for m in DjangoValidationError(found).messages]
            for name, found in error.error_dict.items()
        }
    return {NON_FIELD_ERRORS: [str(m) for m in error.messages]}


def _code(error: DjangoValidationError) -> str:
    parts = error.error_dict.values() if hasattr(error, "error_dict") else [error.error_list]
    codes = {str(e.code) if e.code else "" for part in parts for e in part}
    return codes.pop() if len(codes) == 1 and "" not in codes else "invalid"


def _input_message(error: dict[str, Any]) -> str:
    """A translated message for one of pydantic's errors (Django's wording where it has one)."""
    kind, ctx = error.get("type", ""), error.get("ctx") or {}
    if kind == "missing":
        return _("This field is required.")
    if kind.startswith("uuid"):
        return _("Enter a valid UUID.")
    if kind.startswith("int"):
        return _("Enter a whole number.")
    if kind.startswith("float") or kind == "finite_number":
        return _("Enter a number.")
    if kind.startswith("datetime"):
        return _("Enter a valid date/time.")
    if kind == "less_than_equal":
        return _("Ensure this value is less than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("le")
        }
    if kind == "greater_than_equal":
        return _("Ensure this value is greater than or equal to %(limit_value)s.") % {
            "limit_value": ctx.get("ge")
        }
    if kind in ("literal_error", "enum"):
        return _("Select a valid choice. That choice is not one of the available choices.")
    if kind == "string_too_long":
        return _("Ensure this value has at most %(limit)s characters.") % {
            "limit": ctx.get("max_length")
        }
    if kind == "too_long":
        return _("Send at most %(limit)s items.") % {"limit": ctx.get("max_length")}
    if kind == "value_error":
        # Our own validators' words (a lab test's known units, say).
        return str(error.get("msg", "")).removeprefix("Value error, ")
    return _("Enter a valid value.")


def _input_errors(found: list[dict[str, Any]]) -> dict[str, list[str]]:
    per_field: dict[str, list[str]] = {}
    for error in found:
        where = [str(part) for part in error.get("loc", ())]
        # ("body", "payload", "age") names the field "age"; ("query", "limit") names "limit".
        if len(where) > 2 and where[0] == "body":
            where = where[2:]
        elif len(where) > 1:
            where = where[1:]
        name = ".".join(where) or NON_FIELD_ERRORS
        per_field.setdefault(name, []).append(_input_message(error))
    return per_field


def answer_for(exc: BaseException) -> Answer | None:
    """The problem answer for an exception a service, selector or endpoint raised; None for
    one that is a bug (it goes on to the server-error page, logged, with no trace shown)."""
    if isinstance(exc, DjangoValidationError):
        found = _field_errors(exc)
        messages = [m for ms in found.values() for m in ms]
        return Answer(
            400, body(400, detail=" ".join(messages), code=_code(exc), field_errors=found)
        )
    if isinstance(exc, ninja_errors.ValidationError):
        found = _input_errors(exc.errors)
        detail = _("Some fields are not valid: %(fields)s.") % {"fields": ", ".join(found)}
        return Answer(400, body(400, detail=detail, code="invalid", field_errors=found))
    if isinstance(exc, RecordAccessDenied):
        # Not yours reads as not there, so that an id cannot be probed (SECURITY.md R1).
        return Answer(404, body(404, detail=_("Not found."), code="not_found"))
    if isinstance(exc, PermissionDenied):
        detail = str(exc) or _("Your role does not allow this.")
        return Answer(403, body(403, detail=detail, code="forbidden"))
    if isinstance(exc, Http404):
        return Answer(404, body(404, detail=str(exc) or _("Not found."), code="not_found"))
    if isinstance(exc, ObjectDoesNotExist):
        return Answer(404, body(404, detail=_("Not found."), code="not_found"))
    if isinstance(exc, Conflict):
        return Answer(409, body(409, detail=str(exc), code=exc.code))
    if isinstance(exc, idempotency.StillRunning):
        detail = _("The first request with this Idempotency-Key is still running. Retry shortly.")
        return Answer(409, body(409, detail=detail, code="in_progress"))
    if isinstance(exc, idempotency.KeyReused):
        detail = _("This Idempotency-Key was used with a different request.")
        return Answer(422, body(422, detail=detail, code="idempotency_key_reused"))
    if isinstance(exc, Throttled):
        return _throttled(str(exc), exc.retry_after)
    if isinstance(exc, ninja_errors.Throttled):
        return _throttled(_("Too many requests. Please try again later or call us."), exc.wait)
    if isinstance(exc, ninja_errors.HttpError):
        code = {401: "not_authenticated", 403: "forbidden", 404: "not_found"}.get(
            exc.status_code, "invalid"
        )
        if exc.status_code == 401:
            detail = _("Sign in to use this part of the API.")
        else:
            detail = exc.message
        return Answer(exc.status_code, body(exc.status_code, detail=detail, code=code))
    return None


def _throttled(detail: str, wait: float | None) -> Answer:
    seconds = max(1, math.ceil(wait)) if wait is not None else 60
    return Answer(
        429,
        body(429, detail=detail, code="throttled"),
        headers={"Retry-After": str(seconds)},
    )


def response(found: Answer) -> HttpResponse:
    """The HTTP answer for a problem: its body as `application/problem+json`."""
    # Through the schema, so a replayed answer (read back from a JSON column, whose key order
    # the database may change) is byte for byte the first one.
    content = Problem(**found.body).model_dump()
    answer = JsonResponse(content, status=found.status, content_type=MEDIA_TYPE)
    for name, value in found.headers.items():
        answer[name] = value
    return answer


API_PREFIX = "/api/"


def for_api_request(request: HttpRequest, status: int) -> HttpResponse | None:
    """A problem body for an error Django answers before the API sees the request (a NUL
    byte refused by middleware, a path no operation matches); None outside the API."""
    if not request.path.startswith(API_PREFIX):
        return None
    if status == 400:
        detail, code = _("We could not understand that request"), "invalid"
    elif status == 403:
        detail, code = _("Your role does not allow this."), "forbidden"
    else:
        detail, code = _("Not found."), "not_found"
    return response(Answer(status, body(status, detail=detail, code=code)))


HANDLED: tuple[type[Exception], ...] = (
    DjangoValidationError,
    ninja_errors.ValidationError,
    PermissionDenied,
    Http404,
    ObjectDoesNotExist,
    Conflict,
    idempotency.StillRunning,
    idempotency.KeyReused,
    Throttled,
    ninja_errors.HttpError,
)


def once(
    request: HttpRequest,
    *,
    scope: str,
    payload: Any,
    action: Callable[[], idempotency.Answer],
    required: bool,
    owner: str | None = None,
) -> Any:
    """Run an endpoint's `action` once per Idempotency-Key (R26). A refusal is an answer too:
    the same key gets the same problem again, as it gets the same success. `owner` scopes the
    keys (the signed-in user by default)."""
    from ninja.responses import Status

    key = request.headers.get("Idempotency-Key")
    if key is None and required:
        message = _("Send an Idempotency-Key header with each request.")
        raise DjangoValidationError(
            {"Idempotency-Key": DjangoValidationError(message, code="idempotency_key_missing")}
        )
    if key is not None and not idempotency.valid_key(key):
        message = _("The Idempotency-Key header is too long or malformed.")
        raise DjangoValidationError(
            {"Idempotency-Key": DjangoValidationError(message, code="idempotency_key_invalid")}
        )

    def answered() -> idempotency.Answer:
        try:
            return action()
        except Throttled:
            raise  # not an answer to keep: the same request may go through later
        except HANDLED as refusal:
            found = answer_for(refusal)
            if found is None:  # pragma: no cover - HANDLED lists only what answer_for answers
                raise
            return idempotency.Answer(found.status, found.body)

    if key is None:
        answer = answered()
    else:
        answer = idempotency.run_once(
            scope=scope,
            owner=owner if owner is not None else str(request.user.pk),
            key=key,
            payload=payload,
            action=answered,
        )
    if answer.status >= 400:
        return response(Answer(answer.status, answer.body))
    return Status(answer.status, answer.body)


def install(api: NinjaAPI) -> None:
    """Answer every handled exception on `api` with a problem body."""

    def handle(request: HttpRequest, exc: Exception | type[Exception]) -> HttpResponse:
        found = answer_for(exc) if isinstance(exc, Exception) else None
        if found is None:  # pragma: no cover - HANDLED lists only what answer_for answers
            raise exc
        return response(found)

    for kind in HANDLED:
        api.add_exception_handler(kind, handle)


UNSAFE_METHODS = frozenset({"post", "put", "patch", "delete"})
_REASONS = {400: "Bad Request", 401: "Unauthorized", 403: "Forbidden"}


def framework_statuses(method: str, operation: dict[str, Any]) -> set[int]:
    """The error answers that come from the framework, whatever the endpoint declares.

    400: a parameter or body that does not parse (`ninja.errors.ValidationError`). 401: no
    session on an operation that needs one. 403: a signed-in request without a valid CSRF
    token, on an operation that changes state (a session cookie is a credential the browser
    sends by itself, so ninja checks the token before the endpoint runs).
    """
    found: set[int] = set()
    if operation.get("parameters") or "requestBody" in operation:
        found.add(400)
    if operation.get("security"):
        found.add(401)
        if method in UNSAFE_METHODS:
            found.add(403)
    return found


class ProblemAPI(NinjaAPI):
    """A NinjaAPI whose OpenAPI document gives error answers as `application/problem+json`,
    and lists, on every operation, the error answers the framework itself can give."""

    def get_openapi_schema(self, **kwargs: Any) -> Any:
        schema = super().get_openapi_schema(**kwargs)
        problem = {"schema": {"$ref": "#/components/schemas/Problem"}}
        for operations in schema.get("paths", {}).values():
            for method, operation in operations.items():
                answers = operation.setdefault("responses", {})
                for answer in answers.values():
                    content = answer.get("content", {})
                    json = content.get(self.renderer.media_type)
                    if json and json.get("schema", {}).get("$ref", "").endswith("/Problem"):
                        content[MEDIA_TYPE] = content.pop(self.renderer.media_type)
                for status in sorted(framework_statuses(method, operation)):
                    if status not in answers and str(status) not in answers:
                        answers[status] = {
                            "content": {MEDIA_TYPE: dict(problem)},
                            "description": _REASONS[status],
                        }
        return schema

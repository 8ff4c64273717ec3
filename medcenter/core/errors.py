"""The exceptions services and selectors raise for a problem the caller answers, beside Django's.

A service raises `ValidationError` (the user can fix it), `PermissionDenied` (missing rights),
`Http404` or `ObjectDoesNotExist` (nothing there), `Conflict` (the state moved under the
request: a slot just taken), `RecordAccessDenied` (no basis to open a patient's record) or
`core.throttle.Throttled` (too many). The API answers each of them in one place
(`core.problems`); pages through `core.http`. No view or endpoint maps them by hand.
"""

from uuid import UUID

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _


class Conflict(Exception):
    """The request conflicts with the current state of things (HTTP 409); `code` names which."""

    code = "conflict"

    def __init__(self, message: str = "", *, code: str = "") -> None:
        super().__init__(message or _("This conflicts with a change made meanwhile. Try again."))
        if code:
            self.code = code


class RecordAccessDenied(PermissionDenied):
    """No basis to open one patient's record.

    Staff pages offer break-the-glass when `can_break_glass`; the API answers 404, as for a
    record that does not exist, so that an id cannot be probed.
    """

    def __init__(self, *, patient_public_id: UUID, can_break_glass: bool) -> None:
        super().__init__()
        self.patient_public_id = patient_public_id
        self.can_break_glass = can_break_glass

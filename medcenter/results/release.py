"""When the patient sees an item: the release rules, as one pure function.

Final (and amended) items show at once. The only holds (no center-wide delay, which federal
guidance treats as likely information blocking, 45 CFR 171.103):

(a) the patient asked, for a named sensitive type, to see such results only after their
    clinician has reviewed them, and at most N days after they are issued (N capped);
(b) a state law the center names requires a delay for the type (`ReleaseLaw`; none by
    default): N days after issue, or earlier once reviewed where the law allows that;
(c) one clinician's time-boxed hold on one item, with a recorded preventing-harm reason.

Each hold pushes the release later; the latest wins. A preliminary item is never released.
"""

from collections.abc import Iterable
from dataclasses import dataclass
from datetime import datetime, timedelta

from medcenter.results.models import ReportStatus


@dataclass(frozen=True)
class LawDelay:
    days: int
    released_by_review: bool = True


def release_time(
    *,
    status: str,
    issued_at: datetime,
    reviewed_at: datetime | None = None,
    preference_days: int | None = None,
    laws: Iterable[LawDelay] = (),
    hold_ends_at: datetime | None = None,
) -> datetime | None:
    """The moment the item may be shown to the patient, or None (not releasable)."""
    if status == ReportStatus.PRELIMINARY:
        return None
    release = issued_at
    if preference_days is not None:
        at_most = issued_at + timedelta(days=preference_days)
        release = max(release, at_most if reviewed_at is None else min(reviewed_at, at_most))
    for law in laws:
        delayed = issued_at + timedelta(days=law.days)
        if law.released_by_review and reviewed_at is not None:
            delayed = min(delayed, max(reviewed_at, issued_at))
        release = max(release, delayed)
    if hold_ends_at is not None:
        release = max(release, hold_ends_at)
    return release

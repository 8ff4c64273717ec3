"""What the International Patient Center tells people, queued in the core outbox inside the
caller's transaction (so a rolled-back change sends nothing, and nothing is sent twice)."""

from medcenter.core import outbox
from medcenter.international.links import follow_token
from medcenter.international.models import Case, CaseStatus, Letter

INQUIRY_RECEIVED = "international.inquiry_received"
CASE_UPDATE = "international.case_update"
LETTER = "international.letter"

# The statuses worth an email of their own (a letter sends its own).
ANNOUNCED = (
    CaseStatus.RECORDS_REQUESTED,
    CaseStatus.CLEARED,
    CaseStatus.SCHEDULED,
    CaseStatus.DECLINED,
    CaseStatus.CLOSED,
)


def inquiry_received(case: Case) -> None:
    outbox.enqueue(
        kind=INQUIRY_RECEIVED,
        to=case.email,
        language=case.language,
        context={"case": str(case.public_id), "token": follow_token(case)},
        reference=f"international:{case.public_id}",
        dedupe_key=f"international:{case.public_id}:received",
    )


def status_changed(case: Case) -> None:
    if case.status not in ANNOUNCED:
        return
    outbox.enqueue(
        kind=CASE_UPDATE,
        to=case.email,
        language=case.language,
        context={"case": str(case.public_id)},
        reference=f"international:{case.public_id}",
        dedupe_key=f"international:{case.public_id}:status:{case.status}",
    )


def letter_sent(letter: Letter, *, to_physician: bool) -> None:
    case = letter.case
    context = {"letter": str(letter.public_id)}
    outbox.enqueue(
        kind=LETTER,
        to=case.email,
        language=case.language,
        context=context,
        reference=f"international:{case.public_id}",
        dedupe_key=f"international:letter:{letter.public_id}:patient",
    )
    if to_physician and case.home_physician_email:
        outbox.enqueue(
            kind=LETTER,
            to=case.home_physician_email,
            language="en",
            context=context,
            reference=f"international:{case.public_id}",
            dedupe_key=f"international:letter:{letter.public_id}:physician",
        )

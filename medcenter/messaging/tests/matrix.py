"""Patient B's thread and attachment, for the project's access matrix (patients' tests)."""

from medcenter.core.uploads import check_upload
from medcenter.messaging.models import Attachment, Pool, PoolKind, Thread
from medcenter.patients.access import resolve_access


def b_thread(world):
    """Patient B's thread with one attachment, made once."""
    from medcenter.messaging import services

    found = Attachment.objects.filter(message__thread__patient=world.patient_b).first()
    if found is not None:
        return found.message.thread, found
    pool, _ = Pool.objects.get_or_create(
        slug="matrix-scheduling", defaults={"kind": PoolKind.SCHEDULING}
    )
    thread: Thread = services.start_thread(
        world.user_b,
        access=resolve_access(world.user_b, world.patient_b),
        pool=pool,
        subject="Matrix",
        body="Matrix body",
        files=[check_upload(name="b.txt", content=b"b notes\n")],
    )
    return thread, thread.messages.get().attachments.get()

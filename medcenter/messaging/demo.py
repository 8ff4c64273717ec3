"""Demo message pools and a few threads: one answered, one overdue, one waiting.

Every person is fictional (the patients and staff of patients/ and accounts/ demo data).
"""

import random
from datetime import timedelta

from django.utils import timezone

from medcenter.accounts.demo import staff_email
from medcenter.accounts.models import User
from medcenter.core.seeding import DemoLogin
from medcenter.directory.models import Program
from medcenter.messaging import services
from medcenter.messaging.models import Pool, PoolKind, Thread
from medcenter.messaging.selectors import offered_pools
from medcenter.patients.access import PatientAccess, resolve_access
from medcenter.patients.models import Patient, ProxyGrant

CENTER_POOLS = [
    ("scheduling", PoolKind.SCHEDULING, 1, "scheduler"),
    ("billing", PoolKind.BILLING, 3, "scheduler"),
    ("trials-office", PoolKind.TRIALS_OFFICE, 2, "trial_coordinator"),
    ("international", PoolKind.INTERNATIONAL, 2, "international_coordinator"),
    (services.DEFAULT_NURSE_POOL, PoolKind.NURSE_LINE, 1, "nurse_navigator"),
]


def _staff(role: str) -> User | None:
    return User.objects.filter(email=staff_email(role)).first()


def seed(*, rng: random.Random) -> list[DemoLogin]:
    for order, (slug, kind, days, role) in enumerate(CENTER_POOLS):
        pool, _ = Pool.objects.get_or_create(
            slug=slug, defaults={"kind": kind, "reply_business_days": days, "order": 50 + order}
        )
        if (member := _staff(role)) is not None:
            pool.members.add(member)
    navigator = _staff("nurse_navigator")
    for order, program in enumerate(Program.objects.filter(is_published=True)):
        pool, _ = Pool.objects.get_or_create(
            slug=f"nurse-{program.slug}"[:50],
            defaults={
                "kind": PoolKind.NURSE_LINE,
                "program": program,
                "reply_business_days": 1 if order % 2 else 2,
                "order": order,
            },
        )
        if navigator is not None:
            pool.members.add(navigator)
    if not Thread.objects.exists():
        _threads()
    return []


def _first_nurse_line(patient: Patient) -> Pool | None:
    pools = offered_pools(patient)
    return next((p for p in pools if p.kind == PoolKind.NURSE_LINE), None) or next(
        (p for p in pools if p.kind == PoolKind.SCHEDULING), None
    )


def _threads() -> None:
    talia = Patient.objects.filter(given_name="Talia", family_name="Brightwater").first()
    oren = Patient.objects.filter(given_name="Oren", family_name="Castellane").first()
    mila = Patient.objects.filter(given_name="Mila", family_name="Fenwick").first()
    navigator, scheduler = _staff("nurse_navigator"), _staff("scheduler")
    if talia is not None and talia.user is not None and navigator is not None:
        pool = _first_nurse_line(talia)
        if pool is not None:
            thread = services.start_thread(
                talia.user,
                access=_access(talia.user, talia),
                pool=pool,
                subject="Tingling in my fingers",
                body=(
                    "Since my last infusion my fingertips tingle in the morning. "
                    "Should I mention it before the next cycle?"
                ),
            )
            services.post_staff_reply(
                verified(navigator),
                thread=thread,
                body=(
                    "Thank you for telling us. Please note when it happens and how long it "
                    "lasts; we will review it with your oncologist at your next visit."
                ),
            )
    if oren is not None and oren.user is not None:
        pool = Pool.objects.filter(slug="scheduling").first()
        if pool is not None:
            thread = services.start_thread(
                oren.user,
                access=_access(oren.user, oren),
                pool=pool,
                subject="Cambiar la fecha de mi cita",
                body="¿Puedo cambiar mi cita del jueves a la semana siguiente? Gracias.",
            )
            # An overdue thread for the inbox's timer: sent three days ago, due yesterday.
            sent = timezone.now() - timedelta(days=3)
            Thread.objects.filter(pk=thread.pk).update(
                due_at=timezone.now() - timedelta(days=1), last_message_at=sent
            )
            thread.messages.update(created_at=sent)
            if scheduler is not None:
                services.post_staff_reply(
                    verified(scheduler),
                    thread=thread,
                    body="Paciente prefiere jueves por la tarde.",
                    internal=True,
                )
    grant = ProxyGrant.objects.current().filter(patient=mila).first() if mila else None
    if mila is not None and grant is not None:
        pool = _first_nurse_line(mila)
        if pool is not None:
            services.start_thread(
                grant.proxy,
                access=_access(grant.proxy, mila),
                pool=pool,
                subject="School letter",
                body="Could the team write a letter for Mila's school about her visit days?",
            )


def verified(user: User) -> User:
    """The demo's staff act as if signed in with their second factor."""
    user.is_verified = lambda: True  # type: ignore[method-assign]
    return user


def _access(user: User, patient: Patient) -> PatientAccess:
    access = resolve_access(user, patient)
    if access is None:  # pragma: no cover - the demo's own grants
        raise RuntimeError("demo access missing")
    return access

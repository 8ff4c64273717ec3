"""The Patient Gateway under load (SECURITY R37): many patients at once, each their own.

Starts gunicorn on loopback against a throw-away SQLite database (or PostgreSQL, with
--backend postgresql), seeds PATIENTS patients with HISTORY months of visits each (a booked
visit inside the e-check-in window, past visits with check-ins, a released report a month, a
thread; each patient's own clinician with weekday hours bookable online), signs USERS of them
in (one session each) and lets each user, on its own thread, go round the Gateway for a
bounded time: the record's home, the appointments list, one visit's page, the e-check-in form
(then, once, its submission), the results list, the messages list and one thread, a message
with an attachment (the JSON API, multipart, Idempotency-Key), the slot picker of their
clinician ("slot search"), booking the first free time of the week after next (hold, then
confirm: the patient-facing booking path, timed as one "book"), and cancelling that visit
(the confirmation page, then "Yes, cancel"; timed as one "cancel"). Before the clock starts
each user opens their home once, untimed (a server in service is warm). Prints p95 per action
and overall, and the count of 5xx answers.

Think time. Between two actions a user pauses a random 1 to 5 seconds (uniform, like
locust's `wait_time = between(1, 5)`; --think 1,5). A person reads a page before the next
click; without a pause 50 threads are 50 requests always in flight, a load no 50 patients
make. 1-5 s is deliberately short (people spend tens of seconds on a results page), so the
offered load stays well above 50 real users'. --think 0,0 gives the old closed loop.

    .venv/bin/python bench/portal_load.py [--users 50] [--patients 500] [--history 24]
        [--seconds 60] [--think 1,5] [--workers 2] [--threads 4]
        [--backend sqlite|postgresql|both] [--profile]

--profile skips gunicorn: in-process (Django's test client, no network), a few users each do
every action once; it prints each action's query count, time and write transactions (how
many, the longest), then cProfile's top functions over all of them: where a slow action
spends its time (BENCH_PROFILE_SORT, BENCH_PROFILE_FILTER, BENCH_PROFILE_CALLEES narrow it).
On PostgreSQL the load run also samples pg_stat_activity: the share of busy backends waiting
on a lock, and the statements they wait in.

The issue's full run is --patients 5000 --seconds 180 --backend both (minutes of seeding).
"""

from __future__ import annotations

import argparse
import datetime
import html
import http.client
import os
import random
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, line, load, percentile, run_per_backend

TARGET_MS = 800.0


def seed(*, patients: int, history: int, users: int) -> list[tuple[str, ...]]:
    """Patients with a history; sessions for the first `users`: (session key, patient id,
    the id of the visit whose check-in is open, a thread's id, a later visit's id, their
    clinician's slug)."""
    import django

    django.setup()
    from datetime import timedelta
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY
    from django.utils import timezone

    from medcenter.accounts.models import User
    from medcenter.accounts.services import start_session
    from medcenter.directory.models import Clinician, Location
    from medcenter.messaging.models import AuthorRole, Message, Pool, PoolKind, Thread
    from medcenter.patients.models import Patient
    from medcenter.portal.models import CheckIn
    from medcenter.results.models import ReportStatus, ResultReport, ResultValue
    from medcenter.scheduling.models import Appointment, AvailabilityRule, BookingMode, VisitType

    location = Location.objects.create(
        slug="bench-clinic", name="Bench Clinic", kind="clinic", street="1 Loop Road",
        city="Fairhaven", region="ST", postal_code="00000", latitude=40.0, longitude=-75.0,
        phone="+1 555 010 0100",
    )  # fmt: skip
    visit = VisitType.objects.create(
        code="bench-follow-up",
        name="Follow-up visit",
        duration_minutes=20,
        instructions="Bring your medicines.",
        booking_mode=BookingMode.DIRECT,
    )
    # One clinician per patient keeps the calendars apart (the no-overlap constraint).
    clinicians = Clinician.objects.bulk_create(
        Clinician(slug=f"bench-dr-{i}", given_name="Bench", family_name=f"Doctor{i}")
        for i in range(patients)
    )
    # Weekday hours for online booking, Monday to Friday, 09:00-12:00.
    since = timezone.localdate() - timedelta(days=800)
    rules = AvailabilityRule.objects.bulk_create(
        (
            AvailabilityRule(clinician=c, location=location, weekday=day, start_time="09:00",
                             end_time="12:00", valid_from=since)
            for c in clinicians
            for day in range(5)
        ),
        batch_size=2000,
    )  # fmt: skip
    AvailabilityRule.visit_types.through.objects.bulk_create(
        (
            AvailabilityRule.visit_types.through(availabilityrule_id=r.pk, visittype_id=visit.pk)
            for r in rules
        ),
        batch_size=2000,
    )
    people = User.objects.bulk_create(
        User(email=f"bench{i}@example.test", full_name=f"Bench Patient {i}", password="!")  # noqa: S106 - unusable: sessions are made directly
        for i in range(patients)
    )
    records = Patient.objects.bulk_create(
        Patient(mrn=f"{9_000_000 + i}", given_name="Bench", family_name=f"Patient{i}",
                date_of_birth="1970-01-01", sex="female", user=people[i])
        for i in range(patients)
    )  # fmt: skip
    now = timezone.now()
    rows, open_visit = [], {}
    for i, patient in enumerate(records):
        for month in range(history):
            start = now - timedelta(days=30 * (month + 1), hours=i % 7)
            rows.append((patient, clinicians[i], start, "fulfilled"))
        rows.append((patient, clinicians[i], now + timedelta(days=2, minutes=i % 50), "booked"))
        rows.append((patient, clinicians[i], now + timedelta(days=20), "booked"))
    appointments = Appointment.objects.bulk_create(
        Appointment(
            patient=p, clinician=c, location=location, visit_type=visit, start=s,
            end=s + timedelta(minutes=20), reserved_until=s + timedelta(minutes=20), status=st,
            channel="staff", booked_at=s - timedelta(days=14),
        )
        for p, c, s, st in rows
    )  # fmt: skip
    checkins = []
    for appointment in appointments:
        if appointment.status == "fulfilled":
            checkins.append(CheckIn(appointment=appointment, patient=appointment.patient,
                                    submitted_at=appointment.start - timedelta(days=1),
                                    submitted_by=appointment.patient.user))  # fmt: skip
        elif appointment.start < now + timedelta(days=3):
            open_visit[appointment.patient_id] = appointment
    CheckIn.objects.bulk_create(checkins, batch_size=2000)
    later_visit = {a.patient_id: a for a in appointments if a.start > now + timedelta(days=10)}
    reports = ResultReport.objects.bulk_create(
        (
            ResultReport(
                patient=patient, category="lab", code="58410-2", display="Complete blood count",
                status=ReportStatus.FINAL, effective_at=now - timedelta(days=30 * month + 1),
                issued_at=now - timedelta(days=30 * month),
                release_at=now - timedelta(days=30 * month),
            )
            for patient in records
            for month in range(history)
        ),
        batch_size=2000,
    )  # fmt: skip
    ResultValue.objects.bulk_create(
        (
            ResultValue(report=report, position=0, code="718-7", display="Hemoglobin",
                        value_decimal=13.2, unit="g/dL", reference_low=12, reference_high=16)
            for report in reports
        ),
        batch_size=2000,
    )  # fmt: skip
    pool = Pool.objects.create(slug="bench-nurses", kind=PoolKind.NURSE_LINE, reply_business_days=1)
    threads = Thread.objects.bulk_create(
        Thread(patient=patient, pool=pool, subject="Question about my visit",
               created_by=patient.user, last_message_at=now - timedelta(days=3))
        for patient in records
    )  # fmt: skip
    Message.objects.bulk_create(
        (
            Message(thread=thread, author=thread.created_by, author_role=AuthorRole.PATIENT,
                    body="A question from the bench.")
            for thread in threads
        ),
        batch_size=2000,
    )  # fmt: skip
    thread_of = {t.patient_id: t for t in threads}
    engine = import_module(settings.SESSION_ENGINE)
    sessions = []
    for i, patient in enumerate(records[:users]):
        session = engine.SessionStore()
        session[SESSION_KEY] = str(patient.user.pk)
        session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
        session[HASH_SESSION_KEY] = patient.user.get_session_auth_hash()
        start_session(session=session, user=patient.user)
        session.save()
        sessions.append(
            (
                session.session_key,
                str(patient.public_id),
                str(open_visit[patient.pk].public_id),
                str(thread_of[patient.pk].public_id),
                str(later_visit[patient.pk].public_id),
                clinicians[i].slug,
            )
        )
    return sessions


class User:
    """One signed-in patient on one thread: a cookie jar, their ids, their own random pauses."""

    def __init__(
        self,
        port: int,
        session: str,
        patient: str,
        visit: str,
        thread: str,
        later: str,
        clinician: str,
    ) -> None:
        self.port, self.patient, self.visit = port, patient, visit
        self.thread, self.later, self.clinician = thread, later, clinician
        self.cookies = {"sessionid": session}
        self.checked_in = False
        self.sent = 0
        self.rng = random.Random(patient)  # noqa: S311 - pauses, not security

    def headers(self, path: str, body: str | bytes) -> dict[str, str]:
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "en",
        }
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        return headers

    def request(
        self,
        name: str,
        method: str,
        path: str,
        body: str | bytes = "",
        extra: dict[str, str] | None = None,
    ) -> tuple[int, str, str]:
        """(status, body, Location) of one request on a fresh connection."""
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        conn.request(
            method, path, body=body or None, headers={**self.headers(path, body), **(extra or {})}
        )
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for header, value in response.getheaders():
            if header.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text, response.getheader("Location") or ""

    def form(self, **fields: str) -> str:
        return urlencode({"csrfmiddlewaretoken": self.cookies.get("csrftoken", ""), **fields})


BOUNDARY = "benchportalboundary"


def _message_with_file(turn: int) -> bytes:
    """A multipart body: the message text and one small text file (checked like any upload)."""
    parts = [
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="body"\r\n\r\n'
        f"Message {turn} from the bench.\r\n",
        f'--{BOUNDARY}\r\nContent-Disposition: form-data; name="attachments"; '
        f'filename="notes-{turn}.txt"\r\nContent-Type: text/plain\r\n\r\n'
        f"Blood pressure readings, week {turn}: 120/80.\r\n",
        f"--{BOUNDARY}--\r\n",
    ]
    return "".join(parts).encode()


NAMES = [
    "home", "appointments", "visit", "check-in form", "check-in submit", "results", "messages",
    "thread", "message with attachment", "slot search", "book", "cancel",
]  # fmt: skip
SLOT = re.compile(
    r'name="location" value="([^"]+)">\s*<input type="hidden" name="start" value="([^"]+)"'
)


class Failed(Exception):
    """An answer the journey cannot go on from (a 5xx, or a refusal where success was due)."""


def cycle(user: User, record: Callable[[str, int, float], None], pause: Callable[[], bool]) -> bool:
    """One round of the Gateway; `record(name, status, ms)` each action, `pause()` between
    two. False once a pause says time is up (the user stops there)."""

    def act(name: str, method: str, path: str, body: str | bytes = "", extra=None, then=None):
        started = time.perf_counter()
        status, text, location = user.request(name, method, path, body, extra)
        if then is not None and status < 500:
            # A two-request action (the confirmation page, then the answer): timed as one.
            status, text, location = user.request(name, *then(text, location))
        record(name, status, (time.perf_counter() - started) * 1000)
        if status >= 500:
            raise Failed(f"{name}: {status}")
        return status, text, location

    base = f"/en/portal/{user.patient}/"
    visit = f"{base}appointments/{user.visit}/"
    reads = [
        ("home", base), ("appointments", f"{base}appointments/"), ("visit", visit),
        ("check-in form", f"{visit}check-in/"), ("results", f"{base}results/"),
        ("messages", f"{base}messages/"), ("thread", f"{base}messages/{user.thread}/"),
    ]  # fmt: skip
    for name, path in reads:
        act(name, "GET", path)
        if not pause():
            return False
        if name == "check-in form" and not user.checked_in:
            body = user.form(preferred_language="en", country="US",
                             insurance_payer="Bench Plan", confirm="on")  # fmt: skip
            status, _, _ = act("check-in submit", "POST", f"{visit}check-in/", body)
            user.checked_in = status == 302
            if not pause():
                return False
    user.sent += 1
    status, _, _ = act(
        "message with attachment", "POST",
        f"/api/v1/portal/threads/{user.thread}/messages/with-attachments",
        _message_with_file(user.sent),
        {"Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
         "Idempotency-Key": f"bench-{user.patient}-{user.sent}"},
    )  # fmt: skip
    if status != 201:
        raise Failed(f"message with attachment: answered {status}")
    if not pause():
        return False
    week = (datetime.date.today() + datetime.timedelta(days=14)).isoformat()
    picker = f"/en/appointments/book/{user.clinician}/?visit=bench-follow-up&week={week}"
    _, page, _ = act("slot search", "GET", picker)
    if not pause():
        return False
    found = SLOT.search(page)
    if found is None:
        raise Failed("slot search: no free time shown")
    location, start = (html.unescape(g) for g in found.groups())
    hold = user.form(visit="bench-follow-up", location=location, start=start,
                     patient=user.patient)  # fmt: skip
    status, _, confirm = act(
        "book", "POST", f"/en/appointments/book/{user.clinician}/hold/", hold,
        then=lambda _t, held: ("POST", held, user.form(reason_for_visit="Bench follow-up")),
    )  # fmt: skip
    booked = re.search(r"/appointments/([0-9a-f-]{36})/$", confirm)
    if status != 302 or booked is None:
        raise Failed(f"book: answered {status}")
    if not pause():
        return False
    cancel = f"/en/appointments/{booked.group(1)}/cancel/"
    status, _, _ = act(
        "cancel", "GET", cancel,
        then=lambda _t, _l: ("POST", cancel, user.form(confirm="yes", reason="Bench")),
    )  # fmt: skip
    if status != 302:
        raise Failed(f"cancel: answered {status}")
    return pause()


def journey(
    user: User, until: float, think: tuple[float, float], found: dict[str, list[float]],
    errors: list[str],
) -> None:  # fmt: skip
    """Rounds until time is up; a pause of `think` seconds (uniform) after each action."""

    def record(name: str, status: int, ms: float) -> None:
        found[name].append(ms)

    def pause() -> bool:
        wait = user.rng.uniform(*think)
        if time.perf_counter() + wait >= until:
            return False
        time.sleep(wait)
        return True

    # Users start spread over the first pause, not all in the same millisecond.
    time.sleep(user.rng.uniform(0, think[1]))
    going = True
    while going and time.perf_counter() < until:
        try:
            going = cycle(user, record, pause)
        except Failed as failure:
            errors.append(str(failure))
            going = pause()
        except OSError as error:
            errors.append(f"connection: {error}")
            going = pause()


class WriteLocks:
    """How long each request holds the write lock: the outermost atomic blocks it opens (on
    SQLite, BEGIN IMMEDIATE takes the database's one write lock; on PostgreSQL an audited
    request locks the audit chain's head row until commit). Everyone else's writes, every
    audited page read included, wait that long."""

    def __init__(self) -> None:
        from django.db import transaction

        self.held: list[float] = []
        self._opened: float | None = None
        self._enter, self._exit = transaction.Atomic.__enter__, transaction.Atomic.__exit__
        locks = self

        def enter(atomic):  # type: ignore[no-untyped-def]
            from django.db import connections

            if not connections[atomic.using or "default"].in_atomic_block:
                locks._opened = time.perf_counter()
            return locks._enter(atomic)

        def exit_(atomic, *exc):  # type: ignore[no-untyped-def]
            from django.db import connections

            try:
                return locks._exit(atomic, *exc)
            finally:
                if not connections[atomic.using or "default"].in_atomic_block and locks._opened:
                    locks.held.append((time.perf_counter() - locks._opened) * 1000)
                    locks._opened = None

        transaction.Atomic.__enter__, transaction.Atomic.__exit__ = enter, exit_

    def take(self) -> list[float]:
        held, self.held = self.held, []
        return held


class LocalUser(User):
    """The same user through Django's test client, in-process: each request's queries and
    the write transactions it opens."""

    def __init__(self, *args: str, locks: WriteLocks) -> None:
        from django.test import Client

        super().__init__(0, *args)
        self.client = Client()
        self.client.cookies["sessionid"] = self.cookies["sessionid"]
        self.queries: dict[str, list[int]] = defaultdict(list)
        self.locks = locks
        self.held: dict[str, list[float]] = defaultdict(list)

    def request(self, name, method, path, body="", extra=None):
        from django.db import connection
        from django.test.utils import CaptureQueriesContext

        headers = {**self.headers(path, body), **(extra or {})}
        headers.pop("Cookie")
        content_type = headers.pop("Content-Type", "application/octet-stream")
        with CaptureQueriesContext(connection) as queries:
            response = self.client.generic(
                method, path, data=body, content_type=content_type, headers=headers
            )
        self.queries[name].append(len(queries.captured_queries))
        self.held[name] += self.locks.take()
        for key, morsel in response.cookies.items():
            self.cookies[key] = morsel.value
        return response.status_code, response.content.decode(), response.get("Location", "")


def profile(sessions: list[tuple[str, ...]]) -> int:
    """Every action once per user, in-process: queries and time, then cProfile's top."""
    import cProfile
    import pstats

    found: dict[str, list[float]] = defaultdict(list)
    queries: dict[str, list[int]] = defaultdict(list)
    profiler = cProfile.Profile()
    failures = []
    held: dict[str, list[float]] = defaultdict(list)
    locks = WriteLocks()
    for session in sessions:
        user = LocalUser(*session, locks=locks)
        user.request("warm-up", "GET", f"/en/portal/{user.patient}/")
        profiler.enable()
        try:
            cycle(user, lambda name, _s, ms: found[name].append(ms), lambda: True)
        except Failed as failure:
            failures.append(str(failure))
        profiler.disable()
        for name, counts in user.queries.items():
            queries[name] += counts
        for name, times in user.held.items():
            held[name] += times
    print(f"  in-process, {len(sessions)} users, each action once; {load()}")
    for name in NAMES:
        if found.get(name):
            locked = held.get(name) or [0.0]
            print(
                f"{line(name, found[name])}   queries {max(queries[name])}   "
                f"transactions {len(held.get(name, [])) // len(sessions)}, "
                f"longest {max(locked):.1f} ms"
            )
    print(f"  failures: {failures or 'none'}")
    stats = pstats.Stats(profiler)
    stats.sort_stats(os.environ.get("BENCH_PROFILE_SORT", "cumulative")).print_stats(
        os.environ.get("BENCH_PROFILE_FILTER", ""), 35
    )
    if os.environ.get("BENCH_PROFILE_CALLEES"):
        stats.print_callees(os.environ["BENCH_PROFILE_CALLEES"])
    return 1 if failures else 0


class LockWaits(threading.Thread):
    """PostgreSQL only: samples pg_stat_activity twice a second while the load runs; how often
    a busy backend of this database waits on a lock, and on which statements."""

    def __init__(self) -> None:
        super().__init__(daemon=True)
        self.busy = self.waiting = 0
        self.statements: dict[str, int] = defaultdict(int)
        self.done = threading.Event()

    def run(self) -> None:
        from django.db import connection

        with connection.cursor() as cursor:
            while not self.done.wait(0.5):
                cursor.execute(
                    "SELECT wait_event_type, left(query, 70) FROM pg_stat_activity "
                    "WHERE datname = current_database() AND pid <> pg_backend_pid() "
                    "AND state = 'active'"
                )
                for wait, query in cursor.fetchall():
                    self.busy += 1
                    if wait == "Lock":
                        self.waiting += 1
                        self.statements[" ".join(query.split())] += 1
        connection.close()

    def report(self) -> str:
        top = sorted(self.statements.items(), key=lambda kv: -kv[1])[:3]
        share = 100 * self.waiting / self.busy if self.busy else 0.0
        lines = [f"  lock waits: {share:.0f}% of {self.busy} busy-backend samples"]
        lines += [f"    {n} x {q}" for q, n in top]
        return "\n".join(lines)


def child(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    started = time.perf_counter()
    sessions = seed(patients=args.patients, history=args.history, users=args.users)
    print(f"\n{os.environ['DATABASE_URL'].split(':')[0]}: seeded {args.patients} patients x "
          f"{args.history} months in {time.perf_counter() - started:.0f} s")  # fmt: skip
    if args.profile:
        return profile(sessions[:5])
    from bench.http_shell import free_port

    think = tuple(float(x) for x in args.think.split(","))
    port = free_port()
    server = subprocess.Popen(
        [sys.executable, "-m", "gunicorn", "medcenter.wsgi:application", "--bind",
         f"127.0.0.1:{port}", "--workers", str(args.workers), "--threads", str(args.threads),
         "--worker-class", "gthread", "--log-level", "warning"],
        cwd=ROOT, env=os.environ.copy(), stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )  # fmt: skip
    try:
        deadline = time.time() + 60
        while time.time() < deadline:
            try:
                conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
                conn.request("GET", "/readyz")
                if conn.getresponse().status == 200:
                    break
            except OSError:
                time.sleep(0.3)
        users = [User(port, *s) for s in sessions]
        # A server in service is warm: each user opens their home once, untimed, so the
        # workers' first imports and template loads are not counted as the users' waits.
        with ThreadPoolExecutor(max_workers=args.workers * args.threads) as pool:
            list(pool.map(lambda u: u.request("warm-up", "GET", f"/en/portal/{u.patient}/"), users))
        found: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        lock = threading.Lock()
        waits = LockWaits() if os.environ["DATABASE_URL"].startswith("postgres") else None
        if waits:
            waits.start()
        until = time.perf_counter() + args.seconds

        def run(user: User) -> None:
            mine: dict[str, list[float]] = defaultdict(list)
            problems: list[str] = []
            journey(user, until, think, mine, problems)
            with lock:
                for key, values in mine.items():
                    found[key] += values
                errors.extend(problems)

        with ThreadPoolExecutor(max_workers=len(users)) as pool:
            list(pool.map(run, users))
        if waits:
            waits.done.set()
            waits.join()
    finally:
        server.terminate()
        server.wait(timeout=15)
    every = [t for values in found.values() for t in values]
    print(f"  {len(users)} users, {args.seconds:.0f} s, think {think[0]:g}-{think[1]:g} s, "
          f"gunicorn {args.workers} workers x {args.threads} threads; {load()}")  # fmt: skip
    for name in NAMES:
        if found.get(name):
            print(line(name, found[name], TARGET_MS))
    if every:
        print(line("overall", every, TARGET_MS))
        print(f"  {len(every) / args.seconds:.1f} requests/s")
    if waits:
        print(waits.report())
    fives = sum(1 for e in errors if re.search(r": 5\d\d$", e))
    print(f"  5xx: {fives}; other failures: {len(errors) - fives} {sorted(set(errors))[:5]}")
    ok = every and percentile(every, 0.95) < TARGET_MS and not fives
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--history", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--think", default="1,5", help="a user's pause between actions, s")
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--profile", action="store_true")
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        raise SystemExit(child(args))
    flags = [f"--users={args.users}", f"--patients={args.patients}",
             f"--history={args.history}", f"--seconds={args.seconds}", f"--think={args.think}",
             f"--workers={args.workers}", f"--threads={args.threads}"]  # fmt: skip
    if args.profile:
        flags.append("--profile")
    raise SystemExit(
        run_per_backend(
            __file__,
            backend=args.backend,
            flags=flags,
            pg_name="bench_portal",
            prefix="portal-load-",
        )
    )


if __name__ == "__main__":
    main()

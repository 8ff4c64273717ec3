"""The Patient Gateway under load (SECURITY R37): many patients at once, each their own.

Starts gunicorn on loopback against a throw-away SQLite database (or PostgreSQL, with
--backend postgresql), seeds PATIENTS patients with HISTORY months of visits each (a booked
visit inside the e-check-in window, past visits with check-ins), signs USERS of them in (one
session each) and lets each user, on its own thread, mix the record's home, the appointments
list, one visit's page, the e-check-in form and one check-in submission, the results list (a
released report a month), the messages list and one thread, a message with an attachment
(the JSON API, multipart, Idempotency-Key) and one cancellation of a later visit, for a
bounded time. Prints p95 per action and overall, and the count of 5xx answers. Booking is
timed by bench/scheduling.py (slot search and 20 concurrent bookers), not here.

    .venv/bin/python bench/portal_load.py [--users 50] [--patients 500] [--history 24]
        [--seconds 60] [--workers 2] [--threads 4] [--backend sqlite|postgresql|both]

The issue's full run is --patients 5000 --seconds 180 --backend both (minutes of seeding).
"""

from __future__ import annotations

import argparse
import http.client
import os
import re
import subprocess
import sys
import threading
import time
from collections import defaultdict
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path
from urllib.parse import urlencode

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench._common import ROOT, line, load, percentile, run_per_backend

TARGET_MS = 800.0


def seed(*, patients: int, history: int, users: int) -> list[tuple[str, str, str, str, str]]:
    """Patients with a history; sessions for the first `users`: (session key, patient id,
    the id of the visit whose check-in is open, a thread's id, a later visit's id)."""
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
    from medcenter.scheduling.models import Appointment, VisitType

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
    )
    # One clinician per patient keeps the calendars apart (the no-overlap constraint).
    clinicians = Clinician.objects.bulk_create(
        Clinician(slug=f"bench-dr-{i}", given_name="Bench", family_name=f"Doctor{i}")
        for i in range(patients)
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
    for patient in records[:users]:
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
            )
        )
    return sessions


class User:
    """One signed-in patient on one thread: a cookie jar of two cookies."""

    def __init__(
        self, port: int, session: str, patient: str, visit: str, thread: str, later: str
    ) -> None:
        self.port, self.patient, self.visit = port, patient, visit
        self.thread, self.later = thread, later
        self.cookies = {"sessionid": session}
        self.checked_in = False
        self.cancelled = False
        self.sent = 0

    def request(
        self, method: str, path: str, body: str | bytes = "", extra: dict[str, str] | None = None
    ) -> tuple[int, str]:
        conn = http.client.HTTPConnection("127.0.0.1", self.port, timeout=30)
        headers = {
            "Cookie": "; ".join(f"{k}={v}" for k, v in self.cookies.items()),
            "Accept-Language": "en",
        }
        if body:
            headers["Content-Type"] = "application/x-www-form-urlencoded"
            headers["Referer"] = f"http://127.0.0.1:{self.port}{path}"
            headers["X-CSRFToken"] = self.cookies.get("csrftoken", "")
        headers.update(extra or {})
        conn.request(method, path, body=body or None, headers=headers)
        response = conn.getresponse()
        text = response.read().decode("utf-8", "replace")
        for name, value in response.getheaders():
            if name.lower() == "set-cookie":
                key, _, rest = value.partition("=")
                self.cookies[key] = rest.split(";", 1)[0]
        conn.close()
        return response.status, text


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


STEPS = [
    "home", "appointments", "visit", "check-in form", "results", "messages", "thread",
    "message with attachment",
]  # fmt: skip
NAMES = [*STEPS[:4], "check-in submit", *STEPS[4:], "cancel"]


def journey(user: User, until: float, found: dict[str, list[float]], errors: list[str]) -> None:
    base = f"/en/portal/{user.patient}/"
    visit = f"{base}appointments/{user.visit}/"
    paths = {
        "home": ("GET", base),
        "appointments": ("GET", f"{base}appointments/"),
        "visit": ("GET", visit),
        "check-in form": ("GET", f"{visit}check-in/"),
        "results": ("GET", f"{base}results/"),
        "messages": ("GET", f"{base}messages/"),
        "thread": ("GET", f"{base}messages/{user.thread}/"),
        "message with attachment": (
            "POST",
            f"/api/v1/portal/threads/{user.thread}/messages/with-attachments",
        ),
    }
    turn = 0
    while time.perf_counter() < until:
        name = STEPS[turn % len(STEPS)]
        method, path = paths[name]
        body: str | bytes = ""
        extra: dict[str, str] = {}
        if name == "check-in form" and not user.checked_in and turn >= len(STEPS):
            name, method = "check-in submit", "POST"
            body = urlencode({"csrfmiddlewaretoken": user.cookies.get("csrftoken", ""),
                              "preferred_language": "en", "country": "US",
                              "insurance_payer": "Bench Plan", "confirm": "on"})  # fmt: skip
        elif name == "visit" and not user.cancelled and turn >= 2 * len(STEPS):
            name, method, path = "cancel", "POST", f"/en/appointments/{user.later}/cancel/"
            body = urlencode({"csrfmiddlewaretoken": user.cookies.get("csrftoken", ""),
                              "confirm": "yes", "reason": "Bench"})  # fmt: skip
        elif name == "message with attachment":
            if "csrftoken" not in user.cookies:
                turn += 1
                continue
            user.sent += 1
            body = _message_with_file(user.sent)
            extra = {
                "Content-Type": f"multipart/form-data; boundary={BOUNDARY}",
                "Idempotency-Key": f"bench-{user.patient}-{user.sent}",
            }
        turn += 1
        started = time.perf_counter()
        try:
            status, _text = user.request(method, path, body, extra)
        except OSError as error:
            errors.append(f"{name}: {error}")
            continue
        elapsed = (time.perf_counter() - started) * 1000
        found[name].append(elapsed)
        if status >= 500:
            errors.append(f"{name}: {status}")
        if name == "check-in submit":
            user.checked_in = status == 302
        elif name == "cancel":
            user.cancelled = status == 302
        elif name == "message with attachment" and status != 201:
            errors.append(f"{name}: answered {status}")


def child(args: argparse.Namespace) -> int:
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "medcenter.settings")
    subprocess.run([sys.executable, "manage.py", "migrate", "-v0"], cwd=ROOT, check=True)
    started = time.perf_counter()
    sessions = seed(patients=args.patients, history=args.history, users=args.users)
    print(f"\n{os.environ['DATABASE_URL'].split(':')[0]}: seeded {args.patients} patients x "
          f"{args.history} months in {time.perf_counter() - started:.0f} s")  # fmt: skip
    from bench.http_shell import free_port

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
        found: dict[str, list[float]] = defaultdict(list)
        errors: list[str] = []
        lock = threading.Lock()
        until = time.perf_counter() + args.seconds

        def run(user: User) -> None:
            mine: dict[str, list[float]] = defaultdict(list)
            problems: list[str] = []
            journey(user, until, mine, problems)
            with lock:
                for key, values in mine.items():
                    found[key] += values
                errors.extend(problems)

        with ThreadPoolExecutor(max_workers=len(users)) as pool:
            list(pool.map(run, users))
    finally:
        server.terminate()
        server.wait(timeout=15)
    every = [t for values in found.values() for t in values]
    print(f"  {len(users)} users, {args.seconds:.0f} s, gunicorn {args.workers} workers x "
          f"{args.threads} threads; {load()}")  # fmt: skip
    for name in NAMES:
        if found.get(name):
            print(line(name, found[name], TARGET_MS))
    if every:
        print(line("overall", every, TARGET_MS))
    fives = sum(1 for e in errors if re.search(r": 5\d\d$", e))
    print(f"  5xx: {fives}; connection errors: {len(errors) - fives}")
    ok = every and percentile(every, 0.95) < TARGET_MS and not fives
    return 0 if ok else 1


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--patients", type=int, default=500)
    parser.add_argument("--history", type=int, default=24)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--threads", type=int, default=4)
    parser.add_argument("--backend", default="sqlite", choices=["sqlite", "postgresql", "both"])
    parser.add_argument("--child", action="store_true")
    args = parser.parse_args()
    if args.child:
        raise SystemExit(child(args))
    flags = [f"--users={args.users}", f"--patients={args.patients}",
             f"--history={args.history}", f"--seconds={args.seconds}",
             f"--workers={args.workers}", f"--threads={args.threads}"]  # fmt: skip
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

"""Cached editorial and event pages against the trivial view, same server (SQLite, and
PostgreSQL when --pg-url is given): requests/s, p50, p99 and the ratio (target >= 0.6x);
then an edit published while the pages are cached shows on the very next request.

Builds a throw-away database with the content tree, a patient resource, a story (with a
recorded consent), a news item and a weekly event series, starts gunicorn (sync workers) and
loads each page interleaved with /healthz, public-page cache on. The edit check runs against
a second server whose workers share a file cache (as production workers share Redis): every
page is cached, a new revision of the resource is published from another process (Wagtail's
page_published signal purges it in every language), and the next requests, whichever worker
answers, carry the new text.

    .venv/bin/python bench/content.py [--seconds 5] [--clients 4] [--workers 2]
        [--pg-url postgres://postgres@127.0.0.1:5432/mc_content_bench]
"""

import argparse
import http.client
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT / "bench"))

import http_shell  # noqa: E402
from _common import load as load_average  # noqa: E402

PYTHON = sys.executable
PAGES = {
    "resource": "/en/resources/bench-fatigue/",
    "story": "/en/stories/bench-story/",
    "news": "/en/news/bench-news/",
    "event": "/en/events/bench-weekly-group/",
}
SETUP = """
from datetime import time, timedelta
from django.utils import timezone
from medcenter.content import services
from medcenter.content.models import NewsPage, ResourcePage, StoryPage
from medcenter.content.tests.factories import consent, publish
from medcenter.directory.models import Location
from medcenter.events import services as events
from medcenter.events.models import EventSeries
tree = services.ensure_content_tree()
body = "".join(f"<h2>Part {n}</h2><p>Rest, movement and food that help, part {n}.</p>"
               for n in range(12))
publish(tree.sections["resources"], ResourcePage(title="Managing fatigue", slug="bench-fatigue",
        summary="What helps.", body=body + "<p>version one</p>"))
publish(tree.sections["stories"], StoryPage(title="A year of treatment", slug="bench-story",
        summary="A fictional story.", body=body, consent=consent()))
publish(tree.sections["news"], NewsPage(title="A new clinic opens", slug="bench-news",
        summary="Fictional news.", body=body))
place = Location.objects.create(slug="bench", name="Bench Clinic", kind="clinic", street="1 Way",
    city="Town", region="ST", postal_code="00000", latitude=0, longitude=0, phone="+1 555 0100")
series = EventSeries.objects.create(slug="bench-weekly-group", title="Weekly support group",
    kind="support_group", audience="patients", location=place,
    first_date=timezone.localdate() + timedelta(days=1), start_time=time(18, 0),
    rrule="FREQ=WEEKLY;COUNT=26", capacity=12)
events.materialise_sessions(series=series)
"""
EDIT = """
from medcenter.content.models import ResourcePage
page = ResourcePage.objects.get(slug="bench-fatigue")
page.body = page.body.replace("version one", "version two")
page.save_revision().publish()
"""


def get(port: int, path: str) -> tuple[int, str]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    conn.request("GET", path)
    response = conn.getresponse()
    return response.status, response.read().decode()


def throughput(env: dict[str, str], args: argparse.Namespace) -> None:
    server, port = start(env, args.workers)
    try:
        paths = ["/healthz", *PAGES.values()]
        for path in paths:
            status, _html = get(port, path)
            if status != 200:
                raise SystemExit(f"{path} answered {status}")
            http_shell.load(port, path, 1.0, args.clients)
        runs: dict[str, list[dict[str, float]]] = {path: [] for path in paths}
        for _ in range(2):
            for path in runs:
                runs[path].append(http_shell.load(port, path, args.seconds, args.clients))
    finally:
        server.terminate()
        server.wait(timeout=10)
    trivial = statistics.mean(r["rps"] for r in runs["/healthz"])
    print("  public-page cache on (default); " + load_average())
    for name, path in [("trivial /healthz", "/healthz"), *PAGES.items()]:
        results = runs[path]
        rps = statistics.mean(r["rps"] for r in results)
        p50 = statistics.mean(r["p50_ms"] for r in results)
        p99 = statistics.mean(r["p99_ms"] for r in results)
        errors = sum(int(r["errors"]) for r in results)
        ratio = rps / trivial
        verdict = (
            "" if path == "/healthz" else f"  {ratio:4.2f}x {'OK' if ratio >= 0.6 else 'MISSED'}"
        )
        print(
            f"  {name:<18} {path:<34} errors {errors:>2} {rps:>7.0f} req/s"
            f"  p50 {p50:6.2f} ms  p99 {p99:6.2f} ms{verdict}"
        )


def start(env: dict[str, str], workers: int) -> tuple[subprocess.Popen[bytes], int]:
    """gunicorn as http_shell starts it, given two minutes: on a loaded machine, importing
    Wagtail in each worker can outlast http_shell's 30 s."""
    port = http_shell.free_port()
    command = [PYTHON, "-m", "gunicorn", "medcenter.wsgi:application", "--bind",
               f"127.0.0.1:{port}", "--workers", str(workers), "--log-level", "warning",
               "--timeout", "120"]  # fmt: skip
    server = subprocess.Popen(
        command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL
    )
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            if get(port, "/readyz")[0] == 200:
                return server, port
        except OSError:
            time.sleep(0.5)
    server.kill()
    raise SystemExit("gunicorn did not become ready in 120 s")


def edit_shows_next(env: dict[str, str], args: argparse.Namespace, scratch: str) -> None:
    shared = {**env, "CACHE_URL": f"filecache://{scratch}/cache"}
    server, port = start(shared, args.workers)
    try:
        for _ in range(2 * args.workers):  # every worker has it cached
            for path in PAGES.values():
                get(port, path)
        before = get(port, PAGES["resource"])[1]
        subprocess.run([PYTHON, "manage.py", "shell", "-c", EDIT], cwd=ROOT, env=shared, check=True)
        after = [get(port, PAGES["resource"])[1] for _ in range(4 * args.workers)]
    finally:
        server.terminate()
        server.wait(timeout=10)
    fresh = sum("version two" in html and "version one" not in html for html in after)
    print(
        f"  edit shows on the next request: before the edit 'version one' "
        f"{'served' if 'version one' in before else 'MISSING'}; after it {fresh} of "
        f"{len(after)} requests carry the edit "
        f"({'OK' if fresh == len(after) else 'MISSED'}; workers share a file cache)"
    )


def run(database_url: str, args: argparse.Namespace, name: str, scratch: str) -> None:
    env = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))},
        "DJANGO_SETTINGS_MODULE": "medcenter.settings",
        "DATABASE_URL": database_url,
        "DOCUMENT_ROOT": f"{scratch}/documents",
        "MEDIA_ROOT": f"{scratch}/media",
        "LOG_LEVEL": "WARNING",
    }
    subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
    subprocess.run([PYTHON, "manage.py", "shell", "-c", SETUP], cwd=ROOT, env=env, check=True)
    print(
        f"\n== {name}: gunicorn sync workers {args.workers}, clients {args.clients}, "
        f"{args.seconds:.0f} s per run, 2 interleaved runs per URL, cores {os.cpu_count()}"
    )
    throughput(env, args)
    edit_shows_next(env, args, scratch)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=5.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    parser.add_argument("--pg-url", default="")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as tmp:
        run(f"sqlite:///{tmp}/bench.sqlite3", args, "SQLite", tmp)
    if args.pg_url:
        with tempfile.TemporaryDirectory() as tmp:
            run(args.pg_url, args, "PostgreSQL", tmp)


if __name__ == "__main__":
    main()

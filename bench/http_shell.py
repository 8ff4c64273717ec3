"""Throughput and latency of the home page against a trivial Django view, same server.

Starts gunicorn on loopback against a throw-away SQLite database, loads each URL from a few
client processes for a bounded time, and prints requests/s, p50 and p99 with the ratio of the
home page to the trivial view (`/healthz`, which runs the same middleware stack). Runs are
interleaved (A B A B) so a slow moment on the machine hurts both sides alike. A second server
with the public-page cache switched off shows what the cache buys.

    .venv/bin/python bench/http_shell.py [--seconds 8] [--clients 4] [--workers 2]
"""

import argparse
import http.client
import multiprocessing
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


def client(port: int, paths: list[str], until: float, queue: multiprocessing.Queue) -> None:
    """Request the paths in turn, one connection each (gunicorn's sync workers close them)."""
    latencies, errors, turn = [], 0, 0
    while time.perf_counter() < until:
        path = paths[turn % len(paths)]
        turn += 1
        started = time.perf_counter()
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
            conn.request("GET", path, headers={"Accept-Language": "en"})
            response = conn.getresponse()
            response.read()
            conn.close()
            if response.status != 200:
                errors += 1
                continue
        except OSError:
            errors += 1
            continue
        latencies.append(time.perf_counter() - started)
    queue.put((latencies, errors))


def load(port: int, paths: str | list[str], seconds: float, clients: int) -> dict[str, float]:
    """Load one path, or cycle through several (each client starts at a different one)."""
    paths = [paths] if isinstance(paths, str) else paths
    queue: multiprocessing.Queue = multiprocessing.Queue()
    until = time.perf_counter() + seconds
    procs = [
        multiprocessing.Process(target=client, args=(port, paths[i:] + paths[:i], until, queue))
        for i in range(clients)
    ]
    for proc in procs:
        proc.start()
    latencies, errors = [], 0
    for _ in procs:
        got, err = queue.get(timeout=seconds + 60)
        latencies += got
        errors += err
    for proc in procs:
        proc.join()
    latencies.sort()
    return {
        "requests": len(latencies),
        "errors": errors,
        "rps": len(latencies) / seconds,
        "p50_ms": statistics.median(latencies) * 1000,
        "p99_ms": latencies[int(len(latencies) * 0.99) - 1] * 1000,
    }


def start_server(
    env: dict[str, str], workers: int, ready_within: float = 30
) -> tuple[subprocess.Popen, int]:
    """gunicorn on a free port; `ready_within` seconds to answer /readyz (more on a loaded
    machine)."""
    port = free_port()
    server = subprocess.Popen(
        [
            PYTHON,
            "-m",
            "gunicorn",
            "medcenter.wsgi:application",
            "--bind",
            f"127.0.0.1:{port}",
            "--workers",
            str(workers),
            "--log-level",
            "warning",
        ],
        cwd=ROOT,
        env=env,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    deadline = time.time() + ready_within
    while time.time() < deadline:
        try:
            conn = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            conn.request("GET", "/readyz")
            if conn.getresponse().status == 200:
                return server, port
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit(f"gunicorn did not become ready in {ready_within:.0f} s")


def measure(env, args, label):
    server, port = start_server(env, args.workers)
    try:
        for path in ("/healthz", "/en/"):  # warm-up: imports, template loading, connections
            load(port, path, 1.5, args.clients)
        runs = {"/healthz": [], "/en/": []}
        for _ in range(2):
            for path in runs:
                runs[path].append(load(port, path, args.seconds, args.clients))
    finally:
        server.terminate()
        server.wait(timeout=10)
    print(f"\n{label}")
    print(f"  {'url':<10} {'requests':>9} {'errors':>7} {'req/s':>8} {'p50 ms':>8} {'p99 ms':>8}")
    summary = {}
    for path, results in runs.items():
        rps = statistics.mean(r["rps"] for r in results)
        p50 = statistics.mean(r["p50_ms"] for r in results)
        p99 = statistics.mean(r["p99_ms"] for r in results)
        total = sum(r["requests"] for r in results)
        errors = sum(r["errors"] for r in results)
        summary[path] = rps
        print(f"  {path:<10} {total:>9} {errors:>7} {rps:>8.0f} {p50:>8.2f} {p99:>8.2f}")
    ratio = summary["/en/"] / summary["/healthz"]
    print(f"  home / trivial throughput: {ratio:.0%} (target >= 60%)")
    return ratio


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=8.0)
    parser.add_argument("--clients", type=int, default=4)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        env = {
            **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE"))},
            "DJANGO_SETTINGS_MODULE": "medcenter.settings",
            "DATABASE_URL": f"sqlite:///{tmp}/bench.sqlite3",
            "LOG_LEVEL": "WARNING",
        }
        subprocess.run([PYTHON, "manage.py", "migrate", "-v0"], cwd=ROOT, env=env, check=True)
        print(
            f"gunicorn sync workers: {args.workers}; client processes: {args.clients}; "
            f"{args.seconds:.0f} s per run, 2 interleaved runs per URL; cores: {os.cpu_count()}"
        )
        measure(env, args, "public-page cache on (default)")
        measure({**env, "PUBLIC_PAGE_CACHE_SECONDS": "0"}, args, "public-page cache off")


if __name__ == "__main__":
    main()

"""HTTP benchmark of /api/ask with the server running (a benchmark, not a test).

    python -m eval.bench_api [--url http://127.0.0.1:8000] [--clients 20] [--seconds 60] [--json]

Without --url it starts `policyqa serve` on a free loopback port and stops it afterwards.
Measures latency over the gold questions one at a time (p50, p95), then requests per
second with N concurrent clients cycling through the same questions, counting errors.
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import socket
import statistics
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager

import httpx

from eval.gold import load_gold


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(round(q * (len(ordered) - 1))))]


@contextmanager
def server(url: str | None) -> Iterator[tuple[str, int | None]]:
    """The base URL, and the server's pid when this process started it."""
    if url:
        yield url.rstrip("/"), None
        return
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        port = sock.getsockname()[1]
    command = [sys.executable, "-m", "assistant.cli", "serve", "--host", "127.0.0.1", "--port", str(port)]
    process = subprocess.Popen(command, env=os.environ.copy(), stderr=subprocess.DEVNULL)
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.monotonic() + 300
        while time.monotonic() < deadline:
            try:
                if httpx.get(f"{base}/readyz", timeout=2).status_code == 200:
                    break
            except httpx.TransportError:
                time.sleep(0.2)
        yield base, process.pid
    finally:
        process.terminate()
        process.wait(timeout=30)


def measure_http(base: str, questions: list[str], clients: int, seconds: float) -> dict[str, object]:
    """Sequential latency over the questions, then throughput with concurrent clients."""
    with httpx.Client(timeout=30) as http:
        for question in questions[:5]:  # warm-up
            http.post(f"{base}/api/ask", json={"question": question})
        sequential = []
        for question in questions:
            started = time.perf_counter()
            http.post(f"{base}/api/ask", json={"question": question}).raise_for_status()
            sequential.append((time.perf_counter() - started) * 1000)

    stop = time.monotonic() + seconds
    lock = threading.Lock()
    latencies: list[float] = []
    errors = [0]

    def client(offset: int) -> None:
        with httpx.Client(timeout=30) as own:
            i = offset
            while time.monotonic() < stop:
                started = time.perf_counter()
                try:
                    ok = (
                        own.post(
                            f"{base}/api/ask", json={"question": questions[i % len(questions)]}
                        ).status_code
                        == 200
                    )
                except httpx.HTTPError:
                    ok = False
                elapsed = (time.perf_counter() - started) * 1000
                with lock:
                    latencies.append(elapsed)
                    errors[0] += not ok
                i += 1

    threads = [threading.Thread(target=client, args=(n * 7,)) for n in range(clients)]
    load_started = time.monotonic()
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    duration = time.monotonic() - load_started
    return {
        "questions": len(questions),
        "sequential_p50_ms": round(statistics.median(sequential), 1),
        "sequential_p95_ms": round(percentile(sequential, 0.95), 1),
        "clients": clients,
        "seconds": round(duration, 1),
        "requests": len(latencies),
        "requests_per_second": round(len(latencies) / duration, 1),
        "errors": errors[0],
        "under_load_p50_ms": round(statistics.median(latencies), 1) if latencies else None,
        "under_load_p95_ms": round(percentile(latencies, 0.95), 1) if latencies else None,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--url")
    parser.add_argument("--clients", type=int, default=20)
    parser.add_argument("--seconds", type=float, default=60.0)
    parser.add_argument("--json", action="store_true")
    args = parser.parse_args()
    questions = [item.question for item in load_gold() if not item.history]
    with server(args.url) as (base, _):
        measured = measure_http(base, questions, args.clients, args.seconds)
    report = {
        "machine": f"{platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}",
        **measured,
    }
    if args.json:
        print(json.dumps(report, indent=2))
    else:
        for key, value in report.items():
            print(f"{key:22} {value}")


if __name__ == "__main__":
    main()

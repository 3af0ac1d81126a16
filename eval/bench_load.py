"""Load and abuse benchmark of `policyqa serve` with locust (a benchmark, not a test).

    python -m eval.bench_load [--users 50] [--seconds 120] [--abuse-seconds 75] [--url URL] [--json]

Starts `policyqa serve` (the real command, default settings) on a free loopback port (or uses
the server at --url; memory and open files are then measured when it runs on this machine), then:
1. load: N locust users (eval/load/locustfile.py: ask, search, fit and chat, each user its
   own X-Forwarded-For as behind a reverse proxy) for the given time; p50/p95/p99, requests/s,
   errors, the server's memory and open files at start and end;
2. abuse: the same users again while abusers run: a chat whose earlier turn is 60,000
   characters, a burst of 500 requests/s from one client for 20 s, and 800 connections that
   trickle half-sent headers; the normal users' p95 and /healthz latency throughout.
"""

from __future__ import annotations

import argparse
import asyncio
import csv
import json
import multiprocessing
import os
import platform
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from contextlib import suppress
from pathlib import Path
from typing import Any

import httpx

from eval.bench_api import percentile, server

LOCUSTFILE = Path(__file__).parent / "load" / "locustfile.py"
REPORT = Path(__file__).parent / "reports" / "load.json"
LONG_TURN_CHARS = 60_000
BURST_RATE = 500
BURST_SECONDS = 20
SLOW_CONNECTIONS = 800


def server_usage(pid: int) -> dict[str, float]:
    """Resident memory (MB) and open files of the server process."""
    status = Path(f"/proc/{pid}/status").read_text()
    rss_kb = next(int(line.split()[1]) for line in status.splitlines() if line.startswith("VmRSS:"))
    return {"rss_mb": round(rss_kb / 1024, 1), "open_files": len(os.listdir(f"/proc/{pid}/fd"))}


def run_locust(base: str, users: int, seconds: int) -> dict[str, Any]:
    """Run locust headless; its per-endpoint and overall figures from the CSV it writes."""
    with tempfile.TemporaryDirectory() as folder:
        prefix = Path(folder) / "run"
        command = [
            sys.executable, "-m", "locust", "-f", str(LOCUSTFILE), "--headless",
            "-u", str(users), "-r", str(max(1, users // 5)), "-t", f"{seconds}s",
            "--host", base, "--csv", str(prefix), "--only-summary", "--loglevel", "WARNING",
        ]  # fmt: skip
        subprocess.run(command, check=False, capture_output=True, text=True, timeout=seconds + 120)
        with open(f"{prefix}_stats.csv", encoding="utf-8") as handle:
            rows = list(csv.DictReader(handle))
        with open(f"{prefix}_failures.csv", encoding="utf-8") as handle:
            failures = [{"name": r["Name"], "error": r["Error"], "count": int(r["Occurrences"])} for r in csv.DictReader(handle)]
    endpoints = {}
    for row in rows:
        endpoints[row["Name"]] = {
            "requests": int(row["Request Count"]),
            "failures": int(row["Failure Count"]),
            "requests_per_s": round(float(row["Requests/s"]), 1),
            "p50_ms": float(row["50%"]),
            "p95_ms": float(row["95%"]),
            "p99_ms": float(row["99%"]),
            "max_ms": round(float(row["Max Response Time"]), 1),
        }
    return {"users": users, "seconds": seconds, "endpoints": endpoints, "failures": failures}


def probe_health(base: str, seconds: float) -> dict[str, float | int]:
    """/healthz every 100 ms for `seconds`: its latency while everything else runs.

    Runs in a process of its own, so the abusers' work in this one does not delay it."""
    latencies: list[float] = []
    errors = 0
    deadline = time.monotonic() + seconds
    with httpx.Client(timeout=10) as client:
        while time.monotonic() < deadline:
            started = time.perf_counter()
            try:
                ok = client.get(f"{base}/healthz").status_code == 200
            except httpx.HTTPError:
                ok = False
            if ok:
                latencies.append((time.perf_counter() - started) * 1000)
            else:
                errors += 1
            time.sleep(0.1)
    values = latencies or [0.0]
    return {
        "probes": len(latencies),
        "errors": errors,
        "p50_ms": round(statistics.median(values), 1),
        "p95_ms": round(percentile(values, 0.95), 1),
        "max_ms": round(max(values), 1),
        "over_100_ms": sum(1 for v in latencies if v > 100),
    }


def _put(queue: Any, target: Callable[..., Any], *args: Any) -> None:
    queue.put(target(*args))


def in_own_process(target: Callable[..., Any], *args: Any) -> Callable[[], Any]:
    """Start target(*args) in a fresh process; returns a call that waits for its result."""
    context = multiprocessing.get_context("spawn")
    queue = context.Queue()
    process = context.Process(target=_put, args=(queue, target, *args), daemon=True)
    process.start()

    def result() -> Any:
        value = queue.get(timeout=600)
        process.join(timeout=30)
        return value

    return result


def long_history_chats(base: str, stop: threading.Event, results: list[tuple[int, float]]) -> None:
    """One client sending, again and again, a chat whose earlier turn is 60,000 characters."""
    messages = [
        {"role": "user", "content": "德清县的发展定位是什么？" + "很长的背景材料。" * (LONG_TURN_CHARS // 8)},
        {"role": "assistant", "content": "（上一轮回答）"},
        {"role": "user", "content": "那长兴县呢？"},
    ]
    headers = {"X-Forwarded-For": "10.9.9.9"}
    with httpx.Client(timeout=120, headers=headers) as client:
        while not stop.is_set():
            started = time.perf_counter()
            try:
                status = client.post(f"{base}/v1/chat/completions", json={"messages": messages}).status_code
            except httpx.HTTPError:
                status = 0
            results.append((status, (time.perf_counter() - started) * 1000))
            time.sleep(0.2)


async def _burst(base: str, rate: int, seconds: int) -> dict[str, Any]:
    """A raw HTTP/1.1 client on keep-alive connections: Python's HTTP clients cannot send 500/s
    on one core, a request written by hand and a status line read back can."""
    host, port = base.removeprefix("http://").split(":")
    body = json.dumps({"query": "人才公寓"}).encode()
    request = (
        f"POST /api/search HTTP/1.1\r\nHost: {host}\r\nContent-Type: application/json\r\n"
        f"X-Forwarded-For: 10.6.6.6\r\nContent-Length: {len(body)}\r\n\r\n"
    ).encode() + body
    statuses: Counter[str] = Counter()
    connections = 50
    per_connection = rate * seconds // connections
    started = time.perf_counter()

    async def connection(offset: int) -> None:
        reader, writer = await asyncio.open_connection(host, int(port))
        try:
            for n in range(per_connection):
                delay = started + (n * connections + offset) / rate - time.perf_counter()
                if delay > 0:
                    await asyncio.sleep(delay)
                writer.write(request)
                head = await reader.readuntil(b"\r\n\r\n")
                statuses[head.split(b" ", 2)[1].decode()] += 1
                length = next(
                    int(line.split(b":", 1)[1])
                    for line in head.split(b"\r\n")
                    if line.lower().startswith(b"content-length:")
                )
                await reader.readexactly(length)
        except (OSError, asyncio.IncompleteReadError) as exc:
            statuses[type(exc).__name__] += 1
        finally:
            writer.close()

    await asyncio.gather(*(connection(i) for i in range(connections)))
    took = time.perf_counter() - started
    sent = sum(statuses.values())
    return {"sent": sent, "seconds": round(took, 1), "per_s": round(sent / took), "statuses": dict(statuses)}


def burst(base: str) -> dict[str, Any]:
    """500 requests/s from one client for 20 s."""
    return asyncio.run(_burst(base, BURST_RATE, BURST_SECONDS))


def slow_connections(base: str, stop: threading.Event, into: dict[str, Any]) -> None:
    """800 connections sending a header line every 2 s and never finishing: how long each lives."""
    host, port = base.removeprefix("http://").split(":")
    lifetimes: list[float] = []
    opened = 0
    sockets: dict[socket.socket, float] = {}

    def open_one() -> None:
        nonlocal opened
        sock = socket.create_connection((host, int(port)), timeout=5)
        sock.sendall(b"GET /healthz HTTP/1.1\r\nHost: 127.0.0.1\r\n")
        sock.setblocking(False)
        sockets[sock] = time.monotonic()
        opened += 1

    for _ in range(SLOW_CONNECTIONS):
        try:
            open_one()
        except OSError:
            break
    while not stop.is_set():
        for sock, since in list(sockets.items()):
            try:
                closed = sock.recv(1024) == b""
            except BlockingIOError:
                closed = False
            except OSError:
                closed = True
            if not closed:
                try:
                    sock.send(b"X-Slow: 1\r\n")
                except (BlockingIOError, OSError):
                    closed = True
            if closed:
                lifetimes.append(time.monotonic() - since)
                sock.close()
                del sockets[sock]
                with suppress(OSError):
                    open_one()  # an attacker keeps them coming
        stop.wait(2)
    held = [time.monotonic() - since for since in sockets.values()]
    for sock in list(sockets):
        sock.close()
    into.update(
        {
            "connections": SLOW_CONNECTIONS,
            "opened_in_total": opened,
            "closed_by_server": len(lifetimes),
            "longest_lived_s": round(max(lifetimes + held or [0.0]), 1),
            "median_lifetime_s": round(statistics.median(lifetimes) if lifetimes else 0.0, 1),
        }
    )


def abuse(base: str, users: int, seconds: int) -> dict[str, Any]:
    stop = threading.Event()
    chats: list[tuple[int, float]] = []
    slow_result: dict[str, Any] = {}
    normal: dict[str, Any] = {}
    health = in_own_process(probe_health, base, seconds)
    threads = [
        threading.Thread(target=lambda: normal.update(run_locust(base, users, seconds)), daemon=True),
        threading.Thread(target=long_history_chats, args=(base, stop, chats), daemon=True),
        threading.Thread(target=slow_connections, args=(base, stop, slow_result), daemon=True),
    ]
    for thread in threads:
        thread.start()
    time.sleep(10)  # the users and the abusers settle in, then the burst
    burst_result = in_own_process(burst, base)
    threads[0].join()
    stop.set()
    for thread in threads:
        thread.join(timeout=30)
    chat_ms = [ms for _, ms in chats] or [0.0]
    return {
        "normal_users": normal,
        "healthz": health(),
        "long_history_chat": {
            "requests": len(chats),
            "statuses": dict(Counter(str(s) for s, _ in chats)),
            "p50_ms": round(statistics.median(chat_ms), 1),
            "max_ms": round(max(chat_ms), 1),
        },
        "burst_500_per_s": burst_result(),
        "slow_connections": slow_result,
    }


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--users", type=int, default=50)
    parser.add_argument("--seconds", type=int, default=120)
    parser.add_argument("--abuse-seconds", type=int, default=75)
    parser.add_argument("--url", default=None, help="a running server to measure instead of starting one")
    parser.add_argument("--pid", type=int, default=None, help="with --url: the server's process id, for its memory")
    parser.add_argument("--json", action="store_true", help="print the report as JSON")
    args = parser.parse_args()
    with server(args.url) as (base, started_pid):
        pid = started_pid or args.pid
        assert pid is not None, "with --url, give --pid"
        start = server_usage(pid)
        load = run_locust(base, args.users, args.seconds)
        after_load = server_usage(pid)
        abused = abuse(base, args.users, args.abuse_seconds)
        time.sleep(3)
        end = server_usage(pid)
        started = time.perf_counter()
        after = httpx.post(f"{base}/api/ask", json={"question": "人才公寓计划建设多少平方米？"}, timeout=30)
        report = {
            "machine": {"cpus": os.cpu_count(), "python": platform.python_version()},
            "server": {"start": start, "after_load": after_load, "end": end},
            "load": load,
            "abuse": abused,
            "after_abuse": {"status": after.status_code, "ms": round((time.perf_counter() - started) * 1000, 1)},
        }
    REPORT.parent.mkdir(parents=True, exist_ok=True)
    REPORT.write_text(json.dumps(report, ensure_ascii=False, indent=2) + "\n", encoding="utf-8")
    if args.json:
        print(json.dumps(report, ensure_ascii=False, indent=2))
        return
    overall = load["endpoints"].get("Aggregated", {})
    normal = abused["normal_users"]["endpoints"].get("Aggregated", {})
    print(f"load: {overall} ; server {start} -> {after_load}")
    print(f"abuse: normal users {normal}; healthz {abused['healthz']}")
    print(f"  long chat {abused['long_history_chat']}; burst {abused['burst_500_per_s']}")
    print(f"  slow connections {abused['slow_connections']}; server at end {end}; after: {report['after_abuse']}")


if __name__ == "__main__":
    main()

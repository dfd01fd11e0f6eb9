#!/usr/bin/env python3
"""Hostile connections against a release hub (issue 18's measurements, item 6), with `/health`
polled five times a second throughout (its slowest answer and its failures are printed):

- slowloris: N connections send a request line and then one header line a second, forever
  (`server.max_connections_per_address` raised so the header timeout alone acts);
- idle flood: N connections that send nothing, at the default limits (256 per address,
  three quarters of the descriptor limit in total);
- oversized: N connections each with a 100 KB header, 1,000 header fields, or a 10 MB URL.

Usage: bench/hostile_connections.py [--slowloris 2000] [--idle 19000] [--oversized 200]
"""
import argparse
import os
import resource
import socket
import sys
import threading
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, CamHub, rss_mb  # noqa: E402


class HealthProbe:
    """GET /health every 0.2 s on a fresh connection; the slowest answer and the failures."""

    def __init__(self, base: str):
        self.base, self.slowest, self.failures, self.count = base, 0.0, 0, 0
        self.running = True
        self.thread = threading.Thread(target=self.run, daemon=True)
        self.thread.start()

    def run(self):
        while self.running:
            started = time.monotonic()
            try:
                ok = requests.get(self.base + "/health", timeout=5, headers={"Connection": "close"}).status_code == 200
            except requests.RequestException:
                ok = False
            self.count += 1
            self.failures += 0 if ok else 1
            self.slowest = max(self.slowest, time.monotonic() - started)
            time.sleep(0.2)

    def stop(self) -> str:
        self.running = False
        self.thread.join()
        return f"/health: {self.count} probes, slowest {self.slowest * 1000:.0f} ms, {self.failures} failed"


def open_connections(port: int, count: int) -> list[socket.socket]:
    socks = []
    for _ in range(count):
        try:
            sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        except OSError:
            break
        sock.setblocking(False)
        socks.append(sock)
    return socks


def still_open(socks: list[socket.socket]) -> int:
    """Connections the hub has not closed: reading gives EAGAIN, not EOF or a reset."""
    alive = 0
    for sock in socks:
        try:
            while True:
                data = sock.recv(65536)
                if not data:
                    break
        except BlockingIOError:
            alive += 1
        except OSError:
            pass
    return alive


def metric(base: str, name: str) -> str:
    lines = [line for line in requests.get(base + "/metrics", timeout=5).text.splitlines() if line.startswith(name)]
    return ", ".join(lines) or "-"


def finish(hub, probe: HealthProbe, socks: list[socket.socket]) -> None:
    """Prints how /health fared and what the hub counted, and closes the connections."""
    print(probe.stop())
    print(metric(hub.base, "camhub_connections_cut_total"))
    for sock in socks:
        sock.close()


def slowloris(count: int) -> None:
    hub = CamHub(RELEASE_BINARY, {**QUIET, "server": {"max_connections_per_address": 1_000_000}})
    try:
        probe = HealthProbe(hub.base)
        socks = open_connections(hub.port, count)
        for sock in socks:
            sock.send(b"GET /health HTTP/1.1\r\nHost: x\r\n")
        started = time.monotonic()
        timeline = []
        while time.monotonic() - started < 16:
            for sock in socks:
                try:
                    sock.send(b"X-a: b\r\n")
                except OSError:
                    pass
            elapsed = time.monotonic() - started
            if int(elapsed) in (5, 9, 12, 15) and not any(t == int(elapsed) for t, _ in timeline):
                timeline.append((int(elapsed), still_open(socks)))
            time.sleep(1)
        print(f"## slowloris, {len(socks)} connections trickling a header line a second (header timeout 10 s)")
        print("| seconds after the heads began | 5 | 9 | 12 | 15 |")
        print("|---|---|---|---|---|")
        print("| connections the hub still holds | " + " | ".join(str(alive) for _, alive in timeline) + " |")
        finish(hub, probe, socks)
    finally:
        hub.stop()


def idle_flood(count: int) -> None:
    hub = CamHub(RELEASE_BINARY, QUIET)
    try:
        probe = HealthProbe(hub.base)
        started = time.monotonic()
        socks = open_connections(hub.port, count)
        opened_in = time.monotonic() - started
        time.sleep(2)
        held_after_2s = still_open(socks)
        time.sleep(10)
        held_after_12s = still_open(socks)
        print(f"## idle flood, {len(socks)} connections that send nothing (opened in {opened_in:.1f} s), default limits")
        print(f"connections the hub still holds: {held_after_2s} after 2 s, {held_after_12s} after 12 s")
        finish(hub, probe, socks)
    finally:
        hub.stop()


def oversized(count: int) -> None:
    hub = CamHub(RELEASE_BINARY, QUIET)
    requests_by_kind = {
        "100 KB header": b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n",
        "1,000 header fields": b"GET / HTTP/1.1\r\nHost: x\r\n" + b"".join(b"X-%d: 1\r\n" % i for i in range(1000)) + b"\r\n",
        "10 MB URL": b"GET /" + b"a" * (10 * 1024 * 1024) + b" HTTP/1.1\r\n\r\n",
    }
    try:
        print(f"## oversized requests, {count} connections of each kind at once")
        print("| request | answers | slowest answer | RSS before | RSS after |")
        print("|---|---|---|---|---|")
        for kind, request in requests_by_kind.items():
            before = rss_mb(hub.pid)
            socks = [socket.create_connection(("127.0.0.1", hub.port), timeout=10) for _ in range(count)]
            started = time.monotonic()
            for sock in socks:
                try:
                    sock.sendall(request)
                except OSError:
                    pass  # answered and closed before the client was done sending
            answers, slowest = {}, 0.0
            for sock in socks:
                try:
                    status = sock.recv(64).split(b" ")[1].decode()
                except (OSError, IndexError):
                    status = "reset"
                answers[status] = answers.get(status, 0) + 1
                slowest = max(slowest, time.monotonic() - started)
                sock.close()
            after = rss_mb(hub.pid)
            summary = ", ".join(f"{n} x {status}" for status, n in sorted(answers.items()))
            print(f"| {kind} | {summary} | {slowest * 1000:.0f} ms | {before:.0f} MB | {after:.0f} MB |")
    finally:
        hub.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--slowloris", type=int, default=2000)
    parser.add_argument("--idle", type=int, default=19000)
    parser.add_argument("--oversized", type=int, default=200)
    args = parser.parse_args()
    soft, hard = resource.getrlimit(resource.RLIMIT_NOFILE)
    resource.setrlimit(resource.RLIMIT_NOFILE, (hard, hard))
    print(f"# hostile connections, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, descriptor limit {hard}")
    if args.oversized:
        oversized(args.oversized)
    if args.slowloris:
        slowloris(args.slowloris)
    if args.idle:
        idle_flood(args.idle)


if __name__ == "__main__":
    main()

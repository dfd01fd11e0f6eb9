#!/usr/bin/env python3
"""Seed 002 Socket.IO benchmark: lpr_data events answered and stored, over 1 and 20 connections,
against camhub and against a stock python-socketio server doing the same work
(bench/python_socketio_server.py).

The loader is bench/sio_load.c: WebSocket transport, each connection keeping 64 events with ack
ids in flight. An event counts when its acknowledgement says `success: true`, which camhub sends
only after the detection is committed. Each run is 10 s after a 1 s warm-up; CPU is the server's
own from /proc. Prints one Markdown row per server and connection count.

Usage: bench/lpr_events.py [--connections 1,20] [--seconds 10] [--window 64] [--binary .build/release/camhub]
"""
import argparse
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, ROOT, CamHub, build, cpu_seconds, free_port, rss_mb, wait_for  # noqa: E402


class PythonServer:
    """bench/python_socketio_server.py with its own SQLite file."""

    def __init__(self):
        data = Path(tempfile.mkdtemp(prefix="python-sio-"))
        self.port = free_port()
        self.process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "python_socketio_server.py"), str(self.port), str(data / "lpr.sqlite")])
        wait_for(f"http://127.0.0.1:{self.port}/socket.io/?EIO=4&transport=polling")

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=20)


def measure(loader: Path, server, connections: int, seconds: int, window: int) -> dict:
    load = subprocess.Popen([str(loader), "127.0.0.1", str(server.port), str(seconds), str(connections), str(window)],
                            stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    cpu0 = cpu_seconds(server.pid)
    time.sleep(seconds)
    cpu1 = cpu_seconds(server.pid)
    rss = rss_mb(server.pid)
    words = load.communicate(timeout=60)[0].split()
    acked, elapsed, failed = int(words[1]), float(words[2]), int(words[4])
    return {"rate": acked / elapsed, "cpu": (cpu1 - cpu0) / acked * 1e6 if acked else float("nan"),
            "percent": (cpu1 - cpu0) / seconds * 100, "rss": rss, "failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", default="1,20")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    args = parser.parse_args()
    loader = build(ROOT / "bench" / "sio_load.c", "sio_load")
    counts = [int(c) for c in args.connections.split(",")]
    print(f"# Socket.IO lpr_data, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, WebSocket transport, "
          f"{args.window} events in flight per connection, {args.seconds} s after 1 s warm-up")
    print("| server | connections | events/s answered and stored | server CPU µs per event | server CPU % | server RSS | failed |")
    print("|---|---|---|---|---|---|---|")
    results = {}
    for name, start in [("camhub", lambda: CamHub(args.binary, QUIET)), ("python-socketio (aiohttp)", PythonServer)]:
        for count in counts:
            server = start()
            try:
                result = measure(loader, server, count, args.seconds, args.window)
            finally:
                server.stop()
            results[(name, count)] = result
            print(f"| {name} | {count} | {result['rate']:,.0f} | {result['cpu']:.0f} | {result['percent']:.0f} % | {result['rss']:.0f} MB "
                  f"| {result['failed']} |", flush=True)
    for count in counts:
        ours, theirs = results[("camhub", count)]["rate"], results[("python-socketio (aiohttp)", count)]["rate"]
        print(f"\n{count} connection(s): camhub answers {ours / theirs:.1f}x the events of python-socketio.")


if __name__ == "__main__":
    main()

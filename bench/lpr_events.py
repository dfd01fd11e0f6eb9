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
import json
import os
import signal
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from fanout import ROOT, WORK, free_port  # noqa: E402
from uploads import cpu_seconds, rss_mb  # noqa: E402


def build_loader() -> Path:
    loader = WORK / "sio_load"
    source = ROOT / "bench" / "sio_load.c"
    if not loader.exists() or loader.stat().st_mtime < source.stat().st_mtime:
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(["gcc", "-O2", "-Wall", "-o", str(loader), str(source)], check=True)
    return loader


def wait_for(url: str) -> None:
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


def start_camhub(binary: Path) -> tuple[subprocess.Popen, int]:
    data = Path(tempfile.mkdtemp(prefix="camhub-sio-"))
    (data / "camhub.json").write_text(json.dumps({"logging": {"level": "warning", "file": ""}}))
    port = free_port()
    process = subprocess.Popen([str(binary), "serve", "--data-dir", str(data), "--port", str(port)])
    wait_for(f"http://127.0.0.1:{port}/health")
    return process, port


def start_python() -> tuple[subprocess.Popen, int]:
    data = Path(tempfile.mkdtemp(prefix="python-sio-"))
    port = free_port()
    process = subprocess.Popen([sys.executable, str(ROOT / "bench" / "python_socketio_server.py"), str(port), str(data / "lpr.sqlite")])
    wait_for(f"http://127.0.0.1:{port}/socket.io/?EIO=4&transport=polling")
    return process, port


def measure(loader: Path, process: subprocess.Popen, port: int, connections: int, seconds: int, window: int) -> dict:
    load = subprocess.Popen([str(loader), "127.0.0.1", str(port), str(seconds), str(connections), str(window)],
                            stdout=subprocess.PIPE, text=True)
    time.sleep(1)
    cpu0 = cpu_seconds(process.pid)
    time.sleep(seconds)
    cpu1 = cpu_seconds(process.pid)
    rss = rss_mb(process.pid)
    words = load.communicate(timeout=60)[0].split()
    acked, elapsed, failed = int(words[1]), float(words[2]), int(words[4])
    return {"rate": acked / elapsed, "cpu": (cpu1 - cpu0) / acked * 1e6 if acked else float("nan"),
            "percent": (cpu1 - cpu0) / seconds * 100, "rss": rss, "failed": failed}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--connections", default="1,20")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--window", type=int, default=64)
    parser.add_argument("--binary", type=Path, default=ROOT / ".build" / "release" / "camhub")
    args = parser.parse_args()
    loader = build_loader()
    counts = [int(c) for c in args.connections.split(",")]
    print(f"# Socket.IO lpr_data, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, WebSocket transport, "
          f"{args.window} events in flight per connection, {args.seconds} s after 1 s warm-up")
    print("| server | connections | events/s answered and stored | server CPU µs per event | server CPU % | server RSS | failed |")
    print("|---|---|---|---|---|---|---|")
    results = {}
    for name, start in [("camhub", lambda: start_camhub(args.binary)), ("python-socketio (aiohttp)", start_python)]:
        for count in counts:
            process, port = start()
            try:
                result = measure(loader, process, port, count, args.seconds, args.window)
            finally:
                process.send_signal(signal.SIGTERM)
                process.wait(timeout=20)
            results[(name, count)] = result
            print(f"| {name} | {count} | {result['rate']:,.0f} | {result['cpu']:.0f} | {result['percent']:.0f} % | {result['rss']:.0f} MB "
                  f"| {result['failed']} |", flush=True)
    for count in counts:
        ours, theirs = results[("camhub", count)]["rate"], results[("python-socketio (aiohttp)", count)]["rate"]
        print(f"\n{count} connection(s): camhub answers {ours / theirs:.1f}x the events of python-socketio.")


if __name__ == "__main__":
    main()

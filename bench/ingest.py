#!/usr/bin/env python3
"""Seed 003 ingest benchmark: cameras push ~49 KB JPEGs over the WebSocket binary protocol
(/video-input-stream) as fast as they can, over loopback.

The loader is bench/push_load.c (one thread, epoll, zero mask key). For each camera count it
prints one Markdown row: frames/s and MB/s the hub accepted (its own camhub_frames_in_total),
the hub's CPU per accepted frame (from /proc), and the hub's RSS. A one-second warm-up is not
counted. The frame is the first reference 640x480 JPEG of ../shared/bench/make_frames.py.

Then, with --idle N, N more cameras each push one frame and disconnect, and it prints the hub's
RSS holding N idle cameras' newest frames (the memory bar in PRODUCT.md).

Usage: bench/ingest.py [--cameras 1,100] [--seconds 10] [--idle 1000] [--binary .build/release/camhub]
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
from fanout import ROOT, WORK, free_port, make_frames  # noqa: E402
from uploads import cpu_seconds, rss_mb  # noqa: E402


def build_loader() -> Path:
    loader = WORK / "push_load"
    source = ROOT / "bench" / "push_load.c"
    if not loader.exists() or loader.stat().st_mtime < source.stat().st_mtime:
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(["gcc", "-O2", "-Wall", "-o", str(loader), str(source)], check=True)
    return loader


def frames_in(base: str) -> int:
    total = 0
    for line in requests.get(base + "/metrics", timeout=5).text.splitlines():
        if line.startswith("camhub_frames_in_total{") and 'camera="bench-pattern"' not in line:
            total += int(float(line.split()[-1]))
    return total


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", default="1,100")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--binary", type=Path, default=ROOT / ".build" / "release" / "camhub")
    args = parser.parse_args()

    loader = build_loader()
    jpeg_file = sorted(make_frames().glob("*.jpg"))[0]
    frame_bytes = jpeg_file.stat().st_size
    counts = [int(c) for c in args.cameras.split(",")]

    data = Path(tempfile.mkdtemp(prefix="camhub-ingest-"))
    # The built-in test pattern would add its own frames; a 1 fps camera keeps it out of the way.
    config = {"logging": {"level": "warning", "file": ""},
              "cameras": [{"id": "bench-pattern", "name": "Pattern", "fps": 1, "width": 160, "height": 120}]}
    (data / "camhub.json").write_text(json.dumps(config))
    port = free_port()
    hub = subprocess.Popen([str(args.binary), "serve", "--data-dir", str(data), "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                requests.get(base + "/health", timeout=1)
                break
            except requests.RequestException:
                if time.time() > deadline:
                    raise SystemExit("camhub did not start")
                time.sleep(0.2)
        cameras = []
        for index in range(1, max(counts) + 1):
            reply = requests.post(base + "/cameras", json={"id": index, "name": f"push-{index}"}, timeout=5).json()
            cameras.append((index, reply["push_token"]))

        print(f"# camhub WebSocket push ingest, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
              f"frame {frame_bytes} bytes, {args.seconds} s measured after 1 s warm-up")
        print("| cameras | frames/s accepted | MB/s accepted | server CPU µs per frame | server CPU % | server RSS | loader frames/s sent |")
        print("|---|---|---|---|---|---|---|")
        for count in counts:
            cameras_file = WORK / f"push_cameras_{count}.txt"
            cameras_file.write_text("".join(f"{i} {token}\n" for i, token in cameras[:count]))
            load = subprocess.Popen([str(loader), "127.0.0.1", str(port), str(args.seconds + 1.5), str(jpeg_file), str(cameras_file)],
                                    stdout=subprocess.PIPE, text=True)
            time.sleep(1)
            frames0, cpu0, t0 = frames_in(base), cpu_seconds(hub.pid), time.monotonic()
            time.sleep(args.seconds)
            frames1, cpu1, t1 = frames_in(base), cpu_seconds(hub.pid), time.monotonic()
            rss = rss_mb(hub.pid)
            sent = load.communicate(timeout=30)[0].split()
            accepted = frames1 - frames0
            fps = accepted / (t1 - t0)
            per_frame = (cpu1 - cpu0) / accepted * 1e6 if accepted else float("nan")
            print(f"| {count} | {fps:,.0f} | {fps * frame_bytes / 1e6:,.0f} | {per_frame:.1f} | {(cpu1 - cpu0) / (t1 - t0) * 100:.0f} % "
                  f"| {rss:.0f} MB | {int(sent[1]) / float(sent[2]):,.0f} |", flush=True)
            time.sleep(1)
        if args.idle:
            idle_hub(args, loader, jpeg_file, frame_bytes)
    finally:
        hub.send_signal(signal.SIGTERM)
        hub.wait(timeout=20)


def idle_hub(args, loader: Path, jpeg_file: Path, frame_bytes: int) -> None:
    """A fresh hub with N cameras that each pushed one frame and went quiet: its RSS."""
    data = Path(tempfile.mkdtemp(prefix="camhub-idle-"))
    config = {"logging": {"level": "warning", "file": ""},
              "cameras": [{"id": "bench-pattern", "name": "Pattern", "fps": 1, "width": 160, "height": 120}]}
    (data / "camhub.json").write_text(json.dumps(config))
    port = free_port()
    hub = subprocess.Popen([str(args.binary), "serve", "--data-dir", str(data), "--port", str(port)])
    base = f"http://127.0.0.1:{port}"
    try:
        deadline = time.time() + 30
        while True:
            try:
                requests.get(base + "/health", timeout=1)
                break
            except requests.RequestException:
                if time.time() > deadline:
                    raise SystemExit("camhub did not start")
                time.sleep(0.2)
        started = rss_mb(hub.pid)
        lines = []
        for index in range(1, args.idle + 1):
            reply = requests.post(base + "/cameras", json={"id": index, "name": f"idle-{index}"}, timeout=5).json()
            lines.append(f"{index} {reply['push_token']}\n")
        cameras_file = WORK / "push_cameras_idle.txt"
        cameras_file.write_text("".join(lines))
        subprocess.run([str(loader), "127.0.0.1", str(port), "0", str(jpeg_file), str(cameras_file)], check=True, capture_output=True)
        time.sleep(2)
        holding = sum(1 for line in requests.get(base + "/list", timeout=30).json() if line["hasImage"]) - 1
        print(f"\n{args.idle} idle pushed cameras, {holding} holding a {frame_bytes}-byte newest frame: "
              f"hub RSS {rss_mb(hub.pid):.0f} MB (at start, with no cameras: {started:.0f} MB)", flush=True)
    finally:
        hub.send_signal(signal.SIGTERM)
        hub.wait(timeout=20)


if __name__ == "__main__":
    main()

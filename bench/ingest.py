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
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, ROOT, WORK, CamHub, build, cpu_seconds, make_frames, rss_mb  # noqa: E402

# The built-in test pattern would add its own frames; a small 1 fps camera keeps it out of the way.
CONFIG = {**QUIET, "cameras": [{"id": "bench-pattern", "name": "Pattern", "fps": 1, "width": 160, "height": 120}]}


def frames_in(base: str) -> int:
    total = 0
    for line in requests.get(base + "/metrics", timeout=5).text.splitlines():
        if line.startswith("camhub_frames_in_total{") and 'camera="bench-pattern"' not in line:
            total += int(float(line.split()[-1]))
    return total


def create_cameras(base: str, count: int, prefix: str) -> list[tuple[int, str]]:
    """Cameras 1..count from POST /cameras, with their push tokens."""
    return [(index, requests.post(base + "/cameras", json={"id": index, "name": f"{prefix}-{index}"}, timeout=5).json()["push_token"])
            for index in range(1, count + 1)]


def write_cameras(name: str, cameras: list[tuple[int, str]]) -> Path:
    path = WORK / name
    path.write_text("".join(f"{index} {token}\n" for index, token in cameras))
    return path


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", default="1,100")
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--idle", type=int, default=0)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    args = parser.parse_args()

    loader = build(ROOT / "bench" / "push_load.c", "push_load")
    jpeg_file = sorted(make_frames().glob("*.jpg"))[0]
    frame_bytes = jpeg_file.stat().st_size
    counts = [int(c) for c in args.cameras.split(",")]

    hub = CamHub(args.binary, CONFIG)
    try:
        cameras = create_cameras(hub.base, max(counts), "push")
        print(f"# camhub WebSocket push ingest, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, "
              f"frame {frame_bytes} bytes, {args.seconds} s measured after 1 s warm-up")
        print("| cameras | frames/s accepted | MB/s accepted | server CPU µs per frame | server CPU % | server RSS | loader frames/s sent |")
        print("|---|---|---|---|---|---|---|")
        for count in counts:
            cameras_file = write_cameras(f"push_cameras_{count}.txt", cameras[:count])
            load = subprocess.Popen([str(loader), "127.0.0.1", str(hub.port), str(args.seconds + 1.5), str(jpeg_file), str(cameras_file)],
                                    stdout=subprocess.PIPE, text=True)
            time.sleep(1)
            frames0, cpu0, t0 = frames_in(hub.base), cpu_seconds(hub.pid), time.monotonic()
            time.sleep(args.seconds)
            frames1, cpu1, t1 = frames_in(hub.base), cpu_seconds(hub.pid), time.monotonic()
            rss = rss_mb(hub.pid)
            sent = load.communicate(timeout=30)[0].split()
            accepted = frames1 - frames0
            fps = accepted / (t1 - t0)
            per_frame = (cpu1 - cpu0) / accepted * 1e6 if accepted else float("nan")
            print(f"| {count} | {fps:,.0f} | {fps * frame_bytes / 1e6:,.0f} | {per_frame:.1f} | {(cpu1 - cpu0) / (t1 - t0) * 100:.0f} % "
                  f"| {rss:.0f} MB | {int(sent[1]) / float(sent[2]):,.0f} |", flush=True)
            time.sleep(1)
    finally:
        hub.stop()
    if args.idle:
        idle_hub(args, loader, jpeg_file, frame_bytes)


def idle_hub(args, loader: Path, jpeg_file: Path, frame_bytes: int) -> None:
    """A fresh hub with N cameras that each pushed one frame and went quiet: its RSS."""
    hub = CamHub(args.binary, CONFIG)
    try:
        started = rss_mb(hub.pid)
        cameras_file = write_cameras("push_cameras_idle.txt", create_cameras(hub.base, args.idle, "idle"))
        subprocess.run([str(loader), "127.0.0.1", str(hub.port), "0", str(jpeg_file), str(cameras_file)], check=True, capture_output=True)
        time.sleep(2)
        holding = sum(1 for line in requests.get(hub.base + "/list", timeout=30).json() if line["hasImage"]) - 1
        print(f"\n{args.idle} idle pushed cameras, {holding} holding a {frame_bytes}-byte newest frame: "
              f"hub RSS {rss_mb(hub.pid):.0f} MB (at start, with no cameras: {started:.0f} MB)", flush=True)
    finally:
        hub.stop()


if __name__ == "__main__":
    main()

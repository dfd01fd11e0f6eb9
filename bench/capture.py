#!/usr/bin/env python3
"""Local-camera capture cost (issue 6): hub CPU per frame for

  1. the test pattern: render a 640x480 picture and encode it with libjpeg-turbo;
  2. HTTP MJPEG passthrough: an "IP camera" stream split natively, the JPEG bytes kept as they are
     (the camera is a second camhub replaying the ~49 KB reference frames with a `file:` camera);
  3. the 320x320 variant (`?size=320x320`, seed 004's small frame) made for one viewer per
     camera, next to a full-size viewer per camera, so the scaling cost shows apart from delivery.

CPU is the hub's utime+stime from /proc over the window; frames are the cameras'
`capture.frames_captured` (and, for viewers, the frames the viewers got).

Usage: bench/capture.py [--cameras 8] [--fps 30] [--seconds 10] [--binary .build/release/camhub]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, SHARED_BENCH, CamHub, build, cpu_seconds, make_frames  # noqa: E402


def captured(hub: CamHub, ids: list[str]) -> int:
    return sum(requests.get(f"{hub.base}/cameras/{i}/status", timeout=5).json()["capture"]["frames_captured"] for i in ids)


def wait_streaming(hub: CamHub, ids: list[str]) -> None:
    deadline = time.time() + 30
    while captured(hub, ids) < 10 * len(ids):
        if time.time() > deadline:
            raise SystemExit(f"cameras {ids} sent no frames")
        time.sleep(0.2)


def measure(hub: CamHub, ids: list[str], seconds: float) -> tuple[float, int]:
    """(hub CPU seconds, frames captured) over a window."""
    cpu, frames = cpu_seconds(hub.pid), captured(hub, ids)
    time.sleep(seconds)
    return cpu_seconds(hub.pid) - cpu, captured(hub, ids) - frames


def with_viewers(loader: Path, hub: CamHub, ids: list[str], query: str, seconds: float) -> tuple[float, int, int]:
    """(hub CPU seconds, frames captured, frames the viewers got) with one viewer per camera."""
    clients = [subprocess.Popen(
        [str(loader), "--url", f"{hub.base}/cameras/{i}/stream.mjpeg{query}", "--clients", "1", "--seconds", str(seconds + 2)],
        stdout=subprocess.PIPE, stderr=subprocess.DEVNULL, text=True,
    ) for i in ids]
    time.sleep(1)  # the first scaled frame of each size is made on the first request
    cpu, frames = measure(hub, ids, seconds)
    delivered = 0
    for client in clients:
        out, _ = client.communicate(timeout=seconds + 60)
        line = out.strip().splitlines()[-1] if out.strip() else "{}"
        delivered += int(json.loads(line).get("fps_aggregate", 0) * seconds)
    return cpu, frames, delivered


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", type=int, default=8)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    args = parser.parse_args()
    loader = build(SHARED_BENCH / "mjpeg_load.c", "mjpeg_load")
    frames = make_frames()
    ids = [f"cam{i}" for i in range(args.cameras)]
    print(f"# camhub capture cost, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {args.cameras} cameras "
          f"at {args.fps} fps, 640x480, {args.seconds:.0f} s windows")
    print("| path | frames/s | hub CPU µs per frame |")
    print("|---|---|---|")

    def row(name: str, cpu: float, count: int) -> None:
        print(f"| {name} | {count / args.seconds:.0f} | {cpu / max(count, 1) * 1e6:.0f} |", flush=True)

    pattern = CamHub(args.binary, {**QUIET, "cameras": [
        {"id": i, "name": i, "source": "testpattern", "width": 640, "height": 480, "fps": args.fps} for i in ids]})
    try:
        wait_streaming(pattern, ids)
        cpu, count = measure(pattern, ids, args.seconds)
        row("test pattern: render + encode", cpu, count)
        base_per_frame = cpu / max(count, 1)
        for query, name in [("", "full-size viewer, 1 per camera"), ("?size=320x320", "320x320 viewer, 1 per camera")]:
            cpu, count, delivered = with_viewers(loader, pattern, ids, query, args.seconds)
            extra = cpu - base_per_frame * count
            print(f"| test pattern + {name}: extra per delivered frame | {delivered / args.seconds:.0f} | "
                  f"{extra / max(delivered, 1) * 1e6:.0f} |", flush=True)
    finally:
        pattern.stop()

    camera = CamHub(args.binary, {**QUIET, "cameras": [
        {"id": i, "name": i, "source": f"file:{frames}", "fps": args.fps} for i in ids]})
    hub = CamHub(args.binary, {**QUIET, "cameras": [
        {"id": i, "name": i, "source": f"{camera.base}/cameras/{i}/stream.mjpeg"} for i in ids]})
    try:
        wait_streaming(hub, ids)
        cpu, count = measure(hub, ids, args.seconds)
        row("HTTP MJPEG passthrough (~49 KB frames)", cpu, count)
    finally:
        hub.stop()
        camera.stop()


if __name__ == "__main__":
    main()

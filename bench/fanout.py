#!/usr/bin/env python3
"""MJPEG fan-out benchmark: N viewers of one 30 fps camera with ~49 KB frames.

It replays the 60 reference frames from ../shared/bench/make_frames.py through a `file:` camera,
drives the stream with the reference C load client (../shared/bench/mjpeg_load.c, one epoll
thread), and prints one Markdown row per viewer count: delivered fps per viewer (min, median),
server CPU microseconds per delivered frame (from /proc), RSS, and the publish-to-last-byte
latency p50/p99 from each part's X-Timestamp header.

With `--background-cameras N` the hub also takes in N more cameras replaying the same frames at
10 fps, and with `--motion` every camera (the bench camera too) is analysed for motion at
`motion.fps` 5, clips on: run it with and without `--motion` to see what motion costs ingest and
delivery.

Usage: bench/fanout.py [--viewers 1,10,100,200] [--seconds 10] [--binary .build/release/camhub]
                       [--background-cameras 99] [--motion]
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
from common import QUIET, RELEASE_BINARY, SHARED_BENCH, CamHub, build, make_frames  # noqa: E402


def start_hub(binary: Path, frames: Path, fps: int, background: int = 0, motion: bool = False) -> CamHub:
    """A hub whose camera replays the reference frames at `fps` (and `background` more at 10 fps),
    once its first frame is in."""
    cameras = [{"id": "bench", "name": "Bench", "source": f"file:{frames}", "fps": fps}]
    cameras += [{"id": f"bg{index:03d}", "name": f"Background {index}", "source": f"file:{frames}", "fps": 10} for index in range(background)]
    hub = CamHub(binary, {**QUIET, "motion": {"enabled": motion, "fps": 5}, "cameras": cameras})
    deadline = time.time() + 30
    while requests.get(hub.base + "/cameras/bench/snapshot.jpg", timeout=5).status_code != 200:
        if time.time() > deadline:
            raise SystemExit("the bench camera sent no frame")
        time.sleep(0.2)
    return hub


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", default="1,10,100,200")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    parser.add_argument("--raw", action="store_true", help="also print the loader's JSON lines")
    parser.add_argument("--background-cameras", type=int, default=0)
    parser.add_argument("--motion", action="store_true", help="motion analysis on for every camera, at 5 fps")
    args = parser.parse_args()

    loader = build(SHARED_BENCH / "mjpeg_load.c", "mjpeg_load")
    frames = make_frames()
    hub = start_hub(args.binary, frames, args.fps, args.background_cameras, args.motion)
    if args.background_cameras or args.motion:
        time.sleep(4)  # every camera running
    print(f"# camhub fan-out, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {args.seconds:.0f} s windows, "
          f"{args.fps} fps camera, reference frames from make_frames.py, {args.background_cameras} more cameras at 10 fps, "
          f"motion {'on (5 fps, every camera)' if args.motion else 'off'}")
    print("| viewers | fps per viewer min / median | MB/s | server CPU µs per delivered frame | RSS | latency p50 / p99 | failures |")
    print("|---|---|---|---|---|---|---|")
    try:
        for viewers in [int(v) for v in args.viewers.split(",")]:
            result = subprocess.run(
                [str(loader), "--url", f"{hub.base}/cameras/bench/stream.mjpeg", "--clients", str(viewers),
                 "--seconds", str(args.seconds), "--server-pid", str(hub.pid), "--stagger-ms", "1"],
                capture_output=True, text=True, timeout=args.seconds + 120,
            )
            line = result.stdout.strip().splitlines()[-1] if result.stdout.strip() else "{}"
            data = json.loads(line)
            if args.raw:
                print(line, file=sys.stderr)
            print(f"| {viewers} | {data.get('fps_per_client_min', 0):.1f} / {data.get('fps_per_client_median', 0):.1f} "
                  f"| {data.get('MB_per_s', 0):.1f} | {data.get('server_cpu_us_per_frame', 0):.1f} "
                  f"| {data.get('server_rss_kb', 0) / 1024:.1f} MB "
                  f"| {data.get('latency_ms_p50', 0):.2f} / {data.get('latency_ms_p99', 0):.2f} ms "
                  f"| {data.get('failures', '?')} |", flush=True)
            time.sleep(1)
    finally:
        hub.stop()


if __name__ == "__main__":
    main()

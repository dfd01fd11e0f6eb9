#!/usr/bin/env python3
"""Motion analysis cost: CPU per analysed 640x480 frame (the luminance decoded at 1/8 by
libjpeg-turbo, then the detector), on the 60 reference frames of ../shared/bench/make_frames.py,
cycled so every frame differs from the one before (they are noisy: the detector finds regions in
most of them, its worst case). Release build of the `motion-bench` product, one thread.

Prints one Markdown row per run and what 100 cameras at 5 analysed frames a second would take.

Then the same inside a running hub (release build): 100 cameras replay the reference frames at
10 fps (`file:` sources, 1,000 frames/s into the hub), once with motion off and once with
`motion.enabled` at 5 analysed frames a second each; it prints the hub's CPU, the frames it took
in and the frames motion analysed per second, over a window after a warm-up.

Usage: bench/motion.py [--frames 5000] [--runs 3] [--hub-cameras 100] [--seconds 10]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, ROOT, CamHub, cpu_seconds, make_frames, rss_mb  # noqa: E402

import requests  # noqa: E402


def counter(base: str, name: str) -> float:
    """A counter's total over all its labels, from /metrics."""
    total = 0.0
    for line in requests.get(base + "/metrics", timeout=5).text.splitlines():
        if line.startswith(name + "{") or line.startswith(name + " "):
            total += float(line.split()[-1])
    return total


def in_hub(frames: Path, cameras: int, seconds: int, motion: bool) -> dict:
    config = {**QUIET, "motion": {"enabled": motion, "fps": 5},
              "cameras": [{"id": f"cam{index:03d}", "name": f"Camera {index}", "source": f"file:{frames}", "fps": 10}
                          for index in range(cameras)]}
    hub = CamHub(RELEASE_BINARY, config)
    try:
        time.sleep(4)  # every camera running, the first events over
        frames0, analysed0 = counter(hub.base, "camhub_frames_in_total"), counter(hub.base, "camhub_motion_frames_analysed_total")
        cpu0, t0 = cpu_seconds(hub.pid), time.monotonic()
        time.sleep(seconds)
        frames1, analysed1 = counter(hub.base, "camhub_frames_in_total"), counter(hub.base, "camhub_motion_frames_analysed_total")
        cpu1, t1 = cpu_seconds(hub.pid), time.monotonic()
        return {"cpu": (cpu1 - cpu0) / (t1 - t0) * 100, "in": (frames1 - frames0) / (t1 - t0),
                "analysed": (analysed1 - analysed0) / (t1 - t0), "rss": rss_mb(hub.pid)}
    finally:
        hub.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--hub-cameras", type=int, default=100)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "motion-bench"], cwd=ROOT, check=True, capture_output=True)
    frames = make_frames()
    print(f"# camhub motion analysis, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {args.frames} frames per run")
    print("| run | plane | decode µs | detect µs | CPU µs per analysed frame | regions per frame | 100 cameras at 5 fps |")
    print("|---|---|---|---|---|---|---|")
    for run in range(1, args.runs + 1):
        output = subprocess.run([str(ROOT / ".build" / "release" / "motion-bench"), str(frames), str(args.frames)],
                                capture_output=True, text=True, check=True).stdout
        data = json.loads(output.strip().splitlines()[-1])
        print(f"| {run} | {data['plane']} | {data['decode_us']:.0f} | {data['detect_us']:.0f} | {data['total_us']:.0f} "
              f"| {data['boxes_per_frame']:.1f} | {data['core_share_100_cameras_5_fps'] * 100:.0f} % of a core |", flush=True)
    if args.hub_cameras:
        subprocess.run(["swift", "build", "-c", "release", "--product", "camhub"], cwd=ROOT, check=True, capture_output=True)
        print(f"\n# in the hub: {args.hub_cameras} cameras at 10 fps, {args.seconds} s window")
        print("| motion | hub CPU | frames in /s | frames analysed /s | RSS |")
        print("|---|---|---|---|---|")
        for motion in (False, True):
            data = in_hub(frames, args.hub_cameras, args.seconds, motion)
            print(f"| {'on, 5 fps' if motion else 'off'} | {data['cpu']:.0f} % | {data['in']:,.0f} | {data['analysed']:,.0f} | {data['rss']:.0f} MB |", flush=True)


if __name__ == "__main__":
    main()

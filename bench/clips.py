#!/usr/bin/env python3
"""Clip writing: 16 cameras in motion events at once, their clips written to disk.

The cameras replay the 60 reference frames of ../shared/bench/make_frames.py at 10 fps each
(`file:` sources, ~49 KB frames). The frames are noisy, so motion is found in nearly every
analysed frame and every camera is in an event the whole time: every frame it takes in goes into
a clip. The hub runs twice, `events.clips` on and off (motion on at 5 fps both times), and the
difference in its CPU is what writing the clips costs. Prints the bytes written into clips per
second (`camhub_clip_bytes_written_total`), what the kernel counted as written by the hub
(/proc/<pid>/io), frames dropped by the clip queue, and the hub's CPU, over a window after a
warm-up. Release build.

Usage: bench/clips.py [--cameras 16] [--seconds 10]
"""
import argparse
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, ROOT, CamHub, cpu_seconds, make_frames  # noqa: E402
from motion import counter  # noqa: E402


def written_bytes(pid: int) -> int:
    for line in Path(f"/proc/{pid}/io").read_text().splitlines():
        if line.startswith("write_bytes:"):
            return int(line.split()[1])
    return 0


def run(frames: Path, cameras: int, seconds: int, clips: bool) -> dict:
    config = {**QUIET, "motion": {"enabled": True, "fps": 5, "event_gap": 5, "pre_capture": 3, "post_capture": 3},
              "events": {"clips": clips},
              "cameras": [{"id": f"cam{index:02d}", "name": f"Camera {index}", "source": f"file:{frames}", "fps": 10} for index in range(cameras)]}
    hub = CamHub(RELEASE_BINARY, config)
    try:
        time.sleep(5)  # every camera running and in its event
        names = ["camhub_clip_bytes_written_total", "camhub_clip_frames_written_total", "camhub_clip_frames_dropped_total", "camhub_frames_in_total"]
        before = {name: counter(hub.base, name) for name in names}
        disk0, cpu0, t0 = written_bytes(hub.pid), cpu_seconds(hub.pid), time.monotonic()
        time.sleep(seconds)
        after = {name: counter(hub.base, name) for name in names}
        disk1, cpu1, t1 = written_bytes(hub.pid), cpu_seconds(hub.pid), time.monotonic()
        rate = {name: (after[name] - before[name]) / (t1 - t0) for name in names}
        events = len([line for line in (hub.data / "clips").glob("*.clip")]) if clips else 0
        return {"cpu": (cpu1 - cpu0) / (t1 - t0) * 100, "clip_bytes": rate["camhub_clip_bytes_written_total"],
                "clip_frames": rate["camhub_clip_frames_written_total"], "dropped": rate["camhub_clip_frames_dropped_total"],
                "frames_in": rate["camhub_frames_in_total"], "disk": (disk1 - disk0) / (t1 - t0), "clips": events}
    finally:
        hub.stop()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--cameras", type=int, default=16)
    parser.add_argument("--seconds", type=int, default=10)
    args = parser.parse_args()
    subprocess.run(["swift", "build", "-c", "release", "--product", "camhub"], cwd=ROOT, check=True, capture_output=True)
    frames = make_frames()
    print(f"# camhub clip writing, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {args.cameras} cameras at 10 fps in events, "
          f"{args.seconds} s window")
    print("| clips | hub CPU | frames in /s | clip frames /s | clip MB/s | written to disk MB/s (kernel) | dropped /s | clip files |")
    print("|---|---|---|---|---|---|---|---|")
    results = {}
    for clips in (False, True):
        data = run(frames, args.cameras, args.seconds, clips)
        results[clips] = data
        print(f"| {'on' if clips else 'off'} | {data['cpu']:.1f} % | {data['frames_in']:,.0f} | {data['clip_frames']:,.0f} "
              f"| {data['clip_bytes'] / 1e6:.2f} | {data['disk'] / 1e6:.2f} | {data['dropped']:.1f} | {data['clips']} |", flush=True)
    cost = results[True]["cpu"] - results[False]["cpu"]
    per_mb = cost / max(0.001, results[True]["clip_bytes"] / 1e6)
    print(f"\nwriting the clips: {cost:.1f} % of a core, {per_mb:.2f} % of a core per MB/s")


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Motion analysis cost: CPU per analysed 640x480 frame (the luminance decoded at 1/8 by
libjpeg-turbo, then the detector), on the 60 reference frames of ../shared/bench/make_frames.py,
cycled so every frame differs from the one before (they are noisy: the detector finds regions in
most of them, its worst case). Release build of the `motion-bench` product, one thread.

Prints one Markdown row per run and what 100 cameras at 5 analysed frames a second would take.

Usage: bench/motion.py [--frames 5000] [--runs 3]
"""
import argparse
import json
import os
import subprocess
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import ROOT, make_frames  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--frames", type=int, default=5000)
    parser.add_argument("--runs", type=int, default=3)
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


if __name__ == "__main__":
    main()

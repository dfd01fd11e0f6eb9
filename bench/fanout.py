#!/usr/bin/env python3
"""MJPEG fan-out benchmark: N viewers of one 30 fps camera with ~49 KB frames.

It replays the 60 reference frames from ../shared/bench/make_frames.py through a `file:` camera,
drives the stream with the reference C load client (../shared/bench/mjpeg_load.c, one epoll
thread), and prints one Markdown row per viewer count: delivered fps per viewer (min, median),
server CPU microseconds per delivered frame (from /proc), RSS, and the publish-to-last-byte
latency p50/p99 from each part's X-Timestamp header.

Usage: bench/fanout.py [--viewers 1,10,100,200] [--seconds 10] [--binary .build/release/camhub]
"""
import argparse
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
import urllib.request
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = ROOT.parent / "shared" / "bench"
WORK = ROOT / "bench" / "bin"


def build_loader() -> Path:
    loader = WORK / "mjpeg_load"
    source = SHARED_BENCH / "mjpeg_load.c"
    if not loader.exists() or loader.stat().st_mtime < source.stat().st_mtime:
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(["gcc", "-O2", "-o", str(loader), str(source), "-lm"], check=True)
    return loader


def make_frames() -> Path:
    frames = WORK / "frames"
    if len(list(frames.glob("*.jpg"))) < 60:
        subprocess.run([sys.executable, str(SHARED_BENCH / "make_frames.py"), str(frames)], check=True)
    return frames


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def start_hub(binary: Path, frames: Path, fps: int) -> tuple[subprocess.Popen, int]:
    data = Path(tempfile.mkdtemp(prefix="camhub-bench-"))
    config = {
        "logging": {"level": "warning", "file": ""},
        "cameras": [{"id": "bench", "name": "Bench", "source": f"file:{frames}", "fps": fps}],
    }
    (data / "camhub.json").write_text(json.dumps(config))
    port = free_port()
    process = subprocess.Popen([str(binary), "serve", "--data-dir", str(data), "--port", str(port)])
    deadline = time.time() + 30
    while time.time() < deadline:
        try:
            urllib.request.urlopen(f"http://127.0.0.1:{port}/cameras/bench/snapshot.jpg", timeout=1).read()
            return process, port
        except OSError:
            time.sleep(0.2)
    process.kill()
    raise SystemExit("camhub did not start")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--viewers", default="1,10,100,200")
    parser.add_argument("--seconds", type=float, default=10)
    parser.add_argument("--fps", type=int, default=30)
    parser.add_argument("--binary", type=Path, default=ROOT / ".build" / "release" / "camhub")
    parser.add_argument("--raw", action="store_true", help="also print the loader's JSON lines")
    args = parser.parse_args()

    loader = build_loader()
    frames = make_frames()
    process, port = start_hub(args.binary, frames, args.fps)
    print(f"# camhub fan-out, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {args.seconds:.0f} s windows, "
          f"{args.fps} fps camera, reference frames from make_frames.py")
    print("| viewers | fps per viewer min / median | MB/s | server CPU µs per delivered frame | RSS | latency p50 / p99 | failures |")
    print("|---|---|---|---|---|---|---|")
    try:
        for viewers in [int(v) for v in args.viewers.split(",")]:
            result = subprocess.run(
                [str(loader), "--url", f"http://127.0.0.1:{port}/cameras/bench/stream.mjpeg", "--clients", str(viewers),
                 "--seconds", str(args.seconds), "--server-pid", str(process.pid), "--stagger-ms", "1"],
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
        process.send_signal(signal.SIGTERM)
        process.wait(timeout=20)


if __name__ == "__main__":
    main()

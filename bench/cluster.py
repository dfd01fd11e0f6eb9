#!/usr/bin/env python3
"""Three hubs on one PostgreSQL (the throwaway server of scripts/with-postgres.sh), all on this
machine's two cores:

- cross-hub events: a detection stored through hub A (REST `/api/detection`, answered once it is
  committed) until a python-socketio dashboard on hub B hears `new_detection`, p50/p99, beside
  the same with the dashboard on A;
- relayed viewing: 100 MJPEG viewers (../shared/bench/mjpeg_load.c) of a 30 fps camera with the
  ~49 KB reference frames, captured by hub A, watched on A and then on B (one relay from A into
  B, fanned out there): CPU µs per delivered frame of the hub serving the viewers, what the
  relay costs A, and the publish-to-last-byte latency from each part's `X-Timestamp` (the time
  the frame entered the site, on A);
- aggregate ingest, all load on one hub against the load split over three: seed 003 frames/s
  (bench/push_load.c, 100 cameras) and `lpr_data` events/s (bench/sio_load.c, 21 connections).
  On two cores three hubs share the same CPU, so this shows the cost of the cluster's
  bookkeeping, not a gain from more machines.

Usage: scripts/with-postgres.sh bench/cluster.py [--seconds 10] [--events 300] [--viewers 100]
"""
import argparse
import json
import os
import statistics
import subprocess
import sys
import threading
import time
from pathlib import Path

import requests
import socketio

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, ROOT, SHARED_BENCH, CamHub, build, cpu_seconds, make_frames, postgres_url  # noqa: E402
from ingest import create_cameras, write_cameras  # noqa: E402
from records import percentile  # noqa: E402


def start_site(binary: Path, frames: Path) -> list[CamHub]:
    """Hub A captures the bench camera; B and C have an on-demand camera nobody watches."""
    database = postgres_url()
    configs = [
        {**QUIET, "cameras": [{"id": "bench", "name": "Bench", "source": f"file:{frames}", "fps": 30}]},
        {**QUIET, "cameras": [{"id": "idle-b", "name": "Idle B", "on_demand": True}]},
        {**QUIET, "cameras": [{"id": "idle-c", "name": "Idle C", "on_demand": True}]},
    ]
    return [CamHub(binary, config, database_url=database) for config in configs]


def event_latency(stored_on: CamHub, heard_on: CamHub, count: int) -> list[float]:
    """Milliseconds from sending each detection to `stored_on` until the dashboard on `heard_on` hears it."""
    arrived: dict[str, float] = {}
    heard = threading.Condition()
    dashboard = socketio.Client()

    @dashboard.on("new_detection")
    def on_detection(data):
        with heard:
            arrived[data["detection_id"]] = time.perf_counter()
            heard.notify_all()

    dashboard.connect(heard_on.base, wait_timeout=10)
    dashboard.emit("join_dashboard")
    dashboard.call("ping", {}, timeout=5)
    latencies = []
    try:
        with requests.Session() as http:
            for index in range(count):
                body = {"type": "detection_result", "camera_id": "bench_lane", "checkpoint_id": "gate", "timestamp": "2026-12-07T00:00:00Z",
                        "ocr_results": [f"LAT{index:05d}"]}
                sent = time.perf_counter()
                detection_id = http.post(stored_on.base + "/api/detection", json=body, timeout=5).json()["detection_id"]
                with heard:
                    if not heard.wait_for(lambda: detection_id in arrived, timeout=5):
                        raise SystemExit(f"detection {detection_id} never reached the dashboard")
                latencies.append((arrived[detection_id] - sent) * 1000)
                time.sleep(0.01)
    finally:
        dashboard.disconnect()
    return latencies


def viewing(loader: Path, serving: CamHub, owner: CamHub, viewers: int, seconds: float) -> dict:
    """mjpeg_load's figures for `viewers` of the bench camera on `serving`, and the owner's CPU meanwhile."""
    owner_cpu0 = cpu_seconds(owner.pid)
    result = subprocess.run(
        [str(loader), "--url", f"{serving.base}/cameras/bench/stream.mjpeg", "--clients", str(viewers),
         "--seconds", str(seconds), "--server-pid", str(serving.pid), "--stagger-ms", "1"],
        capture_output=True, text=True, timeout=seconds + 120,
    )
    data = json.loads(result.stdout.strip().splitlines()[-1])
    data["owner_cpu_s"] = cpu_seconds(owner.pid) - owner_cpu0
    return data


def pushed_frames(hubs: list[CamHub]) -> int:
    """Frames the hubs took from the numbered (seed 003) cameras."""
    total = 0
    for hub in hubs:
        for line in requests.get(hub.base + "/metrics", timeout=5).text.splitlines():
            if line.startswith('camhub_frames_in_total{camera="') and line.split('"')[1].isdigit():
                total += int(float(line.split()[-1]))
    return total


def push_ingest(loader: Path, hubs: list[CamHub], cameras: list[tuple[int, str]], jpeg: Path, seconds: int) -> float:
    """Frames/s accepted with the cameras split evenly over `hubs`."""
    loads = []
    for index, hub in enumerate(hubs):
        cameras_file = write_cameras(f"cluster_push_{index}_{len(hubs)}.txt", cameras[index::len(hubs)])
        loads.append(subprocess.Popen([str(loader), "127.0.0.1", str(hub.port), str(seconds + 1.5), str(jpeg), str(cameras_file)],
                                      stdout=subprocess.PIPE, text=True))
    time.sleep(1)
    frames0, t0 = pushed_frames(hubs), time.monotonic()
    time.sleep(seconds)
    frames1, t1 = pushed_frames(hubs), time.monotonic()
    for load in loads:
        load.communicate(timeout=30)
    return (frames1 - frames0) / (t1 - t0)


def lpr_ingest(loader: Path, hubs: list[CamHub], connections: int, seconds: int) -> tuple[float, int]:
    """lpr_data events/s acknowledged, with the connections split evenly over `hubs`."""
    loads = [subprocess.Popen([str(loader), "127.0.0.1", str(hub.port), str(seconds), str(connections // len(hubs)), "64"],
                              stdout=subprocess.PIPE, text=True) for hub in hubs]
    rate, failed = 0.0, 0
    for load in loads:
        words = load.communicate(timeout=seconds + 60)[0].split()
        rate += int(words[1]) / float(words[2])
        failed += int(words[4])
    return rate, failed


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--events", type=int, default=300)
    parser.add_argument("--viewers", type=int, default=100)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    args = parser.parse_args()
    mjpeg_loader = build(SHARED_BENCH / "mjpeg_load.c", "mjpeg_load")
    push_loader = build(ROOT / "bench" / "push_load.c", "push_load")
    sio_loader = build(ROOT / "bench" / "sio_load.c", "sio_load")
    frames = make_frames()
    hubs = start_site(args.binary, frames)
    a, b, _ = hubs
    print(f"# camhub, three hubs on one PostgreSQL, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, all on loopback")
    try:
        print("\n| detection stored through A, heard on | events | latency p50 | p99 | max |")
        print("|---|---|---|---|---|")
        for name, dashboard_hub in [("A (same hub)", a), ("B (another hub, through NOTIFY)", b)]:
            latencies = sorted(event_latency(a, dashboard_hub, args.events))
            print(f"| {name} | {len(latencies)} | {statistics.median(latencies):.1f} ms | {percentile(latencies, 0.99):.1f} ms "
                  f"| {latencies[-1]:.1f} ms |", flush=True)

        print(f"\n| {args.viewers} viewers of A's 30 fps camera, on | fps per viewer median | CPU µs per delivered frame, serving hub "
              "| A's CPU meanwhile | latency p50 / p99 | failures |")
        print("|---|---|---|---|---|---|")
        for name, serving in [("A (its owner)", a), ("B (relayed from A)", b)]:
            data = viewing(mjpeg_loader, serving, a, args.viewers, args.seconds)
            print(f"| {name} | {data.get('fps_per_client_median', 0):.1f} | {data.get('server_cpu_us_per_frame', 0):.1f} "
                  f"| {data['owner_cpu_s'] / data['window_s'] * 100:.0f} % | {data.get('latency_ms_p50', 0):.2f} / {data.get('latency_ms_p99', 0):.2f} ms "
                  f"| {data.get('failures', '?')} |", flush=True)
            time.sleep(11)  # the relay ends once nobody has watched for 10 s

        jpeg = sorted(frames.glob("*.jpg"))[0]
        cameras = create_cameras(a.base, 99, "cluster-push")
        print("\n| load on | seed 003 frames/s (99 cameras) | lpr_data events/s (21 connections) | failed events |")
        print("|---|---|---|---|")
        for name, targets in [("A alone", [a]), ("A, B and C", hubs)]:
            frames_rate = push_ingest(push_loader, targets, cameras, jpeg, args.seconds)
            time.sleep(2)
            events_rate, failed = lpr_ingest(sio_loader, targets, 21, args.seconds)
            print(f"| {name} | {frames_rate:,.0f} | {events_rate:,.0f} | {failed} |", flush=True)
            time.sleep(2)
    finally:
        for hub in hubs:
            hub.stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Seed 000 ingest benchmark: frame uploads (raw JPEG and base64 JSON) and heartbeats, from 100
registered cameras over loopback, driven by wrk (2 threads, 100 connections).

It prints one Markdown row per scenario: requests/s, MB/s of request bodies, latency p50/p99 from
wrk, and the server's CPU per request (from /proc). The frames are the reference 640x480 JPEGs of
../shared/bench/make_frames.py (~49 KB).

Usage: bench/uploads.py [--seconds 10] [--cameras 100] [--binary .build/release/camhub]
"""
import argparse
import base64
import json
import os
import re
import subprocess
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, WORK, CamHub, cpu_seconds, make_frames, rss_mb  # noqa: E402


def lua_script(cameras, kind: str, jpeg: bytes) -> str:
    """A wrk script that cycles through the cameras, one request each in turn."""
    lines = ["local requests = {}"]
    for index, (camera_id, key) in enumerate(cameras, start=1):
        if kind == "raw":
            lines.append(f'requests[{index}] = wrk.format("POST", "/cameras/{camera_id}/frames", '
                         f'{{["Authorization"] = "Bearer {key}", ["Content-Type"] = "image/jpeg"}}, frame)')
        else:
            body = {"camera_id": camera_id, "api_key": key, "status": "active", "frame_count": 1}
            if kind == "json":
                body = {"camera_id": camera_id, "api_key": key, "frame_data": "FRAME", "timestamp": 1.0, "frame_number": 1}
            encoded = json.dumps(json.dumps(body))
            path = "upload" if kind == "json" else "heartbeat"
            lines.append(f'requests[{index}] = wrk.format("POST", "/cameras/{camera_id}/{path}", '
                         f'{{["Content-Type"] = "application/json"}}, string.gsub({encoded}, "FRAME", frame64, 1))')
    header = [
        "local f = io.open(os.getenv('FRAME_FILE'), 'rb'); frame = f:read('*a'); f:close()",
        "local g = io.open(os.getenv('FRAME64_FILE'), 'rb'); frame64 = g:read('*a'); g:close()",
    ]
    footer = ["local counter = 0", "function request()", "  counter = counter + 1",
              "  return requests[(counter % #requests) + 1]", "end"]
    return "\n".join(header + lines + footer) + "\n"


def parse_wrk(output: str) -> dict:
    def latency(label):
        match = re.search(rf"^\s+{label}%\s+([\d.]+)(us|ms|s)\s*$", output, re.M)
        if not match:
            return float("nan")
        value, unit = float(match.group(1)), match.group(2)
        return value / 1000 if unit == "us" else value * 1000 if unit == "s" else value
    rps = re.search(r"Requests/sec:\s+([\d.]+)", output)
    total = re.search(r"(\d+) requests in", output)
    non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    return {"rps": float(rps.group(1)) if rps else 0, "requests": int(total.group(1)) if total else 0,
            "p50": latency("50"), "p99": latency("99"), "errors": int(non2xx.group(1)) if non2xx else 0}


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--cameras", type=int, default=100)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    args = parser.parse_args()

    frames = make_frames()
    jpeg = sorted(frames.glob("*.jpg"))[0].read_bytes()
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "frame.jpg").write_bytes(jpeg)
    (WORK / "frame.b64").write_bytes(base64.b64encode(jpeg))

    hub = CamHub(args.binary, QUIET)
    base = hub.base
    try:
        cameras = []
        for index in range(args.cameras):
            reply = requests.post(base + "/register", json={"name": f"bench-{index}", "location": "bench", "source_type": "usb"}).json()
            cameras.append((reply["camera_id"], reply["api_key"]))

        print(f"# camhub uploads, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {args.cameras} cameras, "
              f"wrk -t2 -c100 -d{args.seconds}s, frame {len(jpeg)} bytes")
        print("| scenario | requests/s | body MB/s | latency p50 / p99 | server CPU µs per request | server RSS | errors |")
        print("|---|---|---|---|---|---|---|")
        env = {**os.environ, "FRAME_FILE": str(WORK / "frame.jpg"), "FRAME64_FILE": str(WORK / "frame.b64")}
        sizes = {"raw": len(jpeg), "json": len(base64.b64encode(jpeg)) + 150, "heartbeat": 120}
        for kind, label in [("raw", "raw JPEG upload (POST /cameras/{id}/frames)"),
                            ("json", "base64 JSON upload, no task (POST /cameras/{id}/upload)"),
                            ("heartbeat", "heartbeat (POST /cameras/{id}/heartbeat)")]:
            script = WORK / f"{kind}.lua"
            script.write_text(lua_script(cameras, kind, jpeg))
            cpu0 = cpu_seconds(hub.pid)
            result = subprocess.run(["wrk", "-t2", "-c100", f"-d{args.seconds}s", "--latency", "-s", str(script), base],
                                    capture_output=True, text=True, env=env, timeout=args.seconds + 60)
            cpu = cpu_seconds(hub.pid) - cpu0
            stats = parse_wrk(result.stdout)
            per_request = cpu / stats["requests"] * 1e6 if stats["requests"] else float("nan")
            print(f"| {label} | {stats['rps']:.0f} | {stats['rps'] * sizes[kind] / 1e6:.1f} | {stats['p50']:.2f} / {stats['p99']:.2f} ms "
                  f"| {per_request:.0f} | {rss_mb(hub.pid):.0f} MB | {stats['errors']} |", flush=True)
            if stats["requests"] == 0:
                print(result.stdout, result.stderr, file=sys.stderr)
    finally:
        hub.stop()


if __name__ == "__main__":
    main()

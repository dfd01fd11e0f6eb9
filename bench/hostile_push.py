#!/usr/bin/env python3
"""Memory under hostile push ingest (issue 18's measurement): N push sockets (each its own
camera, with its real token) each announce an 8 MB frame and send 1 MB of it, then hold. Prints
the hub's RSS before, with them all open, and after they close, and how many were closed with
1013 (the partial-bytes budget, `hub.max_partial_bytes`). Release build.

Usage: bench/hostile_push.py [--sockets 300] [--budget-mb 256]
"""
import argparse
import os
import struct
import sys
import time
from pathlib import Path

import requests
import websocket

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, CamHub, rss_mb  # noqa: E402


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--sockets", type=int, default=300)
    parser.add_argument("--budget-mb", type=int, default=256)
    args = parser.parse_args()
    hub = CamHub(RELEASE_BINARY, {**QUIET, "hub": {"max_partial_bytes": args.budget_mb * 1024 * 1024}})
    try:
        admin = {"Authorization": "Bearer " + (hub.data / "admin.token").read_text().strip()}
        cameras = [requests.post(hub.base + "/cameras", json={"name": f"Hostile {n}"}, headers=admin, timeout=10).json() for n in range(args.sockets)]
        time.sleep(1)
        before = rss_mb(hub.pid)
        chunk = b"\xff\xd8" + b"\0" * (1024 * 1024 - 2)
        sockets = []
        for camera in cameras:
            ws = websocket.create_connection(hub.base.replace("http://", "ws://") + "/video-input-stream", timeout=10)
            token = camera["push_token"].encode()
            ws.send_binary(struct.pack("<I", int(camera["id"])) + struct.pack("<I", len(token)) + token)
            ws.send_binary(struct.pack("<I", 8 * 1024 * 1024) + chunk)
            sockets.append(ws)
        time.sleep(2)
        held = rss_mb(hub.pid)
        stats = requests.get(hub.base + "/hub/stats", headers=admin, timeout=10).json()["push"]
        for ws in sockets:
            ws.close()
        time.sleep(3)
        after = rss_mb(hub.pid)
        print(f"# hostile push ingest, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {args.sockets} sockets x (8 MB announced, 1 MB sent), "
              f"budget {args.budget_mb} MB")
        print("| RSS before | RSS with the sockets open | held in partial frames | closed with 1013 | RSS after they closed |")
        print("|---|---|---|---|---|")
        print(f"| {before:.0f} MB | {held:.0f} MB | {stats['partial_bytes'] / 2**20:.0f} MB | {stats['over_budget']} | {after:.0f} MB |")
    finally:
        hub.stop()


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""Soak (`make soak`, minutes, not in CI): a release hub under a mixed load for a while, with its
RSS, open descriptors and threads sampled every 30 s.

The load: 100 cameras on mixed ingest paths (seed 003 push sockets, raw uploads over REST, and
the hub's own test-pattern cameras), 100 viewers (MJPEG and the per-camera WebSocket) spread over
them, a Socket.IO client sending lpr_data at 100 events/s with acks, and one slow MJPEG viewer
reading 20 KB/s. Fast viewers check the frame sequence they get: a camera's frames are numbered,
and a gap means a frame lost for a viewer that kept up.

Prints the samples, then: RSS after warm-up against its mean (the bar: within +-5 %), descriptors
before the clients and after they left (the bar: back to the start), and the frames lost.

Usage: bench/soak.py [--minutes 10] [--push 40] [--uploads 40] [--local 20] [--viewers 100]
"""
import argparse
import io
import os
import socket
import struct
import sys
import threading
import time
from pathlib import Path

import requests
import socketio
import websocket
from PIL import Image

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, CamHub, rss_mb  # noqa: E402

FPS = 2
SAMPLE_SECONDS = 30


def small_jpeg(shade: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (320, 240), (shade % 256, 80, 160)).save(out, "JPEG", quality=80)
    return out.getvalue()


def descriptors(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/fd"))


def threads(pid: int) -> int:
    return len(os.listdir(f"/proc/{pid}/task"))


class Load:
    def __init__(self, hub: CamHub, admin: dict):
        self.hub, self.admin = hub, admin
        self.running = True
        self.workers: list[threading.Thread] = []
        self.lost = 0
        self.viewer_frames = 0
        self.events_acked = 0
        self.errors: dict[str, int] = {}
        self.lock = threading.Lock()

    def start(self, target, *args):
        thread = threading.Thread(target=target, args=args, daemon=True)
        thread.start()
        self.workers.append(thread)

    def stop(self):
        self.running = False
        for thread in self.workers:
            thread.join(timeout=10)

    def count_error(self, kind: str):
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1

    # Ingest

    def push(self, camera_id: int, token: str):
        frame = small_jpeg(camera_id)
        ws = websocket.create_connection(self.hub.base.replace("http://", "ws://") + "/video-input-stream", timeout=10)
        ws.send_binary(struct.pack("<I", camera_id) + struct.pack("<I", len(token)) + token.encode())
        while self.running:
            try:
                # As seed 003's camera script: it sends and never reads (its frames keep it alive).
                ws.send_binary(struct.pack("<I", len(frame)) + frame)
                time.sleep(1 / FPS)
            except Exception as error:
                self.count_error(f"push: {type(error).__name__}")
                break
        ws.close()

    def upload(self, camera_id: str, key: str):
        frame = small_jpeg(len(camera_id))
        session = requests.Session()
        while self.running:
            try:
                session.post(self.hub.base + f"/cameras/{camera_id}/frames", data=frame,
                             headers={"Authorization": f"Bearer {key}", "Content-Type": "image/jpeg"}, timeout=10)
            except requests.RequestException as error:
                self.count_error(f"upload: {type(error).__name__}")
            time.sleep(1 / FPS)
        session.close()

    def lpr(self):
        client = socketio.Client()
        client.connect(self.hub.base)
        sent = 0
        started = time.monotonic()

        def acked(*_):
            with self.lock:
                self.events_acked += 1

        while self.running:
            client.emit("lpr_data", {"type": "detection_result", "camera_id": "soak", "checkpoint_id": "gate",
                                     "timestamp": "2026-12-07T10:00:00Z", "ocr_results": ["AB123CD"]}, callback=acked)
            sent += 1
            # 100 events a second, on schedule.
            time.sleep(max(0, started + sent / 100 - time.monotonic()))
        client.disconnect()

    # Viewers

    def mjpeg_viewer(self, camera_id: str, slow: bool = False):
        sock = socket.create_connection(("127.0.0.1", self.hub.port), timeout=5)
        sock.sendall(f"GET /cameras/{camera_id}/stream.mjpeg HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        buffer = b""
        last = None
        while self.running:
            try:
                chunk = sock.recv(20_000 if slow else 1 << 16)
            except TimeoutError:
                continue  # at 2 fps a frame is due; the loop checks whether the soak is over
            except OSError as error:
                self.count_error(f"mjpeg viewer: {type(error).__name__}")
                break
            if not chunk:
                break
            if slow:
                time.sleep(1)  # 20 KB/s
                continue
            buffer += chunk
            while True:
                at = buffer.find(b"X-Frame-Sequence: ")
                if at < 0:
                    break
                end = buffer.find(b"\r\n", at)
                if end < 0:
                    break
                sequence = int(buffer[at + 18:end])
                with self.lock:
                    self.viewer_frames += 1
                    # The viewer keeps up: it sees every frame of the camera after its first.
                    if last is not None and sequence > last + 1:
                        self.lost += sequence - last - 1
                last = sequence
                buffer = buffer[end:]
            if len(buffer) > 1 << 20:
                buffer = buffer[-4096:]
        sock.close()

    def websocket_viewer(self, camera_id: str):
        ws = websocket.create_connection(self.hub.base.replace("http://", "ws://") + f"/cameras/{camera_id}/ws", timeout=5)
        while self.running:
            try:
                ws.recv()
                with self.lock:
                    self.viewer_frames += 1
            except websocket.WebSocketTimeoutException:
                continue
            except Exception as error:
                if self.running:
                    self.count_error(f"websocket viewer: {type(error).__name__}")
                break
        ws.close()


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--minutes", type=float, default=10)
    parser.add_argument("--push", type=int, default=40)
    parser.add_argument("--uploads", type=int, default=40)
    parser.add_argument("--local", type=int, default=20)
    parser.add_argument("--viewers", type=int, default=100)
    args = parser.parse_args()
    local = [{"id": f"local-{n}", "name": f"Local {n}", "width": 320, "height": 240, "fps": FPS} for n in range(args.local)]
    hub = CamHub(RELEASE_BINARY, {**QUIET, "cameras": local})
    samples = []
    try:
        admin = {"Authorization": "Bearer " + (hub.data / "admin.token").read_text().strip()}
        pushed = [requests.post(hub.base + "/cameras", json={"name": f"Push {n}"}, headers=admin, timeout=10).json() for n in range(args.push)]
        uploaded = [requests.post(hub.base + "/register", json={"name": f"Upload {n}", "location": "soak", "source_type": "usb"}, timeout=10).json()
                    for n in range(args.uploads)]
        time.sleep(2)
        fds_at_start = descriptors(hub.pid)
        load = Load(hub, admin)
        for camera in pushed:
            load.start(load.push, int(camera["id"]), camera["push_token"])
        for camera in uploaded:
            load.start(load.upload, camera["camera_id"], camera["api_key"])
        load.start(load.lpr)
        camera_ids = [c["id"] for c in pushed] + [c["camera_id"] for c in uploaded] + [c["id"] for c in local]
        for n in range(args.viewers):
            camera_id = camera_ids[n % len(camera_ids)]
            load.start(load.websocket_viewer if n % 5 == 4 else load.mjpeg_viewer, camera_id)
        load.start(load.mjpeg_viewer, camera_ids[0], True)
        started = time.monotonic()
        while time.monotonic() - started < args.minutes * 60:
            time.sleep(SAMPLE_SECONDS)
            samples.append((round(time.monotonic() - started), rss_mb(hub.pid), descriptors(hub.pid), threads(hub.pid)))
            print(f"{samples[-1][0]:>5} s  RSS {samples[-1][1]:.0f} MB  fds {samples[-1][2]}  threads {samples[-1][3]}", flush=True)
        load.stop()
        # What clients left open idle (keep-alive) is closed by the hub's idle timeout.
        time.sleep(65)
        fds_after = descriptors(hub.pid)
        warm = [rss for seconds, rss, _, _ in samples if seconds >= 120] or [samples[-1][1]]
        mean = sum(warm) / len(warm)
        spread = max(abs(rss - mean) / mean for rss in warm) * 100
        print(f"# soak, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, {args.minutes:g} min: {args.push} push + {args.uploads} upload + "
              f"{args.local} local cameras at {FPS} fps, {args.viewers} viewers + 1 slow, Socket.IO lpr_data at 100/s")
        print("| seconds | RSS | fds | threads |")
        print("|---|---|---|---|")
        for seconds, rss, fds, count in samples:
            print(f"| {seconds} | {rss:.0f} MB | {fds} | {count} |")
        print(f"RSS after 2 min: mean {mean:.0f} MB, furthest sample {spread:.1f} % from it; fds {fds_at_start} before the clients, "
              f"{fds_after} a minute after they left; frames to viewers {load.viewer_frames}, lost for fast MJPEG viewers {load.lost}; "
              f"lpr_data acked {load.events_acked}; client errors {load.errors}")
    finally:
        hub.stop()


if __name__ == "__main__":
    main()

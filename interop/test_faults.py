"""Faults outside the hub, each handled without a restart: a network camera that keeps its
connection open and stops sending (the read timeout fires and the camera reconnects), the
ffmpeg child killed (started again), and the database locked by another process for a while
(stores wait and go through, or are refused with a clear error, and nothing is lost once the
lock is gone). The full disk is in test_full_disk.py."""
import io
import os
import signal
import socket
import sqlite3
import threading
import time

import requests
from PIL import Image

from conftest import wait_for
from test_ffmpeg_source import ffmpeg_children, make_test_video


def jpeg() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (160, 120), (30, 60, 90)).save(out, "JPEG")
    return out.getvalue()


class StallingCamera:
    """An MJPEG server that sends its head and one frame, then keeps the connection open and
    silent. Counts the connections it gets."""

    def __init__(self):
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(8)
        self.port = self.listener.getsockname()[1]
        self.connections = 0
        self.held = []
        self.frame = jpeg()
        threading.Thread(target=self.serve, daemon=True).start()

    def serve(self):
        while True:
            try:
                conn, _ = self.listener.accept()
            except OSError:
                return
            self.connections += 1
            self.held.append(conn)
            conn.recv(65536)
            conn.sendall(b"HTTP/1.0 200 OK\r\nContent-Type: multipart/x-mixed-replace; boundary=b\r\n\r\n"
                         + b"--b\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(self.frame) + self.frame + b"\r\n")

    def close(self):
        self.listener.close()
        for conn in self.held:
            conn.close()


def test_a_camera_that_stops_sending_is_reconnected(start_hub):
    camera = StallingCamera()
    try:
        hub = start_hub(config={"cameras": [{"id": "stall", "name": "Stall", "source": f"http://127.0.0.1:{camera.port}/video",
                                             "reconnect_interval": 1}]})
        wait_for(lambda: requests.get(hub.url("/cameras/stall/snapshot.jpg"), timeout=5).status_code == 200, timeout=15)
        started = time.monotonic()
        # Nothing more comes on the open connection: after the 10 s read timeout the source fails
        # and the camera connects again.
        wait_for(lambda: camera.connections >= 2, timeout=25)
        assert 9 < time.monotonic() - started < 25
        assert "camera source failed" in hub.output()
    finally:
        camera.close()


def test_a_killed_ffmpeg_is_started_again(start_hub, tmp_path):
    video = make_test_video(tmp_path / "testsrc.mp4", 3, "320x240")
    hub = start_hub(config={"cameras": [{"id": "film", "name": "Film", "source": f"ffmpeg:{video}", "width": 320, "height": 240,
                                         "fps": 10, "reconnect_interval": 1}]})
    wait_for(lambda: requests.get(hub.url("/cameras/film/snapshot.jpg"), timeout=5).status_code == 200, timeout=20)
    first = int(ffmpeg_children(hub.process.pid)[0].split()[0])
    os.kill(first, signal.SIGKILL)
    second = wait_for(lambda: [int(line.split()[0]) for line in ffmpeg_children(hub.process.pid)
                               if int(line.split()[0]) != first and "Z" not in line.split()[1]], timeout=20)[0]
    assert second != first
    # Frames flow again from the new child.
    before = requests.get(hub.url("/cameras/film/snapshot.jpg"), timeout=5).headers["X-Frame-Sequence"]
    wait_for(lambda: requests.get(hub.url("/cameras/film/snapshot.jpg"), timeout=5).headers["X-Frame-Sequence"] != before, timeout=10)
    # The killed child was reaped: no zombie is left.
    assert not [line for line in ffmpeg_children(hub.process.pid) if "Z" in line.split()[1]]


def test_a_database_locked_by_another_process_loses_nothing(start_hub):
    hub = start_hub()
    detection = {"type": "detection_result", "camera_id": "gate", "checkpoint_id": "north", "timestamp": "2026-12-07T10:00:00Z"}
    assert requests.post(hub.url("/api/detection"), json=detection, timeout=10).json()["success"] is True
    # Another process takes the write lock (a backup tool, a careless sqlite3 shell) for 2 s.
    locker = sqlite3.connect(hub.data_dir / "camhub.sqlite", timeout=1)
    locker.execute("BEGIN IMMEDIATE")
    answers = []

    def post(n):
        response = requests.post(hub.url("/api/detection"), json={**detection, "camera_id": f"gate-{n}"}, timeout=30)
        answers.append((n, response.status_code, response.json()))

    threads = [threading.Thread(target=post, args=(n,)) for n in range(5)]
    for thread in threads:
        thread.start()
    time.sleep(2)
    locker.rollback()
    locker.close()
    for thread in threads:
        thread.join()
    # Each got an answer: stored, or refused with a JSON error that says why; never a hang.
    stored = {n for n, status, body in answers if status == 200 and body.get("success")}
    for n, status, body in answers:
        if n not in stored:
            assert status in (503, 507) and "error" in body, (status, body)
    # What was acknowledged is there; the hub goes on storing.
    records = requests.get(hub.url("/api/records?limit=100"), timeout=10).json()
    listed = {record["camera_id"] for record in records["records"]}
    assert {f"gate-{n}" for n in stored} <= listed
    assert requests.post(hub.url("/api/detection"), json={**detection, "camera_id": "after"}, timeout=10).json()["success"] is True

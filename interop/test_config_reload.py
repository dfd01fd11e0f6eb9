"""Changing the configuration while the hub runs (seed 001): PUT /config, SIGHUP and
/camera/restart change some cameras while a viewer of another camera keeps counting frames."""
import json
import signal
import threading
import time

import pytest
import requests
import socketio

from conftest import wait_for
from mjpeg import MJPEGReader

# The cameras live in the registry: these run on SQLite and on PostgreSQL.
pytestmark = pytest.mark.usefixtures("database_url")


def camera(camera_id, fps=10):
    return {"id": camera_id, "name": f"Camera {camera_id}", "width": 320, "height": 240, "fps": fps}


class Counter(threading.Thread):
    """Reads a camera's MJPEG stream in the background and remembers when each part arrived."""

    def __init__(self, port, camera_id):
        super().__init__(daemon=True)
        self.reader = MJPEGReader(port, f"/cameras/{camera_id}/stream.mjpeg")
        self.arrivals: list[float] = []
        self.error = None

    def run(self):
        try:
            while True:
                self.reader.next_part()
                self.arrivals.append(time.monotonic())
        except Exception as error:  # the stream ended: remember why
            self.error = error

    def longest_gap(self, since: float) -> float:
        times = [t for t in self.arrivals if t >= since]
        return max((b - a for a, b in zip(times, times[1:])), default=float("inf"))


def snapshot_ok(hub, camera_id):
    try:
        return requests.get(hub.url(f"/cameras/{camera_id}/snapshot.jpg"), timeout=5).status_code == 200
    except requests.RequestException:
        return False


def test_put_config_and_sighup_change_cameras_while_another_keeps_streaming(start_hub):
    hub = start_hub(config={"cameras": [camera("steady"), camera("gone"), camera("tuned")]})
    counter = Counter(hub.port, "steady")
    counter.start()
    wait_for(lambda: len(counter.arrivals) >= 5, timeout=10)
    began = time.monotonic()

    current = requests.get(hub.url("/config"), timeout=5).json()
    current["cameras"] = [camera("steady"), camera("tuned", fps=5), camera("fresh")]
    reply = requests.put(hub.url("/config"), json=current, timeout=10)
    assert reply.status_code == 200, reply.text
    assert reply.json()["cameras"] == {"added": ["fresh"], "removed": ["gone"], "changed": ["tuned"], "unchanged": ["steady"]}
    wait_for(lambda: snapshot_ok(hub, "fresh"), timeout=10)
    # The removed camera leaves the listing, and its routes answer 404 (not 503 "no frame yet").
    assert "gone" not in requests.get(hub.url("/cameras"), timeout=5).json()
    for path in ["/cameras/gone/status", "/cameras/gone/snapshot.jpg", "/cameras/gone/stream.mjpeg"]:
        gone = requests.get(hub.url(path), timeout=5)
        assert gone.status_code == 404 and gone.json()["error"]["code"] == "not_found", path
    # Written to the file, so a restart keeps it.
    assert [c["id"] for c in json.loads((hub.data_dir / "camhub.json").read_text())["cameras"]] == ["steady", "tuned", "fresh"]

    # A bad config names the key and changes nothing.
    bad = dict(current, cameras=[camera("steady", fps=500)])
    refused = requests.put(hub.url("/config"), json=bad, timeout=5)
    assert refused.status_code == 422 and "cameras[0].fps" in refused.text
    assert [c["id"] for c in requests.get(hub.url("/config"), timeout=5).json()["cameras"]] == ["steady", "tuned", "fresh"]

    # SIGHUP reads the file again.
    on_disk = json.loads((hub.data_dir / "camhub.json").read_text())
    on_disk["cameras"].append(camera("hup"))
    (hub.data_dir / "camhub.json").write_text(json.dumps(on_disk))
    hub.process.send_signal(signal.SIGHUP)
    wait_for(lambda: snapshot_ok(hub, "hup"), timeout=10)

    # Restarting a camera's source keeps its viewers.
    assert requests.post(hub.url("/camera/restart"), params={"id": "steady"}, timeout=5).json() == {
        "success": True, "message": "Camera restart successful", "restarted": ["steady"]}
    time.sleep(1.5)

    # Through all of it the steady camera's viewer never waited long for a frame (10 fps).
    assert counter.error is None
    assert counter.longest_gap(began) < 1.0, f"the steady viewer waited {counter.longest_gap(began):.2f} s"
    counter.reader.close()


# The original USB Camera Server's config.json, as it ships (xecus/usb-camera-server).
ORIGINAL_CONFIG = {
    "camera": {"device_index": 0, "device_path": "/dev/video0", "width": 640, "height": 480, "fps": 30, "buffer_size": 2,
               "jpeg_quality": 80, "auto_reconnect": True, "reconnect_interval": 5, "max_reconnect_attempts": 10},
    "server": {"host": "0.0.0.0", "port": 8000, "log_level": "info", "log_file": "camera_stream.log",
               "cors_origins": ["*"], "trusted_hosts": ["*"], "max_frame_age": 5},
}


def test_the_original_servers_config_file_is_taken_as_it_is(start_hub):
    # As the config file at start (the command line keeps the test's address on loopback).
    hub = start_hub(config=ORIGINAL_CONFIG, args=["--host", "127.0.0.1"])
    assert "camera" in requests.get(hub.url("/cameras"), timeout=5).json()
    camera = requests.get(hub.url("/config"), timeout=5).json()["cameras"][0]
    assert camera["source"] == "/dev/video0" and camera["fps"] == 30 and camera["max_frame_age"] == 5
    # The hub serves on although there is no /dev/video0 here; the camera reads as down.
    assert requests.get(hub.url("/health"), timeout=5).status_code == 200

    # And in PUT /config, answered in seed 001's shape.
    other = start_hub()
    changed = {**ORIGINAL_CONFIG, "camera": {**ORIGINAL_CONFIG["camera"], "fps": 12}}
    answer = requests.put(other.url("/config"), json=changed, timeout=10)
    assert answer.status_code == 200, answer.text
    body = answer.json()
    assert body["success"] is True and isinstance(body["message"], str) and isinstance(body["restart_required"], str)
    assert "server.host" in body["restart_required_keys"] and body["cameras"]["added"] == ["camera"]
    assert requests.get(other.url("/config"), params={"source": "file"}, timeout=5).json()["cameras"][0]["fps"] == 12
    bad = requests.put(other.url("/config"), json={"camera": {"zoom": 3}}, timeout=10)
    assert bad.status_code == 422 and bad.json()["detail"][0]["loc"] == ["body", "camera.zoom"]


def test_a_partial_config_keeps_what_it_leaves_out_and_a_new_lpr_token_applies_at_once(start_hub):
    # Loopback is not the operator here, or the LPR routes would let the test in whatever it sent.
    hub = start_hub(config={"lpr": {"token": "first-token"}, "registration": {"token": "enrol-token"}, "server": {"trust_loopback": False}})
    operator = {"Authorization": f"Bearer {(hub.data_dir / 'admin.token').read_text().strip()}"}
    detection = {"type": "detection_result", "camera_id": "gate", "checkpoint_id": "cp1", "timestamp": "2024-12-19T10:00:00Z", "ocr_results": ["AB123"]}

    def rest(token):
        return requests.post(hub.url("/api/detection"), json=detection, headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code

    def socket_io(token):
        client = socketio.Client()
        try:
            client.connect(hub.base, auth={"token": token}, wait_timeout=10)
            return client.call("lpr_data", detection, timeout=10)["success"]
        except socketio.exceptions.ConnectionError:
            return "refused"
        finally:
            client.disconnect()

    # Seed 001's client sends only what it changes: camhub's tokens stay.
    answer = requests.put(hub.url("/config"), headers=operator, json={"server": {"cors_origins": ["https://ops.example"]}}, timeout=10)
    assert answer.status_code == 200, answer.text
    written = json.loads((hub.data_dir / "camhub.json").read_text())
    assert written["lpr"]["token"] == "first-token" and written["registration"]["token"] == "enrol-token"
    assert written["server"]["cors_origins"] == ["https://ops.example"] and written["server"]["trust_loopback"] is False
    assert rest("first-token") == 200 and rest("wrong") == 401
    assert socket_io("first-token") is True and socket_io("wrong") == "refused"

    # A new token is in force at once, over REST and Socket.IO alike, and the answer says so.
    answer = requests.put(hub.url("/config"), headers=operator, json={"lpr": {"token": "second-token"}}, timeout=10)
    assert answer.status_code == 200 and "lpr.token" not in answer.json()["restart_required_keys"], answer.text
    assert rest("second-token") == 200 and rest("first-token") == 401
    assert socket_io("second-token") is True and socket_io("first-token") == "refused"
    # null takes it away (the REST routes and Socket.IO are open again).
    answer = requests.put(hub.url("/config"), headers=operator, json={"lpr": {"token": None}}, timeout=10)
    assert answer.status_code == 200, answer.text
    assert rest("anything") == 200 and socket_io("anything") is True


def test_kill_9_during_config_writes_leaves_no_temporary_files_and_a_whole_config(start_hub):
    """Five times: a hub writes its config as fast as PUT /config goes, and is killed -9 in the
    middle. The config file is always whole, and what a cut-short write left is gone at the next
    start (a leftover of Foundation's atomic writes, `*.nosync*`, too)."""
    hub = start_hub(config={"cameras": [camera("a")]})
    data = hub.data_dir
    base = requests.get(hub.url("/config"), params={"source": "file"}, timeout=5).json()
    for round_ in range(5):
        stop = threading.Event()

        def write_forever(target=hub):
            fps = 5
            while not stop.is_set():
                fps = 5 + (fps + 1) % 20
                body = {**base, "cameras": [camera("a", fps=fps)]}
                try:
                    requests.put(target.url("/config"), json=body, timeout=5)
                except requests.RequestException:
                    return
        writer = threading.Thread(target=write_forever, daemon=True)
        writer.start()
        time.sleep(0.7)
        hub.crash()
        stop.set()
        writer.join(timeout=10)
        json.loads((data / "camhub.json").read_text())  # whole, whatever the moment of the kill
        if round_ == 4:
            (data / ".dat.nosync4c1d.Q7xYz0").write_text("{")  # as Foundation left them
        hub = start_hub(args=["--data-dir", str(data)])
        leftovers = [p.name for p in data.iterdir() if p.name.endswith((".camhub-tmp", ".tmp")) or ".nosync" in p.name]
        assert leftovers == [], leftovers
    assert requests.get(hub.url("/config"), params={"source": "file"}, timeout=5).json()["cameras"][0]["id"] == "a"

"""An HTTP MJPEG "IP camera" on loopback as a camhub source: the JPEGs are passed through byte
for byte, and the hub reconnects by itself when the camera is killed and comes back."""
import io
import socket
import time

import requests
from PIL import Image

from conftest import free_port, wait_for
from ipcamera import IPCamera


def jpegs(color_base: int) -> list[bytes]:
    frames = []
    for i in range(5):
        out = io.BytesIO()
        Image.new("RGB", (160, 120), (color_base, 40 * i, 255 - 40 * i)).save(out, "JPEG", quality=90)
        frames.append(out.getvalue())
    return frames


def snapshot(hub) -> bytes | None:
    try:
        response = requests.get(hub.url("/cameras/ipcam/snapshot.jpg"), timeout=5)
        return response.content if response.status_code == 200 else None
    except requests.RequestException:
        return None


def capture_status(hub) -> dict:
    return requests.get(hub.url("/cameras/ipcam/status"), timeout=5).json()


def test_an_ip_camera_is_passed_through_and_reconnected(start_hub):
    port = free_port()
    first = jpegs(10)
    camera = IPCamera(port, first)
    hub = start_hub(config={"cameras": [{"id": "ipcam", "name": "IP camera", "source": f"http://127.0.0.1:{port}/video",
                                         "max_frame_age": 1, "reconnect_interval": 0.5}]})
    # Byte for byte: what the hub serves is one of the camera's own JPEGs, not a re-encoding.
    assert wait_for(lambda: (s := snapshot(hub)) in first and s, timeout=15)
    status = requests.get(hub.url("/cameras"), timeout=5).json()["ipcam"]
    assert status["source"] == f"http://127.0.0.1:{port}/video"

    # The camera goes away: past max_frame_age the hub shows a "no signal" picture, not the stale frame.
    camera.kill()
    no_signal = wait_for(lambda: (s := snapshot(hub)) is not None and s not in first and s, timeout=10)
    assert Image.open(io.BytesIO(no_signal)).size == (640, 480)
    # The "no signal" picture does not make the camera look alive: its capture says it is down.
    down = wait_for(lambda: (s := capture_status(hub))["capture"]["state"] == "reconnecting" and s, timeout=10)
    assert down["status"] == "error"
    assert down["capture"]["connection_errors"] >= 1 and not down["capture"]["is_connected"]
    assert down["capture"]["last_error"]
    # It comes back with other pictures: the hub reconnects by itself.
    second = jpegs(200)
    for _ in range(50):
        try:
            camera = IPCamera(port, second)
            break
        except OSError:
            time.sleep(0.1)
    try:
        assert wait_for(lambda: snapshot(hub) in second, timeout=20)
        assert requests.get(hub.url("/health"), timeout=5).status_code == 200
        up = wait_for(lambda: (s := capture_status(hub))["capture"]["is_connected"] and s, timeout=10)
        assert up["status"] == "active" and up["capture"]["state"] == "streaming"
        assert up["capture"]["reconnect_attempts"] == 0
        assert up["capture"]["frames_captured"] > 0
    finally:
        camera.kill()


def test_an_unsupported_source_is_refused_at_start(start_hub):
    hub = start_hub(config={"cameras": [{"id": "x", "name": "X", "source": "gopher://nowhere"}]}, ready=False)
    assert hub.process.wait(timeout=30) == 2
    assert "cameras[0].source" in hub.output()
    hub.crashed = True  # it exited by itself; the fixture need not stop it


def test_a_url_that_is_not_mjpeg_is_retried_without_harm(start_hub):
    with socket.socket() as placeholder:
        placeholder.bind(("127.0.0.1", 0))
        port = placeholder.getsockname()[1]
    # With max_frame_age 0 there is no "no signal" picture either: the snapshot says it has no frame.
    hub = start_hub(config={"cameras": [{"id": "ipcam", "name": "Nothing there", "source": f"http://127.0.0.1:{port}/", "max_frame_age": 0}]})
    time.sleep(2.5)
    assert requests.get(hub.url("/health"), timeout=5).status_code == 200
    assert requests.get(hub.url("/cameras/ipcam/snapshot.jpg"), timeout=10).status_code == 503

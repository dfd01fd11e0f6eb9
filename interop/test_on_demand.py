"""`on_demand: true`: the camera's source runs only while someone watches it."""
import time

import requests

from conftest import wait_for
from mjpeg import MJPEGReader


def capture(hub) -> dict:
    status = requests.get(hub.url("/cameras/lazy/status"), timeout=5).json()
    return {**status["capture"], "status": status["status"]}


def test_an_on_demand_camera_runs_only_while_watched(start_hub):
    hub = start_hub(config={"cameras": [
        {"id": "lazy", "name": "Lazy", "source": "testpattern", "width": 320, "height": 240, "fps": 10, "on_demand": True},
    ]})
    idle = wait_for(lambda: (c := capture(hub))["state"] == "idle" and c)
    assert idle["status"] == "idle" and idle["frames_captured"] == 0
    time.sleep(1)
    assert capture(hub)["frames_captured"] == 0

    # A viewer wakes it, and it streams while the viewer stays.
    viewer = MJPEGReader(hub.port, "/cameras/lazy/stream.mjpeg")
    try:
        for _ in range(5):
            headers, jpeg = viewer.next_part()
            assert jpeg[:2] == b"\xff\xd8"
        watched = capture(hub)
        assert watched["state"] == "streaming" and watched["status"] == "active"
        assert watched["frames_captured"] >= 5
    finally:
        viewer.close()

    # Nobody watches: after the grace period (5 s) its source stops.
    stopped = wait_for(lambda: (c := capture(hub))["state"] == "idle" and c, timeout=15)
    time.sleep(1)
    assert capture(hub)["frames_captured"] == stopped["frames_captured"]

    # Asking about the idle camera's frame wakes it: the answer is the missing model, not "no frame".
    asked = requests.post(hub.url("/cameras/lazy/ask"), json={"question": "Anyone there?"}, timeout=10)
    assert asked.status_code == 503 and asked.json()["error"]["code"] == "no_vision_model"
    wait_for(lambda: capture(hub)["state"] == "idle", timeout=15)

    # A snapshot wakes it too, and gets a fresh frame rather than the last one from before.
    snapshot = requests.get(hub.url("/cameras/lazy/snapshot.jpg"), timeout=10)
    assert snapshot.status_code == 200 and snapshot.content[:2] == b"\xff\xd8"
    assert int(snapshot.headers["X-Frame-Sequence"]) > stopped["frames_captured"]

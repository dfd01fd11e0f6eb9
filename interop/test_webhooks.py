"""Webhooks, with a receiver on loopback that checks every signature: motion_start and motion_end
from a file camera's motion, detection from seed 002's REST path, camera_offline and camera_online
from a seed 000 camera's heartbeats; a receiver that is down gets everything once it is back, and
deliveries pending when the hub is killed are delivered by the restarted hub. On SQLite and on
PostgreSQL."""
import time

import pytest
import requests

from conftest import free_port, wait_for
from test_motion import config as motion_config, scene
from webhook_receiver import WebhookReceiver

pytestmark = pytest.mark.usefixtures("database_url")
SECRET = "an-interop-webhook-secret"


@pytest.fixture
def receiver():
    made = WebhookReceiver(free_port(), SECRET)
    yield made
    made.stop()


def with_webhook(settings: dict, receiver: WebhookReceiver, events: list[str]) -> dict:
    settings["webhooks"] = [{"url": receiver.url, "secret": SECRET, "events": events}]
    return settings


def deliveries(hub, **params) -> dict:
    reply = requests.get(hub.url("/api/webhooks/deliveries"), params=params, timeout=5)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_motion_events_reach_the_receiver_signed_with_their_delivery_id(start_hub, receiver, tmp_path):
    receiver.start()
    scene(tmp_path / "frames")
    hub = start_hub(config=with_webhook(motion_config(tmp_path / "frames"), receiver, ["motion_start", "motion_end"]))
    ended = wait_for(lambda: receiver.of_type("motion_end"), timeout=30)[0]
    started = next(item for item in receiver.of_type("motion_start") if item["data"]["id"] == ended["data"]["id"])
    assert receiver.bad_signatures == 0
    assert started["data"]["camera_id"] == "yard" and started["data"]["zones"] == ["gate"] and started["data"]["end"] is None
    assert ended["data"]["end"] is not None and ended["data"]["clip_url"] == f"/api/events/{ended['data']['id']}/clip.mjpeg"
    item = next(item for item in receiver.received if item["body"]["id"] == ended["id"])
    assert item["headers"]["X-Camhub-Delivery"] == ended["id"] and item["headers"]["X-Camhub-Event"] == "motion_end"
    assert item["headers"]["Content-Type"] == "application/json"
    done = wait_for(lambda: (found := deliveries(hub, state="delivered")) and found["total_count"] >= 2 and found, timeout=10)
    assert {d["type"] for d in done["deliveries"]} == {"motion_start", "motion_end"} and all(d["last_status"] == 204 for d in done["deliveries"])
    listed = requests.get(hub.url("/api/webhooks"), timeout=5).json()["webhooks"]
    assert listed[0]["url"] == receiver.url and listed[0]["deliveries"]["delivered"] >= 2 and SECRET not in str(listed)
    metrics = requests.get(hub.url("/metrics"), timeout=5).text
    assert 'camhub_webhook_attempts_total{result="delivered"}' in metrics and 'camhub_webhook_deliveries{state="delivered"}' in metrics


def test_a_receiver_that_was_down_gets_every_delivery_when_it_is_back_even_after_a_kill_9(start_hub, receiver):
    hub = start_hub(config=with_webhook({}, receiver, ["detection"]))
    plates = [f"DOWN{number}" for number in range(5)]
    for plate in plates:
        body = {"type": "detection_result", "camera_id": "gate", "checkpoint_id": "cp1", "timestamp": "2024-12-19T10:00:00Z",
                "ocr_results": [plate], "plates_count": 1}
        assert requests.post(hub.url("/api/detection"), json=body, timeout=5).status_code == 200
    # Tried and refused; once one is refused, the receiver's others wait for the same retry.
    pending = wait_for(lambda: (found := deliveries(hub, state="pending")) and len(found["deliveries"]) == 5
                       and any(d["attempts"] >= 1 for d in found["deliveries"]) and found, timeout=15)
    assert all(d["last_status"] is None for d in pending["deliveries"])
    assert any(d["last_error"] for d in pending["deliveries"])
    hub.crash()  # kill -9 with every delivery pending
    receiver.start()
    restarted = start_hub(args=["--data-dir", str(hub.data_dir)])
    # A delivery the killed hub had just taken waits out its claim (20 s) before it is tried again.
    got = wait_for(lambda: len(receiver.of_type("detection")) >= 5 and receiver.of_type("detection"), timeout=45)
    assert sorted(item["data"]["plates"][0] for item in got) == plates and receiver.bad_signatures == 0
    assert {item["id"] for item in got} == {d["id"] for d in pending["deliveries"]}, "the same deliveries, not new ones"
    wait_for(lambda: deliveries(restarted, state="delivered")["total_count"] == 5, timeout=10)


def test_a_camera_that_stops_sending_is_offline_and_online_again_when_it_comes_back(start_hub, receiver):
    receiver.start()
    hub = start_hub(config=with_webhook({"hub": {"inactive_after": 5}}, receiver, ["camera_offline", "camera_online"]))
    time.sleep(1.5)  # the hub's first look at the statuses (once a second) remembers, never announces
    camera = requests.post(hub.url("/register"), json={"name": "Porch", "location": "Front", "source_type": "usb"}, timeout=5).json()

    def beat():
        reply = requests.post(hub.url(f"/cameras/{camera['camera_id']}/heartbeat"), json={"status": "active", "frame_count": 1},
                              headers={"X-API-Key": camera["api_key"]}, timeout=5)
        assert reply.status_code == 200, reply.text
    beat()
    online = wait_for(lambda: receiver.of_type("camera_online"), timeout=10)[0]
    assert online["data"]["camera_id"] == camera["camera_id"] and online["data"]["previous_status"] in ("registered", None)
    offline = wait_for(lambda: receiver.of_type("camera_offline"), timeout=15)[0]
    assert offline["data"]["status"] == "inactive" and offline["data"]["previous_status"] == "active" and offline["data"]["name"] == "Porch"
    beat()
    wait_for(lambda: len(receiver.of_type("camera_online")) == 2, timeout=10)
    time.sleep(1.5)
    assert len(receiver.of_type("camera_offline")) == 1 and receiver.bad_signatures == 0

"""Motion on a video made by ffmpeg (lavfi), played as a camera through the ffmpeg source: 9 s of
a still scene, a white box crossing it from 2 s to 4 s (through the zone "gate", the right half),
and the whole picture brightened from 6 s (lights switched on), looped. Each loop is exactly one
event, with its zone, its picture and a clip of the camera's own bytes; the brightness change
(and the drop back at each loop) resets the background instead of raising one. A webhook receiver
on loopback gets motion_start and motion_end signed, and, after it was down, gets the next event's
once it is back."""
import subprocess
import threading
import time
from datetime import datetime

import pytest
import requests

from conftest import free_port, wait_for
from mjpeg import MJPEGReader
from test_motion import clip_parts, events
from webhook_receiver import WebhookReceiver

SECRET = "a-video-webhook-secret"
LOOP = 9.0


@pytest.fixture
def video(tmp_path):
    path = tmp_path / "scene.mp4"
    subprocess.run([
        "ffmpeg", "-hide_banner", "-loglevel", "error",
        "-f", "lavfi", "-i", f"color=c=0x405040:s=320x240:r=10:d={LOOP:g}",
        "-f", "lavfi", "-i", f"color=c=white:s=40x40:r=10:d={LOOP:g}",
        "-filter_complex", "[0][1]overlay=x='if(between(t,2,4),280-(t-2)*100,-100)':y=100,eq=brightness=0.35:enable='gte(t,6)'",
        "-pix_fmt", "yuv420p", "-c:v", "libx264", str(path),
    ], check=True, timeout=60)
    return path


def collect_live(hub, seconds: float, into: dict) -> None:
    """What a live viewer gets, by X-Timestamp."""
    reader = MJPEGReader(hub.port, "/cameras/yard/stream.mjpeg")
    deadline = time.monotonic() + seconds
    try:
        while time.monotonic() < deadline:
            headers, jpeg = reader.next_part()
            into[round(float(headers["x-timestamp"]) * 1000)] = jpeg
    except (EOFError, OSError):
        pass  # the hub stopped at the end of the test
    finally:
        reader.close()


def test_a_box_crossing_the_zone_is_one_event_a_lights_change_none_and_webhooks_survive_a_receiver_restart(start_hub, video):
    receiver = WebhookReceiver(free_port(), SECRET).start()
    try:
        hub = start_hub(config={
            "motion": {"fps": 10, "min_frames": 2, "event_gap": 1.0, "pre_capture": 1, "post_capture": 1},
            "webhooks": [{"url": receiver.url, "secret": SECRET, "events": ["motion_start", "motion_end"]}],
            "cameras": [{"id": "yard", "name": "Yard", "source": f"ffmpeg:{video}", "width": 320, "height": 240, "fps": 10,
                         "motion": {"enabled": True, "zones": [{"name": "gate", "polygon": [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]}]}}],
        })
        live: dict[int, bytes] = {}
        viewer = threading.Thread(target=collect_live, args=(hub, 2 * LOOP, live), daemon=True)
        viewer.start()

        first = wait_for(lambda: [e for e in events(hub)["events"] if e["end"]], timeout=30)[-1]
        start = datetime.fromisoformat(first["start"]).timestamp()
        assert first["zones"] == ["gate"] and first["kind"] == "motion" and not first["unfinished"]
        picture = requests.get(hub.url(first["snapshot_url"]), timeout=5)
        assert picture.status_code == 200 and picture.content[:2] == b"\xff\xd8"

        # The first event reached the receiver, signed; then the receiver goes down, well before
        # the next loop's event (the checks below take their time).
        wait_for(lambda: {item["type"] for item in receiver.of_type("motion_start") + receiver.of_type("motion_end") if item["data"]["id"] == first["id"]}
                 == {"motion_start", "motion_end"}, timeout=10)
        assert set(receiver.of_type("motion_end")[0]["data"]) >= {"id", "zones", "clip_url"}
        assert receiver.bad_signatures == 0
        receiver.stop()

        # The rest of the loop (the lights at 6 s, the drop back at 9 s) raises nothing.
        time.sleep(max(0.0, start + LOOP - 1.5 - time.time()))
        in_loop = [e for e in events(hub, limit=50)["events"] if start - 1 <= datetime.fromisoformat(e["start"]).timestamp() < start + LOOP - 1.5]
        assert [e["id"] for e in in_loop] == [first["id"]], in_loop

        # Its clip: the frames a live viewer got, byte for byte, from before the box to after it.
        time.sleep(0.5)
        parts, _ = clip_parts(hub, first)
        matched = [jpeg == live[round(stamp * 1000)] for stamp, jpeg in parts if round(stamp * 1000) in live]
        assert len(matched) >= 10 and all(matched), (len(parts), len(matched))
        end = datetime.fromisoformat(first["end"]).timestamp()
        assert parts[0][0] <= start - 0.5 and parts[-1][0] >= end + 0.5

        # The receiver goes down over the next loop's event, and gets it once it is back.
        second = wait_for(lambda: [e for e in events(hub)["events"] if e["end"] and e["id"] != first["id"]], timeout=3 * LOOP)[0]
        assert second["zones"] == ["gate"]
        pending = requests.get(hub.url("/api/webhooks/deliveries"), params={"state": "pending"}, timeout=5).json()
        assert pending["total_count"] >= 1
        receiver.start()
        wait_for(lambda: {item["type"] for item in receiver.of_type("motion_start") + receiver.of_type("motion_end") if item["data"]["id"] == second["id"]}
                 == {"motion_start", "motion_end"}, timeout=30)
        assert receiver.bad_signatures == 0
    finally:
        receiver.stop()

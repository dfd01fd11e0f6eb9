"""Motion in the running hub: a `file:` camera replays a still scene, then a box crossing the
zone "gate", then the still scene again, in a loop (about 4 s). With `motion.enabled` in its
config entry, the hub analyses it and stores events (`GET /api/events`, with the zone, the peak
boxes and a snapshot). kill -9 during an event: after the restart the event is marked unfinished.
Run on SQLite and on PostgreSQL."""
import io
import subprocess
import time
from datetime import datetime

import pytest
import requests
from PIL import Image

from conftest import wait_for

pytestmark = pytest.mark.usefixtures("database_url")


def scene(folder, still=15, moving=10, after=15):
    """The loop's frames, in name order: still, the box moving right to left in the right half, still."""
    frames = []
    for index in range(still + moving + after):
        picture = Image.new("RGB", (320, 240), (70, 90, 70))
        if still <= index < still + moving:
            x = 300 - (index - still) * 12
            picture.paste((240, 240, 240), (x - 30, 100, x, 140))
        out = io.BytesIO()
        picture.save(out, "JPEG", quality=85)
        frames.append(out.getvalue())
    folder.mkdir(parents=True, exist_ok=True)
    for index, frame in enumerate(frames):
        (folder / f"frame_{index:03d}.jpg").write_bytes(frame)
    return frames


def config(folder):
    return {
        "motion": {"fps": 10, "min_frames": 2, "event_gap": 1.0},
        "cameras": [{
            "id": "yard", "name": "Yard", "source": f"file:{folder}", "fps": 10, "width": 320, "height": 240,
            "motion": {"enabled": True, "zones": [{"name": "gate", "polygon": [[0.5, 0], [1, 0], [1, 1], [0.5, 1]]}]},
        }],
    }


def events(hub, **params):
    reply = requests.get(hub.url("/api/events"), params=params, timeout=5)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_a_box_crossing_the_zone_is_an_event_with_its_zone_and_picture(start_hub, tmp_path):
    frames = scene(tmp_path / "frames")
    hub = start_hub(config=config(tmp_path / "frames"))
    ended = wait_for(lambda: [e for e in events(hub)["events"] if e["end"]], timeout=20)[0]
    assert ended["camera_id"] == "yard" and ended["kind"] == "motion" and ended["zones"] == ["gate"]
    assert ended["unfinished"] is False and ended["end"] >= ended["start"]
    assert 0.005 < ended["peak_area"] < 0.2 and all(box["x"] >= 0.4 for box in ended["boxes"])
    picture = requests.get(hub.url(ended["snapshot_url"]), timeout=5)
    assert picture.status_code == 200 and picture.headers["Content-Type"] == "image/jpeg"
    assert picture.content in frames, "the snapshot is one of the camera's own frames, as it sent it"
    assert events(hub, zone="gate")["total_count"] >= 1 and events(hub, zone="door")["total_count"] == 0
    one = requests.get(hub.url(f"/api/events/{ended['id']}"), timeout=5).json()
    assert one == ended
    metrics = requests.get(hub.url("/metrics"), timeout=5).text
    assert 'camhub_motion_events_total{state="started"}' in metrics
    statistics = requests.get(hub.url("/api/statistics"), timeout=5).json()["statistics"]
    assert statistics["motion_events"] >= 1 and statistics["motion_events_last_24h"] == statistics["motion_events"]


def clip_parts(hub, event):
    """The clip's parts as (X-Timestamp, JPEG), and how long playing them took."""
    began = time.monotonic()
    reply = requests.get(hub.url(event["clip_url"]), timeout=60)
    took = time.monotonic() - began
    assert reply.status_code == 200 and reply.headers["Content-Type"] == "multipart/x-mixed-replace; boundary=frame", reply.text[:200]
    parts, body = [], reply.content
    assert body.endswith(b"--frame--\r\n")
    while body.startswith(b"--frame\r\n"):
        head, body = body[len(b"--frame\r\n"):].split(b"\r\n\r\n", 1)
        headers = dict(line.split(": ", 1) for line in head.decode().split("\r\n"))
        length = int(headers["Content-Length"])
        parts.append((float(headers["X-Timestamp"]), body[:length]))
        body = body[length + 2:]
    return parts, took


def test_an_event_keeps_a_clip_of_the_cameras_own_frames_from_before_to_after_it(start_hub, tmp_path):
    frames = scene(tmp_path / "frames")
    hub = start_hub(config=config(tmp_path / "frames"))
    # The second loop's event: the first may start before 3 s of frames were seen.
    ended = wait_for(lambda: (done := [e for e in events(hub)["events"] if e["end"]]) and len(done) >= 2 and done, timeout=30)[0]
    assert ended["clip_url"] == f"/api/events/{ended['id']}/clip.mjpeg"
    time.sleep(3.5)  # post_capture (3 s by default) is over
    parts, took = clip_parts(hub, ended)
    assert len(parts) > 30 and all(jpeg in frames for _, jpeg in parts), "the camera's own bytes, never re-encoded"
    stamps = [stamp for stamp, _ in parts]
    assert stamps == sorted(stamps)
    start = datetime.fromisoformat(ended["start"]).timestamp()
    end = datetime.fromisoformat(ended["end"]).timestamp()
    assert stamps[0] <= start - 2.5 and stamps[-1] >= end + 2.5, (stamps[0], start, end, stamps[-1])
    assert took >= (stamps[-1] - stamps[0]) * 0.8, "played at the pace the frames came"
    assert any(frames.index(jpeg) < 15 for _, jpeg in parts) and any(15 <= frames.index(jpeg) < 25 for _, jpeg in parts)

    video = requests.get(hub.url(f"/api/events/{ended['id']}/clip.mp4"), timeout=60)
    assert video.status_code == 200 and video.headers["Content-Type"] == "video/mp4", video.text[:300]
    (tmp_path / "clip.mp4").write_bytes(video.content)
    probe = subprocess.run(["ffprobe", "-v", "error", "-count_frames", "-select_streams", "v:0", "-show_entries",
                            "stream=codec_name,width,height,nb_read_frames", "-of", "csv=p=0", str(tmp_path / "clip.mp4")],
                           capture_output=True, text=True, check=True)
    codec, width, height, count = probe.stdout.strip().split(",")
    assert (codec, width, height) == ("h264", "320", "240") and abs(int(count) - len(parts)) <= 2, probe.stdout
    metrics = requests.get(hub.url("/metrics"), timeout=5).text
    assert "camhub_clip_frames_written_total" in metrics and "camhub_clip_write_failures_total 0" in metrics


def test_an_event_cut_short_by_kill_9_is_unfinished_after_the_restart(start_hub, tmp_path):
    scene(tmp_path / "frames")
    hub = start_hub(config=config(tmp_path / "frames"))
    under_way = wait_for(lambda: [e for e in events(hub)["events"] if e["end"] is None], timeout=20, interval=0.02)[0]
    hub.crash()
    restarted = start_hub(args=["--data-dir", str(hub.data_dir)])
    kept = wait_for(lambda: (e := requests.get(restarted.url(f"/api/events/{under_way['id']}"), timeout=5).json()) and e["unfinished"] and e, timeout=10)
    assert kept["end"] is None and kept["start"] == under_way["start"] and kept["zones"] == ["gate"]
    assert requests.get(restarted.url(kept["snapshot_url"]), timeout=5).status_code == 200
    parts, _ = clip_parts(restarted, kept)
    assert parts, "the clip so far is there after the restart"


def test_set_task_motion_turns_it_on_for_a_registered_camera(start_hub, tmp_path):
    """seed 000's `set_task motion` command: the hub runs motion on the camera's uploads at once."""
    import base64
    import time
    frames = scene(tmp_path / "frames", still=5, moving=8, after=14)
    hub = start_hub(config={"motion": {"fps": 10, "min_frames": 2, "event_gap": 1.0}})
    camera = requests.post(hub.url("/register"), json={"name": "Porch", "location": "Front", "source_type": "usb"}, timeout=5).json()
    queued = requests.post(hub.url(f"/cameras/{camera['camera_id']}/commands"), json={"type": "set_task", "value": "motion"}, timeout=5)
    assert queued.status_code == 201, queued.text
    assert requests.get(hub.url(f"/cameras/{camera['camera_id']}/status"), timeout=5).json()["config"]["task"] == "motion"
    time.sleep(1.2)  # the registry is read for tasks once a second
    for frame in frames:
        reply = requests.post(hub.url(f"/cameras/{camera['camera_id']}/upload"), json={"frame_data": base64.b64encode(frame).decode(), "timestamp": time.time()},
                              headers={"X-API-Key": camera["api_key"]}, timeout=5)
        assert reply.status_code == 200, reply.text
        time.sleep(0.12)
    found = wait_for(lambda: events(hub, camera_id=camera["camera_id"])["events"], timeout=10)
    assert found[0]["zones"] == [] and found[0]["camera_id"] == camera["camera_id"]


def test_motion_enabled_at_the_top_turns_it_on_for_every_camera(start_hub, tmp_path):
    """`motion.enabled` in the top-level defaults: a seed 003 camera pushing over its socket is
    analysed too, with no per-camera setting."""
    import struct
    import time
    from test_seed003_push import create_camera, push_socket
    frames = scene(tmp_path / "frames", still=4, moving=8, after=14)
    hub = start_hub(config={"motion": {"enabled": True, "fps": 10, "min_frames": 2, "event_gap": 1.0}})
    camera_id, token = create_camera(hub, name="Pushed")
    socket = push_socket(hub, camera_id, token)
    time.sleep(1.2)  # the registry is read for targets once a second
    for frame in frames:
        socket.send_binary(struct.pack("<I", len(frame)) + frame)
        time.sleep(0.12)
    found = wait_for(lambda: [e for e in events(hub, camera_id=str(camera_id))["events"] if e["end"]], timeout=10)
    assert found[0]["kind"] == "motion"
    socket.close()


def test_an_event_is_captioned_by_the_configured_model_when_the_camera_asks(start_hub, tmp_path):
    from test_seed000_registration import StandInVisionModel
    scene(tmp_path / "frames")
    settings = config(tmp_path / "frames")
    settings["cameras"][0]["motion"]["caption"] = True
    model = StandInVisionModel()
    try:
        hub = start_hub(config=settings, env={"CAMHUB_VLM_URL": model.url, "CAMHUB_VLM_MODEL": "llava"})
        captioned = wait_for(lambda: [e for e in events(hub)["events"] if e["caption"]], timeout=25)[0]
        assert captioned["caption"] == "A person walking in the hallway" and captioned["end"] is not None
        # Once per event: one request per ended event, each with a picture.
        ended = [e for e in events(hub)["events"] if e["end"]]
        assert 1 <= len(model.requests) <= len(ended) + 1
        assert model.requests[0][1]["messages"][0]["content"][1]["image_url"]["url"].startswith("data:image/jpeg;base64,")
    finally:
        model.close()

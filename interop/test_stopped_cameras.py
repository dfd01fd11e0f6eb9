""""Stopped" means one thing on every path: a stopped camera's frames and detections are refused
and counted, nothing live of it is served, every status route says so, and it stays stopped
across a restart until it is started again."""
import struct

import requests
import websocket

from conftest import wait_for
from mjpeg import MJPEGReader
from test_seed002_lpr import DETECTION, HEALTH, REGISTER, Recorder
from test_seed003_push import close_code, create_camera, jpeg, ws_url


def stop(hub, camera_id):
    reply = requests.post(hub.url(f"/cameras/{camera_id}/stop"), timeout=5)
    assert reply.status_code == 200 and reply.json()["status"] == "success", reply.text


def start(hub, camera_id):
    reply = requests.post(hub.url(f"/cameras/{camera_id}/start"), timeout=5)
    assert reply.status_code == 200 and reply.json()["status"] == "success", reply.text


def status(hub, camera_id):
    return requests.get(hub.url(f"/cameras/{camera_id}/status"), timeout=5).json()


def ends(reader: MJPEGReader) -> bool:
    """Reads parts until the stream ends; True once it has."""
    try:
        for _ in range(100):
            reader.next_part()
    except (EOFError, OSError):
        return True
    return False


def test_a_stopped_local_camera_stops_streaming_on_every_path_and_stays_stopped_after_a_restart(start_hub):
    hub = start_hub()
    reader = MJPEGReader(hub.port, "/video_feed")
    reader.next_part()
    stop(hub, "testpattern")
    # The open stream ends, and new ones are refused with a JSON 409.
    assert ends(reader)
    for path in ["/video_feed", "/stream", "/api/frame", "/cameras/testpattern/snapshot.jpg"]:
        refused = requests.get(hub.url(path), timeout=5)
        assert refused.status_code == 409 and refused.json()["error"]["code"] == "stopped", path
    assert requests.get(hub.url("/status"), timeout=5).json()["is_running"] is False
    assert requests.get(hub.url("/api/status"), timeout=5).json()["is_running"] is False
    assert status(hub, "testpattern")["status"] == "stopped"
    assert requests.get(hub.url("/cameras"), timeout=5).json()["testpattern"]["status"] == "stopped"
    frames_at_stop = status(hub, "testpattern")["capture"]["frames_captured"]

    assert status(hub, "testpattern")["is_running"] is False

    # Stopped is kept in the registry: a restart does not run the camera again.
    assert hub.stop() == 0
    again = start_hub(args=["--data-dir", str(hub.data_dir), "--port", str(hub.port)], port=hub.port)
    assert status(again, "testpattern")["status"] == "stopped"
    assert requests.get(again.url("/video_feed"), timeout=5).status_code == 409
    assert status(again, "testpattern")["capture"]["frames_captured"] == 0

    start(again, "testpattern")
    wait_for(lambda: requests.get(again.url("/api/frame"), timeout=5).status_code == 200)
    assert requests.get(again.url("/status"), timeout=5).json()["is_running"] is True
    reader = MJPEGReader(again.port, "/video_feed")
    assert reader.next_part()[1][:2] == b"\xff\xd8"
    reader.close()


def test_a_stopped_push_camera_is_cut_off_refused_and_the_refusals_are_counted(hub):
    camera_id, token = create_camera(hub)
    ws = websocket.create_connection(ws_url(hub, "/video-input-stream"), timeout=8)
    ws.send_binary(struct.pack("<I", camera_id))
    ws.send_binary(struct.pack("<I", len(token)) + token.encode())
    frame = jpeg((200, 0, 0))
    ws.send_binary(struct.pack("<I", len(frame)) + frame)
    wait_for(lambda: requests.get(hub.url(f"/cameras/{camera_id}/snapshot.jpg"), timeout=5).status_code == 200)
    stop(hub, camera_id)
    # The connected socket is closed with a reason; a new one is refused, and both are said.
    code, reason = close_code(ws)
    assert code == 1008 and "stopped" in reason
    again = websocket.create_connection(ws_url(hub, "/video-input-stream"), timeout=8)
    again.send_binary(struct.pack("<I", camera_id))
    assert close_code(again) == (1008, f"camera {camera_id} is stopped")
    refused = requests.post(hub.url("/update-image"), files={"image": ("f.jpg", frame, "image/jpeg")},
                            data={"cameraId": str(camera_id), "token": token}, timeout=5)
    assert refused.status_code == 409 and refused.json()["error"]["code"] == "stopped"
    seen = status(hub, camera_id)
    assert seen["status"] == "stopped" and seen["refused"]["count"] == 2
    assert requests.get(hub.url(f"/get-image?cameraId={camera_id}"), timeout=5).status_code == 409
    assert "refused: the camera is stopped" in hub.output()
    start(hub, camera_id)
    assert status(hub, camera_id)["status"] != "stopped"


def test_a_stopped_edge_camera_is_refused_its_detections_but_its_health_is_taken(hub):
    recorder = Recorder()
    recorder.sio.connect(hub.base)
    try:
        recorder.sio.emit("camera_register", REGISTER)
        recorder.wait("camera_register")
        assert recorder.sio.call("lpr_data", DETECTION, timeout=10)["success"] is True
        stop(hub, "camera_001")
        refused = recorder.sio.call("lpr_data", DETECTION, timeout=10)
        assert refused["success"] is False and refused["code"] == "stopped"
        assert "stopped" in recorder.wait("error")["message"]
        rest = requests.post(hub.url("/api/detection"), json=DETECTION, timeout=5)
        assert rest.status_code == 409 and rest.json()["success"] is False and rest.json()["message"]
        assert recorder.sio.call("health_status", HEALTH, timeout=10)["success"] is True
        seen = status(hub, "camera_001")
        assert seen["status"] == "stopped" and seen["refused"]["count"] == 2
        listed = {c["camera_id"]: c for c in requests.get(hub.url("/api/cameras"), timeout=5).json()["cameras"]}
        assert listed["camera_001"]["status"] == "stopped"
        assert requests.get(hub.url("/api/records"), timeout=5).json()["total_count"] == 1
        start(hub, "camera_001")
        assert recorder.sio.call("lpr_data", DETECTION, timeout=10)["success"] is True
    finally:
        recorder.sio.disconnect()

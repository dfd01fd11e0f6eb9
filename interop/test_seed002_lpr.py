"""Seed 002 (LPR edge link) against the real binary, with the stock python-socketio client:
default transports (polling, then the upgrade to WebSocket), polling only and WebSocket only;
the rooms; the REST fallback; records that survive kill -9; and the token."""
import base64
import io
import json
import threading
import struct
import time

import pytest
import requests
import socketio
import websocket
from PIL import Image

from conftest import wait_for

# Everything here touches storage: it runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.usefixtures("database_url")

DETECTION = {
    "type": "detection_result",
    "camera_id": "camera_001",
    "checkpoint_id": "checkpoint_001",
    "timestamp": "2024-12-19T10:00:00Z",
    "vehicles_count": 1,
    "plates_count": 1,
    "ocr_results": ["ABC1234"],
    "vehicle_detections": [{"bbox": [100, 100, 200, 200], "confidence": 0.95, "class": "car"}],
    "plate_detections": [{"bbox": [150, 150, 180, 170], "confidence": 0.92, "text": "ABC1234"}],
    "processing_time_ms": 150,
    "annotated_image": "base64_encoded_image_data",
    "cropped_plates": ["base64_plate1", "base64_plate2"],
}
HEALTH = {
    "type": "health_check", "camera_id": "camera_001", "checkpoint_id": "checkpoint_001",
    "timestamp": "2024-12-19T10:00:00Z", "component": "camera", "status": "healthy",
    "message": "Camera working normally", "details": {"cpu_usage": 45.2, "memory_usage": 67.8, "disk_usage": 23.1},
}
REGISTER = {"camera_id": "camera_001", "checkpoint_id": "checkpoint_001", "timestamp": "2024-12-19T10:00:00Z"}


class Recorder:
    """A python-socketio client that keeps every event it receives."""

    def __init__(self, **options):
        self.sio = socketio.Client(**options)
        self.events: dict[str, list] = {}
        self.lock = threading.Condition()

        @self.sio.on("*")
        def any_event(event, data=None):
            with self.lock:
                self.events.setdefault(event, []).append(data)
                self.lock.notify_all()

        # python-socketio hands an event named `connect` (the original server's greeting) to the
        # connect handler, with its data.
        @self.sio.event
        def connect(data=None):
            if data is not None:
                any_event("connect_event", data)

    def wait(self, event, count=1, timeout=10):
        deadline = time.time() + timeout
        with self.lock:
            while len(self.events.get(event, [])) < count:
                remaining = deadline - time.time()
                if remaining <= 0:
                    raise AssertionError(f"no {event} event within {timeout}s; got {list(self.events)}")
                self.lock.wait(remaining)
            return self.events[event][count - 1]


def seed_flow(hub, recorder: Recorder):
    """The seed's own flow: register, detection, health, ping, rooms; each answer with the fields
    the original LPR server sends."""
    sio = recorder.sio
    # The original greets every client with a `connect` event of its own.
    assert recorder.wait("connect_event")["message"] == "Connected to LPR Server"
    sio.emit("join_dashboard")
    assert recorder.wait("status")["message"] == "Joined dashboard room"
    sio.emit("join_health_room")
    assert recorder.wait("status", count=2)["message"] == "Joined health monitoring room"
    sio.emit("camera_register", REGISTER)
    registered = recorder.wait("camera_register")
    assert registered["success"] is True and registered["message"] == "Camera camera_001 registered successfully"
    assert {"camera_id": "camera_001", "checkpoint_id": "checkpoint_001"}.items() <= registered.items() and "timestamp" in registered
    sio.emit("lpr_data", DETECTION)
    response = recorder.wait("lpr_response")
    assert response["success"] is True and response["detection_id"]
    assert response["message"] == "LPR data received successfully"
    assert {"camera_id": "camera_001", "checkpoint_id": "checkpoint_001"}.items() <= response.items() and "timestamp" in response
    detection = recorder.wait("new_detection")
    assert detection["detection_id"] == response["detection_id"] and detection["plates"] == ["ABC1234"]
    sio.emit("health_status", HEALTH)
    health = recorder.wait("health_response")
    assert health["success"] is True and health["health_id"] and health["message"] == "Health status received successfully"
    assert {"camera_id": "camera_001", "checkpoint_id": "checkpoint_001"}.items() <= health.items() and "timestamp" in health
    assert recorder.wait("health_update")["status"] == "healthy"
    sio.emit("ping", {"type": "test", "message": "Hello from AI Camera", "timestamp": "2024-12-19T10:00:00Z"})
    pong = recorder.wait("pong")
    assert pong["success"] is True and pong["message"] == "pong" and pong["original_message"] == "Hello from AI Camera"
    # An event with an ack id is acknowledged with the same payload.
    ack = sio.call("lpr_data", DETECTION, timeout=10)
    assert ack["success"] is True and ack["detection_id"] != response["detection_id"]
    missing = sio.call("lpr_data", {"camera_id": "camera_001"}, timeout=10)
    assert missing["success"] is False and "checkpoint_id" in missing["error"] and "timestamp" in missing["error"]
    # ... and, as the original, an `error` event naming the first missing field.
    assert recorder.wait("error")["message"] == "Missing required field: type"
    sio.emit("health_status", {**HEALTH, "component": None})
    assert recorder.wait("error", count=2)["message"] == "Missing required field: component"
    records = requests.get(hub.url("/api/records"), params={"camera_id": "camera_001"}, timeout=5).json()["records"]
    assert {r["detection_id"] for r in records} >= {response["detection_id"], ack["detection_id"]}
    return response["detection_id"]


def test_default_transports_start_polling_and_upgrade_to_websocket(hub):
    recorder = Recorder()
    recorder.sio.connect(hub.base)
    try:
        deadline = time.time() + 10
        while recorder.sio.transport() != "websocket" and time.time() < deadline:
            time.sleep(0.05)
        assert recorder.sio.transport() == "websocket"
        seed_flow(hub, recorder)
    finally:
        recorder.sio.disconnect()


@pytest.mark.parametrize("transport", ["polling", "websocket"])
def test_the_seed_flow_over_one_transport(hub, transport):
    recorder = Recorder()
    recorder.sio.connect(hub.base, transports=[transport])
    try:
        assert recorder.sio.transport() == transport
        seed_flow(hub, recorder)
    finally:
        recorder.sio.disconnect()


def test_a_dashboard_client_sees_another_clients_detections_and_camera_status(hub):
    dashboard = Recorder()
    dashboard.sio.connect(hub.base)
    camera = Recorder()
    camera.sio.connect(hub.base, transports=["polling"])
    try:
        dashboard.sio.emit("join_dashboard")
        dashboard.sio.call("ping", {}, timeout=5)  # the join is processed before the ping's answer
        camera.sio.emit("camera_register", {**REGISTER, "camera_id": "gate_7"})
        online = dashboard.wait("camera_status")
        assert {"camera_id": "gate_7", "checkpoint_id": "checkpoint_001", "status": "online"}.items() <= online.items()
        ack = camera.sio.call("lpr_data", {**DETECTION, "camera_id": "gate_7", "ocr_results": ["XYZ999"]}, timeout=10)
        seen = dashboard.wait("new_detection")
        assert seen["detection_id"] == ack["detection_id"] and seen["camera_id"] == "gate_7"
        # A detection over REST reaches the dashboard too.
        rest = requests.post(hub.url("/api/detection"), json={**DETECTION, "camera_id": "gate_7"}, timeout=5).json()
        assert dashboard.wait("new_detection", count=2)["detection_id"] == rest["detection_id"]
        camera.sio.disconnect()
        offline = dashboard.wait("camera_status", count=2)
        assert {"camera_id": "gate_7", "status": "offline"}.items() <= offline.items()
        # Neither is in the camera's room: the original sends both to the dashboard only.
        assert "new_detection" not in camera.events and "camera_status" not in camera.events
    finally:
        dashboard.sio.disconnect()
        if camera.sio.connected:
            camera.sio.disconnect()


def jpeg_base64(color) -> str:
    out = io.BytesIO()
    Image.new("RGB", (64, 32), color).save(out, "JPEG")
    return base64.b64encode(out.getvalue()).decode()


def test_the_rest_fallback(hub):
    assert requests.get(hub.url("/api/test"), timeout=5).json()["success"] is True
    registered = requests.post(hub.url("/api/cameras/register"), json={**REGISTER, "camera_id": "rest_cam"}, timeout=5)
    assert registered.status_code == 200 and registered.json()["success"] is True
    crop = jpeg_base64((250, 250, 0))
    body = {**DETECTION, "camera_id": "rest_cam", "annotated_image": jpeg_base64((0, 0, 250)), "cropped_plates": [crop, "not base64 !"]}
    stored = requests.post(hub.url("/api/detection"), json=body, timeout=5)
    assert stored.status_code == 200 and stored.json()["success"] is True
    assert requests.post(hub.url("/api/health"), json={**HEALTH, "camera_id": "rest_cam"}, timeout=5).json()["success"] is True

    for missing in ["type", "camera_id", "checkpoint_id", "timestamp"]:
        response = requests.post(hub.url("/api/detection"), json={k: v for k, v in DETECTION.items() if k != missing}, timeout=5)
        assert response.status_code == 400 and response.json()["missing_fields"] == [missing]
        assert missing in response.json()["error"]["message"] and missing in response.json()["message"]
        assert response.json()["success"] is False
    broken = requests.post(hub.url("/api/detection"), data="{not json", headers={"Content-Type": "application/json"}, timeout=5)
    assert broken.status_code == 400 and broken.json()["error"]["code"] == "bad_json"
    wrong_type = requests.post(hub.url("/api/detection"), json={**DETECTION, "vehicles_count": "many"}, timeout=5)
    assert wrong_type.status_code == 422 and "vehicles_count" in wrong_type.text
    assert requests.post(hub.url("/api/health"), json={"camera_id": "x"}, timeout=5).status_code == 400

    records = requests.get(hub.url("/api/records"), params={"plate": "abc1234", "camera_id": "rest_cam"}, timeout=5).json()["records"]
    assert len(records) == 1
    record = records[0]
    image = requests.get(hub.url(record["annotated_image_url"]), timeout=5)
    assert image.status_code == 200 and image.headers["Content-Type"] == "image/jpeg"
    assert base64.b64encode(requests.get(hub.url(record["cropped_plate_urls"][0]), timeout=5).content).decode() == crop
    assert len(record["cropped_plate_urls"]) == 1  # the invalid one is absent

    listing = requests.get(hub.url("/api/cameras"), timeout=5).json()
    cameras = listing["cameras"]
    assert listing["total_cameras"] == len(cameras)
    rest_cam = next(c for c in cameras if c["camera_id"] == "rest_cam")
    assert {"camera_id": "rest_cam", "checkpoint_id": "checkpoint_001", "detection_count": 1, "health_status": "healthy"}.items() <= rest_cam.items()
    page = requests.get(hub.url("/api/records"), params={"limit": 1}, timeout=5).json()
    assert page["returned_count"] == 1 and page["total_count"] >= 1
    # The LPR camera is in the one registry every other API lists.
    assert requests.get(hub.url("/cameras"), timeout=5).json()["rest_cam"]["kind"] == "edge"
    answer = requests.get(hub.url("/api/statistics"), timeout=5).json()
    assert answer["success"] is True and answer["data"]["total_records"] >= 1 and answer["data"]["server_status"] == "running"
    assert {"today_records", "unique_cameras", "active_cameras", "timestamp"} <= set(answer["data"])
    statistics = answer["statistics"]
    assert statistics["total_detections"] >= 1 and statistics["by_camera"]["rest_cam"] == 1
    assert len(statistics["by_hour"]) == 24 and statistics["by_hour"][-1]["count"] >= 1
    assert statistics["top_plates"][0]["plate"] == "ABC1234"
    assert requests.get(hub.url("/api/records"), params={"limit": "0"}, timeout=5).status_code == 400
    assert requests.get(hub.url("/api/records"), params={"since": "yesterday"}, timeout=5).status_code == 400
    assert requests.get(hub.url("/blobs/nothing.jpg"), timeout=5).status_code == 404


def test_acknowledged_records_survive_kill_9(start_hub):
    hub = start_hub()
    recorder = Recorder()
    recorder.sio.connect(hub.base)
    acknowledged = [recorder.sio.call("lpr_data", {**DETECTION, "ocr_results": [f"KILL{i}"]}, timeout=10)["detection_id"] for i in range(20)]
    rest = requests.post(hub.url("/api/detection"), json=DETECTION, timeout=5).json()["detection_id"]
    hub.crash()
    recorder.sio.disconnect()
    restarted = start_hub(args=["--data-dir", str(hub.data_dir), "--port", str(hub.port)], port=hub.port)
    stored = {r["detection_id"] for r in requests.get(restarted.url("/api/records"), params={"limit": 100}, timeout=5).json()["records"]}
    assert set(acknowledged) | {rest} <= stored


def test_the_token_is_required_once_set(start_hub):
    hub = start_hub(env={"CAMHUB_LPR_TOKEN": "edge-secret-123", "CAMHUB_TRUST_LOOPBACK": "false"})
    refused = socketio.Client()
    errors = []
    refused.on("connect_error", lambda data: errors.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        refused.connect(hub.base)
    assert errors and "Not authorized" in errors[0]["message"]
    wrong = socketio.Client()
    with pytest.raises(socketio.exceptions.ConnectionError):
        wrong.connect(hub.base, auth={"token": "nope-nope-nope"})
    allowed = Recorder()
    allowed.sio.connect(hub.base, auth={"token": "edge-secret-123"})
    assert allowed.sio.call("lpr_data", DETECTION, timeout=10)["success"] is True
    allowed.sio.disconnect()
    by_query = socketio.Client()
    by_query.connect(hub.base + "?token=edge-secret-123", transports=["websocket"])
    by_query.disconnect()

    assert requests.post(hub.url("/api/detection"), json=DETECTION, timeout=5).status_code == 401
    bad = requests.post(hub.url("/api/detection"), json=DETECTION, headers={"Authorization": "Bearer wrong"}, timeout=5)
    assert bad.status_code == 401 and bad.json()["error"]["code"] == "unauthorized"
    good = requests.post(hub.url("/api/detection"), json=DETECTION, headers={"Authorization": "Bearer edge-secret-123"}, timeout=5)
    assert good.status_code == 200
    assert requests.get(hub.url("/api/records"), timeout=5).status_code == 401


def test_garbage_closes_the_session_and_the_hub_keeps_serving(hub):
    base = hub.url("/socket.io/")
    assert requests.get(base, params={"EIO": "3", "transport": "polling"}, timeout=5).status_code == 400
    assert requests.get(base, params={"EIO": "4", "transport": "carrier-pigeon"}, timeout=5).status_code == 400
    assert requests.get(base, params={"EIO": "4", "transport": "polling", "sid": "unknown"}, timeout=5).json()["message"] == "Session ID unknown"
    handshake = requests.get(base, params={"EIO": "4", "transport": "polling"}, timeout=5)
    assert handshake.headers["Content-Type"].startswith("text/plain") and handshake.text.startswith('0{"sid":"')
    sid = json.loads(handshake.text[1:])["sid"]
    params = {"EIO": "4", "transport": "polling", "sid": sid}
    assert requests.post(base, params=params, data="40", timeout=5).text == "ok"
    assert requests.post(base, params=params, data="4\u00ffnot a packet", timeout=5).status_code == 400
    # The session is gone.
    assert requests.post(base, params=params, data="40", timeout=5).status_code == 400
    # An oversized body is refused too.
    handshake = requests.get(base, params={"EIO": "4", "transport": "polling"}, timeout=5)
    sid = json.loads(handshake.text[1:])["sid"]
    big = requests.post(base, params={"EIO": "4", "transport": "polling", "sid": sid}, data="4" + "x" * 1_100_000, timeout=10)
    assert big.status_code == 413
    assert requests.get(hub.url("/api/test"), timeout=5).status_code == 200
    client = socketio.Client()
    client.connect(hub.base)
    assert client.call("lpr_data", DETECTION, timeout=10)["success"] is True
    client.disconnect()


def open_engine_io_websocket(hub):
    """A raw Engine.IO v4 WebSocket with its Socket.IO namespace connected, as python-socketio
    opens one with `transports=["websocket"]`."""
    ws = websocket.create_connection(hub.base.replace("http", "ws") + "/socket.io/?EIO=4&transport=websocket", timeout=10)
    assert ws.recv().startswith('0{"sid":"')
    ws.send("40")
    assert ws.recv().startswith('40{"sid":"')
    return ws


def close_code(ws) -> tuple[int, str]:
    """Reads until the server's close frame and returns its code and reason."""
    while True:
        opcode, data = ws.recv_data(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            return int.from_bytes(data[:2], "big"), data[2:].decode()


def test_an_oversized_socketio_message_over_websocket_is_closed_with_1009(hub):
    ws = open_engine_io_websocket(hub)
    event = json.dumps(["lpr_data", {**DETECTION, "annotated_image": "A" * 2_000_000}])
    ws.send("42" + event)
    code, reason = close_code(ws)
    assert code == 1009, (code, reason)
    assert "max_payload_bytes" in reason
    ws.close()
    # Just under the limit is still accepted and answered.
    ws = open_engine_io_websocket(hub)
    ws.send("421" + json.dumps(["lpr_data", {**DETECTION, "annotated_image": "A" * 900_000}]))
    ack = wait_for(lambda: (m := ws.recv()).startswith("431") and m)  # after any broadcast events
    assert json.loads(ack[3:])[0]["success"] is True
    ws.close()
    assert requests.get(hub.url("/api/test"), timeout=5).status_code == 200


@pytest.mark.parametrize("message, expected", [("4\u00ffnot a packet", 1002), ("9", 1002), (b"\x01\x02", 1003)])
def test_protocol_errors_over_websocket_close_with_the_code_that_says_so(hub, message, expected):
    ws = open_engine_io_websocket(hub)
    if isinstance(message, bytes):
        ws.send_binary(message)
    else:
        ws.send(message)
    code, _ = close_code(ws)
    assert code == expected
    ws.close()


@pytest.mark.parametrize("transports", [["polling"], None], ids=["polling-only", "default"])
def test_clients_come_back_after_the_hub_restarts(start_hub, transports):
    """At shutdown camhub sends no Socket.IO disconnect and no Engine.IO close: python-socketio (like
    socket.io-client) takes those as final and would never reconnect. It ends the transport instead
    (a noop to the pending poll, a close frame on a WebSocket), and the client reconnects by itself."""
    hub = start_hub()
    recorder = Recorder(reconnection_delay=0.2, reconnection_delay_max=0.5)
    reasons = []
    recorder.sio.on("disconnect", lambda reason=None: reasons.append(reason))
    recorder.sio.connect(hub.base, transports=transports)
    try:
        wait_for(lambda: recorder.sio.transport() == ("polling" if transports else "websocket"))
        assert hub.stop() == 0
        wait_for(lambda: reasons, timeout=10)
        restarted = start_hub(args=["--data-dir", str(hub.data_dir), "--port", str(hub.port)], port=hub.port)
        wait_for(lambda: recorder.sio.connected and recorder.sio.sid, timeout=20)
        assert recorder.sio.call("lpr_data", DETECTION, timeout=10)["success"] is True
        assert reasons and reasons[0] != "server disconnect", reasons
    finally:
        recorder.sio.disconnect()


def test_a_socketio_websocket_gets_a_close_frame_and_no_disconnect_packet_at_shutdown(start_hub):
    hub = start_hub()
    ws = open_engine_io_websocket(hub)
    assert hub.stop() == 0
    messages = []
    while True:
        opcode, frame = ws.recv_data_frame(control_frame=True)
        if opcode == websocket.ABNF.OPCODE_CLOSE:
            break
        messages.append(frame.data.decode())
    assert struct.unpack("!H", frame.data[:2])[0] == 1000
    assert not any(m.startswith("41") or m == "1" for m in messages), messages

"""Seed 000 (EdgeVLM camera registration) against the real binary: a `CameraClient` written from
the calls the seed's document and the original's `examples/` make (not the original's own file),
and its demo flows, with only the base URL changed."""
import base64
import json
import os
import time

import cv2
import numpy as np
import pytest
import requests

# Everything here touches storage: it runs on SQLite and on PostgreSQL.
pytestmark = pytest.mark.usefixtures("database_url")


def jpeg_frame(seed: int = 0) -> np.ndarray:
    rng = np.random.default_rng(seed)
    return rng.integers(0, 255, (480, 640, 3), dtype=np.uint8)


class CameraClient:
    """The seed's CameraClient, minus the OpenCV capture loop (no camera here)."""

    def __init__(self, name, location, source_type, api_base_url):
        self.name = name
        self.location = location
        self.source_type = source_type
        self.api_base_url = api_base_url
        self.camera_id = None
        self.api_key = None
        self.endpoints = None
        self.frame_count = 0
        self.current_task = None

    def register(self):
        data = {
            "name": self.name,
            "location": self.location,
            "source_type": self.source_type,
            "resolution": [640, 480],
            "fps": 15,
            "capabilities": ["caption", "vqa"],
        }
        response = requests.post(f"{self.api_base_url}/register", json=data)
        if response.status_code == 200:
            result = response.json()
            self.camera_id = result["camera_id"]
            self.api_key = result["api_key"]
            self.endpoints = result["endpoints"]
            return True
        return False

    def send_heartbeat(self):
        data = {"camera_id": self.camera_id, "api_key": self.api_key, "status": "active", "frame_count": self.frame_count}
        response = requests.post(self.endpoints["heartbeat"], json=data)
        if response.status_code == 200:
            commands = response.json().get("commands", [])
            self.process_commands(commands)
            return commands
        return None

    def upload_frame(self, frame, task="caption", question=None):
        _, buffer = cv2.imencode(".jpg", frame)
        frame_data = base64.b64encode(buffer).decode("utf-8")
        data = {
            "camera_id": self.camera_id, "api_key": self.api_key, "frame_data": frame_data,
            "timestamp": time.time(), "frame_number": self.frame_count, "task": task, "question": question,
        }
        response = requests.post(self.endpoints["upload_frame"], json=data)
        if response.status_code == 200:
            return response.json()
        return None

    def process_commands(self, commands):
        for command in commands:
            if command["type"] == "set_task":
                self.current_task = command["value"]


def test_the_seed_client_registers_beats_and_uploads(hub):
    client = CameraClient("Office Camera", "Office Room", "usb", hub.base)
    assert client.register()
    assert client.endpoints["heartbeat"] == f"{hub.base}/cameras/{client.camera_id}/heartbeat"
    # Every link the original hands out is there, and each one answers.
    assert {"heartbeat", "upload_frame", "stream", "status", "config"} <= set(client.endpoints)
    config = requests.get(client.endpoints["config"], timeout=5)
    assert config.status_code == 200 and config.json()["resolution"] == [640, 480] and config.json()["fps"] == 15
    assert requests.get(client.endpoints["status"], timeout=5).status_code == 200
    client.frame_count = 450
    assert client.send_heartbeat() == []
    # No vision model is configured: the seed client gets no result (it prints nothing)...
    assert client.upload_frame(jpeg_frame(), "caption") is None
    response = requests.post(client.endpoints["upload_frame"], json={
        "camera_id": client.camera_id, "api_key": client.api_key, "task": "caption",
        "frame_data": base64.b64encode(cv2.imencode(".jpg", jpeg_frame(1))[1]).decode()})
    assert response.status_code == 503 and response.json()["error"]["code"] == "no_vision_model"
    # ...but the frame was stored and every delivery path serves it.
    snapshot = requests.get(f"{hub.base}/cameras/{client.camera_id}/snapshot.jpg", timeout=5)
    assert snapshot.status_code == 200 and snapshot.content[:2] == b"\xff\xd8"
    decoded = cv2.imdecode(np.frombuffer(snapshot.content, np.uint8), cv2.IMREAD_COLOR)
    assert decoded.shape == (480, 640, 3)
    cameras = requests.get(f"{hub.base}/cameras", timeout=5).json()
    assert cameras[client.camera_id]["frame_count"] == 450
    assert cameras[client.camera_id]["status"] == "active"


def test_the_demo_flow_with_its_error_cases(hub):
    front = CameraClient("Front Door Camera", "Main Entrance", "rtsp", hub.base)
    back = CameraClient("Back Yard Camera", "Garden", "http", hub.base)
    assert front.register() and back.register()
    cameras = requests.get(f"{hub.base}/cameras").json()
    for client in (front, back):
        entry = cameras[client.camera_id]
        assert entry["name"] == client.name and entry["location"] == client.location
        # The original's CameraStatusResponse, field for field (it sets last_heartbeat at registration).
        assert entry["camera_id"] == client.camera_id
        for key in ["status", "registered_at", "last_heartbeat", "frame_count", "uptime_seconds"]:
            assert key in entry
        assert entry["last_heartbeat"] == entry["registered_at"]
        assert isinstance(entry["frame_count"], int) and isinstance(entry["uptime_seconds"], float)
    front.send_heartbeat()
    health = requests.get(f"{hub.base}/health").json()
    assert health["status"] == "healthy" and health["pipeline_loaded"] is True and "timestamp" in health
    assert {"cpu_percent", "memory_percent", "temperature_celsius"} <= set(health["system_info"])
    assert health["registered_cameras"] == 3  # the two cameras and the built-in test pattern
    assert health["active_cameras"] == 2  # the front camera's heartbeat and the test pattern's frames

    # The original demo calls start/stop without a key; loopback is trusted by default.
    stop = requests.post(f"{hub.base}/cameras/{back.camera_id}/stop")
    assert stop.status_code == 200 and stop.json() == {"status": "success", "message": f"Camera {back.camera_id} stopped"}
    assert requests.get(f"{hub.base}/cameras").json()[back.camera_id]["status"] == "stopped"
    start = requests.post(f"{hub.base}/cameras/{back.camera_id}/start")
    assert start.status_code == 200 and start.json() == {"status": "success", "message": f"Camera {back.camera_id} started"}
    status = requests.get(f"{hub.base}/cameras/{front.camera_id}/status", params={"api_key": front.api_key})
    assert status.status_code == 200 and status.json()["camera_id"] == front.camera_id
    assert {"name", "location", "status", "registered_at", "last_heartbeat", "frame_count", "uptime_seconds"} <= set(status.json())

    # Error cases: a malformed registration, a wrong key, an unknown camera.
    bad = requests.post(f"{hub.base}/register", json={"name": "x", "source_type": "vhs", "fps": 500})
    assert bad.status_code == 422
    assert {tuple(d["loc"]) for d in bad.json()["detail"]} >= {("body", "location"), ("body", "source_type"), ("body", "fps")}
    wrong_key = requests.post(front.endpoints["heartbeat"], json={"camera_id": front.camera_id, "api_key": "nope", "status": "active"})
    assert wrong_key.status_code == 401 and wrong_key.json()["error"]["code"] == "unauthorized"
    assert wrong_key.json()["detail"] == "Invalid camera credentials"
    # Credentials are checked before the id, as in the original: an unknown camera is a 401 too.
    unknown = requests.post(f"{hub.base}/cameras/unknown/heartbeat", json={"camera_id": "unknown", "api_key": "x"})
    assert unknown.status_code == 401 and unknown.json()["detail"] == "Invalid camera credentials"
    missing = requests.get(f"{hub.base}/cameras/unknown/status")
    assert missing.status_code == 404 and isinstance(missing.json()["detail"], str)
    assert requests.post(f"{hub.base}/register", data="{oops", headers={"content-type": "application/json"}).status_code == 400


def test_commands_round_trip_exactly_once(hub):
    client = CameraClient("Lobby", "Hall", "usb", hub.base)
    assert client.register()
    for command in [{"type": "adjust_fps", "value": 10, "reason": "High CPU usage"},
                    {"type": "change_resolution", "value": [320, 240]},
                    {"type": "set_task", "value": "vqa"},
                    {"type": "set_question", "value": "Is there a person in the image?"}]:
        queued = requests.post(f"{hub.base}/cameras/{client.camera_id}/commands", json=command)
        assert queued.status_code == 201, queued.text
    got = client.send_heartbeat()
    assert [c["type"] for c in got] == ["adjust_fps", "change_resolution", "set_task", "set_question"]
    assert got[1]["value"] == [320, 240] and got[0]["reason"] == "High CPU usage"
    assert client.current_task == "vqa"
    assert client.send_heartbeat() == []
    listed = requests.get(f"{hub.base}/cameras/{client.camera_id}/commands").json()["commands"]
    assert [c["state"] for c in listed] == ["delivered"] * 4
    config = requests.get(f"{hub.base}/cameras/{client.camera_id}/status").json()["config"]
    assert config["fps"] == 10 and config["resolution"] == [320, 240] and config["task"] == "vqa"
    assert requests.post(f"{hub.base}/cameras/{client.camera_id}/commands", json={"type": "adjust_fps", "value": 99}).status_code == 422


def test_a_registration_survives_kill_9_and_no_secret_is_stored_in_plain_text(start_hub):
    first = start_hub()
    client = CameraClient("Gate", "North", "rtsp", first.base)
    assert requests.post(f"{first.base}/register", json={
        "name": "Gate", "location": "North", "source_type": "rtsp", "url": "rtsp://10.0.0.5/stream",
        "username": "admin", "password": "hunter2-very-secret"}).status_code == 200
    assert client.register()
    queued = requests.post(f"{first.base}/cameras/{client.camera_id}/commands", json={"type": "adjust_fps", "value": 5})
    assert queued.status_code == 201
    first.crash()

    restarted = start_hub(args=["--data-dir", str(first.data_dir)], port=None)
    client.endpoints = {k: v.replace(first.base, restarted.base) for k, v in client.endpoints.items()}
    commands = client.send_heartbeat()
    assert commands is not None, "the key no longer works after a restart"
    assert [c["value"] for c in commands] == [5]

    for root, _, files in os.walk(first.data_dir):
        for name in files:
            content = open(os.path.join(root, name), "rb").read()
            assert client.api_key.encode() not in content, f"api key in plain text in {name}"
            assert b"hunter2-very-secret" not in content, f"password in plain text in {name}"


def test_management_off_loopback_trust_needs_a_key_or_the_admin_token(start_hub):
    hub = start_hub(env={"CAMHUB_TRUST_LOOPBACK": "false"})
    client = CameraClient("Dock", "East", "usb", hub.base)
    assert client.register()  # self-registration stays open by design
    assert requests.post(f"{hub.base}/cameras/{client.camera_id}/stop").status_code == 401
    # The status is as open as the listing, so the original demo reads it from anywhere.
    assert requests.get(f"{hub.base}/cameras/{client.camera_id}/status").status_code == 200
    assert requests.post(f"{hub.base}/cameras/{client.camera_id}/commands", json={"type": "adjust_fps", "value": 5}).status_code == 401
    token = (hub.data_dir / "admin.token").read_text().strip()
    assert oct((hub.data_dir / "admin.token").stat().st_mode & 0o777) == "0o600"
    admin = {"Authorization": f"Bearer {token}"}
    assert requests.post(f"{hub.base}/cameras/{client.camera_id}/stop", headers=admin).status_code == 200
    assert requests.post(f"{hub.base}/cameras/{client.camera_id}/start", params={"api_key": client.api_key}).status_code == 200
    assert requests.post(f"{hub.base}/cameras/{client.camera_id}/commands", headers=admin, json={"type": "adjust_fps", "value": 5}).status_code == 201


def test_raw_frames_feed_the_mjpeg_stream(hub):
    from mjpeg import MJPEGReader

    client = CameraClient("Raw", "Lab", "usb", hub.base)
    assert client.register()
    reader = None
    jpeg = cv2.imencode(".jpg", jpeg_frame(3))[1].tobytes()
    headers = {"Authorization": f"Bearer {client.api_key}", "Content-Type": "image/jpeg"}
    first = requests.post(f"{hub.base}/cameras/{client.camera_id}/frames", data=jpeg, headers=headers)
    assert first.status_code == 200 and first.json()["width"] == 640
    try:
        reader = MJPEGReader(hub.port, f"/cameras/{client.camera_id}/stream.mjpeg")
        _, got = reader.next_part()
        assert got == jpeg
        second = requests.post(f"{hub.base}/cameras/{client.camera_id}/frames", data=jpeg[:-2], headers=headers)
        assert second.status_code == 422
    finally:
        if reader:
            reader.close()


class StandInVisionModel:
    """A loopback OpenAI-compatible chat-completions server that answers with a fixed caption and
    remembers what it was sent."""

    def __init__(self):
        import http.server
        import json as _json
        import threading

        self.requests = []
        outer = self

        class Handler(http.server.BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers["Content-Length"]))
                outer.requests.append((self.path, _json.loads(body)))
                reply = _json.dumps({"model": "stand-in", "choices": [{"message": {"content": "A person walking in the hallway"}}],
                                     "usage": {"completion_tokens": 6}}).encode()
                self.send_response(200)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(reply)))
                self.end_headers()
                self.wfile.write(reply)

            def log_message(self, *args):
                pass

        self.server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.url = f"http://127.0.0.1:{self.server.server_address[1]}/v1"
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.server.shutdown()


def test_the_seed_client_gets_a_caption_from_a_configured_model(start_hub):
    model = StandInVisionModel()
    try:
        hub = start_hub(env={"CAMHUB_VLM_URL": model.url, "CAMHUB_VLM_MODEL": "llava"})
        client = CameraClient("Hallway", "Floor 2", "usb", hub.base)
        assert client.register()
        result = client.upload_frame(jpeg_frame(), "caption")
        assert result is not None
        assert result["result"]["caption"] == "A person walking in the hallway"
        assert result["task"] == "caption" and "processing_time" in result and "timestamp" in result
        path, sent = model.requests[-1]
        assert path == "/v1/chat/completions" and sent["model"] == "llava"
        image = sent["messages"][0]["content"][1]["image_url"]["url"]
        assert image.startswith("data:image/jpeg;base64,")
        stored = requests.get(f"{hub.base}/cameras/{client.camera_id}/results").json()["results"]
        assert stored[0]["result"]["caption"] == "A person walking in the hallway"
    finally:
        model.close()


def test_the_high_cpu_policy_asks_cameras_to_slow_down(start_hub):
    # A threshold of 1% is always crossed, so the policy acts on its first check.
    policy = {"policy": {"high_cpu": {"enabled": True, "cpu_percent": 1, "interval_seconds": 1, "min_fps": 5}}}
    hub = start_hub(config=policy)
    client = CameraClient("Busy", "Roof", "usb", hub.base)
    assert client.register()
    client.send_heartbeat()  # now it counts as active
    deadline = time.time() + 10
    commands = []
    while time.time() < deadline and not commands:
        time.sleep(0.5)
        commands = client.send_heartbeat()
    assert commands and commands[0]["type"] == "adjust_fps"
    assert commands[0]["value"] == 10 and commands[0]["reason"] == "High CPU usage"


def test_the_policy_is_off_by_default(hub):
    client = CameraClient("Calm", "Cellar", "usb", hub.base)
    assert client.register()
    client.send_heartbeat()
    time.sleep(2)
    assert client.send_heartbeat() == []
    assert json.loads((hub.data_dir / "camhub.json").read_text())["policy"]["high_cpu"]["enabled"] is False

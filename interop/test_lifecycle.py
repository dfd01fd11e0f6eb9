"""Start-up, configuration and shutdown of the real binary."""
import json
import subprocess
import time

import pytest
import requests
import websocket

from conftest import BINARY, free_port, wait_for
from mjpeg import MJPEGReader, stalled_viewer


def test_first_run_writes_the_config_with_defaults(hub):
    config = json.loads((hub.data_dir / "camhub.json").read_text())
    assert config["server"]["port"] == 8080  # the file keeps the default; --port overrides it
    assert config["cameras"][0]["source"] == "testpattern"
    assert config["logging"]["file"] == "camhub.log"
    assert (hub.data_dir / "camhub.sqlite").exists()


def test_logs_go_to_the_configured_file(hub):
    deadline = time.time() + 5
    log = hub.data_dir / "camhub.log"
    while time.time() < deadline and "camhub is serving" not in (log.read_text() if log.exists() else ""):
        time.sleep(0.1)
    assert "camhub is serving" in log.read_text()


def test_sigterm_with_viewers_connected_exits_zero(start_hub):
    hub = start_hub()
    live = MJPEGReader(hub.port, "/video_feed")
    live.next_part()
    stuck = stalled_viewer(hub.port, "/stream")
    time.sleep(1)
    started = time.monotonic()
    try:
        assert hub.stop(timeout=10) == 0
    finally:
        live.close()
        stuck.close()
    assert time.monotonic() - started < 10


@pytest.mark.parametrize("path, greeting", [
    ("/ws/live", '{"cameras": [{"id": "testpattern"}]}'),
    ("/cameras/testpattern/ws", None),
    ("/video-input-stream", b"\x07\x00\x00\x00"),
    ("/socket.io/?EIO=4&transport=websocket", "40"),
])
def test_sigterm_with_a_websocket_client_that_stopped_reading_exits_promptly(start_hub, path, greeting):
    hub = start_hub()
    ws = websocket.create_connection(hub.base.replace("http", "ws") + path, timeout=5)
    if isinstance(greeting, bytes):
        ws.send_binary(greeting)
    elif greeting:
        ws.send(greeting)
    time.sleep(1)  # frames or packets pile up unread in the socket
    started = time.monotonic()
    try:
        assert hub.stop(timeout=10) == 0
    finally:
        ws.close()
    # The close handshake waits 2 s at most for a client that does not answer.
    assert time.monotonic() - started < 5


def test_bad_config_value_exits_2_naming_the_key(tmp_path):
    (tmp_path / "camhub.json").write_text(json.dumps({"cameras": [{"id": "a", "fps": 500}]}))
    result = subprocess.run([BINARY, "serve", "--data-dir", str(tmp_path), "--port", str(free_port())],
                            capture_output=True, text=True, timeout=30)
    assert result.returncode == 2
    assert "cameras[0].fps" in result.stderr


def test_bad_environment_value_exits_2(tmp_path):
    result = subprocess.run([BINARY, "serve", "--data-dir", str(tmp_path)], capture_output=True, text=True,
                            timeout=30, env={"CAMHUB_PORT": "not-a-port", "PATH": "/usr/bin:/bin"})
    assert result.returncode == 2
    assert "CAMHUB_PORT" in result.stderr


def test_command_line_beats_environment_beats_file(start_hub):
    file_port, env_port, cli_port = free_port(), free_port(), free_port()
    config = {"server": {"port": file_port}}
    from_file = start_hub(config=config, port=file_port)
    assert requests.get(from_file.url("/health"), timeout=5).status_code == 200
    from_env = start_hub(config=config, env={"CAMHUB_PORT": str(env_port)}, port=env_port)
    assert requests.get(from_env.url("/health"), timeout=5).status_code == 200
    from_cli = start_hub(config=config, env={"CAMHUB_PORT": str(free_port())}, args=["--port", str(cli_port)], port=cli_port)
    assert requests.get(from_cli.url("/health"), timeout=5).status_code == 200


def test_data_written_before_a_crash_is_there_after_a_restart(start_hub, tmp_path):
    config = {"cameras": [{"id": "door", "name": "Door"}, {"id": "yard", "name": "Yard"}]}
    first = start_hub(config=config)
    assert set(requests.get(first.url("/cameras"), timeout=5).json()) == {"door", "yard"}
    registered = requests.post(first.url("/register"), json={"name": "Gate", "location": "north", "source_type": "usb"}, timeout=5)
    gate = registered.json()["camera_id"]
    first.crash()
    # Restart on the same data dir with a config that no longer names "yard": the registered camera
    # is still there, and the camera taken out of the config has left the registry.
    (first.data_dir / "camhub.json").write_text(json.dumps({"cameras": [{"id": "door", "name": "Door"}]}))
    second = subprocess.Popen([BINARY, "serve", "--data-dir", str(first.data_dir), "--port", str(first.port)],
                              stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.time() + 20
        cameras = None
        while time.time() < deadline:
            try:
                cameras = requests.get(first.url("/cameras"), timeout=1).json()
                break
            except requests.RequestException:
                time.sleep(0.1)
        assert cameras is not None and set(cameras) == {"door", gate}
    finally:
        second.terminate()
        assert second.wait(timeout=10) == 0


def test_post_server_shutdown_exits_zero_with_viewers_connected(start_hub):
    hub = start_hub()
    info = requests.get(hub.url("/server/pid"), timeout=5).json()
    assert info["pid"] == hub.process.pid
    assert {"SIGINT", "SIGTERM", "SIGHUP", "SIGUSR1", "SIGUSR2"} <= set(info["signals"])
    live = MJPEGReader(hub.port, "/video_feed")
    live.next_part()
    try:
        response = requests.post(hub.url("/server/shutdown"), timeout=5)
        # Seed 001's answer: 200 and its message.
        assert response.status_code == 200 and response.json()["message"] == "Graceful shutdown initiated"
        assert hub.process.wait(timeout=10) == 0
    finally:
        live.close()


def test_refusals_are_logged_with_the_client_and_the_reason_and_the_access_log_is_optional(start_hub):
    hub = start_hub(config={"logging": {"access": True}}, env={"CAMHUB_TRUST_LOOPBACK": "false"})
    assert requests.get(hub.url("/config"), headers={"Authorization": "Bearer wrong-token-123"}, timeout=5).status_code == 401
    assert requests.get(hub.url("/health"), timeout=5).status_code == 200

    def lines():
        return hub.output().splitlines()
    refused = wait_for(lambda: [line for line in lines() if "request refused" in line and "path=/config" in line])
    assert "client=127.0.0.1" in refused[0] and "status=401" in refused[0] and "reason=" in refused[0]
    assert "wrong-token-123" not in hub.output()
    assert wait_for(lambda: [line for line in lines() if " request " in f" {line} " and "path=/health" in line and "status=200" in line])


def test_the_access_log_is_off_by_default(hub):
    assert requests.get(hub.url("/health"), timeout=5).status_code == 200
    time.sleep(0.3)
    assert not [line for line in hub.output().splitlines() if "path=/health" in line]


def test_sigterm_ends_mjpeg_streams_cleanly(start_hub):
    """A reader gets the closing chunk, so curl exits 0 rather than 18 (transfer closed early)."""
    hub = start_hub()
    reader = subprocess.Popen(["curl", "-sS", "-o", "/dev/null", "-w", "%{http_code}", hub.url("/video_feed")],
                              stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
    wait_for(lambda: requests.get(hub.url("/cameras"), timeout=5).json()["testpattern"]["viewers"] >= 1)
    assert hub.stop(timeout=10) == 0
    out, err = reader.communicate(timeout=10)
    assert reader.returncode == 0, err
    assert out == "200"

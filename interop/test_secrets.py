"""Camera passwords never leak: a password with `#`, `%`, `@`, `/` and a space (which `URL(string:)`
cannot parse) in a configured source and in a registered `url` is used, and is in no JSON answer,
no log line at trace level, no file of the data dir, and no command line of camhub's children.
The data dir and its files are private."""
import io
import os
import stat
import subprocess
from pathlib import Path

import requests
from PIL import Image

from conftest import wait_for
from ipcamera import IPCamera

PASSWORD = "Kx#9%q@Lm/ z"
# The raw password and the forms it could take on its way out: percent-encoded (for ffmpeg) and
# the start of each.
LEAKS = [PASSWORD, "Kx#9", "Kx%239", "q@Lm", "Lm%2F"]


def leaks_in(text: str) -> list[str]:
    return [leak for leak in LEAKS if leak in text]


def children_command_lines(pid: int) -> list[bytes]:
    children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(pid)], capture_output=True, text=True).stdout.split()
    lines = []
    for child in children:
        try:
            lines.append(Path(f"/proc/{child}/cmdline").read_bytes())
        except FileNotFoundError:
            pass
    return lines


def test_a_password_url_parsers_refuse_is_used_and_shown_nowhere(start_hub):
    out = io.BytesIO()
    Image.new("RGB", (160, 120), (200, 20, 20)).save(out, "JPEG")
    camera = IPCamera(0, [out.getvalue()], credentials=("admin", PASSWORD))
    try:
        address = f"http://admin:{PASSWORD}@127.0.0.1:{camera.port}/video"
        hub = start_hub(
            config={"cameras": [
                {"id": "through-ffmpeg", "name": "Gate", "source": "ffmpeg:" + address, "width": 160, "height": 120, "fps": 5},
                {"id": "native", "name": "Yard", "source": address},
            ]},
            args=["--log-level", "trace"],
        )
        # Both paths get in with the password, so it really is handed over.
        for camera_id in ("through-ffmpeg", "native"):
            wait_for(lambda: requests.get(hub.url(f"/cameras/{camera_id}/snapshot.jpg"), timeout=5).status_code == 200, timeout=20)

        registered = requests.post(hub.url("/register"), json={
            "name": "Door", "location": "North", "source_type": "rtsp",
            "url": f"rtsp://viewer:{PASSWORD}@10.0.0.1/stream", "username": "viewer", "password": PASSWORD,
        }, timeout=5)
        assert registered.status_code == 200
        registered_id = registered.json()["camera_id"]
        status = requests.get(hub.url(f"/cameras/{registered_id}/status"), timeout=5).json()
        assert status["config"]["url"] == "rtsp://viewer:***@10.0.0.1/stream"

        answers = {"POST /register": registered.text}
        for path in ["/cameras", "/config", "/config?source=file", "/status", "/api/status", "/list",
                     "/hub/stats", "/health", f"/cameras/{registered_id}/status", "/cameras/through-ffmpeg/status",
                     "/cameras/native/status", "/api/cameras"]:
            answer = requests.get(hub.url(path), timeout=5)
            assert answer.status_code == 200, path
            answers[path] = answer.text
        assert {path: leaks_in(text) for path, text in answers.items() if leaks_in(text)} == {}
        assert "admin:***@127.0.0.1" in answers["/config"]

        # No child of camhub (ffmpeg) has it on its command line.
        commands = children_command_lines(hub.process.pid)
        assert any(b"ffmpeg" in command for command in commands)
        assert [command for command in commands if leaks_in(command.decode(errors="replace"))] == []

        # The logs, at trace level: standard error and the log file.
        assert leaks_in(hub.output()) == []
        data = hub.data_dir
        assert leaks_in((data / "camhub.log").read_text(errors="replace")) == []

        # The data dir's files: only the config file holds it, where the operator wrote it (0600).
        found = []
        for path in data.rglob("*"):
            if path.is_file() and path.name not in ("camhub.json", "stderr.log"):
                if leaks_in(path.read_bytes().decode("latin-1")):
                    found.append(path.name)
        assert found == []
        # No ffmpeg script with the URL was left in the temp dir either.
        assert [name for name in os.listdir("/tmp") if name.startswith("camhub-ffmpeg-")] == []
    finally:
        camera.kill()


def test_the_data_dir_and_its_files_are_private(start_hub, tmp_path):
    data = tmp_path / "open"
    data.mkdir(mode=0o755)
    (data / "camhub.json").write_text("{}")
    os.chmod(data, 0o755)
    os.chmod(data / "camhub.json", 0o644)
    hub = start_hub(args=["--data-dir", str(data)])
    requests.post(hub.url("/api/detection"), json={"type": "detection_result", "camera_id": "c", "checkpoint_id": "p", "timestamp": "2024-12-19T10:00:00Z"}, timeout=5)
    assert "the data dir was readable by other users" in hub.output()
    assert stat.S_IMODE(data.stat().st_mode) == 0o700
    modes = {path.name: stat.S_IMODE(path.stat().st_mode) for path in data.iterdir()}
    assert {"camhub.json", "camhub.sqlite", "camhub.log", "admin.token", "data.key"} <= set(modes)
    assert {name: mode for name, mode in modes.items() if mode not in (0o600, 0o700)} == {}
    assert hub.stop() == 0

    # A new data dir is private from the first byte.
    new = tmp_path / "new" / "data"
    fresh = start_hub(args=["--data-dir", str(new)])
    assert stat.S_IMODE(new.stat().st_mode) == 0o700
    assert {path.name: stat.S_IMODE(path.stat().st_mode) for path in new.iterdir() if stat.S_IMODE(path.stat().st_mode) != 0o600} == {}
    assert "readable by other users" not in fresh.output()

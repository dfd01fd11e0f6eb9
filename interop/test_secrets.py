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


# One distinctive value per kind of secret the config can hold.
CONFIG_SECRETS = {
    "vlm.api_key": "vlm-key-Q7r2Zp9wX4",
    "push.secret": "push-secret-M3k8Vt6yB1",
    "push.legacy_secret": "legacy-secret-H5n2Jc8dR7",
    "lpr.token": "lpr-token-W9s4Lf1gT3",
    "registration.token": "enrol-token-P6x3Nq7vK2",
    "webhooks[0].secret": "hook-secret-D8m1Yb5eU4",
}


def test_every_kind_of_secret_is_kept_out_of_answers_logs_and_files(start_hub):
    """Each secret in the config (the vision model's key, the push secrets, the LPR and enrolment
    tokens, a webhook's secret) and the admin token: `***` in `GET /config`, and in no JSON
    answer of the operator's routes, no log line at trace level, and no file of the data dir but
    where it is kept. (The database URL's password: test_postgres.py.)"""
    secrets = CONFIG_SECRETS
    hub = start_hub(
        config={
            "vlm": {"url": "http://127.0.0.1:9/v1", "model": "m", "api_key": secrets["vlm.api_key"]},
            "push": {"secret": secrets["push.secret"], "legacy_secret": secrets["push.legacy_secret"]},
            "lpr": {"token": secrets["lpr.token"]},
            "registration": {"token": secrets["registration.token"]},
            "webhooks": [{"url": "http://127.0.0.1:9/hook", "secret": secrets["webhooks[0].secret"]}],
            # Loopback is not the operator here, so every token is really checked.
            "server": {"trust_loopback": False},
        },
        args=["--log-level", "trace"],
    )
    admin_token = (hub.data_dir / "admin.token").read_text().strip()
    every = list(secrets.values()) + [admin_token]
    auth = {"Authorization": f"Bearer {admin_token}"}
    # Use them, so each is read and compared: a wrong and a right LPR token, enrolment, a push token.
    assert requests.get(hub.url("/api/cameras"), headers={"Authorization": "Bearer wrong"}, timeout=5).status_code == 401
    assert requests.get(hub.url("/api/cameras"), headers={"Authorization": f"Bearer {secrets['lpr.token']}"}, timeout=5).status_code == 200
    enrolled = requests.post(hub.url("/register"), json={"name": "Door", "location": "North", "source_type": "usb"},
                             headers={"X-Registration-Token": secrets["registration.token"]}, timeout=5)
    assert enrolled.status_code == 200, enrolled.text
    created = requests.post(hub.url("/cameras"), json={"name": "Pushed"}, headers=auth, timeout=5)
    assert created.status_code == 201

    config = requests.get(hub.url("/config"), headers=auth, timeout=5)
    assert config.status_code == 200
    assert config.json()["vlm"]["api_key"] == "***" and config.json()["webhooks"][0]["secret"] == "***"
    answers = {"/config": config.text}
    for path in ["/config?source=file", "/status", "/api/status", "/hub/stats", "/health", "/cameras", "/cluster",
                 "/api/webhooks", "/api/webhooks/deliveries", "/metrics", "/"]:
        answers[path] = requests.get(hub.url(path), headers=auth, timeout=5).text
    assert {path: [s for s in every if s in text] for path, text in answers.items() if any(s in text for s in every)} == {}

    # Logs at trace: none, but the admin token's one-time line on standard error at its creation.
    output = "\n".join(line for line in hub.output().splitlines() if not line.startswith("camhub: created the admin token"))
    assert [s for s in every if s in output] == []
    assert [s for s in every if s in (hub.data_dir / "camhub.log").read_text(errors="replace")] == []

    # Files: the config file holds what the operator wrote, admin.token the token; nothing else.
    found = {}
    for path in hub.data_dir.rglob("*"):
        if path.is_file() and path.name not in ("camhub.json", "admin.token", "stderr.log"):
            hits = [s for s in every if s in path.read_bytes().decode("latin-1")]
            if hits:
                found[path.name] = hits
    assert found == {}

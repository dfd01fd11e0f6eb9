"""Every kind of file camhub writes, on a disk that refuses: full (ENOSPC, a filled 20 MB tmpfs,
root only) and failing (EIO, `eio_shim.c` preloaded, for that file kind alone). Each time the
writer gets a clear answer (507 `insufficient_storage` or 500 `disk_error`, or a clear line from a
command), the file that was there is kept whole, no temporary file is left behind, live video goes
on, and writing resumes once the disk takes writes again, without a restart.

The full-disk behaviour of the database and the blobs is in test_full_disk.py; here are the clips,
the config file, the admin token, the agent's state file, and EIO for every kind."""
import json
import os
import signal
import sqlite3
import subprocess
import time
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Callable

import pytest
import requests
import socketio

from conftest import BINARY, free_port, wait_for
from disks import assert_live_video, detection, eio_library, failing_disk, fill, small_disk  # noqa: F401 (fixtures)


@dataclass
class RefusingDisk:
    """A folder for camhub's files, and how to make the disk under it refuse writes and stop."""
    kind: str
    folder: Path
    env: dict
    refuse: Callable[[], None]
    recover: Callable[[], None]

    @property
    def status(self) -> int:
        return 507 if self.kind == "full" else 500

    @property
    def code(self) -> str:
        return "insufficient_storage" if self.kind == "full" else "disk_error"

    @property
    def words(self) -> str:
        """What every answer and log line about this refusal says."""
        return "disk is full" if self.kind == "full" else "I/O error"

    def assert_refused(self, response):
        assert response.status_code == self.status, (response.status_code, response.text[:300])
        assert response.headers["Content-Type"].startswith("application/json")
        error = response.json()["error"]
        assert error["code"] == self.code and self.words in error["message"]


def refusing_disk(kind: str, request, tmp_path: Path, *paths: str) -> RefusingDisk:
    """`full`: a tmpfs that is filled; `eio`: files whose path contains one of `paths` fail."""
    if kind == "full":
        disk = request.getfixturevalue("small_disk")
        folder = disk / "data"
        folder.mkdir()
        return RefusingDisk(kind, folder, {}, lambda: fill(disk), lambda: (disk / "filler").unlink(missing_ok=True))
    shim = request.getfixturevalue("failing_disk")
    folder = tmp_path / "data"
    folder.mkdir()
    return RefusingDisk(kind, folder, shim.env(*paths), lambda: shim.fail(True), lambda: shim.fail(False))


def temporaries(folder: Path) -> list[str]:
    return [path.name for path in folder.iterdir() if path.name.startswith(".") and path.name.endswith(".camhub-tmp")]


KINDS = ["full", "eio"]


@pytest.mark.parametrize("kind", KINDS)
def test_a_config_change_the_disk_refuses_is_answered_clearly_and_changes_nothing(kind, request, tmp_path, start_hub):
    disk = refusing_disk(kind, request, tmp_path, "camhub.json")
    hub = start_hub(args=["--data-dir", str(disk.folder)], env=disk.env)
    config = requests.get(hub.url("/config"), params={"source": "file"}, timeout=5).json()
    renamed = json.loads(json.dumps(config))
    renamed["cameras"][0]["name"] = "Renamed"
    before = (disk.folder / "camhub.json").read_bytes()

    disk.refuse()
    try:
        disk.assert_refused(requests.put(hub.url("/config"), json=renamed, timeout=10))
        assert (disk.folder / "camhub.json").read_bytes() == before, "the config file changed"
        assert temporaries(disk.folder) == []
        # The configuration in force is the one in the file.
        assert requests.get(hub.url("/config"), timeout=5).json()["cameras"][0]["name"] == config["cameras"][0]["name"]
        assert_live_video(hub)
    finally:
        disk.recover()
    answer = requests.put(hub.url("/config"), json=renamed, timeout=10)
    assert answer.status_code == 200, answer.text
    assert json.loads((disk.folder / "camhub.json").read_text())["cameras"][0]["name"] == "Renamed"
    assert temporaries(disk.folder) == []


@pytest.mark.parametrize("kind", KINDS)
def test_rotating_the_admin_token_on_a_refusing_disk_says_why_and_keeps_the_old_token(kind, request, tmp_path, start_hub):
    disk = refusing_disk(kind, request, tmp_path, "admin.token")
    (disk.folder / "camhub.json").write_text(json.dumps({"server": {"trust_loopback": False}}))
    hub = start_hub(args=["--data-dir", str(disk.folder)])
    token_file = disk.folder / "admin.token"
    old = token_file.read_text().strip()

    def works(token):
        return requests.get(hub.url("/config"), headers={"Authorization": f"Bearer {token}"}, timeout=5).status_code == 200

    def rotate():
        return subprocess.run([BINARY, "admin-token", "rotate", "--data-dir", str(disk.folder)], capture_output=True, text=True,
                              timeout=30, env={**os.environ, **disk.env})

    assert works(old)
    disk.refuse()
    try:
        refused = rotate()
        assert refused.returncode == 1, refused
        assert disk.words in refused.stderr and "the admin token was not changed" in refused.stderr, refused.stderr
        assert refused.stdout == "", "a token that was not kept was printed"
        assert token_file.read_text().strip() == old
        assert temporaries(disk.folder) == []
        time.sleep(1.5)  # the hub looks at the file every second
        assert works(old)
    finally:
        disk.recover()
    rotated = rotate()
    assert rotated.returncode == 0, rotated.stderr
    new = rotated.stdout.strip()
    assert token_file.read_text().strip() == new != old
    wait_for(lambda: works(new) and not works(old), timeout=5)


@pytest.mark.parametrize("secret", ["admin.token", "push.secret", "data.key"])
def test_a_first_start_that_cannot_write_a_secret_says_so_and_starts_once_the_disk_works(secret, request, tmp_path, start_hub):
    disk = refusing_disk("eio", request, tmp_path, secret)
    disk.refuse()
    try:
        failed = subprocess.run([BINARY, "serve", "--data-dir", str(disk.folder), "--port", str(free_port())], capture_output=True, text=True,
                                timeout=30, env={**os.environ, **disk.env})
        assert failed.returncode == 1, failed
        assert f"camhub: cannot start: the disk reported an I/O error in {disk.folder}" in failed.stderr, failed.stderr[-1000:]
        assert not (disk.folder / secret).exists()
        assert temporaries(disk.folder) == []
    finally:
        disk.recover()
    hub = start_hub(args=["--data-dir", str(disk.folder)], env=disk.env)
    assert (disk.folder / secret).exists()
    assert_live_video(hub)


@pytest.mark.parametrize("kind", KINDS)
def test_an_agent_whose_state_file_the_disk_refuses_registers_once_and_saves_it_later(kind, request, tmp_path, start_hub):
    disk = refusing_disk(kind, request, tmp_path, "agent.json")
    hub = start_hub()
    state_file = disk.folder / "agent.json"
    log_path = tmp_path / "agent.log"

    def start_agent():
        log = open(log_path, "a")
        return subprocess.Popen(
            [BINARY, "agent", "--hub", hub.base, "--name", "Disk Cam", "--location", "Lab", "--fps", "5",
             "--state-file", str(state_file), "--heartbeat-interval", "1"],
            stdout=log, stderr=subprocess.STDOUT, env={**os.environ, **disk.env},
        )

    def agents():
        return {id: camera for id, camera in requests.get(hub.url("/cameras"), timeout=5).json().items() if camera["name"] == "Disk Cam"}

    disk.refuse()
    agent = start_agent()
    try:
        cameras = wait_for(lambda: (found := agents()) and all(c["frame_count"] > 3 for c in found.values()) and found, timeout=20)
        time.sleep(4)  # four heartbeats, each of which tries the file again
        assert list(agents()) == list(cameras), "the agent registered again because its state file could not be written"
        assert not state_file.exists()
        assert temporaries(disk.folder) == []
        log = log_path.read_text()
        assert "identity could not be saved" in log and disk.words in log, log[-2000:]
        assert log.count("identity could not be saved") == 1, "said once, not at each heartbeat"

        disk.recover()
        camera_id = next(iter(cameras))
        assert wait_for(lambda: state_file.exists() and json.loads(state_file.read_text())["camera_id"] == camera_id, timeout=10)
        assert "identity is saved now" in log_path.read_text()
    finally:
        disk.recover()
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=15) == 0
    # Restarted, it is the same camera.
    agent = start_agent()
    try:
        time.sleep(3)
        assert list(agents()) == list(cameras)
    finally:
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=15) == 0


def test_a_failing_database_disk_refuses_stores_clearly_keeps_video_and_recovers(request, tmp_path, start_hub, failing_disk):
    disk = refusing_disk("eio", request, tmp_path, "camhub.sqlite")
    hub = start_hub(args=["--data-dir", str(disk.folder)], env=disk.env)
    assert requests.post(hub.url("/api/detection"), json=detection(0, image=False), timeout=10).status_code == 200
    client = socketio.Client()
    client.connect(hub.base, wait_timeout=10)
    try:
        disk.refuse()
        try:
            disk.assert_refused(requests.post(hub.url("/api/detection"), json=detection(1, image=False), timeout=10))
            disk.assert_refused(requests.post(hub.url("/register"), json={"name": "cam", "location": "lot", "source_type": "rtsp"}, timeout=10))
            ack = client.call("lpr_data", detection(2, image=False), timeout=10)
            assert ack["success"] is False and ack["code"] == "disk_error", ack
            assert failing_disk.hits() > 0
            assert_live_video(hub)
            assert hub.process.poll() is None
        finally:
            disk.recover()
        assert wait_for(lambda: requests.post(hub.url("/api/detection"), json=detection(3, image=False), timeout=10).status_code == 200)
        ack = client.call("lpr_data", detection(4, image=False), timeout=10)
        assert ack["success"] is True, ack
    finally:
        client.disconnect()
    assert "request failed: the disk reported an I/O error" in hub.output()

    def stored():
        plates = [f"FULL{number}" for number in range(5)]
        return {plate for plate in plates if requests.get(hub.url("/api/records"), params={"plate": plate}, timeout=5).json()["records"]}
    assert stored() == {"FULL0", "FULL3", "FULL4"}
    # What was acknowledged is there after a restart, and the database is whole.
    assert hub.stop() == 0
    database = sqlite3.connect(disk.folder / "camhub.sqlite")
    assert database.execute("PRAGMA integrity_check").fetchone()[0] == "ok"
    database.close()
    hub = start_hub(args=["--data-dir", str(disk.folder)])
    assert stored() == {"FULL0", "FULL3", "FULL4"}


def test_a_failing_blob_disk_refuses_the_detection_with_its_image_and_recovers(request, tmp_path, start_hub):
    disk = refusing_disk("eio", request, tmp_path, "/blobs/")
    hub = start_hub(args=["--data-dir", str(disk.folder)], env=disk.env)
    assert requests.post(hub.url("/api/detection"), json=detection(0), timeout=10).status_code == 200
    disk.refuse()
    try:
        disk.assert_refused(requests.post(hub.url("/api/detection"), json=detection(1), timeout=10))
        assert temporaries(disk.folder / "blobs") == []
        assert_live_video(hub)
    finally:
        disk.recover()
    assert requests.post(hub.url("/api/detection"), json=detection(2), timeout=10).status_code == 200
    for number, expected in [(0, 1), (1, 0), (2, 1)]:
        records = requests.get(hub.url("/api/records"), params={"plate": f"FULL{number}"}, timeout=5).json()["records"]
        assert len(records) == expected, (number, records)
        if records:
            image = requests.get(hub.url(records[0]["annotated_image_url"]), timeout=5)
            assert image.status_code == 200 and image.content[:2] == b"\xff\xd8"


@pytest.mark.parametrize("kind", KINDS)
def test_a_refusing_clip_disk_stops_clips_with_a_log_line_and_a_metric_while_video_and_motion_go_on(kind, request, tmp_path, start_hub):
    from test_motion import clip_parts, config, events, scene
    disk = refusing_disk(kind, request, tmp_path, "/clips/")
    scene(tmp_path / "frames")
    (disk.folder / "camhub.json").write_text(json.dumps(config(tmp_path / "frames")))
    hub = start_hub(args=["--data-dir", str(disk.folder)], env=disk.env)
    wait_for(lambda: [e for e in events(hub)["events"] if e["clip_url"]], timeout=20)

    def failures():
        metrics = requests.get(hub.url("/metrics"), timeout=5).text
        line = next((line for line in metrics.splitlines() if line.startswith("camhub_clip_write_failures_total ")), "x 0")
        return int(float(line.split()[1]))

    disk.refuse()
    try:
        wait_for(lambda: failures() >= 1, timeout=20)
        assert "a clip could not be written" in hub.output() and disk.words in hub.output()
        assert hub.process.poll() is None
        assert_live_video(hub)
    finally:
        disk.recover()
    # The next event gets its clip, on the same process.
    recovered = time.time()
    later = wait_for(lambda: [e for e in events(hub)["events"] if e["clip_url"] and datetime.fromisoformat(e["start"]).timestamp() > recovered + 1], timeout=30)[0]
    parts, _ = clip_parts(hub, later)
    assert parts

"""camhub on PostgreSQL (`database.url`), against the throwaway server `make test` starts: clear
start-up errors, the password kept out of sight, migrations once for hubs starting together, one
registry for hubs sharing the database, and a server that goes away and comes back."""
import json
import os
import subprocess
import threading
import time
import urllib.parse

import pytest
import requests

from conftest import POSTGRES_URL, wait_for
from mjpeg import MJPEGReader

pytestmark = pytest.mark.skipif(POSTGRES_URL is None, reason="no PostgreSQL configured (CAMHUB_TEST_POSTGRES_URL)")


@pytest.fixture
def url():
    """A schema of this test's own in the throwaway server."""
    return f"{POSTGRES_URL}&schema=t_{os.urandom(8).hex()}"


def with_password(url: str, password: str) -> str:
    parts = urllib.parse.urlsplit(url)
    netloc = f"{parts.username}:{password}@{parts.hostname}:{parts.port}"
    return urllib.parse.urlunsplit(parts._replace(netloc=netloc))


def test_a_wrong_password_stops_the_hub_with_exit_2_and_says_why_without_the_password(start_hub, url):
    wrong = with_password(url, "not-the-password-9f2c")
    hub = start_hub(env={"CAMHUB_DATABASE_URL": wrong}, ready=False)
    assert hub.process.wait(timeout=30) == 2
    hub.crashed = True
    output = hub.output()
    assert "camhub: database: could not connect to 127.0.0.1:" in output
    assert "password authentication failed" in output and "database.url" in output
    assert "not-the-password-9f2c" not in output


def test_an_unreachable_server_and_a_bad_url_stop_the_hub_with_exit_2(start_hub, url):
    parts = urllib.parse.urlsplit(url)
    closed = urllib.parse.urlunsplit(parts._replace(netloc=f"{parts.username}:{parts.password}@127.0.0.1:1"))
    hub = start_hub(env={"CAMHUB_DATABASE_URL": closed}, ready=False)
    assert hub.process.wait(timeout=30) == 2
    hub.crashed = True
    assert "camhub: database: could not connect to 127.0.0.1:1: connection refused" in hub.output()
    bad = start_hub(env={"CAMHUB_DATABASE_URL": "postgres://nobody@/nodb"}, ready=False)
    assert bad.process.wait(timeout=30) == 2
    bad.crashed = True
    assert "database.url" in bad.output()


def test_the_password_is_stars_in_the_config_and_kept_when_sent_back(start_hub, url):
    password = urllib.parse.urlsplit(url).password
    hub = start_hub(config={"database": {"url": url}})
    shown = requests.get(hub.url("/config"), timeout=5).json()
    assert password not in json.dumps(shown) and ":***@" in shown["database"]["url"]
    assert password not in requests.get(hub.url("/status"), timeout=5).text
    shown["hub"]["inactive_after"] = 120
    assert requests.put(hub.url("/config"), json=shown, timeout=10).status_code == 200
    assert json.loads((hub.data_dir / "camhub.json").read_text())["database"]["url"] == url
    assert password not in hub.output()


def test_hubs_starting_together_migrate_once_and_share_one_registry(start_hub, url):
    hubs = [start_hub(env={"CAMHUB_DATABASE_URL": url}, ready=False) for _ in range(3)]
    for hub in hubs:
        hub.wait_ready()
    assert sum("database migrated" in hub.output() for hub in hubs) == 1
    first, second, third = hubs
    registered = requests.post(first.url("/register"), json={"name": "Gate", "location": "north", "source_type": "usb"}, timeout=5).json()
    camera, key = registered["camera_id"], registered["api_key"]
    # The others see it at once (no cache in front of a shared registry) and take its key.
    beat = requests.post(second.url(f"/cameras/{camera}/heartbeat"), json={"camera_id": camera, "api_key": key}, timeout=5)
    assert beat.status_code == 200, beat.text
    assert camera in requests.get(third.url("/cameras"), timeout=5).json()
    # A command queued through one hub is delivered once, through another.
    queued = requests.post(first.url(f"/cameras/{camera}/commands"), json={"type": "adjust_fps", "value": 5}, timeout=5)
    assert queued.status_code == 201, queued.text
    delivered = [requests.post(h.url(f"/cameras/{camera}/heartbeat"), json={"camera_id": camera, "api_key": key}, timeout=5).json()["commands"]
                 for h in (third, second)]
    assert [len(c) for c in delivered] == [1, 0]
    # Stopped through one hub is stopped on every hub.
    assert requests.post(second.url(f"/cameras/{camera}/stop"), timeout=5).status_code == 200
    assert requests.get(third.url(f"/cameras/{camera}/status"), timeout=5).json()["status"] == "stopped"


def comparable(answer, base: str):
    """An answer without its `timestamp` fields and with links made relative."""
    if isinstance(answer, dict):
        return {k: comparable(v, base) for k, v in answer.items() if k not in ("timestamp", "lastActive")}
    if isinstance(answer, list):
        return [comparable(v, base) for v in answer]
    return answer.replace(base, "") if isinstance(answer, str) else answer


def server(action: str) -> None:
    """Stops (as a crash would) or starts the throwaway server under the test."""
    binary, data = os.environ["CAMHUB_TEST_POSTGRES_BIN"], os.environ["CAMHUB_TEST_POSTGRES_DATA"]
    run_as = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []
    command = [f"{binary}/pg_ctl", "-D", data, "-w"] + (["-m", "immediate", "stop"] if action == "stop" else ["start"])
    subprocess.run(run_as + command, check=True, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, timeout=60)


@pytest.mark.skipif("CAMHUB_TEST_POSTGRES_DATA" not in os.environ, reason="needs the throwaway server of scripts/with-postgres.sh")
def test_a_server_that_goes_away_gets_503_while_video_flows_and_the_hub_recovers(start_hub, url):
    hub = start_hub(env={"CAMHUB_DATABASE_URL": url})
    reader = MJPEGReader(hub.port, "/video_feed")
    reader.next_part()
    server("stop")
    try:
        answers = [requests.get(hub.url("/cameras"), timeout=15) for _ in range(3)]
        assert all(a.status_code == 503 and a.json()["error"]["code"] == "database_unavailable" for a in answers), [a.text for a in answers]
        # Live video needs no database.
        started = time.monotonic()
        frames = 0
        while time.monotonic() - started < 2:
            reader.next_part()
            frames += 1
        assert frames >= 10
        # ... and a viewer who comes now is served too.
        late = MJPEGReader(hub.port, "/video_feed")
        assert late.next_part()[1][:2] == b"\xff\xd8"
        late.close()
        assert requests.get(hub.url("/health"), timeout=5).status_code in (200, 503)
    finally:
        server("start")
    wait_for(lambda: requests.get(hub.url("/cameras"), timeout=5).status_code == 200, timeout=30)
    reader.close()


def test_hubs_on_one_database_agree_on_secrets_and_serve_each_others_images(start_hub, url, tmp_path):
    import base64
    import io
    import struct

    import websocket
    from PIL import Image

    from conftest import BINARY

    closed = {"server": {"trust_loopback": False}}
    first = start_hub(config=closed, env={"CAMHUB_DATABASE_URL": url})
    second = start_hub(config=closed, env={"CAMHUB_DATABASE_URL": url})
    token = (first.data_dir / "admin.token").read_text().strip()
    admin = {"Authorization": f"Bearer {token}"}
    # The token made by the first hub is the operator's on the second, which made none of its own.
    assert not (second.data_dir / "admin.token").exists()
    assert requests.get(second.url("/config"), headers=admin, timeout=5).status_code == 200
    assert requests.get(second.url("/config"), timeout=5).status_code == 401

    # A push camera created through one hub pushes to the other with the token it was given.
    created = requests.post(first.url("/cameras"), json={"id": 31, "name": "Door"}, headers=admin, timeout=5).json()
    ws = websocket.create_connection(second.base.replace("http://", "ws://") + "/video-input-stream", timeout=8)
    ws.send_binary(struct.pack("<I", 31))
    ws.send_binary(struct.pack("<I", len(created["push_token"])) + created["push_token"].encode())
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (0, 120, 200)).save(out, "JPEG")
    ws.send_binary(struct.pack("<I", len(out.getvalue())) + out.getvalue())
    wait_for(lambda: requests.get(second.url("/get-image?cameraId=31"), timeout=5).status_code == 200)
    ws.close()
    # camhub push-token reads the same secret from the database.
    printed = subprocess.run([BINARY, "push-token", "31", "--data-dir", str(tmp_path / "elsewhere")], env={**os.environ, "CAMHUB_DATABASE_URL": url},
                             capture_output=True, text=True, timeout=30)
    assert printed.returncode == 0, printed.stderr
    assert printed.stdout.strip() == created["push_token"]

    # An image stored with a detection through one hub is served by the other.
    detection = {"type": "detection_result", "camera_id": "lane_1", "checkpoint_id": "west", "timestamp": "2024-12-19T10:00:00Z",
                 "ocr_results": ["SHARED1"], "annotated_image": base64.b64encode(out.getvalue()).decode()}
    stored = requests.post(first.url("/api/detection"), json=detection, timeout=5)
    assert stored.status_code == 200, stored.text
    record = requests.get(second.url("/api/records"), params={"plate": "SHARED1"}, headers=admin, timeout=5).json()["records"][0]
    image = requests.get(second.url(record["annotated_image_url"]), timeout=5)
    assert image.status_code == 200 and image.content == out.getvalue()
    assert not (second.data_dir / "blobs").exists()


def test_db_copy_moves_a_populated_sqlite_hub_to_postgres_and_the_copy_answers_the_same(start_hub, url, tmp_path):
    import base64
    import io
    import struct

    import websocket
    from PIL import Image

    from conftest import BINARY

    old = start_hub()
    registered = requests.post(old.url("/register"), json={"name": "Gate", "location": "north", "source_type": "rtsp",
                                                            "url": "rtsp://cam/stream", "password": "s3cret"}, timeout=5).json()
    camera, key = registered["camera_id"], registered["api_key"]
    assert requests.post(old.url(f"/cameras/{camera}/commands"), json={"type": "adjust_fps", "value": 7}, timeout=5).status_code == 201
    pushed = requests.post(old.url("/cameras"), json={"id": 44, "name": "Door"}, timeout=5).json()
    out = io.BytesIO()
    Image.new("RGB", (32, 24), (250, 10, 10)).save(out, "JPEG")
    for n in range(5):
        body = {"type": "detection_result", "camera_id": "lane_1", "checkpoint_id": "west", "timestamp": f"2024-12-19T10:00:0{n}Z",
                "ocr_results": [f"COPY{n}"], **({"annotated_image": base64.b64encode(out.getvalue()).decode()} if n == 0 else {})}
        assert requests.post(old.url("/api/detection"), json=body, timeout=5).status_code == 200
    health = {"type": "health_check", "camera_id": "lane_1", "checkpoint_id": "west", "timestamp": "t", "component": "camera", "status": "healthy"}
    assert requests.post(old.url("/api/health"), json=health, timeout=5).status_code == 200
    before = {path: requests.get(old.url(path), timeout=5).json() for path in ["/api/records?limit=10", "/api/statistics", "/list"]}
    listing = requests.get(old.url("/cameras"), timeout=5).json()
    assert old.stop() == 0

    copy = [BINARY, "db", "copy", "--from", f"sqlite:{old.data_dir / 'camhub.sqlite'}", "--to", url]
    done = subprocess.run(copy, capture_output=True, text=True, timeout=60)
    assert done.returncode == 0, done.stderr
    assert "copied 4 cameras, 1 commands" in done.stdout and "5 detections" in done.stdout and "1 health reports" in done.stdout
    assert "camhub: copying:" in done.stderr and "copied the push secret" in done.stderr
    # A second copy into the now populated target is refused, and says how to insist.
    again = subprocess.run(copy, capture_output=True, text=True, timeout=60)
    assert again.returncode == 2 and "--allow-existing" in again.stderr

    new = start_hub(env={"CAMHUB_DATABASE_URL": url})
    after = {path: requests.get(new.url(path), timeout=5).json() for path in before}
    # The same answers, apart from the time they were given and the hub's own address.
    for path in before:
        assert comparable(after[path], new.base) == comparable(before[path], old.base), path
    assert set(requests.get(new.url("/cameras"), timeout=5).json()) == set(listing)
    # The camera's old key works, and its queued command is delivered once.
    beat = requests.post(new.url(f"/cameras/{camera}/heartbeat"), json={"camera_id": camera, "api_key": key}, timeout=5).json()
    assert [c["type"] for c in beat["commands"]] == ["adjust_fps"]
    # The image came along, and the push camera's token still works.
    record = requests.get(new.url("/api/records"), params={"plate": "COPY0"}, timeout=5).json()["records"][0]
    assert requests.get(new.url(record["annotated_image_url"]), timeout=5).content == out.getvalue()
    ws = websocket.create_connection(new.base.replace("http://", "ws://") + "/video-input-stream", timeout=8)
    ws.send_binary(struct.pack("<I", 44))
    ws.send_binary(struct.pack("<I", len(pushed["push_token"])) + pushed["push_token"].encode())
    ws.send_binary(struct.pack("<I", len(out.getvalue())) + out.getvalue())
    wait_for(lambda: requests.get(new.url("/get-image?cameraId=44"), timeout=5).status_code == 200)
    ws.close()

"""Network cameras declared through the API (`POST /cameras` with an http(s):// or rtsp(s)://
`source`): stored in the registry with their password sealed, captured by the hub (on a site of
several hubs, by one of them at a time: see test_cluster.py), removed with `DELETE /cameras/{id}`.
Run on SQLite and on PostgreSQL."""
import requests
import pytest

from conftest import wait_for
from ipcamera import IPCamera
from test_seed003_push import jpeg

pytestmark = pytest.mark.usefixtures("database_url")

PASSWORD = "n3t#w0rk:p@ss"
FRAMES = [jpeg((255, 0, 0)), jpeg((0, 255, 0))]


@pytest.fixture
def ip_camera():
    camera = IPCamera(0, FRAMES, credentials=("viewer", PASSWORD))
    yield camera
    camera.kill()


def source_of(camera: IPCamera, password: str = PASSWORD) -> str:
    return f"http://viewer:{password}@127.0.0.1:{camera.port}/video.mjpg"


def create(hub, **fields):
    return requests.post(hub.url("/cameras"), json={"name": "Gate", **fields}, timeout=10)


def test_a_network_camera_is_captured_listed_without_its_password_and_removed(start_hub, ip_camera):
    hub = start_hub()
    created = create(hub, id="gate-net", location="North", source=source_of(ip_camera), resolution=[320, 240], fps=10)
    assert created.status_code == 201, created.text
    body = created.json()
    assert body["kind"] == "network" and "push_token" not in body
    assert body["source"] == f"http://viewer:***@127.0.0.1:{ip_camera.port}/video.mjpg"

    # The hub reads the stream with the sealed credentials: frames come through as they were sent.
    snapshot = wait_for(lambda: (r := requests.get(hub.url("/cameras/gate-net/snapshot.jpg"), timeout=5)).status_code == 200 and r, timeout=15)
    assert snapshot.content in FRAMES
    assert ip_camera.streaming == 1
    listing = requests.get(hub.url("/cameras"), timeout=5)
    assert listing.json()["gate-net"]["kind"] == "network"
    wait_for(lambda: requests.get(hub.url("/cameras/gate-net/status"), timeout=5).json()["status"] == "active")
    status = requests.get(hub.url("/cameras/gate-net/status"), timeout=5)
    for answer in (created, listing, status, requests.get(hub.url("/cameras/gate-net/config"), timeout=5)):
        assert PASSWORD not in answer.text and "n3t" not in answer.text

    # Kept across a restart: captured again with the same sealed credentials.
    assert hub.stop() == 0
    for path in hub.data_dir.rglob("*"):
        if path.is_file():
            assert PASSWORD.encode() not in path.read_bytes(), f"the camera's password is readable in {path}"
    wait_for(lambda: ip_camera.streaming == 0, timeout=5)
    restarted = start_hub(args=["--data-dir", str(hub.data_dir)])
    snapshot = wait_for(lambda: (r := requests.get(restarted.url("/cameras/gate-net/snapshot.jpg"), timeout=5)).status_code == 200 and r, timeout=15)
    assert snapshot.content in FRAMES
    assert ip_camera.streaming == 1


def test_bad_network_sources_are_refused_with_the_field_named(start_hub):
    hub = start_hub()
    cases = {
        "file:/etc": "source",  # a hub's own files are not the API's to name
        "ffmpeg:/etc/passwd": "source",
        "/dev/video0": "source",
        "testpattern": "source",
        "http://": "source",  # no host
        "rtsp:///stream": "source",
    }
    for source, field in cases.items():
        reply = create(hub, source=source)
        assert reply.status_code == 422, (source, reply.text)
        assert field in [problem["loc"][-1] for problem in reply.json()["detail"]], (source, reply.text)
    for extra, field in [({"fps": 0}, "fps"), ({"fps": "ten"}, "fps"), ({"resolution": [8, 8]}, "resolution"), ({"source": 42}, "source")]:
        reply = create(hub, **{"source": "http://127.0.0.1:9/x", **extra})
        assert reply.status_code == 422, (extra, reply.text)
        assert field in [problem["loc"][-1] for problem in reply.json()["detail"]], (extra, reply.text)
    assert requests.get(hub.url("/cameras"), timeout=5).json().keys() == {"testpattern"}


def test_removing_cameras(start_hub, ip_camera):
    hub = start_hub(config={"server": {"trust_loopback": False}})
    token = (hub.data_dir / "admin.token").read_text().strip()
    operator = {"Authorization": f"Bearer {token}"}
    created = requests.post(hub.url("/cameras"), json={"id": "yard", "name": "Yard", "source": source_of(ip_camera)}, headers=operator, timeout=10)
    assert created.status_code == 201, created.text
    wait_for(lambda: ip_camera.streaming == 1)

    refused = requests.delete(hub.url("/cameras/yard"), timeout=5)
    assert refused.status_code == 401 and refused.json()["error"]["code"] == "unauthorized"
    local = requests.delete(hub.url("/cameras/testpattern"), headers=operator, timeout=5)
    assert local.status_code == 409 and local.json()["error"]["code"] == "declared_in_config"
    unknown = requests.delete(hub.url("/cameras/nope"), headers=operator, timeout=5)
    assert unknown.status_code == 404 and unknown.json()["error"]["code"] == "not_found"

    removed = requests.delete(hub.url("/cameras/yard"), headers=operator, timeout=5)
    assert removed.status_code == 200 and removed.json() == {"status": "removed", "camera_id": "yard"}
    # Off the air at once: the hub hangs up on the camera and the routes forget it.
    wait_for(lambda: ip_camera.streaming == 0, timeout=5)
    assert requests.get(hub.url("/cameras/yard/snapshot.jpg"), timeout=5).status_code == 404
    assert "yard" not in requests.get(hub.url("/cameras"), headers=operator, timeout=5).json()

"""`camhub agent` against a real hub: it registers, shows up live, obeys commands, keeps its
identity across restarts, and resumes by itself when the hub comes back."""
import json
import signal
import subprocess
import time

import requests

from conftest import BINARY, wait_for


def start_agent(hub, state_file, fps=10):
    return subprocess.Popen(
        [BINARY, "agent", "--hub", hub.base, "--name", "Agent Cam", "--location", "Lab", "--fps", str(fps),
         "--state-file", str(state_file), "--heartbeat-interval", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )


def stop(process):
    process.send_signal(signal.SIGTERM)
    assert process.wait(timeout=15) == 0


def camera_fps(hub, camera_id):
    for line in requests.get(hub.url("/metrics"), timeout=5).text.splitlines():
        if line.startswith(f'camhub_camera_fps{{camera="{camera_id}"}}'):
            return float(line.split()[-1])
    return 0.0


def test_an_agent_shows_up_live_and_obeys_adjust_fps(hub, tmp_path):
    state_file = tmp_path / "agent.json"
    agent = start_agent(hub, state_file)
    try:
        camera_id = wait_for(lambda: state_file.exists() and json.loads(state_file.read_text())["camera_id"])
        assert oct(state_file.stat().st_mode & 0o777) == "0o600"
        listing = wait_for(lambda: (c := requests.get(hub.url("/cameras")).json().get(camera_id)) and c["frame_count"] > 5 and c)
        assert listing["name"] == "Agent Cam" and listing["status"] == "active"
        snapshot = requests.get(hub.url(f"/cameras/{camera_id}/snapshot.jpg"), timeout=5)
        assert snapshot.status_code == 200 and snapshot.content[:2] == b"\xff\xd8"
        wait_for(lambda: camera_fps(hub, camera_id) > 7)

        assert requests.post(hub.url(f"/cameras/{camera_id}/commands"), json={"type": "adjust_fps", "value": 3}).status_code == 201
        wait_for(lambda: requests.get(hub.url(f"/cameras/{camera_id}/status")).json()["config"]["fps"] == 3)
        wait_for(lambda: 0 < camera_fps(hub, camera_id) < 4.5, timeout=20)
    finally:
        stop(agent)


def test_an_agent_keeps_its_identity_and_resumes_after_the_hub_restarts(start_hub, tmp_path):
    hub = start_hub()
    state_file = tmp_path / "agent.json"
    agent = start_agent(hub, state_file)
    try:
        camera_id = wait_for(lambda: state_file.exists() and json.loads(state_file.read_text())["camera_id"])
        wait_for(lambda: requests.get(hub.url("/cameras")).json().get(camera_id, {}).get("frame_count", 0) > 0)
        stop(agent)
        agent = start_agent(hub, state_file)
        time.sleep(3)
        agents = [c for c in requests.get(hub.url("/cameras")).json().values() if c["name"] == "Agent Cam"]
        assert len(agents) == 1, "a restarted agent registered a second camera"

        # The hub goes away and comes back on the same port and data dir.
        assert hub.stop() == 0
        restarted = start_hub(args=["--data-dir", str(hub.data_dir), "--port", str(hub.port)], port=hub.port)
        received = wait_for(lambda: requests.get(restarted.url(f"/cameras/{camera_id}/status")).json()["stats"]["frames_received"] > 5, timeout=40)
        assert received
    finally:
        stop(agent)

"""The native V4L2 source on a machine without a camera: what can be checked here is that a
missing device is reported and retried without harm, and that `camhub devices` lists and explains
what it finds. The capture logic itself is tested against a fake device in the Swift suite
(CamHubCaptureTests/V4L2CaptureTests)."""
import subprocess

import requests

from conftest import BINARY, wait_for


def test_a_missing_device_is_reported_and_retried(start_hub):
    hub = start_hub(config={"cameras": [
        {"id": "usb", "name": "USB", "source": "/dev/video99", "reconnect_interval": 0.5, "max_frame_age": 0},
    ]})
    status = wait_for(lambda: (s := requests.get(hub.url("/cameras/usb/status"), timeout=5).json())["capture"]["connection_errors"] >= 2 and s)
    assert status["status"] == "error"
    assert "cannot open /dev/video99" in status["capture"]["last_error"]
    assert requests.get(hub.url("/status"), timeout=5).json()["is_connected"] is False
    assert requests.get(hub.url("/health"), timeout=5).status_code == 200


def test_devices_lists_what_it_finds(tmp_path):
    empty = subprocess.run([BINARY, "devices", "--folder", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert empty.returncode == 0 and "No video devices found" in empty.stdout
    (tmp_path / "video0").write_bytes(b"not a camera")
    listed = subprocess.run([BINARY, "devices", "--folder", str(tmp_path)], capture_output=True, text=True, timeout=30)
    assert listed.returncode == 0
    assert f"{tmp_path}/video0" in listed.stdout and "VIDIOC_QUERYCAP" in listed.stdout

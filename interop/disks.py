"""Disks that fail on purpose: a small tmpfs to fill (ENOSPC; mounting needs root, CI runs as
root), and an LD_PRELOAD shim that makes writes to chosen files fail with EIO (`eio_shim.c`; no
root needed)."""
import base64
import io
import os
import subprocess
from pathlib import Path

import pytest
import requests
from PIL import Image

from mjpeg import MJPEGReader

HERE = Path(__file__).resolve().parent


@pytest.fixture
def small_disk(tmp_path):
    mount = tmp_path / "disk"
    mount.mkdir()
    result = subprocess.run(["mount", "-t", "tmpfs", "-o", "size=20m,mode=0700", "tmpfs", str(mount)], capture_output=True, text=True)
    if result.returncode != 0:
        pytest.skip(f"cannot mount a tmpfs here (needs root): {result.stderr.strip()}")
    try:
        yield mount
    finally:
        subprocess.run(["umount", "-l", str(mount)], check=False)


def fill(disk: Path) -> Path:
    """Writes a filler file until the filesystem refuses another byte."""
    filler = disk / "filler"
    with open(filler, "wb", buffering=0) as out:
        for size in (1 << 20, 1 << 12, 1):
            try:
                while True:
                    out.write(b"\0" * size)
            except OSError:
                pass
    return filler


class FailingDisk:
    """Writes, syncs and truncations of files whose path contains one of `paths` fail with EIO
    in a process started with `env(...)`, while `failing()` is on."""

    def __init__(self, library: Path, folder: Path):
        self.library = library
        self.switch = folder / "eio.on"
        self.count = folder / "eio.on.count"

    def env(self, *paths: str) -> dict:
        return {"LD_PRELOAD": str(self.library), "CAMHUB_EIO_PATHS": ":".join(paths), "CAMHUB_EIO_SWITCH": str(self.switch)}

    def fail(self, on: bool = True) -> None:
        if on:
            self.switch.touch()
        else:
            self.switch.unlink(missing_ok=True)

    def hits(self) -> int:
        """How many calls were refused so far."""
        return self.count.stat().st_size if self.count.exists() else 0


@pytest.fixture(scope="session")
def eio_library(tmp_path_factory):
    library = tmp_path_factory.mktemp("eio") / "eio_shim.so"
    subprocess.run(["gcc", "-shared", "-fPIC", "-O2", "-Wall", "-Werror", "-o", str(library), str(HERE / "eio_shim.c"), "-ldl"], check=True)
    return library


@pytest.fixture
def failing_disk(eio_library, tmp_path):
    disk = FailingDisk(eio_library, tmp_path)
    yield disk
    disk.fail(False)


def detection(number: int, image: bool = True) -> dict:
    body = {"type": "detection_result", "camera_id": "gate", "checkpoint_id": "cp1", "timestamp": "2024-12-19T10:00:00Z",
            "ocr_results": [f"FULL{number}"], "plates_count": 1}
    if image:
        noise = Image.frombytes("RGB", (160, 120), os.urandom(160 * 120 * 3))  # every image new, so stored anew
        out = io.BytesIO()
        noise.save(out, "JPEG", quality=90)
        body["annotated_image"] = base64.b64encode(out.getvalue()).decode()
    return body


def assert_refused_for_space(response):
    assert response.status_code == 507, (response.status_code, response.text[:300])
    assert response.headers["Content-Type"].startswith("application/json")
    assert response.json()["error"]["code"] == "insufficient_storage"


def assert_live_video(hub):
    reader = MJPEGReader(hub.port, "/video_feed")
    try:
        for _ in range(5):
            reader.next_part()
    finally:
        reader.close()
    assert requests.get(hub.url("/api/frame"), timeout=5).status_code == 200

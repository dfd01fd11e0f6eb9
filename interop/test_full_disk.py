"""A full disk: the hub lives, stores are refused with 507, live video goes on, and storing resumes
by itself once there is space. A hub also starts on a full disk.

The data dir is on a 20 MB tmpfs, which needs root (CI runs as root); without it the tests say
why they are skipped."""
import sqlite3

import pytest
import requests

from conftest import wait_for
from disks import assert_live_video, assert_refused_for_space, detection, fill, small_disk  # noqa: F401 (a fixture)


def test_a_full_disk_refuses_stores_keeps_video_and_recovers_without_a_restart(start_hub, small_disk):
    hub = start_hub(args=["--data-dir", str(small_disk / "data")])
    assert requests.post(hub.url("/api/detection"), json=detection(0), timeout=10).status_code == 200
    filler = fill(small_disk)

    # Every store that needs the disk is refused with 507, never a 500, and nothing crashes.
    assert_refused_for_space(requests.post(hub.url("/api/detection"), json=detection(1), timeout=10))
    config = requests.get(hub.url("/config"), params={"source": "file"}, timeout=5).json()
    assert_refused_for_space(requests.put(hub.url("/config"), json=config, timeout=10))
    statuses = set()
    for number in range(300):  # enough log lines to fill the log file's last page too
        statuses.add(requests.post(hub.url("/register"), json={"name": f"cam{number}", "location": "lot", "source_type": "rtsp"}, timeout=10).status_code)
        statuses.add(requests.post(hub.url("/api/detection"), json=detection(2 + number, image=False), timeout=10).status_code)
    assert statuses <= {200, 507}, statuses
    assert hub.process.poll() is None
    assert_live_video(hub)
    wait_for(lambda: "cannot write the log file" in hub.output(), timeout=10)
    # Said when the file stops working (and again only if it worked in between), not per line.
    output = hub.output()
    assert output.count("cannot write the log file") <= 1 + output.count("is written again") <= 4

    # Space again: the next store succeeds, on the same process.
    filler.unlink()
    assert wait_for(lambda: requests.post(hub.url("/api/detection"), json=detection(999), timeout=10).status_code == 200, timeout=10)
    assert requests.put(hub.url("/config"), json=config, timeout=10).status_code == 200
    records = requests.get(hub.url("/api/records"), params={"plate": "FULL999"}, timeout=5).json()
    assert len(records["records"]) == 1
    image = requests.get(hub.url(records["records"][0]["annotated_image_url"]), timeout=5)
    assert image.status_code == 200 and image.content[:2] == b"\xff\xd8"
    # The log file is tried again (at most once a second) when there is a line to write.
    register = {"name": "after", "location": "lot", "source_type": "rtsp"}
    wait_for(lambda: requests.post(hub.url("/register"), json=register, timeout=5) and "is written again" in hub.output(), timeout=10, interval=0.3)
    assert hub.process.poll() is None


@pytest.mark.parametrize("lose_wal", [False, True], ids=["wal-kept", "wal-gone"])
def test_a_hub_starts_on_a_full_disk_and_stores_once_there_is_space(start_hub, small_disk, lose_wal):
    data = small_disk / "data"
    first = start_hub(args=["--data-dir", str(data)])
    assert requests.post(first.url("/api/detection"), json=detection(0), timeout=10).status_code == 200
    assert first.stop() == 0
    # A clean stop checkpoints the WAL and keeps it, empty, with its -shm.
    assert (data / "camhub.sqlite-wal").stat().st_size == 0
    assert (data / "camhub.sqlite-shm").exists()
    if lose_wal:
        # As SQLite leaves it without PERSIST_WAL (an older camhub, another tool): no -wal, no
        # -shm. Python's sqlite3 deletes both when it closes. On a full disk the database then
        # opens only read-only.
        database = sqlite3.connect(data / "camhub.sqlite")
        assert database.execute("SELECT COUNT(*) FROM detections").fetchone()[0] == 1
        database.close()
        assert not (data / "camhub.sqlite-shm").exists() and not (data / "camhub.sqlite-wal").exists()
    filler = fill(small_disk)

    hub = start_hub(args=["--data-dir", str(data)])
    if lose_wal:
        assert "the database is open read-only" in hub.output()
    assert_live_video(hub)
    # What was stored before is still served.
    assert len(requests.get(hub.url("/api/records"), params={"plate": "FULL0"}, timeout=5).json()["records"]) == 1
    assert_refused_for_space(requests.post(hub.url("/api/detection"), json=detection(1), timeout=10))

    filler.unlink()
    assert wait_for(lambda: requests.post(hub.url("/api/detection"), json=detection(2), timeout=10).status_code == 200, timeout=10)
    if lose_wal:
        assert "the database is writable" in hub.output()
    assert len(requests.get(hub.url("/api/records"), params={"plate": "FULL2"}, timeout=5).json()["records"]) == 1

"""The ffmpeg source: a video made by ffmpeg (`-f lavfi -i testsrc`) played as a camera, and no
ffmpeg child left behind when the hub stops."""
import io
import subprocess
import time

import requests
from PIL import Image

from conftest import wait_for


def ffmpeg_children(pid: int) -> list[str]:
    result = subprocess.run(["ps", "-o", "pid=,stat=,comm=", "--ppid", str(pid)], capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if "ffmpeg" in line]


def test_a_video_file_plays_as_a_camera_and_its_ffmpeg_goes_with_the_hub(start_hub, tmp_path):
    video = tmp_path / "testsrc.mp4"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=3:size=320x240:rate=10",
                    "-pix_fmt", "yuv420p", str(video)], check=True, timeout=60)
    hub = start_hub(config={"cameras": [{"id": "film", "name": "Film", "source": f"ffmpeg:{video}", "width": 320, "height": 240, "fps": 10}]})
    first = wait_for(lambda: (r := requests.get(hub.url("/cameras/film/snapshot.jpg"), timeout=5)).status_code == 200 and r.content, timeout=20)
    assert Image.open(io.BytesIO(first)).size == (320, 240)
    # It keeps going past the file's 3 seconds (the file is looped) and the pictures change.
    time.sleep(4)
    later = requests.get(hub.url("/cameras/film/snapshot.jpg"), timeout=5).content
    assert later != first
    stats = requests.get(hub.url("/cameras"), timeout=5).json()["film"]
    assert stats["fps"] > 5
    assert len(ffmpeg_children(hub.process.pid)) == 1
    pid = hub.process.pid
    assert hub.stop() == 0
    # The child was killed and reaped with the hub: nothing named ffmpeg is left whose parent it was.
    assert ffmpeg_children(pid) == []
    leftover = [line for line in subprocess.run(["ps", "-eo", "stat=,args="], capture_output=True, text=True).stdout.splitlines()
                if str(video) in line]
    assert leftover == [], leftover

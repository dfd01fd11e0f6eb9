"""The ffmpeg source: a video made by ffmpeg (`-f lavfi -i testsrc`) played as a camera, and no
ffmpeg child left behind when the hub stops."""
import io
import json
import subprocess
import time

import requests
from PIL import Image

from conftest import BINARY, wait_for
from ipcamera import IPCamera


def ffmpeg_children(pid: int) -> list[str]:
    result = subprocess.run(["ps", "-o", "pid=,stat=,comm=", "--ppid", str(pid)], capture_output=True, text=True)
    return [line for line in result.stdout.splitlines() if "ffmpeg" in line]


def make_test_video(path, seconds: int, size: str):
    """A short ffmpeg test-source video (10 fps) to play as a camera."""
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", f"testsrc=duration={seconds}:size={size}:rate=10",
                    "-pix_fmt", "yuv420p", str(path)], check=True, timeout=60)
    return path


def test_a_video_file_plays_as_a_camera_and_its_ffmpeg_goes_with_the_hub(start_hub, tmp_path):
    video = make_test_video(tmp_path / "testsrc.mp4", 3, "320x240")
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


def test_a_password_never_shows_in_ps_or_the_api(start_hub):
    out = io.BytesIO()
    Image.new("RGB", (160, 120), (20, 200, 20)).save(out, "JPEG")
    camera = IPCamera(0, [out.getvalue()], credentials=("admin", "s3cret"))
    try:
        source = f"ffmpeg:http://admin:s3cret@127.0.0.1:{camera.port}/video"
        direct = f"http://admin:s3cret@127.0.0.1:{camera.port}/video"
        hub = start_hub(config={"cameras": [{"id": "locked", "name": "Locked", "source": source, "width": 160, "height": 120, "fps": 5},
                                            {"id": "direct", "name": "Direct", "source": direct}]})
        frame = wait_for(lambda: (r := requests.get(hub.url("/cameras/locked/snapshot.jpg"), timeout=5)).status_code == 200 and r.content, timeout=20)
        assert Image.open(io.BytesIO(frame)).size == (160, 120)
        # The native HTTP source sends the password as basic auth.
        assert wait_for(lambda: requests.get(hub.url("/cameras/direct/snapshot.jpg"), timeout=5).status_code == 200, timeout=20)
        # ffmpeg got the URL in a script on its standard input: not on its command line, not in a file.
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(hub.process.pid)], capture_output=True, text=True).stdout.split()
        commands = [open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0") for pid in children]
        ffmpeg = [command for command in commands if command and command[0].endswith(b"ffmpeg")]
        assert len(ffmpeg) == 1
        assert b"s3cret" not in b" ".join(ffmpeg[0])
        assert ffmpeg[0][ffmpeg[0].index(b"-i") + 1] == b"pipe:0"
        # The API shows the source without its password.
        assert "s3cret" not in requests.get(hub.url("/cameras"), timeout=5).text
        assert "s3cret" not in requests.get(hub.url("/config"), timeout=5).text
        assert "s3cret" not in requests.get(hub.url("/status"), timeout=5).text
        assert "s3cret" not in hub.output()
    finally:
        camera.kill()


def test_removing_an_ffmpeg_camera_leaves_no_child_and_no_zombie(start_hub, tmp_path):
    video = make_test_video(tmp_path / "testsrc.mp4", 2, "160x120")
    film = {"id": "film", "name": "Film", "source": f"ffmpeg:{video}", "width": 160, "height": 120, "fps": 10}
    hub = start_hub(config={"cameras": [{"id": "steady", "name": "Steady"}, film]})
    wait_for(lambda: requests.get(hub.url("/cameras/film/snapshot.jpg"), timeout=5).status_code == 200, timeout=20)
    assert len(ffmpeg_children(hub.process.pid)) == 1
    config = requests.get(hub.url("/config"), timeout=5).json()
    config["cameras"] = [c for c in config["cameras"] if c["id"] != "film"]
    reply = requests.put(hub.url("/config"), json=config, timeout=10).json()
    assert reply["cameras"]["removed"] == ["film"]
    # Neither a running ffmpeg nor a zombie (state Z) is left under the hub.
    assert wait_for(lambda: ffmpeg_children(hub.process.pid) == [], timeout=10)
    time.sleep(0.5)
    assert ffmpeg_children(hub.process.pid) == []
    assert requests.get(hub.url("/cameras/steady/snapshot.jpg"), timeout=5).status_code == 200


def test_a_source_can_never_make_ffmpeg_read_another_file_and_the_api_cannot_name_a_local_one(start_hub, tmp_path):
    """ffmpeg opens only what the source's scheme needs: `concat:` and `subfile:` cannot reach a
    private file; a source starting with `-` is refused; and through the API (loopback trust makes
    every local process an operator) no camera may read this machine's files."""
    secret = tmp_path / "secret.jpg"
    out = io.BytesIO()
    Image.new("RGB", (160, 120), (200, 20, 20)).save(out, "JPEG")
    secret.write_bytes(out.getvalue())
    secret.chmod(0o600)
    cameras = [{"id": "concat", "name": "Concat", "source": f"ffmpeg:concat:{secret}|{secret}", "width": 160, "height": 120, "fps": 5},
               {"id": "subfile", "name": "Subfile", "source": f"ffmpeg:subfile:,start,0,end,0,:{secret}", "width": 160, "height": 120, "fps": 5}]
    hub = start_hub(config={"cameras": cameras})
    time.sleep(4)
    for camera in ("concat", "subfile"):
        status = requests.get(hub.url(f"/cameras/{camera}/status"), timeout=5).json()
        assert status["status"] == "error" and status["capture"]["frames_captured"] == 0, (camera, status)
        picture = requests.get(hub.url(f"/cameras/{camera}/snapshot.jpg"), timeout=5).content
        assert picture != secret.read_bytes()
    arguments = subprocess.run(["ps", "-o", "args=", "--ppid", str(hub.process.pid)], capture_output=True, text=True).stdout
    assert "-protocol_whitelist file,crypto,data" in arguments or arguments == "", arguments

    config = requests.get(hub.url("/config"), params={"source": "file"}, timeout=5).json()
    config["cameras"].append({"id": "leak", "name": "Leak", "source": f"ffmpeg:{secret}", "width": 160, "height": 120, "fps": 5})
    refused = requests.put(hub.url("/config"), json=config, timeout=10)
    assert refused.status_code == 422 and refused.json()["detail"][0]["loc"] == ["body", "cameras[2].source"], refused.text
    assert requests.get(hub.url("/cameras/leak/snapshot.jpg"), timeout=5).status_code == 404

    dashed = tmp_path / "dashed"
    dashed.mkdir()
    (dashed / "camhub.json").write_text(json.dumps({"cameras": [{"id": "x", "name": "X", "source": "ffmpeg:-f"}]}))
    result = subprocess.run([BINARY, "serve", "--data-dir", str(dashed), "--port", "1"], capture_output=True, text=True, timeout=30)
    assert result.returncode == 2 and "cameras[0].source" in result.stderr

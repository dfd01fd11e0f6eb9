"""The ffmpeg source: a video made by ffmpeg (`-f lavfi -i testsrc`) played as a camera, and no
ffmpeg child left behind when the hub stops."""
import io
import os
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


class PasswordCamera:
    """An MJPEG IP camera that wants HTTP basic auth (admin / s3cret)."""

    def __init__(self):
        import base64
        import threading
        from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

        out = io.BytesIO()
        Image.new("RGB", (160, 120), (20, 200, 20)).save(out, "JPEG")
        frame = out.getvalue()
        expected = "Basic " + base64.b64encode(b"admin:s3cret").decode()
        camera = self
        self.stopped = False

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="camera"')
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=b")
                self.end_headers()
                try:
                    while not camera.stopped:
                        self.wfile.write(b"--b\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(frame) + frame + b"\r\n")
                        time.sleep(0.1)
                except (BrokenPipeError, ConnectionResetError):
                    pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def close(self):
        self.stopped = True
        self.server.shutdown()
        self.server.server_close()


def test_a_password_never_shows_in_ps_or_the_api(start_hub):
    camera = PasswordCamera()
    try:
        source = f"ffmpeg:http://admin:s3cret@127.0.0.1:{camera.port}/video"
        direct = f"http://admin:s3cret@127.0.0.1:{camera.port}/video"
        hub = start_hub(config={"cameras": [{"id": "locked", "name": "Locked", "source": source, "width": 160, "height": 120, "fps": 5},
                                            {"id": "direct", "name": "Direct", "source": direct}]})
        frame = wait_for(lambda: (r := requests.get(hub.url("/cameras/locked/snapshot.jpg"), timeout=5)).status_code == 200 and r.content, timeout=20)
        assert Image.open(io.BytesIO(frame)).size == (160, 120)
        # The native HTTP source sends the password as basic auth.
        assert wait_for(lambda: requests.get(hub.url("/cameras/direct/snapshot.jpg"), timeout=5).status_code == 200, timeout=20)
        # ffmpeg got the URL from a private script, which is gone once it has been read.
        children = subprocess.run(["ps", "-o", "pid=", "--ppid", str(hub.process.pid)], capture_output=True, text=True).stdout.split()
        commands = [open(f"/proc/{pid}/cmdline", "rb").read().split(b"\0") for pid in children]
        ffmpeg = [command for command in commands if command and command[0].endswith(b"ffmpeg")]
        assert len(ffmpeg) == 1
        assert b"s3cret" not in b" ".join(ffmpeg[0])
        script = ffmpeg[0][ffmpeg[0].index(b"-i") + 1].decode()
        assert wait_for(lambda: not os.path.exists(script), timeout=5)
        # The API shows the source without its password.
        assert "s3cret" not in requests.get(hub.url("/cameras"), timeout=5).text
        assert "s3cret" not in requests.get(hub.url("/config"), timeout=5).text
        assert "s3cret" not in requests.get(hub.url("/status"), timeout=5).text
        assert "s3cret" not in hub.output()
    finally:
        camera.close()


def test_removing_an_ffmpeg_camera_leaves_no_child_and_no_zombie(start_hub, tmp_path):
    video = tmp_path / "testsrc.mp4"
    subprocess.run(["ffmpeg", "-hide_banner", "-loglevel", "error", "-f", "lavfi", "-i", "testsrc=duration=2:size=160x120:rate=10",
                    "-pix_fmt", "yuv420p", str(video)], check=True, timeout=60)
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

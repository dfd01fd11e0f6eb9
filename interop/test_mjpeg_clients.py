"""Real MJPEG clients (OpenCV, ffmpeg) read camhub's streams."""
import subprocess
import time

import cv2
import pytest

STREAMS = ["/video_feed", "/cameras/testpattern/stream.mjpeg", "/stream"]


@pytest.mark.parametrize("path", STREAMS)
def test_opencv_reads_frames(hub, path):
    capture = cv2.VideoCapture(hub.url(path))
    try:
        assert capture.isOpened(), f"OpenCV could not open {path}"
        frames = []
        for _ in range(5):
            ok, frame = capture.read()
            assert ok, "OpenCV could not read a frame"
            frames.append(frame)
        assert frames[0].shape == (480, 640, 3)
        # The test pattern moves: consecutive frames differ.
        assert any((a != b).any() for a, b in zip(frames, frames[1:]))
    finally:
        capture.release()


@pytest.mark.parametrize("path", STREAMS[:2])
def test_ffmpeg_reads_five_frames(hub, path):
    result = subprocess.run(
        ["ffmpeg", "-hide_banner", "-nostdin", "-i", hub.url(path), "-frames:v", "5", "-f", "null", "-"],
        capture_output=True, text=True, timeout=60,
    )
    assert result.returncode == 0, result.stderr[-2000:]
    assert "frame=    5" in result.stderr or "frame=5" in result.stderr.replace(" ", ""), result.stderr[-1000:]


def test_parts_carry_length_and_timestamp(hub):
    from mjpeg import MJPEGReader

    reader = MJPEGReader(hub.port, "/cameras/testpattern/stream.mjpeg")
    try:
        headers, jpeg = reader.next_part()
        assert headers["content-type"] == "image/jpeg"
        assert int(headers["content-length"]) == len(jpeg)
        assert jpeg[:2] == b"\xff\xd8" and jpeg[-2:] == b"\xff\xd9"
        stamp = float(headers["x-timestamp"])
        assert abs(time.time() - stamp) < 5
        seconds, micros = headers["x-timestamp"].split(".")
        assert len(micros) == 6
    finally:
        reader.close()


def test_scaled_streams_and_the_small_frame(hub):
    import numpy as np
    import requests

    capture = cv2.VideoCapture(hub.url("/cameras/testpattern/stream.mjpeg?size=320x240"))
    try:
        ok, frame = capture.read()
        assert ok and frame.shape == (240, 320, 3)
    finally:
        capture.release()
    small = requests.get(hub.url("/api/smframe"), timeout=5)
    assert small.status_code == 200
    assert cv2.imdecode(np.frombuffer(small.content, np.uint8), cv2.IMREAD_COLOR).shape == (320, 320, 3)
    assert requests.get(hub.url("/api/status"), timeout=5).json()["smframe_available"] is True
    assert requests.get(hub.url("/cameras/testpattern/snapshot.jpg?size=0x10"), timeout=5).status_code == 400

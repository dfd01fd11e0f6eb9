"""Slow and stalled viewers skip frames; they never slow others or grow the server's memory."""
import time

import requests

from conftest import BUSY_FPS
from mjpeg import MJPEGReader, stalled_viewer

PATH = "/cameras/busy/stream.mjpeg"


def skipped_frames(hub) -> float:
    metrics = requests.get(hub.url("/metrics"), timeout=5).text
    line = next(l for l in metrics.splitlines() if l.startswith('camhub_frames_skipped_total{camera="busy"}'))
    return float(line.split()[-1])


def test_five_stalled_viewers_do_not_lower_a_live_viewers_rate(busy_hub):
    live = MJPEGReader(busy_hub.port, PATH)
    live.next_part()
    baseline = live.count_frames(3) / 3
    stalled = [stalled_viewer(busy_hub.port, PATH) for _ in range(5)]
    try:
        time.sleep(3)  # long enough for the stalled sockets' buffers to fill
        assert skipped_frames(busy_hub) > 0, "the stalled viewers never stalled; the test would prove nothing"
        with_stalled = live.count_frames(4) / 4
    finally:
        for sock in stalled:
            sock.close()
        live.close()
    assert baseline >= BUSY_FPS * 0.8, f"baseline {baseline:.1f} fps"
    assert with_stalled >= baseline * 0.9, f"live viewer fell from {baseline:.1f} to {with_stalled:.1f} fps"


def test_viewers_that_never_read_do_not_grow_memory(busy_hub):
    stalled = [stalled_viewer(busy_hub.port, PATH) for _ in range(20)]
    try:
        time.sleep(4)  # buffers fill to their bounds
        before = busy_hub.rss_bytes()
        skipped_before = skipped_frames(busy_hub)
        time.sleep(8)  # ~240 more frames published; none may queue per viewer
        after = busy_hub.rss_bytes()
        skipped_after = skipped_frames(busy_hub)
    finally:
        for sock in stalled:
            sock.close()
    # The viewers really were stalled: they skipped most of those frames.
    assert skipped_after - skipped_before > 20 * 100
    # 20 viewers x 240 frames x ~100 KB would be ~480 MB if frames queued per viewer.
    assert after - before < 8 * 1024 * 1024, f"RSS grew {(after - before) / 1e6:.1f} MB"

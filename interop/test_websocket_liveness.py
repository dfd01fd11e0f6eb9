"""WebSocket liveness (`server.websocket_ping_seconds`, 1 s here): a peer that sends is alive
whether or not it reads (seed 003's own camera script never reads its socket), a peer that
answers pings is alive, and a silent one is pinged and then closed."""
import base64
import io
import os
import socket
import struct
import time

import requests
import websocket
import websockets.sync.client
from PIL import Image

from conftest import wait_for

PERIOD = 1
CONFIG = {"server": {"websocket_ping_seconds": PERIOD}}


def jpeg(number: int) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (160, 120), (number * 37 % 256, 80, 160)).save(out, "JPEG")
    return out.getvalue()


def test_a_push_client_that_never_reads_streams_on_past_many_ping_periods(start_hub):
    hub = start_hub(config=CONFIG)
    created = requests.post(hub.url("/cameras"), json={"name": "Never reads"}, timeout=5).json()
    camera_id, token = int(created["id"]), created["push_token"]
    # As ClientScripts/StreamVideo.py does it: create_connection, send_binary, never recv.
    ws = websocket.create_connection(hub.base.replace("http://", "ws://") + "/video-input-stream", timeout=8)
    ws.send_binary(struct.pack("<I", camera_id))
    ws.send_binary(struct.pack("<I", len(token)) + token.encode())
    started = time.monotonic()
    sent = 0
    while time.monotonic() - started < 6 * PERIOD:
        frame = jpeg(sent)
        ws.send_binary(struct.pack("<I", len(frame)) + frame)  # raises once the hub has closed the socket
        sent += 1
        time.sleep(0.1)
    wait_for(lambda: requests.get(hub.url(f"/get-image?cameraId={camera_id}"), timeout=5).content == frame)
    received = requests.get(hub.url(f"/cameras/{camera_id}/status"), timeout=5).json()["stats"]["frames_received"]
    assert received == sent, (received, sent)
    ws.close()


def test_a_silent_peer_is_pinged_then_closed(start_hub):
    hub = start_hub(config=CONFIG)
    # A bare upgrade to the operator's live socket (loopback is trusted), then silence.
    key = base64.b64encode(os.urandom(16)).decode()
    peer = socket.create_connection(("127.0.0.1", hub.port), timeout=10)
    peer.sendall((f"GET /ws/live HTTP/1.1\r\nHost: 127.0.0.1:{hub.port}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                  f"Sec-WebSocket-Key: {key}\r\nSec-WebSocket-Version: 13\r\n\r\n").encode())
    opened = time.monotonic()
    received = b""
    while True:
        chunk = peer.recv(65536)
        if not chunk:
            break
        received += chunk
    closed_after = time.monotonic() - opened
    peer.close()
    head, _, frames = received.partition(b"\r\n\r\n")
    assert head.startswith(b"HTTP/1.1 101"), head
    assert b"\x89\x06camhub" in frames, f"no ping before the close: {frames[:100]!r}"
    assert 2 * PERIOD - 0.1 <= closed_after <= 3 * PERIOD + 2, closed_after
    assert requests.get(hub.url("/health"), timeout=5).status_code == 200


def test_a_viewer_that_answers_pings_stays_connected(start_hub):
    hub = start_hub(config=CONFIG)
    # The websockets library answers pings by itself while the application only waits.
    with websockets.sync.client.connect(hub.base.replace("http://", "ws://") + "/ws/live") as viewer:
        deadline = time.monotonic() + 5 * PERIOD
        while time.monotonic() < deadline:
            try:
                viewer.recv(timeout=0.5)
            except TimeoutError:
                pass
        viewer.ping().wait(timeout=5)  # still open, both ways

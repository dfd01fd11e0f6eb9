"""Connection hygiene: what a hostile or broken client does to a connection is answered at once
or cut after a timeout, and the hub keeps serving everyone else. Raw sockets, as an attacker's
tools would send it: a trickled head (slowloris), a trickled body, a connection that sends
nothing, oversized request lines and heads, too many connections, keep-alive connections left
idle, and stream viewers that stop reading."""
import json
import socket
import time

import pytest
import requests

from conftest import wait_for

HEADER_TIMEOUT = 2
IDLE_TIMEOUT = 3
PER_ADDRESS = 20
STALLED_VIEWER = 3
CONFIG = {
    "server": {
        "header_timeout_seconds": HEADER_TIMEOUT, "idle_timeout_seconds": IDLE_TIMEOUT,
        "max_connections_per_address": PER_ADDRESS, "stalled_viewer_seconds": STALLED_VIEWER,
    },
    # A busy camera, so a viewer that stops reading fills its socket buffers within a second.
    "cameras": [{"id": "busy", "name": "Busy", "width": 1920, "height": 1080, "fps": 30, "jpeg_quality": 95}],
}


@pytest.fixture
def guarded_hub(start_hub):
    return start_hub(config=CONFIG)


def connect(hub, timeout=15) -> socket.socket:
    sock = socket.create_connection(("127.0.0.1", hub.port))
    sock.settimeout(timeout)
    return sock


def read_answer(sock) -> bytes:
    """Everything until the hub closes the connection."""
    data = b""
    while True:
        try:
            chunk = sock.recv(65536)
        except ConnectionResetError:
            break
        if not chunk:
            break
        data += chunk
    return data


def status_and_json(answer: bytes) -> tuple[int, dict]:
    head, _, body = answer.partition(b"\r\n\r\n")
    return int(head.split(b" ")[1]), json.loads(body)


def answered_within(hub, request: bytes, expected: int, code: str, seconds: float):
    sock = connect(hub)
    started = time.monotonic()
    try:
        sock.sendall(request)
    except (BrokenPipeError, ConnectionResetError):
        pass  # the hub answered before the client finished sending; the answer is still there
    first = sock.recv(65536)
    elapsed = time.monotonic() - started
    status, body = status_and_json(first + read_answer(sock))
    assert status == expected, first
    assert body["error"]["code"] == code
    assert elapsed < seconds, f"answered after {elapsed:.1f} s"
    sock.close()


def test_oversized_request_lines_and_heads_are_answered_at_once(guarded_hub):
    answered_within(guarded_hub, b"GET /" + b"a" * (10 * 1024 * 1024), 414, "uri_too_long", 2)
    answered_within(guarded_hub, b"GET /health HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n", 431, "headers_too_large", 2)
    many = b"".join(b"X-%d: 1\r\n" % i for i in range(1000))
    answered_within(guarded_hub, b"GET /health HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n", 431, "headers_too_large", 2)
    assert requests.get(guarded_hub.url("/health"), timeout=5).status_code == 200


def test_two_hundred_oversized_heads_are_all_closed_and_memory_stays_flat(guarded_hub):
    def resident():
        return requests.get(guarded_hub.url("/health"), timeout=5).json()["system_info"]["process_resident_bytes"]

    before = resident()
    socks = []
    for _ in range(200):
        sock = connect(guarded_hub)
        sock.sendall(b"GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + b"a" * 100_000 + b"\r\n\r\n")
        socks.append(sock)
    for sock in socks:
        assert read_answer(sock).startswith(b"HTTP/1.1 431")
        sock.close()
    growth = resident() - before
    assert growth < 16 * 1024 * 1024, f"RSS grew {growth / 1e6:.1f} MB"


def test_a_connection_that_sends_nothing_or_trickles_its_head_is_cut(guarded_hub):
    for request in (b"", b"GET /health HTTP/1.1\r\nHo"):
        sock = connect(guarded_hub)
        started = time.monotonic()
        sock.sendall(request)
        status, body = status_and_json(read_answer(sock))
        elapsed = time.monotonic() - started
        assert status == 408 and body["error"]["code"] == "request_timeout"
        assert HEADER_TIMEOUT - 0.5 < elapsed < HEADER_TIMEOUT + 3
        sock.close()


def test_a_trickled_body_is_cut(guarded_hub):
    sock = connect(guarded_hub)
    sock.sendall(b"POST /api/health HTTP/1.1\r\nHost: x\r\nContent-Type: application/json\r\nContent-Length: 100000\r\n\r\n{")
    started = time.monotonic()
    for _ in range(3 * HEADER_TIMEOUT):
        try:
            sock.sendall(b" ")
        except OSError:
            break
        time.sleep(0.5)
    answer = read_answer(sock)
    assert answer.startswith(b"HTTP/1.1 408"), answer[:100]
    assert time.monotonic() - started < 3 * HEADER_TIMEOUT + 3


def test_a_keep_alive_connection_left_idle_is_closed(guarded_hub):
    sock = connect(guarded_hub)
    sock.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
    assert sock.recv(65536).startswith(b"HTTP/1.1 200")
    started = time.monotonic()
    read_answer(sock)
    assert IDLE_TIMEOUT - 0.5 < time.monotonic() - started < IDLE_TIMEOUT + 3


def test_past_the_per_address_cap_only_health_is_answered(guarded_hub):
    held = [connect(guarded_hub) for _ in range(PER_ADDRESS)]
    try:
        time.sleep(0.2)
        sock = connect(guarded_hub)
        sock.sendall(b"GET /cameras HTTP/1.1\r\nHost: x\r\n\r\n")
        answer = read_answer(sock)
        status, body = status_and_json(answer)
        assert status == 503 and body["error"]["code"] == "too_many_connections"
        assert b"Retry-After: 1" in answer
        health = connect(guarded_hub)
        health.sendall(b"GET /health HTTP/1.1\r\nHost: x\r\n\r\n")
        assert health.recv(65536).startswith(b"HTTP/1.1 200")
        health.close()
    finally:
        for sock in held:
            sock.close()
    # Once they are gone, everything is answered again.
    wait_for(lambda: requests.get(guarded_hub.url("/cameras"), timeout=5).status_code == 200, timeout=5)
    metrics = requests.get(guarded_hub.url("/metrics"), timeout=5).text
    assert 'camhub_connections_cut_total{code="too_many_connections"}' in metrics


def test_a_streaming_viewer_outlives_the_idle_timeout(guarded_hub):
    with requests.get(guarded_hub.url("/cameras/busy/stream.mjpeg"), stream=True, timeout=10) as response:
        started = time.monotonic()
        received = 0
        for chunk in response.iter_content(65536):
            received += len(chunk)
            if time.monotonic() - started > IDLE_TIMEOUT + 2:
                break
        assert received > 1_000_000


@pytest.mark.parametrize("path", ["/cameras/busy/stream.mjpeg", "/stream-image?cameraId=busy"])
def test_a_viewer_that_stops_reading_is_dropped(guarded_hub, path):
    # A small receive buffer, set before connecting so the window stays small: the hub's
    # writes back up within a second or two at this camera's rate once this client stops reading.
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.settimeout(30)
    sock.connect(("127.0.0.1", guarded_hub.port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: x\r\n\r\n".encode())
    time.sleep(STALLED_VIEWER + 5)
    # What was buffered drains, then the close: a viewer still served would read on and on.
    deadline = time.monotonic() + 10
    closed = False
    while time.monotonic() < deadline and not closed:
        try:
            closed = not sock.recv(1 << 20)
        except ConnectionResetError:
            closed = True
    assert closed, "the stalled viewer was still being served"
    assert requests.get(guarded_hub.url("/health"), timeout=5).status_code == 200


def open_connections_metric(hub) -> int:
    for line in requests.get(hub.url("/metrics"), timeout=5, headers={"Connection": "close"}).text.splitlines():
        if line.startswith("camhub_connections "):
            return int(float(line.split()[1]))
    raise AssertionError("no camhub_connections in /metrics")


def test_viewers_of_a_camera_that_stopped_sending_are_let_go_when_they_leave(guarded_hub):
    # The camera sent one frame and went quiet: nothing more is written to its viewers, so no
    # failed write can tell the hub they went; the end of their input does, after the header
    # timeout.
    registered = requests.post(guarded_hub.url("/register"), json={"name": "Quiet", "location": "x", "source_type": "usb"}, timeout=5).json()
    frame = requests.get(guarded_hub.url("/mocked-image"), timeout=5).content
    sent = requests.post(guarded_hub.url(f"/cameras/{registered['camera_id']}/frames"), data=frame,
                         headers={"Authorization": f"Bearer {registered['api_key']}", "Content-Type": "image/jpeg"}, timeout=5)
    assert sent.status_code == 200, sent.text
    before = open_connections_metric(guarded_hub)
    viewers = [connect(guarded_hub) for _ in range(10)]
    for sock in viewers:
        sock.sendall(f"GET /cameras/{registered['camera_id']}/stream.mjpeg HTTP/1.1\r\nHost: x\r\n\r\n".encode())
        wait_for(lambda: b"image/jpeg" in sock.recv(65536), timeout=5)
    assert open_connections_metric(guarded_hub) >= before + 10
    for sock in viewers:
        sock.close()
    wait_for(lambda: open_connections_metric(guarded_hub) <= before, timeout=HEADER_TIMEOUT + 5)

"""Wrong credentials are counted per client address (the forwarded one, from a trusted proxy):
after `security.max_failures` in the window the address gets 429 with Retry-After for anything it
presents, right or wrong, on every path (admin token, login, camera keys, push tokens, Socket.IO
tokens), while a good credential from another address is not affected and requests that present
nothing are served. Real clients: requests, websocket-client, python-socketio."""
import struct

import pytest
import requests
import socketio
import websocket

from test_seed003_push import close_reason, create_camera, ws_url

MAX = 4
ATTACKER = {"X-Forwarded-For": "203.0.113.66"}
NEIGHBOUR = {"X-Forwarded-For": "203.0.113.67"}


@pytest.fixture
def hub(start_hub):
    return start_hub(
        config={"server": {"trusted_proxies": ["127.0.0.1/32"]}, "security": {"max_failures": MAX, "window_seconds": 30},
                "lpr": {"token": "edge-secret-123"}},
    )


def admin(hub) -> dict:
    return {"Authorization": f"Bearer {(hub.data_dir / 'admin.token').read_text().strip()}"}


def test_wrong_admin_tokens_lock_the_address_out_and_nobody_else(hub):
    for _ in range(MAX):
        wrong = requests.get(hub.url("/api/events"), headers={**ATTACKER, "Authorization": "Bearer guess"}, timeout=5)
        assert wrong.status_code == 401
    locked = requests.get(hub.url("/api/events"), headers={**ATTACKER, "Authorization": "Bearer guess"}, timeout=5)
    assert locked.status_code == 429 and locked.json()["error"]["code"] == "too_many_failures"
    assert 1 <= int(locked.headers["Retry-After"]) <= 30
    # Even the right token, from there; from another address it works; presenting nothing is served.
    assert requests.get(hub.url("/api/events"), headers={**ATTACKER, **admin(hub)}, timeout=5).status_code == 429
    assert requests.get(hub.url("/api/events"), headers={**NEIGHBOUR, **admin(hub)}, timeout=5).status_code == 200
    assert requests.get(hub.url("/health"), headers=ATTACKER, timeout=5).status_code == 200
    login = requests.post(hub.url("/auth/login"), json={"token": "guess"}, headers=ATTACKER, timeout=5)
    assert login.status_code == 429
    metrics = requests.get(hub.url("/metrics"), timeout=5).text
    assert 'camhub_auth_failures_total{kind="token"} 4' in metrics and "camhub_auth_lockouts_total 1" in metrics
    assert "locked out after too many wrong credentials" in hub.output()


def test_logins_and_camera_keys_count_too(hub):
    for _ in range(MAX):
        assert requests.post(hub.url("/auth/login"), json={"token": "guess"}, headers=ATTACKER, timeout=5).status_code == 401
    assert requests.post(hub.url("/auth/login"), json={"token": "guess"}, headers=ATTACKER, timeout=5).status_code == 429
    camera = requests.post(hub.url("/register"), json={"name": "Gate", "location": "N", "source_type": "usb"}, headers=NEIGHBOUR, timeout=5).json()
    beat = {"status": "active", "frame_count": 1}
    for _ in range(MAX):
        reply = requests.post(hub.url(f"/cameras/{camera['camera_id']}/heartbeat"), json=beat, headers={**NEIGHBOUR, "X-API-Key": "wrong"}, timeout=5)
        assert reply.status_code == 401
    assert requests.post(hub.url(f"/cameras/{camera['camera_id']}/heartbeat"), json=beat,
                         headers={**NEIGHBOUR, "X-API-Key": camera["api_key"]}, timeout=5).status_code == 429
    assert requests.post(hub.url(f"/cameras/{camera['camera_id']}/heartbeat"), json=beat,
                         headers={"X-Forwarded-For": "203.0.113.99", "X-API-Key": camera["api_key"]}, timeout=5).status_code == 200


def test_wrong_push_tokens_and_socketio_tokens_lock_out_too(hub):
    camera_id, token = create_camera(hub)

    def push(token_sent: str, headers: dict) -> str:
        ws = websocket.create_connection(ws_url(hub, "/video-input-stream"), timeout=8, header=[f"{k}: {v}" for k, v in headers.items()])
        ws.send_binary(struct.pack("<I", camera_id))
        ws.send_binary(struct.pack("<I", len(token_sent)) + token_sent.encode())
        try:
            return close_reason(ws)
        finally:
            ws.close()

    for _ in range(MAX):
        assert "invalid token" in push("f" * 64, ATTACKER)
    assert "too many wrong credentials" in push(token, ATTACKER)
    assert push(token, NEIGHBOUR) == "open"

    for _ in range(MAX):
        client = socketio.Client()
        with pytest.raises(socketio.exceptions.ConnectionError):
            client.connect(hub.base, auth={"token": "nope-nope"}, headers=NEIGHBOUR, transports=["websocket"])
    errors = []
    locked = socketio.Client()
    locked.on("connect_error", lambda data: errors.append(data))
    with pytest.raises(socketio.exceptions.ConnectionError):
        locked.connect(hub.base, auth={"token": "edge-secret-123"}, headers=NEIGHBOUR, transports=["websocket"])
    assert errors and "Too many wrong tokens" in errors[0]["message"]
    fine = socketio.Client()
    fine.connect(hub.base, auth={"token": "edge-secret-123"}, headers={"X-Forwarded-For": "203.0.113.98"})
    fine.disconnect()


@pytest.mark.usefixtures("database_url")
def test_a_rotated_admin_token_is_honoured_at_once_and_ends_the_old_ones_sessions(start_hub):
    """`camhub admin-token rotate` on a running hub's data folder: the new token works and the old
    one gets 401 within a second, and the web session made with the old one ends. `show` says
    where it is without printing it. SQLite and PostgreSQL (where its hash is shared)."""
    import os
    import subprocess
    import time
    from conftest import BINARY
    hub = start_hub(env={"CAMHUB_TRUST_LOOPBACK": "false"})
    old = (hub.data_dir / "admin.token").read_text().strip()
    login = requests.post(hub.url("/auth/login"), json={"token": old}, timeout=5)
    assert login.status_code == 200
    session = {"Cookie": "camhub_session=" + login.cookies["camhub_session"]}
    assert requests.get(hub.url("/api/events"), headers=session, timeout=5).status_code == 200
    env = {**os.environ, **hub.env}
    shown = subprocess.run([BINARY, "admin-token", "show", "--data-dir", str(hub.data_dir)], capture_output=True, text=True, env=env, timeout=30)
    assert shown.returncode == 0 and "admin.token" in shown.stdout and old not in shown.stdout + shown.stderr
    rotated = subprocess.run([BINARY, "admin-token", "rotate", "--data-dir", str(hub.data_dir)], capture_output=True, text=True, env=env, timeout=60)
    assert rotated.returncode == 0, rotated.stderr
    new = rotated.stdout.strip()
    assert len(new) >= 32 and new != old and (hub.data_dir / "admin.token").read_text().strip() == new
    time.sleep(1.5)  # read again once a second (polling with the new token would count as wrong ones)
    assert requests.get(hub.url("/api/events"), headers={"Authorization": f"Bearer {new}"}, timeout=5).status_code == 200
    assert requests.get(hub.url("/api/events"), headers={"Authorization": f"Bearer {old}"}, timeout=5).status_code == 401
    assert requests.get(hub.url("/api/events"), headers=session, timeout=5).status_code == 401
    assert "the admin token was rotated" in hub.output()

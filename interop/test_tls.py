"""HTTPS and WSS on the hub's own port (`--tls-cert`/`--tls-key`, `server.tls`): real clients
over TLS (requests, and websocket-client sending the seed 003 push),
the certificate reloaded on SIGHUP as a certbot renewal needs, and a clear refusal to start on
files that cannot be read or do not belong together. Certificates come from trustme (a CA made
for the test), so nothing is trusted beyond it."""
import signal
import socket
import ssl
import struct
import subprocess
import time

import pytest
import requests
import trustme
import websocket

from conftest import BINARY, wait_for


@pytest.fixture
def ca():
    return trustme.CA()


def write_pair(ca, folder, name="hub"):
    cert = ca.issue_cert("127.0.0.1", "localhost")
    cert_file, key_file = folder / f"{name}.pem", folder / f"{name}.key"
    cert.cert_chain_pems[0].write_to_path(str(cert_file))
    cert.private_key_pem.write_to_path(str(key_file))
    return cert_file, key_file


def served_certificate(port, ca_file) -> bytes:
    context = ssl.create_default_context(cafile=str(ca_file))
    with socket.create_connection(("127.0.0.1", port)) as raw, context.wrap_socket(raw, server_hostname="127.0.0.1") as tls:
        return tls.getpeercert(binary_form=True)


def https_hub(start_hub, ca, tmp_path, **kwargs):
    cert_file, key_file = write_pair(ca, tmp_path)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    hub = start_hub(args=["--tls-cert", str(cert_file), "--tls-key", str(key_file)], ready=False, **kwargs)
    hub.base = hub.base.replace("http://", "https://")
    wait_for(lambda: _healthy(hub, ca_file), timeout=30)
    return hub, ca_file, cert_file, key_file


def _healthy(hub, ca_file):
    try:
        return requests.get(hub.url("/health"), verify=str(ca_file), timeout=2).status_code == 200
    except requests.RequestException:
        return False


def test_rest_and_a_push_socket_work_over_tls(start_hub, ca, tmp_path):
    hub, ca_file, _, _ = https_hub(start_hub, ca, tmp_path)
    auth = {"Authorization": "Bearer " + (hub.data_dir / "admin.token").read_text().strip()}
    cameras = requests.get(hub.url("/cameras"), headers=auth, verify=str(ca_file), timeout=5)
    assert cameras.status_code == 200
    # Plain HTTP on the TLS port is not served.
    with pytest.raises(requests.RequestException):
        requests.get(hub.url("/health").replace("https://", "http://"), timeout=3)
    # A seed 003 camera pushes a frame over WSS, as the original client sends it.
    created = requests.post(hub.url("/cameras"), json={"name": "Pushed"}, headers=auth, verify=str(ca_file), timeout=5)
    assert created.status_code == 201, created.text
    camera_id, push_token = int(created.json()["id"]), created.json()["push_token"]
    push = websocket.create_connection(hub.base.replace("https://", "wss://") + "/video-input-stream", sslopt={"ca_certs": str(ca_file)}, timeout=5)
    jpeg = requests.get(hub.url("/mocked-image"), verify=str(ca_file), timeout=5).content
    push.send_binary(struct.pack("<I", camera_id))
    push.send_binary(struct.pack("<I", len(push_token)) + push_token.encode())
    push.send_binary(struct.pack("<I", len(jpeg)) + jpeg)
    image = wait_for(lambda: _newest_image(hub, ca_file, camera_id), timeout=10)
    assert image == jpeg
    push.close()


def _newest_image(hub, ca_file, camera_id):
    response = requests.get(hub.url(f"/get-image?cameraId={camera_id}"), verify=str(ca_file), timeout=5)
    return response.content if response.status_code == 200 else None


def test_sighup_serves_a_renewed_certificate(start_hub, ca, tmp_path):
    hub, ca_file, cert_file, key_file = https_hub(start_hub, ca, tmp_path)
    before = served_certificate(hub.port, ca_file)
    renewed = ca.issue_cert("127.0.0.1", "localhost")
    renewed.cert_chain_pems[0].write_to_path(str(cert_file))
    renewed.private_key_pem.write_to_path(str(key_file))
    hub.process.send_signal(signal.SIGHUP)
    after = wait_for(lambda: (c := served_certificate(hub.port, ca_file)) != before and c, timeout=5)
    assert after != before
    # A broken renewal keeps the certificate in use, and says so.
    cert_file.write_text("not a certificate")
    hub.process.send_signal(signal.SIGHUP)
    wait_for(lambda: "TLS certificate was not reloaded" in hub.output(), timeout=5)
    assert served_certificate(hub.port, ca_file) == after


@pytest.mark.parametrize("problem", ["missing", "garbage", "mismatched"])
def test_bad_certificate_files_stop_the_start_with_a_clear_line(start_hub, ca, tmp_path, problem):
    cert_file, key_file = write_pair(ca, tmp_path)
    if problem == "missing":
        cert_file = tmp_path / "absent.pem"
    elif problem == "garbage":
        key_file.write_text("-----BEGIN PRIVATE KEY-----\nnot base64\n-----END PRIVATE KEY-----\n")
    else:
        _, key_file = write_pair(ca, tmp_path, name="other")
    hub = start_hub(args=["--tls-cert", str(cert_file), "--tls-key", str(key_file)], ready=False)
    assert hub.process.wait(timeout=30) == 2
    hub.crashed = True
    first_line = [line for line in hub.output().splitlines() if line.startswith("camhub:")][0]
    expected = {"missing": "server.tls.cert_file", "garbage": "server.tls.key_file", "mismatched": "does not belong to the certificate"}[problem]
    assert expected in first_line, first_line


def test_tls_in_the_config_file(start_hub, ca, tmp_path):
    cert_file, key_file = write_pair(ca, tmp_path)
    ca_file = tmp_path / "ca.pem"
    ca.cert_pem.write_to_path(str(ca_file))
    hub = start_hub(config={"server": {"tls": {"cert_file": str(cert_file), "key_file": str(key_file)}}}, ready=False)
    hub.base = hub.base.replace("http://", "https://")
    wait_for(lambda: _healthy(hub, ca_file), timeout=30)
    assert "scheme=https" in hub.output()


@pytest.mark.parametrize("transport", ["http", "ws"])
def test_the_agent_sends_frames_to_an_https_hub_with_its_ca_file(start_hub, ca, tmp_path, transport):
    hub, ca_file, _, _ = https_hub(start_hub, ca, tmp_path)
    auth = {"Authorization": "Bearer " + (hub.data_dir / "admin.token").read_text().strip()}
    # Over WSS the agent needs the hub's name, as on its certificate (the WebSocket client sends the
    # host as the TLS server name, which an address cannot be); over HTTPS an address does.
    base = hub.base.replace("127.0.0.1", "localhost") if transport == "ws" else hub.base
    command = [BINARY, "agent", "--hub", base, "--ca-file", str(ca_file), "--transport", transport, "--fps", "5"]
    if transport == "ws":
        created = requests.post(hub.url("/cameras"), json={"name": "Pushed"}, headers=auth, verify=str(ca_file), timeout=5).json()
        command += ["--camera-id", str(created["id"]), "--push-token", created["push_token"]]
    else:
        command += ["--name", "TLS Agent", "--state-file", str(tmp_path / "agent.json"), "--heartbeat-interval", "1"]
    agent = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    try:
        def frames_arrived():
            if transport == "ws":
                return _newest_image(hub, ca_file, created["id"])
            listing = requests.get(hub.url("/cameras"), headers=auth, verify=str(ca_file), timeout=5).json()
            return any(camera.get("frame_count", 0) > 0 for camera in listing.values() if camera.get("kind") != "local")
        wait_for(frames_arrived, timeout=20)
    finally:
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=15) == 0, agent.stderr.read()[-2000:]


def test_the_agent_over_wss_asks_for_a_host_name_not_an_address():
    result = subprocess.run(
        [BINARY, "agent", "--hub", "https://127.0.0.1:8443", "--transport", "ws", "--camera-id", "1", "--push-token", "x"],
        capture_output=True, text=True, timeout=30,
    )
    assert result.returncode != 0 and "needs its host name" in result.stderr, result.stderr


def test_the_agent_refuses_a_hub_its_ca_does_not_sign(start_hub, ca, tmp_path):
    hub, _, _, _ = https_hub(start_hub, ca, tmp_path)
    stranger = tmp_path / "stranger.pem"
    trustme.CA().cert_pem.write_to_path(str(stranger))
    agent = subprocess.Popen(
        [BINARY, "agent", "--hub", hub.base, "--ca-file", str(stranger), "--name", "Untrusting",
         "--state-file", str(tmp_path / "agent.json"), "--heartbeat-interval", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True,
    )
    time.sleep(3)
    agent.send_signal(signal.SIGTERM)
    agent.wait(timeout=15)
    auth = {"Authorization": "Bearer " + (hub.data_dir / "admin.token").read_text().strip()}
    ca_file = tmp_path / "ca.pem"
    listing = requests.get(hub.url("/cameras"), headers=auth, verify=str(ca_file), timeout=5).json()
    assert not any(camera["name"] == "Untrusting" for camera in listing.values())

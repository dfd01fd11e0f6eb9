"""`server.trusted_hosts`, and loopback trust only for requests that name this machine."""
import requests


def test_only_trusted_host_names_are_answered(start_hub):
    hub = start_hub(config={"server": {"trusted_hosts": ["localhost", "127.0.0.1", "cams.example.com"]}})
    assert requests.get(hub.url("/health"), timeout=5).status_code == 200
    assert requests.get(hub.url("/health"), headers={"Host": f"cams.example.com:{hub.port}"}, timeout=5).status_code == 200
    refused = requests.get(hub.url("/health"), headers={"Host": "rebound.evil.example"}, timeout=5)
    assert refused.status_code == 400 and refused.json()["error"]["code"] == "untrusted_host"
    # The server keeps serving.
    assert requests.get(hub.url("/cameras"), timeout=5).status_code == 200


def test_loopback_trust_needs_a_loopback_host_name(start_hub):
    hub = start_hub()
    assert requests.get(hub.url("/config"), timeout=5).status_code == 200
    # A page whose DNS name was rebound to 127.0.0.1 (or a local proxy) is not the operator.
    rebound = requests.get(hub.url("/config"), headers={"Host": f"rebound.evil.example:{hub.port}"}, timeout=5)
    assert rebound.status_code == 401 and rebound.json()["error"]["code"]
    token = (hub.data_dir / "admin.token").read_text().strip()
    with_token = requests.get(hub.url("/config"), headers={"Host": "rebound.evil.example", "Authorization": f"Bearer {token}"}, timeout=5)
    assert with_token.status_code == 200

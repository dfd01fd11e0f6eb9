"""`server.trusted_proxies` behind a real nginx: the links handed to cameras keep the scheme and
port the client used, and the client address (logs, loopback trust) is the forwarded one. Without
the setting, forwarding headers are not believed."""
import requests

# What a typical site's nginx sends: the Host without its port ($host), and the rest in headers.
FORWARDING = """
            proxy_set_header Host $host;
            proxy_set_header X-Forwarded-For $proxy_add_x_forwarded_for;
            proxy_set_header X-Forwarded-Proto $scheme;
            proxy_set_header X-Forwarded-Port $server_port;
"""
REGISTER = {"name": "Gate", "location": "north", "source_type": "usb", "resolution": [640, 480], "fps": 15}


def test_links_keep_the_port_and_a_remote_client_behind_a_loopback_proxy_is_not_the_operator(start_hub, start_nginx):
    hub = start_hub(config={"server": {"trusted_proxies": ["127.0.0.1/32", "::1"]}})
    proxy = start_nginx([hub.port], FORWARDING)
    registered = requests.post(proxy.url("/register"), json=REGISTER, timeout=5)
    assert registered.status_code == 200, registered.text
    endpoints = registered.json()["endpoints"]
    camera_id = registered.json()["camera_id"]
    # nginx's $host has no port; the forwarded port puts it back, so the link works as given.
    assert endpoints["heartbeat"] == f"{proxy.base}/cameras/{camera_id}/heartbeat"
    beat = requests.post(endpoints["heartbeat"], json={"camera_id": camera_id, "api_key": registered.json()["api_key"], "status": "active"}, timeout=5)
    assert beat.status_code == 200, beat.text

    # A client on this machine, through the proxy, is still the operator...
    assert requests.get(proxy.url("/config"), timeout=5).status_code == 200
    # ... but a remote one is not, whatever the proxy's own address is.
    remote = requests.get(proxy.url("/config"), headers={"X-Forwarded-For": "203.0.113.9"}, timeout=5)
    assert remote.status_code == 401
    assert "client=203.0.113.9" in hub.output()
    # A TLS-terminating proxy's scheme, host and port, in either header form.
    for headers in [{"X-Forwarded-Proto": "https", "X-Forwarded-Host": "cams.example.com", "X-Forwarded-Port": "8443"},
                    {"Forwarded": 'for="[2001:db8::7]:4711";proto=https;host="cams.example.com:8443"'}]:
        https = requests.post(hub.url("/register"), json=REGISTER, headers=headers, timeout=5).json()
        assert https["endpoints"]["heartbeat"].startswith("https://cams.example.com:8443/cameras/"), headers
    v6 = requests.get(hub.url("/config"), headers={"Forwarded": 'for="[2001:db8::7]:4711"'}, timeout=5)
    assert v6.status_code == 401 and "client=2001:db8::7" in hub.output()


def test_forwarding_headers_from_an_untrusted_peer_are_ignored(start_hub):
    hub = start_hub()
    spoofed = {"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https", "X-Forwarded-For": "203.0.113.9",
               "Forwarded": "for=203.0.113.9;proto=https;host=evil.example"}
    registered = requests.post(hub.url("/register"), json=REGISTER, headers=spoofed, timeout=5).json()
    assert registered["endpoints"]["heartbeat"].startswith(f"{hub.base}/cameras/")
    # Still loopback: a header cannot take the operator's trust away, nor give it.
    assert requests.get(hub.url("/config"), headers=spoofed, timeout=5).status_code == 200


def test_a_bad_trusted_proxy_entry_is_named(start_hub):
    hub = start_hub(config={"server": {"trusted_proxies": ["10.0.0.0/33"]}}, ready=False)
    assert hub.process.wait(timeout=20) == 2
    hub.crashed = True
    assert "server.trusted_proxies[0]" in hub.output()

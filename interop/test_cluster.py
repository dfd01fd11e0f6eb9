"""Three hubs on one PostgreSQL behind seed 000's own nginx block (round robin, no sticky
sessions), as the seed's guide deploys its API nodes. Every request through the balancer may land
on any hub; the seed's client must not notice.

Tested here: the registry, heartbeats, commands, start and stop; the cluster's own view of its
nodes and leases, including a node killed with SIGKILL; live frames relayed between hubs; and
Socket.IO clients whose requests land on every hub in turn (the session forwarding)."""
import time
import uuid

import pytest
import requests

from conftest import POSTGRES_URL, free_port, wait_for
from nginx import DEFAULT_BLOCK, SEED_000_BLOCK
from test_web_dashboard import browser  # noqa: F401 (the Chromium fixture)

pytestmark = pytest.mark.skipif(POSTGRES_URL is None, reason="no PostgreSQL configured (CAMHUB_TEST_POSTGRES_URL)")

LEASE_SECONDS = 3
PING_SECONDS = 2

# A round-robin balancer that carries WebSocket upgrades (seed 000's own block does not).
WEBSOCKET_BLOCK = DEFAULT_BLOCK + """
            proxy_set_header Upgrade $http_upgrade;
            proxy_set_header Connection "upgrade";
"""


@pytest.fixture
def site(start_hub, start_nginx, database_url):
    """Three hubs, each with a test-pattern camera of its own, and the balancer in front."""
    balancer_port = free_port()
    hubs = []
    for index in range(3):
        config = {
            "server": {"public_url": f"http://127.0.0.1:{balancer_port}"},
            "cluster": {"lease_seconds": LEASE_SECONDS},
            "lpr": {"ping_interval_seconds": PING_SECONDS, "ping_timeout_seconds": PING_SECONDS},
            "cameras": [{"id": f"tp-{index}", "name": f"Pattern {index}", "width": 320, "height": 240, "fps": 5}],
        }
        hubs.append(start_hub(config=config))
    proxy = start_nginx([hub.port for hub in hubs], port=balancer_port, block=SEED_000_BLOCK)
    return hubs, proxy


@pytest.fixture
def database_url():
    """Only PostgreSQL, on a schema of this test's: the hubs of a site share it."""
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}schema=t_{uuid.uuid4().hex}"


def cluster_of(hub) -> dict:
    reply = requests.get(hub.url("/cluster"), timeout=5)
    assert reply.status_code == 200, reply.text
    return reply.json()


def test_seed_000_registers_heartbeats_and_is_commanded_through_any_node(site):
    hubs, proxy = site
    registered = requests.post(proxy.url("/register"), json={"name": "Gate", "location": "North", "source_type": "usb"}, timeout=5)
    assert registered.status_code == 200, registered.text
    camera = registered.json()
    camera_id, key = camera["camera_id"], camera["api_key"]
    # The links point at the balancer, whichever node answered.
    assert camera["endpoints"]["heartbeat"].startswith(proxy.base)

    # The seed's failing case: 4 of 6 heartbeats got 404 when each node had its own registry.
    for _ in range(6):
        beat = requests.post(proxy.url(f"/cameras/{camera_id}/heartbeat"), json={"status": "active", "frame_count": 1},
                             headers={"X-API-Key": key}, timeout=5)
        assert beat.status_code == 200, beat.text
        assert beat.json()["commands"] == []

    # Every node lists the camera and every node's local cameras.
    for _ in range(6):
        listing = requests.get(proxy.url("/cameras"), timeout=5).json()
        assert {camera_id, "tp-0", "tp-1", "tp-2"} <= set(listing)
    for hub in hubs:
        status = requests.get(hub.url(f"/cameras/{camera_id}/status"), timeout=5)
        assert status.status_code == 200 and status.json()["status"] == "active", status.text

    # A command queued through one node is delivered once, on the next heartbeat through any node.
    queued = requests.post(hubs[1].url(f"/cameras/{camera_id}/commands"), json={"type": "adjust_fps", "value": 7, "reason": "test"}, timeout=5)
    assert queued.status_code in (200, 201), queued.text
    delivered = []
    for _ in range(6):
        beat = requests.post(proxy.url(f"/cameras/{camera_id}/heartbeat"), json={"status": "active"}, headers={"X-API-Key": key}, timeout=5)
        assert beat.status_code == 200, beat.text
        delivered += beat.json()["commands"]
    assert [(c["type"], c["value"]) for c in delivered] == [("adjust_fps", 7)]

    # Stopped through the balancer: every node says so (within about a second) and refuses frames.
    stopped = requests.post(proxy.url(f"/cameras/{camera_id}/stop"), headers={"X-API-Key": key}, timeout=5)
    assert stopped.status_code == 200, stopped.text
    for hub in hubs:
        wait_for(lambda: requests.get(hub.url(f"/cameras/{camera_id}/status"), timeout=5).json()["status"] == "stopped", timeout=2)
        upload = requests.post(hub.url(f"/cameras/{camera_id}/upload"), json={"frame_data": "/9j/2Q==", "timestamp": time.time()},
                               headers={"X-API-Key": key}, timeout=5)
        assert upload.status_code == 409 and upload.json()["error"]["code"] == "stopped", upload.text
    started = requests.post(proxy.url(f"/cameras/{camera_id}/start"), headers={"X-API-Key": key}, timeout=5)
    assert started.status_code == 200, started.text
    for hub in hubs:
        wait_for(lambda: requests.get(hub.url(f"/cameras/{camera_id}/status"), timeout=5).json()["status"] != "stopped", timeout=2)


def test_every_node_lists_the_site_and_a_killed_node_is_given_up_after_its_lease(site):
    hubs, proxy = site

    def owners(view: dict) -> dict:
        return {camera: node["address"] for node in view["nodes"] if node["alive"] for camera in node["cameras"]}

    expected = {f"tp-{index}": hub.base for index, hub in enumerate(hubs)}
    for hub in hubs:
        view = wait_for(lambda: (v := cluster_of(hub)) and sum(n["alive"] for n in v["nodes"]) == 3 and v, timeout=10)
        assert sorted(n["address"] for n in view["nodes"]) == sorted(h.base for h in hubs)
        assert [n["this"] for n in view["nodes"]].count(True) == 1
        assert owners(view) == expected
    # Every node gives the same status and frame rate for every hub's camera, with nobody watching
    # (the holder reports them with its heartbeat).
    def patterns_live(hub):
        listing = requests.get(hub.url("/cameras"), timeout=5).json()
        return all(listing[camera]["status"] == "active" and listing[camera]["fps"] >= 3 for camera in expected)
    for hub in hubs:
        wait_for(lambda: patterns_live(hub), timeout=10)
    # Through the balancer, each answer comes from another node, and all of them agree.
    answered_by = {cluster_of(proxy)["node"] for _ in range(6)}
    assert len(answered_by) == 3

    # kill -9: no goodbye. Its heartbeat stops, and within the lease (and one heartbeat) the
    # others list it dead and its camera free.
    hubs[2].crash()
    killed = time.monotonic()
    view = wait_for(lambda: (v := cluster_of(hubs[0])) and sum(n["alive"] for n in v["nodes"]) == 2 and v, timeout=LEASE_SECONDS + 5)
    assert time.monotonic() - killed < LEASE_SECONDS + 3
    dead = [n for n in view["nodes"] if not n["alive"]]
    assert [n["address"] for n in dead] == [hubs[2].base]
    assert "tp-2" not in owners(view)
    # The balancer skips the dead node; the site keeps answering.
    for _ in range(6):
        assert requests.get(proxy.url("/cameras"), timeout=5).status_code == 200

    # A graceful stop leaves at once: the node is gone from the list, not dead.
    assert hubs[1].stop() == 0
    view = cluster_of(hubs[0])
    assert hubs[1].base not in [n["address"] for n in view["nodes"]]
    assert owners(view) == {"tp-0": hubs[0].base}


def test_dashboards_on_every_node_hear_what_was_stored_through_another(site):
    """python-socketio dashboards (default options) on two nodes; an edge camera on a third;
    the REST fallback through the balancer. Each dashboard hears every detection, health report
    and camera status, and every node answers the same records."""
    from test_seed002_lpr import DETECTION, HEALTH, REGISTER, Recorder
    hubs, proxy = site
    dashboards = [Recorder(), Recorder()]
    camera = Recorder()
    try:
        for dashboard, hub in zip(dashboards, hubs[:2]):
            dashboard.sio.connect(hub.base)
            dashboard.sio.emit("join_dashboard")
            dashboard.sio.emit("join_health_room")
            dashboard.sio.call("ping", {}, timeout=5)  # both joins are processed before the pong
        camera.sio.connect(hubs[2].base)
        camera.sio.emit("camera_register", {**REGISTER, "camera_id": "gate_9"})
        ack = camera.sio.call("lpr_data", {**DETECTION, "camera_id": "gate_9", "ocr_results": ["CLU5TER"]}, timeout=10)
        assert ack["success"] is True, ack
        camera.sio.call("health_status", {**HEALTH, "camera_id": "gate_9"}, timeout=10)
        rest = requests.post(proxy.url("/api/detection"), json={**DETECTION, "camera_id": "gate_9"}, timeout=5).json()
        for dashboard in dashboards:
            assert dashboard.wait("camera_status")["camera_id"] == "gate_9"
            seen = {dashboard.wait("new_detection", count=1)["detection_id"], dashboard.wait("new_detection", count=2)["detection_id"]}
            assert seen == {ack["detection_id"], rest["detection_id"]}
            assert dashboard.wait("health_update")["camera_id"] == "gate_9"
        camera.sio.disconnect()
        for dashboard in dashboards:
            assert dashboard.wait("camera_status", count=2)["status"] == "offline"
        # Exactly once each: a hub does not hear its own announcements back.
        time.sleep(0.5)
        for dashboard in dashboards:
            assert len(dashboard.events["new_detection"]) == 2 and len(dashboard.events["health_update"]) == 1
        # The statistics are the site's on every hub, the Socket.IO clients included (two dashboards
        # still connected, each hub's count as of its last heartbeat).
        def statistics(hub):
            answer = requests.get(hub.url("/api/statistics"), timeout=5).json()
            del answer["data"]["timestamp"]
            return answer
        expected = wait_for(lambda: (s := statistics(hubs[0])) and s["data"]["connected_clients"] == 2 and s, timeout=5)
        assert expected["data"]["total_records"] >= 2 and expected["statistics"]["by_camera"]["gate_9"] == 2
        for hub in hubs[1:]:
            wait_for(lambda: statistics(hub) == expected, timeout=5)
    finally:
        for client in dashboards + [camera]:
            if client.sio.connected:
                client.sio.disconnect()
    for hub in hubs:
        records = requests.get(hub.url("/api/records"), params={"camera_id": "gate_9"}, timeout=5).json()
        assert sorted(r["detection_id"] for r in records["records"]) == sorted([ack["detection_id"], rest["detection_id"]])


def test_a_camera_pushing_to_one_node_is_live_on_every_node_and_uploads_reach_its_owner(site):
    """seed 003: websocket-client pushes to node 0; node 1 and node 2 serve its newest frame
    (relayed, with the X-Timestamp it had on node 0). seed 000: uploads through the balancer land
    on every node; each reaches the camera's owner, so every node shows the newest."""
    import cv2
    import struct
    import websocket
    from test_seed003_push import create_camera, jpeg, newest_image, ws_url
    hubs, proxy = site
    camera_id, token = create_camera(hubs[0], name="Door")
    ws = websocket.create_connection(ws_url(hubs[0], "/video-input-stream"), timeout=8)
    ws.send_binary(struct.pack("<I", camera_id))
    ws.send_binary(struct.pack("<I", len(token)) + token.encode("utf-8"))
    try:
        for shade in range(0, 250, 10):
            frame = jpeg((shade, 0, 0))
            ws.send_binary(struct.pack("<I", len(frame)) + frame)
            time.sleep(0.05)
        for hub in hubs[1:]:
            wait_for(lambda: newest_image(hub, camera_id) == frame, timeout=10)
            # The original's listing and its event stream, on hubs the camera does not push to.
            assert camera_id in [c["id"] for c in requests.get(hub.url("/camera/list"), timeout=5).json()]
        import sseclient
        from test_seed003_push import image_update
        events_reply = requests.get(hubs[2].url(f"/camera/stream-image?cameraId={camera_id}"), stream=True, timeout=10)
        events = sseclient.SSEClient(events_reply).events()
        assert image_update(next(events)) == frame
        streamed = jpeg((7, 77, 177))
        ws.send_binary(struct.pack("<I", len(streamed)) + streamed)
        assert image_update(next(events)) == streamed
        events_reply.close()
        frame = streamed
        # The node-0 MJPEG part and the node-1 relayed part carry the same entry time.
        stamps = []
        for hub in hubs[:2]:
            reply = requests.get(hub.url(f"/cameras/{camera_id}/snapshot.jpg"), timeout=5)
            assert reply.status_code == 200 and reply.content == frame
            stamps.append(reply.headers.get("X-Timestamp"))
        assert stamps[0] is not None and stamps[0] == stamps[1]
        # OpenCV reads the relayed MJPEG stream on node 2 while the camera goes on pushing.
        import threading
        pushing = threading.Event()

        def push():
            while not pushing.wait(0.05):
                ws.send_binary(struct.pack("<I", len(frame)) + frame)
        pusher = threading.Thread(target=push)
        pusher.start()
        try:
            capture = cv2.VideoCapture(hubs[2].url(f"/cameras/{camera_id}/stream.mjpeg"))
            ok, image = capture.read()
            capture.release()
            assert ok and image.shape[:2] == (240, 320)
        finally:
            pushing.set()
            pusher.join()
        owners = {camera: node["address"] for node in cluster_of(hubs[1])["nodes"] for camera in node["cameras"]}
        assert owners[str(camera_id)] == hubs[0].base
    finally:
        ws.close()

    # seed 000 uploads through the round-robin balancer: every node ends up showing the newest.
    camera = requests.post(proxy.url("/register"), json={"name": "Yard", "location": "South", "source_type": "usb"}, timeout=5).json()
    import base64
    for shade in range(0, 250, 25):
        picture = jpeg((0, shade, 0))
        reply = requests.post(proxy.url(f"/cameras/{camera['camera_id']}/upload"),
                              json={"frame_data": base64.b64encode(picture).decode(), "timestamp": time.time()},
                              headers={"X-API-Key": camera["api_key"]}, timeout=5)
        assert reply.status_code == 200, reply.text
    for hub in hubs:
        wait_for(lambda: requests.get(hub.url(f"/cameras/{camera['camera_id']}/snapshot.jpg"), timeout=5).content == picture, timeout=10)
    # Raw frames (`POST /cameras/{id}/frames`) through the balancer, likewise.
    for shade in range(0, 250, 50):
        picture = jpeg((shade, shade, 0))
        reply = requests.post(proxy.url(f"/cameras/{camera['camera_id']}/frames"), data=picture,
                              headers={"Authorization": f"Bearer {camera['api_key']}", "Content-Type": "image/jpeg"}, timeout=5)
        assert reply.status_code == 200, reply.text
    for hub in hubs:
        wait_for(lambda: requests.get(hub.url(f"/cameras/{camera['camera_id']}/snapshot.jpg"), timeout=5).content == picture, timeout=10)


@pytest.mark.parametrize("balancer,transports", [
    ("seed_000", None),  # the default client: the seed's block cannot carry the upgrade, so it polls
    ("websocket", None),  # the default client, polling first and then upgraded through the balancer
    ("websocket", ["polling"]),  # an edge box that stays on long-polling
])
def test_socketio_clients_connect_and_stay_connected_through_the_round_robin_balancer(site, start_nginx, balancer, transports):
    """No sticky sessions: each poll, POST and upgrade lands on the next hub, which hands it to the
    hub that holds the session. The clients connect, join rooms, hear events and acknowledgements,
    and keep the same session over several ping intervals."""
    from test_seed002_lpr import DETECTION, REGISTER, Recorder
    hubs, proxy = site
    if balancer == "websocket":
        proxy = start_nginx([hub.port for hub in hubs], block=WEBSOCKET_BLOCK)
    options = {} if transports is None else {"transports": transports}
    expected_transport = "websocket" if balancer == "websocket" and transports is None else "polling"
    dashboard, camera = Recorder(), Recorder()
    try:
        dashboard.sio.connect(proxy.base, **options)
        dashboard.sio.emit("join_dashboard")
        dashboard.sio.call("ping", {}, timeout=5)
        camera.sio.connect(proxy.base, **options)
        camera.sio.emit("camera_register", {**REGISTER, "camera_id": "rr_1"})
        first = camera.sio.call("lpr_data", {**DETECTION, "camera_id": "rr_1", "ocr_results": ["R0UND1"]}, timeout=10)
        assert first["success"] is True, first
        assert dashboard.wait("new_detection")["detection_id"] == first["detection_id"]
        wait_for(lambda: dashboard.sio.transport() == expected_transport and camera.sio.transport() == expected_transport)

        # Each session id names the hub that holds it.
        nodes = {node["id"] for node in cluster_of(hubs[0])["nodes"]}
        sessions = (dashboard.sio.eio.sid, camera.sio.eio.sid)
        assert all(sid.rsplit(".", 1)[1] in nodes for sid in sessions), (sessions, nodes)

        time.sleep(3 * PING_SECONDS + 1)
        assert dashboard.sio.connected and camera.sio.connected
        assert (dashboard.sio.eio.sid, camera.sio.eio.sid) == sessions, "a client had to reconnect"
        second = camera.sio.call("lpr_data", {**DETECTION, "camera_id": "rr_1", "ocr_results": ["R0UND2"]}, timeout=10)
        assert dashboard.wait("new_detection", count=2)["detection_id"] == second["detection_id"]
        assert len(dashboard.events["new_detection"]) == 2
    finally:
        for client in (dashboard, camera):
            if client.sio.connected:
                client.sio.disconnect()


def test_a_web_login_through_the_balancer_is_valid_on_every_node_and_a_logout_ends_it_everywhere(start_hub, start_nginx, database_url):
    hubs = [start_hub(config={"server": {"trust_loopback": False}}) for _ in range(3)]
    proxy = start_nginx([hub.port for hub in hubs], block=SEED_000_BLOCK)
    token = (hubs[0].data_dir / "admin.token").read_text().strip()
    assert requests.post(proxy.url("/auth/login"), json={"token": "not-it"}, timeout=5).status_code == 401
    login = requests.post(proxy.url("/auth/login"), json={"token": token}, timeout=5)
    assert login.status_code == 200, login.text
    cookie = {"Cookie": "camhub_session=" + login.cookies["camhub_session"]}
    for hub in hubs:
        assert requests.get(hub.url("/auth/session"), headers=cookie, timeout=5).json() == {"authenticated": True, "via": "session"}
        assert requests.get(hub.url("/config"), headers=cookie, timeout=5).status_code == 200
    assert requests.get(hubs[1].url("/config"), timeout=5).status_code == 401

    logout = requests.post(hubs[2].url("/auth/logout"), headers=cookie, timeout=5)
    assert logout.status_code == 200 and logout.json()["authenticated"] is False
    for hub in hubs:
        assert requests.get(hub.url("/config"), headers=cookie, timeout=5).status_code == 401


def test_a_push_camera_is_watched_moved_and_stopped_through_other_nodes(site):
    """seed 003 across hubs: the original frontend on node 1 watches a camera whose push socket is
    on node 0, and its joystick's messages reach the camera; a stop through node 2 closes the push
    socket on node 0 at once."""
    import struct
    from test_seed003_push import close_code, create_camera, jpeg, newest_image, push_socket, watch_like_the_original_frontend
    hubs, _ = site
    camera_id, token = create_camera(hubs[0], name="Pan")
    camera = push_socket(hubs[0], camera_id, token)
    first = jpeg((9, 8, 7))
    camera.send_binary(struct.pack("<I", len(first)) + first)
    wait_for(lambda: newest_image(hubs[0], camera_id) == first)

    viewer = watch_like_the_original_frontend(hubs[1], camera, camera_id, first)

    stopped = requests.post(hubs[2].url(f"/cameras/{camera_id}/stop"), timeout=5)
    assert stopped.status_code == 200, stopped.text
    assert close_code(camera) == (1008, f"camera {camera_id} was stopped")
    wait_for(lambda: newest_image(hubs[0], camera_id) is None, timeout=5)
    viewer.close()


@pytest.mark.parametrize("given", ["balancer", "every hub"])
def test_when_the_owner_is_killed_the_agent_moves_and_viewers_elsewhere_keep_watching(site, start_nginx, given):
    """kill -9 the hub a `camhub agent` pushes to: its lease expires, the agent reconnects
    (through the balancer, or to the next of the hubs it was given) to a surviving hub, and an
    MJPEG viewer on another hub that never reconnected receives the camera's frames again."""
    import signal
    import subprocess
    from conftest import BINARY
    from mjpeg import MJPEGReader
    from test_seed003_push import create_camera, newest_image
    hubs, _ = site
    proxy = start_nginx([hub.port for hub in hubs], block=WEBSOCKET_BLOCK)
    camera_id, token = create_camera(hubs[0], name="Roaming")
    hub_arguments = ["--hub", proxy.base] if given == "balancer" else [argument for hub in hubs for argument in ("--hub", hub.base)]
    agent = subprocess.Popen(
        [BINARY, "agent", "--transport", "ws", *hub_arguments, "--camera-id", str(camera_id),
         "--width", "160", "--height", "120", "--fps", "10"],
        env={"CAMHUB_PUSH_TOKEN": token, "PATH": "/usr/bin:/bin"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        def owner(asked):
            owners = {camera: node["address"] for node in cluster_of(asked)["nodes"] if node["alive"] for camera in node["cameras"]}
            return owners.get(str(camera_id))
        first_owner = wait_for(lambda: owner(hubs[0]), timeout=15)
        owning = next(hub for hub in hubs if hub.base == first_owner)
        watching = next(hub for hub in hubs if hub is not owning)
        wait_for(lambda: newest_image(watching, camera_id), timeout=10)
        viewer = MJPEGReader(watching.port, f"/cameras/{camera_id}/stream.mjpeg")
        viewer.sock.settimeout(30)
        viewer.next_part()

        owning.crash()
        killed_at = time.monotonic()
        survivor = wait_for(lambda: (now := owner(watching)) != first_owner and now, timeout=30)
        # Frames from the new owner reach the viewer that stayed connected to its hub.
        stamp = time.time()
        while True:
            headers, picture = viewer.next_part()
            assert picture[:2] == b"\xff\xd8"
            if float(headers.get("x-timestamp", 0)) > stamp:
                break
            assert time.monotonic() - killed_at < 30, "the viewer never saw the camera again"
        print(f"live again on {survivor} {time.monotonic() - killed_at:.1f} s after the kill")
        viewer.sock.close()
    finally:
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=15) == 0


def test_a_network_camera_is_captured_by_one_node_and_taken_over_when_that_node_dies(site):
    """`POST /cameras` with a network source through the balancer: exactly one hub reads the
    camera, every hub serves it; kill -9 that hub and a survivor takes the camera over, while an
    MJPEG viewer on another hub keeps receiving it without reconnecting."""
    from ipcamera import IPCamera
    from mjpeg import MJPEGReader
    from test_seed003_push import jpeg
    hubs, proxy = site
    frames = [jpeg((0, 0, 255)), jpeg((0, 128, 255))]
    camera = IPCamera(0, frames)
    try:
        created = requests.post(proxy.url("/cameras"), json={"id": "net-1", "name": "Net", "source": f"http://127.0.0.1:{camera.port}/video.mjpg", "fps": 10}, timeout=10)
        assert created.status_code == 201, created.text

        def owner(asked):
            owners = {cam: node["address"] for node in cluster_of(asked)["nodes"] if node["alive"] for cam in node["cameras"]}
            return owners.get("net-1")
        first_owner = wait_for(lambda: owner(hubs[0]), timeout=10)
        wait_for(lambda: camera.streaming == 1, timeout=10)
        time.sleep(2 * LEASE_SECONDS / 3 + 0.5)  # every hub has looked at the registry since
        assert camera.streaming == 1, "more than one hub reads the camera"
        for hub in hubs:
            wait_for(lambda: requests.get(hub.url("/cameras/net-1/snapshot.jpg"), timeout=5).content in frames, timeout=10)

        owning = next(hub for hub in hubs if hub.base == first_owner)
        watching = next(hub for hub in hubs if hub is not owning)
        viewer = MJPEGReader(watching.port, "/cameras/net-1/stream.mjpeg")
        viewer.sock.settimeout(30)
        viewer.next_part()
        owning.crash()
        killed_at, stamp = time.monotonic(), time.time()
        survivor = wait_for(lambda: (now := owner(watching)) not in (None, first_owner) and now, timeout=30)
        wait_for(lambda: camera.streaming == 1, timeout=10)
        while True:
            headers, picture = viewer.next_part()
            assert picture in frames
            if float(headers.get("x-timestamp", 0)) > stamp:
                break
            assert time.monotonic() - killed_at < 30, "the viewer never saw the camera again"
        print(f"captured again by {survivor} {time.monotonic() - killed_at:.1f} s after the kill")
        viewer.sock.close()
        time.sleep(1)
        assert camera.streaming == 1
    finally:
        camera.kill()


def test_the_web_page_through_the_balancer_shows_the_whole_site(site, start_nginx, browser):
    """Chromium on the balancer, which hubs do not trust as loopback (it may forward anyone): the
    operator logs in through it (every later call lands on another hub), the live grid draws every
    hub's camera over the one socket the page opened on whichever hub the balancer chose, and the
    records strip hears detections stored through each of the three hubs."""
    from selenium.common.exceptions import StaleElementReferenceException
    from selenium.webdriver.common.by import By
    from test_web_dashboard import ARTIFACTS, severe_console_messages, shown, tile_fingerprints
    hubs, _ = site
    proxy = start_nginx([hub.port for hub in hubs], block=WEBSOCKET_BLOCK)
    try:
        browser.get(proxy.base)
        wait_for(lambda: shown(browser, "login"), timeout=10)
        browser.find_element(By.ID, "token").send_keys((hubs[0].data_dir / "admin.token").read_text().strip())
        browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
        wait_for(lambda: shown(browser, "app"), timeout=10)
        expected = {"tp-0", "tp-1", "tp-2"}

        def texts(selector, attribute=None):
            # What the page shows now; nothing while it is re-rendering (an element went stale).
            try:
                return [e.get_attribute(attribute) if attribute else e.text for e in browser.find_elements(By.CSS_SELECTOR, selector)]
            except StaleElementReferenceException:
                return []
        wait_for(lambda: set(texts("[data-camera-id]", "data-camera-id")) == expected, timeout=15)
        first = wait_for(lambda: (f := tile_fingerprints(browser)) and all(drawn >= 2 for drawn, _ in f.values()) and f, timeout=20)
        time.sleep(1.5)
        second = tile_fingerprints(browser)
        for camera in expected:
            assert second[camera][0] > first[camera][0], f"{camera} stopped drawing"
        wait_for(lambda: browser.execute_script("return document.getElementById('connection').textContent") == "live", timeout=10)
        for index, hub in enumerate(hubs):
            body = {"type": "detection_result", "camera_id": f"lane_{index}", "checkpoint_id": "north", "timestamp": "2024-12-19T10:00:00Z", "ocr_results": [f"SITE{index}"]}
            detection_id = requests.post(hub.url("/api/detection"), json=body, timeout=5).json()["detection_id"]
            wait_for(lambda: any(f"SITE{index}" in text for text in texts(f'[data-live="detections"] [data-detection-id="{detection_id}"]')), timeout=5)
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "cluster-dashboard.png"))
        # The health page lists the three hubs, alive, each with its camera.
        browser.get(proxy.base + "/#/health")
        rows = wait_for(lambda: (r := texts("#health-hubs tr")) and len(r) == 3 and all("alive" in t for t in r) and r, timeout=10)
        assert sorted(camera for text in rows for camera in expected if camera in text) == sorted(expected)
        assert sum("(this hub)" in text for text in rows) == 1
        browser.save_screenshot(str(ARTIFACTS / "cluster-health.png"))
        assert severe_console_messages(browser) == []
    finally:
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "cluster-dashboard.png"))


def test_a_command_queued_through_one_node_reaches_an_agent_pushing_to_another_at_once(site):
    """The agent's push socket is on node 0; the operator queues through node 2: node 2 tells the
    site, node 0 sends the command down the socket, and the camera's frames change size."""
    import signal
    import subprocess
    from conftest import BINARY
    from test_seed003_push import create_camera, image_size
    hubs, _ = site
    camera_id, token = create_camera(hubs[0], name="Obedient")
    agent = subprocess.Popen(
        [BINARY, "agent", "--transport", "ws", "--hub", hubs[0].base, "--camera-id", str(camera_id),
         "--width", "320", "--height", "240", "--fps", "10"],
        env={"CAMHUB_PUSH_TOKEN": token, "PATH": "/usr/bin:/bin"}, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        wait_for(lambda: image_size(hubs[0], camera_id) == (320, 240), timeout=15)
        queued = requests.post(hubs[2].url(f"/cameras/{camera_id}/commands"), json={"type": "change_resolution", "value": [176, 144]}, timeout=5)
        assert queued.status_code == 201, queued.text
        sent_at = time.monotonic()
        wait_for(lambda: image_size(hubs[0], camera_id) == (176, 144), timeout=10)
        print(f"obeyed {time.monotonic() - sent_at:.2f} s after it was queued on another node")
        assert [c["state"] for c in requests.get(hubs[1].url(f"/cameras/{camera_id}/commands"), timeout=5).json()["commands"]] == ["delivered"]
    finally:
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=15) == 0


def test_a_hub_killed_during_a_burst_of_detections_loses_none_it_acknowledged(site):
    """Detections stream in over Socket.IO to hub 2 and over REST through the balancer while hub 2
    is killed with SIGKILL: every detection that got its acknowledgement is listed by the
    survivors (each was committed to PostgreSQL before its answer)."""
    import socketio
    import threading
    from test_seed002_lpr import DETECTION
    hubs, proxy = site
    acknowledged = {"sio": [], "rest": []}
    stop = threading.Event()

    def socketio_burst():
        client = socketio.Client(reconnection=False)
        client.connect(hubs[2].base)
        try:
            for index in range(100_000):
                if stop.is_set():
                    return
                ack = client.call("lpr_data", {**DETECTION, "camera_id": "burst_sio", "ocr_results": [f"SIO{index}"]}, timeout=2)
                if ack.get("success"):
                    acknowledged["sio"].append(ack["detection_id"])
        except Exception:
            return  # the hub died under it
        finally:
            client.disconnect()

    def rest_burst():
        with requests.Session() as http:
            for index in range(100_000):
                if stop.is_set():
                    return
                try:
                    reply = http.post(proxy.url("/api/detection"), json={**DETECTION, "camera_id": "burst_rest", "ocr_results": [f"R{index}"]}, timeout=2)
                except requests.RequestException:
                    continue
                if reply.status_code == 200 and reply.json().get("success"):
                    acknowledged["rest"].append(reply.json()["detection_id"])

    senders = [threading.Thread(target=socketio_burst), threading.Thread(target=rest_burst)]
    for sender in senders:
        sender.start()
    time.sleep(1.5)
    hubs[2].crash()
    time.sleep(1.5)
    stop.set()
    for sender in senders:
        sender.join(timeout=10)
    assert acknowledged["sio"] and acknowledged["rest"], {k: len(v) for k, v in acknowledged.items()}
    for camera, ids in [("burst_sio", acknowledged["sio"]), ("burst_rest", acknowledged["rest"])]:
        stored = set()
        offset = 0
        while True:
            page = requests.get(hubs[0].url("/api/records"), params={"camera_id": camera, "limit": 1000, "offset": offset}, timeout=10).json()["records"]
            stored |= {record["detection_id"] for record in page}
            if len(page) < 1000:
                break
            offset += 1000
        missing = set(ids) - stored
        assert not missing, f"{len(missing)} of {len(ids)} acknowledged {camera} detections are gone"
    print(f"acknowledged and kept: {len(acknowledged['sio'])} over Socket.IO, {len(acknowledged['rest'])} over REST")


def test_a_poll_handed_to_another_hub_never_holds_a_shutdown_up(start_hub, database_url):
    """A client's long poll lands on hub 1 for a session hub 0 holds: hub 1 hands it on and waits
    (up to the ping interval). SIGTERM to hub 1 then gives the poll up at once: the client gets a
    noop (and polls again elsewhere), and hub 1 exits in a moment, not after the ping interval."""
    import json
    import signal
    import threading
    slow_pings = {"lpr": {"ping_interval_seconds": 20, "ping_timeout_seconds": 20}}
    holder, other = start_hub(config=slow_pings), start_hub(config=slow_pings)
    opened = requests.get(holder.url("/socket.io/?EIO=4&transport=polling"), timeout=5)
    sid = json.loads(opened.text[1:])["sid"]
    assert requests.post(holder.url(f"/socket.io/?EIO=4&transport=polling&sid={sid}"), data="40", timeout=5).text == "ok"
    assert requests.get(holder.url(f"/socket.io/?EIO=4&transport=polling&sid={sid}"), timeout=5).text.startswith("40")
    answer = {}

    def poll():
        answer["reply"] = requests.get(other.url(f"/socket.io/?EIO=4&transport=polling&sid={sid}"), timeout=30)
    waiting = threading.Thread(target=poll)
    waiting.start()
    time.sleep(1)
    assert waiting.is_alive(), f"the poll should be waiting on the holder: {answer['reply'].status_code} {answer['reply'].text!r}"
    started = time.monotonic()
    other.process.send_signal(signal.SIGTERM)
    assert other.stop(timeout=8) == 0
    assert time.monotonic() - started < 5
    waiting.join(timeout=5)
    assert answer["reply"].status_code == 200 and answer["reply"].text == "6"


def test_a_clip_recorded_by_one_hub_plays_through_another(start_hub, database_url, tmp_path):
    """Each hub keeps the clips of the cameras it analyses; another hub asked for one fetches it."""
    from test_motion import clip_parts, config, scene
    frames = scene(tmp_path / "frames")
    settings = config(tmp_path / "frames")
    settings["cluster"] = {"lease_seconds": LEASE_SECONDS}
    recorder = start_hub(config=settings)
    other = start_hub(config={"cluster": {"lease_seconds": LEASE_SECONDS}, "cameras": [{"id": "tp", "name": "Pattern", "width": 160, "height": 120, "fps": 2}]})
    event = wait_for(lambda: [e for e in requests.get(other.url("/api/events"), timeout=5).json()["events"] if e["end"] and e["clip_url"]], timeout=30)[0]
    wait_for(lambda: len(cluster_of(other)["nodes"]) == 2, timeout=10)
    parts, _ = clip_parts(other, event)
    assert parts and all(jpeg in frames for _, jpeg in parts)
    assert not (other.data_dir / "clips" / f"{event['id']}.clip").exists() and (recorder.data_dir / "clips" / f"{event['id']}.clip").exists()

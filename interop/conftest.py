"""Fixtures that run the real camhub binary on loopback for the interop suite."""
import json
import os
import signal
import socket
import subprocess
import time
import uuid
from pathlib import Path

import pytest
import requests

BINARY = os.environ.get("CAMHUB_BIN", str(Path(__file__).resolve().parent.parent / ".build" / "debug" / "camhub"))


def wait_for(condition, timeout=15, interval=0.05):
    """Polls `condition` until it returns something truthy, and returns that."""
    deadline = time.time() + timeout
    while time.time() < deadline:
        value = condition()
        if value:
            return value
        time.sleep(interval)
    raise AssertionError("condition not met in time")


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


class Hub:
    """One camhub process with its own data dir and port."""

    def __init__(self, data_dir: Path, config: dict | None = None, env: dict | None = None,
                 args: list[str] | None = None, port: int | None = None):
        """`port` is where the hub is expected to listen; when given, no --port is passed, so the
        config file or the environment must put it there."""
        self.data_dir = data_dir
        # What the hub was started with beside the process's own environment (a database URL, say).
        self.env = env or {}
        self.port = port or free_port()
        port_args = [] if port else ["--port", str(self.port)]
        self.base = f"http://127.0.0.1:{self.port}"
        data_dir.mkdir(parents=True, exist_ok=True)
        if config is not None:
            (data_dir / "camhub.json").write_text(json.dumps(config))
        self.log = open(data_dir / "stderr.log", "w+")
        self.process = subprocess.Popen(
            [BINARY, "serve", "--data-dir", str(data_dir), *port_args, *(args or [])],
            stdout=self.log, stderr=subprocess.STDOUT, env={**os.environ, **(env or {})},
        )

    def wait_ready(self, timeout: float = 30) -> "Hub":
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError(f"camhub exited with {self.process.returncode}: {self.output()}")
            try:
                if requests.get(self.base + "/health", timeout=1).status_code == 200:
                    return self
            except requests.RequestException:
                pass
            time.sleep(0.1)
        raise RuntimeError("camhub did not become ready: " + self.output())

    def url(self, path: str) -> str:
        return self.base + path

    def output(self) -> str:
        self.log.flush()
        self.log.seek(0)
        return self.log.read()

    def rss_bytes(self) -> int:
        for line in Path(f"/proc/{self.process.pid}/status").read_text().splitlines():
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) * 1024
        return 0

    def crash(self) -> None:
        """SIGKILL, as a power cut would; the fixture then expects no clean exit."""
        self.process.kill()
        self.process.wait()
        self.crashed = True

    crashed = False

    def stop(self, timeout: float = 10) -> int:
        """SIGTERM and wait; returns the exit code (kills and fails if it hangs)."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=timeout)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait()
                raise AssertionError("camhub did not shut down within %ss after SIGTERM" % timeout)
        return self.process.returncode


POSTGRES_URL = os.environ.get("CAMHUB_TEST_POSTGRES_URL") or None


@pytest.fixture(params=["sqlite", "postgres"])
def database_url(request):
    """Runs a test once per backend: a module that touches storage says
    `pytestmark = pytest.mark.usefixtures("database_url")`, and every hub it starts uses that
    backend. PostgreSQL gets a schema of its own per test (shared by the test's hubs, so a restart
    finds its data); it is skipped only when no server is configured (`make test` starts one)."""
    if request.param == "sqlite":
        return None
    if POSTGRES_URL is None:
        pytest.skip("no PostgreSQL configured (CAMHUB_TEST_POSTGRES_URL)")
    separator = "&" if "?" in POSTGRES_URL else "?"
    return f"{POSTGRES_URL}{separator}schema=t_{uuid.uuid4().hex}"


@pytest.fixture
def start_hub(tmp_path, request):
    """Starts hubs on demand and stops them (checking a clean exit) at the end of the test."""
    hubs: list[Hub] = []
    database = request.getfixturevalue("database_url") if "database_url" in request.fixturenames else None

    def start(config: dict | None = None, env: dict | None = None, args: list[str] | None = None,
              port: int | None = None, ready: bool = True) -> Hub:
        if database:
            env = {"CAMHUB_DATABASE_URL": database, **(env or {})}
        hub = Hub(tmp_path / f"hub{len(hubs)}", config, env, args, port)
        hubs.append(hub)
        return hub.wait_ready() if ready else hub

    yield start
    for hub in hubs:
        if hub.crashed:
            continue
        code = hub.stop()
        assert code == 0, f"camhub exited with {code}: {hub.output()[-2000:]}"


@pytest.fixture
def hub(start_hub) -> Hub:
    """A hub with the default configuration: the built-in test pattern at 640x480, 15 fps."""
    return start_hub()


BUSY_FPS = 30


@pytest.fixture
def busy_hub(start_hub) -> Hub:
    """A hub whose camera sends ~3 MB/s (1920x1080 at 30 fps), so a viewer that stops reading
    fills the kernel's socket buffers within a second or two and really stalls."""
    camera = {"id": "busy", "name": "Busy", "width": 1920, "height": 1080, "fps": BUSY_FPS, "jpeg_quality": 95}
    return start_hub(config={"cameras": [camera]})


@pytest.fixture
def start_nginx(tmp_path):
    """Starts nginx in front of hubs on demand (see nginx.py) and stops it at the end of the test."""
    from nginx import Nginx
    started: list[Nginx] = []

    def start(upstreams: list[int], location: str = "", port: int | None = None, block: str | None = None) -> Nginx:
        proxy = Nginx(tmp_path / f"nginx{len(started)}", upstreams, location, port, block)
        started.append(proxy)
        return proxy

    yield start
    for proxy in started:
        proxy.stop()

"""What the benchmarks share: paths, building the C loaders, starting a hub, reading /proc."""
import json
import os
import signal
import socket
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import requests

ROOT = Path(__file__).resolve().parent.parent
SHARED_BENCH = ROOT.parent / "shared" / "bench"
WORK = ROOT / "bench" / "bin"
RELEASE_BINARY = ROOT / ".build" / "release" / "camhub"
CLK_TCK = os.sysconf("SC_CLK_TCK")
QUIET = {"logging": {"level": "warning", "file": ""}}


def build(source: Path, name: str) -> Path:
    """Compiles a C loader into bench/bin when it is missing or older than its source."""
    binary = WORK / name
    if not binary.exists() or binary.stat().st_mtime < source.stat().st_mtime:
        WORK.mkdir(parents=True, exist_ok=True)
        subprocess.run(["gcc", "-O2", "-Wall", "-o", str(binary), str(source), "-lm"], check=True)
    return binary


def make_frames() -> Path:
    """The 60 reference 640x480 JPEGs (~49 KB) of ../shared/bench/make_frames.py."""
    frames = WORK / "frames"
    if len(list(frames.glob("*.jpg"))) < 60:
        subprocess.run([sys.executable, str(SHARED_BENCH / "make_frames.py"), str(frames)], check=True)
    return frames


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def wait_for(url: str, timeout: float = 60) -> None:
    deadline = time.time() + timeout
    while time.time() < deadline:
        try:
            requests.get(url, timeout=1)
            return
        except requests.RequestException:
            time.sleep(0.2)
    raise SystemExit(f"{url} did not answer")


class CamHub:
    """A camhub process for a benchmark: its own data dir (or a given one) and a free port."""

    def __init__(self, binary: Path, config: dict | None = None, data: Path | None = None, port: int | None = None,
                 database_url: str | None = None):
        self.data = data or Path(tempfile.mkdtemp(prefix="camhub-bench-"))
        if config is not None:
            (self.data / "camhub.json").write_text(json.dumps(config))
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        env = {**os.environ, **({"CAMHUB_DATABASE_URL": database_url} if database_url else {})}
        self.process = subprocess.Popen([str(binary), "serve", "--data-dir", str(self.data), "--port", str(self.port)], env=env)
        wait_for(self.base + "/health")

    @property
    def pid(self) -> int:
        return self.process.pid

    def stop(self) -> None:
        self.process.send_signal(signal.SIGTERM)
        self.process.wait(timeout=30)


def postgres_url() -> str:
    """A schema of its own in the throwaway server of scripts/with-postgres.sh (`make bench` starts one)."""
    url = os.environ.get("CAMHUB_TEST_POSTGRES_URL")
    if not url:
        raise SystemExit("no PostgreSQL: run this under scripts/with-postgres.sh (make bench does)")
    return f"{url}{'&' if '?' in url else '?'}schema=b_{os.urandom(6).hex()}"


def cpu_seconds(pid: int) -> float:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    return (int(fields[11]) + int(fields[12])) / CLK_TCK


def rss_mb(pid: int) -> float:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1]) / 1024
    return 0.0

"""A throwaway nginx (Debian's package) in front of hubs, on a loopback port of its own: started
and stopped by the test that needs it, with its config, logs and temp files in the test's folder."""
import os
import shutil
import subprocess
import time
from pathlib import Path

import requests

from conftest import free_port

NGINX = shutil.which("nginx") or "/usr/sbin/nginx"


DEFAULT_BLOCK = """
            proxy_pass http://camhub;
            proxy_http_version 1.1;
            proxy_buffering off;
"""

# Seed 000's load-balancing block as its guide prints it: round robin, HTTP/1.0 to the upstreams,
# no sticky sessions.
SEED_000_BLOCK = """
            proxy_pass http://camhub;
            proxy_set_header Host $host;
            proxy_set_header X-Real-IP $remote_addr;
"""


class Nginx:
    def __init__(self, folder: Path, upstreams: list[int], location: str = "", port: int | None = None,
                 block: str | None = None):
        """`upstreams` are the hubs' ports, balanced round robin; `location` is extra directives for
        the `location /` block (the proxy headers a test wants); `block` replaces the block's
        directives altogether (seed 000's own, say); `port` is the balancer's, when the hubs must
        know it before it starts (their `server.public_url`)."""
        self.folder = folder
        self.port = port or free_port()
        self.base = f"http://127.0.0.1:{self.port}"
        folder.mkdir(parents=True, exist_ok=True)
        servers = "\n".join(f"        server 127.0.0.1:{port};" for port in upstreams)
        # As root the workers would otherwise run as nobody, who cannot enter pytest's 0700 folders.
        user = "user root;" if os.geteuid() == 0 else ""
        (folder / "nginx.conf").write_text(f"""
{user}
worker_processes 1;
error_log {folder}/error.log warn;
pid {folder}/nginx.pid;
events {{ worker_connections 256; }}
http {{
    access_log {folder}/access.log;
    client_body_temp_path {folder}/body;
    proxy_temp_path {folder}/proxy;
    fastcgi_temp_path {folder}/fastcgi;
    uwsgi_temp_path {folder}/uwsgi;
    scgi_temp_path {folder}/scgi;
    upstream camhub {{
{servers}
    }}
    server {{
        listen 127.0.0.1:{self.port};
        location / {{
{block if block is not None else DEFAULT_BLOCK + location}
        }}
    }}
}}
""")
        self.process = subprocess.Popen(
            [NGINX, "-p", str(folder), "-c", str(folder / "nginx.conf"), "-g", "daemon off;"],
            stdout=subprocess.DEVNULL, stderr=open(folder / "stderr.log", "w"),
        )
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise RuntimeError("nginx exited: " + (folder / "stderr.log").read_text() + self.errors())
            try:
                requests.get(self.base + "/health", timeout=1)
                return
            except requests.RequestException:
                time.sleep(0.05)
        raise RuntimeError("nginx did not start: " + self.errors())

    def url(self, path: str) -> str:
        return self.base + path

    def errors(self) -> str:
        log = self.folder / "error.log"
        return log.read_text() if log.exists() else ""

    def stop(self) -> None:
        self.process.terminate()
        try:
            self.process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()

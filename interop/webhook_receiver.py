"""A webhook receiver on loopback, as a user would write one: it checks each POST's
X-Camhub-Signature (HMAC-SHA256 of the body under the shared secret) and keeps what it got. It can
be stopped and started again on the same port, to play a receiver that is down for a while."""
import hashlib
import hmac
import json
import threading
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class WebhookReceiver:
    def __init__(self, port: int, secret: str, status: int = 204):
        self.port = port
        self.secret = secret.encode()
        self.status = status
        self.received: list[dict] = []
        self.bad_signatures = 0
        self.server = None
        self.lock = threading.Lock()

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/hook"

    def start(self) -> "WebhookReceiver":
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self):
                body = self.rfile.read(int(self.headers.get("Content-Length", "0")))
                expected = "sha256=" + hmac.new(receiver.secret, body, hashlib.sha256).hexdigest()
                signature = self.headers.get("X-Camhub-Signature", "")
                with receiver.lock:
                    if hmac.compare_digest(expected, signature):
                        receiver.received.append({"headers": dict(self.headers), "body": json.loads(body)})
                    else:
                        receiver.bad_signatures += 1
                self.send_response(receiver.status)
                self.send_header("Content-Length", "0")
                self.end_headers()

            def log_message(self, *args):
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", self.port), Handler)
        self.server.daemon_threads = True
        threading.Thread(target=self.server.serve_forever, daemon=True).start()
        return self

    def stop(self) -> None:
        if self.server:
            self.server.shutdown()
            self.server.server_close()
            self.server = None

    def of_type(self, kind: str) -> list[dict]:
        with self.lock:
            return [item["body"] for item in self.received if item["body"]["type"] == kind]

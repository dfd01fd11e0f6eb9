"""A tiny MJPEG server on loopback, like an IP camera: boundary `myboundary`, Content-Length on
each part, ten frames a second, and optionally HTTP basic auth."""
import base64
import threading
import time
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer


class IPCamera:
    def __init__(self, port: int, frames: list[bytes], credentials: tuple[str, str] | None = None):
        self.frames = frames
        self.stopped = False
        # Streams being served now, so a test can tell how many hubs read the camera.
        self.streaming = 0
        self.lock = threading.Lock()
        expected = "Basic " + base64.b64encode(":".join(credentials).encode()).decode() if credentials else None
        camera = self

        class Handler(BaseHTTPRequestHandler):
            def log_message(self, *args):
                pass

            def do_GET(self):
                if expected and self.headers.get("Authorization") != expected:
                    self.send_response(401)
                    self.send_header("WWW-Authenticate", 'Basic realm="camera"')
                    self.end_headers()
                    return
                self.send_response(200)
                self.send_header("Content-Type", "multipart/x-mixed-replace; boundary=myboundary")
                self.end_headers()
                index = 0
                with camera.lock:
                    camera.streaming += 1
                try:
                    while not camera.stopped:
                        frame = camera.frames[index % len(camera.frames)]
                        self.wfile.write(b"--myboundary\r\nContent-Type: image/jpeg\r\nContent-Length: %d\r\n\r\n" % len(frame))
                        self.wfile.write(frame + b"\r\n")
                        self.wfile.flush()
                        index += 1
                        time.sleep(0.1)
                except (BrokenPipeError, ConnectionResetError):
                    pass
                finally:
                    with camera.lock:
                        camera.streaming -= 1

        ThreadingHTTPServer.allow_reuse_address = True
        self.server = ThreadingHTTPServer(("127.0.0.1", port), Handler)
        self.server.daemon_threads = True
        self.port = self.server.server_address[1]
        threading.Thread(target=self.server.serve_forever, daemon=True).start()

    def kill(self):
        self.stopped = True
        self.server.shutdown()
        self.server.server_close()

"""A small raw-socket MJPEG reader, to count frames and read part headers exactly."""
import socket
import time


class MJPEGReader:
    def __init__(self, port: int, path: str, recv_buffer: int | None = None):
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=5)
        if recv_buffer:
            self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, recv_buffer)
        self.sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
        self.buffer = b""
        self.head = self._read_until(b"\r\n\r\n")
        self.chunked = b"transfer-encoding: chunked" in self.head.lower()
        self.body = b""

    def _fill(self) -> None:
        data = self.sock.recv(1 << 16)
        if not data:
            raise EOFError("stream closed")
        self.buffer += data

    def _read_until(self, marker: bytes) -> bytes:
        while marker not in self.buffer:
            self._fill()
        head, self.buffer = self.buffer.split(marker, 1)
        return head

    def _body_bytes(self) -> None:
        """Moves decoded body bytes from the socket buffer into self.body."""
        if not self.chunked:
            self.body += self.buffer
            self.buffer = b""
            return
        while True:
            if b"\r\n" not in self.buffer:
                return
            size_line, rest = self.buffer.split(b"\r\n", 1)
            size = int(size_line.split(b";")[0], 16)
            if len(rest) < size + 2:
                return
            self.body += rest[:size]
            self.buffer = rest[size + 2:]

    def next_part(self) -> tuple[dict, bytes]:
        """Returns (headers, jpeg) of the next multipart part."""
        while True:
            self._body_bytes()
            start = self.body.find(b"--frame\r\n")
            if start >= 0:
                end = self.body.find(b"\r\n\r\n", start)
                if end >= 0:
                    lines = self.body[start + 9:end].decode().split("\r\n")
                    headers = {k.strip().lower(): v.strip() for k, v in (line.split(":", 1) for line in lines)}
                    length = int(headers["content-length"])
                    if len(self.body) >= end + 4 + length:
                        jpeg = self.body[end + 4:end + 4 + length]
                        self.body = self.body[end + 4 + length:]
                        return headers, jpeg
            self._fill()

    def count_frames(self, seconds: float) -> int:
        deadline = time.monotonic() + seconds
        frames = 0
        while time.monotonic() < deadline:
            self.next_part()
            frames += 1
        return frames

    def close(self) -> None:
        self.sock.close()


def stalled_viewer(port: int, path: str) -> socket.socket:
    """Opens a stream and never reads it: the socket's receive buffer fills and stays full."""
    sock = socket.socket()
    sock.setsockopt(socket.SOL_SOCKET, socket.SO_RCVBUF, 4096)
    sock.connect(("127.0.0.1", port))
    sock.sendall(f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n".encode())
    return sock

#!/usr/bin/env python3
"""Writes the fuzz corpus (Tests/Fuzz/corpus/<parser>/): what the real clients send, encoded by
those clients' own libraries where they have one (requests' multipart encoder, python-socketio's
and python-engineio's packet encoders, PIL's JPEG encoder), and the seed 003 push stream and an
MJPEG stream as camhub's own tests send and serve them. Run once; the files are committed.

Usage: .venv/bin/python scripts/make-fuzz-corpus.py
"""
import io
import json
import struct
from pathlib import Path

import requests
from engineio import packet as eio_packet
from PIL import Image
from socketio import packet as sio_packet

ROOT = Path(__file__).resolve().parent.parent / "Tests" / "Fuzz" / "corpus"


def jpeg(size=(64, 48), color=(40, 120, 200), quality=80) -> bytes:
    out = io.BytesIO()
    Image.new("RGB", size, color).save(out, "JPEG", quality=quality)
    return out.getvalue()


def write(parser: str, name: str, data: bytes) -> None:
    folder = ROOT / parser
    folder.mkdir(parents=True, exist_ok=True)
    (folder / name).write_bytes(data)


def main() -> None:
    frames = [jpeg(), jpeg((32, 24), (200, 30, 30), 50)]
    write("jpeg", "small.jpg", frames[0])
    write("jpeg", "tiny.jpg", frames[1])
    out = io.BytesIO()
    Image.new("L", (16, 16), 128).save(out, "JPEG", progressive=True)
    write("jpeg", "grey-progressive.jpg", out.getvalue())

    token = "5f" * 32
    stream = struct.pack("<I", 7) + struct.pack("<I", len(token)) + token.encode()
    for frame in frames:
        stream += struct.pack("<I", len(frame)) + frame
    write("push", "camera-7-two-frames.bin", stream)
    write("push", "header-only.bin", struct.pack("<I", 42) + struct.pack("<I", 4) + b"abcd")

    mjpeg = b""
    for index, frame in enumerate(frames):
        mjpeg += (f"--frame\r\nContent-Type: image/jpeg\r\nContent-Length: {len(frame)}\r\n"
                  f"X-Timestamp: 1800000000.{index:06d}\r\n\r\n").encode() + frame + b"\r\n"
    write("mjpeg", "two-parts.mjpeg", mjpeg)
    write("mjpeg", "no-length.mjpeg", b"--frame\r\nContent-Type: image/jpeg\r\n\r\n" + frames[1] + b"\r\n--frame\r\n")

    for name, files, data in [
        ("update-image.multipart", {"image": ("frame.jpg", frames[0], "image/jpeg")}, {"cameraId": "3", "token": token}),
        ("upload-only.multipart", {"file": ("a.jpg", frames[1], "image/jpeg")}, {}),
    ]:
        prepared = requests.Request("POST", "http://hub/update-image", files=files, data=data).prepare()
        boundary = prepared.headers["Content-Type"].split("boundary=")[1]
        write("multipart", name, boundary.encode() + b"\n" + prepared.body)

    detection = {"type": "detection_result", "camera_id": "gate", "checkpoint_id": "cp1", "timestamp": "2024-12-19T10:00:00Z",
                 "vehicles_count": 1, "plates_count": 1, "ocr_results": ["ABC123"],
                 "plate_detections": [{"bbox": [10, 20, 110, 60], "confidence": 0.93, "text": "ABC123"}], "processing_time_ms": 41.5}
    write("json", "detection.json", json.dumps(detection).encode())
    write("json", "registration.json", json.dumps({"name": "Front Door", "location": "Main", "source_type": "rtsp",
                                                   "resolution": [640, 480], "fps": 15, "capabilities": ["caption", "vqa"]}).encode())
    write("json", "health.json", json.dumps({"type": "health_status", "camera_id": "gate", "checkpoint_id": "cp1",
                                             "timestamp": "2024-12-19T10:00:00Z", "component": "ocr", "status": "ok",
                                             "details": {"gpu": 41.0}}).encode())

    socket_packets = [
        sio_packet.Packet(sio_packet.CONNECT, data={"token": "edge-secret"}),
        sio_packet.Packet(sio_packet.EVENT, data=["lpr_data", detection], id=7),
        sio_packet.Packet(sio_packet.EVENT, data=["join_dashboard"]),
        sio_packet.Packet(sio_packet.ACK, data=[{"success": True}], id=3),
        sio_packet.Packet(sio_packet.DISCONNECT),
    ]
    for index, item in enumerate(socket_packets):
        write("socketio", f"packet-{index}.txt", item.encode().encode())
    polling = [eio_packet.Packet(eio_packet.MESSAGE, data=p.encode()) for p in socket_packets[:3]] + [eio_packet.Packet(eio_packet.PONG)]
    write("engineio", "polling-payload.txt", "\x1e".join(p.encode() for p in polling).encode())
    write("engineio", "ping-probe.txt", eio_packet.Packet(eio_packet.PING, data="probe").encode().encode())
    write("engineio", "open.txt", eio_packet.Packet(eio_packet.OPEN, data={"sid": "abc", "upgrades": ["websocket"], "pingInterval": 25000}).encode().encode())


if __name__ == "__main__":
    main()

#!/usr/bin/env python3
"""The reference for bench/lpr_events.py: a stock python-socketio server (AsyncServer on aiohttp)
that accepts seed 002's lpr_data the way a simple LPR server would: it checks the required
fields, stores the detection and its plates in SQLite (WAL, one commit per event), answers
lpr_response and returns the same payload as the acknowledgement.

Usage: python_socketio_server.py PORT DATABASE
"""
import sqlite3
import sys
import uuid

import socketio
from aiohttp import web

port, path = int(sys.argv[1]), sys.argv[2]
db = sqlite3.connect(path)
db.execute("PRAGMA journal_mode=WAL")
db.execute("CREATE TABLE IF NOT EXISTS detections (id TEXT PRIMARY KEY, camera_id TEXT, checkpoint_id TEXT, timestamp TEXT, data TEXT)")
db.execute("CREATE TABLE IF NOT EXISTS detection_plates (detection_id TEXT, plate TEXT COLLATE NOCASE)")
db.execute("CREATE INDEX IF NOT EXISTS plates_by_plate ON detection_plates(plate)")

sio = socketio.AsyncServer(async_mode="aiohttp")
app = web.Application()
sio.attach(app)


@sio.on("lpr_data")
async def lpr_data(sid, data):
    missing = [field for field in ("camera_id", "checkpoint_id", "timestamp") if not data.get(field)]
    if missing:
        reply = {"success": False, "error": "Missing required fields: " + ", ".join(missing)}
    else:
        detection_id = str(uuid.uuid4())
        db.execute("INSERT INTO detections VALUES (?, ?, ?, ?, ?)",
                   (detection_id, data["camera_id"], data["checkpoint_id"], data["timestamp"], repr(data)))
        for plate in data.get("ocr_results", []):
            db.execute("INSERT INTO detection_plates VALUES (?, ?)", (detection_id, plate))
        db.commit()
        reply = {"success": True, "detection_id": detection_id}
    await sio.emit("lpr_response", reply, to=sid)
    return reply


web.run_app(app, host="127.0.0.1", port=port, print=None)

#!/usr/bin/env python3
"""Seed 002 records benchmark: a plate lookup over 1 million stored detections.

It lets camhub create its database, stops it, fills the detections and their plates straight
into that file with Python's sqlite3 (one transaction; 1,000,000 detections over 30 days,
100,000 distinct plates, so a plate matches about 10), starts camhub again, and times
`GET /api/records?plate=...` (keep-alive, newest 50) for random plates, and the same SQL
directly. It also times `/api/statistics` over the million rows.

Usage: bench/records.py [--records 1000000] [--lookups 500] [--binary .build/release/camhub]
"""
import argparse
import json
import random
import sqlite3
import statistics
import sys
import time
from pathlib import Path

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, CamHub  # noqa: E402

DETAILS = json.dumps({"ocr_results": [], "plate_detections": [], "vehicle_detections": [{"bbox": [100, 100, 200, 200], "class": "car"}]})


def fill(path: Path, records: int) -> None:
    db = sqlite3.connect(path)
    now = time.time()
    rng = random.Random(1)
    rows, plates = [], []
    for n in range(records):
        detection_id = f"bench-{n:08d}"
        plate = f"P{rng.randrange(100_000):05d}"
        received = now - rng.random() * 30 * 86400
        camera = f"camera_{n % 50:03d}"
        rows.append((detection_id, camera, f"checkpoint_{n % 10:02d}", "2024-12-19T10:00:00Z", received, 1, 1,
                     json.dumps([plate]), 150.0, DETAILS, None, "[]"))
        plates.append((detection_id, plate, received))
    with db:
        db.executemany("INSERT INTO detections VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)", rows)
        db.executemany("INSERT INTO detection_plates VALUES (?, ?, ?)", plates)
    db.close()


def percentile(values: list[float], fraction: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, int(fraction * len(ordered)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=500)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    args = parser.parse_args()

    first = CamHub(args.binary, QUIET)
    data, port = first.data, first.port
    first.stop()
    began = time.time()
    fill(data / "camhub.sqlite", args.records)
    filled = time.time() - began

    database = sqlite3.connect(data / "camhub.sqlite")
    plan = " / ".join(row[3] for row in database.execute(
        "EXPLAIN QUERY PLAN SELECT d.* FROM detection_plates p JOIN detections d ON d.id = p.detection_id "
        "WHERE p.plate = ? ORDER BY p.received_at DESC, d.rowid DESC LIMIT 50", ("P00001",)))
    rng = random.Random(2)
    plates = [f"p{rng.randrange(100_000):05d}" for _ in range(args.lookups)]  # lower case: the lookup ignores case
    sql_times = []
    for plate in plates:
        began = time.perf_counter()
        database.execute("SELECT d.* FROM detection_plates p JOIN detections d ON d.id = p.detection_id WHERE p.plate = ? "
                         "ORDER BY p.received_at DESC, d.rowid DESC LIMIT 50 OFFSET 0", (plate,)).fetchall()
        sql_times.append((time.perf_counter() - began) * 1000)

    hub = CamHub(args.binary, data=data, port=port)
    try:
        session = requests.Session()
        base = hub.base
        http_times, found = [], 0
        for plate in plates:
            began = time.perf_counter()
            reply = session.get(base + "/api/records", params={"plate": plate, "limit": 50}, timeout=10).json()
            http_times.append((time.perf_counter() - began) * 1000)
            found += reply["count"]
        began = time.perf_counter()
        stats = session.get(base + "/api/statistics", timeout=60).json()["statistics"]
        stats_time = (time.perf_counter() - began) * 1000
    finally:
        hub.stop()

    print(f"# camhub plate lookup, {time.strftime('%Y-%m-%d %H:%M')}, {stats['total_detections']:,} detections "
          f"(filled in {filled:.0f} s), {args.lookups} random plates, {found / len(plates):.1f} matches per plate on average")
    print(f"query plan: {plan}")
    print("| lookup | p50 | p99 | max |")
    print("|---|---|---|---|")
    print(f"| `GET /api/records?plate=` over HTTP (keep-alive, JSON of up to 50 records) | {statistics.median(http_times):.2f} ms "
          f"| {percentile(http_times, 0.99):.2f} ms | {max(http_times):.2f} ms |")
    print(f"| the same SQL in sqlite3 | {statistics.median(sql_times):.3f} ms | {percentile(sql_times, 0.99):.3f} ms | {max(sql_times):.3f} ms |")
    print(f"\n`GET /api/statistics` over the same database: {stats_time:.0f} ms")


if __name__ == "__main__":
    main()

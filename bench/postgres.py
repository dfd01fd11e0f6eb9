#!/usr/bin/env python3
"""SQLite and PostgreSQL side by side, on this machine (PostgreSQL is the throwaway server of
scripts/with-postgres.sh, on loopback, with fsync on):

- seed 002 `lpr_data` events answered and stored over 20 Socket.IO connections (bench/sio_load.c,
  64 events in flight each; an event counts when its ack says it was committed);
- seed 000 heartbeats per second from 100 registered cameras (wrk -t2 -c100);
- a plate lookup over 1,000,000 detections: the database is filled as bench/records.py fills
  SQLite, then moved with `camhub db copy`; `GET /api/records?plate=` is timed over HTTP, and the
  query itself with EXPLAIN ANALYZE through psql.

Usage: scripts/with-postgres.sh bench/postgres.py [--seconds 10] [--records 1000000] [--lookups 300] [--no-lookups]
"""
import argparse
import os
import random
import re
import statistics
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import urlsplit, parse_qs

import requests

sys.path.insert(0, str(Path(__file__).resolve().parent))
from common import QUIET, RELEASE_BINARY, ROOT, WORK, CamHub, build, cpu_seconds, postgres_url, rss_mb  # noqa: E402
from lpr_events import measure  # noqa: E402
from records import fill, percentile  # noqa: E402
from uploads import lua_script, parse_wrk  # noqa: E402


def heartbeats(hub: CamHub, seconds: int, cameras: int) -> dict:
    registered = []
    for index in range(cameras):
        reply = requests.post(hub.base + "/register", json={"name": f"bench-{index}", "location": "bench", "source_type": "usb"}).json()
        registered.append((reply["camera_id"], reply["api_key"]))
    script = WORK / "heartbeat-db.lua"
    WORK.mkdir(parents=True, exist_ok=True)
    (WORK / "empty").write_bytes(b"")
    script.write_text(lua_script(registered, "heartbeat", b""))
    env = {**os.environ, "FRAME_FILE": str(WORK / "empty"), "FRAME64_FILE": str(WORK / "empty")}
    cpu0 = cpu_seconds(hub.pid)
    result = subprocess.run(["wrk", "-t2", "-c100", f"-d{seconds}s", "--latency", "-s", str(script), hub.base],
                            capture_output=True, text=True, env=env, timeout=seconds + 60)
    stats = parse_wrk(result.stdout)
    stats["cpu"] = (cpu_seconds(hub.pid) - cpu0) / stats["requests"] * 1e6 if stats["requests"] else float("nan")
    return stats


def psql_times(url: str, plates: list[str]) -> list[float]:
    """Server-side execution time of the lookup's SQL for each plate, from EXPLAIN ANALYZE."""
    parts = urlsplit(url)
    schema = parse_qs(parts.query)["schema"][0]
    binary = Path(os.environ.get("CAMHUB_TEST_POSTGRES_BIN", "/usr/bin")) / "psql"
    sql = [f"SET search_path TO {schema};"]
    for plate in plates:
        sql.append("EXPLAIN ANALYZE SELECT d.* FROM detection_plates p JOIN detections d ON d.id = p.detection_id "
                   f"WHERE lower(p.plate) = lower('{plate}') ORDER BY p.received_at DESC, d.seq DESC LIMIT 50 OFFSET 0;")
    result = subprocess.run([str(binary), "-h", parts.hostname, "-p", str(parts.port), "-U", parts.username, "-d", parts.path.lstrip("/"),
                             "-X", "-q", "-f", "-"], input="\n".join(sql), capture_output=True, text=True,
                            env={**os.environ, "PGPASSWORD": parts.password}, timeout=600, check=True)
    return [float(t) for t in re.findall(r"Execution Time: ([\d.]+) ms", result.stdout)]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter)
    parser.add_argument("--seconds", type=int, default=10)
    parser.add_argument("--records", type=int, default=1_000_000)
    parser.add_argument("--lookups", type=int, default=300)
    parser.add_argument("--binary", type=Path, default=RELEASE_BINARY)
    parser.add_argument("--no-lookups", action="store_true", help="only the events and heartbeats table")
    args = parser.parse_args()
    loader = build(ROOT / "bench" / "sio_load.c", "sio_load")

    print(f"# SQLite and PostgreSQL, {time.strftime('%Y-%m-%d %H:%M')}, {os.cpu_count()} cores, PostgreSQL on loopback (fsync on)")
    print("| backend | lpr_data events/s, 20 connections | server CPU µs per event | heartbeats/s (100 cameras) | heartbeat p50 / p99 | server CPU µs per heartbeat | errors |")
    print("|---|---|---|---|---|---|---|")
    for backend in ["sqlite", "postgres"]:
        url = postgres_url() if backend == "postgres" else None
        hub = CamHub(args.binary, QUIET, database_url=url)
        try:
            events = measure(loader, hub, 20, args.seconds, 64)
            beats = heartbeats(hub, args.seconds, 100)
            rss = rss_mb(hub.pid)
        finally:
            hub.stop()
        print(f"| {backend} | {events['rate']:,.0f} | {events['cpu']:.0f} | {beats['rps']:,.0f} | {beats['p50']:.2f} / {beats['p99']:.2f} ms "
              f"| {beats['cpu']:.0f} | {events['failed'] + beats['errors']} (RSS {rss:.0f} MB) |", flush=True)

    if args.no_lookups:
        return
    # Plate lookups over a million records on PostgreSQL.
    first = CamHub(args.binary, QUIET)
    data = first.data
    first.stop()
    began = time.time()
    fill(data / "camhub.sqlite", args.records)
    url = postgres_url()
    copy = subprocess.run([str(args.binary), "db", "copy", "--from", f"sqlite:{data / 'camhub.sqlite'}", "--to", url],
                          capture_output=True, text=True, timeout=3600)
    if copy.returncode != 0:
        raise SystemExit(copy.stderr)
    moved = time.time() - began
    rng = random.Random(2)
    plates = [f"p{rng.randrange(100_000):05d}" for _ in range(args.lookups)]
    hub = CamHub(args.binary, QUIET, database_url=url)
    try:
        session = requests.Session()
        http_times, found = [], 0
        for plate in plates:
            started = time.perf_counter()
            reply = session.get(hub.base + "/api/records", params={"plate": plate, "limit": 50}, timeout=10).json()
            http_times.append((time.perf_counter() - started) * 1000)
            found += reply["count"]
        started = time.perf_counter()
        total = session.get(hub.base + "/api/statistics", timeout=120).json()["statistics"]["total_detections"]
        stats_time = (time.perf_counter() - started) * 1000
    finally:
        hub.stop()
    sql_times = psql_times(url, plates)
    print(f"\n# PostgreSQL plate lookup, {total:,} detections (filled and moved with `camhub db copy` in {moved:.0f} s), "
          f"{len(plates)} random plates, {found / len(plates):.1f} matches per plate on average")
    print("| lookup | p50 | p99 | max |")
    print("|---|---|---|---|")
    print(f"| `GET /api/records?plate=` over HTTP (keep-alive, JSON of up to 50 records) | {statistics.median(http_times):.2f} ms "
          f"| {percentile(http_times, 0.99):.2f} ms | {max(http_times):.2f} ms |")
    print(f"| the same SQL, server-side (EXPLAIN ANALYZE) | {statistics.median(sql_times):.3f} ms | {percentile(sql_times, 0.99):.3f} ms "
          f"| {max(sql_times):.3f} ms |")
    print(f"\n`GET /api/statistics` over the same database: {stats_time:.0f} ms")


if __name__ == "__main__":
    main()

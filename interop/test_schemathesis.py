"""Schemathesis against the served `/openapi.json`: every operation is called with the document's
examples, the coverage phase's boundary and invalid values, and a bounded fuzzing phase, once as
the operator and once as an anonymous client (loopback not trusted, so it is treated as a remote
one). The checks: no server error, every status code and content type is one the document
declares, and every answer matches its schema. 0 failures.

Left out: `POST /server/shutdown` (it does what it says, and the rest of the run would hit a
stopped hub) and the live streams that never end (MJPEG and the originals' stream aliases); the
real clients in test_mjpeg_clients.py and the seed tests read those.

The only 5xx let through is a 503 on an operation that documents one (a camera with no frame
yet, the motion store turned off): the document says so, so it is an answer, not a crash.
"""
import json
import subprocess
import sys
from pathlib import Path

import pytest
import requests

SCHEMATHESIS = Path(sys.executable).parent / "schemathesis"
CHECKS = "not_a_server_error,status_code_conformance,content_type_conformance,response_schema_conformance"
EXCLUDED_PATHS = r"^/server/shutdown$|/stream\.mjpeg$|^/video_feed$|^/stream$|^/(camera/)?stream-image$"
# Fuzzing cases per operation, after the examples and the coverage phase; the whole run stays
# within a few minutes on two cores.
FUZZ_EXAMPLES = 25
# The hubs here would otherwise lock the run's address out after a few of the wrong credentials
# the coverage phase sends on purpose (test_lockout.py tests the lockout itself).
NO_LOCKOUT = {"security": {"max_failures": 0}}


def config_letting_documented_503_through(document: dict) -> str:
    """A schemathesis.toml whose only change is, per operation that documents a 503, that answer
    no longer counting as a server error."""
    entries = []
    for path, operations in document["paths"].items():
        for method, operation in operations.items():
            if "503" in operation.get("responses", {}):
                entries.append(
                    "[[operations]]\n"
                    f"include-name = {json.dumps(method.upper() + ' ' + path)}\n"
                    'checks.not_a_server_error.expected-statuses = ["2xx", "3xx", "4xx", "503"]\n'
                )
    return "\n".join(entries)


def run_schemathesis(hub, tmp_path: Path, headers: dict[str, str]) -> None:
    document = requests.get(hub.url("/openapi.json"), timeout=5).json()
    config = tmp_path / "schemathesis.toml"
    config.write_text(config_letting_documented_503_through(document))
    command = [
        str(SCHEMATHESIS), "--config-file", str(config), "run", hub.url("/openapi.json"),
        "--checks", CHECKS, "--phases", "examples,coverage,fuzzing", "--max-examples", str(FUZZ_EXAMPLES),
        "--exclude-path-regex", EXCLUDED_PATHS, "--request-timeout", "10", "--workers", "2",
        "--generation-deterministic", "--no-color",
    ]
    for name, value in headers.items():
        command += ["--header", f"{name}: {value}"]
    # Run in the test's folder: schemathesis keeps a cache where it runs.
    result = subprocess.run(command, capture_output=True, text=True, timeout=600, cwd=tmp_path)
    output = result.stdout + result.stderr
    assert result.returncode == 0, output[-20000:]


def test_operator_calls_match_the_document(start_hub, tmp_path):
    hub = start_hub(config=NO_LOCKOUT)
    token = (hub.data_dir / "admin.token").read_text().strip()
    run_schemathesis(hub, tmp_path, {"Authorization": f"Bearer {token}"})
    assert requests.get(hub.url("/health"), timeout=5).status_code == 200


def test_anonymous_remote_calls_match_the_document(start_hub, tmp_path):
    # A closed site: self-registration and the edge devices' path need their tokens too.
    closed = {"registration": {"token": "enrol-" + "x" * 16}, "lpr": {"token": "edge-" + "y" * 16}}
    hub = start_hub(config={**NO_LOCKOUT, **closed, "server": {"trust_loopback": False}})
    run_schemathesis(hub, tmp_path, {})
    # Nothing was created without a credential: the registry still holds only the built-in camera.
    token = (hub.data_dir / "admin.token").read_text().strip()
    cameras = requests.get(hub.url("/cameras"), headers={"Authorization": f"Bearer {token}"}, timeout=5).json()
    assert len(cameras) == 1, cameras

"""The auth matrix: every operation the OpenAPI document marks private (it declares a 401) is
called with no credentials, wrong ones and the right ones, from loopback with
`server.trust_loopback` on and off, and as a remote client forwarded by a trusted proxy; camera
A's key and push token are tried on camera B. What each call must get comes from one table,
`RULES`; an operation missing from it, or in it but not in the document, fails the test.

"Let in" means the credentials were accepted: any answer but 401, 403 and 429 (a 404 for a
made-up id, a 422 for an empty body, a 426 for a WebSocket path asked over plain HTTP are fine:
the call got past the door). The site is closed (`registration.token`, `lpr.token`), so the
seeds' open paths are private here too.
"""
import json

import pytest
import requests

# Who may call an operation:
#   operator        the admin token (or loopback, when trusted)
#   camera          the camera's own key (the operator is refused: only the camera proves itself)
#   camera|operator the camera's key or the operator
#   push|operator   the camera's push token (seed 003) or its key, or the operator
#   lpr             the LPR token, or the operator (seed 002's REST paths)
#   enrol           the enrolment token, even from a trusted loopback (seed 000's self-registration)
#   login           the admin token in the body
#   node            another hub of the site (X-CamHub-Node); tried without and with a wrong secret only
#   public-unless-key  open like the listing, but a key, when given, must be right
RULES = {
    "POST /cameras": "operator",
    "DELETE /cameras/{id}": "operator",
    "GET /cameras/{id}/motion": "operator",
    "PUT /cameras/{id}/motion": "operator",
    "POST /register": "enrol",
    "POST /cameras/{id}/heartbeat": "camera",
    "GET /cameras/{id}/status": "public-unless-key",
    "GET /cameras/{id}/config": "public-unless-key",
    "POST /cameras/{id}/start": "camera|operator",
    "POST /cameras/{id}/stop": "camera|operator",
    "POST /cameras/{id}/upload": "camera",
    "POST /cameras/{id}/frames": "camera",
    "POST /cameras/{id}/commands": "operator",
    "GET /cameras/{id}/commands": "camera|operator",
    "GET /cameras/{id}/results": "camera|operator",
    "GET /server/pid": "operator",
    "GET /config": "operator",
    "PUT /config": "operator",
    "POST /server/shutdown": "operator",
    "POST /update-image": "push|operator",
    "POST /camera/update-image": "push|operator",
    "POST /api/cameras/register": "lpr",
    "POST /api/detection": "lpr",
    "POST /api/health": "lpr",
    "GET /api/statistics": "lpr",
    "GET /api/cameras": "lpr",
    "GET /api/records": "lpr",
    "GET /blobs/{name}": "lpr",
    "GET /ws/live": "operator",
    "POST /auth/login": "login",
    "POST /cameras/{id}/ask": "operator",
    "GET /hub/stats": "operator",
    "POST /server/reload-config": "operator",
    "POST /camera/restart": "operator",
    "GET /cluster": "operator",
    "POST /cluster/frames/{id}": "node",
    "GET /api/events": "operator",
    "GET /api/events/{id}": "operator",
    "GET /api/events/{id}/snapshot.jpg": "operator",
    "GET /api/events/{id}/clip.mjpeg": "operator",
    "GET /api/events/{id}/clip.mp4": "operator",
    "GET /cluster/clips/{name}": "node",
    "GET /api/webhooks": "operator",
    "GET /api/webhooks/deliveries": "operator",
    "GET /cameras/{id}/motion/live": "operator",
    "POST /cameras/{id}/key": "operator",
    "DELETE /cameras/{id}/key": "operator",
    "POST /cameras/{id}/push-token": "operator",
}

ENROL_TOKEN = "enrol-" + "e" * 20
LPR_TOKEN = "lpr-" + "l" * 20
PROXY = "127.0.0.1/32"
REMOTE = "203.0.113.9"
# Calls that would end the run if they got in; only their refusals are checked.
ONLY_REFUSALS_CHECKED = {"POST /server/shutdown"}
# Calls that would take camera A's key or registration away from the calls after them: made on a
# camera of their own.
ON_CAMERA_C = {"DELETE /cameras/{id}", "POST /cameras/{id}/key", "DELETE /cameras/{id}/key", "POST /cameras/{id}/push-token"}
# A config that validation refuses (422): the right credentials get in, and nothing changes.
BODIES = {"PUT /config": {"cameras": "not a list"}}
REFUSED = (401, 403, 429)
# Where trusted loopback is asked before the credential presented.
LOOPBACK_FIRST = {"operator", "lpr", "push|operator"}


def private_operations(hub) -> set[str]:
    document = requests.get(hub.url("/openapi.json"), timeout=5).json()
    return {
        f"{method.upper()} {path}"
        for path, operations in document["paths"].items()
        for method, operation in operations.items()
        if isinstance(operation, dict) and "401" in operation.get("responses", {})
    }


class Site:
    """A closed hub with two registered cameras, A and B, and a pushed camera of each."""

    def __init__(self, start_hub, trust_loopback: bool):
        self.hub = start_hub(config={
            "server": {"trust_loopback": trust_loopback, "trusted_proxies": [PROXY]},
            "registration": {"token": ENROL_TOKEN}, "lpr": {"token": LPR_TOKEN},
            "security": {"max_failures": 0},
        })
        self.admin = (self.hub.data_dir / "admin.token").read_text().strip()
        operator = {"Authorization": f"Bearer {self.admin}"}
        self.cameras = {}
        for name in ("A", "B", "C"):
            registered = requests.post(self.hub.url("/register"), json={"name": name, "location": "x", "source_type": "usb"},
                                       headers={"X-Registration-Token": ENROL_TOKEN}, timeout=5).json()
            pushed = requests.post(self.hub.url("/cameras"), json={"name": f"Pushed {name}"}, headers=operator, timeout=5).json()
            self.cameras[name] = {"id": registered["camera_id"], "key": registered["api_key"],
                                  "push_id": pushed["id"], "push_token": pushed["push_token"]}

    def call(self, operation: str, credentials: str, camera: str = "A", key_of: str | None = None, proxied: bool = False):
        if camera == "unknown":
            self.cameras.setdefault("unknown", {"id": "no-such-camera", "key": "x" * 32, "push_id": "424242", "push_token": "x" * 64})
        """Calls `operation` on camera `camera` with `credentials`: none, wrong or right (for its
        rule), or `key_of` another camera's key or push token."""
        method, template = operation.split(" ", 1)
        rule = RULES[operation]
        target = self.cameras["C" if operation in ON_CAMERA_C else camera]
        path = (template.replace("{id}", target["push_id"] if rule == "push|operator" else target["id"])
                .replace("{name}", "0" * 64 + ".jpg"))
        headers, body, params, files = {}, BODIES.get(operation, {}), {}, None
        if proxied:
            headers["X-Forwarded-For"] = REMOTE
        secret = None
        if credentials == "wrong":
            secret = "wrong-" + "w" * 24
        elif credentials == "right":
            secret = {"operator": self.admin, "camera": target["key"], "camera|operator": target["key"], "push|operator": target["push_token"],
                      "lpr": LPR_TOKEN, "enrol": ENROL_TOKEN, "login": self.admin, "public-unless-key": target["key"]}.get(rule)
        elif credentials == "other camera's":
            secret = self.cameras[key_of]["push_token" if rule == "push|operator" else "key"]
        if rule == "push|operator":
            files = {"image": ("frame.jpg", b"\xff\xd8\xff\xd9", "image/jpeg")}
            body = {"cameraId": target["push_id"], **({"token": secret} if secret else {})}
        elif rule == "enrol":
            body = {"name": "N", "location": "x", "source_type": "usb"}
            if secret:
                headers["X-Registration-Token"] = secret
        elif rule == "login":
            body = {"token": secret or ""}
        elif rule == "node":
            if secret:
                headers["X-CamHub-Node"] = secret
        elif rule in ("camera", "camera|operator", "public-unless-key") and secret:
            headers["X-API-Key"] = secret
            if rule == "camera" and method == "POST":
                body = {"camera_id": target["id"], "api_key": secret}
        elif secret:
            headers["Authorization"] = f"Bearer {secret}"
        if files:
            response = requests.request(method, self.hub.url(path), data=body, files=files, headers=headers, params=params, timeout=10)
        else:
            response = requests.request(method, self.hub.url(path), json=body if method in ("POST", "PUT") else None,
                                        headers=headers, params=params, timeout=10, stream=True)
            response.close()
        return response.status_code


def expected(rule: str, credentials: str, loopback_operator: bool) -> str:
    """"in" or "refused" for a rule, the credentials presented, and whether the caller counts
    as the operator by being on a trusted loopback."""
    if credentials == "right":
        return "in"
    if credentials in ("wrong", "other camera's"):
        # Trusted loopback is the operator before any token is looked at (README, "Who may
        # call what"): a wrong token there does not take the trust away.
        return "in" if loopback_operator and rule in LOOPBACK_FIRST else "refused"
    # No credentials at all.
    if rule == "public-unless-key":
        return "in"
    if loopback_operator and rule in LOOPBACK_FIRST | {"camera|operator"}:
        return "in"
    return "refused"


def outcome(status: int) -> str:
    return "refused" if status in REFUSED else "in"


@pytest.mark.parametrize("trust_loopback", [True, False], ids=["loopback trusted", "loopback not trusted"])
def test_every_private_operation_against_the_table(start_hub, trust_loopback):
    site = Site(start_hub, trust_loopback)
    operations = private_operations(site.hub)
    assert set(RULES) == operations, {"not in the table": operations - set(RULES), "not in the document": set(RULES) - operations}
    mismatches = {}
    for operation, rule in RULES.items():
        situations = [("none", False), ("wrong", False), ("none", True), ("wrong", True)]
        if rule == "login":
            situations = [("wrong", False), ("wrong", True)]  # a login without a token presents nothing
        if rule != "node":
            situations += [("right", False), ("right", True)]
        for credentials, proxied in situations:
            # A remote client forwarded by the trusted proxy is never the loopback operator.
            want = expected(rule, credentials, loopback_operator=trust_loopback and not proxied)
            if operation in ONLY_REFUSALS_CHECKED and want == "in":
                continue
            status = site.call(operation, credentials, proxied=proxied)
            if outcome(status) != want:
                mismatches[f"{operation} {credentials}{' via proxy' if proxied else ''}"] = f"{status}, want {want}"
        # The door comes before the lookup: a caller without credentials learns nothing about
        # which cameras exist (401, not 404).
        # Nor does a wrong key: an unknown id and a wrong key get the same 401.
        if "{id}" in operation and rule in ("operator", "camera|operator", "camera") and not trust_loopback:
            for credentials in ("none", "wrong"):
                status = site.call(operation, credentials, camera="unknown")
                if outcome(status) != "refused":
                    mismatches[f"{operation} {credentials}, unknown camera"] = f"{status}, want refused"
    assert mismatches == {}, json.dumps(mismatches, indent=1)
    assert requests.get(site.hub.url("/health"), timeout=5).status_code == 200


def test_a_cameras_key_and_push_token_open_nothing_of_another_camera(start_hub):
    site = Site(start_hub, trust_loopback=False)
    mismatches = {}
    for operation, rule in RULES.items():
        if rule not in ("camera", "camera|operator", "public-unless-key", "push|operator"):
            continue
        status = site.call(operation, "other camera's", camera="B", key_of="A")
        if outcome(status) != "refused":
            mismatches[operation] = status
    assert mismatches == {}

"""Every bad request gets the right 4xx with a JSON error body, and the hub keeps serving."""
import pytest
import requests

CASES = [
    ("GET", "/cameras/nope/snapshot.jpg", 404),
    ("GET", "/cameras/nope/stream.mjpeg", 404),
    ("GET", "/cameras/testpattern/snapshot.jpg?size=abc", 400),
    ("GET", "/cameras/testpattern/stream.mjpeg?size=12", 400),
    ("GET", "/no/such/path", 404),
    ("POST", "/health", 405),
    ("DELETE", "/cameras", 405),
    ("GET", "/get-image", 400),
    ("GET", "/get-image?cameraId=a%20b", 400),
    ("GET", "/get-image?cameraId=999", 404),
    ("GET", "/stream-image?cameraId=999", 404),
    ("GET", "/video-input-stream", 426),
    ("GET", "/cameras/nope/ws", 404),
    ("GET", "/cameras/testpattern/ws", 426),
]


@pytest.mark.parametrize("method,path,status", CASES)
def test_bad_requests_get_json_errors(hub, method, path, status):
    response = requests.request(method, hub.url(path), timeout=5)
    assert response.status_code == status
    assert response.headers["content-type"].startswith("application/json")
    error = response.json()["error"]
    assert error["code"] and error["message"]
    if status == 405:  # a route asked with a method it does not take names the ones it does
        assert response.headers["Allow"] and error["code"] == "method_not_allowed"
    assert requests.get(hub.url("/health"), timeout=5).status_code == 200


def test_snapshot_and_seed_frame_are_jpegs(hub):
    for path in ["/cameras/testpattern/snapshot.jpg", "/api/frame"]:
        response = requests.get(hub.url(path), timeout=5)
        assert response.status_code == 200
        assert response.headers["content-type"] == "image/jpeg"
        assert response.content[:2] == b"\xff\xd8"


def test_openapi_document_is_served(hub):
    document = requests.get(hub.url("/openapi.json"), timeout=5).json()
    assert document["openapi"].startswith("3.")
    assert "/cameras/{id}/stream.mjpeg" in document["paths"]

"""The operator web page in a real browser: Debian's chromium, headless, through selenium.

Screenshots are saved in interop/artifacts/ (kept out of git)."""
import time
from pathlib import Path

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.webdriver.common.by import By

from conftest import wait_for

ARTIFACTS = Path(__file__).resolve().parent / "artifacts"
CAMERAS = [{"id": f"cam{i}", "name": f"Camera {i}", "width": 320, "height": 240, "fps": 10} for i in range(1, 9)]


@pytest.fixture
def browser():
    options = webdriver.ChromeOptions()
    options.binary_location = "/usr/bin/chromium"
    for argument in ["--headless=new", "--no-sandbox", "--disable-dev-shm-usage", "--window-size=1600,1400"]:
        options.add_argument(argument)
    options.set_capability("goog:loggingPrefs", {"browser": "ALL"})
    driver = webdriver.Chrome(service=Service("/usr/bin/chromedriver"), options=options)
    driver.set_page_load_timeout(30)
    yield driver
    driver.quit()


def tile_fingerprints(browser) -> dict:
    """A cheap digest of each tile's canvas pixels, by camera id."""
    return browser.execute_script("""
        const result = {};
        for (const tile of document.querySelectorAll('[data-camera-id]')) {
            const canvas = tile.querySelector('canvas');
            const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
            let hash = 0;
            for (let i = 0; i < pixels.length; i += 97) hash = (hash * 31 + pixels[i]) | 0;
            result[tile.dataset.cameraId] = [Number(tile.dataset.framesDrawn || 0), hash];
        }
        return result;
    """)


def severe_console_messages(browser) -> list[str]:
    return [entry["message"] for entry in browser.get_log("browser") if entry["level"] == "SEVERE"]


def test_eight_cameras_are_live_in_one_tab_with_no_console_errors(start_hub, browser):
    hub = start_hub(config={"cameras": CAMERAS})
    browser.get(hub.base)
    wait_for(lambda: len(browser.find_elements(By.CSS_SELECTOR, "[data-camera-id]")) == 8, timeout=15)
    # Every tile draws frames...
    first = wait_for(lambda: (f := tile_fingerprints(browser)) and all(drawn >= 2 for drawn, _ in f.values()) and f, timeout=20)
    time.sleep(1.5)
    second = tile_fingerprints(browser)
    # ...and its pixels change (the test pattern's clock and sweeping box move).
    for camera in first:
        assert second[camera][0] > first[camera][0], f"{camera} stopped drawing"
        assert second[camera][1] != first[camera][1], f"{camera}'s pixels did not change"
    # All of it over one WebSocket: the page opened no MJPEG stream and no snapshot.
    fetched = browser.execute_script("return performance.getEntriesByType('resource').map(e => e.name)")
    assert not [url for url in fetched if "stream.mjpeg" in url or "snapshot.jpg" in url]
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "dashboard.png"))
    assert severe_console_messages(browser) == []


def test_a_detection_posted_over_rest_shows_up_without_a_reload(start_hub, browser):
    hub = start_hub()
    browser.get(hub.base)
    wait_for(lambda: browser.execute_script("return document.getElementById('connection').textContent") == "live", timeout=15)
    detection = {"camera_id": "gate_3", "checkpoint_id": "north", "timestamp": "2024-12-19T10:00:00Z", "ocr_results": ["WEB4242"]}
    posted = time.time()
    detection_id = requests.post(hub.url("/api/detection"), json=detection, timeout=5).json()["detection_id"]
    item = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, f'[data-live="detections"] [data-detection-id="{detection_id}"]'), timeout=5)
    assert time.time() - posted < 5
    assert "WEB4242" in item[0].text and "gate_3" in item[0].text
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "dashboard-detection.png"))
    assert severe_console_messages(browser) == []


def test_the_login_is_required_off_loopback_and_works(start_hub, browser):
    hub = start_hub(env={"CAMHUB_TRUST_LOOPBACK": "false"})
    token = (hub.data_dir / "admin.token").read_text().strip()
    browser.get(hub.base)
    wait_for(lambda: browser.find_element(By.ID, "login").is_displayed(), timeout=10)
    assert not browser.find_element(By.ID, "app").is_displayed()
    # Without the login, the live socket and the operator's calls are refused.
    assert requests.get(hub.url("/config"), timeout=5).status_code == 401

    browser.find_element(By.ID, "token").send_keys("not-the-token")
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait_for(lambda: "not the admin token" in browser.find_element(By.ID, "login-error").text, timeout=5)

    field = browser.find_element(By.ID, "token")
    field.clear()
    field.send_keys(token)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait_for(lambda: browser.find_element(By.ID, "app").is_displayed(), timeout=10)
    wait_for(lambda: (f := tile_fingerprints(browser)) and all(drawn >= 2 for drawn, _ in f.values()), timeout=15)
    # The session cookie is HttpOnly: scripts cannot read it.
    assert "camhub_session" not in browser.execute_script("return document.cookie")
    cookie = browser.get_cookie("camhub_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "after-login.png"))

    browser.find_element(By.ID, "logout").click()
    wait_for(lambda: browser.find_element(By.ID, "login").is_displayed(), timeout=10)
    assert browser.get_cookie("camhub_session") is None


def test_the_camera_pages_controls_change_the_camera(start_hub, browser, tmp_path):
    import json
    import signal
    import subprocess
    from conftest import BINARY

    hub = start_hub()
    state_file = tmp_path / "agent.json"
    agent = subprocess.Popen(
        [BINARY, "agent", "--hub", hub.base, "--name", "Yard", "--fps", "10", "--state-file", str(state_file), "--heartbeat-interval", "1"],
        stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
    )
    try:
        camera_id = wait_for(lambda: state_file.exists() and json.loads(state_file.read_text())["camera_id"])
        browser.get(f"{hub.base}/#/camera/{camera_id}")
        wait_for(lambda: browser.find_element(By.ID, "camera-page").is_displayed(), timeout=10)
        wait_for(lambda: int(browser.find_element(By.ID, "camera-view").get_attribute("data-frames-drawn") or 0) >= 2, timeout=15)
        fps = browser.find_element(By.ID, "fps")
        fps.clear()
        fps.send_keys("3")
        browser.find_element(By.CSS_SELECTOR, '[data-command="adjust_fps"]').click()
        wait_for(lambda: "queued" in browser.find_element(By.ID, "control-result").text, timeout=5)
        wait_for(lambda: requests.get(hub.url(f"/cameras/{camera_id}/status"), timeout=5).json()["config"]["fps"] == 3, timeout=15)
        wait_for(lambda: browser.find_element(By.CSS_SELECTOR, '[data-field="set fps"]').text == "3", timeout=10)
        assert severe_console_messages(browser) == []
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "camera-page.png"))

        # No model is configured: the question gets the clear error, not a made-up answer.
        browser.find_element(By.ID, "ask-question").send_keys("Is anyone there?")
        browser.find_element(By.CSS_SELECTOR, "#ask button").click()
        wait_for(lambda: "no vision model is configured" in browser.find_element(By.ID, "ask-result").text, timeout=10)
    finally:
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=15) == 0

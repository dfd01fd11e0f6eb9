"""The operator web page in a real browser: Debian's chromium, headless, through selenium.

Screenshots are saved in interop/artifacts/ (kept out of git)."""
import json
import os
import time
from pathlib import Path
from urllib.parse import urlsplit

import pytest
import requests
from selenium import webdriver
from selenium.webdriver.chrome.service import Service
from selenium.common.exceptions import NoSuchElementException, StaleElementReferenceException
from selenium.webdriver.common.by import By
from selenium.webdriver.support.ui import Select

from conftest import POSTGRES_URL, wait_for

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


def shown(browser, element_id: str) -> bool:
    """Whether the element is displayed; False while the page is being replaced (a reload)."""
    try:
        return browser.find_element(By.ID, element_id).is_displayed()
    except (StaleElementReferenceException, NoSuchElementException):
        return False


def text_of(browser, selector: str) -> str:
    """An element's text; "" while the page is re-rendering it (the element went stale)."""
    try:
        return browser.find_element(By.CSS_SELECTOR, selector).text
    except (StaleElementReferenceException, NoSuchElementException):
        return ""


def row_texts(browser) -> list[str]:
    """The records table's row texts; [] while the page is re-rendering them."""
    try:
        return [row.text for row in browser.find_elements(By.CSS_SELECTOR, "#records-body tr")]
    except StaleElementReferenceException:
        return []


def first_row_id(browser) -> str | None:
    try:
        rows = browser.find_elements(By.CSS_SELECTOR, "#records-body tr")
        return rows[0].get_attribute("data-detection-id") if rows else None
    except StaleElementReferenceException:
        return None


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
    detection = {"type": "detection_result", "camera_id": "gate_3", "checkpoint_id": "north", "timestamp": "2024-12-19T10:00:00Z", "ocr_results": ["WEB4242"]}
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
    wait_for(lambda: shown(browser, "login"), timeout=10)
    assert not browser.find_element(By.ID, "app").is_displayed()
    # Without the login, the live socket and the operator's calls are refused.
    assert requests.get(hub.url("/config"), timeout=5).status_code == 401

    browser.find_element(By.ID, "token").send_keys("not-the-token")
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait_for(lambda: "not the admin token" in text_of(browser, "#login-error"), timeout=5)

    field = browser.find_element(By.ID, "token")
    field.clear()
    field.send_keys(token)
    browser.find_element(By.CSS_SELECTOR, "#login-form button").click()
    wait_for(lambda: shown(browser, "app"), timeout=10)
    wait_for(lambda: (f := tile_fingerprints(browser)) and all(drawn >= 2 for drawn, _ in f.values()), timeout=15)
    # The session cookie is HttpOnly: scripts cannot read it.
    assert "camhub_session" not in browser.execute_script("return document.cookie")
    cookie = browser.get_cookie("camhub_session")
    assert cookie["httpOnly"] is True and cookie["sameSite"] == "Strict"
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "after-login.png"))

    browser.find_element(By.ID, "logout").click()
    wait_for(lambda: shown(browser, "login"), timeout=10)
    assert browser.get_cookie("camhub_session") is None


def test_the_camera_pages_controls_change_the_camera(start_hub, browser, tmp_path):
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
        wait_for(lambda: shown(browser, "camera-page"), timeout=10)
        wait_for(lambda: int(browser.find_element(By.ID, "camera-view").get_attribute("data-frames-drawn") or 0) >= 2, timeout=15)
        fps = browser.find_element(By.ID, "fps")
        fps.clear()
        fps.send_keys("3")
        browser.find_element(By.CSS_SELECTOR, '[data-command="adjust_fps"]').click()
        wait_for(lambda: "queued" in text_of(browser, "#control-result"), timeout=5)
        wait_for(lambda: requests.get(hub.url(f"/cameras/{camera_id}/status"), timeout=5).json()["config"]["fps"] == 3, timeout=15)
        wait_for(lambda: text_of(browser, '[data-field="set fps"]') == "3", timeout=10)
        assert severe_console_messages(browser) == []
        ARTIFACTS.mkdir(exist_ok=True)
        browser.save_screenshot(str(ARTIFACTS / "camera-page.png"))

        # No model is configured: the question gets the clear error, not a made-up answer.
        browser.find_element(By.ID, "ask-question").send_keys("Is anyone there?")
        browser.find_element(By.CSS_SELECTOR, "#ask button").click()
        wait_for(lambda: "no vision model is configured" in text_of(browser, "#ask-result"), timeout=10)
    finally:
        agent.send_signal(signal.SIGTERM)
        assert agent.wait(timeout=15) == 0


@pytest.mark.usefixtures("database_url")
def test_the_records_page_searches_pages_and_updates_live(start_hub, browser):
    import base64
    import io
    from PIL import Image
    hub = start_hub()
    out = io.BytesIO()
    Image.new("RGB", (64, 48), (200, 30, 30)).save(out, "JPEG")
    image = base64.b64encode(out.getvalue()).decode()
    for n in range(3):
        body = {"type": "detection_result", "camera_id": f"lane_{n}", "checkpoint_id": "west", "timestamp": "2024-12-19T10:00:00Z", "ocr_results": [f"REC{n:04d}"]}
        if n == 0:
            body["annotated_image"] = image
        assert requests.post(hub.url("/api/detection"), json=body, timeout=5).status_code == 200
    browser.get(f"{hub.base}/#/records")
    texts = wait_for(lambda: (t := row_texts(browser)) and len(t) == 3 and t, timeout=10)
    assert "REC0002" in texts[0]  # newest first
    thumbnail = browser.find_element(By.CSS_SELECTOR, "#records-body img")
    assert thumbnail.get_attribute("src").endswith(".jpg")
    assert browser.execute_script("return arguments[0].naturalWidth", thumbnail) == 64

    browser.find_element(By.CSS_SELECTOR, '#records-filter input[name="plate"]').send_keys("rec0001")
    browser.find_element(By.CSS_SELECTOR, "#records-filter button").click()
    wait_for(lambda: (texts := row_texts(browser)) and len(texts) == 1 and "REC0001" in texts[0], timeout=10)

    # Back to all records: a new detection appears on top without a reload.
    field = browser.find_element(By.CSS_SELECTOR, '#records-filter input[name="plate"]')
    field.clear()
    browser.find_element(By.CSS_SELECTOR, "#records-filter button").click()
    wait_for(lambda: len(row_texts(browser)) == 3, timeout=10)
    new_id = requests.post(hub.url("/api/detection"), json={"type": "detection_result", "camera_id": "lane_9", "checkpoint_id": "west", "timestamp": "t", "ocr_results": ["LIVE999"]}, timeout=5).json()["detection_id"]
    wait_for(lambda: first_row_id(browser) == new_id, timeout=5)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "records.png"))
    assert severe_console_messages(browser) == []


def test_the_health_page_shows_the_hub_and_its_cameras(start_hub, browser):
    hub = start_hub()
    browser.get(f"{hub.base}/#/health")
    wait_for(lambda: text_of(browser, "#health-cpu").endswith("%"), timeout=10)
    row = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, '#health-cameras tr[data-camera-id="testpattern"]'), timeout=10)[0]
    assert "active" in row.text and "s ago" in row.text
    assert float(browser.find_element(By.ID, "health-in").text) > 5
    # The hubs of the site: this one alone, alive, with its camera.
    hubs = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, "#health-hubs tr"), timeout=10)
    assert len(hubs) == 1 and "(this hub)" in hubs[0].text and "alive" in hubs[0].text and "testpattern" in hubs[0].text
    # After a few refreshes the chart has a line per series.
    wait_for(lambda: browser.execute_script(
        "return [...document.querySelectorAll('#health-chart polyline')].every(p => p.getAttribute('points').split(' ').length >= 3)"), timeout=15)
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "health.png"))
    assert severe_console_messages(browser) == []


def test_the_settings_page_shows_errors_next_to_the_field_and_applies_good_values(start_hub, browser):
    hub = start_hub()
    browser.get(f"{hub.base}/#/settings")
    field = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, '#settings-form input[data-key="cameras[0].fps"]'), timeout=10)[0]
    field.clear()
    field.send_keys("500")
    browser.find_element(By.ID, "settings-save").click()
    error = wait_for(lambda: text_of(browser, '[data-error-for="cameras[0].fps"]'), timeout=5)
    assert "between 1 and 60" in error
    assert "invalid" in field.get_attribute("class")
    assert requests.get(hub.url("/config"), timeout=5).json()["cameras"][0]["fps"] == 15

    field.clear()
    field.send_keys("5")
    browser.find_element(By.ID, "settings-save").click()
    wait_for(lambda: "Saved and applied" in text_of(browser, "#settings-result"), timeout=10)
    assert requests.get(hub.url("/config"), timeout=5).json()["cameras"][0]["fps"] == 5
    # The page edits the file: the port given on the command line was not written into it.
    assert json.loads((hub.data_dir / "camhub.json").read_text())["server"]["port"] == 8080

    # A list is one comma-separated field; an error in one of its items is shown next to it.
    origins = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, '#settings-form input[data-key="server.cors_origins"]'), timeout=10)[0]
    origins.clear()
    origins.send_keys("https://ops.example.com, not an origin")
    browser.find_element(By.ID, "settings-save").click()
    error = wait_for(lambda: text_of(browser, '[data-error-for="server.cors_origins"]'), timeout=5)
    assert "scheme://host" in error
    origins.clear()
    origins.send_keys("https://ops.example.com, http://10.0.0.5:3000")
    browser.find_element(By.ID, "settings-save").click()
    wait_for(lambda: "Restart camhub for: server.cors_origins" in text_of(browser, "#settings-result"), timeout=10)
    assert json.loads((hub.data_dir / "camhub.json").read_text())["server"]["cors_origins"] == ["https://ops.example.com", "http://10.0.0.5:3000"]
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "settings.png"))


@pytest.mark.skipif(POSTGRES_URL is None, reason="no PostgreSQL configured (CAMHUB_TEST_POSTGRES_URL)")
def test_the_settings_page_shows_the_database_password_as_stars_and_keeps_it(start_hub, browser):
    url = f"{POSTGRES_URL}&schema=t_{os.urandom(8).hex()}"
    password = urlsplit(url).password
    hub = start_hub(config={"database": {"url": url}})
    browser.get(f"{hub.base}/#/settings")
    field = wait_for(lambda: browser.find_elements(By.CSS_SELECTOR, '#settings-form input[data-key="database.url"]'), timeout=10)[0]
    assert ":***@" in field.get_attribute("value") and password not in browser.page_source
    fps = browser.find_element(By.CSS_SELECTOR, '#settings-form input[data-key="cameras[0].fps"]')
    fps.clear()
    fps.send_keys("6")
    browser.find_element(By.ID, "settings-save").click()
    wait_for(lambda: "Saved and applied" in text_of(browser, "#settings-result"), timeout=10)
    assert json.loads((hub.data_dir / "camhub.json").read_text())["database"]["url"] == url


def test_the_events_page_lists_motion_with_pictures_and_updates_live(start_hub, browser, tmp_path):
    """A `file:` camera with motion on loops a box crossing its zone (about every 4 s): the events
    page shows each event with its picture and zone, and new ones appear without a reload."""
    from test_motion import config, scene
    scene(tmp_path / "frames")
    hub = start_hub(config=config(tmp_path / "frames"))
    browser.get(f"{hub.base}/#/events")
    first = wait_for(lambda: (rows := row_ids(browser, "#events-body tr", "data-event-id")) and rows, timeout=20)
    wait_for(lambda: "gate" in text_of(browser, f'#events-body tr[data-event-id="{first[0]}"]'), timeout=10)
    picture = browser.find_element(By.CSS_SELECTOR, f'#events-body tr[data-event-id="{first[0]}"] img')
    wait_for(lambda: browser.execute_script("return arguments[0].naturalWidth", picture) == 320, timeout=5)
    # The next loop's event arrives on the live socket and the list is read again, in this page.
    browser.execute_script("window.sameDocument = true")
    wait_for(lambda: len(set(row_ids(browser, "#events-body tr", "data-event-id")) - set(first)) > 0, timeout=20)
    assert browser.execute_script("return window.sameDocument === true"), "the page was reloaded"
    assert text_of(browser, f'#events-body tr[data-event-id="{first[0]}"]').startswith("motion")

    # The clip plays in the page, from the camera's own frames.
    browser.find_element(By.CSS_SELECTOR, f'#events-body tr[data-event-id="{first[0]}"] .play-clip').click()
    clip = browser.find_element(By.ID, "clip-picture")
    wait_for(lambda: browser.execute_script("return arguments[0].naturalWidth", clip) == 320, timeout=10)
    assert browser.find_element(By.ID, "clip-download").get_attribute("href").endswith(f"/api/events/{first[0]}/clip.mp4")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "events.png"))
    browser.find_element(By.ID, "clip-close").click()

    # Detections are in the same timeline; the kind filter keeps them alone.
    detection = {"type": "detection_result", "camera_id": "gate", "checkpoint_id": "cp1", "timestamp": "2024-12-19T10:00:00Z",
                 "ocr_results": ["TIME42"], "plates_count": 1}
    assert requests.post(hub.url("/api/detection"), json=detection, timeout=5).status_code == 200
    Select(browser.find_element(By.CSS_SELECTOR, '#events-filter select[name="kind"]')).select_by_visible_text("detection")
    browser.find_element(By.CSS_SELECTOR, "#events-filter button").click()
    wait_for(lambda: (rows := browser.find_elements(By.CSS_SELECTOR, "#events-body tr")) and len(rows) == 1
             and "TIME42" in text_of(browser, "#events-body tr") and text_of(browser, "#events-body tr").startswith("detection"), timeout=10)
    assert severe_console_messages(browser) == []


def row_ids(browser, selector: str, attribute: str) -> list[str]:
    """The rows' ids; [] while the page is re-rendering them."""
    try:
        return [row.get_attribute(attribute) for row in browser.find_elements(By.CSS_SELECTOR, selector)]
    except StaleElementReferenceException:
        return []


def test_the_camera_page_draws_motion_tunes_it_live_and_edits_zones_and_masks(start_hub, browser, tmp_path):
    """A `file:` camera with motion on: its page draws the regions over the live view, the tuner's
    threshold is applied (and written into the config file), and a mask and a zone drawn with the
    mouse are saved, shown and removable."""
    from selenium.webdriver.common.actions.action_builder import ActionBuilder
    from test_motion import config, scene
    scene(tmp_path / "frames")
    hub = start_hub(config=config(tmp_path / "frames"))
    browser.get(f"{hub.base}/#/camera/yard")
    panel = browser.find_element(By.ID, "motion-panel")
    wait_for(lambda: int(panel.get_attribute("data-motion-boxes") or 0) > 0, timeout=20, interval=0.05)
    assert "motion:" in text_of(browser, "#motion-status")
    # The regions are drawn on the overlay (green, or red while an event is under way).
    drawn = browser.execute_script("""
        const canvas = document.getElementById('motion-overlay');
        const pixels = canvas.getContext('2d').getImageData(0, 0, canvas.width, canvas.height).data;
        let count = 0;
        for (let i = 3; i < pixels.length; i += 4) if (pixels[i] > 0) count++;
        return count;
    """)
    assert drawn > 0

    slider = browser.find_element(By.ID, "motion-threshold")
    browser.execute_script("arguments[0].value = 60; arguments[0].dispatchEvent(new Event('input'))", slider)
    wait_for(lambda: "threshold 60 applied" in text_of(browser, "#motion-result"), timeout=10)
    assert requests.get(hub.url("/cameras/yard/motion"), timeout=5).json()["threshold"] == 60
    assert json.loads((hub.data_dir / "camhub.json").read_text())["cameras"][0]["motion"]["threshold"] == 60

    overlay = browser.find_element(By.ID, "motion-overlay")

    def draw(points):
        for x, y in points:
            # The mouse at that point of the picture, in the viewport's coordinates (the picture in
            # view: clicking a button below it scrolled the page).
            rect = browser.execute_script("window.scrollTo(0, 0); return arguments[0].getBoundingClientRect().toJSON()", overlay)
            actions = ActionBuilder(browser)
            actions.pointer_action.move_to_location(int(rect["left"] + x * rect["width"]), int(rect["top"] + y * rect["height"])).click()
            actions.perform()
        browser.find_element(By.ID, "motion-finish").click()

    browser.find_element(By.ID, "motion-draw-mask").click()
    draw([(0.05, 0.05), (0.3, 0.05), (0.3, 0.3)])
    wait_for(lambda: "mask saved" in text_of(browser, "#motion-result"), timeout=10)
    mask = requests.get(hub.url("/cameras/yard/motion"), timeout=5).json()["masks"][0]
    assert len(mask) == 3 and abs(mask[0][0] - 0.05) < 0.02 and abs(mask[2][1] - 0.3) < 0.02

    browser.find_element(By.ID, "motion-zone-name").send_keys("door")
    browser.find_element(By.ID, "motion-draw-zone").click()
    draw([(0.6, 0.6), (0.9, 0.6), (0.9, 0.9), (0.6, 0.9)])
    wait_for(lambda: "zone saved" in text_of(browser, "#motion-result"), timeout=10)
    zones = {zone["name"]: zone for zone in requests.get(hub.url("/cameras/yard/motion"), timeout=5).json()["zones"]}
    assert set(zones) == {"gate", "door"} and len(zones["door"]["polygon"]) == 4
    assert "zone door" in text_of(browser, "#motion-shapes") and "mask 1" in text_of(browser, "#motion-shapes")
    ARTIFACTS.mkdir(exist_ok=True)
    browser.save_screenshot(str(ARTIFACTS / "camera-motion.png"))

    remove = [b for b in browser.find_elements(By.CSS_SELECTOR, "#motion-shapes button") if "mask 1" in b.find_element(By.XPATH, "..").text][0]
    remove.click()
    wait_for(lambda: requests.get(hub.url("/cameras/yard/motion"), timeout=5).json()["masks"] == [], timeout=10)
    assert severe_console_messages(browser) == []

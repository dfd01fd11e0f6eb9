// The camhub dashboard: every camera live over one WebSocket (/ws/live), and the newest records.
//
// Only tiles on screen are subscribed, each at a size that fits the tile, and each tile draws
// only the newest frame it has: a frame that arrives while the previous one is being decoded
// replaces the waiting one instead of queueing behind it.

const grid = document.getElementById("grid");
const message = document.getElementById("message");
const connection = document.getElementById("connection");
const detections = document.getElementById("detections");

const tiles = new Map();
const visible = new Set();
const maxRecords = 20;
let socket = null;

// Frame widths the hub is asked for, so every tile of the same size shares one scaled frame.
const widths = [320, 480, 640, 960, 1280];

const observer = new IntersectionObserver((entries) => {
  for (const entry of entries) {
    const id = entry.target.dataset.cameraId;
    if (entry.isIntersecting) visible.add(id); else visible.delete(id);
  }
  subscribe();
}, { rootMargin: "100px" });

function makeTile(id) {
  const element = document.createElement("article");
  element.className = "tile";
  element.dataset.cameraId = id;
  const canvas = document.createElement("canvas");
  canvas.width = 640;
  canvas.height = 480;
  canvas.setAttribute("aria-label", `Live view of ${id}`);
  const meta = document.createElement("div");
  meta.className = "meta";
  const name = document.createElement("span");
  name.className = "name";
  const state = document.createElement("span");
  state.className = "state";
  meta.append(name, state);
  const kind = document.createElement("div");
  kind.className = "kind";
  element.append(canvas, meta, kind);
  grid.append(element);
  element.addEventListener("click", () => { location.hash = `#/camera/${encodeURIComponent(id)}`; });
  observer.observe(element);
  const tile = { element, canvas, context: canvas.getContext("2d"), name, state, kind, pending: null, drawing: false, drawn: 0 };
  tiles.set(id, tile);
  return tile;
}

function wantedWidth(tile) {
  const needed = tile.canvas.clientWidth * (window.devicePixelRatio || 1);
  return widths.find((width) => width >= needed) ?? widths[widths.length - 1];
}

// The camera the camera page shows, or null on the dashboard.
let focused = null;
const focusedView = { canvas: document.getElementById("camera-view"), pending: null, drawing: false, drawn: 0 };
focusedView.context = focusedView.canvas.getContext("2d");
focusedView.element = focusedView.canvas;

function subscribe() {
  if (!socket || socket.readyState !== WebSocket.OPEN) return;
  const cameras = focused
    ? [{ id: focused, width: 1280, fps: 15 }]
    : [...visible].filter((id) => tiles.has(id)).map((id) => ({ id, width: wantedWidth(tiles.get(id)), fps: 10 }));
  socket.send(JSON.stringify({ cameras }));
}

function connect() {
  socket = new WebSocket(`${location.protocol === "https:" ? "wss" : "ws"}://${location.host}/ws/live`);
  socket.binaryType = "arraybuffer";
  socket.addEventListener("open", () => {
    connection.textContent = "live";
    connection.className = "connection live";
    subscribe();
  });
  socket.addEventListener("message", (event) => {
    if (typeof event.data === "string") {
      handleEvent(JSON.parse(event.data));
    } else {
      handleFrame(event.data);
    }
  });
  socket.addEventListener("close", () => {
    connection.textContent = "reconnecting…";
    connection.className = "connection down";
    setTimeout(connect, 1000);
  });
}

// A binary message is [u8 id length][id][JPEG].
function handleFrame(buffer) {
  const bytes = new Uint8Array(buffer);
  const id = new TextDecoder().decode(bytes.subarray(1, 1 + bytes[0]));
  const tile = id === focused ? focusedView : tiles.get(id);
  if (!tile) return;
  tile.pending = new Blob([bytes.subarray(1 + bytes[0])], { type: "image/jpeg" });
  if (!tile.drawing) draw(tile);
}

async function draw(tile) {
  tile.drawing = true;
  while (tile.pending) {
    const blob = tile.pending;
    tile.pending = null;
    try {
      const bitmap = await createImageBitmap(blob);
      if (tile.canvas.width !== bitmap.width || tile.canvas.height !== bitmap.height) {
        tile.canvas.width = bitmap.width;
        tile.canvas.height = bitmap.height;
      }
      tile.context.drawImage(bitmap, 0, 0);
      bitmap.close();
      tile.drawn += 1;
      tile.element.dataset.framesDrawn = String(tile.drawn);
    } catch {
      // A frame the browser cannot decode is skipped; the next one replaces it.
    }
  }
  tile.drawing = false;
}

function handleEvent(event) {
  if (event.type === "detection") {
    addDetection(event.data, true);
    if (view === "records" && recordsOffset === 0 && matchesQuery(event.data)) {
      const body = document.getElementById("records-body");
      body.prepend(recordRow(event.data));
      while (body.children.length > pageSize) body.lastElementChild.remove();
    }
  }
  if (event.type === "analysis") addAnalysis(event.data);
  // A motion event started or ended, or a detection or an analysis was stored, here or on another
  // hub of the site: the timeline is read again.
  if (["motion", "detection", "analysis"].includes(event.type) && view === "events") searchEvents();
}

function addRecord(item, fresh) {
  if (fresh) item.classList.add("fresh");
  detections.prepend(item);
  while (detections.children.length > maxRecords) detections.lastElementChild.remove();
}

function recordItem(title, where, when, image) {
  const item = document.createElement("li");
  if (image) {
    const img = document.createElement("img");
    img.src = image;
    img.alt = "";
    item.append(img);
  }
  for (const [className, text] of [["plate", title], ["where", where], ["when", when]]) {
    const span = document.createElement("span");
    span.className = className;
    span.textContent = text;
    item.append(span);
  }
  return item;
}

function addDetection(record, fresh) {
  const plates = record.plates?.length ? record.plates.join(" · ") : "no plate";
  const item = recordItem(plates, `${record.camera_id} at ${record.checkpoint_id}`, new Date(record.received_at + "Z").toLocaleTimeString(), record.annotated_image_url);
  item.dataset.detectionId = record.detection_id;
  addRecord(item, fresh);
}

function addAnalysis(record) {
  const text = record.result?.caption ?? record.result?.answer ?? "";
  addRecord(recordItem(text, `${record.camera_id} · ${record.task}`, new Date().toLocaleTimeString(), null), true);
}

async function loadRecords() {
  try {
    const response = await fetch("/api/records?limit=10");
    if (!response.ok) return;
    const body = await response.json();
    for (const record of body.records.reverse()) addDetection(record, false);
  } catch {
    // The strip fills from live events anyway.
  }
}

async function refreshCameras() {
  try {
    const response = await fetch("/cameras");
    if (!response.ok) throw new Error(`HTTP ${response.status}`);
    const cameras = await response.json();
    const ids = Object.keys(cameras).sort();
    message.textContent = ids.length ? "" : "No cameras yet.";
    let added = false;
    for (const id of ids) {
      const camera = cameras[id];
      const tile = tiles.get(id) ?? makeTile(id);
      added ||= tile.drawn === 0 && !tile.name.textContent;
      tile.name.textContent = camera.name;
      tile.state.className = `state ${camera.status}`;
      tile.state.textContent = `${camera.status} · ${camera.fps.toFixed(1)} fps`;
      tile.kind.textContent = `${camera.kind} · ${camera.source}`;
    }
    if (added) subscribe();
  } catch (error) {
    message.textContent = `Cannot reach the hub: ${error.message}`;
  }
}

// Login: from loopback (with loopback trust on) the hub lets the page in; elsewhere the admin
// token is exchanged for an HttpOnly session cookie.
async function showLogin() {
  document.getElementById("login").hidden = false;
  connection.textContent = "";
  const form = document.getElementById("login-form");
  form.addEventListener("submit", async (event) => {
    event.preventDefault();
    const error = document.getElementById("login-error");
    error.textContent = "";
    const response = await fetch("/auth/login", {
      method: "POST",
      headers: { "Content-Type": "application/json" },
      body: JSON.stringify({ token: document.getElementById("token").value }),
    });
    if (response.ok) {
      location.reload();
    } else {
      const body = await response.json().catch(() => ({}));
      error.textContent = body.error?.message ?? `Login failed (HTTP ${response.status})`;
    }
  });
}

// Views: the dashboard (#/), a camera's page (#/camera/<id>), the records (#/records) and the
// hub's health (#/health).
const dashboard = document.getElementById("dashboard");
const cameraPage = document.getElementById("camera-page");
const recordsPage = document.getElementById("records-page");
const healthPage = document.getElementById("health-page");
const eventsPage = document.getElementById("events-page");
const settingsPage = document.getElementById("settings-page");
let statsTimer = null;
let view = "dashboard";

function route() {
  const match = location.hash.match(/^#\/camera\/(.+)$/);
  focused = match ? decodeURIComponent(match[1]) : null;
  const pages = { "#/records": "records", "#/events": "events", "#/health": "health", "#/settings": "settings" };
  view = focused ? "camera" : pages[location.hash] ?? "dashboard";
  dashboard.hidden = view !== "dashboard";
  cameraPage.hidden = view !== "camera";
  recordsPage.hidden = view !== "records";
  healthPage.hidden = view !== "health";
  eventsPage.hidden = view !== "events";
  if (view === "events") searchEvents();
  settingsPage.hidden = view !== "settings";
  if (view === "settings") loadSettings();
  clearInterval(statsTimer);
  if (view === "records") searchRecords(0);
  if (view === "health") {
    refreshHealth();
    statsTimer = setInterval(refreshHealth, 2000);
  }
  if (focused) {
    document.getElementById("camera-title").textContent = focused;
    document.getElementById("control-result").textContent = "";
    document.getElementById("ask-result").textContent = "";
    refreshCamera();
    statsTimer = setInterval(refreshCamera, 2000);
  }
  subscribe();
}

function showResult(element, ok, text) {
  element.className = `result ${ok ? "ok" : "failed"}`;
  element.textContent = text;
}

// A JSON call to the hub; a refusal throws with the hub's message (each bad field of a 422 named).
export async function call(method, path, body) {
  const response = await fetch(path, {
    method,
    headers: body === undefined ? {} : { "Content-Type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const reply = await response.json().catch(() => ({}));
  if (!response.ok) {
    // `detail` is a list of problems for a 422, the message itself otherwise (as FastAPI has it).
    const fields = Array.isArray(reply.detail) ? reply.detail.map((problem) => `${problem.loc?.at(-1)}: ${problem.msg}`).join("; ") : "";
    throw new Error(fields || reply.error?.message || `HTTP ${response.status}`);
  }
  return reply;
}

async function refreshCamera() {
  const id = focused;
  try {
    const status = await call("GET", `/cameras/${encodeURIComponent(id)}/status`);
    if (id !== focused) return;
    document.getElementById("camera-title").textContent = `${status.name} (${status.camera_id})`;
    const stats = document.getElementById("camera-stats");
    stats.replaceChildren();
    const rows = [
      ["status", status.status], ["kind", status.kind], ["location", status.location || "—"],
      ["fps", `${status.stats.fps}`], ["frames", `${status.stats.frames_received}`], ["viewers", `${status.stats.viewers}`],
      ["set fps", `${status.config.fps ?? "—"}`], ["resolution", status.config.resolution?.join("x") ?? "—"],
      ["task", status.config.task ?? "—"], ["question", status.config.question ?? "—"], ["pending commands", `${status.pending_commands}`],
    ];
    const capture = status.capture;
    if (capture) {
      rows.push(
        ["capture", `${capture.state}${capture.is_connected ? "" : " (not connected)"}`],
        ["captured", `${capture.frames_captured}`], ["dropped", `${capture.frames_dropped}`],
        ["connection errors", `${capture.connection_errors}`], ["reconnect attempts", `${capture.reconnect_attempts}`],
        ["last error", capture.last_error ?? "—"],
      );
    }
    for (const [name, value] of rows) {
      const dt = document.createElement("dt");
      dt.textContent = name;
      const dd = document.createElement("dd");
      dd.textContent = value;
      dd.dataset.field = name;
      stats.append(dt, dd);
    }
    const records = document.getElementById("camera-records");
    const [results, detections] = await Promise.all([
      call("GET", `/cameras/${encodeURIComponent(id)}/results?limit=5`).catch(() => ({ results: [] })),
      call("GET", `/api/records?camera_id=${encodeURIComponent(id)}&limit=5`).catch(() => ({ records: [] })),
    ]);
    records.replaceChildren(
      ...results.results.map((r) => textItem(`${r.task}: ${r.result?.caption ?? r.result?.answer ?? ""}`)),
      ...detections.records.map((r) => textItem(`plates ${r.plates.join(", ") || "none"} at ${r.checkpoint_id}`)),
    );
  } catch (error) {
    showResult(document.getElementById("control-result"), false, error.message);
  }
}

function textItem(text) {
  const item = document.createElement("li");
  item.textContent = text;
  return item;
}

function commandValue(type) {
  switch (type) {
    case "adjust_fps": return Number(document.getElementById("fps").value);
    case "change_resolution": return document.getElementById("resolution").value.split("x").map(Number);
    case "set_task": return document.getElementById("task").value;
    case "set_question": return document.getElementById("question").value;
    default: return undefined;
  }
}

document.getElementById("controls").addEventListener("click", async (event) => {
  const button = event.target.closest("button");
  if (!button || !focused) return;
  const result = document.getElementById("control-result");
  const path = `/cameras/${encodeURIComponent(focused)}`;
  try {
    if (button.dataset.action === "restart") {
      await call("POST", `/camera/restart?id=${encodeURIComponent(focused)}`);
      showResult(result, true, "restarted");
    } else if (button.dataset.action) {
      await call("POST", `${path}/${button.dataset.action}`);
      showResult(result, true, `${button.dataset.action} sent`);
    } else {
      let type = button.dataset.command;
      let value = commandValue(type);
      if (type === "custom") {
        type = document.getElementById("command-type").value;
        value = JSON.parse(document.getElementById("command-value").value);
      }
      const queued = await call("POST", `${path}/commands`, { type, value });
      showResult(result, true, `${queued.type} queued; the camera gets it with its next heartbeat`);
    }
    refreshCamera();
  } catch (error) {
    showResult(result, false, error.message);
  }
});

document.getElementById("ask").addEventListener("submit", async (event) => {
  event.preventDefault();
  const result = document.getElementById("ask-result");
  showResult(result, true, "asking…");
  try {
    const answer = await call("POST", `/cameras/${encodeURIComponent(focused)}/ask`, { question: document.getElementById("ask-question").value });
    showResult(result, true, answer.result?.answer ?? JSON.stringify(answer.result));
  } catch (error) {
    showResult(result, false, error.message);
  }
});

// Records: search by plate, camera, checkpoint and time, newest first, 25 a page.
const pageSize = 25;
let recordsOffset = 0;
let recordsQuery = {};

function recordsParameters(offset) {
  const parameters = new URLSearchParams({ limit: String(pageSize), offset: String(offset) });
  for (const [key, value] of Object.entries(recordsQuery)) {
    if (!value) continue;
    parameters.set(key, key === "since" || key === "until" ? new Date(value).toISOString() : value);
  }
  return parameters;
}

async function searchRecords(offset) {
  const error = document.getElementById("records-error");
  error.textContent = "";
  try {
    const body = await call("GET", `/api/records?${recordsParameters(offset)}`);
    recordsOffset = offset;
    document.getElementById("records-body").replaceChildren(...body.records.map(recordRow));
    document.getElementById("records-page-label").textContent = body.count ? `${offset + 1}–${offset + body.count}` : "no records";
    document.getElementById("records-newer").disabled = offset === 0;
    document.getElementById("records-older").disabled = body.count < pageSize;
  } catch (failure) {
    error.textContent = failure.message;
  }
}

function recordRow(record) {
  const row = document.createElement("tr");
  row.dataset.detectionId = record.detection_id;
  const image = document.createElement("td");
  const source = record.annotated_image_url ?? record.cropped_plate_urls?.[0];
  if (source) {
    const img = document.createElement("img");
    img.src = source;
    img.alt = "";
    image.append(img);
  }
  row.append(image);
  for (const [text, className] of [[record.plates.join(", ") || "—", "plate"], [record.camera_id], [record.checkpoint_id], [new Date(record.received_at + "Z").toLocaleString()]]) {
    const cell = document.createElement("td");
    cell.textContent = text;
    if (className) cell.className = className;
    row.append(cell);
  }
  return row;
}

// Events: the timeline (motion, detections, analyses) newest first, with pictures and clips; read
// again whenever something is added to it.
let eventsQuery = {};

async function searchEvents() {
  const error = document.getElementById("events-error");
  error.textContent = "";
  try {
    // The time fields are local times; the API takes ISO 8601 with its zone.
    const entries = Object.entries(eventsQuery).filter(([, value]) => value.trim() !== "")
      .map(([key, value]) => (key === "since" || key === "until") ? [key, new Date(value).toISOString()] : [key, value]);
    const parameters = new URLSearchParams(entries);
    parameters.set("limit", "50");
    const body = await call("GET", `/api/events?${parameters}`);
    document.getElementById("events-body").replaceChildren(...body.events.map(eventRow));
    document.getElementById("events-count").textContent = `${body.total_count} events`;
  } catch (failure) {
    error.textContent = failure.message;
  }
}

function eventRow(event) {
  const row = document.createElement("tr");
  row.dataset.eventId = event.id;
  const picture = document.createElement("td");
  if (event.snapshot_url) {
    const img = document.createElement("img");
    img.src = event.snapshot_url;
    img.alt = "";
    picture.append(img);
  }
  row.append(picture);
  const motion = event.kind === "motion";
  const ended = event.end ? new Date(event.end + "Z").toLocaleTimeString() : event.unfinished ? "unfinished" : "under way";
  const texts = [event.kind, event.camera_id, event.zones.join(", ") || "—", new Date(event.start + "Z").toLocaleString(),
    motion ? ended : "—", motion ? `${(event.peak_area * 100).toFixed(1)} %` : "—", event.caption || ""];
  for (const text of texts) {
    const cell = document.createElement("td");
    cell.textContent = text;
    row.append(cell);
  }
  const clip = document.createElement("td");
  if (event.clip_url) {
    const play = document.createElement("button");
    play.type = "button";
    play.className = "play-clip";
    play.textContent = "▶ play";
    play.addEventListener("click", () => playClip(event));
    clip.append(play);
  }
  row.append(clip);
  return row;
}

// A clip plays in an <img>: the hub sends its frames as MJPEG at the pace they were recorded.
function playClip(event) {
  document.getElementById("clip-picture").src = `${event.clip_url}?t=${Date.now()}`;
  document.getElementById("clip-caption").textContent = `${event.camera_id}, ${new Date(event.start + "Z").toLocaleString()}${event.caption ? ": " + event.caption : ""}`;
  document.getElementById("clip-download").href = event.clip_url.replace(/clip\.mjpeg$/, "clip.mp4");
  document.getElementById("clip-player").hidden = false;
}

document.getElementById("clip-close").addEventListener("click", () => {
  document.getElementById("clip-picture").removeAttribute("src");
  document.getElementById("clip-player").hidden = true;
});

document.getElementById("events-filter").addEventListener("submit", (event) => {
  event.preventDefault();
  eventsQuery = Object.fromEntries(new FormData(event.target).entries());
  searchEvents();
});

function matchesQuery(record) {
  const plate = recordsQuery.plate?.trim().toUpperCase();
  return (!plate || record.plates.includes(plate))
    && (!recordsQuery.camera_id || record.camera_id === recordsQuery.camera_id)
    && (!recordsQuery.checkpoint_id || record.checkpoint_id === recordsQuery.checkpoint_id)
    && !recordsQuery.since && !recordsQuery.until;
}

document.getElementById("records-filter").addEventListener("submit", (event) => {
  event.preventDefault();
  recordsQuery = Object.fromEntries(new FormData(event.target).entries());
  searchRecords(0);
});
document.getElementById("records-newer").addEventListener("click", () => searchRecords(Math.max(0, recordsOffset - pageSize)));
document.getElementById("records-older").addEventListener("click", () => searchRecords(recordsOffset + pageSize));

// Health: the hub's numbers every 2 s, and a chart of the last five minutes drawn as SVG.
const history = [];
let lastStats = null;

async function refreshHealth() {
  try {
    const stats = await call("GET", "/hub/stats");
    const now = Date.now();
    const out = lastStats ? Math.max(0, (stats.frames_delivered_total - lastStats.delivered) / ((now - lastStats.at) / 1000)) : 0;
    lastStats = { delivered: stats.frames_delivered_total, at: now };
    history.push({ at: now, in: stats.fps_in, out, cpu: stats.cpu_percent });
    while (history.length && history[0].at < now - 5 * 60 * 1000) history.shift();
    document.getElementById("health-cpu").textContent = `${stats.cpu_percent.toFixed(0)} %`;
    document.getElementById("health-memory").textContent = `${stats.memory_percent.toFixed(0)} % · ${(stats.process_resident_bytes / 1048576).toFixed(0)} MB`;
    document.getElementById("health-in").textContent = stats.fps_in.toFixed(1);
    document.getElementById("health-out").textContent = out.toFixed(1);
    document.getElementById("health-viewers").textContent = String(stats.viewers);
    document.getElementById("health-cameras").replaceChildren(...stats.cameras.map((camera) => {
      const row = document.createElement("tr");
      row.dataset.cameraId = camera.id;
      const age = camera.last_seen_age_seconds;
      for (const text of [camera.name, camera.kind, camera.status, age == null ? "never" : `${age.toFixed(0)} s ago`, camera.fps.toFixed(1), String(camera.viewers)]) {
        const cell = document.createElement("td");
        cell.textContent = text;
        row.append(cell);
      }
      return row;
    }));
    drawChart();
    refreshHubs();
  } catch {
    // The next refresh tries again.
  }
}

// The hubs of the site (one on a hub alone): which is alive, and the cameras each captures.
async function refreshHubs() {
  const cluster = await call("GET", "/cluster");
  document.getElementById("health-hubs").replaceChildren(...cluster.nodes.map((node) => {
    const row = document.createElement("tr");
    row.dataset.nodeId = node.id;
    row.className = node.alive ? "alive" : "dead";
    const seen = Math.max(0, (Date.now() - Date.parse(node.last_seen)) / 1000);
    const texts = [node.this ? `${node.id} (this hub)` : node.id, node.address, node.alive ? "alive" : "dead", node.version,
      new Date(node.started_at).toLocaleString(), `${seen.toFixed(0)} s ago`, node.cameras.join(", ") || "none"];
    for (const text of texts) {
      const cell = document.createElement("td");
      cell.textContent = text;
      row.append(cell);
    }
    return row;
  }));
}

function drawChart() {
  const svg = document.getElementById("health-chart");
  const width = 600, height = 160, span = 5 * 60 * 1000, now = Date.now();
  const top = Math.max(10, ...history.map((point) => Math.max(point.in, point.out, point.cpu)));
  const line = (key, color) => {
    const points = history.map((point) => `${(width - (now - point.at) / span * width).toFixed(1)},${(height - point[key] / top * (height - 10)).toFixed(1)}`);
    const path = document.createElementNS("http://www.w3.org/2000/svg", "polyline");
    path.setAttribute("points", points.join(" "));
    path.setAttribute("fill", "none");
    path.setAttribute("stroke", color);
    path.setAttribute("stroke-width", "2");
    path.setAttribute("vector-effect", "non-scaling-stroke");
    path.dataset.series = key;
    return path;
  };
  const style = getComputedStyle(document.documentElement);
  svg.replaceChildren(line("in", style.getPropertyValue("--ok")), line("out", style.getPropertyValue("--accent")), line("cpu", style.getPropertyValue("--warn")));
}

// Settings: one input per value of the config (dotted keys such as `server.port` or
// `cameras[0].fps`), so a 422 from PUT /config can be shown next to the field it names. A list
// of plain values (`server.cors_origins`) is one comma-separated input.
let settingsShape = null;

const isPlainList = (value) => Array.isArray(value) && value.every((item) => item === null || typeof item !== "object");

function flatten(value, path, out) {
  if (path && isPlainList(value)) {
    out.push([path, value]);
  } else if (value !== null && typeof value === "object") {
    for (const [key, inner] of Object.entries(value)) {
      flatten(inner, Array.isArray(value) ? `${path}[${key}]` : path ? `${path}.${key}` : key, out);
    }
  } else {
    out.push([path, value]);
  }
  return out;
}

function settingField(key, value) {
  const label = document.createElement("label");
  label.textContent = key.replace(/^cameras\[\d+\]\./, "");
  const input = document.createElement("input");
  input.dataset.key = key;
  input.dataset.type = value === null ? "null" : Array.isArray(value) ? "list" : typeof value;
  input.value = value === null ? "" : Array.isArray(value) ? value.join(", ") : String(value);
  if (typeof value === "number") input.inputMode = "decimal";
  const error = document.createElement("span");
  error.className = "field-error";
  error.dataset.errorFor = key;
  label.append(input, error);
  return label;
}

function renderSettings(configuration) {
  settingsShape = configuration;
  const form = document.getElementById("settings-form");
  form.replaceChildren();
  const groups = new Map();
  for (const [key, value] of flatten(configuration, "", [])) {
    const group = key.match(/^cameras\[\d+\]/)?.[0] ?? key.split(".")[0];
    if (!groups.has(group)) {
      const fieldset = document.createElement("fieldset");
      const legend = document.createElement("legend");
      legend.textContent = group;
      fieldset.append(legend);
      groups.set(group, fieldset);
      form.append(fieldset);
    }
    groups.get(group).append(settingField(key, value));
  }
}

async function loadSettings() {
  document.getElementById("settings-result").textContent = "";
  try {
    renderSettings(await call("GET", "/config?source=file"));
  } catch (error) {
    showResult(document.getElementById("settings-result"), false, error.message);
  }
}

function readSettings() {
  const configuration = structuredClone(settingsShape);
  for (const input of document.querySelectorAll("#settings-form input")) {
    const path = input.dataset.key.match(/[^.[\]]+/g);
    let target = configuration;
    for (const part of path.slice(0, -1)) target = target[part];
    const raw = input.value.trim();
    const type = input.dataset.type;
    let value = raw;
    if (type === "number") value = raw === "" ? null : Number(raw);
    else if (type === "boolean") value = raw === "true" ? true : raw === "false" ? false : raw;
    else if (type === "null") value = raw === "" ? null : raw;
    else if (type === "list") value = raw.split(",").map((item) => item.trim()).filter((item) => item !== "");
    target[path[path.length - 1]] = value;
  }
  return configuration;
}

document.getElementById("settings-add-camera").addEventListener("click", () => {
  const configuration = readSettings();
  const number = configuration.cameras.length + 1;
  configuration.cameras.push({ id: `camera-${number}`, name: `Camera ${number}`, location: "", source: "testpattern", width: 640, height: 480, fps: 15, jpeg_quality: 80 });
  renderSettings(configuration);
});

document.getElementById("settings-save").addEventListener("click", async () => {
  const result = document.getElementById("settings-result");
  for (const error of document.querySelectorAll("#settings-form .field-error")) error.textContent = "";
  for (const input of document.querySelectorAll("#settings-form input.invalid")) input.classList.remove("invalid");
  const response = await fetch("/config", { method: "PUT", headers: { "Content-Type": "application/json" }, body: JSON.stringify(readSettings()) });
  const body = await response.json().catch(() => ({}));
  if (response.ok) {
    const cameras = body.cameras;
    const restart = body.restart_required_keys?.length ? ` Restart camhub for: ${body.restart_required_keys.join(", ")}.` : "";
    showResult(result, true, `Saved and applied: ${cameras.added.length} added, ${cameras.removed.length} removed, ${cameras.changed.length} changed.${restart}`);
    loadSettings().then(() => showResult(result, true, `Saved and applied: ${cameras.added.length} added, ${cameras.removed.length} removed, ${cameras.changed.length} changed.${restart}`));
    return;
  }
  const problems = body.detail ?? [];
  let placed = false;
  for (const problem of problems) {
    // An error in a list item (`server.cors_origins[1]`) belongs to the list's input.
    const named = problem.loc?.[1];
    const key = named && (document.querySelector(`[data-error-for="${CSS.escape(named)}"]`) ? named : named.replace(/\[\d+\]$/, ""));
    const slot = key && document.querySelector(`[data-error-for="${CSS.escape(key)}"]`);
    if (slot) {
      slot.textContent = problem.msg;
      document.querySelector(`#settings-form input[data-key="${CSS.escape(key)}"]`)?.classList.add("invalid");
      placed = true;
    }
  }
  showResult(result, false, placed ? "Nothing was changed: fix the fields marked in red." : (body.error?.message ?? `HTTP ${response.status}`));
});

function startApp(session) {
  document.getElementById("app").hidden = false;
  if (session.via === "session") {
    const logout = document.getElementById("logout");
    logout.hidden = false;
    logout.addEventListener("click", async () => {
      await fetch("/auth/logout", { method: "POST" });
      location.reload();
    });
  }
  window.addEventListener("resize", () => subscribe());
  window.addEventListener("hashchange", route);
  route();
  connect();
  loadRecords();
  refreshCameras();
  setInterval(refreshCameras, 2000);
}

const session = await fetch("/auth/session").then((response) => response.json()).catch(() => ({ authenticated: false }));
if (session.authenticated) startApp(session); else showLogin();

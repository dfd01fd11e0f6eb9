// The camera page's motion panel: the regions the hub finds drawn over the live view, the
// zones and masks shown on it, a tuner (threshold, min_area, frame_alpha applied as they move)
// and an editor that draws zones and masks on the picture and saves them.
// Settings go through GET/PUT /cameras/{id}/motion; the regions come from
// GET /cameras/{id}/motion/live, read five times a second while the page is open.
import { call } from "./app.js";

const overlay = document.getElementById("motion-overlay");
const context = overlay.getContext("2d");
const panel = document.getElementById("motion-panel");
const status = document.getElementById("motion-status");
const result = document.getElementById("motion-result");
const tuned = ["threshold", "min_area", "frame_alpha"];

let camera = null;
let settings = null;
let live = null;
let drawing = null; // {kind: "zone" | "mask", points: [[x, y], ...]} while a polygon is drawn
let pollTimer = null;
let saveTimer = null;

function show(ok, text) {
  result.className = `result ${ok ? "ok" : "failed"}`;
  result.textContent = text;
}

async function open(id) {
  camera = id;
  settings = null;
  live = null;
  drawing = null;
  result.textContent = "";
  try {
    settings = await call("GET", `/cameras/${encodeURIComponent(id)}/motion`);
    if (camera !== id) return;
    fill();
  } catch (error) {
    show(false, error.message);
  }
  clearInterval(pollTimer);
  pollTimer = setInterval(poll, 200);
}

function close() {
  camera = null;
  clearInterval(pollTimer);
  context.clearRect(0, 0, overlay.width, overlay.height);
}

// The form shows the settings in force.
function fill() {
  document.getElementById("motion-enabled").checked = settings.enabled;
  for (const key of tuned) {
    const input = document.getElementById(`motion-${key}`);
    input.value = settings[key];
    document.getElementById(`motion-${key}-value`).textContent = format(key, settings[key]);
  }
  listShapes();
  render();
}

function format(key, value) {
  return key === "threshold" ? String(value) : key === "min_area" ? `${(value * 100).toFixed(2)} %` : Number(value).toFixed(3);
}

async function poll() {
  if (!camera) return;
  try {
    live = await call("GET", `/cameras/${encodeURIComponent(camera)}/motion/live`);
    status.textContent = !live.analysed ? "not analysed on this hub (motion is off, or another hub analyses this camera)"
      : live.background_reset ? "the picture changed at once: background reset"
      : live.boxes.length ? `motion: ${(live.area * 100).toFixed(2)} % of the picture${live.event_id ? ", event under way" : ""}`
      : "no motion";
    panel.dataset.motionBoxes = String(live.boxes.length);
  } catch {
    live = null;
  }
  render();
}

// Everything over the live view, in fractions of the picture.
function render() {
  const width = overlay.clientWidth * (window.devicePixelRatio || 1);
  const height = overlay.clientHeight * (window.devicePixelRatio || 1);
  if (overlay.width !== width || overlay.height !== height) {
    overlay.width = width;
    overlay.height = height;
  }
  context.clearRect(0, 0, width, height);
  if (!settings) return;
  const path = (points) => {
    context.beginPath();
    points.forEach(([x, y], index) => (index ? context.lineTo(x * width, y * height) : context.moveTo(x * width, y * height)));
  };
  context.lineWidth = 2 * (window.devicePixelRatio || 1);
  context.font = `${14 * (window.devicePixelRatio || 1)}px system-ui, sans-serif`;
  for (const mask of settings.masks) {
    path(mask);
    context.closePath();
    context.fillStyle = "rgba(229, 72, 77, 0.35)";
    context.fill();
  }
  for (const zone of settings.zones) {
    path(zone.polygon);
    context.closePath();
    context.strokeStyle = "#f5a524";
    context.stroke();
    context.fillStyle = "#f5a524";
    context.fillText(zone.name, zone.polygon[0][0] * width + 4, zone.polygon[0][1] * height + 16);
  }
  for (const box of live?.boxes ?? []) {
    context.strokeStyle = live.event_id ? "#e5484d" : "#3ecf8e";
    context.strokeRect(box.x * width, box.y * height, box.width * width, box.height * height);
  }
  if (drawing?.points.length) {
    path(drawing.points);
    context.strokeStyle = "#6ea8fe";
    context.stroke();
    for (const [x, y] of drawing.points) context.fillRect(x * width - 3, y * height - 3, 6, 6);
  }
}

// Saves the whole set (the settings in force, with what changed), and shows what the hub kept.
async function save(message) {
  try {
    settings = await call("PUT", `/cameras/${encodeURIComponent(camera)}/motion`, settings);
    fill();
    show(true, message);
  } catch (error) {
    show(false, error.message);
    settings = await call("GET", `/cameras/${encodeURIComponent(camera)}/motion`).catch(() => settings);
    fill();
  }
}

document.getElementById("motion-enabled").addEventListener("change", (event) => {
  settings.enabled = event.target.checked;
  save(settings.enabled ? "motion on" : "motion off");
});

for (const key of tuned) {
  document.getElementById(`motion-${key}`).addEventListener("input", (event) => {
    settings[key] = key === "threshold" ? Number.parseInt(event.target.value, 10) : Number(event.target.value);
    document.getElementById(`motion-${key}-value`).textContent = format(key, settings[key]);
    clearTimeout(saveTimer);
    saveTimer = setTimeout(() => save(`${key} ${format(key, settings[key])} applied`), 250);
  });
}

// The editor: a click on the picture adds a point; "finish" keeps the polygon.
for (const kind of ["zone", "mask"]) {
  document.getElementById(`motion-draw-${kind}`).addEventListener("click", () => {
    drawing = { kind, points: [] };
    show(true, `click on the picture to draw the ${kind}, then finish`);
    render();
  });
}

overlay.addEventListener("click", (event) => {
  if (!drawing) return;
  const rect = overlay.getBoundingClientRect();
  const x = Math.min(1, Math.max(0, (event.clientX - rect.left) / rect.width));
  const y = Math.min(1, Math.max(0, (event.clientY - rect.top) / rect.height));
  drawing.points.push([Number(x.toFixed(4)), Number(y.toFixed(4))]);
  render();
});

document.getElementById("motion-finish").addEventListener("click", () => {
  if (!drawing || drawing.points.length < 3) {
    show(false, "a polygon needs three points or more");
    return;
  }
  if (drawing.kind === "zone") {
    const name = document.getElementById("motion-zone-name").value.trim();
    if (!name) {
      show(false, "name the zone first");
      return;
    }
    settings.zones = [...settings.zones.filter((zone) => zone.name !== name), { name, polygon: drawing.points }];
  } else {
    settings.masks = [...settings.masks, drawing.points];
  }
  const kind = drawing.kind;
  drawing = null;
  save(`${kind} saved`);
});

document.getElementById("motion-cancel").addEventListener("click", () => {
  drawing = null;
  result.textContent = "";
  render();
});

function listShapes() {
  const list = document.getElementById("motion-shapes");
  const items = [
    ...settings.zones.map((zone, index) => ({ label: `zone ${zone.name}`, remove: () => settings.zones.splice(index, 1) })),
    ...settings.masks.map((_, index) => ({ label: `mask ${index + 1}`, remove: () => settings.masks.splice(index, 1) })),
  ];
  list.replaceChildren(...items.map(({ label, remove }) => {
    const item = document.createElement("li");
    item.textContent = `${label} `;
    const button = document.createElement("button");
    button.type = "button";
    button.className = "link";
    button.textContent = "remove";
    button.addEventListener("click", () => {
      remove();
      save(`${label} removed`);
    });
    item.append(button);
    return item;
  }));
}

function route() {
  const match = location.hash.match(/^#\/camera\/(.+)$/);
  const id = match ? decodeURIComponent(match[1]) : null;
  if (id === camera) return;
  if (id) open(id);
  else close();
}

panel.addEventListener("submit", (event) => event.preventDefault());
window.addEventListener("hashchange", route);
window.addEventListener("resize", render);
route();

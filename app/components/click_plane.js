// The clickable plane: points added and removed by clicking, in the browser.
//
// Plotly reports clicks on points only, never on empty space, so drawing data
// needs a plane of its own. Python hands over its list of points with a name
// for the plane and a revision (bumped whenever Python itself replaces the
// list: clear, start from a data set, a shared link). Each click changes the
// list here at once (a click near a point removes it, a click on empty space
// drops a small cloud, or one point in "centroids" mode), redraws, and sends
// Python the whole list with the plane and revision it belongs to: never a
// delta, so reruns that merge several clicks cannot lose one.

const PICK_PX = 7; // a click this close to a point removes it
const POINT_RADIUS = 3.5;
const CENTROID_RADIUS = 8;
const FONT_PX = 14;
const AXIS = { left: 46, right: 10, top: 10, bottom: 28 };
const ASPECT = 0.62; // height over width
const MAX_HEIGHT = 380;
const POINT_COLOR = "#0072B2";
const CENTROID_COLOR = "#D55E00";
const DECIMALS = 100; // points are kept to 0.01, as the link stores them

const planes = new WeakMap(); // one plane per mounted element; Streamlit calls us on every rerun

export default function mountClickPlane(component) {
  const { parentElement, data, setStateValue } = component;
  let plane = planes.get(parentElement);
  if (!plane) {
    plane = new ClickPlane(parentElement);
    planes.set(parentElement, plane);
  }
  plane.send = (value) => setStateValue("points", value);
  plane.load(data);
  return undefined;
}

function gaussian() {
  // Box-Muller: one standard normal number from two uniform ones.
  const u = 1 - Math.random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * Math.random());
}

function rounded(value, low, high) {
  return Math.round(Math.min(Math.max(value, low), high) * DECIMALS) / DECIMALS;
}

class ClickPlane {
  constructor(parent) {
    this.root = document.createElement("div");
    this.root.className = "click-plane";
    this.canvas = document.createElement("canvas");
    this.canvas.className = "click-plane-canvas";
    this.canvas.setAttribute("role", "img");
    this.bar = document.createElement("div");
    this.bar.className = "click-plane-bar";
    this.count = document.createElement("span");
    this.count.className = "click-plane-count";
    this.clear = document.createElement("button");
    this.clear.type = "button";
    this.clear.className = "click-plane-clear";
    this.clear.textContent = "Clear";
    this.bar.append(this.count, this.clear);
    this.root.append(this.canvas, this.bar);
    parent.append(this.root);
    this.key = null;
    this.points = [];
    this.canvas.addEventListener("click", (event) => this.clicked(event));
    this.clear.addEventListener("click", () => this.change([]));
    new ResizeObserver(() => this.draw()).observe(this.root);
  }

  load(data) {
    this.settings = data;
    const key = `${data.plane}#${data.revision}`;
    if (key !== this.key) {
      // Python replaced the list (or this is a new plane): take Python's.
      this.key = key;
      this.points = data.points.map(([x, y]) => [x, y]);
    }
    this.canvas.setAttribute("aria-label", data.label);
    this.draw();
  }

  // Data coordinates -> canvas pixels, one scale on both axes so clouds stay round.
  frame() {
    const width = this.root.clientWidth || 600;
    const height = Math.min(MAX_HEIGHT, Math.round(width * ASPECT));
    const [x0, x1, y0, y1] = this.settings.bounds;
    const inner = [width - AXIS.left - AXIS.right, height - AXIS.top - AXIS.bottom];
    const scale = Math.min(inner[0] / (x1 - x0), inner[1] / (y1 - y0));
    const cx = AXIS.left + inner[0] / 2 - (scale * (x0 + x1)) / 2;
    const cy = AXIS.top + inner[1] / 2 + (scale * (y0 + y1)) / 2;
    return { width, height, scale, cx, cy };
  }

  toPixel(f, [x, y]) {
    return [f.cx + f.scale * x, f.cy - f.scale * y];
  }

  clicked(event) {
    const f = this.frame();
    const box = this.canvas.getBoundingClientRect();
    const px = event.clientX - box.left;
    const py = event.clientY - box.top;
    const nearest = this.nearest(f, px, py);
    if (nearest !== null) {
      this.change(this.points.filter((_, i) => i !== nearest));
      return;
    }
    const at = [(px - f.cx) / f.scale, (f.cy - py) / f.scale];
    const [x0, x1, y0, y1] = this.settings.bounds;
    if (at[0] < x0 || at[0] > x1 || at[1] < y0 || at[1] > y1) return; // on an axis, not the plane
    this.change(this.points.concat(this.dropped(at)));
  }

  nearest(f, px, py) {
    let best = null;
    let bestDistance = PICK_PX;
    this.points.forEach((point, i) => {
      const [x, y] = this.toPixel(f, point);
      const distance = Math.hypot(x - px, y - py);
      if (distance <= bestDistance) {
        best = i;
        bestDistance = distance;
      }
    });
    return best;
  }

  // The points one click adds: a cloud around `at`, or the click itself.
  dropped(at) {
    const { brush, spread, limit, bounds } = this.settings;
    const room = Math.max(limit - this.points.length, 0);
    const count = Math.min(this.settings.mode === "centroids" ? 1 : brush, room);
    const cloud = [];
    for (let i = 0; i < count; i += 1) {
      const jitter = i === 0 || this.settings.mode === "centroids" ? [0, 0] : [gaussian(), gaussian()];
      cloud.push([
        rounded(at[0] + spread * jitter[0], bounds[0], bounds[1]),
        rounded(at[1] + spread * jitter[1], bounds[2], bounds[3]),
      ]);
    }
    return cloud;
  }

  change(points) {
    this.points = points;
    this.draw();
    const [plane, revision] = [this.settings.plane, this.settings.revision];
    this.send({ plane, revision, points });
  }

  draw() {
    if (!this.settings) return;
    const f = this.frame();
    const ratio = window.devicePixelRatio || 1;
    this.canvas.width = Math.round(f.width * ratio);
    this.canvas.height = Math.round(f.height * ratio);
    this.canvas.style.width = `${f.width}px`;
    this.canvas.style.height = `${f.height}px`;
    const context = this.canvas.getContext("2d");
    context.setTransform(ratio, 0, 0, ratio, 0, 0);
    context.clearRect(0, 0, f.width, f.height);
    this.drawAxes(context, f);
    const centroids = this.settings.mode === "centroids";
    for (const point of this.settings.background || []) this.dot(context, f, point, 2, "#B0B0B0");
    for (const point of this.points) {
      if (centroids) this.cross(context, f, point);
      else this.dot(context, f, point, POINT_RADIUS, POINT_COLOR);
    }
    const { limit } = this.settings;
    const noun = centroids ? "centroid" : "point";
    this.count.textContent =
      `${this.points.length} ${noun}${this.points.length === 1 ? "" : "s"}` +
      (this.points.length >= limit ? ` (the most this plane takes: ${limit})` : "");
  }

  dot(context, f, point, radius, color) {
    const [x, y] = this.toPixel(f, point);
    context.beginPath();
    context.arc(x, y, radius, 0, 2 * Math.PI);
    context.fillStyle = color;
    context.fill();
  }

  cross(context, f, point) {
    const [x, y] = this.toPixel(f, point);
    context.strokeStyle = CENTROID_COLOR;
    context.lineWidth = 3;
    context.beginPath();
    context.moveTo(x - CENTROID_RADIUS, y - CENTROID_RADIUS);
    context.lineTo(x + CENTROID_RADIUS, y + CENTROID_RADIUS);
    context.moveTo(x + CENTROID_RADIUS, y - CENTROID_RADIUS);
    context.lineTo(x - CENTROID_RADIUS, y + CENTROID_RADIUS);
    context.stroke();
  }

  drawAxes(context, f) {
    const [x0, x1, y0, y1] = this.settings.bounds;
    const [left, top] = this.toPixel(f, [x0, y1]);
    const [right, bottom] = this.toPixel(f, [x1, y0]);
    context.strokeStyle = "#C8C8C8";
    context.lineWidth = 1;
    context.strokeRect(left, top, right - left, bottom - top);
    context.fillStyle = "#404040";
    context.font = `${FONT_PX}px sans-serif`;
    // Ends aligned inwards, so the corner labels of the two axes never overlap.
    context.textBaseline = "top";
    [x0, (x0 + x1) / 2, x1].forEach((x, i) => {
      context.textAlign = ["left", "center", "right"][i];
      context.fillText(String(+x.toFixed(2)), this.toPixel(f, [x, y0])[0], bottom + 4);
    });
    context.textAlign = "right";
    [y0, (y0 + y1) / 2, y1].forEach((y, i) => {
      context.textBaseline = ["bottom", "middle", "top"][i];
      context.fillText(String(+y.toFixed(2)), left - 4, this.toPixel(f, [x0, y])[1]);
    });
  }
}

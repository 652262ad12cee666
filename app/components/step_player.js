// The k-means step player: Lloyd's algorithm one half-step at a time, in the browser.
//
// Python computes every half-step once and hands the whole run over as plain
// data (figures.kmeans.step_player_data, plus `run`, a name for the scenario,
// and `start`, the half-step to open on). Everything after that happens here:
// buttons and keys move the position at once and in order, one draw shows the
// map, the metric, the inertia chart and the buttons for the same half-step,
// and Play advances on a timer. When the position has settled (no input for a
// moment, not playing) the player reports it to Python as state `at`, the whole
// value {run, step}, so Python can put it in the URL.

const PLAY_INTERVAL_MS = 500; // one half-step every half second while playing
const SETTLE_MS = 300; // quiet time before the position is reported to Python
const SIDE_WIDTH = 260; // the column of metric and chart beside the map
const GAP = 16;
const NARROW = 640; // below this width the side column goes under the map
const TOOLBAR_HEIGHT = 56; // the buttons under the map, with their gap
const MIN_TOOLBAR_WIDTH = 480; // room for five buttons side by side
const REGION_BLOCK = 3; // CSS pixels per square when shading the Voronoi regions
const FONT_PX = 14;
const AXIS = { left: 46, right: 10, top: 8, bottom: 26 }; // room for tick labels

// Where the keyboard belongs to someone else: typing, sliders, menus.
const OWN_KEYS_ROLES = new Set([
  "slider", "spinbutton", "combobox", "textbox", "listbox", "option", "menu", "menuitem",
]);

const players = new WeakMap(); // one player per mounted element; Streamlit calls us on every rerun

export default function mountStepPlayer(component) {
  const { parentElement, data, setStateValue } = component;
  let player = players.get(parentElement);
  if (!player) {
    player = new StepPlayer(parentElement);
    players.set(parentElement, player);
  }
  player.report = (value) => setStateValue("at", value);
  player.load(data);
  return player.destroy;
}

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function button(action, label, title) {
  const node = element("button", `step-button ${action}`, label);
  node.type = "button";
  node.dataset.action = action;
  node.title = title;
  return node;
}

// Round tick positions covering [low, high], about `count` of them.
function ticks(low, high, count) {
  const raw = (high - low) / Math.max(count, 1);
  const power = 10 ** Math.floor(Math.log10(raw));
  const step = [1, 2, 5, 10].map((f) => f * power).find((s) => s >= raw) || raw;
  const values = [];
  for (let v = Math.ceil(low / step) * step; v <= high + 1e-9 * step; v += step) {
    values.push(Math.abs(v) < step * 1e-9 ? 0 : v);
  }
  return { values, decimals: Math.max(0, -Math.floor(Math.log10(step))) };
}

function typingElsewhere(event) {
  const target = event.composedPath()[0];
  if (!(target instanceof Element)) return false;
  const typing = ["INPUT", "TEXTAREA", "SELECT"].includes(target.tagName);
  if (typing || target.isContentEditable) return true;
  return OWN_KEYS_ROLES.has(target.getAttribute("role"));
}

function sizedCanvas(canvas, width, height) {
  const ratio = window.devicePixelRatio || 1;
  canvas.style.width = `${width}px`;
  canvas.style.height = `${height}px`;
  canvas.width = Math.round(width * ratio);
  canvas.height = Math.round(height * ratio);
  const context = canvas.getContext("2d");
  context.setTransform(ratio, 0, 0, ratio, 0, 0);
  return context;
}

class StepPlayer {
  constructor(parent) {
    this.parent = parent;
    this.data = null;
    this.run = null;
    this.position = 0;
    this.reported = 0;
    this.playTimer = null;
    this.settleTimer = null;
    this.frame = null;
    this.width = 0;
    this.build(parent);
    this.onKey = this.onKey.bind(this);
    this.destroy = this.destroy.bind(this);
    window.addEventListener("keydown", this.onKey);
    this.resizer = new ResizeObserver(() => this.resize());
    this.resizer.observe(this.root);
    this.onResize = () => {
      this.width = 0; // the window height bounds the map too
      this.resize();
    };
    window.addEventListener("resize", this.onResize);
  }

  build(parent) {
    this.root = element("div", "step-player");
    this.mapBox = element("div", "map");
    this.map = element("canvas");
    this.map.setAttribute("role", "img");
    this.mapBox.append(this.map);

    this.metric = element("div", "metric");
    this.metric.setAttribute("aria-live", "polite");
    this.metricLabel = element("div", "metric-label");
    this.metricValue = element("div", "metric-value");
    this.actionText = element("div", "action");
    this.metric.append(this.metricLabel, this.metricValue, this.actionText);

    this.buttons = {
      reset: button("reset", "⇤ Reset", "Back to the start (Home)"),
      back: button("back", "← Back", "One half-step back (←)"),
      play: button("play", "▶ Play", "Play the remaining half-steps (Space)"),
      forward: button("forward", "Forward →", "One half-step forward (→)"),
      end: button("end", "To the end ⇥", "Jump to the last half-step (End)"),
    };
    this.toolbar = element("div", "toolbar");
    this.toolbar.setAttribute("role", "toolbar");
    this.toolbar.setAttribute("aria-label", "Half-steps");
    this.toolbar.append(...Object.values(this.buttons));
    this.toolbar.addEventListener("click", (event) => {
      const target = event.target.closest("button");
      if (target && !target.disabled) this.act(target.dataset.action);
    });

    this.chartBox = element("div", "chart");
    this.chartTitle = element("div", "chart-title", "Inertia after each half-step");
    this.chart = element("canvas");
    this.chart.setAttribute("role", "img");
    this.chartBox.append(this.chartTitle, this.chart);

    this.message = element("div", "converged");
    this.message.setAttribute("role", "status");
    this.legend = element(
      "p",
      "legend",
      "Keys: ← → step, Home / End jump, Space plays. Ringed points just changed " +
        "cluster; dotted lines trace each centroid's path; shading shows each " +
        "centroid's Voronoi region.",
    );

    this.stage = element("div", "stage");
    this.stage.append(this.mapBox, this.toolbar);
    this.side = element("div", "side");
    this.side.append(this.metric, this.chartBox, this.message, this.legend);
    this.root.append(this.stage, this.side);
    parent.append(this.root);
  }

  // ---- data and position --------------------------------------------------

  load(data) {
    if (!data || !Array.isArray(data.steps) || data.steps.length === 0) return;
    if (data.run === this.run) return; // a rerun of the same scenario: keep our position
    this.pause();
    this.data = data;
    this.run = data.run;
    this.last = data.steps.length - 1;
    this.position = Math.min(Math.max(Number(data.start) || 0, 0), this.last);
    this.reported = this.position;
    this.width = 0; // new data, new aspect ratio
    this.resize();
    this.show();
  }

  act(action) {
    if (!this.data) return;
    if (action === "play") {
      this.togglePlay();
      return;
    }
    this.pause();
    const moves = { back: this.position - 1, forward: this.position + 1, reset: 0, end: this.last };
    this.moveTo(moves[action]);
  }

  moveTo(position) {
    const next = Math.min(Math.max(position, 0), this.last);
    if (next !== this.position) {
      this.position = next;
      this.show();
    }
    this.settleLater();
  }

  togglePlay() {
    if (this.playTimer !== null) {
      this.pause();
      return;
    }
    if (this.position === this.last) this.position = 0; // play again from the start
    this.playTimer = setTimeout(() => this.tick(), PLAY_INTERVAL_MS);
    this.show();
  }

  tick() {
    this.position = Math.min(this.position + 1, this.last);
    if (this.position === this.last) {
      this.playTimer = null;
      this.settleLater();
    } else {
      this.playTimer = setTimeout(() => this.tick(), PLAY_INTERVAL_MS);
    }
    this.show();
  }

  pause() {
    if (this.playTimer === null) return;
    clearTimeout(this.playTimer);
    this.playTimer = null;
    this.show();
    this.settleLater();
  }

  settleLater() {
    clearTimeout(this.settleTimer);
    this.settleTimer = setTimeout(() => {
      if (this.playTimer !== null || this.position === this.reported) return;
      this.reported = this.position;
      this.report({ run: this.run, step: this.position });
    }, SETTLE_MS);
  }

  onKey(event) {
    if (!this.data || !this.root.isConnected || event.defaultPrevented) return;
    if (event.ctrlKey || event.metaKey || event.altKey || typingElsewhere(event)) return;
    const target = event.composedPath()[0];
    const onButton = target instanceof Element && ["BUTTON", "A"].includes(target.tagName);
    const actions = { ArrowLeft: "back", ArrowRight: "forward", Home: "reset", End: "end" };
    let action = actions[event.key];
    // On a button, Space presses that button; held down, it would toggle on every repeat.
    if (event.key === " " && !onButton && !event.repeat) action = "play";
    if (!action) return;
    event.preventDefault();
    this.act(action);
  }

  // ---- drawing --------------------------------------------------------------

  // Everything the player shows changes in one animation frame, just before
  // the browser paints it: inputs that come within one frame cost one drawing,
  // and no part of the player is ever a frame behind another.
  show() {
    if (this.frame !== null) return;
    this.frame = requestAnimationFrame(() => {
      this.frame = null;
      this.render();
    });
  }

  render() {
    const step = this.data.steps[this.position];
    const atStart = this.position === 0;
    const atEnd = this.position === this.last;
    const playing = this.playTimer !== null;
    this.root.dataset.position = String(this.position);
    this.root.dataset.playing = String(playing);
    this.metricLabel.textContent = `Inertia after half-step ${this.position} of ${this.last}`;
    this.metricValue.textContent = step.inertia_text;
    this.actionText.textContent = `Iteration ${step.iteration}: ${step.action}`;
    this.buttons.back.disabled = atStart;
    this.buttons.reset.disabled = atStart;
    this.buttons.forward.disabled = atEnd;
    this.buttons.end.disabled = atEnd;
    this.buttons.play.disabled = this.last === 0;
    this.buttons.play.textContent = playing ? "❚❚ Pause" : "▶ Play";
    this.buttons.play.setAttribute("aria-pressed", String(playing));
    this.message.textContent = atEnd ? this.data.converged : "";
    this.message.classList.toggle("shown", atEnd);
    this.draw();
  }

  draw() {
    if (!this.mapContext) return;
    this.drawMap(this.mapContext);
    this.drawChart(this.chartContext);
    this.map.dataset.step = String(this.position);
    const label = `Map of the points and centroids at half-step ${this.position}`;
    this.map.setAttribute("aria-label", label);
  }

  // Fit the map into the space beside the side column, keeping the data's
  // aspect ratio (one unit as long across as up), and low enough that the map
  // and its buttons fit in the window below where the player starts.
  resize() {
    if (!this.data) return;
    const width = Math.floor(this.root.getBoundingClientRect().width);
    if (width === 0 || width === this.width) return;
    this.width = width;
    const narrow = width < NARROW;
    this.root.classList.toggle("narrow", narrow);
    const [[x0, x1], [y0, y1]] = this.data.box;
    const aspect = (y1 - y0) / (x1 - x0);
    const roomX = (narrow ? width : width - SIDE_WIDTH - GAP) - AXIS.left - AXIS.right;
    const roomY = narrow
      ? window.innerHeight * 0.5
      : window.innerHeight - this.pageTop() - TOOLBAR_HEIGHT - 12;
    const tallest = Math.min(Math.max(roomY, 240), 640) - AXIS.top - AXIS.bottom;
    const plotHeight = Math.min(roomX * aspect, tallest);
    const plotWidth = plotHeight / aspect;
    this.plot = { width: plotWidth, height: plotHeight, x0, y0, scale: plotWidth / (x1 - x0) };
    const mapWidth = plotWidth + AXIS.left + AXIS.right;
    this.mapContext = sizedCanvas(this.map, mapWidth, plotHeight + AXIS.top + AXIS.bottom);
    // The buttons span the map, not more: a wide screen gets no giant buttons.
    this.toolbar.style.width = narrow ? "" : `${Math.max(mapWidth, MIN_TOOLBAR_WIDTH)}px`;
    this.chartContext = sizedCanvas(this.chart, narrow ? width : SIDE_WIDTH, 150);
    this.render();
  }

  // Where the player starts on the page, whatever has been scrolled.
  pageTop() {
    const top = this.root.getBoundingClientRect().top;
    const scroller = this.root.getRootNode().host?.closest('[data-testid="stMain"]');
    return top + (scroller ? scroller.scrollTop : window.scrollY);
  }

  toPixel(x, y) {
    const { x0, y0, scale, height } = this.plot;
    return [AXIS.left + (x - x0) * scale, AXIS.top + height - (y - y0) * scale];
  }

  drawMap(context) {
    const step = this.data.steps[this.position];
    context.clearRect(0, 0, this.map.width, this.map.height);
    context.font = `${FONT_PX}px ${getComputedStyle(this.root).fontFamily}`;
    this.drawRegions(context, step.centers);
    this.drawPoints(context, step);
    this.drawTrails(context);
    this.drawCentroids(context, step.centers);
    this.drawAxes(context);
  }

  // Shade every small square in the light colour of its nearest centroid,
  // one rectangle per run of squares with the same owner.
  drawRegions(context, centers) {
    const { width, height, x0, y0, scale } = this.plot;
    const columns = Math.ceil(width / REGION_BLOCK);
    const ownerAt = (column, y) =>
      nearest(centers, x0 + ((column + 0.5) * REGION_BLOCK) / scale, y);
    for (let top = 0; top < height; top += REGION_BLOCK) {
      const y = y0 + (height - top - REGION_BLOCK / 2) / scale;
      const tall = Math.min(REGION_BLOCK, height - top);
      let start = 0;
      let owner = ownerAt(0, y);
      for (let column = 1; column <= columns; column += 1) {
        const next = column < columns ? ownerAt(column, y) : -1;
        if (next === owner) continue;
        const right = Math.min(column * REGION_BLOCK, width);
        context.fillStyle = this.data.regions[owner];
        context.fillRect(AXIS.left + start, AXIS.top + top, right - start, tall);
        start = column * REGION_BLOCK;
        owner = next;
      }
    }
  }

  drawPoints(context, step) {
    const points = this.data.points;
    const labels = step.labeling === null ? null : this.data.labelings[step.labeling];
    const radius = points.length > 1500 ? 2.5 : 3;
    const groups = new Map();
    points.forEach((point, i) => {
      const color = labels ? this.data.colors[labels[i]] : this.data.unassigned;
      if (!groups.has(color)) groups.set(color, []);
      groups.get(color).push(point);
    });
    context.lineWidth = 0.6;
    context.strokeStyle = "rgba(0, 0, 0, 0.45)"; // keeps pale colours visible on their region
    for (const [color, members] of groups) {
      context.beginPath();
      for (const [x, y] of members) {
        const [px, py] = this.toPixel(x, y);
        context.moveTo(px + radius, py);
        context.arc(px, py, radius, 0, 2 * Math.PI);
      }
      context.fillStyle = color;
      context.fill();
      context.stroke();
    }
    if (step.changed.length) {
      context.beginPath();
      for (const i of step.changed) {
        const [px, py] = this.toPixel(...points[i]);
        context.moveTo(px + 6, py);
        context.arc(px, py, 6, 0, 2 * Math.PI);
      }
      context.lineWidth = 1.5;
      context.strokeStyle = "#000000";
      context.stroke();
    }
  }

  drawTrails(context) {
    const steps = this.data.steps.slice(0, this.position + 1);
    context.strokeStyle = this.data.centroid;
    context.fillStyle = this.data.centroid;
    context.lineWidth = 1.5;
    steps[0].centers.forEach((_, c) => {
      const path = steps.map((step) => this.toPixel(...step.centers[c]));
      context.setLineDash([2, 3]);
      context.beginPath();
      path.forEach(([px, py], i) => (i ? context.lineTo(px, py) : context.moveTo(px, py)));
      context.stroke();
      context.setLineDash([]);
      for (const [px, py] of path.slice(0, -1)) {
        context.beginPath();
        context.arc(px, py, 2, 0, 2 * Math.PI);
        context.fill();
      }
    });
  }

  // White discs with a black cross, as on the Voronoi page.
  drawCentroids(context, centers) {
    for (const center of centers) {
      const [px, py] = this.toPixel(...center);
      context.beginPath();
      context.arc(px, py, 8, 0, 2 * Math.PI);
      context.fillStyle = "#ffffff";
      context.fill();
      context.lineWidth = 2;
      context.strokeStyle = this.data.centroid;
      context.stroke();
      context.beginPath();
      context.moveTo(px - 4.5, py - 4.5);
      context.lineTo(px + 4.5, py + 4.5);
      context.moveTo(px + 4.5, py - 4.5);
      context.lineTo(px - 4.5, py + 4.5);
      context.stroke();
    }
  }

  drawAxes(context) {
    const { width, height } = this.plot;
    const [[x0, x1], [y0, y1]] = this.data.box;
    const ink = getComputedStyle(this.root).color;
    context.strokeStyle = "rgba(0, 0, 0, 0.35)";
    context.lineWidth = 1;
    context.strokeRect(AXIS.left, AXIS.top, width, height);
    context.fillStyle = ink;
    context.textAlign = "center";
    context.textBaseline = "top";
    const xs = ticks(x0, x1, Math.max(2, Math.floor(width / 60)));
    for (const v of xs.values) {
      const [px] = this.toPixel(v, y0);
      context.fillText(v.toFixed(xs.decimals), px, AXIS.top + height + 5);
    }
    context.textAlign = "right";
    context.textBaseline = "middle";
    const ys = ticks(y0, y1, Math.max(2, Math.floor(height / 70)));
    for (const v of ys.values) {
      const [, py] = this.toPixel(x0, v);
      context.fillText(v.toFixed(ys.decimals), AXIS.left - 6, py);
    }
  }

  // Inertia after every half-step so far on axes that hold the whole run, so
  // nothing rescales while stepping; the current half-step ringed.
  drawChart(context) {
    const width = parseFloat(this.chart.style.width);
    const height = parseFloat(this.chart.style.height);
    const box = { left: 58, right: 12, top: 10, bottom: 24 };
    const values = this.data.steps.map((step) => step.inertia);
    const known = values.filter((v) => v !== null);
    context.clearRect(0, 0, width, height);
    context.font = `${FONT_PX}px ${getComputedStyle(this.root).fontFamily}`;
    context.fillStyle = getComputedStyle(this.root).color;
    this.chart.dataset.marker = "";
    if (known.length === 0) return;
    const low = Math.min(...known);
    const high = Math.max(...known);
    const pad = (high - low) * 0.08 || Math.abs(high) * 0.05 || 1;
    const plotW = width - box.left - box.right;
    const plotH = height - box.top - box.bottom;
    const px = (i) => box.left + (this.last ? (i / this.last) * plotW : plotW / 2);
    const py = (v) => box.top + plotH - ((v - (low - pad)) / (high - low + 2 * pad)) * plotH;

    context.strokeStyle = "rgba(0, 0, 0, 0.35)";
    context.lineWidth = 1;
    context.strokeRect(box.left, box.top, plotW, plotH);
    context.textAlign = "right";
    context.textBaseline = "middle";
    const ys = ticks(low - pad, high + pad, 3);
    for (const v of ys.values) context.fillText(v.toFixed(ys.decimals), box.left - 5, py(v));
    context.textAlign = "center";
    context.textBaseline = "top";
    for (const i of new Set([0, Math.round(this.last / 2), this.last])) {
      context.fillText(String(i), px(i), box.top + plotH + 4);
    }

    const shown = values.map((v, i) => [i, v]).filter(([i, v]) => v !== null && i <= this.position);
    context.strokeStyle = this.data.curve;
    context.fillStyle = this.data.curve;
    context.lineWidth = 2;
    context.beginPath();
    shown.forEach(([i, v], k) => (k ? context.lineTo(px(i), py(v)) : context.moveTo(px(i), py(v))));
    context.stroke();
    for (const [i, v] of shown) {
      context.beginPath();
      context.arc(px(i), py(v), 3, 0, 2 * Math.PI);
      context.fill();
    }
    const current = values[this.position];
    if (current === null) {
      context.textAlign = "center";
      context.textBaseline = "middle";
      context.fillStyle = getComputedStyle(this.root).color;
      context.fillText("no assignment yet", box.left + plotW / 2, box.top + plotH / 2);
      return;
    }
    context.beginPath();
    context.arc(px(this.position), py(current), 7, 0, 2 * Math.PI);
    context.strokeStyle = "#000000";
    context.lineWidth = 2;
    context.stroke();
    this.chart.dataset.marker = String(this.position);
  }

  destroy() {
    clearTimeout(this.playTimer);
    clearTimeout(this.settleTimer);
    if (this.frame !== null) cancelAnimationFrame(this.frame);
    window.removeEventListener("keydown", this.onKey);
    window.removeEventListener("resize", this.onResize);
    this.resizer.disconnect();
    this.root.remove();
    players.delete(this.parent);
  }
}

function nearest(centers, x, y) {
  let best = 0;
  let bestDistance = Infinity;
  centers.forEach(([cx, cy], i) => {
    const distance = (x - cx) ** 2 + (y - cy) ** 2;
    if (distance < bestDistance) {
      best = i;
      bestDistance = distance;
    }
  });
  return best;
}

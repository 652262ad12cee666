// The labelling grid, browser side. label_grid.py describes the handshake with
// Python; in short: every input is applied here at once, the whole state
// {grid, revision, labels, cursor} goes to Python after each change, and
// Python's labels are adopted only when their revision is new to this tab.
//
// Streamlit calls the default export again on every rerun (new data, same
// parentElement) and keeps only the last returned cleanup, so one Grid lives
// per parentElement and each call just updates it.

const UNLABELLED = -1;
const HEADER_ROOM = 72; // px: Streamlit's top bar covers the top of the page

const copies = new Map(); // grid id -> the tab's copy: {revision, labels, cursor, undo, redo, images}
const mounted = new Set(); // Grid instances on the page, in mounting order
const gridsByParent = new WeakMap();
let keyOwner = null; // id of the grid that keys go to (the one last touched)
// Streamlit sometimes unmounts a grid and mounts it again within one rerun. Keys
// pressed in between go to the key owner's copy, as long as the tab is still on
// the same page and the gap is short; the grid shows and sends them on its return.
const REMOUNT_GAP_MS = 1000;
let orphaned = null; // {at, path} when the last grid left the page

// One vector in flight. Each vector sent makes Streamlit rerun the page, and a
// vector sent while the page still runs for the previous one stops that run
// half done: on a busy server every key would start a run that never ends. So
// while the page runs, a grid's newest copy waits and goes as soon as the run
// is over. The keys themselves are shown at once, and only the last copy
// matters: it holds every key before it. A copy waits at most MAX_WAIT_MS.
const MAX_WAIT_MS = 1500;
const LOOK_EVERY_MS = 40;
const SENT_SETTLE_MS = 120; // the page's state may take a frame or two to say "rerun requested"
const waiting = new Map(); // grid -> its send, waiting for the page's run to end
let waitStart = 0;
let lastSentAt = -Infinity;

function pageRunning() {
  if (performance.now() - lastSentAt < SENT_SETTLE_MS) return true;
  const app = document.querySelector('[data-testid="stApp"]');
  const state = app && app.getAttribute("data-test-script-state");
  return state === "running" || state === "rerunRequested";
}

function sendNow(send) {
  lastSentAt = performance.now();
  send();
}

function lookAgain() {
  if (pageRunning() && performance.now() - waitStart < MAX_WAIT_MS) {
    setTimeout(lookAgain, LOOK_EVERY_MS);
    return;
  }
  const sends = [...waiting.values()];
  waiting.clear();
  sends.forEach(sendNow);
}

function whenPageIdle(grid, send) {
  if (waiting.size === 0 && !pageRunning()) {
    sendNow(send);
    return;
  }
  if (waiting.size === 0) {
    waitStart = performance.now();
    setTimeout(lookAgain, LOOK_EVERY_MS);
  }
  waiting.set(grid, send);
}

// Elements in which a key belongs to the element, not to the grid.
const TYPING_ROLES = new Set(["slider", "textbox", "combobox", "spinbutton", "listbox", "searchbox"]);
const NON_TEXT_INPUTS = new Set(["button", "checkbox", "radio", "submit", "reset", "file", "color", "image"]);

function focusedElement() {
  let element = document.activeElement;
  while (element && element.shadowRoot && element.shadowRoot.activeElement) {
    element = element.shadowRoot.activeElement;
  }
  return element;
}

function focusInField() {
  const element = focusedElement();
  if (!element || element === document.body) return false;
  if (element.isContentEditable) return true;
  const tag = element.tagName;
  if (tag === "TEXTAREA" || tag === "SELECT") return true;
  if (tag === "INPUT") return !NON_TEXT_INPUTS.has(element.type);
  return TYPING_ROLES.has(element.getAttribute("role"));
}

// A key event as a grid action, or null for keys the grid leaves alone.
function actionForKey(event) {
  const command = event.ctrlKey || event.metaKey;
  const letter = event.key.toLowerCase();
  if (command && !event.altKey && letter === "z") return { type: event.shiftKey ? "redo" : "undo" };
  if (command && !event.altKey && !event.shiftKey && letter === "y") return { type: "redo" };
  if (command || event.altKey) return null;
  if (/^[0-9]$/.test(event.key)) return { type: "digit", digit: Number(event.key) };
  if (letter === "u") return { type: event.shiftKey ? "redo" : "undo" };
  const simple = { ArrowLeft: "previous", ArrowRight: "next", Backspace: "clear", Delete: "clear" };
  return simple[event.key] ? { type: simple[event.key] } : null;
}

function keyTarget() {
  for (const grid of mounted) if (grid.gridId === keyOwner) return grid;
  return mounted.values().next().value || null;
}

function onKeyDown(event) {
  if (event.defaultPrevented || event.isComposing || focusInField()) return;
  const action = actionForKey(event);
  if (!action) return;
  const grid = keyTarget();
  if (grid) {
    event.preventDefault();
    grid.act(action, true);
    return;
  }
  const copy = copyBetweenMounts();
  if (copy) {
    event.preventDefault();
    applyAction(copy, action);
  }
}

// The key owner's copy while its grid is being mounted again; null otherwise (and
// then the document is no longer listened to: the page has really gone).
function copyBetweenMounts() {
  const recent = orphaned && performance.now() - orphaned.at < REMOUNT_GAP_MS;
  if (recent && location.pathname === orphaned.path && copies.has(keyOwner)) {
    return copies.get(keyOwner);
  }
  listenToDocument(false);
  return null;
}

function showKeyOwner() {
  const target = keyTarget();
  const paused = focusInField();
  for (const grid of mounted) grid.paintKeyBadge(grid === target, paused);
}

function listenToDocument(on) {
  const method = on ? "addEventListener" : "removeEventListener";
  document[method]("keydown", onKeyDown);
  document[method]("focusin", showKeyOwner);
  document[method]("focusout", showKeyOwner);
}

// Undo history outlives a reload of the tab: on leaving the page, each grid's
// history goes to the tab's sessionStorage (gone when the tab closes), with the
// labels it leads to and a fingerprint of the images. A grid the tab shows again
// takes it back only if it opens with exactly those labels and images (after a
// reload, the link's labels): a history never applies to other labels.
const HISTORY_KEY = "label-grid-history";
const HISTORY_GRIDS = 20; // grids remembered per tab, the latest ones
const HISTORY_STEPS = 200; // undo and redo steps remembered per grid

function savedHistories() {
  try {
    return JSON.parse(sessionStorage.getItem(HISTORY_KEY)) || {};
  } catch {
    return {}; // storage disabled or its content not ours: nothing to take back
  }
}

function saveHistories() {
  const saved = savedHistories();
  for (const [gridId, copy] of copies) {
    delete saved[gridId]; // re-added last: the grids of this page's life are the latest
    saved[gridId] = {
      labels: copy.labels,
      images: copy.images,
      undo: copy.undo.slice(-HISTORY_STEPS),
      redo: copy.redo.slice(-HISTORY_STEPS),
    };
  }
  const latest = Object.entries(saved).slice(-HISTORY_GRIDS);
  try {
    sessionStorage.setItem(HISTORY_KEY, JSON.stringify(Object.fromEntries(latest)));
  } catch {
    // storage full or disabled: after a reload, undo starts afresh
  }
}

function takeBackHistory(gridId, copy) {
  const saved = savedHistories()[gridId];
  const whole = saved && [saved.labels, saved.undo, saved.redo].every(Array.isArray);
  if (whole && saved.images === copy.images && sameItems(saved.labels, copy.labels)) {
    copy.undo = saved.undo;
    copy.redo = saved.redo;
  }
}

// A short fingerprint of a grid's pictures (32-bit FNV-1a of their data URLs).
function fingerprint(images) {
  let hash = 0x811c9dc5;
  for (const source of images) {
    for (let i = 0; i < source.length; i += 1) {
      hash = Math.imul(hash ^ source.charCodeAt(i), 0x01000193) >>> 0;
    }
    hash = Math.imul(hash ^ 10, 0x01000193) >>> 0;
  }
  return hash.toString(16);
}

window.addEventListener("pagehide", saveHistories);
document.addEventListener("visibilitychange", () => {
  if (document.visibilityState === "hidden") saveHistories();
});

function element(tag, className, text) {
  const node = document.createElement(tag);
  if (className) node.className = className;
  if (text !== undefined) node.textContent = text;
  return node;
}

function sameItems(a, b) {
  return a.length === b.length && a.every((label, i) => label === b[i]);
}

const PAD_KEYS = [
  ...Array.from({ length: 10 }, (_, digit) => [String(digit), { type: "digit", digit }, `Label ${digit}`]),
  ["←", { type: "previous" }, "Previous tile (←)"],
  ["→", { type: "next" }, "Next tile (→)"],
  ["⌫", { type: "clear" }, "Clear the label (Backspace)"],
  ["Undo", { type: "undo" }, "Undo (U or Ctrl+Z)"],
  ["Redo", { type: "redo" }, "Redo (Shift+U or Ctrl+Shift+Z)"],
];

class Grid {
  constructor(parent) {
    this.parent = parent;
    this.gridId = null;
    this.calls = 0; // how many times Streamlit has called the module for this grid
    this.images = [];
    this.tiles = [];
    this.shown = []; // what each tile shows now: [label, selected]
    this.root = element("div", "lg");
    this.root.dataset.testid = "label-grid";
    const head = element("div", "lg-head");
    this.title = element("span", "lg-title");
    this.count = element("span", "lg-count");
    this.badge = element("span", "lg-keys");
    head.append(this.title, this.count, this.badge);
    this.tileBox = element("div", "lg-tiles");
    this.pad = this.buildPad();
    this.root.append(head, this.tileBox, this.pad);
    parent.appendChild(this.root);
    this.root.addEventListener("pointerdown", () => this.claimKeys());
    this.tileBox.addEventListener("click", (event) => {
      const tile = event.target.closest(".lg-tile");
      if (tile) this.act({ type: "select", index: Number(tile.dataset.index) }, false);
    });
    if (mounted.size === 0) listenToDocument(true);
    mounted.add(this);
  }

  buildPad() {
    const pad = element("div", "lg-pad");
    const digits = element("div", "lg-pad-row lg-digits");
    const moves = element("div", "lg-pad-row lg-moves");
    for (const [text, action, help] of PAD_KEYS) {
      const button = element("button", "lg-key", text);
      button.type = "button";
      button.title = help;
      button.setAttribute("aria-label", help);
      button.addEventListener("click", () => this.act(action, true));
      (action.type === "digit" ? digits : moves).appendChild(button);
    }
    pad.append(digits, moves);
    return pad;
  }

  get copy() {
    return copies.get(this.gridId);
  }

  // New data from Python (every rerun): adopt it only if its revision is new here.
  update(data, setStateValue) {
    this.setStateValue = setStateValue;
    const newHere = data.grid !== this.gridId;
    if (keyOwner === this.gridId) keyOwner = data.grid; // the same place on the page
    this.gridId = data.grid;
    this.root.dataset.grid = data.grid;
    this.root.style.setProperty("--lg-accent", data.accent);
    this.title.textContent = data.title;
    if (newHere || !sameItems(this.images, data.images)) this.buildTiles(data);
    const copy = copies.get(data.grid);
    if (copy === undefined) {
      const fresh = { revision: data.revision, labels: [...data.labels], cursor: data.cursor, undo: [], redo: [] };
      fresh.images = fingerprint(data.images);
      takeBackHistory(data.grid, fresh);
      copies.set(data.grid, fresh);
      if (data.claim) keyOwner = data.grid;
    } else if (copy.revision !== data.revision) {
      this.adopt(copy, data);
    } else if (newHere && !sameItems(copy.labels, data.labels)) {
      this.send(); // shown again with labels Python may have missed
    }
    this.paint();
    showKeyOwner();
    this.root.dataset.ready = "true";
  }

  adopt(copy, data) {
    if (!sameItems(copy.labels, data.labels)) {
      copy.undo.push({ labels: copy.labels, cursor: copy.cursor });
      copy.redo = [];
    }
    copy.labels = [...data.labels];
    copy.cursor = data.cursor;
    copy.revision = data.revision;
  }

  buildTiles(data) {
    this.images = [...data.images];
    this.tiles = data.images.map((source, index) => {
      const tile = element("button", "lg-tile");
      tile.type = "button";
      tile.dataset.index = String(index);
      const picture = element("img", "lg-digit");
      picture.src = source;
      picture.alt = "";
      picture.draggable = false;
      const caption = element("span", "lg-caption");
      caption.append(element("span", "lg-name", data.names[index]), element("span", "lg-label"));
      tile.append(picture, caption);
      return tile;
    });
    this.shown = this.tiles.map(() => [null, null]);
    this.tileBox.replaceChildren(...this.tiles);
  }

  // Apply one input at once: the tab's copy, then the tiles, then Python.
  act(action, fromKeys) {
    const copy = this.copy;
    if (!copy) return;
    this.claimKeys();
    const before = copy.labels;
    const moved = applyAction(copy, action);
    this.paint();
    if (copy.labels !== before) this.send();
    if (moved && fromKeys) this.keepInView(copy.cursor);
  }

  // Send the copy to Python, or, while the page is still running for an earlier
  // one, let the newest copy wait for that run to finish (see whenPageIdle).
  send() {
    whenPageIdle(this, () => {
      const { revision, labels, cursor } = this.copy;
      this.setStateValue("board", { grid: this.gridId, revision, labels, cursor });
    });
  }

  claimKeys() {
    if (keyOwner !== this.gridId) {
      keyOwner = this.gridId;
      showKeyOwner();
    }
  }

  // Show the copy: only the tiles whose label or selection changed are touched.
  paint() {
    const { labels, cursor } = this.copy;
    labels.forEach((label, index) => {
      const selected = index === cursor;
      const [shownLabel, shownSelected] = this.shown[index];
      if (label === shownLabel && selected === shownSelected) return;
      const tile = this.tiles[index];
      tile.querySelector(".lg-label").textContent = label === UNLABELLED ? "?" : String(label);
      tile.classList.toggle("lg-selected", selected);
      tile.classList.toggle("lg-done", label !== UNLABELLED);
      tile.setAttribute("aria-pressed", String(selected));
      tile.setAttribute("aria-label", `${tile.querySelector(".lg-name").textContent}: ${label === UNLABELLED ? "no label" : label}`);
      this.shown[index] = [label, selected];
    });
    const done = labels.filter((label) => label !== UNLABELLED).length;
    this.count.textContent = `${done}/${labels.length} labelled`;
    this.root.dataset.labels = labels.map((label) => (label === UNLABELLED ? "." : label)).join("");
    this.root.dataset.cursor = String(cursor);
  }

  paintKeyBadge(owner, paused) {
    this.root.classList.toggle("lg-owner", owner);
    if (!owner) this.badge.textContent = "Click or tap a tile to type here";
    else if (paused) this.badge.textContent = "⌨ Keys paused: a form field has focus";
    else this.badge.textContent = "⌨ Keys type here";
  }

  // Scroll the selected tile into view, clear of the top bar and of the pad.
  keepInView(index) {
    const tile = this.tiles[index];
    const box = tile.getBoundingClientRect();
    const bottom = Math.min(window.innerHeight, this.pad.getBoundingClientRect().top);
    if (box.top >= HEADER_ROOM && box.bottom <= bottom) return;
    this.root.style.setProperty("--lg-pad-height", `${this.pad.offsetHeight}px`);
    tile.scrollIntoView({ block: "nearest" });
  }

  destroy() {
    waiting.delete(this); // a grid mounted again sends its copy if Python's differs
    mounted.delete(this);
    gridsByParent.delete(this.parent);
    this.root.remove();
    if (mounted.size === 0) orphaned = { at: performance.now(), path: location.pathname };
    else showKeyOwner();
  }
}

// Change a copy by one action; true if the cursor may have moved.
function applyAction(copy, action) {
  const last = copy.labels.length - 1;
  switch (action.type) {
    case "digit":
      edit(copy, copy.cursor, action.digit);
      copy.cursor = nextUnlabelled(copy.labels, copy.cursor);
      return true;
    case "clear":
      if (copy.labels[copy.cursor] !== UNLABELLED) edit(copy, copy.cursor, UNLABELLED);
      return false;
    case "previous":
      copy.cursor = Math.max(copy.cursor - 1, 0);
      return true;
    case "next":
      copy.cursor = Math.min(copy.cursor + 1, last);
      return true;
    case "select":
      copy.cursor = action.index;
      return true;
    case "undo":
      return travel(copy, copy.undo, copy.redo);
    case "redo":
      return travel(copy, copy.redo, copy.undo);
    default:
      return false;
  }
}

function edit(copy, index, label) {
  copy.undo.push({ labels: copy.labels, cursor: copy.cursor });
  copy.redo = [];
  copy.labels = copy.labels.slice();
  copy.labels[index] = label;
}

// The first unlabelled tile after `start`, wrapping round; once all are
// labelled, simply the next one (to walk through them and check).
function nextUnlabelled(labels, start) {
  for (let step = 1; step <= labels.length; step += 1) {
    const index = (start + step) % labels.length;
    if (labels[index] === UNLABELLED) return index;
  }
  return (start + 1) % labels.length;
}

// Undo or redo: move the current state onto `to`, restore the top of `from`.
function travel(copy, from, to) {
  const state = from.pop();
  if (!state) return false;
  to.push({ labels: copy.labels, cursor: copy.cursor });
  copy.labels = state.labels;
  copy.cursor = state.cursor;
  return true;
}

export default function mountLabelGrid({ parentElement, data, setStateValue }) {
  let grid = gridsByParent.get(parentElement);
  if (!grid) {
    grid = new Grid(parentElement);
    gridsByParent.set(parentElement, grid);
  }
  grid.update(data, setStateValue);
  grid.calls += 1;
  const call = grid.calls;
  // Streamlit may run a superseded call's cleanup late: only the latest tears down.
  return () => {
    if (grid.calls === call) grid.destroy();
  };
}

"""A light stand-in for a browser tab: Streamlit's own websocket protocol, spoken from Python.

A headless Chromium tab costs about as much CPU as the app server itself, so
30 of them on a 2-core machine measure the browsers more than the server. This
client sends the server what a tab sends and reads what a tab reads, and no
more: no page is drawn.

What a tab does, and this client with it:

- It opens ``/_stcore/stream`` (subprotocol ``streamlit``) with the cookies its
  page load got (behind nginx, the sticky replica cookie) and asks for a run
  of a page by name, with the link's query string.
- Every widget change is a ``BackMsg.rerun_script`` carrying the query string
  and the state of every widget on the page. A components-v2 component's
  state is one widget, its ``json_value`` the JSON of all the keys the
  component set with ``setStateValue`` (for the label grid: ``board``, the
  whole label vector; see ``app/components/label_grid.py``). A slider bound
  to the link also writes its value into the query string before sending.
- The server answers with ``ForwardMsg``s: ``new_session`` (a run starts; its
  metadata says whether it is a fragment's), ``page_info_changed`` (the
  link's query string), ``delta`` (the page's elements, in order),
  ``auto_rerun`` (a fragment that wants a rerun every few seconds, which the
  tab then sends), and ``script_finished``.

The client keeps the elements of the last finished run (kind and text, by
position) so a caller can ask what the page shows, e.g. whether a table is
there and no element says it is still computing.
"""

from __future__ import annotations

import asyncio
import json
import re
import time
import urllib.request
from collections.abc import Callable
from dataclasses import dataclass, field
from urllib.parse import parse_qsl, urlencode, urlsplit

from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg
from streamlit.proto.WidgetStates_pb2 import WidgetState
from websockets.asyncio.client import connect

FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")
FRAGMENT_FINISHED = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_FRAGMENT_RUN_SUCCESSFULLY")
TEXT_ELEMENTS = ("markdown", "alert", "text", "heading", "toast", "code")
MAX_WAIT_SECONDS = 1.5  # the grid's MAX_WAIT_MS
MAX_MESSAGE_BYTES = 200 * 2**20  # a page's first run can be a few MB of deltas


def board_json(grid: str, labels: list[int], cursor: int, revision: int = 0) -> str:
    """The label grid's component state as the browser sends it: ``{"board": {...}}``.

    The grid sends its whole vector after every input (never a delta), with
    the grid id and the revision of Python's labels it typed over.
    """
    board = {"grid": grid, "revision": revision, "labels": labels, "cursor": cursor}
    return json.dumps({"board": board}, separators=(",", ":"))


def user_key(widget_id: str) -> str | None:
    """The key a page gave a widget, from Streamlit's element id (``$$ID-<hash>-<key>``)."""
    match = re.fullmatch(r"\$\$ID-[0-9a-f]+-(.+)", widget_id)
    return match.group(1) if match else None


@dataclass
class Run:
    """One finished full run of the page, as the client saw it."""

    started_at: float  # time.time() when its new_session came
    finished_at: float
    query: dict[str, str]
    elements: dict[tuple[int, ...], tuple[str, str]]  # delta path -> (kind, text)

    def has(self, kind: str) -> bool:
        return any(found == kind for found, _ in self.elements.values())

    def says(self, pattern: str) -> bool:
        return any(re.search(pattern, text) for _, text in self.elements.values())


@dataclass
class QueryChange:
    at: float
    query: dict[str, str]


@dataclass
class LightTab:
    """One simulated browser tab: a Streamlit session over one websocket.

    Use :meth:`open`, then :meth:`set_component_state`, :meth:`move_slider`
    or :meth:`go_to`, and :meth:`wait_for` a finished run that satisfies a
    condition; :meth:`close` at the end.
    """

    base_url: str
    query: dict[str, str] = field(default_factory=dict)
    runs: list[Run] = field(default_factory=list)
    query_changes: list[QueryChange] = field(default_factory=list)
    messages: int = 0

    def __post_init__(self) -> None:
        self._widgets: dict[str, WidgetState] = {}  # widget id -> the state the tab holds
        self._ids: dict[str, str] = {}  # user key -> widget id
        self._pages: dict[str, str] = {}  # url path -> page script hash
        self._page_hash = ""
        self._elements: dict[tuple[int, ...], tuple[str, str]] = {}
        self._run_started = 0.0
        self._timers: dict[str, asyncio.Task] = {}
        self._changed = asyncio.Condition()
        self._socket = None
        self._reader: asyncio.Task | None = None
        self._running = False  # a run was asked for or is under way (the tab's script state)
        self._waiting: asyncio.Task | None = None  # sends the grid's newest state when idle
        self._unsent: dict[str, str] = {}  # component key -> its newest state, not yet sent

    # ----- what a person does -------------------------------------------------------------

    async def open(self, page: str, query: dict[str, str]) -> None:
        """Load ``page`` (its URL path) with ``query``, as a tab opening a link does."""
        parts = urlsplit(self.base_url)
        cookie = await asyncio.to_thread(page_cookie, f"{self.base_url}/{page}")
        self._socket = await connect(
            f"ws://{parts.netloc}/_stcore/stream",
            subprotocols=["streamlit"],
            additional_headers={"Cookie": cookie} if cookie else None,
            max_size=MAX_MESSAGE_BYTES,
            compression=None,
        )
        self._reader = asyncio.create_task(self._read_forever())
        self.query = dict(query)
        await self._send_rerun(page_name=page)

    async def set_component_state(self, key: str, state_json: str) -> None:
        """What the label grid does after a key: its whole state, then a rerun.

        As the grid does (``app/components/label_grid.js``), one state at a
        time: while a run is under way the newest state waits, and goes when
        that run has ended, or after ``MAX_WAIT_SECONDS``.
        """
        self._unsent[key] = state_json
        if not self._running and self._waiting is None:
            await self._send_unsent()
        elif self._waiting is None:
            self._waiting = asyncio.create_task(self._send_when_idle())

    async def _send_when_idle(self) -> None:
        async with self._changed:
            try:
                await asyncio.wait_for(
                    self._changed.wait_for(lambda: not self._running), MAX_WAIT_SECONDS
                )
            except TimeoutError:
                pass
        self._waiting = None
        await self._send_unsent()

    async def _send_unsent(self) -> None:
        for key, state_json in self._unsent.items():
            self._widget(key).json_value = state_json
        self._unsent.clear()
        await self._send_rerun()

    async def move_slider(self, key: str, value: float) -> None:
        """Set a one-value slider bound to the link parameter ``key``, then rerun."""
        widget = self._widget(key)
        widget.double_array_value.data[:] = [value]
        self.query[key] = f"{value:g}"
        await self._send_rerun()

    async def go_to(self, page: str) -> None:
        """Open another page of the app in this session (its query string starts empty)."""
        self._cancel_timers()
        self._widgets.clear()
        self.query = {}
        await self._send_rerun(page_hash=self._pages[page])

    async def wait_for(self, ok: Callable[[Run], bool], since: float, timeout: float) -> Run | None:
        """The first run started after ``since`` (time.time()) that finished and satisfies
        ``ok``; None if none within ``timeout`` seconds."""

        def found() -> Run | None:
            return next((run for run in self.runs if run.started_at >= since and ok(run)), None)

        async with self._changed:
            try:
                await asyncio.wait_for(self._changed.wait_for(found), timeout)
            except TimeoutError:
                return None
        return found()

    def holds(self, key: str) -> bool:
        """The page has shown a widget with this key."""
        return key in self._ids

    async def close(self) -> None:
        self._cancel_timers()
        if self._waiting is not None:
            self._waiting.cancel()
        if self._socket is not None:
            await self._socket.close()
        if self._reader is not None:
            self._reader.cancel()

    # ----- the protocol -------------------------------------------------------------------

    def _widget(self, key: str) -> WidgetState:
        widget_id = self._ids[key]
        return self._widgets.setdefault(widget_id, WidgetState(id=widget_id))

    async def _send_rerun(
        self, page_name: str = "", page_hash: str = "", fragment: str = "", auto: bool = False
    ) -> None:
        message = BackMsg()
        rerun = message.rerun_script
        rerun.query_string = urlencode(self.query)
        rerun.widget_states.widgets.extend(self._widgets.values())
        rerun.page_name = page_name
        rerun.page_script_hash = page_hash or ("" if page_name else self._page_hash)
        rerun.fragment_id = fragment
        rerun.is_auto_rerun = auto
        rerun.context_info.timezone = "UTC"
        rerun.context_info.locale = "en-US"
        self._running = True
        await self._socket.send(message.SerializeToString())

    async def _read_forever(self) -> None:
        async for payload in self._socket:
            message = ForwardMsg()
            message.ParseFromString(payload)
            self.messages += 1
            await self._handle(message)

    async def _handle(self, message: ForwardMsg) -> None:
        kind = message.WhichOneof("type")
        if kind == "new_session":
            self._running = True
            self._run_started = time.time()
            if not message.metadata.run.fragment_ids:
                self._cancel_timers()  # as the browser does: a full run asks for them again
                self._elements = {}
        elif kind == "navigation":
            self._page_hash = message.navigation.page_script_hash
            self._pages = {page.url_pathname: page.page_script_hash
                           for page in message.navigation.app_pages}  # fmt: skip
        elif kind == "page_info_changed":
            self.query = dict(parse_qsl(message.page_info_changed.query_string))
            self.query_changes.append(QueryChange(time.time(), dict(self.query)))
        elif kind == "delta" and message.delta.WhichOneof("type") == "new_element":
            self._take_element(tuple(message.metadata.delta_path), message.delta.new_element)
        elif kind == "auto_rerun":
            self._start_timer(message.auto_rerun.fragment_id, message.auto_rerun.interval)
        elif kind == "stop_auto_rerun":
            self._cancel_timers(message.stop_auto_rerun.fragment_ids)
        elif kind == "script_finished":
            async with self._changed:
                self._running = False
                if message.script_finished in (FINISHED, FRAGMENT_FINISHED):
                    finished = Run(
                        self._run_started, time.time(), dict(self.query), dict(self._elements)
                    )
                    self.runs.append(finished)
                self._changed.notify_all()

    def _take_element(self, path: tuple[int, ...], element) -> None:
        kind = element.WhichOneof("type")
        inner = getattr(element, kind)
        text = inner.body if kind in TEXT_ELEMENTS else ""
        self._elements[path] = (kind, text)
        key = user_key(getattr(inner, "id", ""))
        if key is not None:
            self._ids[key] = inner.id
            self._remember_default(inner.id, kind, inner)

    def _remember_default(self, widget_id: str, kind: str, inner) -> None:
        """Hold a newly shown widget's value, as the browser does for what it mounts."""
        if widget_id in self._widgets:
            return
        if kind == "slider":
            values = inner.value if inner.set_value else inner.default
            self._widgets[widget_id] = WidgetState(id=widget_id)
            self._widgets[widget_id].double_array_value.data[:] = list(values)
        elif kind == "checkbox":
            value = inner.value if inner.set_value else inner.default
            self._widgets[widget_id] = WidgetState(id=widget_id, bool_value=value)

    def _start_timer(self, fragment: str, interval: float) -> None:
        async def tick() -> None:
            while True:
                await asyncio.sleep(interval)
                await self._send_rerun(fragment=fragment, auto=True)

        self._cancel_timers([fragment])
        self._timers[fragment] = asyncio.create_task(tick())

    def _cancel_timers(self, fragments=None) -> None:
        for fragment in list(self._timers if fragments is None else fragments):
            timer = self._timers.pop(fragment, None)
            if timer is not None:
                timer.cancel()


def page_cookie(url: str) -> str:
    """The cookies a page load sets (behind nginx: the replica this tab sticks to)."""
    with urllib.request.urlopen(url, timeout=60) as response:
        cookies = response.headers.get_all("Set-Cookie") or []
    return "; ".join(cookie.split(";", 1)[0] for cookie in cookies)

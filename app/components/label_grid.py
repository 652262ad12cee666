"""The labelling grid: digit tiles labelled in the browser, the whole vector sent to Python.

A page calls :func:`label_board` for Python's copy of a grid's labels (a
:class:`~labelling.LabelBoard`, kept in session state under the grid's id)
and :func:`show_label_grid` to draw it. Everything the user does on the grid
(select a tile, type or tap a digit, ← →, clear, undo, redo) runs in
``label_grid.js``, at once and in order, with no rerun in between.

The handshake between the browser and Python
--------------------------------------------
Two copies of the labels exist, and each is in charge of different events.

The browser's copy is authoritative while the user types. After every input
it sends its *whole* state as the component's state value ``board``::

    {"grid": "<grid id>", "revision": r, "labels": [...], "cursor": c}

never a delta. Python stores it with :meth:`LabelBoard.take`, idempotently
(the same vector twice changes nothing), so Streamlit merging, repeating or
interrupting reruns can neither lose nor reorder a label: whichever rerun
comes last carries the latest whole vector.

One vector is in flight at a time. Each vector sent reruns the page, and a
vector sent while the page still runs for the previous one would stop that
run half done: with a class typing on one server, every key started a run
that never finished. So while the page runs, the grid's newest vector waits
and goes as soon as the run has ended (at most 1.5 s later). Keys are shown
on the tiles at once either way, and the last vector holds every key before
it, so a waiting vector loses nothing; on an idle server the wait is one run.

Python's copy is authoritative when Python itself replaces the labels (an
import, the true labels, clear all): :meth:`LabelBoard.replace` bumps the
board's ``revision``. Python sends, with every rerun, the grid id, its
revision, labels and cursor as the component's data. The browser keeps, per
grid id, the revision it last adopted:

- data with a revision it has not adopted yet replaces its copy once (labels
  and cursor; its old labels go onto the undo stack);
- data with the adopted revision is an echo of the browser's own typing, maybe
  a few keys behind, and is ignored.

Python in turn takes a vector only if it carries the board's current revision:
a vector typed over labels that Python has replaced since is stale and dropped
(the replacement wins, and the grid shows it as soon as the rerun arrives). The
grid id (scenario and round) keeps one grid's vector off another grid's board,
e.g. after k changes while a vector is on its way.

A grid the browser has never shown (a fresh page load, a new k or seed, a new
round) adopts Python's labels, whose cursor is on the first unlabelled image:
after a reload or an import the next key lands where it should. A grid that is
mounted again in the same tab (back from another page) keeps the browser's copy
and sends it if Python's differs, in case the last vector was lost on the way.

Undo history lives in the browser. It survives a reload of the tab: leaving the
page stores each grid's history in the tab's ``sessionStorage``, and a grid
that reopens with the very labels and images the history led to (the link's
labels, after a reload) takes it back. A link opened in another tab or browser
starts with an empty history.

Keys
----
Only one grid on a page takes keys: the one last touched (clicked or tapped);
a grid with ``claim_keys`` takes them when it first appears. Each grid says on
screen whether keys go to it. Keys are listened for on the whole document, so
they work right after the page loads, and are ignored while focus is in a text
field, number input, select or slider, and with Ctrl, Alt or Meta held (except
undo and redo): 0-9 label the selected tile and move to the next unlabelled
one, ← → move, Backspace clears, U or Ctrl+Z undoes, Shift+U, Ctrl+Shift+Z or
Ctrl+Y redoes.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

import streamlit as st
from figures.palette import SELECTED_COLOR
from labelling import LabelBoard

from components import load

BOARDS = "label_grid_boards"  # session state: grid id -> LabelBoard
STATE = "board"  # the component's state value: the browser's whole label vector


def label_board(key: str, grid_id: str, make: Callable[[], LabelBoard]) -> LabelBoard:
    """Python's copy of grid ``grid_id``, with the browser's latest vector already taken in.

    Parameters
    ----------
    key : str
        The widget key of the grid component that shows this board.
    grid_id : str
        Names the board: a new id (another scenario, a new round) is a new
        board, which the browser adopts as such.
    make : callable
        Builds the board the first time this session asks for ``grid_id``.
    """
    boards = st.session_state.setdefault(BOARDS, {})
    if grid_id not in boards:
        boards[grid_id] = make()
    store(boards, st.session_state.get(key))
    return boards[grid_id]


def store(boards: Mapping[str, LabelBoard], value: Any) -> bool:
    """Take the vector in component value ``value`` into the board it names; True if changed.

    ``value`` is what Streamlit holds for the component (``{"board": {...}}``),
    or None before the browser has sent anything. A vector for a board that
    no longer exists, or that is stale or malformed, changes nothing.
    """
    state = value.get(STATE) if isinstance(value, Mapping) else None
    if not isinstance(state, Mapping):
        return False
    board = boards.get(state.get("grid"))
    if board is None:
        return False
    return board.take(state.get("labels"), state.get("cursor"), state.get("revision"))


def show_label_grid(
    board: LabelBoard,
    *,
    key: str,
    grid_id: str,
    images: list[str],
    names: list[str],
    title: str,
    claim_keys: bool = False,
) -> None:
    """Draw ``board`` as a grid of tiles the user labels in the browser.

    Parameters
    ----------
    board : LabelBoard
        The board from :func:`label_board` for the same ``key`` and ``grid_id``.
    key : str
        The component's widget key; one per grid on the page.
    grid_id : str
        The board's id, as given to :func:`label_board`.
    images : list of str
        One picture per tile, as a data URL (drawn with sharp pixels).
    names : list of str
        A short name per tile, shown with its label.
    title : str
        What the grid holds, shown above it.
    claim_keys : bool
        Take the keyboard from the other grids when this grid first appears.
    """
    mount = load("label_grid")
    mount(key=key, data=grid_data(board, grid_id, images, names, title, claim_keys))


def grid_data(
    board: LabelBoard,
    grid_id: str,
    images: list[str],
    names: list[str],
    title: str,
    claim_keys: bool,
) -> dict[str, Any]:
    """The component's data: Python's copy of the board and how to draw it."""
    if not len(images) == len(names) == len(board.labels):
        raise ValueError(
            f"{len(board.labels)} labels need as many images and names, "
            f"got {len(images)} and {len(names)}."
        )
    return {
        "grid": grid_id,
        "revision": board.revision,
        "labels": board.labels,
        "cursor": board.cursor,
        "images": images,
        "names": names,
        "title": title,
        "claim": claim_keys,
        "accent": SELECTED_COLOR,
    }

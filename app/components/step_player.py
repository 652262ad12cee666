"""The step player: Lloyd's half-steps stepped through and played in the browser.

The page hands over a whole run (``figures.kmeans.step_player_data``) once;
buttons, keys and playback then run in the browser, each input applied at
once and in order. When the position settles the player sends it back as its
state ``at``: the whole value ``{"run": ..., "step": ...}``, never a delta, so
a rerun that merges several key presses still ends on the right half-step.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from components import load


def step_player(
    data: dict,
    *,
    run: str,
    start: int,
    key: str,
    on_change: Callable[[], None],
) -> None:
    """Mount the step player on one run of Lloyd's algorithm.

    Parameters
    ----------
    data : dict
        The run, from :func:`figures.kmeans.step_player_data`.
    run : str
        A name for the scenario (data set, k, initialisation, seed). While it
        stays the same the player keeps its own position across reruns; a new
        name makes it open the new run at ``start``.
    start : int
        The half-step to open on (the player clamps it to the run).
    key : str
        The element's key; ``st.session_state[key]["at"]`` holds the last
        position reported.
    on_change : callable
        Called (as a widget callback) when the player reports a new position.
    """
    mount = load("step_player")
    mount(
        key=key,
        data={**data, "run": run, "start": int(start)},
        default={"at": None},
        on_at_change=on_change,
    )


def reported_position(value: Any, run: str) -> int | None:
    """The half-step in a value the player reported, if it is about ``run``; else None.

    A report can arrive after the scenario changed (a key pressed just
    before), or be anything at all if someone crafts the request: only a
    ``{"run": run, "step": <int>}`` for the current run counts.
    """
    if not isinstance(value, dict) or value.get("run") != run:
        return None
    step = value.get("step")
    return step if isinstance(step, int) and not isinstance(step, bool) else None

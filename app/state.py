"""Widget-state conventions shared by every page.

A *scenario* widget (data set, seed, k, eps ...) defines what the page shows.
It is bound to the URL, so a shared link such as ``?vor_k=3&vor_seed=7``
reopens the same view, and its value survives switching to another page and
back. Streamlit 1.67 widgets do both given a key: the key becomes the query
parameter's name, so it must be unique across pages (prefix it with the page's
prefix, e.g. ``vor_``).

A link is typed by whoever shares it, so its values are checked before they
reach a widget. Streamlit already puts a widget back to its default for many
bad values, but not all (an integer widget given ``inf`` raises
``OverflowError``) and silently. :func:`scenario` refuses a value that is
too long, not finite, too large to be any setting of this app, or outside what
the caller says the widget takes; the widget then starts from its default for
this run (not bound, so Streamlit does not read the link), the value is
removed from the link, and a short notice says which setting was reset.
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Any

import streamlit as st
from limits import URL_VALUE_MAX_CHARS
from safe_text import escape_markdown, shorten

#: Numbers larger than this are no setting of any page (seeds stop at 2**31).
LARGEST_SETTING = 1e15
INTEGER = re.compile(r"[+-]?\d+")
SHOWN_CHARS = 40


def scenario(
    key: str,
    *,
    within: tuple[float, float] | None = None,
    among: Iterable[Any] | None = None,
) -> dict[str, Any]:
    """Keyword arguments that make a widget a shareable, persistent scenario setting.

    Parameters
    ----------
    key : str
        The widget's key and the name of its query parameter.
    within : (low, high), optional
        The widget's bounds, for a number input or slider: values outside, and
        non-numbers, are refused. Two ints ask for a whole number.
    among : iterable, optional
        The options the link may name (as they appear in the link).

    Examples
    --------
    >>> import streamlit as st
    >>> k = st.slider("k", 1, 10, 5, **scenario("vor_k", within=(1, 10)))
    """
    value = st.query_params.get(key)
    problem = None if value is None else link_value_problem(value, within, among)
    if problem is None:
        return {"key": key, "bind": "query-params", "persist_state": "session"}
    drop_from_link(key)
    shown = escape_markdown(shorten(value, SHOWN_CHARS))
    st.toast(f"The link's value for {key} ({shown}) was ignored: {problem}", icon="⚠️")
    return {"key": key, "persist_state": "session"}


def link_value_problem(
    value: str, within: tuple[float, float] | None = None, among: Iterable[Any] | None = None
) -> str | None:
    """What is wrong with a query-parameter value, in words; None when it can be used."""
    if len(value) > URL_VALUE_MAX_CHARS:
        return f"it is {len(value):,} characters long (at most {URL_VALUE_MAX_CHARS:,})."
    number = as_number(value)
    if number is not None and not abs(number) <= LARGEST_SETTING:
        return "it is not a finite number of a sensible size."
    if within is not None:
        return range_problem(value, number, within)
    if among is not None and value not in {str(option) for option in among}:
        return "it is not one of the choices."
    return None


def as_number(value: str) -> float | None:
    """The value as a float if it reads as one (``nan`` and ``inf`` included), else None."""
    try:
        return float(value)
    except ValueError:
        return None


def range_problem(value: str, number: float | None, within: tuple[float, float]) -> str | None:
    """Why ``value`` is no number within ``within`` (whole when both bounds are ints)."""
    low, high = within
    whole = isinstance(low, int) and isinstance(high, int)
    if number is None or (whole and not INTEGER.fullmatch(value.strip())):
        return f"expected a {'whole ' if whole else ''}number from {low} to {high}."
    if not low <= number <= high:
        return f"it is outside {low} to {high}."
    return None


def drop_from_link(key: str) -> None:
    """Remove ``key`` from the link, unless its widget is bound (Streamlit then removes it)."""
    try:
        del st.query_params[key]
    except st.errors.StreamlitAPIException:
        pass  # bound since an earlier run: registering the widget unbound clears the param

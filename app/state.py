"""Widget-state conventions shared by every page.

A *scenario* widget (data set, seed, k, eps ...) defines what the page shows.
It is bound to the URL, so a shared link such as ``?vor_k=3&vor_seed=7``
reopens the same view, and its value survives switching to another page and
back. Streamlit 1.67 widgets do both given a key: the key becomes the query
parameter's name, so it must be unique across pages (prefix it with the page's
prefix, e.g. ``vor_``).
"""

from __future__ import annotations

from typing import Any


def scenario(key: str) -> dict[str, Any]:
    """Keyword arguments that make a widget a shareable, persistent scenario setting.

    Examples
    --------
    >>> import streamlit as st
    >>> k = st.slider("k", 1, 10, 5, **scenario("vor_k"))
    """
    return {"key": key, "bind": "query-params", "persist_state": "session"}

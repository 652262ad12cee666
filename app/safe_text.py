"""Showing text that came from a user as text, never as Markdown.

Streamlit renders the messages of ``st.error``, ``st.warning``, ``st.toast``,
``st.caption`` ... as Markdown. HTML in them is escaped, but a Markdown link or
image is live: a shared link or an uploaded file's name or content could put a
clickable link or a remote image on the page. Anything a user sent (query
values, file names, cells of a file) is therefore escaped with
:func:`escape_markdown` before it is shown in such an element, or shown with
a text-only element (``st.text``, ``st.code``, a dataframe cell).
"""

from __future__ import annotations

import re

# The ASCII punctuation that can start or end Markdown markup: links, images,
# emphasis, code, HTML, headings, lists, tables, e-mail autolinks, Streamlit's
# ``:colour[...]`` and ``:icon:`` directives and ``$`` maths. CommonMark lets a
# backslash make any of them literal. Left alone, because they only take part
# in markup in the two places handled apart below: . , ; ' " % = ?
MARKUP = re.compile(r"([!#$&()*+\-/:<>@\[\\\]^_`{|}~])")
# A dot that would make a "www." autolink or, at the start, an ordered list ("1.").
MARKUP_DOT = re.compile(r"(?i)(www|^\d{1,9})\.")
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that shows exactly these characters, on one line.

    Examples
    --------
    >>> escape_markdown("[click](http://x)")
    '\\\\[click\\\\]\\\\(http\\\\:\\\\/\\\\/x\\\\)'
    """
    one_line = LINE_BREAKS.sub(" ", str(text))
    return MARKUP_DOT.sub(r"\1\\.", MARKUP.sub(r"\\\1", one_line))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"

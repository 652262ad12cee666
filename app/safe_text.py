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
# emphasis, code, HTML, headings, lists, tables, Streamlit's ``:colour[...]``
# and ``:icon:`` directives and ``$`` maths. CommonMark lets a backslash make
# any of them literal. Left alone, because they take part in no markup but the
# list number handled below: . , ; ' " % = ?
MARKUP = re.compile(r"([!#$&()*+\-/:<>@\[\\\]^_`{|}~])")
# "1." at the very start would begin a numbered list.
LIST_NUMBER = re.compile(r"^(\d{1,9})\.")
# A bare address is made a live link after escapes are resolved ("www.",
# "http://", "a@b.org"), so no escape stops it; an invisible word joiner
# before "." of "www.", before "://" and before "@" does.
AUTOLINK_START = re.compile(r"(?i)(?<=www)(?=\.)|(?=://)|(?=@)")
WORD_JOINER = "\u2060"
LINE_BREAKS = re.compile(r"[\r\n\u2028\u2029]+")


def escape_markdown(text: str) -> str:
    """``text`` as Markdown that shows exactly these characters, on one line, with no link.

    Examples
    --------
    >>> escape_markdown("[click](x) *now*")
    '\\\\[click\\\\]\\\\(x\\\\) \\\\*now\\\\*'
    """
    one_line = LINE_BREAKS.sub(" ", str(text))
    unlinked = AUTOLINK_START.sub(WORD_JOINER, one_line)
    return LIST_NUMBER.sub(r"\1\\.", MARKUP.sub(r"\\\1", unlinked))


def shorten(text: str, limit: int) -> str:
    """``text`` cut to at most ``limit`` characters, with an ellipsis where it was cut."""
    return text if len(text) <= limit else text[: limit - 1] + "…"

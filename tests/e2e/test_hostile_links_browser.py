"""A tampered link in a real browser: no traceback, no live link, no remote image fetched.

AppTest sees the Markdown the app sends; only a browser shows what that
Markdown becomes, including addresses the Markdown renderer turns into links
by itself ("www.", "http://", e-mail addresses).
"""

from urllib.parse import quote

import pytest

pytestmark = pytest.mark.e2e

HOSTILE = (
    "[click here](http://example.com/x) ![b](http://example.com/x.png) <b>bold</b> "
    "www.example.org https://example.net a@example.com"
)


def test_markdown_and_addresses_in_a_link_stay_text(app):
    fetched = []
    app.page.on("request", lambda request: fetched.append(request.url))
    app.open("dbscan", "db_new=" + quote(HOSTILE) + "&db_seed=inf")
    assert not app.has_exception()
    error = app.page.get_by_test_id("stAlertContentError")
    assert error.count() == 1
    assert "[click here](http" in error.inner_text()  # shown as the characters typed
    assert error.locator("a").count() == 0
    assert error.locator("img").count() == 0
    assert error.locator("b").count() == 0
    assert not [url for url in fetched if "example." in url.split("?")[0]]
    assert "db_seed" not in app.page.url  # the infinite seed was dropped from the link

"""The app works offline: a tour of every page asks nothing of any host but the app's own."""

from urllib.parse import urlsplit

import catalog
import pytest

pytestmark = pytest.mark.e2e

LOCAL_SCHEMES = {"data", "blob", "about"}


def test_a_tour_of_every_page_requests_nothing_from_outside(app):
    requested: list[str] = []
    app.page.on("request", lambda request: requested.append(request.url))
    own = urlsplit(app.base_url).netloc
    app.open()
    for page in catalog.CHAPTER_PAGES:
        app.go_to(page.title)
    # A deep link loads the page afresh: the favicon and fonts are fetched again.
    app.open(catalog.CHAPTER_PAGES[0].file.removesuffix(".py"), "vor_k=3")
    outside = sorted(
        {url for url in requested if urlsplit(url).scheme not in LOCAL_SCHEMES}
        - {url for url in requested if urlsplit(url).netloc == own}
    )
    assert requested, "the tour recorded no request at all: the listener is not working"
    assert outside == []

"""The app works offline: a tour of every page asks nothing of any host but the app's own."""

from urllib.parse import urlsplit

import pytest

pytestmark = pytest.mark.e2e

LOCAL_SCHEMES = {"data", "blob", "about"}


def test_a_tour_of_every_page_requests_nothing_from_outside(tour):
    own = urlsplit(tour.base_url).netloc
    outside = sorted(
        {url for url in tour.requested if urlsplit(url).scheme not in LOCAL_SCHEMES}
        - {url for url in tour.requested if urlsplit(url).netloc == own}
    )
    assert tour.requested, "the tour recorded no request at all: the listener is not working"
    assert outside == []

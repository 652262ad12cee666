"""The frame: the home page opens, and so does every chapter page, by its sidebar link."""

import catalog
import pytest

pytestmark = pytest.mark.e2e


def test_home_lists_and_opens_every_built_page(tour):
    assert "Clustering Explorer" in tour.home_text
    for page in catalog.CHAPTER_PAGES:
        assert tour.exception_shown[page.title] is False, page.title

"""The frame: the home page opens, and so does every chapter page, by its sidebar link."""

import json
import urllib.request

import catalog
import pytest

pytestmark = pytest.mark.e2e


def test_home_lists_and_opens_every_built_page(tour):
    assert "Clustering Explorer" in tour.home_text
    for page in catalog.CHAPTER_PAGES:
        assert tour.exception_shown[page.title] is False, page.title


def test_no_outside_site_may_drive_the_app_from_a_frame(app_server):
    # Streamlit lets the origins its server lists post commands (rerun, stop, set
    # an auth token) into the app; the app lists none.
    with urllib.request.urlopen(f"{app_server}/_stcore/host-config", timeout=10) as answer:
        host_config = json.load(answer)
    assert host_config["allowedOrigins"] == []

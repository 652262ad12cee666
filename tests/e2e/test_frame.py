"""The frame: the home page opens, and so does every chapter page, by its sidebar link."""

import json
import urllib.request

import catalog
import pytest
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

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


def test_the_tab_keeps_large_elements_long_enough_for_a_late_fragment_run(app):
    # A fragment run queued behind a full run may refer to an element the tab cached a
    # few runs ago; with Streamlit's default of 2 runs the tab had dropped it and
    # stopped for good (README, "Serving a class"). The server tells each tab how long.
    received: list[bytes] = []

    def watch(socket) -> None:
        socket.on("framereceived", lambda frame: received.append(frame))

    app.page.on("websocket", watch)
    app.open("kmeans_steps")
    messages = [ForwardMsg.FromString(frame) for frame in received if isinstance(frame, bytes)]
    sessions = [message.new_session for message in messages if message.HasField("new_session")]
    assert sessions
    assert {session.config.max_cached_message_age for session in sessions} == {50}

"""Scenario widgets: bound to the link, and link values checked before the widget sees them."""

import pytest
from streamlit.testing.v1 import AppTest


def scenario_page():
    import streamlit as st
    from state import scenario

    st.slider("k", 1, 10, 5, **scenario("test_k", within=(1, 10)))
    st.selectbox("shape", ["moons", "blobs"], **scenario("test_shape", among=["moons", "blobs"]))
    st.text_input("text", "a", **scenario("test_text"))


def opened(query: dict) -> AppTest:
    app = AppTest.from_function(scenario_page, default_timeout=30)
    app.query_params = query
    app.run()
    assert not app.exception
    return app


def test_a_scenario_widget_reads_its_value_from_the_url():
    app = opened({"test_k": "3", "test_shape": "blobs", "test_text": "b"})
    assert app.slider(key="test_k").value == 3
    assert app.selectbox(key="test_shape").value == "blobs"
    assert app.text_input(key="test_text").value == "b"
    assert not app.toast


@pytest.mark.parametrize(
    ("key", "value", "default"),
    [
        ("test_k", "inf", 5),
        ("test_k", "11", 5),
        ("test_k", "2.5", 5),
        ("test_shape", "squares", "moons"),
        ("test_text", "1e999", "a"),
        ("test_text", "x" * 5000, "a"),
    ],
)
def test_a_bad_link_value_gives_the_default_leaves_the_link_and_says_so(key, value, default):
    app = opened({key: value, "other": "kept"})
    widget = {"test_k": app.slider, "test_shape": app.selectbox, "test_text": app.text_input}[key]
    assert widget(key=key).value == default
    assert key not in app.query_params and app.query_params["other"] == "kept"
    (notice,) = [toast.value for toast in app.toast]
    assert key in notice and "ignored" in notice


def test_a_bad_value_put_in_the_link_mid_session_keeps_the_widget_as_it_was():
    app = opened({"test_k": "3"})
    app.query_params["test_k"] = "-inf"  # e.g. browser history restoring a tampered link
    app.run()
    assert not app.exception
    assert app.slider(key="test_k").value == 3
    assert "test_k" not in app.query_params
    assert any("ignored" in toast.value for toast in app.toast)
    app.slider(key="test_k").set_value(4).run()
    assert not app.exception and app.slider(key="test_k").value == 4

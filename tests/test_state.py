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


# The segmentation page's view toggles are scenario settings too.
SEGMENTATION = "views/segmentation.py"


def test_the_highlight_and_the_inertia_curve_open_from_a_link(app_at):
    app = app_at(SEGMENTATION)
    app.query_params = {"seg_k": "5", "seg_highlight": "colour 3", "seg_curve": "true"}
    app.run()
    assert not app.exception and not app.toast
    assert app.selectbox(key="seg_highlight").value == 2  # colour 3, counted from 1
    assert app.toggle(key="seg_curve").value is True
    captions = [image.proto.imgs[0].caption for image in app.get("image")]
    assert any(caption.startswith("Pixels of colour 3") for caption in captions)


@pytest.mark.parametrize(
    ("key", "value"),
    [("seg_highlight", "colour 99"), ("seg_highlight", "<b>x</b>"), ("seg_curve", "maybe")],
)
def test_a_tampered_view_toggle_falls_back_with_a_notice(app_at, key, value):
    app = app_at(SEGMENTATION)
    app.query_params = {key: value, "seg_k": "4"}
    app.run()
    assert not app.exception
    assert app.selectbox(key="seg_highlight").value is None
    assert app.toggle(key="seg_curve").value is False
    assert key not in app.query_params and app.query_params["seg_k"] == "4"
    assert any(key in toast.value and "ignored" in toast.value for toast in app.toast)

from streamlit.testing.v1 import AppTest


def slider_page():
    import streamlit as st
    from state import scenario

    st.slider("k", 1, 10, 5, **scenario("test_k"))


def test_a_scenario_widget_reads_its_value_from_the_url():
    app = AppTest.from_function(slider_page)
    app.query_params = {"test_k": "3"}
    app.run()
    assert not app.exception
    assert app.slider(key="test_k").value == 3

import asyncio
import json
from concurrent.futures import ThreadPoolExecutor
from urllib.parse import parse_qs

import pytest
from components.label_grid import store
from labelling import UNLABELLED, LabelBoard, to_url
from streamlit.components.v2.bidi_component.serialization import BidiComponentSerde
from streamlit.proto.BackMsg_pb2 import BackMsg
from streamlit.proto.Element_pb2 import Element
from streamlit.proto.ForwardMsg_pb2 import ForwardMsg

from benchmarks._app import rerun_time
from benchmarks._light_client import LightTab, board_json
from benchmarks._server import is_console_problem
from benchmarks.bench_browser import (
    CONTROLS,
    KEY_PRESSES,
    Control,
    Timing,
    format_timing,
    selected,
    slider,
)
from benchmarks.bench_load import url_labels


def test_rerun_time_needs_a_warm_up_and_five_timed_values():
    with pytest.raises(ValueError, match="at least 5"):
        rerun_time("views/home.py", lambda app: app.slider(key="none"), [1, 2, 3])


def test_browser_table_counts_moves_that_never_settled():
    control = Control("dbscan", "eps", slider("eps"))
    assert Timing(control, [120.0, 80.0, 300.0], []).summary() == ("120", "80–300")
    assert Timing(control, [None, None], []).summary() == ("no change", "2 of 2 timed out")
    median, spread = Timing(control, [120.0, None, 90.0], []).summary()
    assert median == "105" and spread == "90–120 +1 timed out"


def test_browser_table_flags_a_median_over_its_target():
    control = Control("mixtures", "k", slider("Components k"), target_ms=250)
    assert "MISSES" in format_timing(Timing(control, [260.0, 270.0, 400.0], []))
    assert "ok" in format_timing(Timing(control, [100.0, 250.0, 400.0], []))
    line = format_timing(Timing(control, [100.0], ["warning: x", "error: y"]))
    assert "2 console warning(s)/error(s)" in line


def test_browser_bench_picks_the_controls_of_the_named_pages():
    assert {control.page for control in selected(["dbscan"])} == {"dbscan"}
    assert len(selected()) == len(CONTROLS) + len(KEY_PRESSES)
    names = [(control.page, control.name) for control in CONTROLS]
    assert len(names) == len(set(names))  # every row names one control once


# ----- the load benchmark's light client ------------------------------------------------------


def test_console_problems_are_warnings_errors_and_traces_but_not_gpu_driver_notes():
    stall = (
        "[.WebGL-0x1]GL Driver Message (OpenGL, Performance, GL_CLOSE_PATH_NV, High): "
        "GPU stall due to ReadPixels"
    )
    assert not is_console_problem("warning", stall)
    assert is_console_problem("warning", "WebGL: CONTEXT_LOST_WEBGL: loseContext: context lost")
    assert is_console_problem("trace", "WARN: Too many auto-margin redraws.")
    assert is_console_problem("error", "Failed to load resource")
    assert not is_console_problem("log", "anything")


def test_the_light_client_sends_a_label_vector_the_way_the_page_reads_it():
    """The grid's state as the light client encodes it, read back by Streamlit's own
    component deserializer and by the page's board, lands on the board it names."""
    labels = [3, 5, UNLABELLED, 9]
    state = BidiComponentSerde().deserialize(board_json("semi:4:42", labels, cursor=2))
    boards = {"semi:4:42": LabelBoard.empty(4), "semi:4:7": LabelBoard.empty(4)}
    assert store(boards, state)
    assert boards["semi:4:42"].labels == labels
    assert boards["semi:4:7"].labels == [UNLABELLED] * 4
    assert url_labels(labels) == to_url(labels)  # how the benchmark reads the page's link


class SentMessages:
    """Stands in for the websocket: keeps what the client sends."""

    def __init__(self):
        self.sent = []

    async def send(self, payload: bytes) -> None:
        message = BackMsg()
        message.ParseFromString(payload)
        self.sent.append(message)


def test_the_light_client_reruns_with_the_widget_states_a_tab_sends():
    tab = LightTab("http://127.0.0.1:1")
    tab._socket = SentMessages()
    grid, slider = Element(), Element()
    grid.bidi_component.id = "$$ID-0123abcd-semi_grid"
    slider.slider.id = "$$ID-4567ef89-semi_percentile"
    slider.slider.default[:] = [99]
    tab._take_element((0, 2), grid)
    tab._take_element((0, 3), slider)
    tab.query = {"semi_labels": "...."}

    async def label_then_slide():
        await tab.set_component_state("semi_grid", board_json("semi:4:42", [1] * 4, 4))
        await tab.move_slider("semi_percentile", 98)

    # A thread of its own: Playwright's browser tests may hold this thread's event loop.
    with ThreadPoolExecutor(max_workers=1) as thread:
        thread.submit(asyncio.run, label_then_slide()).result()

    first, second = (message.rerun_script for message in tab._socket.sent)
    states = {widget.id: widget for widget in second.widget_states.widgets}
    assert json.loads(states[grid.bidi_component.id].json_value)["board"]["labels"] == [1] * 4
    assert list(states[slider.slider.id].double_array_value.data) == [98]
    assert list(
        {w.id: w for w in first.widget_states.widgets}[slider.slider.id].double_array_value.data
    ) == [99]  # a shown widget's value goes with every rerun, as the browser sends it
    assert parse_qs(second.query_string) == {"semi_labels": ["...."], "semi_percentile": ["98"]}


def test_the_light_client_sends_the_grids_newest_state_once_the_run_under_way_ends():
    tab = LightTab("http://127.0.0.1:1")
    tab._socket = SentMessages()
    grid = Element()
    grid.bidi_component.id = "$$ID-0123abcd-semi_grid"
    tab._take_element((0, 2), grid)
    finished = ForwardMsg()
    finished.script_finished = ForwardMsg.ScriptFinishedStatus.Value("FINISHED_SUCCESSFULLY")

    def labels_sent() -> list[list[int]]:
        return [
            json.loads(message.rerun_script.widget_states.widgets[0].json_value)["board"]["labels"]
            for message in tab._socket.sent
        ]

    async def type_three_keys_during_one_run() -> list[list[list[int]]]:
        seen = []
        for count in (1, 2, 3):
            labels = [1] * count + [-1] * (4 - count)
            await tab.set_component_state("semi_grid", board_json("semi:4:42", labels, count))
            await asyncio.sleep(0.01)
            seen.append(labels_sent())
        await tab._handle(finished)  # the run the first key started ends
        await asyncio.sleep(0.05)
        seen.append(labels_sent())
        return seen

    with ThreadPoolExecutor(max_workers=1) as thread:
        seen = thread.submit(asyncio.run, type_three_keys_during_one_run()).result()
    first = [[1, -1, -1, -1]]
    assert seen == [first, first, first, [*first, [1, 1, 1, -1]]]  # the second key's never goes

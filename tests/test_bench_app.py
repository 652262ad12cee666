import pytest

from benchmarks._app import rerun_time
from benchmarks.bench_browser import (
    CONTROLS,
    KEY_PRESSES,
    Control,
    Timing,
    format_timing,
    selected,
    slider,
)


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

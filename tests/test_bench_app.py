import pytest

from benchmarks._app import rerun_time


def test_rerun_time_needs_a_warm_up_and_five_timed_values():
    with pytest.raises(ValueError, match="at least 5"):
        rerun_time("views/home.py", lambda app: app.slider(key="none"), [1, 2, 3])

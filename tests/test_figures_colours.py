"""The pages colour clusters alike: the same clustering wears the same colours everywhere.

Read back from what each page hands the browser: the Voronoi map's traces, the
step player's data, the DBSCAN and mixture figures.
"""

import base64
import json

import numpy as np
import pytest
from chart_specs import live_chart
from figures.palette import ANOMALY_COLOR, PALETTE

VORONOI = "views/kmeans_voronoi.py"
STEPS = "views/kmeans_steps.py"


def decode(values) -> np.ndarray:
    if isinstance(values, dict):
        return np.frombuffer(base64.b64decode(values["bdata"]), dtype=values["dtype"])
    return np.asarray(values, dtype=float)


def opened(app_at, page: str, **params):
    """The app run once, straight on ``page`` with the link's ``params``."""
    app = app_at(page)
    app.query_params = {key: str(value) for key, value in params.items()}
    app.run()
    assert not app.exception
    return app


def voronoi_point_colours(app) -> dict[tuple[float, float], str]:
    """Each point of the Voronoi map (rounded as the step player sends it) -> its colour."""
    colours = {}
    for trace in live_chart(app, "vor_map")["data"]:
        if str(trace.get("name", "")).startswith("cluster "):
            for x, y in zip(decode(trace["x"]), decode(trace["y"]), strict=True):
                colours[(round(float(x), 5), round(float(y), 5))] = trace["marker"]["color"]
    return colours


def step_point_colours(app) -> dict[tuple[float, float], str]:
    """Each point of the step player at its last half-step -> its colour."""
    (player,) = [
        e for e in app.get("bidi_component") if e.proto.component_name == "ce_step_player"
    ]
    data = json.loads(player.proto.json)
    labels = data["labelings"][data["steps"][-1]["labeling"]]
    return {
        (round(x, 5), round(y, 5)): data["colors"][label]
        for (x, y), label in zip(data["points"], labels, strict=True)
    }


@pytest.mark.parametrize(
    ("voronoi", "steps"),
    [
        # Each page's defaults: the case (the wide blob had two colours).
        ({}, {}),
        (
            {"vor_data": "moons", "vor_k": 4, "vor_init": "k-means++", "vor_n_init": 1,
             "vor_seed": 3},
            {"steps_data": "moons", "steps_k": 4, "steps_init": "k-means++", "steps_seed": 3},
        ),
        (
            {"vor_data": "ellipsoidal blobs", "vor_k": 3, "vor_n_init": 1, "vor_seed": 7},
            {"steps_data": "ellipsoidal blobs", "steps_k": 3, "steps_seed": 7},
        ),
    ],
)  # fmt: skip
def test_the_same_settings_give_the_same_colours_on_the_voronoi_and_step_pages(
    app_at, voronoi, steps
):
    on_map = voronoi_point_colours(opened(app_at, VORONOI, **voronoi))
    in_player = step_point_colours(opened(app_at, STEPS, **steps))
    assert on_map.keys() == in_player.keys()
    assert on_map == in_player
    assert len(set(on_map.values())) == voronoi.get("vor_k", 5)


def test_moving_k_keeps_the_colours_of_clusters_that_stay(app_at):
    app = opened(app_at, VORONOI, vor_k=4)
    before = voronoi_point_colours(app)
    app.slider(key="vor_k").set_value(5).run()
    after = voronoi_point_colours(app)
    # Group the points by their colour at k = 4; a group that is one whole cluster at
    # k = 5 too (same points, nothing added) stayed, and it must have kept its colour.
    groups: dict[str, set] = {}
    for point, colour in before.items():
        groups.setdefault(colour, set()).add(point)
    stayed = [
        colour
        for colour, points in groups.items()
        if len({after[p] for p in points}) == 1
        and sum(after[q] == after[next(iter(points))] for q in after) == len(points)
    ]
    assert len(stayed) == 3  # k = 5 splits the two merged tight blobs; three blobs stay
    assert all({after[p] for p in groups[colour]} == {colour} for colour in stayed)


def test_no_cluster_wears_the_anomaly_colour_on_the_dbscan_and_mixture_pages(app_at):
    dbscan = opened(app_at, "views/dbscan.py", db_eps="0.05")  # the chapter's 7 clusters
    figure = live_chart(dbscan, "db_clusters_chart")
    traces = {trace["name"]: trace for trace in figure["data"]}
    assert traces["anomalies"]["marker"]["color"] == ANOMALY_COLOR
    assert traces["anomaly"]["marker"]["color"] == ANOMALY_COLOR  # its legend entry
    scale = traces["core points"]["marker"]["colorscale"]
    assert {colour for _, colour in scale} <= set(PALETTE)
    assert ANOMALY_COLOR not in {colour for _, colour in scale}
    mixtures = opened(app_at, "views/mixtures.py")
    density = live_chart(mixtures, "gm_density")["data"]
    anomalies = next(t for t in density if t["name"].startswith("anomalies"))
    assert anomalies["marker"]["color"] == ANOMALY_COLOR
    components = [
        t for t in density if t["name"][len("component ") :].isdigit() and t.get("showlegend")
    ]
    assert len(components) == 3
    assert ANOMALY_COLOR not in {t["marker"]["color"] for t in components}

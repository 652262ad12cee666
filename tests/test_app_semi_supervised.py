"""The semi-supervised page, driven like a user with AppTest (no browser)."""

import json
import re
import time

import numpy as np
import pytest
import semi_fits
from chart_specs import live_chart
from figures.palette import PALETTE
from labelling import to_url
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from clustering.datasets import load_digits_split
from clustering.semi_supervised import (
    partial_training_set,
    propagation_accuracies,
    representatives,
    training_set_accuracy,
)

PAGE = "views/semi_supervised.py"
K, SEED = 50, 42
GRID = "semi_grid"
ACTIVE = "semi_active_grid"


@pytest.fixture(scope="module")
def truth():
    """The digits, our representatives for the page's default scenario, and their true labels."""
    split = load_digits_split()
    indices, kmeans = representatives(split.X_train, K, random_state=SEED)
    return split, indices, kmeans, split.y_train[indices].tolist()


def settle(app):
    """Rerun until the background classifier has caught up with the labels shown."""
    for _ in range(600):
        waiting = [c.value for c in app.caption] + [i.value for i in app.info]
        if not any("raining" in text for text in waiting):
            return app
        time.sleep(0.1)
        app.run()
    raise AssertionError("the results never caught up with the labels")


def open_page(app_at, query=None):
    app = app_at(PAGE)
    if query:
        app.query_params = query
    app.run()
    assert not app.exception, app.exception
    return settle(app)


def grid(app, key=GRID):
    """The data the page sends the labelling grid: Python's copy of its labels and revision."""
    [element] = [e for e in app.get("bidi_component") if e.key == key]
    return json.loads(element.proto.json)


def browser_state(data, labels, cursor=0, revision=None):
    """The component state the browser sends: its whole vector, over the revision it saw."""
    seen = data["revision"] if revision is None else revision
    return {"board": {"grid": data["grid"], "revision": seen, "labels": labels, "cursor": cursor}}


def send(app, labels, cursor=0, key=GRID):
    """What the browser does after each key: send the grid's whole label vector.

    AppTest cannot run the component's JavaScript; Streamlit lets a test set a
    component's state through session_state, which is what the page reads.
    """
    app.session_state[key] = browser_state(grid(app, key), labels, cursor)
    app.run()
    assert not app.exception, app.exception
    return app


def labels_of(text):
    return [-1 if char == "." else int(char) for char in text]


def table(app):
    frame = app.dataframe[0].value
    return dict(zip(frame["training set"], frame["test accuracy here"], strict=True))


def test_labels_from_the_grid_reach_the_url_and_the_results(app_at, truth):
    split, _, kmeans, labels = truth
    app = open_page(app_at)
    first = grid(app)
    assert first["grid"] == f"semi:{K}:{SEED}" and first["labels"] == [-1] * K
    assert len(first["images"]) == K and first["images"][0].startswith("data:image/png;base64,")
    send(app, labels)
    settle(app)
    assert grid(app)["labels"] == labels
    assert app.query_params["semi_labels"] == "".join(map(str, labels))

    expected = propagation_accuracies(
        split.X_train, split.X_test, split.y_test, kmeans.transform(split.X_train), labels
    )
    random_k = training_set_accuracy(
        split.X_train[:K], split.y_train[:K], split.X_test, split.y_test
    )
    shown = table(app)
    assert shown["the k labelled representatives"] == f"{expected['representatives']:.1%}"
    assert shown["propagated to their clusters"] == f"{expected['propagated']:.1%}"
    assert shown["partially propagated"] == f"{expected['partially propagated']:.1%}"
    assert shown["k random labelled instances"] == f"{random_k:.1%}"


def test_the_same_vector_twice_changes_nothing_and_a_stale_one_is_dropped(app_at, truth):
    _, _, _, labels = truth
    app = open_page(app_at)
    typed = [7, 3] + [-1] * (K - 2)
    send(app, typed, cursor=2)
    send(app, typed, cursor=2)
    assert grid(app)["labels"] == typed and grid(app)["revision"] == 0
    app.button(key="semi_fill").click().run()  # Python replaces: a new revision
    assert grid(app)["revision"] == 1 and grid(app)["labels"] == labels
    assert grid(app)["cursor"] == 0  # all labelled: from the start
    # the browser, not yet shown the fill, sends a vector typed over revision 0
    app.session_state[GRID] = browser_state(grid(app), typed, cursor=2, revision=0)
    app.run()
    assert grid(app)["labels"] == labels
    assert app.query_params["semi_labels"] == "".join(map(str, labels))
    app.button(key="semi_clear_all").click().run()
    assert grid(app)["revision"] == 2 and grid(app)["labels"] == [-1] * K
    assert app.query_params["semi_labels"] == "." * K


def test_a_vector_sent_as_k_changes_lands_on_its_own_scenario(app_at):
    app = open_page(app_at)
    app.session_state[GRID] = browser_state(grid(app), [4] + [-1] * (K - 1), cursor=1)
    app.slider(key="semi_k").set_value(20).run()  # in the same rerun as the vector
    assert not app.exception
    assert grid(app)["grid"] == f"semi:20:{SEED}" and grid(app)["labels"] == [-1] * 20
    assert app.query_params["semi_labels"] == "." * 20
    app.slider(key="semi_k").set_value(K).run()
    assert grid(app)["labels"] == [4] + [-1] * (K - 1)


@pytest.fixture
def exported_files(monkeypatch):
    """Every file the page hands to the browser (downloads), by file name."""
    files = {}
    original = MemoryMediaFileStorage.load_and_get_id

    def capture(self, path_or_data, mimetype, kind, filename=None):
        if filename:
            files[filename] = path_or_data
        return original(self, path_or_data, mimetype, kind, filename)

    monkeypatch.setattr(MemoryMediaFileStorage, "load_and_get_id", capture)
    return files


@pytest.mark.parametrize("name", ["digit-labels.csv", "digit-labels.json"])
def test_export_then_import_round_trips_and_puts_the_cursor_on_the_first_gap(
    app_at, exported_files, name
):
    app = open_page(app_at)
    typed = labels_of("41.8" + "." * (K - 4))
    send(app, typed, cursor=4)
    app.run()  # the download buttons now hold the labels
    data = exported_files[name]
    app.button(key="semi_clear_all").click().run()
    assert grid(app)["labels"] == [-1] * K

    app.file_uploader(key="semi_import").upload(name, data).run()
    assert not app.exception
    shown = grid(app)
    assert shown["labels"] == typed and shown["revision"] == 2
    assert shown["cursor"] == 2  # the next key goes to the first unlabelled digit
    assert app.success and "Imported 3 labels" in app.success[0].value
    assert app.query_params["semi_labels"] == to_url(typed)


def bad_files(truth):
    _, indices, _, _ = truth
    rows = "\n".join(f"{i},{row}," for i, row in enumerate(indices))
    other_rows = "\n".join(f"{i},{row + 1}," for i, row in enumerate(indices))
    return {
        "malformed.json": (b'{"labels": [1, 2', "not valid JSON"),
        "malformed.csv": (b"a;b;c\n1;2;3\n", "must start with the header"),
        "binary.csv": (b"\xff\xfe\x00\x81", "not a text file"),
        "short.csv": (b"cluster,train_index,label\n0,5,3\n", "has 1 labels"),
        "short.json": (b'{"labels": [1, 2, 3]}', "has 3 labels"),
        "range.json": (('{"labels": [12' + ", null" * (K - 1) + "]}").encode(), "not a digit"),
        "range.csv": (
            ("cluster,train_index,label\n" + rows.replace(",\n", ",-5\n", 1)).encode(),
            "not a digit",
        ),
        "wrong_k.json": (b'{"k": 20, "labels": []}', "made for k = 20"),
        "other_seed.csv": (
            ("cluster,train_index,label\n" + other_rows).encode(),
            "other images",
        ),
    }


def test_each_bad_import_is_refused_and_keeps_the_labels(app_at, truth):
    app = open_page(app_at)
    typed = [2, 9] + [-1] * (K - 2)
    send(app, typed, cursor=2)
    for name, (content, message) in bad_files(truth).items():
        app.file_uploader(key="semi_import").upload(name, content).run()
        assert not app.exception, name
        assert app.error, f"{name}: no error shown"
        assert message in app.error[0].value, (name, app.error[0].value)
        assert grid(app)["labels"] == typed and grid(app)["revision"] == 0, name
        assert app.query_params["semi_labels"] == to_url(typed)
        app.file_uploader(key="semi_import").clear().run()


def test_labels_come_back_from_the_url_with_the_cursor_on_the_first_gap(app_at):
    app = open_page(app_at, {"semi_labels": "31.5" + "." * (K - 4)})
    shown = grid(app)
    assert shown["labels"] == labels_of("31.5" + "." * (K - 4))
    assert shown["cursor"] == 2


def test_a_broken_url_is_ignored_with_a_warning(app_at):
    app = app_at(PAGE)
    app.query_params = {"semi_labels": "3x"}
    app.run()
    assert app.warning and "ignored" in app.warning[0].value
    assert grid(app)["labels"] == [-1] * K


def test_fill_shows_mistakes_view_and_active_round(app_at, truth):
    _, _, _, labels = truth
    app = open_page(app_at)
    wrong = [(labels[0] + 1) % 10, *labels[1:]]  # one deliberate mistake on image 0
    app.button(key="semi_fill").click().run()
    send(app, wrong)  # typed over the filled labels, as the browser sends it
    app.toggle(key="semi_show_truth").set_value(True).run()
    texts = [annotation["text"] for annotation in _annotations(app)]
    assert f"<b>{wrong[0]} (is {labels[0]})</b>" in texts

    app.button(key="semi_fill").click().run()
    app.button(key="semi_active_start").click().run()
    settle(app)
    assert not app.exception
    active = grid(app, ACTIVE)
    assert active["grid"] == f"semi_active:{K}:{SEED}:1" and active["labels"] == [-1] * 10
    assert active["claim"]  # keys go to the new round when it appears
    assert not grid(app)["claim"]
    send(app, [3] + [-1] * 9, cursor=1, key=ACTIVE)
    settle(app)
    assert grid(app, ACTIVE)["labels"][0] == 3
    assert grid(app)["labels"] == labels  # the representatives are untouched
    assert app.metric[0].label.startswith("Partially propagated, with your 1 extra")
    app.button(key="semi_active_start").click().run()  # a new round starts empty
    assert grid(app, ACTIVE)["grid"].endswith(":2") and grid(app, ACTIVE)["labels"] == [-1] * 10


def _annotations(app):
    spec = json.loads(app.get("plotly_chart")[-1].proto.spec)
    return spec["layout"]["annotations"]


def test_a_new_seed_starts_empty_and_does_not_read_the_old_seed_link(app_at):
    app = open_page(app_at)
    send(app, [4, 2] + [-1] * (K - 2), cursor=2)
    app.number_input(key="semi_seed").set_value(7).run()
    assert not app.exception and not app.warning
    assert grid(app)["grid"] == f"semi:{K}:7" and grid(app)["labels"] == [-1] * K
    assert app.query_params["semi_labels"] == "." * K


def test_the_active_round_and_its_hand_labels_live_in_the_link(app_at, truth):
    _, _, _, labels = truth
    app = open_page(app_at, {"semi_labels": to_url(labels)})
    app.button(key="semi_active_start").click().run()
    settle(app)
    rows = app.query_params["semi_active"].split("~")[0]
    assert app.query_params["semi_active"] == rows + "~" + "." * 10
    send(app, [5, -1, 2] + [-1] * 7, cursor=1, key=ACTIVE)
    link = {"semi_labels": to_url(labels), "semi_active": rows + "~5.2......."}
    assert app.query_params["semi_active"] == link["semi_active"]

    again = app_at(PAGE)  # a fresh session from the shared link: it says what came back
    again.query_params = link
    toasts = [toast.value for toast in again.run().toast]
    assert any("the active-learning round, with 2 hand labels" in text for text in toasts)
    settle(again)
    shown = grid(again, ACTIVE)
    assert shown["labels"] == [5, -1, 2] + [-1] * 7 and shown["cursor"] == 1
    assert again.query_params["semi_active"] == link["semi_active"]
    assert again.metric[0].label.startswith("Partially propagated, with your 2 extra")


def test_a_broken_round_in_the_link_is_ignored_with_a_warning(app_at):
    app = open_page(app_at, {"semi_active": "1-2-3~..."})
    assert app.warning and "active-learning labels in the link were ignored" in app.warning[0].value
    assert not [e for e in app.get("bidi_component") if e.key == ACTIVE]
    assert "semi_active" not in app.query_params


def test_a_round_on_labels_of_one_digit_only_says_why_and_starts_nothing(app_at):
    app = open_page(app_at)
    send(app, [7, 7] + [-1] * (K - 2), cursor=2)
    app.button(key="semi_active_start").click().run()
    assert not app.exception
    assert any("fewer than two classes" in warning.value for warning in app.warning)
    assert "semi_active" not in app.query_params
    settle(app)  # no accuracy to compare: the note beside the table says what is missing
    assert any("Label digits of two classes or more" in m.value for m in app.markdown)


def start_round_with_hand_labels(app, hand):
    """Start an active-learning round and type ``hand`` on its grid; the round's link text."""
    app.button(key="semi_active_start").click().run()
    settle(app)
    send(app, hand, cursor=1, key=ACTIVE)
    app.run()  # the download buttons now hold the round too
    return app.query_params["semi_active"]


@pytest.mark.parametrize("name", ["digit-labels.csv", "digit-labels.json"])
def test_the_active_round_round_trips_through_the_exported_file(
    app_at, exported_files, truth, name
):
    _, _, _, labels = truth
    hand = [5, -1, 2] + [-1] * 7
    app = open_page(app_at, {"semi_labels": to_url(labels)})
    link = start_round_with_hand_labels(app, hand)
    assert link.endswith("~5.2.......")
    exported = exported_files[name]

    fresh = open_page(app_at)  # another session, with neither labels nor a round
    fresh.file_uploader(key="semi_import").upload(name, exported).run()
    settle(fresh)
    assert not fresh.exception
    message = fresh.success[0].value.replace("\\", "")  # shown as escaped Markdown
    assert "Imported 50 labels and an active-learning round with 2 hand labels" in message
    assert grid(fresh)["labels"] == labels
    assert grid(fresh, ACTIVE)["labels"] == hand
    assert not grid(fresh, ACTIVE)["claim"]  # keys stay with the representatives
    assert fresh.query_params["semi_active"] == link
    assert fresh.metric[0].label.startswith("Partially propagated, with your 2 extra")


def test_a_malformed_active_round_in_a_file_changes_nothing(app_at, exported_files, truth):
    labels = truth[3]
    app = open_page(app_at, {"semi_labels": to_url(labels)})
    link = start_round_with_hand_labels(app, [5, -1, 2] + [-1] * 7)
    before = (grid(app), grid(app, ACTIVE), dict(app.query_params))
    good = exported_files["digit-labels.csv"].decode()
    document = json.loads(exported_files["digit-labels.json"])
    bad_files = {
        # a round of 9 digits: its last row cut off
        "nine.csv": (good.rsplit("\n", 2)[0] + "\n", "expected 10 different training rows"),
        "past-the-end.csv": (
            good.replace(f"active,{link.split('-')[0]},", "active,1400,"),
            "from 0 to 1399",
        ),
        "bad-label.json": (
            json.dumps({**document, "active": {**document["active"], "labels": ["x"] * 10}}),
            "active-learning digit 0",
        ),
    }
    for name, (content, message) in bad_files.items():
        app.file_uploader(key="semi_import").upload(name, content.encode()).run()
        assert not app.exception, name
        (error,) = [error.value.replace("\\", "") for error in app.error]  # unescaped
        assert error.startswith("Nothing imported") and message in error, (name, error)
        assert (grid(app), grid(app, ACTIVE), dict(app.query_params)) == before, name
        app.file_uploader(key="semi_import").clear().run()


def test_seed_means_average_the_librarys_accuracies_over_the_seeds(truth):
    split = truth[0]
    seeds = (3, 4)
    runs = []
    for seed in seeds:
        chosen, kmeans = representatives(split.X_train, 20, random_state=seed)
        runs.append(
            propagation_accuracies(
                split.X_train, split.X_test, split.y_test, kmeans.transform(split.X_train),
                split.y_train[chosen], percentile=90,
            )
        )  # fmt: skip
    means = semi_fits.seed_means(20, 90, seeds)
    full = [run["propagated"] for run in runs]
    partial = [run["partially propagated"] for run in runs]
    assert means[semi_fits.ROW_PROPAGATED] == pytest.approx(np.mean(full))
    assert means[semi_fits.ROW_PARTIAL] == pytest.approx(np.mean(partial))
    assert means["seeds"] == 2
    assert means["partial ahead"] == sum(p > f for p, f in zip(partial, full, strict=True))


def partial_note(app) -> str:
    [note] = [m.value for m in app.markdown if "labelled digits farthest" in m.value]
    [means] = [m.value for m in app.markdown if m.value.startswith("Averaged over")]
    return note + " " + means


def test_beside_the_table_the_page_says_why_partial_propagation_helps_or_not(app_at, truth):
    split, _, kmeans, labels = truth
    app = open_page(app_at, {"semi_labels": to_url(labels)})
    keep, propagated = partial_training_set(
        kmeans.labels_, kmeans.transform(split.X_train), labels, 99
    )
    left_out = (propagated >= 0) & ~keep
    wrong = int((left_out & (propagated != split.y_train)).sum())
    shown = table(app)
    full, partial = (float(shown[row][:-1]) for row in ROWS_COMPARED)
    note = partial_note(app)
    assert f"leaves out the {left_out.sum()} labelled digits" in note
    assert f"{wrong} of them had borrowed a wrong label, {left_out.sum() - wrong} a right" in note
    assert f"{abs(partial - full):.1f} points {'above' if partial >= full else 'below'}" in note
    assert "Averaged over the k-means seeds 0 to 9 with the true labels (k = 50" in note
    assert re.search(r"scored higher with \d+ of 10 seeds", note)


ROWS_COMPARED = ("propagated to their clusters", "partially propagated")


def test_the_accuracy_chart_uses_no_cluster_colour_and_readable_text(app_at, truth):
    app = open_page(app_at, {"semi_labels": to_url(truth[3])})
    spec = live_chart(app, "semi_accuracy_chart")
    colors = {trace["marker"]["color"].upper() for trace in spec["data"]}
    assert len(colors) == 2 and not colors & {c.upper() for c in PALETTE}
    layout = spec["layout"]
    fonts = [layout["font"], layout["legend"]["font"], layout["xaxis"]["title"]["font"]]
    fonts += [layout[axis]["tickfont"] for axis in ("xaxis", "yaxis")]
    assert min(font["size"] for font in fonts) >= 14  # Streamlit's theme alone gives 12


def test_a_label_change_shows_the_last_results_marked_as_updating_until_retrained(
    app_at, truth
):
    """A rerun caused by a label never waits for the retrain: the table keeps the last
    results, says it is retraining, and a poller brings the new ones."""
    labels = truth[3]
    app = open_page(app_at, {"semi_labels": to_url(labels)})
    before = table(app)
    half = labels[:25] + [-1] * (K - 25)
    send(app, half, cursor=25)  # one rerun: the retrain has not even started (debounce)
    assert table(app) == before
    assert "Retraining on your latest labels..." in [caption.value for caption in app.caption]
    settle(app)
    assert table(app) != before
    assert "Retraining on your latest labels..." not in [c.value for c in app.caption]


def test_before_a_round_the_page_asks_for_labels_only_while_fewer_than_two_are_given(app_at):
    app = open_page(app_at)

    def captions() -> list[str]:
        return [caption.value for caption in app.caption]

    assert "Label at least two representatives first, then start a round." in captions()
    assert app.button(key="semi_active_start").disabled
    send(app, [3, 8] + [-1] * (K - 2), cursor=2)
    assert not app.button(key="semi_active_start").disabled
    assert "Label at least two representatives first, then start a round." not in captions()
    assert any("the button above picks the 10 digits" in text for text in captions())

"""The semi-supervised page, driven like a user with AppTest (no browser)."""

import json
import time

import pytest
from labelling import to_url
from streamlit.runtime.memory_media_file_storage import MemoryMediaFileStorage

from clustering.datasets import load_digits_split
from clustering.semi_supervised import (
    propagation_accuracies,
    representatives,
    training_set_accuracy,
)

PAGE = "views/semi_supervised.py"
K, SEED = 50, 42


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


def press(app, digit):
    app.button(key=f"semi_digit_{digit}").click().run()
    assert not app.exception, app.exception
    return app


def tile_texts(app, k=K):
    return [app.button(key=f"semi_tile_{i}").label for i in range(k)]


def table(app):
    frame = app.dataframe[0].value
    return dict(zip(frame["training set"], frame["test accuracy here"], strict=True))


def test_label_every_representative_with_digit_buttons(app_at, truth):
    split, _, kmeans, labels = truth
    app = open_page(app_at)
    for label in labels:  # the selection moves on by itself after each digit
        press(app, label)
    settle(app)
    assert app.progress[0].proto.text == f"{K}/{K} labelled"
    assert tile_texts(app) == [f"#{i} · {label}" for i, label in enumerate(labels)]
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


def test_undo_and_clear(app_at):
    app = open_page(app_at)
    press(app, 7)
    press(app, 3)
    assert tile_texts(app)[:3] == ["#0 · 7", "#1 · 3", "#2 · ?"]
    app.button(key="semi_undo").click().run()
    assert tile_texts(app)[:2] == ["#0 · 7", "#1 · ?"]
    assert app.button(key="semi_tile_1").proto.type == "primary"  # back on the undone image
    app.button(key="semi_tile_0").click().run()
    app.button(key="semi_clear").click().run()
    assert tile_texts(app)[:2] == ["#0 · ?", "#1 · ?"]
    assert app.progress[0].proto.text == f"0/{K} labelled"
    app.button(key="semi_undo").click().run()
    assert tile_texts(app)[0] == "#0 · 7"


def test_clicking_a_tile_sends_the_next_digit_there(app_at):
    app = open_page(app_at)
    app.button(key="semi_tile_12").click().run()
    press(app, 5)
    texts = tile_texts(app)
    assert texts[12] == "#12 · 5"
    assert all(text.endswith("?") for i, text in enumerate(texts) if i != 12)
    assert app.button(key="semi_tile_13").proto.type == "primary"


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
def test_export_then_import_round_trips(app_at, exported_files, name):
    app = open_page(app_at)
    for digit in (4, 1, 8):
        press(app, digit)
    labelled = tile_texts(app)
    app.run()  # the download buttons now hold the three labels
    data = exported_files[name]
    app.button(key="semi_undo").click().run()
    app.button(key="semi_undo").click().run()
    app.button(key="semi_undo").click().run()
    assert app.progress[0].proto.text == f"0/{K} labelled"

    app.file_uploader(key="semi_import").upload(name, data).run()
    assert not app.exception
    assert tile_texts(app) == labelled
    assert app.success and "Imported 3 labels" in app.success[0].value


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
    for digit in (2, 9):
        press(app, digit)
    before = tile_texts(app)
    for name, (content, message) in bad_files(truth).items():
        app.file_uploader(key="semi_import").upload(name, content).run()
        assert not app.exception, name
        assert app.error, f"{name}: no error shown"
        assert message in app.error[0].value, (name, app.error[0].value)
        assert tile_texts(app) == before, name
        assert app.query_params["semi_labels"] == to_url([2, 9] + [-1] * (K - 2))
        app.file_uploader(key="semi_import").clear().run()


def test_labels_come_back_from_the_url(app_at):
    app = open_page(app_at, {"semi_labels": "31" + "." * (K - 2)})
    assert tile_texts(app)[:3] == ["#0 · 3", "#1 · 1", "#2 · ?"]
    assert app.progress[0].proto.text == f"2/{K} labelled"
    assert app.button(key="semi_tile_2").proto.type == "primary"  # the first unlabelled


def test_a_broken_url_is_ignored_with_a_warning(app_at):
    app = app_at(PAGE)
    app.query_params = {"semi_labels": "3x"}
    app.run()
    assert app.warning and "ignored" in app.warning[0].value
    assert app.progress[0].proto.text == f"0/{K} labelled"


def test_fill_shows_mistakes_view_and_active_round(app_at, truth):
    _, _, _, labels = truth
    app = open_page(app_at)
    press(app, (labels[0] + 1) % 10)  # one deliberate mistake on image 0
    app.button(key="semi_fill").click().run()
    assert tile_texts(app) == [f"#{i} · {label}" for i, label in enumerate(labels)]
    app.button(key="semi_undo").click().run()
    app.toggle(key="semi_show_truth").set_value(True).run()
    texts = [annotation["text"] for annotation in _annotations(app)]
    assert f"<b>{(labels[0] + 1) % 10} (is {labels[0]})</b>" in texts

    app.button(key="semi_fill").click().run()
    app.button(key="semi_active_start").click().run()
    settle(app)
    assert not app.exception
    active = [app.button(key=f"semi_active_tile_{j}") for j in range(10)]
    assert active[0].proto.type == "primary"  # digits now go to the new round
    press(app, 3)
    settle(app)
    assert app.button(key="semi_active_tile_0").label == "3"
    assert app.metric[0].label.startswith("Partially propagated, with your 1 extra")


def _annotations(app):
    spec = json.loads(app.get("plotly_chart")[-1].proto.spec)
    return spec["layout"]["annotations"]

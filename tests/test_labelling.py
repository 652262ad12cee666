"""The label board and its encodings (URL, CSV, JSON), without a server."""

import json
import threading

import pytest
from jobs import LatestJobs
from labelling import (
    UNLABELLED,
    LabelBoard,
    from_url,
    read_labels_file,
    to_csv,
    to_json,
    to_url,
)

ROWS = [11, 22, 33, 44]


def test_assign_moves_to_the_next_unlabelled_and_wraps():
    board = LabelBoard([UNLABELLED, 5, UNLABELLED, UNLABELLED])
    board.select(2)
    board.assign(7)
    assert board.labels == [UNLABELLED, 5, 7, UNLABELLED] and board.selected == 3
    board.assign(1)
    assert board.selected == 0  # wrapped past the end, skipping nothing unlabelled
    board.assign(0)
    assert board.n_labelled == 4 and board.selected == 1  # all labelled: simply the next
    board.select(3)
    board.assign(2)
    assert board.selected == 0


def test_undo_restores_labels_and_cursor_in_reverse_order():
    board = LabelBoard.empty(3)
    board.assign(4)
    board.assign(2)
    board.select(0)
    board.clear()
    board.replace([1, 1, 1])
    for expected in ([UNLABELLED, 2, UNLABELLED], [4, 2, UNLABELLED], [4, UNLABELLED, UNLABELLED]):
        assert board.undo()
        assert board.labels == expected
    assert board.undo() and board.labels == [UNLABELLED] * 3 and board.selected == 0
    assert not board.undo()


def test_from_labels_puts_the_cursor_on_the_first_unlabelled():
    assert LabelBoard.from_labels([3, UNLABELLED, 4]).selected == 1
    assert LabelBoard.from_labels([3, 2]).selected == 0  # all labelled: from the start


def test_board_refuses_bad_edits():
    board = LabelBoard.empty(2)
    with pytest.raises(ValueError, match="0 to 9"):
        board.assign(10)
    with pytest.raises(ValueError, match="no image 2"):
        board.select(2)
    with pytest.raises(ValueError, match="expected 2 labels"):
        board.replace([1])
    assert board.labels == [UNLABELLED, UNLABELLED] and not board.history


@pytest.mark.parametrize("labels", [[3, UNLABELLED, 0, 9], [UNLABELLED] * 4, [1, 2, 3, 4]])
def test_every_encoding_round_trips(labels):
    assert from_url(to_url(labels), len(labels)) == labels
    assert read_labels_file("x.csv", to_csv(labels, ROWS).encode(), ROWS) == labels
    assert read_labels_file("x.JSON", to_json(labels, ROWS, seed=1).encode(), ROWS) == labels


def test_url_form_is_one_character_per_label():
    assert to_url([1, 3, UNLABELLED, 6]) == "13.6"
    with pytest.raises(ValueError, match="holds 3 labels"):
        from_url("13.", 4)
    with pytest.raises(ValueError, match="only hold digits"):
        from_url("13a.", 4)


def test_json_export_names_its_scenario():
    document = json.loads(to_json([2, UNLABELLED, 4, 5], ROWS, seed=7))
    assert document == {"k": 4, "seed": 7, "train_indices": ROWS, "labels": [2, None, 4, 5]}


def test_a_hand_written_csv_with_bom_and_blank_lines_is_read():
    text = "\ufeffcluster,train_index,label\n0,11,3\n1,22,\n\n2,33,-1\n3,44, 8 \n"
    assert read_labels_file("mine.csv", text.encode(), ROWS) == [3, UNLABELLED, UNLABELLED, 8]


@pytest.mark.parametrize(
    ("name", "content", "message"),
    [
        ("labels.txt", b"1,2", "expected a .csv or .json"),
        ("x.csv", b"\xff\xfe\x81", "not a text file"),
        ("x.json", b"[1, 2, 3, 4]", 'needs an object with a "labels" list'),
        ("x.json", b'{"labels": [1, 2, 3, 4], "train_indices": 5}', "must be a list"),
        ("x.json", b'{"labels": [true, 1, 1, 1]}', "not a digit"),
        ("x.json", b'{"labels": [1.5, 1, 1, 1]}', "not a digit"),
        ("x.json", b'{"labels": ["7", 1, 1, 1], "k": 4}', None),
        ("x.csv", b"cluster,train_index,label\n0,11\n", "has 2 cells"),
        ("x.csv", b"cluster,train_index,label\n1,11,1\n0,22,1\n2,33,1\n3,44,1\n", "in order"),
        ("x.csv", b"cluster,train_index,label\n0,11,x\n1,22,1\n2,33,1\n3,44,1\n", "not a digit"),
    ],
)
def test_bad_files_are_refused_with_a_reason(name, content, message):
    if message is None:  # a digit written as a string is still a digit
        assert read_labels_file(name, content, ROWS) == [7, 1, 1, 1]
        return
    with pytest.raises(ValueError, match=message):
        read_labels_file(name, content, ROWS)


def test_latest_jobs_reuses_a_known_result_and_cancels_waiting_ones():
    jobs = LatestJobs(keep=2)
    release = threading.Event()
    blocker = jobs.request("slow", release.wait, 10)
    waiting = jobs.request("a", lambda: "a")
    newest = jobs.request("b", lambda: "b")
    assert waiting.cancelled()  # never started: superseded by "b"
    release.set()
    assert blocker.result(10) and newest.result(10) == "b"
    assert jobs.request("b", lambda: "other") is newest
    again = jobs.request("a", lambda: "a again")  # cancelled before: computed now
    assert again.result(10) == "a again"

"""The label board and its encodings (URL, CSV, JSON), without a server."""

import json
import threading

import pytest
from jobs import LatestJobs
from labelling import (
    UNLABELLED,
    LabelBoard,
    first_unlabelled,
    from_url,
    read_labels_file,
    round_from_url,
    round_to_url,
    to_csv,
    to_json,
    to_url,
)

ROWS = [11, 22, 33, 44]


def test_from_labels_puts_the_cursor_on_the_first_unlabelled():
    assert LabelBoard.from_labels([3, UNLABELLED, 4]).cursor == 1
    assert LabelBoard.from_labels([3, 2]).cursor == 0  # all labelled: from the start
    assert first_unlabelled([UNLABELLED]) == 0


def test_taking_the_same_vector_twice_changes_nothing():
    board = LabelBoard.empty(4)
    assert board.take([7, UNLABELLED, UNLABELLED, UNLABELLED], 1, 0)
    assert not board.take([7, UNLABELLED, UNLABELLED, UNLABELLED], 1, 0)
    assert board == LabelBoard([7, UNLABELLED, UNLABELLED, UNLABELLED], cursor=1)
    assert board.take([7, 2, UNLABELLED, UNLABELLED], 2, 0)  # the next whole vector
    assert board.labels == [7, 2, UNLABELLED, UNLABELLED] and board.cursor == 2


def test_the_last_vector_alone_carries_every_key_typed_before_it():
    """Whole vectors, not deltas: when Streamlit merges the reruns of three quick keys into
    one, that one rerun's vector still holds all three labels, in their places."""
    board = LabelBoard.empty(4)
    assert board.take([1, 2, 3, UNLABELLED], 3, 0)  # the first two vectors never arrived
    assert board.labels == [1, 2, 3, UNLABELLED] and board.cursor == 3


def test_replace_bumps_the_revision_and_puts_the_cursor_on_the_first_unlabelled():
    board = LabelBoard([4, 4, 4, UNLABELLED], cursor=3)
    board.replace([1, UNLABELLED, 2, UNLABELLED])
    assert board == LabelBoard([1, UNLABELLED, 2, UNLABELLED], cursor=1, revision=1)
    board.replace([1, UNLABELLED, 2, UNLABELLED])  # same labels: still a new revision,
    assert board.revision == 2  # so the browser moves its cursor as after an import


def test_a_vector_typed_before_a_replacement_is_dropped_then_typing_goes_on():
    board = LabelBoard.empty(3)
    assert board.take([5, UNLABELLED, UNLABELLED], 1, revision=0)
    board.replace([1, 2, UNLABELLED])  # e.g. an import, while the user types on
    assert not board.take([5, 6, UNLABELLED], 2, revision=0)  # stale: typed over revision 0
    assert board.labels == [1, 2, UNLABELLED] and board.cursor == 2
    assert board.take([1, 2, 9], 0, revision=1)  # the browser adopted revision 1, then typed
    assert board.labels == [1, 2, 9]
    assert not board.take([1, 2, 9], 0, revision=2)  # a revision Python never made


@pytest.mark.parametrize(
    ("labels", "cursor"),
    [
        ([1, 2], 0),  # wrong length
        ([1, 2, 10], 0),  # not a digit
        ([1, 2, -2], 0),
        ([1, True, 3], 0),  # a bool is not a label
        ([1, 2.0, 3], 0),
        ("123", 0),
        (None, 0),
        ([1, 2, 3], 3),  # no image 3
        ([1, 2, 3], -1),
        ([1, 2, 3], None),
        ([1, 2, 3], False),
    ],
)
def test_a_malformed_vector_is_dropped(labels, cursor):
    board = LabelBoard.empty(3)
    assert not board.take(labels, cursor, 0)
    assert board == LabelBoard.empty(3)


def test_replace_refuses_bad_labels_and_keeps_the_old_ones():
    board = LabelBoard([3, UNLABELLED])
    with pytest.raises(ValueError, match="expected 2 labels"):
        board.replace([1])
    with pytest.raises(ValueError, match="got 12"):
        board.replace([1, 12])
    assert board == LabelBoard([3, UNLABELLED])


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


def test_an_active_round_round_trips_through_the_link():
    text = round_to_url([12, 345, 0], [3, UNLABELLED, 7])
    assert text == "12-345-0~3.7"
    assert round_from_url(text, 3, 1400) == ([12, 345, 0], [3, UNLABELLED, 7])


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("12-345-0", "then '~'"),
        ("12-x-0~...", "joined by '-'"),
        ("12--0~...", "joined by '-'"),
        ("12-345~..", "3 different training rows"),
        ("12-12-0~...", "3 different training rows"),
        ("12-345-1400~...", "from 0 to 1399"),
        ("12-345-0~3.", "holds 2 labels for 3"),
        ("12-345-0~3.a", "only hold digits"),
    ],
)
def test_a_bad_round_in_the_link_is_refused_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        round_from_url(text, 3, 1400)

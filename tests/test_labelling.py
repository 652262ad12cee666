"""The label board and its encodings (URL, CSV, JSON), without a server."""

import json
import threading

import pytest
from jobs import LatestJobs
from labelling import (
    ROUND_SIZE,
    UNLABELLED,
    ActiveRound,
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
N_TRAIN = 1400
ROUND = ActiveRound(list(range(100, 100 + ROUND_SIZE)), [3, UNLABELLED, 0] + [9] * 7)


def read(name, content, rows=ROWS):
    """Read a labels file as the page does, for a training set of N_TRAIN digits."""
    return read_labels_file(name, content, rows, n_train=N_TRAIN)


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
    assert read("x.csv", to_csv(labels, ROWS).encode()) == (labels, None)
    assert read("x.JSON", to_json(labels, ROWS, seed=1).encode()) == (labels, None)


@pytest.mark.parametrize("hand", [ROUND.labels, [UNLABELLED] * ROUND_SIZE])
def test_the_active_round_round_trips_through_csv_and_json(hand):
    labels, active = [3, UNLABELLED, 0, 9], ActiveRound(ROUND.rows, hand)
    assert read("x.csv", to_csv(labels, ROWS, active).encode()) == (labels, active)
    assert read("x.json", to_json(labels, ROWS, seed=1, active=active).encode()) == (
        labels,
        active,
    )


def test_the_active_round_is_written_after_the_representatives():
    text = to_csv([1, UNLABELLED, 2, 3], ROWS, ROUND)
    assert text.splitlines()[4:7] == ["3,44,3", "active,100,3", "active,101,"]
    document = json.loads(to_json([1, UNLABELLED, 2, 3], ROWS, seed=7, active=ROUND))
    assert document["active"] == {"train_indices": ROUND.rows, "labels": [3, None, 0] + [9] * 7}


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
    assert read("mine.csv", text.encode()).labels == [3, UNLABELLED, UNLABELLED, 8]


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
        assert read(name, content).labels == [7, 1, 1, 1]
        return
    with pytest.raises(ValueError, match=message):
        read(name, content)


def csv_with_round(rows, labels) -> bytes:
    """A good CSV of the representatives, then ``rows`` and ``labels`` as the round's digits."""
    lines = [f"active,{row},{label}\n" for row, label in zip(rows, labels, strict=True)]
    return (to_csv([1, 2, 3, 4], ROWS) + "".join(lines)).encode()


def json_with_round(active) -> bytes:
    document = json.loads(to_json([1, 2, 3, 4], ROWS, seed=1))
    return json.dumps({**document, "active": active}).encode()


TEN = [str(row) for row in ROUND.rows]
BAD_ROUNDS = {
    "nine digits": (csv_with_round(TEN[:9], "1" * 9), "expected 10 different training rows"),
    "a row twice": (csv_with_round([*TEN[:9], TEN[0]], "1" * 10), "10 different"),
    "a row past the end": (csv_with_round([*TEN[:9], "1400"], "1" * 10), "from 0 to 1399"),
    "a superscript row": (csv_with_round([*TEN[:9], "1²"], "1" * 10), "from 0 to 1399"),
    "a huge row": (csv_with_round([*TEN[:9], "9" * 5000], "1" * 10), "from 0 to 1399"),
    "a label 12": (csv_with_round(TEN, ["12"] + ["1"] * 9), "of active-learning digit 0 is"),
    "JSON: not an object": (json_with_round([1, 2]), 'needs a "train_indices" list'),
    "JSON: labels missing": (json_with_round({"train_indices": ROUND.rows}), '"labels" list'),
    "JSON: a row as a float": (
        json_with_round({"train_indices": [100.0, *ROUND.rows[1:]], "labels": [1] * 10}),
        "different training rows",
    ),
    "JSON: a row as a bool": (
        json_with_round({"train_indices": [True, *ROUND.rows[1:]], "labels": [1] * 10}),
        "different training rows",
    ),
    "JSON: fewer labels than rows": (
        json_with_round({"train_indices": ROUND.rows, "labels": [1] * 9}),
        "has 9 labels for 10 digits",
    ),
    "JSON: a label -3": (
        json_with_round({"train_indices": ROUND.rows, "labels": [-3] + [1] * 9}),
        "not a digit",
    ),
}


@pytest.mark.parametrize("case", BAD_ROUNDS)
def test_a_malformed_active_round_refuses_the_whole_file(case):
    content, message = BAD_ROUNDS[case]
    name = "x.json" if case.startswith("JSON") else "x.csv"
    with pytest.raises(ValueError, match=message):
        read(name, content)


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
        ("12-3²-0~...", "joined by '-'"),
        ("12-" + "9" * 5000 + "-0~...", "joined by '-'"),
    ],
)
def test_a_bad_round_in_the_link_is_refused_with_a_reason(text, message):
    with pytest.raises(ValueError, match=message):
        round_from_url(text, 3, 1400)

"""The labelling grid's Python side: which board a browser vector goes to, and the data sent."""

import pytest
from components.label_grid import grid_data, store
from labelling import UNLABELLED, LabelBoard

EMPTY = [UNLABELLED] * 3


def browser(grid, labels, cursor=0, revision=0):
    """What Streamlit holds for the component after the browser sent a vector."""
    return {"board": {"grid": grid, "revision": revision, "labels": labels, "cursor": cursor}}


@pytest.fixture
def boards():
    return {"semi:3:42": LabelBoard.empty(3), "semi:3:7": LabelBoard.empty(3)}


def test_a_vector_goes_to_the_board_it_names_and_no_other(boards):
    assert store(boards, browser("semi:3:7", [4, UNLABELLED, UNLABELLED], 1))
    assert boards["semi:3:7"].labels == [4, UNLABELLED, UNLABELLED]
    assert boards["semi:3:42"].labels == EMPTY
    assert not store(boards, browser("semi:3:7", [4, UNLABELLED, UNLABELLED], 1))  # idempotent


def test_a_vector_sent_just_before_the_scenario_changed_still_reaches_its_board(boards):
    """The user types on seed 42, then changes the seed at once: the rerun for the new seed
    carries the old grid's last vector, which must land on the seed-42 board."""
    store(boards, browser("semi:3:42", [1, UNLABELLED, UNLABELLED], 1))
    store(boards, browser("semi:3:42", [1, 2, UNLABELLED], 2))  # arrives with the seed change
    assert boards["semi:3:42"].labels == [1, 2, UNLABELLED]
    assert boards["semi:3:7"].labels == EMPTY


@pytest.mark.parametrize(
    "value",
    [
        None,  # the browser has sent nothing yet
        {},
        {"board": None},
        {"board": "123"},
        browser("semi:9:9", [1, 2, 3]),  # a board this session does not have
        browser("semi:3:42", [1, 2, 3], revision=1),  # a revision Python never made
    ],
)
def test_nothing_usable_changes_nothing(boards, value):
    assert not store(boards, value)
    assert all(board == LabelBoard.empty(3) for board in boards.values())


def test_a_replaced_board_drops_the_vector_typed_before_then_takes_the_next(boards):
    board = boards["semi:3:42"]
    board.replace([5, 5, UNLABELLED])  # "Fill", an import, "Clear all"...
    assert not store(boards, browser("semi:3:42", [1, 2, UNLABELLED], revision=0))
    assert board.labels == [5, 5, UNLABELLED]
    assert store(boards, browser("semi:3:42", [5, 5, 8], revision=1))
    assert board.labels == [5, 5, 8]


def test_grid_data_carries_the_board_and_its_revision():
    board = LabelBoard([3, UNLABELLED], cursor=1, revision=4)
    data = grid_data(board, "semi:2:0", ["a", "b"], ["#0", "#1"], "Representatives", False)
    assert data["grid"] == "semi:2:0"
    assert (data["labels"], data["cursor"], data["revision"]) == ([3, UNLABELLED], 1, 4)
    assert data["images"] == ["a", "b"] and data["names"] == ["#0", "#1"]
    assert data["claim"] is False and data["accent"].startswith("#")


def test_grid_data_needs_one_image_and_name_per_label():
    with pytest.raises(ValueError, match="2 labels need as many images and names"):
        grid_data(LabelBoard.empty(2), "g", ["a"], ["#0", "#1"], "t", False)

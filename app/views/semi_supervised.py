"""Semi-supervised labelling: label the representative digits and see what 50 labels are worth."""

from __future__ import annotations

import base64

import numpy as np
import streamlit as st
from components.label_grid import label_board, show_label_grid
from components.live_chart import live_chart
from figures.digits import accuracy_figure, digit_png, label_check_figure
from jobs import DEBOUNCE_SECONDS, LatestJobs, newest_result, shared_pool
from labelling import (
    ROUND_SIZE,
    UNLABELLED,
    ActiveRound,
    LabelBoard,
    from_url,
    read_labels_file,
    round_from_url,
    round_to_url,
    to_csv,
    to_json,
    to_url,
)
from limits import CLUSTERINGS, FIGURES, LEAST_SURE, TILE_SETS
from safe_text import escape_markdown
from semi_fits import (
    LEFT_OUT,
    LEFT_OUT_WRONG,
    ROW_PARTIAL,
    ROW_PROPAGATED,
    ROW_REPS,
    SEEDS,
    label_results,
    seed_means,
    with_hand_labels,
)
from state import scenario

from clustering.datasets import load_digits_split
from clustering.semi_supervised import (
    active_learning_round,
    partial_training_set,
    representatives,
    training_set_accuracy,
)

URL_KEY = "semi_labels"
ROUND_URL_KEY = "semi_active"
GRID_KEY = "semi_grid"
ACTIVE_GRID_KEY = "semi_active_grid"
ROW_RANDOM = "k random labelled instances"
ROW_ALL = "all 1,400 true labels"
# The chapter's results (k = 50, random_state = 42, 99th percentile).
CHAPTER = {
    ROW_RANDOM: 0.748,
    ROW_REPS: 0.849,
    ROW_PROPAGATED: 0.894,
    ROW_PARTIAL: 0.909,
    ROW_ALL: 0.907,
}
CHAPTER_LABEL_ACCURACY = 0.975  # of the partially propagated labels
SMALL_GAP = 0.5  # points of test accuracy: about two of the 397 test digits


@st.cache_resource(show_spinner=False)
def digits():
    return load_digits_split()


@st.cache_resource(show_spinner="Clustering the 1,400 training digits...", max_entries=CLUSTERINGS)
def clustering(k: int, seed: int) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """The representatives' rows, every digit's cluster, and every distance to every centroid."""
    indices, kmeans = representatives(digits().X_train, k, random_state=seed)
    return indices, kmeans.labels_, kmeans.transform(digits().X_train)


@st.cache_resource(show_spinner=False, max_entries=TILE_SETS)
def tile_images(rows: tuple[int, ...]) -> list[str]:
    """The digits as 8x8 PNG data URLs (about 100 bytes each): the browser scales them up
    with square pixels, and they travel inline with the grid's data, no file round trip."""
    X_train = digits().X_train
    return [
        "data:image/png;base64," + base64.b64encode(digit_png(X_train[row], scale=1)).decode()
        for row in rows
    ]


@st.cache_data(show_spinner=False)
def baselines(k: int) -> dict[str, float]:
    """Accuracy with k random labels (the first k: the set is shuffled) and with all labels."""
    X_train, X_test, y_train, y_test = digits()
    return {
        ROW_RANDOM: training_set_accuracy(X_train[:k], y_train[:k], X_test, y_test),
        ROW_ALL: training_set_accuracy(X_train, y_train, X_test, y_test),
    }


@st.cache_resource(show_spinner=False, max_entries=FIGURES)
def accuracy_chart(accuracies: tuple[tuple[str, float], ...]):
    """The accuracy chart, built once per set of results: while someone types, every rerun
    shows the previous results, and building the chart was most of a rerun's time."""
    return accuracy_figure(dict(accuracies), CHAPTER)


def jobs() -> LatestJobs:
    """The server's worker pool: it trains the classifiers while the page stays responsive."""
    return shared_pool()


@st.cache_data(
    show_spinner="Finding the digits the model is least sure about...", max_entries=LEAST_SURE
)
def least_sure(k: int, seed: int, labels_text: str, percentile: int) -> list[int]:
    """The training digits the model trained on partially propagated labels is least sure of."""
    reps, clusters, distances = clustering(k, seed)
    keep, propagated = partial_training_set(
        clusters, distances, from_url(labels_text, k), percentile
    )
    return active_learning_round(
        digits().X_train, keep, propagated, ROUND_SIZE, exclude=reps
    ).tolist()


def latest(slot, job, func, *args):
    """``func(*args)`` and True if the worker pool has it, else the last value shown in ``slot``.

    ``job`` identifies the inputs (equal jobs are computed once, for every
    session). Training waits for a pause in typing (``DEBOUNCE_SECONDS``);
    until the new value is ready, the page shows the previous one (None
    before the first) and a poller reruns the page as soon as it is in.
    """
    future = jobs().request(job, func, *args, delay=DEBOUNCE_SECONDS)
    return newest_result(future, st.session_state.setdefault("semi_shown", {}), slot)


def scenario_board(k: int, seed: int) -> LabelBoard:
    """This scenario's labels, with the browser's latest typing taken in.

    The session's first board comes from the link (if it holds labels), so a
    shared or bookmarked link reopens them; later scenarios start empty.
    """
    return label_board(GRID_KEY, board_grid_id(k, seed), lambda: board_from_link(k, seed))


def board_grid_id(k: int, seed: int) -> str:
    return f"semi:{k}:{seed}"


def board_from_link(k: int, seed: int) -> LabelBoard:
    text = first_look_at_link("semi_link_read", URL_KEY)
    if text is None:
        return LabelBoard.empty(k)
    try:
        board = LabelBoard.from_labels(from_url(text, k))
    except ValueError as error:
        st.warning(f"The labels in the link were ignored: {escape_markdown(str(error))}")
        return LabelBoard.empty(k)
    if board.n_labelled:  # a new session: a reload, a shared link, or a server restart
        st.toast(
            f"Restored from the link: k = {k}, seed {seed} and {board.n_labelled} labels. "
            "If your session was reset (a restarted server), that is all you had.",
            icon=":material/restore:",
        )
    return board


def import_labels(
    k: int, seed: int, board: LabelBoard, active: dict, percentile: int, reps: list[int]
) -> None:
    """Replace the labels (and the active-learning round, if the file has one) by a file's.

    The file is read and checked whole first: a bad one changes nothing.
    """
    upload = st.session_state.get("semi_import")
    if upload is None:
        return
    try:
        found = read_labels_file(
            upload.name, upload.getvalue(), reps, n_train=len(digits().X_train)
        )
    except ValueError as error:
        st.session_state["semi_import_note"] = ("error", f"Nothing imported: {error}")
        return
    board.replace(found.labels)
    message = f"Imported {count_labels(found.labels)} labels"
    if found.active is not None:
        restore_round(k, seed, board, active, percentile, found.active)
        message += (
            f" and an active-learning round with {count_labels(found.active.labels)} hand labels"
        )
    st.session_state["semi_import_note"] = ("success", f"{message} from {upload.name}.")


def count_labels(labels: list[int]) -> int:
    return sum(label != UNLABELLED for label in labels)


def show_board(board: LabelBoard, k: int, seed: int, reps: np.ndarray, truth: list[int]):
    """The representatives' grid, with the two ways Python replaces all labels at once."""
    show_label_grid(
        board,
        key=GRID_KEY,
        grid_id=board_grid_id(k, seed),
        images=tile_images(tuple(reps.tolist())),
        names=[f"#{i}" for i in range(k)],
        title="1. Label each representative: type the digit you see",
    )
    with st.container(horizontal=True, key="semi_board_actions"):
        st.button(
            "Fill with the true labels",
            key="semi_fill",
            shortcut="Shift+F",
            on_click=board.replace,
            args=(truth,),
        )
        st.button(
            "Clear all", key="semi_clear_all", on_click=board.replace, args=([UNLABELLED] * k,)
        )


def show_results(k: int, seed: int, board: LabelBoard, percentile: int) -> None:
    _, clusters, distances = clustering(k, seed)
    # Asked first, so that the table's request is the newer one: the pool serves it first.
    means, _ = latest(("means", k, percentile), (k, percentile), seed_means, k, percentile)
    job = (k, seed, to_url(board.labels), percentile)
    computed, fresh = latest(
        ("table", k, seed), job, label_results, clusters, distances, board.labels, percentile
    )
    if computed is None:
        st.info("Training the classifier on your labels...")
        return
    ours = {**baselines(k), **computed}
    names = [ROW_RANDOM, ROW_REPS, ROW_PROPAGATED, ROW_PARTIAL, ROW_ALL]
    table = {
        "training set": names,
        "test accuracy here": [_percent(ours[name]) for name in names],
        "chapter (k=50, seed 42, 99th pct)": [_percent(CHAPTER[name]) for name in names],
    }
    left, right = st.columns([3, 2])
    left.dataframe(table, hide_index=True, key="semi_results_table")
    left.markdown(
        f"The partially propagated labels themselves are right for "
        f"**{_percent(ours['label accuracy'])}** of the digits they cover "
        f"(the chapter: {CHAPTER_LABEL_ACCURACY:.1%})."
    )
    if not fresh:
        left.caption("Retraining on your latest labels...")
    with left:
        live_chart(
            accuracy_chart(tuple((name, ours[name]) for name in names)),
            key="semi_accuracy_chart",
            config={"displayModeBar": False},
        )
    with right.container(border=True, key="semi_partial_note"):
        explain_partial(seed, percentile, ours)
        explain_seed_means(k, percentile, means)


def explain_partial(seed: int, percentile: int, ours: dict) -> None:
    """Why leaving out the far digits helps or not with this clustering and these labels."""
    st.markdown("**When does leaving out the far digits help?**")
    if ours[LEFT_OUT] == 0:
        st.markdown(
            f"Keeping {percentile}% of each cluster leaves no labelled digit out here, so "
            "both propagated rows train on the same digits."
        )
        return
    gap = (ours[ROW_PARTIAL] - ours[ROW_PROPAGATED]) * 100
    if np.isfinite(gap):
        side = "above" if gap >= 0 else "below"
        outcome = f"Here the partial set scores **{abs(gap):.1f} points {side}** the full one."
    else:
        outcome = "Label digits of two classes or more to compare the two sets."
    points_per_digit = 100 / len(digits().y_test)
    st.markdown(
        f"With seed {seed}, partial propagation leaves out the {ours[LEFT_OUT]} labelled "
        f"digits farthest from their centroids: {ours[LEFT_OUT_WRONG]} of them had borrowed "
        f"a wrong label, {ours[LEFT_OUT] - ours[LEFT_OUT_WRONG]} a right one. Leaving a "
        "digit out only pays when its label was wrong; a far digit with the right label is "
        "often an unusual way of writing it, just what the classifier needs to see. "
        f"{outcome} One test digit is {points_per_digit:.2f} points, so a gap of a point "
        "or two can come and go with the clustering."
    )


def explain_seed_means(k: int, percentile: int, means: dict | None) -> None:
    """Both propagations averaged over several k-means seeds (true labels), against the
    chapter's single run."""
    if means is None:
        st.caption(f"Training on {len(SEEDS)} other clusterings, to average over them...")
        return
    gap = (means[ROW_PARTIAL] - means[ROW_PROPAGATED]) * 100
    chapter_gap = (CHAPTER[ROW_PARTIAL] - CHAPTER[ROW_PROPAGATED]) * 100
    if gap >= SMALL_GAP:
        verdict = "On average it helps here too, as in the chapter."
    elif gap <= -SMALL_GAP:
        verdict = "On average it does not help here."
    else:
        verdict = "On average it makes little difference here."
    full, partial = _percent(means[ROW_PROPAGATED]), _percent(means[ROW_PARTIAL])
    st.markdown(
        f"Averaged over the k-means seeds {SEEDS[0]} to {SEEDS[-1]} with the true labels "
        f"(k = {k}, keeping {percentile}%): full propagation **{full}**, partial "
        f"**{partial}**; the partial set scored higher with "
        f"{means['partial ahead']} of {means['seeds']} seeds. {verdict} The chapter's gain of "
        f"{chapter_gap:.1f} points is one run of another k-means implementation, with "
        "seed 42: a single clustering, like the one above."
    )


def first_look_at_link(flag: str, name: str) -> str | None:
    """Link parameter ``name`` on the session's first look (marked by ``flag``), else None.

    Later in the session the page itself writes the parameter, for another
    scenario perhaps: only the first look reads what the user opened.
    """
    if flag in st.session_state:
        return None
    st.session_state[flag] = True
    return st.query_params.get(name)


def scenario_round(k: int, seed: int, board: LabelBoard, percentile: int) -> dict:
    """This scenario's active-learning round; the session's first may come from the link."""
    active = st.session_state.setdefault("semi_rounds", {}).setdefault((k, seed), {})
    text = first_look_at_link("semi_round_link_read", ROUND_URL_KEY)
    if text is None:
        return active
    try:
        restored = round_from_url(text, ROUND_SIZE, len(digits().X_train))
    except ValueError as error:
        st.warning(
            "The active-learning labels in the link were ignored: " + escape_markdown(str(error))
        )
        return active
    restore_round(k, seed, board, active, percentile, restored)
    st.toast(
        "Restored from the link: the active-learning round, with "
        f"{count_labels(restored.labels)} hand labels.",
        icon=":material/restore:",
    )
    return active


def restore_round(
    k: int, seed: int, board: LabelBoard, active: dict, percentile: int, restored: ActiveRound
) -> None:
    """Start a round on the digits of ``restored`` (from a link or a file), with its labels.

    A restored round does not take the keys: they stay with the representatives.
    """
    start_active_round(k, seed, board, active, percentile, restored.rows)
    active["claim_keys"] = False
    grid_id = round_grid_id(k, seed, active)
    label_board(ACTIVE_GRID_KEY, grid_id, lambda: LabelBoard.from_labels(restored.labels))


def round_board(k: int, seed: int, active: dict) -> LabelBoard | None:
    """The hand labels of this scenario's active-learning round; None before a round starts."""
    if "rows" not in active:
        return None
    grid_id = round_grid_id(k, seed, active)
    return label_board(ACTIVE_GRID_KEY, grid_id, lambda: LabelBoard.empty(len(active["rows"])))


def round_to_save(active: dict, hand: LabelBoard | None) -> ActiveRound | None:
    """The round as the exports write it; None before a round starts."""
    return None if hand is None else ActiveRound(list(active["rows"]), list(hand.labels))


def round_grid_id(k: int, seed: int, active: dict) -> str:
    return f"semi_active:{k}:{seed}:{active['round']}"


def start_active_round(
    k: int, seed: int, board: LabelBoard, active: dict, percentile: int, rows: list | None = None
):
    """Pick the least sure digits (or take ``rows``, from a link) and measure the accuracy
    to beat, before any hand label."""
    _, clusters, distances = clustering(k, seed)
    if rows is None:
        try:
            rows = least_sure(k, seed, to_url(board.labels), percentile)
        except ValueError as error:  # e.g. every label so far is the same digit
            st.session_state["semi_round_note"] = str(error)
            return
    active["rows"] = rows
    active["claim_keys"] = True  # a round the user asked for takes the keys
    active["labels"] = list(board.labels)
    active["round"] = active.get("round", 0) + 1  # a new grid: the browser starts it afresh
    active["before"] = with_hand_labels(
        clusters, distances, board.labels, percentile, rows, [UNLABELLED] * len(rows)
    )


def show_active_round(
    k: int, seed: int, board: LabelBoard, active: dict, hand: LabelBoard | None, percentile: int
):
    st.button(
        "Find the 10 digits the model is least sure about",
        key="semi_active_start",
        shortcut="Shift+A",
        disabled=board.n_labelled < 2,
        on_click=start_active_round,
        args=(k, seed, board, active, percentile),
    )
    note = st.session_state.pop("semi_round_note", None)
    if note is not None:
        st.warning(note)
    if hand is None:
        st.caption(round_hint(board.n_labelled))
        st.query_params.pop(ROUND_URL_KEY, None)
        return
    rows = tuple(active["rows"])
    st.query_params[ROUND_URL_KEY] = round_to_url(rows, hand.labels)
    show_label_grid(
        hand,
        key=ACTIVE_GRID_KEY,
        grid_id=round_grid_id(k, seed, active),
        images=tile_images(rows),
        names=[f"#{i}" for i in range(len(rows))],
        title="Least sure digits",
        claim_keys=active["claim_keys"],
    )
    _, clusters, distances = clustering(k, seed)
    job = (k, seed, to_url(active["labels"]), percentile, rows, to_url(hand.labels))
    after, fresh = latest(
        ("active", k, seed), job, with_hand_labels,
        clusters, distances, active["labels"], percentile, rows, list(hand.labels),
    )  # fmt: skip
    if after is None:
        st.info("Training the classifier with your extra labels...")
        return
    gain = (after - active["before"]) * 100
    st.metric(
        f"Partially propagated, with your {hand.n_labelled} extra labels",
        _percent(after),
        delta=f"{gain:+.1f} points" if np.isfinite(gain) else None,
        help=f"Before this round: {_percent(active['before'])}.",
    )
    if not fresh:
        st.caption("Retraining on your latest labels...")


def round_hint(n_labelled: int) -> str:
    """What to do before an active-learning round exists, for this many labels given."""
    if n_labelled < 2:
        return "Label at least two representatives first, then start a round."
    return "No round yet: the button above picks the 10 digits to label next."


def _percent(value: float) -> str:
    return f"{value:.1%}" if np.isfinite(value) else "—"


st.title("Semi-supervised labelling")
# Projector first: the title, one row of scenario controls, then the grid; the
# introduction follows the grid, so that the tiles fit a 1280x720 screen.
controls = st.columns(3)
k = controls[0].slider("Clusters k (= labels you give)", 10, 100, 50, 10, **scenario("semi_k"))
seed = controls[1].number_input(
    "k-means seed", 0, 9999, 42, **scenario("semi_seed", within=(0, 9999))
)
percentile = controls[2].slider(
    "Keep the closest % of each cluster",
    50,
    100,
    99,
    help="Partial propagation: in each cluster, the digits farthest from the centroid "
    "beyond this share are left out of training.",
    **scenario("semi_percentile"),
)

data = digits()
reps, _, _ = clustering(k, seed)
board = scenario_board(k, seed)
active = scenario_round(k, seed, board, percentile)
truth = data.y_train[reps].tolist()
st.query_params[URL_KEY] = to_url(board.labels)

show_board(board, k, seed, reps, truth)
st.caption(
    "Type the digit you see (keys 0-9) or tap it on the pad: it goes to the highlighted "
    "tile, which then moves on to the next unlabelled one. Click or tap a tile to pick "
    "it; ← → move, Backspace clears, U or Ctrl+Z undoes, Shift+U or Ctrl+Shift+Z redoes. "
    "Keys go to the grid you touched last (it says so above its tiles) and pause while "
    "a slider or text box has focus."
)
st.markdown(
    """
Labels cost time; clustering is free. The page clusters the 1,400 training digits
into k groups and shows you one digit per group, the one closest to its centroid:
its **representative**. Label only those, and every digit in a group can borrow
its representative's label. The chapter gets from 75% to about 90% test accuracy
that way with just 50 labels.
"""
)

st.subheader("2. What your labels are worth")
st.markdown(
    "Each row trains the chapter's classifier, a logistic regression, on a different "
    "training set and scores it on the 397 test digits. Look for the jump from random "
    "labels to representatives, and another from propagating them. Our k-means groups "
    "the digits differently from the chapter's run, so our figures differ a little; the "
    "note beside the table compares the two propagations over several seeds."
)
show_results(k, seed, board, percentile)
if st.toggle("Show where my labels differ from the truth", key="semi_show_truth"):
    st.plotly_chart(
        label_check_figure(data.X_train[reps], board.labels, truth),
        key="semi_truth_chart",
        config={"displayModeBar": False},
    )

st.subheader("3. Beyond the chapter: one round of active learning")
st.markdown(
    "Train on your partially propagated labels, then ask which training digits the "
    "model is least sure about (lowest top class probability). Those are the labels "
    "worth adding by hand; click one and type its digit, and watch the accuracy move."
)
hand = round_board(k, seed, active)
show_active_round(k, seed, board, active, hand, percentile)
saved_round = round_to_save(active, hand)

st.subheader("Save or load your labels")
st.caption(
    "Your labels, and the active-learning round's, also live in the page's link: "
    "bookmark it to come back to them. The files hold both too."
)
files = st.columns(3)
files[0].download_button(
    "Export CSV",
    to_csv(board.labels, reps, saved_round),
    "digit-labels.csv",
    "text/csv",
    key="semi_export_csv",
    on_click="ignore",
)
files[1].download_button(
    "Export JSON",
    to_json(board.labels, reps, seed=seed, active=saved_round),
    "digit-labels.json",
    "application/json",
    key="semi_export_json",
    on_click="ignore",
)
files[2].file_uploader(
    "Import labels (CSV or JSON exported here)",
    type=["csv", "json"],
    key="semi_import",
    on_change=import_labels,
    args=(k, seed, board, active, percentile, reps.tolist()),
)
note = st.session_state.pop("semi_import_note", None)
if note is not None:
    (st.error if note[0] == "error" else st.success)(escape_markdown(note[1]))

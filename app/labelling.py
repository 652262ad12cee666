"""The user's digit labels on the semi-supervised page: the board, the URL, files.

Pure Python, no Streamlit, so every rule here is tested without a server.

The typing itself happens in the browser (``components/label_grid.js``):
each key is applied there at once, and the browser sends the whole label
vector back. A :class:`LabelBoard` is Python's copy of that vector. It changes
in two ways only, and a revision number keeps them apart:

- :meth:`LabelBoard.take` stores a vector the browser sent, but only if the
  browser had seen this board's latest revision (otherwise the vector was
  typed over labels that Python has since replaced, and is dropped). Taking
  the same vector twice changes nothing, so a merged or repeated rerun is
  harmless.
- :meth:`LabelBoard.replace` is Python replacing the labels (an import, the
  true labels, clear all): it bumps the revision, which tells the browser to
  adopt the new labels once, and puts the cursor on the first unlabelled image.

Three encodings of the same labels, one per use. Each holds the
representatives' labels and, once one is started, the active-learning round
(:class:`ActiveRound`: the training rows shown and their hand labels):

- the URL: one character per representative, ``'0'``-``'9'`` or ``'.'`` for
  unlabelled (``"13.6"``), short enough for a query parameter; the round is a
  second parameter, its training rows then their labels (``"12-345~3."``);
- CSV: ``cluster,train_index,label``, one row per representative, for a
  spreadsheet; the round's digits follow, with ``active`` as their cluster;
- JSON: ``{"k", "seed", "train_indices", "labels"}``, ``null`` for unlabelled,
  and ``"active": {"train_indices", "labels"}`` for the round.

Reading any of them checks everything, the round included, before anything
changes: a bad file raises :class:`ValueError` with a message for the user,
and the page touches nothing unless the whole file is good.
"""

from __future__ import annotations

import csv
import io
import json
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any, NamedTuple

from limits import LABELS_MAX_BYTES
from safe_text import shorten

UNLABELLED = -1
N_CLASSES = 10
URL_UNLABELLED = "."
CSV_HEADER = ["cluster", "train_index", "label"]
ROUND_SIZE = 10  # digits shown in an active-learning round
CSV_ROUND = "active"  # the cluster cell of an active-learning digit in the CSV
MAX_ROW_DIGITS = 9  # a training row written with more digits is refused unread


class ActiveRound(NamedTuple):
    """An active-learning round: the training rows it showed, and their hand labels."""

    rows: list[int]
    labels: list[int]


class LabelsFile(NamedTuple):
    """What an exported file holds: the representatives' labels, and the round if any."""

    labels: list[int]
    active: ActiveRound | None


@dataclass
class LabelBoard:
    """Python's copy of the labels typed in for a row of images.

    Attributes
    ----------
    labels : list of int
        ``labels[i]`` is the label of image ``i``, -1 while unlabelled.
    cursor : int
        The image the next digit goes to.
    revision : int
        How many times Python has replaced the labels; the browser adopts
        Python's labels only when this differs from the revision it last saw.
    """

    labels: list[int]
    cursor: int = 0
    revision: int = 0

    @classmethod
    def empty(cls, size: int) -> LabelBoard:
        return cls([UNLABELLED] * size)

    @classmethod
    def from_labels(cls, labels: Sequence[int]) -> LabelBoard:
        """A board holding ``labels``, the cursor on the first unlabelled image."""
        labels = list(labels)
        return cls(labels, first_unlabelled(labels))

    @property
    def n_labelled(self) -> int:
        return sum(label != UNLABELLED for label in self.labels)

    def replace(self, labels: Sequence[int]) -> None:
        """Take all labels at once from Python (an import, the true labels, clear all).

        The revision goes up so that the browser adopts them, and the cursor
        goes to the first unlabelled image, where the next key should land.
        """
        labels = _checked_labels(labels, len(self.labels))
        self.labels, self.cursor = labels, first_unlabelled(labels)
        self.revision += 1

    def take(self, labels: Any, cursor: Any, revision: Any) -> bool:
        """Store the label vector the browser sent; True if anything changed.

        Parameters
        ----------
        labels : list of int
            The browser's whole vector, -1 for unlabelled.
        cursor : int
            The browser's selected image.
        revision : int
            The board revision the browser had adopted when it made this
            vector. An older one means Python replaced the labels after the
            browser typed them: the vector is stale and is dropped.

        Returns
        -------
        bool
            False when the vector is stale, malformed or already stored.
        """
        if revision != self.revision or not _is_index(cursor, len(self.labels)):
            return False
        try:
            labels = _checked_labels(labels, len(self.labels))
        except ValueError:
            return False
        if labels == self.labels and cursor == self.cursor:
            return False
        self.labels, self.cursor = labels, cursor
        return True


def first_unlabelled(labels: Sequence[int]) -> int:
    """Index of the first unlabelled image; 0 when all are labelled."""
    return next((i for i, label in enumerate(labels) if label == UNLABELLED), 0)


def _is_index(value: Any, size: int, start: int = 0) -> bool:
    """True if ``value`` is an int (not a bool) from ``start`` to ``start + size - 1``."""
    return isinstance(value, int) and not isinstance(value, bool) and start <= value < start + size


def _checked_labels(labels: Any, size: int) -> list[int]:
    """``labels`` as a new list, or ValueError unless ``size`` labels, each -1 or 0-9."""
    if not isinstance(labels, Sequence) or isinstance(labels, str) or len(labels) != size:
        raise ValueError(f"expected {size} labels.")
    bad = [label for label in labels if not _is_index(label, N_CLASSES + 1, start=UNLABELLED)]
    if bad:
        raise ValueError(f"a label is -1 (unlabelled) or a digit 0 to 9, got {bad[0]!r}.")
    return list(labels)


def to_url(labels: Sequence[int]) -> str:
    """``[1, 3, -1, 6]`` -> ``"13.6"``."""
    return "".join(URL_UNLABELLED if label == UNLABELLED else str(label) for label in labels)


def from_url(text: str, k: int) -> list[int]:
    """Read labels written by :func:`to_url`; ValueError unless ``k`` valid characters."""
    if len(text) != k:
        raise ValueError(
            f"the link holds {len(text)} labels but the page has k = {k} representatives."
        )
    bad = sorted(set(text) - set("0123456789" + URL_UNLABELLED))
    if bad:
        raise ValueError(f"the link's labels may only hold digits and '.', found {bad!r}.")
    return [UNLABELLED if char == URL_UNLABELLED else int(char) for char in text]


def round_to_url(rows: Sequence[int], labels: Sequence[int]) -> str:
    """An active-learning round for the link: its training rows, ``~``, their labels.

    ``[12, 345], [3, -1]`` -> ``"12-345~3."``.
    """
    return "-".join(str(int(row)) for row in rows) + "~" + to_url(labels)


def round_from_url(text: str, size: int, n_train: int) -> ActiveRound:
    """Read a round written by :func:`round_to_url`: ``size`` distinct rows below ``n_train``.

    Raises
    ------
    ValueError
        With a message for the user, when anything in ``text`` is off.
    """
    rows_text, tilde, labels_text = text.partition("~")
    rows = [_row_number(part) for part in rows_text.split("-")]
    if not tilde or None in rows:
        raise ValueError("expected training rows joined by '-', then '~', then their labels.")
    _check_round_rows(rows, size, n_train)
    if len(labels_text) != size:
        raise ValueError(f"the link holds {len(labels_text)} labels for {size} digits.")
    return ActiveRound(rows, from_url(labels_text, size))


def _row_number(text: str) -> int | None:
    """A training row written in ASCII digits as an int; None for anything else.

    ``str.isdigit`` alone would pass '²' or '٣', and thousands of digits
    would make ``int`` slow or refuse: both are None here.
    """
    if text.isascii() and text.isdigit() and len(text) <= MAX_ROW_DIGITS:
        return int(text)
    return None


def _check_round_rows(rows: list, size: int, n_train: int) -> None:
    """ValueError unless ``rows`` are ``size`` different training rows, 0 to ``n_train - 1``."""
    if (
        len(rows) != size
        or not all(_is_index(row, n_train) for row in rows)
        or len(set(rows)) != size
    ):
        raise ValueError(f"expected {size} different training rows from 0 to {n_train - 1}.")


def to_csv(
    labels: Sequence[int], train_indices: Sequence[int], active: ActiveRound | None = None
) -> str:
    """One row per representative: its cluster, its row in the training set, its label.

    The digits of the ``active`` round follow, one row each, ``active`` in
    place of a cluster.
    """
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\n")
    writer.writerow(CSV_HEADER)
    for cluster, (index, label) in enumerate(zip(train_indices, labels, strict=True)):
        writer.writerow([cluster, int(index), _csv_cell(label)])
    for row, label in zip(*(active or ([], [])), strict=True):
        writer.writerow([CSV_ROUND, int(row), _csv_cell(label)])
    return out.getvalue()


def _csv_cell(label: int) -> str | int:
    return "" if label == UNLABELLED else label


def to_json(
    labels: Sequence[int],
    train_indices: Sequence[int],
    *,
    seed: int,
    active: ActiveRound | None = None,
) -> str:
    """The labels with the scenario they belong to (k, seed, representatives), and the
    ``active`` round, if there is one."""
    document: dict[str, Any] = {
        "k": len(labels),
        "seed": seed,
        **_json_labels(train_indices, labels),
    }
    if active is not None:
        document["active"] = _json_labels(*active)
    return json.dumps(document, indent=1)


def _json_labels(rows: Sequence[int], labels: Sequence[int]) -> dict[str, list]:
    return {
        "train_indices": [int(row) for row in rows],
        "labels": [None if label == UNLABELLED else label for label in labels],
    }


def read_labels_file(
    name: str, data: bytes, train_indices: Sequence[int], *, n_train: int
) -> LabelsFile:
    """Labels from an exported CSV or JSON file, checked against this page's representatives.

    The size is checked before anything is parsed, and every way a file can be
    malformed (not text, broken CSV or JSON, too deeply nested, numbers too
    long to read, other images, another k, a label that is not a digit, an
    active-learning round with the wrong number of digits or rows that are
    not training rows) is a :class:`ValueError` with a sentence for the user,
    never Python's own. Messages quote only a short, cut piece of what the
    file holds: the page shows them as plain text.

    Parameters
    ----------
    name : str
        The file's name; its extension (.csv or .json) says how to read it.
    data : bytes
        The file's content.
    train_indices : sequence of int
        The representatives shown now: the file must have one label for each,
        made for these same images.
    n_train : int
        How many training digits there are: an active-learning round in the
        file must show ``ROUND_SIZE`` different ones of them.

    Returns
    -------
    LabelsFile
        The representatives' labels, and the active-learning round or None
        (a file exported before any round, or written by hand without one).

    Raises
    ------
    ValueError
        With a message for the user.
    """
    shown_name = shorten(name, MAX_SHOWN_NAME)
    if len(data) > LABELS_MAX_BYTES:
        raise ValueError(
            f"{shown_name} is {len(data) / 1024:,.0f} KB; a labels file exported here is a few KB "
            f"(the limit is {LABELS_MAX_BYTES // 1024} KB). Choose the CSV or JSON file you "
            "exported from this page."
        )
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError:
        raise ValueError(f"{shown_name} is not a text file (expected UTF-8 CSV or JSON).") from None
    if name.lower().endswith(".json"):
        cells, indices, active = _parse_json(text, len(train_indices))
    elif name.lower().endswith(".csv"):
        cells, indices, active = _parse_csv(text)
    else:
        raise ValueError(f"{shown_name}: expected a .csv or .json file exported from this page.")
    labels = _check_labels(cells, indices, train_indices)
    return LabelsFile(labels, None if active is None else _check_active(*active, n_train))


MAX_SHOWN_VALUE = 20
MAX_SHOWN_NAME = 80


def quoted(value: object) -> str:
    """A value from the file as a short quotation for a message: its repr, cut."""
    return shorten(repr(value), MAX_SHOWN_VALUE)


# What a parser found, unchecked: the label cells, the representatives' training rows
# (None if the file does not say), and the round's (label cells, training rows) or None.
Parsed = tuple[list, list | None, tuple[list, list] | None]


def _parse_json(text: str, k: int) -> Parsed:
    try:
        document = json.loads(text)
    except json.JSONDecodeError as error:
        problem = f"{error.msg}, line {error.lineno}"
        raise ValueError(f"the file is not valid JSON ({problem}).") from None
    except RecursionError:
        raise ValueError(
            "the JSON file is nested far too deeply to be a labels file exported here."
        ) from None
    except ValueError:  # an integer with thousands of digits
        raise ValueError(
            "the JSON file holds a number too long to read; a labels file holds digits 0-9."
        ) from None
    if not isinstance(document, dict) or not isinstance(document.get("labels"), list):
        raise ValueError('the JSON file needs an object with a "labels" list.')
    if "k" in document and document["k"] != k:
        raise ValueError(
            f"the file was made for k = {quoted(document['k'])}, but the page has k = {k}: "
            "set k to match, then import again."
        )
    indices = document.get("train_indices")
    if indices is not None and not isinstance(indices, list):
        raise ValueError('"train_indices" in the JSON file must be a list.')
    return document["labels"], indices, _json_round(document.get("active"))


def _json_round(part: object) -> tuple[list, list] | None:
    """The ``"active"`` part of a JSON file as (label cells, rows), or None if absent."""
    if part is None:
        return None
    if not (
        isinstance(part, dict)
        and isinstance(part.get("train_indices"), list)
        and isinstance(part.get("labels"), list)
    ):
        raise ValueError(
            'the JSON file\'s "active" part needs a "train_indices" list and a "labels" list.'
        )
    return part["labels"], part["train_indices"]


def _parse_csv(text: str) -> Parsed:
    # splitlines: a file saved with old Mac line ends (CR only) reads like any other.
    reader = csv.reader(text.splitlines(), strict=True)
    try:
        rows = list(reader)
    except csv.Error as error:
        raise ValueError(
            f"line {reader.line_num} of the CSV file cannot be read ({_csv_problem(error)})."
        ) from None
    if not rows or [cell.strip() for cell in rows[0]] != CSV_HEADER:
        raise ValueError(f"the CSV file must start with the header {','.join(CSV_HEADER)}.")
    body = [row for row in rows[1:] if row]
    for line, row in enumerate(body, start=2):
        if len(row) != len(CSV_HEADER):
            raise ValueError(f"line {line} of the CSV file has {len(row)} cells, expected 3.")
    active = [row for row in body if row[0].strip() == CSV_ROUND]
    representatives = [row for row in body if row[0].strip() != CSV_ROUND]
    clusters = [row[0].strip() for row in representatives]
    if clusters != [str(cluster) for cluster in range(len(representatives))]:
        raise ValueError(
            "the CSV rows must list clusters 0, 1, 2 ... in order, once each "
            f"(and {CSV_ROUND!r} for the digits of an active-learning round)."
        )
    labels, indices = _csv_columns(representatives)
    return labels, indices, _csv_columns(active) if active else None


def _csv_columns(rows: list[list[str]]) -> tuple[list, list]:
    """The label cells (None where empty) and the training rows of CSV ``rows``."""
    return [row[2].strip() or None for row in rows], [row[1].strip() for row in rows]


def _csv_problem(error: csv.Error) -> str:
    """Python's CSV error in a person's words."""
    message = str(error)
    if "end of data" in message or "expected" in message:
        return 'a quote (") is opened and never closed, or stray text follows a closing quote'
    if "field larger" in message:
        return "a cell is far too long"
    return "it is not plain comma-separated text"


def _check_labels(raw: list, indices: list | None, train_indices: Sequence[int]) -> list[int]:
    """Turn raw label cells into ints, after checking count, images and range."""
    k = len(train_indices)
    if len(raw) != k:
        raise ValueError(
            f"the file has {len(raw)} labels but the page has k = {k} representatives: "
            "it was made for another k."
        )
    if indices is not None and [str(i) for i in indices] != [str(i) for i in train_indices]:
        raise ValueError(
            "the file labels other images than the representatives shown (another seed "
            "or k?): set the same k and seed as when you exported, then import again."
        )
    return [_label_from_cell(cell, f"cluster {position}") for position, cell in enumerate(raw)]


def _check_active(cells: list, rows: list, n_train: int) -> ActiveRound:
    """The active-learning round of a file, checked as the link's is (:func:`round_from_url`)."""
    if len(cells) != len(rows):
        raise ValueError(
            f"the active-learning round in the file has {len(cells)} labels for {len(rows)} digits."
        )
    rows = [_row_number(row) if isinstance(row, str) else row for row in rows]
    try:
        _check_round_rows(rows, ROUND_SIZE, n_train)
    except ValueError as error:
        raise ValueError(f"the active-learning round in the file: {error}") from None
    labels = [
        _label_from_cell(cell, f"active-learning digit {position}")
        for position, cell in enumerate(cells)
    ]
    return ActiveRound(rows, labels)


DIGITS = "0123456789"


def _label_from_cell(cell: object, where: str) -> int:
    """A label cell (JSON value or CSV text) as an int 0-9, or UNLABELLED.

    ``where`` names the cell's digit in the message, e.g. "cluster 3".
    """
    if cell is None or cell == UNLABELLED or cell == str(UNLABELLED):
        return UNLABELLED
    if isinstance(cell, str) and len(cell) == 1 and cell in DIGITS:  # not '²' or '٣'
        return int(cell)
    if isinstance(cell, bool) or not isinstance(cell, int) or not 0 <= cell < N_CLASSES:
        raise ValueError(
            f"label {quoted(cell)} of {where} is not a digit 0-9 (leave it empty, "
            "or null in JSON, for unlabelled)."
        )
    return cell

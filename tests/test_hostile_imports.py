"""Malformed and hostile label files: a message in a person's words, and no label lost.

Each file here is one a careless or hostile user could upload instead of an
export: too big, broken CSV or JSON in ways Python's own readers report in
their own words (or with a traceback), labels that only look like digits, and
Markdown in the file's name or content.
"""

import pytest
from labelling import UNLABELLED, read_labels_file, to_csv, to_url
from limits import LABELS_MAX_BYTES
from test_hostile_links import HOSTILE, assert_no_live_markup

from clustering.datasets import load_digits_split
from clustering.semi_supervised import representatives

ROWS = [11, 22, 33, 44]
N_TRAIN = 1400
HEADER = "cluster,train_index,label\n"
GOOD_CSV = to_csv([1, 2, UNLABELLED, 4], ROWS)


def csv_rows(labels: list[str]) -> str:
    return HEADER + "".join(f"{i},{row},{label}\n" for i, (row, label) in
                            enumerate(zip(ROWS, labels, strict=True)))


BAD_FILES = {
    # name: (content, words the message must hold)
    "huge.csv": (GOOD_CSV.encode() + b"#" * LABELS_MAX_BYTES, "the limit is 64 KB"),
    "old-mac.csv": (GOOD_CSV.replace("\n", "\r").replace("3,44,4", "3,44,x").encode(),
                    "not a digit"),
    "long-field.csv": (HEADER.encode() + b"0,11," + b"7" * 60_000 + b"\n", "has 1 labels"),
    "deep.json": (b'{"labels": ' + b"[" * 30_000 + b"]" * 30_000 + b"}", "nested far too deeply"),
    "superscript.csv": (csv_rows(["1", "²", "3", "4"]).encode(), "not a digit"),
    "arabic-digit.csv": (csv_rows(["1", "٣", "3", "4"]).encode(), "not a digit"),
    "many-digits.json": (('{"labels": [1, 2, 3, ' + "9" * 5000 + "]}").encode(),
                         "number too long"),
    "many-digits.csv": (csv_rows(["1", "2", "3", "9" * 5000]).encode(), "not a digit"),
    "open-quote.csv": (HEADER.encode() + b'0,11,"3\n1,22,4\n2,33,5\n3,44,6\n',
                       "never closed"),
    "stray-quote.csv": (HEADER.encode() + b'0,11,"3"x\n1,22,4\n2,33,5\n3,44,6\n',
                        "never closed"),
}


@pytest.mark.parametrize("name", BAD_FILES)
def test_each_malformed_file_gets_a_message_in_words(name):
    content, words = BAD_FILES[name]
    with pytest.raises(ValueError, match=words) as caught:
        read_labels_file(name, content, ROWS, n_train=N_TRAIN)
    message = str(caught.value)
    assert "Traceback" not in message and "sys.set_int_max_str_digits" not in message
    assert len(message) < 400  # quotes of the file are cut short


def test_a_cr_only_csv_from_an_old_mac_reads_like_any_other():
    content = GOOD_CSV.replace("\n", "\r").encode()
    assert read_labels_file("old-mac.csv", content, ROWS, n_train=N_TRAIN).labels == [
        1, 2, UNLABELLED, 4
    ]


def test_the_size_cap_is_checked_before_the_file_is_decoded():
    # Not UTF-8 and too big: the size is the reason given, so nothing was parsed.
    with pytest.raises(ValueError, match="KB"):
        read_labels_file("x.csv", b"\xff" * (LABELS_MAX_BYTES + 1), ROWS, n_train=N_TRAIN)


def test_a_file_right_at_the_cap_is_still_read():
    content = GOOD_CSV.encode()
    padded = content + b"\n" * (LABELS_MAX_BYTES - len(content))
    assert read_labels_file("x.csv", padded, ROWS, n_train=N_TRAIN).labels == [
        1, 2, UNLABELLED, 4
    ]


def test_quotes_of_the_file_in_messages_are_short():
    with pytest.raises(ValueError) as caught:
        long_k = ('{"k": "' + "k" * 10_000 + '", "labels": []}').encode()
        read_labels_file("x.json", long_k, ROWS, n_train=N_TRAIN)
    assert "k = 'kkkk" in str(caught.value) and len(str(caught.value)) < 200


# -- the page: messages as text, labels kept -------------------------------------------

K, SEED = 50, 42
PAGE = "views/semi_supervised.py"


@pytest.fixture(scope="module")
def representative_rows():
    split = load_digits_split()
    return representatives(split.X_train, K, random_state=SEED)[0].tolist()


def hostile_files(rows):
    labels_with_markup = to_csv([3] + [UNLABELLED] * (K - 1), rows).replace(
        f"0,{rows[0]},3", f"0,{rows[0]},{HOSTILE.replace(',', ' ')}"
    )
    return {
        f"{HOSTILE}.csv": b"not, a, labels, file",  # the name is user text
        "cell.csv": labels_with_markup.encode(),  # so is a cell
        "k.json": ('{"k": "' + HOSTILE + '", "labels": []}').encode(),  # and a JSON value
        "big.csv": b"0" * (LABELS_MAX_BYTES + 1),
        "deep.json": b"[" * 50_000,
        "open-quote.csv": b'cluster,train_index,label\n0,1,"2\n',
    }


def test_bad_imports_on_the_page_show_text_and_keep_the_labels(app_at, representative_rows):
    labels = "31" + "." * (K - 2)
    app = app_at(PAGE)
    app.query_params = {"semi_labels": labels}
    app.run()
    for name, content in hostile_files(representative_rows).items():
        app.file_uploader(key="semi_import").upload(name, content).run()
        assert not app.exception, name
        (error,) = [error.value for error in app.error]
        assert error.startswith("Nothing imported"), (name, error)
        assert_no_live_markup(error)
        assert app.query_params["semi_labels"] == labels, name  # the board is unchanged
        app.file_uploader(key="semi_import").clear().run()


def test_a_good_import_with_a_hostile_name_shows_the_name_as_text(app_at, representative_rows):
    app = app_at(PAGE).run()
    good = to_csv([5] + [UNLABELLED] * (K - 1), representative_rows).encode()
    app.file_uploader(key="semi_import").upload(f"{HOSTILE}.csv", good).run()
    assert not app.exception
    (success,) = [success.value for success in app.success]
    assert "Imported 1 labels" in success
    assert_no_live_markup(success)
    assert app.query_params["semi_labels"] == to_url([5] + [UNLABELLED] * (K - 1))

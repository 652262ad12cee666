"""Reading and preparing a user's table: every bad file refused with a message, good ones used."""

import io
import re

import numpy as np
import pandas as pd
import pytest
import sklearn.decomposition
import sklearn.preprocessing
from components.click_plane import reported_points
from limits import (
    DRAWN_MAX_POINTS,
    URL_VALUE_MAX_CHARS,
    YOUR_DATA_MAX_BYTES,
    YOUR_DATA_MAX_CLASSES,
    YOUR_DATA_MAX_ROWS,
    YOUR_DATA_WORKING_ROWS,
)
from your_data import (
    DataProblem,
    clustered_csv,
    decode_points,
    encode_points,
    prepare,
    read_table,
)

GOOD = b"a,b,c,label\n1,10,100,x\n2,20,300,y\n3,35,200,x\n4,41,500,y\n"


def table_of(rows: int, seed: int = 0) -> pd.DataFrame:
    rng = np.random.default_rng(seed)
    return pd.DataFrame(
        {
            "a": rng.normal(size=rows),
            "b": 1000 * rng.normal(size=rows),
            "label": rng.integers(3, size=rows),
        }
    )


def test_a_good_csv_is_read_with_its_types():
    table = read_table(GOOD, "data.csv")
    assert list(table.columns) == ["a", "b", "c", "label"]
    assert table["c"].tolist() == [100, 300, 200, 500]


@pytest.mark.parametrize(
    ("data", "name"),
    [
        (b"\xef\xbb\xbf" + GOOD, "bom.csv"),  # UTF-8 with a byte-order mark
        (GOOD.decode().encode("utf-16"), "utf16.csv"),  # UTF-16 with its mark
        (GOOD.replace(b",", b"\t"), "data.tsv"),
        (GOOD.replace(b",", b";"), "semicolons.csv"),
        (GOOD.replace(b"\n", b"\r\n"), "windows.csv"),
    ],
)
def test_encodings_and_separators_give_the_same_table(data, name):
    pd.testing.assert_frame_equal(read_table(data, name), read_table(GOOD, "data.csv"))


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"", "empty (0 bytes)"),
        (b"a,b\n" + b"1,2\n" * (YOUR_DATA_MAX_BYTES // 4), "the limit is 20 MB"),
        (b"PK\x03\x04\x14\x00\x06\x00" + bytes(200), "Excel workbook"),
        (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1" + bytes(200), "old Excel"),
        (b"\x89PNG\r\n\x1a\n" + bytes(200), "a PNG picture"),
        (b"\xff\xd8\xff\xe0" + bytes(200), "a JPEG picture"),
        (b"a,b\x00\x00\n1,2\n", "not text"),
        ("größe,wert\n1,2\n3,4\n".encode("latin-1"), "not UTF-8 text"),
        (b"a,b,a\n1,2,3\n4,5,6\n", "“a” more than once"),
        (b"a,,c\n1,2,3\n", "Column 2 of the header has no name"),
        (b"a\n1\n2\n3\n", "a single column"),
        (b"a,b\n", "0 row(s) of data"),
        (b"a,b\n1,2\n", "1 row(s) of data"),
        (b"a,b,c\n1,x,\n2,y,\n", "Only 1 column(s) hold numbers"),
        (b"a,b\n1,2\n3,4,5\n", "as many fields as the header"),
        (b"a\n" + b"1\n" * (YOUR_DATA_MAX_ROWS + 1), f"at most {YOUR_DATA_MAX_ROWS:,}"),
    ],
)
def test_bad_files_are_refused_with_a_message(data, message):
    with pytest.raises(DataProblem, match=re.escape(message)):
        read_table(data, "data.csv")


def test_ten_million_rows_are_refused_by_counting_lines_not_parsing(monkeypatch):
    data = b"x\n" + b"1\n" * 10_000_000  # 20 MB: under the size limit, far over the row limit

    def parse(*args, **kwargs):
        raise AssertionError("the file was parsed")

    monkeypatch.setattr(pd, "read_csv", parse)
    with pytest.raises(DataProblem, match="10,000,000 rows"):
        read_table(data, "huge.csv")


def test_prepare_standardises_three_features_and_draws_them_as_sklearns_pca():
    table = read_table(GOOD, "data.csv")
    prepared = prepare(table, ["a", "b", "c"], "label", standardise=True)
    scaled = sklearn.preprocessing.StandardScaler().fit_transform(table[["a", "b", "c"]])
    np.testing.assert_allclose(prepared.X, scaled, atol=1e-12)  # clustered: all three
    pca = sklearn.decomposition.PCA(2).fit(scaled)
    drawn = prepared.picture
    np.testing.assert_allclose(np.abs(drawn.points), np.abs(pca.transform(scaled)), atol=1e-10)
    np.testing.assert_allclose(drawn.project(scaled), drawn.points)
    # A place on the figure stands for the point of the components' plane there.
    place = np.array([[0.5, -1.0]])
    lifted = drawn.lift(place)
    np.testing.assert_allclose(drawn.project(lifted), place, atol=1e-12)
    residual = lifted - scaled.mean(axis=0)
    np.testing.assert_allclose(residual, (residual @ pca.components_.T) @ pca.components_)
    share = f"{pca.explained_variance_ratio_.sum():.0%}"
    assert any(share in note and "principal components" in note for note in prepared.notes)
    assert prepared.y.tolist() == ["x", "y", "x", "y"]
    assert prepared.name.startswith("your data ")


def test_prepare_keeps_two_features_as_they_are_without_standardising():
    table = read_table(GOOD, "data.csv")
    prepared = prepare(table, ["a", "c"], None, standardise=False)
    np.testing.assert_array_equal(prepared.X, table[["a", "c"]].to_numpy(float))
    assert prepared.y is None and prepared.notes == ()


def test_rows_with_missing_values_are_dropped_and_counted():
    table = read_table(b"a,b,label\n1,2,x\n,3,y\n4,5,\n6,7,x\n8,1,y\n", "gaps.csv")
    prepared = prepare(table, ["a", "b"], "label", standardise=True)
    assert prepared.rows.tolist() == [0, 3, 4]
    assert "2 row(s) with a missing value were left out." in prepared.notes


@pytest.mark.parametrize(
    ("csv", "features", "label", "message"),
    [
        (b"a,b\n1,2\n3,4\n", ["a"], None, "at least two feature columns"),
        (b"a,b\n1,2\n,4\n", ["a", "b"], None, "Only 1 complete row"),
        (b"a,b\n1,2\n3,2\n5,2\n", ["a", "b"], None, "“b” has the same value in every row"),
    ],
)
def test_bad_choices_are_refused_with_a_message(csv, features, label, message):
    with pytest.raises(DataProblem, match=re.escape(message)):
        prepare(read_table(csv, "x.csv"), features, label, standardise=True)


def test_a_label_column_with_hundreds_of_classes_is_refused():
    table = table_of(400)
    table["id"] = np.arange(400)
    for features in (["a", "b"], ["a", "b", "id"]):  # the label may be a feature too
        with pytest.raises(
            DataProblem, match=f"400 different values.*most {YOUR_DATA_MAX_CLASSES}"
        ):
            prepare(table, features, "id", standardise=True)


def test_a_constant_column_is_fine_when_not_standardising():
    table = read_table(b"a,b,c\n1,2,0\n3,2,1\n5,2,0\n", "x.csv")
    assert prepare(table, ["a", "b", "c"], None, standardise=False).X.shape == (3, 3)


def test_large_tables_are_fitted_whole_and_drawn_through_a_sample_with_a_notice():
    table = table_of(YOUR_DATA_WORKING_ROWS + 500)
    prepared = prepare(table, ["a", "b"], "label", standardise=True)
    scaled = sklearn.preprocessing.StandardScaler().fit_transform(table[["a", "b"]])
    np.testing.assert_allclose(prepared.X, scaled)  # every row is fitted
    assert len(prepared.rows) == len(prepared.y) == len(table)
    shown = prepared.picture.shown
    assert len(shown) == len(prepared.picture.points) == YOUR_DATA_WORKING_ROWS
    assert np.all(np.diff(shown) > 0)
    np.testing.assert_allclose(prepared.picture.points, scaled[shown])
    # The sample is a data set of its own for the slow parts, with the same rows.
    sample = prepared.sample
    np.testing.assert_allclose(sample.X, scaled[shown])
    assert sample.rows.tolist() == prepared.rows[shown].tolist()
    assert sample.y.tolist() == prepared.y[shown].tolist()
    assert any("random sample" in note and "all of them" in note for note in prepared.notes)


def test_the_name_changes_with_the_points_and_the_labels():
    table = table_of(50)
    names = {
        prepare(table, ["a", "b"], None, True).name,
        prepare(table, ["a", "b"], "label", True).name,
        prepare(table, ["a", "b"], None, False).name,
    }
    assert len(names) == 3
    assert (
        prepare(table, ["a", "b"], None, True).name == prepare(table, ["a", "b"], None, True).name
    )


def test_the_download_holds_the_rows_used_with_clusters_and_probabilities():
    table = read_table(b"a,b,label\n1,2,x\n,3,y\n4,5,x\n6,7,y\n", "gaps.csv")
    prepared = prepare(table, ["a", "b"], "label", standardise=True)
    proba = np.array([[0.9, 0.1], [0.2, 0.8], [0.5, 0.5]])
    back = pd.read_csv(io.BytesIO(clustered_csv(table, prepared, np.array([0, 1, 1]), proba)))
    assert back.columns.tolist() == ["a", "b", "label", "cluster", "probability 0", "probability 1"]
    assert back["a"].tolist() == [1, 4, 6]
    assert back["cluster"].tolist() == [0, 1, 1]
    np.testing.assert_allclose(back[["probability 0", "probability 1"]], proba)


# -- drawn points: the link value and the plane's reports ----------------------------------


def test_drawn_points_survive_the_link_to_the_hundredth():
    rng = np.random.default_rng(1)
    points = rng.uniform(-20.48, 20.47, size=(DRAWN_MAX_POINTS, 2)).round(2)
    text = encode_points(points)
    assert len(text) == 4 * len(points) <= URL_VALUE_MAX_CHARS
    assert set(text) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
    np.testing.assert_allclose(decode_points(text), points, atol=1e-9)
    assert decode_points(encode_points(np.empty((0, 2)))).shape == (0, 2)


@pytest.mark.parametrize(
    ("text", "message"),
    [
        ("abc", "not a drawing"),  # not whole points
        ("ab+/", "not a drawing"),  # standard base64, not the URL-safe kind
        ("<b>x", "not a drawing"),
        ("AAAA" * 600, "characters long"),
    ],
)
def test_a_tampered_link_value_is_refused(text, message):
    with pytest.raises(DataProblem, match=message):
        decode_points(text)


BOX = (-3.0, 3.0, -2.0, 2.0)


def report(points, plane="p", revision=2):
    return {"plane": plane, "revision": revision, "points": points}


def test_a_report_about_this_plane_and_revision_is_taken():
    points = reported_points(report([[0.5, 1], [-3, 2]]), "p", 2, BOX, 10)
    np.testing.assert_array_equal(points, [[0.5, 1], [-3, 2]])
    assert reported_points(report([]), "p", 2, BOX, 10).shape == (0, 2)


@pytest.mark.parametrize(
    "value",
    [
        None,
        "points",
        report([[0, 0]], plane="other"),
        report([[0, 0]], revision=1),  # sent before Python replaced the drawing
        report([[0, 0]], revision=True),
        report([[0, 0]] * 11),  # over the limit
        report([[0, 0, 0]]),
        report([[0, "1"]]),
        report([[0, float("nan")]]),
        report([[0, True]]),
        report([[4, 0]]),  # outside the plane
        report("[[0, 0]]"),
    ],
)
def test_anything_else_is_ignored(value):
    assert reported_points(value, "p", 2, BOX, 10) is None

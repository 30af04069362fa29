"""Uploaded files: every bad file gets a clear message; good ones keep their columns and texts."""

from __future__ import annotations

import pandas as pd
import pytest

from textlens.dataset.files import (
    MAX_INPUTS,
    cell_kind,
    column_kind,
    limit_inputs,
    read_table,
    split_lines,
    text_column,
    text_column_guess,
)
from textlens.errors import InputFileError, NoTextColumnError


def test_csv_with_label_column():
    table = read_table(b'text,label\nGreat film,POSITIVE\n"Bad, very bad",NEGATIVE\n', "reviews.csv")
    assert table.columns == ("text", "label")
    assert table.column("text") == ["Great film", "Bad, very bad"]
    assert table.column("label") == ["POSITIVE", "NEGATIVE"]


def test_tsv_and_txt():
    assert read_table(b"sentence\tlabel\na b\t1\n", "x.tsv").column("sentence") == ["a b"]
    assert read_table(b"one\n\ntwo\n", "x.txt").column("text") == ["one", "two"]


def test_latin1_is_read_and_reported():
    table = read_table("text\ncaf\xe9 cr\xe8me\n".encode("latin-1"), "old.csv")
    assert table.column("text") == ["café crème"]
    assert table.encoding != "utf-8-sig"


def test_utf8_bom():
    table = read_table("\ufefftext\nhé\n".encode(), "bom.csv")
    assert table.columns == ("text",)


@pytest.mark.parametrize(
    "data,name,message",
    [
        (b"id,score,flag\n1,0.5,1\n2,0.7,0\n", "report.csv", r"No column of report.csv holds text \(columns: id,"),
        (b"id\twhen\tok\n1\t2024-05-01\ttrue\n", "t.tsv", r"id \(numbers\), when \(dates\), ok \(booleans\)"),
    ],
)
def test_a_table_without_text_is_refused_when_its_text_column_is_taken(data, name, message):
    """Read, then its text column taken (never guessed from numbers). Bad files: tests/dataset/test_reader.py."""
    table = read_table(data, name)
    with pytest.raises(NoTextColumnError, match=message):
        text_column(name, table.columns, table.column)


def test_missing_column_is_named():
    table = read_table(b"a,b\n1,2\n", "x.csv")
    with pytest.raises(InputFileError, match="No column named 'text'"):
        table.column("text")


def test_ten_thousand_rows_are_read_and_capped():
    data = ("text,label\n" + "".join(f"review number {i},POSITIVE\n" for i in range(10_000))).encode()
    table = read_table(data, "big.csv")
    assert len(table.rows) == 10_000
    kept, message = limit_inputs(table.column("text"))
    assert len(kept) == MAX_INPUTS and "10,000 inputs" in message


def test_split_lines():
    assert split_lines("  a \n\n b\r\nc") == ["a", "b", "c"]


def test_review_file_defaults_to_the_free_text_and_the_label_like_column():
    from textlens.dataset.files import label_column_guess, read_table, text_column_guess

    data = (
        b"review_id,review_text,sentiment\n"
        b"R001,The acting was wonderful but the plot was dull.,negative\n"
        b"R002,I loved every minute of it and would watch it again.,positive\n"
        b"R003,A tedious mess.,NEGATIVE\n"
    )
    table = read_table(data, "reviews.csv")
    assert text_column_guess(table.columns, table.column) == "review_text"
    assert (
        label_column_guess(table.columns, table.column, ("NEGATIVE", "POSITIVE"), exclude="review_text") == "sentiment"
    )


def test_label_guess_takes_ids_and_refuses_unrelated_columns():
    from textlens.dataset.files import label_column_guess

    cols = {"text": ["a b", "c d", "e f", "g h"], "y": ["0", "1", "1", "0"], "city": ["Oslo", "Rome", "Oslo", "Rome"]}
    assert label_column_guess(list(cols), cols.__getitem__, ("NEGATIVE", "POSITIVE"), exclude="text") == "y"
    del cols["y"]
    assert label_column_guess(list(cols), cols.__getitem__, ("NEGATIVE", "POSITIVE"), exclude="text") is None


# --- quote characters: every reader reads every line, or says it did not --------------------------


def stray_quotes_tsv(rows: int = 1000) -> bytes:
    """A TSV of ``rows`` rows (one a line), some of whose texts hold a lone ``"``: at the start, inside, at the end."""
    texts = []
    for i in range(rows):
        if i % 37 == 3:
            texts.append(f'"Best film of the year, she said {i}')
        elif i % 41 == 5:
            texts.append(f'a 12" record and a poster {i}')
        elif i % 43 == 7:
            texts.append(f'ends with a quote {i}"')
        else:
            texts.append(f"plain review number {i}")
    return ("text\tlabel\n" + "".join(f"{t}\t{i % 2}\n" for i, t in enumerate(texts))).encode()


# A quoted CSV in which a text starts with a lone quote: rows 2 to 4 run into one.
MERGED_CSV = b'text,label\nfine,1\n"stray start,0\nmiddle,1\nend",0\nlast,1\n'


def test_a_tsv_with_stray_quotes_is_read_line_by_line_by_every_reader(tmp_path):
    from textlens.corpus import count_rows, read_chunks
    from textlens.dataset import read_labelled

    data = stray_quotes_tsv()
    table = read_table(data, "quotes.tsv")
    assert len(table.rows) == 1000 and not table.warnings
    assert table.rows[3][0] == '"Best film of the year, she said 3' and table.rows[5][0].startswith('a 12" record')
    labelled = read_labelled(data, "quotes.tsv")
    assert labelled.total_rows == len(labelled.frame) == 1000 and not labelled.warnings
    assert labelled.frame["text"].tolist() == [row[0] for row in table.rows]
    path = tmp_path / "quotes.tsv"
    path.write_bytes(data)
    frames = list(read_chunks(path, chunk_bytes=4096))
    assert sum(len(f) for f in frames) == count_rows(path) == 1000
    assert pd.concat(frames)["text"].tolist() == [row[0] for row in table.rows]


def test_a_quoted_tsv_is_still_read_as_quoted(tmp_path):
    from textlens.corpus import read_chunks
    from textlens.dataset import read_labelled

    frame = pd.DataFrame({"text": ['she said "hi"', "tab\tinside", "plain"], "label": ["1", "0", "1"]})
    data = frame.to_csv(sep="\t", index=False).encode()
    assert read_table(data, "q.tsv").column("text") == frame["text"].tolist()
    assert read_labelled(data, "q.tsv").frame["text"].tolist() == frame["text"].tolist()
    (tmp_path / "q.tsv").write_bytes(data)
    assert next(read_chunks(tmp_path / "q.tsv"))["text"].tolist() == frame["text"].tolist()


def test_rows_that_span_several_lines_are_reported(tmp_path):
    from textlens.corpus import reading_notice
    from textlens.dataset import read_labelled

    table = read_table(MERGED_CSV, "merged.csv")
    assert len(table.rows) == 3
    assert any("5 lines after its header, but 3 rows were read" in w for w in table.warnings), table.warnings
    labelled = read_labelled(MERGED_CSV, "merged.csv")
    assert len(labelled.frame) == 3
    assert any("5 lines after its header, but 3 rows were read" in w for w in labelled.warnings), labelled.warnings
    (tmp_path / "merged.csv").write_bytes(MERGED_CSV)
    assert "5 lines after its header, but 3 rows were read" in reading_notice(tmp_path / "merged.csv", 3)
    assert reading_notice(tmp_path / "merged.csv", 5) is None


def test_choose_rows_says_which_rows():
    from textlens.dataset.sample import choose_rows

    first = choose_rows(1000, 50)
    assert first.positions == tuple(range(50)) and first.description == "the first 50 of 1,000 rows"
    sample = choose_rows(1000, 50, "random", seed=3)
    assert sample == choose_rows(1000, 50, "random", seed=3) and sample != choose_rows(1000, 50, "random", seed=4)
    assert len(set(sample.positions)) == 50 and list(sample.positions) == sorted(sample.positions)
    assert sample.description == "a random sample of 50 of 1,000 rows (seed 3)"
    wrong = [i % 7 == 0 for i in range(1000)]
    errors = choose_rows(1000, 50, "errors", wrong=wrong)
    assert errors.positions == tuple(range(0, 350, 7))
    assert errors.description == "the first 50 of the 143 rows model A gets wrong, of 1,000"
    assert choose_rows(30, 50).description == "all 30 rows"
    assert choose_rows(30, 50, "errors", wrong=[False] * 29 + [True]).positions == (29,)


# --- which column holds the text: one guess for every reader, page and command ----------------------

REPORT = pd.DataFrame({"id": [1, 2, 3], "score": [0.5, 0.7, 0.1], "flag": [1, 0, 1]})
REFUSAL = (
    "No column of report.{ext} holds text (columns: id, score, flag: all numbers). Name the text column with "
    "--text-column."
)


def write_as(frame: pd.DataFrame, path) -> None:
    """``frame`` saved as the format its suffix names: CSV, TSV, JSON lines or Parquet."""
    suffix = path.suffix
    if suffix == ".parquet":
        frame.to_parquet(path)
    elif suffix == ".jsonl":
        frame.to_json(path, orient="records", lines=True)
    else:
        frame.to_csv(path, sep="\t" if suffix == ".tsv" else ",", index=False)


@pytest.mark.parametrize(
    ("value", "kind"),
    [
        ("0.5", "number"),
        ("-1,234.5", "number"),
        ("3e-2", "number"),
        ("12 %", "number"),
        ("$3.50", "number"),
        (7, "number"),
        (0.25, "number"),
        (True, "boolean"),
        ("FALSE", "boolean"),
        ("yes", "boolean"),
        ("2024-05-01", "date"),
        ("01/05/2024 10:30", "date"),
        ("May 1, 2024", "date"),
        (pd.Timestamp("2024-05-01"), "date"),
        ("", None),
        ("  ", None),
        ("NaN", None),
        ("N/A", None),
        (None, None),
        (float("nan"), None),
        ("R001", "text"),
        ("Great film", "text"),
        ("0.5 stars at best", "text"),
        ([1, 2], "other"),
    ],
)
def test_what_a_cell_holds(value, kind):
    assert cell_kind(value) == kind


def test_a_column_holds_text_when_most_of_its_filled_cells_are_text():
    assert column_kind(["good film", "3", "", "dull"]) == "text"  # 2 of 3 filled cells
    assert column_kind(["good film", "3", "4", ""]) == "numbers"  # 1 of 3: not text
    assert column_kind(["2024-01-01", "yes", "no"]) == "booleans"  # the commonest kind of what is not text
    assert column_kind(["", "NaN", None]) == "empty"


@pytest.mark.parametrize("ext", ["csv", "tsv", "jsonl", "parquet"])
def test_no_column_is_guessed_as_the_text_when_none_holds_text_in_any_format(tmp_path, ext):
    from textlens.corpus import run_corpus, text_column_of
    from textlens.dataset import read_labelled

    path = tmp_path / f"report.{ext}"
    write_as(REPORT, path)
    labelled = read_labelled(path)
    assert labelled.guess_columns(("NEGATIVE", "POSITIVE"))[0] is None
    expected = REFUSAL.format(ext=ext)
    for refuse in (labelled.text_column, lambda: text_column_of(path)):
        with pytest.raises(NoTextColumnError) as refused:
            refuse()
        assert str(refused.value) == expected
        assert refused.value.kinds == {"id": "numbers", "score": "numbers", "flag": "numbers"}
    assert str(labelled.no_text_column("Choose one.")).endswith("all numbers). Choose one.")
    with pytest.raises(NoTextColumnError, match="No column of report"):  # before any model is loaded
        run_corpus(path, tmp_path / "out", model="no/such-model")
    assert not (tmp_path / "out").exists()
    # Named, a column is honoured even if it holds numbers: the user asked for it.
    assert labelled.text_column("score") == text_column_of(path, "score") == "score"
    with pytest.raises(InputFileError, match="has no column 'text'.*id, score, flag"):
        labelled.text_column("text")


@pytest.mark.parametrize("ext", ["csv", "tsv", "jsonl", "parquet"])
def test_a_review_file_gets_its_text_column_from_every_reader(tmp_path, ext):
    from textlens.corpus import text_column_of
    from textlens.dataset import read_labelled

    frame = pd.DataFrame(
        {
            "id": ["R001", "R002", "R003"],
            "stars": [4.5, 1.0, 2.0],
            "review": ["A warm and funny film.", "Dull, and far too long.", "Not for me."],
            "label": ["positive", "negative", "negative"],
            "date": ["2024-05-01", "2024-05-02", "2024-05-03"],
        }
    )
    path = tmp_path / f"reviews.{ext}"
    write_as(frame, path)
    labelled = read_labelled(path)
    assert labelled.guess_columns(("NEGATIVE", "POSITIVE")) == ("review", "label")
    assert labelled.text_column() == text_column_of(path) == "review"
    assert labelled.no_text_column() is None


def test_a_wide_file_lists_its_first_columns_and_how_many_more():
    columns = [f"c{i}" for i in range(25)]
    with pytest.raises(NoTextColumnError, match=r"c0, c1, .*c19 and 5 more: all numbers\)"):
        text_column("wide.csv", columns, lambda _name: ["1", "2"])
    assert text_column_guess(["a", "b"], {"a": ["1"], "b": ["x y"]}.__getitem__) == "b"

"""Uploaded files: every bad file gets a clear message; good ones keep their columns and texts."""

from __future__ import annotations

import pytest

from textlens.errors import InputFileError
from textlens.inputs import MAX_INPUTS, limit_inputs, read_table, split_lines


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
        (b"", "empty.csv", "empty"),
        (b"   \n\n", "blank.csv", "empty"),
        (b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "image.csv", "binary"),
        (b"text,text\na,b\n", "dup.csv", "repeated: text"),
        (b"text,\na,b\n", "blank_header.csv", "blank"),
        (b"text,label\n", "header_only.csv", "no data rows"),
        (b'text\n"unclosed\n', "bad.csv", "not valid CSV"),
    ],
)
def test_bad_files_have_clear_messages(data, name, message):
    with pytest.raises(InputFileError, match=message):
        read_table(data, name)


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

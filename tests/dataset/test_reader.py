"""The one reader of user files: every bad file is refused with the same message by every entry point
(the Dataset page's labelled reader, the Compare page's table reader, the corpus engine), and good
files are read the same way by each.
"""

from __future__ import annotations

import io
import re

import pandas as pd
import pyarrow as pa
import pyarrow.parquet as pq
import pytest

from textlens.corpus import count_rows, read_chunks, reading_notice
from textlens.dataset import read_labelled
from textlens.dataset.files import read_table
from textlens.dataset.reader import open_file
from textlens.errors import InputFileError


def parquet_bytes(table: pa.Table) -> bytes:
    buffer = io.BytesIO()
    pq.write_table(table, buffer)
    return buffer.getvalue()


DUPLICATE_PARQUET = parquet_bytes(pa.table([pa.array(["a"]), pa.array(["b"])], names=["text", "text"]))
EMPTY_PARQUET = parquet_bytes(pa.table({"text": pa.array([], pa.string())}))

# One table of bad files: (file name, its bytes, what every entry point says).
BAD_FILES = [
    ("empty.csv", b"", r"^empty\.csv is empty\.$"),
    ("blank.csv", b"   \n\n", r"^blank\.csv is empty\.$"),
    ("image.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR", "looks binary"),
    ("model.csv", b"text\n" + bytes(range(256)) * 8, "looks binary"),
    ("report.xlsx", b"PK\x03\x04\x14\x00\x06\x00", "report.xlsx: unknown kind of file; expected one of"),
    ("dup.csv", b"text,text\na,b\n", "column names must be unique; repeated: text"),
    ("blank_header.csv", b"text,\na,b\n", r"every column needs a name in the first row \(one is blank\)"),
    ("blank-name.tsv", b"text\t\tlabel\na\tb\tc\n", r"one is blank"),
    ("header_only.csv", b"text,label\n", r"^header_only\.csv has a header but no data rows\.$"),
    ("header_blank_lines.csv", b"text,label\n\n   \n", "has a header but no data rows"),
    ("unclosed.csv", b'text\n"unclosed\n', r"not valid CSV: the quote \(\"\) opened on line 2 is never closed"),
    ("late.csv", b'text,label\na,1\n"unclosed,1\na,b,c,d\n', "opened on line 3 is never closed"),
    ("long.csv", b"text,label\na,1\nb,2,extra\n", "long.csv, line 3: 3 cells, but the header names 2 columns"),
    ("short.csv", b"text,label\na,1\n\nb\n", "short.csv, line 4: 1 cell, but the header names 2 columns"),
    ("tabs.tsv", b"text\tlabel\na\tb\tc\n", r"line 2: 3 cells, .*split at a tab.*fix the row"),
    ("semi.csv", b"text;label\nnice; really;1\n", r"line 2: 3 cells, .*split at ';'"),
    ("after.csv", b'text,label\n"Great" movie,1\n', r"not valid CSV: line 2: ',' expected after"),
    ("bad.jsonl", b'{"text": "a"}\n{not json\n', r"^bad\.jsonl, line 2: not a JSON object \(Expecting"),
    ("list.jsonl", b'{"text": "a"}\n\n[1, 2]\n', r"list\.jsonl, line 3: not a JSON object \(an array\)"),
    ("text.jsonl", b'"just a string"\n', r"line 1: not a JSON object \(a string\)"),
    ("twice.jsonl", b'{"text": "a", "text": "b"}\n', r"line 1: the key 'text' appears twice in one object"),
    ("nested.jsonl", b'{"text": "a", "m": {"k": 1, "k": 2}}\n', r"line 1: the key 'k' appears twice"),
    ("blank-key.jsonl", b'{"": "a", "text": "b"}\n', r"one is blank"),
    ("spaced-key.jsonl", b'{"text": "a", " text ": "b"}\n', r"repeated: text"),
    ("numbers.json", b"[1, 2, 3]", r"numbers\.json, item 1 of its array: not a JSON object \(a number\)"),
    ("broken.json", b'[{"text": "a"},', r"broken\.json is not valid JSON"),
    ("fake.parquet", b"PAR1 not really parquet", r"fake\.parquet is not a readable Parquet file"),
    ("dup.parquet", DUPLICATE_PARQUET, r"dup\.parquet: column names must be unique; repeated: text"),
    ("empty.parquet", EMPTY_PARQUET, r"^empty\.parquet has no data rows\.$"),
]


def refusals(tmp_path, name: str, data: bytes) -> dict[str, str]:
    """What each entry point says about the file (it must refuse it)."""
    path = tmp_path / name
    path.write_bytes(data)
    entry_points = {
        "labelled reader (upload)": lambda: read_labelled(data, name),
        "labelled reader (path)": lambda: read_labelled(path),
        "table reader (Compare page)": lambda: read_table(data, name),
        "corpus reader": lambda: list(read_chunks(path)),
        "corpus row count": lambda: count_rows(path),
    }
    said = {}
    for entry, read in entry_points.items():
        with pytest.raises(InputFileError) as refused:
            read()
        said[entry] = str(refused.value)
    return said


@pytest.mark.parametrize(("name", "data", "message"), BAD_FILES, ids=[row[0] for row in BAD_FILES])
def test_every_entry_point_refuses_a_bad_file_with_the_same_message(tmp_path, name, data, message):
    said = refusals(tmp_path, name, data)
    assert len(set(said.values())) == 1, said
    first = next(iter(said.values()))
    assert re.search(message, first), first


def test_a_missing_file_is_named(tmp_path):
    for read in (lambda p: read_labelled(p), lambda p: list(read_chunks(p)), count_rows):
        with pytest.raises(InputFileError, match=r"nope\.csv is not a file that can be read \(No such file: "):
            read(tmp_path / "nope.csv")
    with pytest.raises(InputFileError, match=r"is not a file that can be read \(it is a folder\)"):
        read_labelled(tmp_path)


# --- good files: read the same by every entry point ------------------------------------------------


def every_reading(tmp_path, name: str, data: bytes) -> dict[str, list[list[str]]]:
    """Each entry point's rows (as lists of text cells) and columns."""
    path = tmp_path / name
    path.write_bytes(data)
    labelled = read_labelled(data, name).frame
    corpus = pd.concat(read_chunks(path, chunk_bytes=16, chunk_rows=2)).drop(columns="row_id")
    table = read_table(data, name)
    return {
        "labelled": [list(labelled.columns), *labelled.astype(object).values.tolist()],
        "corpus": [list(corpus.columns), *corpus.astype(object).values.tolist()],
        "table": [list(table.columns), *map(list, table.rows)],
    }


def test_blank_lines_are_not_rows_and_are_not_reported(tmp_path):
    data = b"text,label\n\nfine,1\n   \r\n\t\nalso fine,0\n\n"
    readings = every_reading(tmp_path, "blank.csv", data)
    assert all(r == [["text", "label"], ["fine", "1"], ["also fine", "0"]] for r in readings.values()), readings
    assert reading_notice(tmp_path / "blank.csv", 2) is None
    assert not read_labelled(data, "blank.csv").warnings and not read_table(data, "blank.csv").warnings


def test_a_row_of_empty_cells_is_a_row_everywhere(tmp_path):
    data = b"text,label\nfine,1\n,\n"
    readings = every_reading(tmp_path, "empties.csv", data)
    assert all(r == [["text", "label"], ["fine", "1"], ["", ""]] for r in readings.values()), readings
    chunks = list(read_chunks(tmp_path / "empties.csv"))
    assert pd.concat(chunks)["row_id"].tolist() == [0, 1]


def test_json_lines_are_read_by_one_parser_in_any_encoding(tmp_path):
    data = '{"text": "Café crème", "label": 1}\n\n{"text": "naïve", "label": 0}\n'.encode("cp1252")
    readings = every_reading(tmp_path, "latin.jsonl", data)
    expected = [["text", "label"], ["Café crème", 1], ["naïve", 0]]
    assert readings["labelled"] == readings["corpus"] == expected
    assert readings["table"] == [["text", "label"], ["Café crème", "1"], ["naïve", "0"]]  # cells as text
    labelled = read_labelled(data, "latin.jsonl")
    assert labelled.encoding == "cp1252" and "not UTF-8" in labelled.notices[0]


def test_a_json_array_of_objects_is_read_everywhere_in_chunks(tmp_path):
    data = b'[{"text": "a b", "y": 1}, {"text": "c d", "y": 0}, {"text": "e f", "y": 1}]'
    readings = every_reading(tmp_path, "rows.json", data)
    assert readings["labelled"] == readings["corpus"] == [["text", "y"], ["a b", 1], ["c d", 0], ["e f", 1]]
    assert [len(c) for c in read_chunks(tmp_path / "rows.json", chunk_rows=2)] == [2, 1]


def test_txt_is_a_delimited_file_except_where_one_text_per_line_is_asked_for(tmp_path):
    data = b"review\tlabel\ngood, really\t1\n"
    readings = every_reading(tmp_path, "reviews.txt", data)
    assert readings["labelled"] == readings["corpus"] == [["review", "label"], ["good, really", "1"]]
    # The Compare page's "file with texts" and ``predict --file``: one text per line, no header.
    assert readings["table"] == [["text"], ["review\tlabel"], ["good, really\t1"]]
    lines = open_file(b"one\n\n  two  \r\nthree", "t.txt", fmt="lines")
    assert pd.concat(lines.chunks())["text"].tolist() == ["one", "  two  ", "three"]


def test_a_name_without_a_suffix_is_read_as_csv():
    assert read_labelled(b"text;label\nnice, really;1\n").frame["text"].tolist() == ["nice, really"]

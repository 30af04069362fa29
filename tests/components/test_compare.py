"""The Compare page's logic without AppTest: a file's rows, model A's errors, triage, the word table, exports."""

from __future__ import annotations

import csv
import io

from components.compare import (
    ORDER_CONFIDENT,
    ORDER_ROWS,
    ORDER_UNSURE,
    SHOW_ALL,
    SHOW_RIGHT,
    SHOW_WRONG,
    export_info,
    of_model,
    report_csv,
    table_inputs,
    triage,
    word_table,
    wrong_rows,
)
from tests.factories import make_explanation as make
from textlens.dataset.files import read_table
from textlens.report.compare import CompareRow, all_explanations
from textlens.types import Prediction

LABELS = ("NEGATIVE", "POSITIVE")


def prediction(label: str) -> Prediction:
    scores = (0.9, 0.1) if label == "NEGATIVE" else (0.1, 0.9)
    return Prediction(text="t", model_id="m", labels=LABELS, scores=scores)


def test_table_inputs_keep_rows_with_text_and_their_columns():
    table = read_table(b"id,review,truth\n1,  Great film. ,POSITIVE\n2,   ,NEGATIVE\n3,Dull.,0\n", "r.csv")
    texts, truths, columns = table_inputs(table, "review", "truth")
    assert texts == ["Great film.", "Dull."]  # stripped; the row without text is left out
    assert truths == ["POSITIVE", "0"]
    assert columns == [
        {"id": "1", "review": "  Great film. ", "truth": "POSITIVE"},
        {"id": "3", "review": "Dull.", "truth": "0"},
    ]
    assert table_inputs(table, "review", None)[1] == [None, None]


def test_wrong_rows_match_labels_by_name_or_id_and_unmatched_is_not_wrong():
    truths = ["POSITIVE", "0", "negative", "banana", None]
    predictions = [prediction(p) for p in ("POSITIVE", "POSITIVE", "POSITIVE", "NEGATIVE", "NEGATIVE")]
    assert wrong_rows(LABELS, truths, predictions) == [False, True, True, False, False]


def rows() -> list[CompareRow]:
    sure_right = CompareRow("#1", make("great fun", [0.2, 0.2]), truth="POSITIVE")  # P(POS) 0.9
    unsure_wrong = CompareRow("#2", make("not bad", [-0.05, 0.1]), truth="NEGATIVE")  # P(POS) 0.55
    no_label = CompareRow("#3", make("a film", [-0.3, 0.0]))  # P(POS) 0.2
    return [sure_right, unsure_wrong, no_label]


def test_triage_filters_on_model_as_errors_and_sorts_by_confidence():
    one, two, three = rows()
    assert triage([one, two, three], SHOW_ALL, ORDER_ROWS) == [one, two, three]
    assert triage([one, two, three], None, None) == [one, two, three]
    assert triage([one, two, three], SHOW_WRONG, ORDER_ROWS) == [two]
    assert triage([one, two, three], SHOW_RIGHT, ORDER_ROWS) == [one]  # a row with no label is neither
    assert triage([one, two, three], SHOW_ALL, ORDER_CONFIDENT) == [one, three, two]
    assert triage([one, two, three], SHOW_ALL, ORDER_UNSURE) == [two, three, one]


def test_of_model_falls_back_to_a():
    a, b = make("x", [0.1]), make("x", [0.2], model="b")
    assert of_model(CompareRow("#1", a, b), "B") is b
    assert of_model(CompareRow("#1", a, b), "A") is a
    assert of_model(CompareRow("#1", a), "B") is a


def test_word_table_is_each_words_mean_over_the_inputs_it_occurs_in():
    table = word_table(rows(), "POSITIVE", "A")
    assert list(table.columns) == ["word", "mean value", "inputs", "occurrences"]
    assert set(table["word"]) == {"great", "fun", "not", "bad", "a", "film"}
    assert table.set_index("word").loc["a", "mean value"] == -0.3


def test_exports_say_what_they_are_and_name_both_models_rows():
    one = rows()[0]
    two = CompareRow("#2", make("not bad", [-0.05, 0.1]), make("not bad", [0.1, 0.1], model="b"))
    info = export_info([one, two], "", "POSITIVE", ("bundled model", "m/b"))
    assert (info.subject, info.model_id) == ("2 typed inputs", "bundled model vs m/b")
    assert export_info([one], "reviews.csv", "POSITIVE", ("bundled model", None)).model_id == "bundled model"
    assert export_info([one], "reviews.csv", "POSITIVE", ("x", None)).subject == "reviews.csv"
    body = report_csv([one, two], all_explanations([one, two]), info)
    names = {r[0] for r in csv.reader(io.StringIO(body)) if r and r[0].startswith("#")}
    assert names == {"#1", "#2 A", "#2 B"}

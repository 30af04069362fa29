"""The Dataset room's pure parts without AppTest: scoring, columns, words, the comparison, downloads, cut texts."""

from __future__ import annotations

import numpy as np
import pandas as pd
import pytest

from components.dataset.compare import flips_sent, table_columns, truth_of
from components.dataset.downloads import file_stem, report_notes
from components.dataset.explained import row_truth
from components.dataset.predict import failed_title, listed_rows, score
from components.dataset.records import Columns, WordResult
from components.dataset.source import META_MAX_VALUES, NO_LABEL, few_valued, label_options
from components.dataset.tables import word_shifts_frame
from components.dataset.words import by_outcome, inside_slice, word_rows
from textlens.dataset import LabelledFile, RowPredictions
from textlens.dataset.compare import BOTH_RIGHT, BOTH_WRONG, BROKEN, FIXED, WordShift, compare_runs
from textlens.dataset.cuts import Cuts, cut_rows

LABELS = ("neg", "pos")
NAN = float("nan")


def labelled(frame: pd.DataFrame, **read) -> LabelledFile:
    return LabelledFile(
        name="data/reviews.v2.csv", frame=frame, format="csv", encoding="utf-8", total_rows=len(frame), **read
    )


def run(probs, errors=None) -> RowPredictions:
    probs = np.array(probs, dtype=float)
    return RowPredictions(LABELS, probs, tuple(errors or [None] * len(probs)))


@pytest.fixture
def file():
    return labelled(pd.DataFrame({"text": ["good", "bad", "", "meh"], "label": ["pos", "neg", "pos", "unknown"]}))


def test_score_matches_labels_and_has_metrics_only_with_a_label_column(file):
    predictions = run([[0.2, 0.8], [0.3, 0.7], [NAN, NAN], [0.9, 0.1]], [None, None, "empty text", None])
    scored = score(file, predictions, Columns("text", "label", ()))
    assert scored.truth.tolist() == [1, 0, 1, -1] and scored.predicted.tolist() == [1, 1, -1, 0]
    assert scored.metrics.rows == 2 and scored.metrics.errors == 1 and scored.match is not None
    assert scored.results["row_id"].tolist() == [0, 1, 2, 3]
    unlabelled = score(file, predictions, Columns("text", None, ()))
    assert unlabelled.metrics is None and unlabelled.match is None and (unlabelled.truth == -1).all()


def test_rows_that_could_not_be_predicted_are_counted_and_listed():
    failed = {"empty text": [2, 5], "not text": [7]}
    assert failed_title(failed) == "⚠ 3 rows could not be predicted (2 empty text, 1 not text)"
    assert failed_title({"empty text": [4]}) == "⚠ 1 row could not be predicted (1 empty text)"
    assert listed_rows([1, 2, 3]) == "1, 2, 3"
    assert listed_rows(list(range(5)), most=2) == "0, 1 …"


def test_column_pickers_offer_the_right_choices():
    assert label_options(["id", "text", "label"], "text") == [NO_LABEL, "id", "label"]
    frame = pd.DataFrame({"source": ["a", "b"] * 30, "id": range(60), "lang": ["en"] * 60})
    assert few_valued(frame, ["source", "id", "lang"]) == ["source", "lang"]
    assert META_MAX_VALUES < 60


def test_a_row_truth_is_the_file_label_or_none(file):
    scored = score(file, run([[0.2, 0.8]] * 4), Columns("text", "label", ()))
    assert row_truth(scored.results, 0) == "pos" and row_truth(scored.results, 3) is None  # unmatched
    assert row_truth(score(file, run([[0.2, 0.8]] * 4), Columns("text", None, ())).results, 0) is None


def test_words_are_aggregated_over_predicted_labelled_and_stored_rows():
    truth, predicted = np.array([1, 0, -1, 1, 0]), np.array([1, 1, 0, -1, 0])
    ok, wrong = word_rows(truth, predicted, has_truth=True)
    assert ok.tolist() == [True, True, False, False, True]
    assert wrong[ok].tolist() == [False, True, False]  # the errors among the rows aggregated
    ok, wrong = word_rows(truth, predicted, has_truth=False, explained=np.array([True, False, True, True, True]))
    assert ok.tolist() == [True, False, True, False, True] and wrong is None


def test_a_slice_keeps_its_rows_of_the_sample_and_errors_split_from_correct_rows():
    positions, explanations = [4, 0, 2], ["e4", "e0", "e2"]
    assert inside_slice(positions, np.array([True, False, False, False, True])) == [0, 1]
    wrong = np.array([False, False, True, False, True])
    assert by_outcome(positions, explanations, wrong) == (["e4", "e2"], ["e0"])
    assert by_outcome(positions, explanations, None) == ([], [])


def test_the_comparison_columns_truths_and_flips_sent(file):
    a = run([[0.2, 0.8], [0.3, 0.7], [0.6, 0.4], [0.9, 0.1]])
    b = run([[0.9, 0.1], [0.8, 0.2], [0.6, 0.4], [0.1, 0.9]])
    comparison = compare_runs(file.frame, "text", "label", a, b)
    assert [truth_of(comparison, r) for r in range(4)] == ["pos", "neg", "pos", None]
    extra, config = table_columns(comparison)
    assert list(extra) == ["predicted_label_b", "confidence_b", "change"]
    assert extra["predicted_label_b"].tolist() == ["neg", "neg", "neg", "pos"]
    assert set(config) == {"predicted_label", "confidence", *extra}
    assert flips_sent(FIXED) == (FIXED,) and flips_sent(BROKEN) == (BROKEN,)
    assert flips_sent(None) == flips_sent(BOTH_RIGHT) == flips_sent(BOTH_WRONG) == (FIXED, BROKEN)


def test_word_shifts_read_as_a_table():
    frame = word_shifts_frame([WordShift("good", 0.2, -0.3, 5), WordShift("bad", 0.1, 0.15, 3)])
    assert frame.columns.tolist() == ["word", "mean A", "mean B", "shift B − A", "rows", "sign flipped"]
    assert frame["shift B − A"].round(3).tolist() == [-0.5, 0.05] and frame["sign flipped"].tolist() == [True, False]


def test_downloads_are_named_after_the_file_and_the_report_says_what_it_covers(file):
    assert file_stem("data/reviews.v2.csv") == "reviews.v2" and file_stem("") == "dataset"
    scored = score(file, run([[0.2, 0.8], [0.3, 0.7], [0.6, 0.4], [0.9, 0.1]]), Columns("text", "label", ()))
    read = labelled(file.frame, notices=("Read as cp1252.",), warnings=("2 rows span lines.",))
    words = WordResult("pos", [], [], 40, 7, scope=" in slice source = web")
    notes = report_notes(read, scored.metrics, words)
    assert notes[0].startswith("accuracy ") and notes[1:3] == ["2 rows span lines.", "Read as cp1252."]
    assert notes[3] == "Word aggregate over 40 explained rows in slice source = web (7 errors)."
    estimated = WordResult("pos", [], [], 1, 0, estimated="agreement 0.9")
    assert report_notes(read, None, estimated)[-1] == "Word aggregate over 1 row (0 errors), agreement 0.9."
    assert report_notes(read, None, None) == ["2 rows span lines.", "Read as cp1252."]


def test_only_long_texts_are_measured_for_where_the_model_stops_reading():
    asked = []

    def read_until(text):
        asked.append(text)
        return 10 if len(text) > 20 else None

    rows = cut_rows(["short", "a" * 30, None, "b" * 15, "ü" * 8], read_until, max_length=20)
    assert rows == {1: 10} and asked == ["a" * 30, "b" * 15, "ü" * 8]  # 9 bytes at least; "ü" is two
    cuts = Cuts(rows, 20)
    assert cuts.column([0, 1], ["short", "a" * 3000]) == ["", "first 10 of 3,000 characters"]
    assert "at most 20 tokens" in cuts.help()


def test_a_data_folder_file_that_vanished_is_named_without_the_servers_path(tmp_path):
    """A team server's visitors see the entry's name and the reason, never where the data folder lies."""
    from components.dataset.source import open_entry
    from textlens.corpus.data_folder import DataEntry
    from textlens.errors import InputFileError

    folder = tmp_path / "secret-server-folder"
    folder.mkdir()
    with pytest.raises(InputFileError) as refused:
        open_entry(str(folder), DataEntry("tweets/gone.csv", "file"))
    message = str(refused.value)
    assert message == "tweets/gone.csv cannot be read: No such file or directory."
    assert str(tmp_path) not in message

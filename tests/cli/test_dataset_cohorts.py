"""``textlens dataset cohorts`` (JSON lines, as the core finds them) and ``textlens dataset map`` (CSV)."""

from __future__ import annotations

import csv
import json
import math

import pytest

from tests.planted import planted_csv, planted_ids
from textlens.cli.main import main
from textlens.dataset import label_issues, match_labels, predict_rows, read_labelled
from textlens.dataset.cohorts import failure_cohorts

FIELDS = {"description", "conditions", "rows", "errors", "error_rate", "error_share", "p_value"}


@pytest.fixture
def planted(tmp_path):
    path = tmp_path / "planted.csv"
    path.write_bytes(planted_csv())
    return path


def cohorts(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["dataset", "cohorts", *args])
    out = capsys.readouterr()
    return code, [json.loads(line) for line in out.out.splitlines()], out.err


def test_cohorts_json_lines_as_the_core_finds_them(planted, capsys, default_classifier):
    args = (str(planted), "--text-column", "review", "--label-column", "sentiment")
    code, lines, err = cohorts(capsys, *args)
    assert code == 0, err
    # The page's reader, label matcher, predictions and likely label errors, then the core's cohorts.
    labelled = read_labelled(planted)
    truth, _ = match_labels(labelled.frame["sentiment"].tolist(), default_classifier.labels)
    texts = labelled.frame["review"].tolist()
    run = predict_rows(default_classifier, texts)
    expected = failure_cohorts(
        texts,
        truth,
        run.predicted,
        run.confidence,
        run.labels,
        meta={"source": labelled.frame["source"].tolist()},
        issue=label_issues(run.probs, truth, run.labels).issue,
    )
    assert lines == json.loads(json.dumps(expected.to_dicts()))
    top = lines[0]
    assert FIELDS <= set(top) and top["rows"] == len(planted_ids()) == top["errors"]
    assert set(expected.cohorts[0].row_ids) == set(planted_ids())
    assert top["error_rate"] == 1.0 and top["error_share"] == 1.0
    assert all(set(c) == {"feature", "operator", "value"} for c in top["conditions"])
    assert "groups of rows where errors concentrate" in err or "group of rows where errors concentrate" in err
    # The same file twice: the same cohorts.
    assert cohorts(capsys, *args)[1] == lines
    # Only what the rows say: the planted word names the cohort.
    code, lines, err = cohorts(capsys, *args, "--inputs-only")
    assert code == 0, err
    assert lines[0]["description"] == "contains 'festival'" and lines[0]["rows"] == len(planted_ids())


def test_cohort_settings_are_refused_before_any_model_is_loaded(planted, capsys):
    base = (str(planted), "--text-column", "review", "--label-column", "sentiment", "--model", "no/such")
    code, lines, err = cohorts(capsys, *base, "--max-depth", "0")
    assert code == 2 and not lines and "depth must be at least 1" in err
    code, lines, err = cohorts(capsys, *base, "--min-rows", "0")
    assert code == 2 and "at least 1 row" in err


def read_map(path) -> list[dict]:
    with open(path, encoding="utf-8", newline="") as handle:
        return list(csv.DictReader(handle))


def test_map_writes_one_point_per_row_with_its_colouring_columns(planted, tmp_path, capsys):
    out = tmp_path / "map.csv"
    code = main(
        ["dataset", "map", str(planted), "--text-column", "review", "--label-column", "sentiment", "--out", str(out)]
    )
    err = capsys.readouterr().err
    assert code == 0, err
    rows = read_map(out)
    assert list(rows[0]) == ["row", "x", "y", "predicted_label", "confidence", "true_label", "correct", "cohort"]
    assert [int(r["row"]) for r in rows] == list(range(120))
    assert all(math.isfinite(float(r["x"])) and math.isfinite(float(r["y"])) for r in rows)
    wrong = [int(r["row"]) for r in rows if r["correct"] == "False"]
    assert wrong == planted_ids()
    assert {r["cohort"] for r in rows if int(r["row"]) in wrong} != {""}
    assert "120 of 120 rows placed with PCA" in err
    # Without labels: where the rows lie and what the model predicts.
    code = main(["dataset", "map", str(planted), "--text-column", "review", "--out", str(out)])
    assert code == 0, capsys.readouterr().err
    assert list(read_map(out)[0]) == ["row", "x", "y", "predicted_label", "confidence"]


def test_map_of_a_file_with_empty_rows_leaves_them_unplaced(tmp_path, capsys, tiny_sentiment_dir):
    path = tmp_path / "gaps.csv"
    path.write_text("id,text\n1,fine film\n2,\n3,awful film\n", encoding="utf-8")
    out = tmp_path / "map.csv"
    code = main(
        ["dataset", "map", str(path), "--text-column", "text", "--model", str(tiny_sentiment_dir), "--out", str(out)]
    )
    assert code == 0, capsys.readouterr().err
    rows = read_map(out)
    assert [(r["x"] == "", r["predicted_label"] == "") for r in rows] == [(False, False), (True, True), (False, False)]
    code = main(["dataset", "map", str(path), "--text-column", "text", "--out", str(tmp_path / "no" / "map.csv")])
    assert code == 2 and "Cannot write to" in capsys.readouterr().err


@pytest.mark.parametrize("command", ["cohorts", "map"])
def test_a_file_without_text_is_refused_before_any_model_is_loaded(tmp_path, capsys, command):
    from tests.cli.test_dataset import REFUSAL, REPORT_CSV

    path = tmp_path / "report.csv"
    path.write_bytes(REPORT_CSV)
    out = tmp_path / "map.csv"
    extra = ["--out", str(out)] if command == "map" else []
    code = main(["dataset", command, str(path), "--label-column", "flag", "--model", "no/such", *extra])
    captured = capsys.readouterr()
    assert code == 2 and captured.out == "" and captured.err.strip() == REFUSAL and not out.exists()

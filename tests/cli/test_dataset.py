"""``textlens dataset label-issues``: JSON lines ranked as the core ranks them, then a summary line."""

from __future__ import annotations

import json

import pytest

from tests.factories import FLIPPED_ROWS, flipped_reviews_csv
from textlens.cli.main import main
from textlens.dataset import label_issues, match_labels, predict_rows, read_labelled


@pytest.fixture
def reviews(tmp_path):
    path = tmp_path / "reviews.csv"
    path.write_bytes(flipped_reviews_csv())
    return path


def run_main(capsys, *args: str) -> tuple[int, list[dict], str]:
    code = main(["dataset", "label-issues", *args])
    out = capsys.readouterr()
    return code, [json.loads(line) for line in out.out.splitlines()], out.err


def test_label_issues_json_lines_in_the_core_order(reviews, capsys, default_classifier):
    code, lines, _ = run_main(capsys, str(reviews), "--text-column", "review", "--label-column", "sentiment")
    assert code == 0
    *rows, summary = lines
    # The same reader, label matcher, predictions and ranking as the page.
    labelled = read_labelled(reviews)
    truth, _ = match_labels(labelled.frame["sentiment"].tolist(), default_classifier.labels)
    texts = labelled.frame["review"].tolist()
    run = predict_rows(default_classifier, texts)
    expected = label_issues(run.probs, truth, run.labels)
    assert [r["row"] for r in rows] == list(expected.ranked)
    assert sorted(r["row"] for r in rows[: len(FLIPPED_ROWS)]) == list(FLIPPED_ROWS)
    for row in rows:
        assert set(row) == {"row", "text", "given_label", "suggested_label", "probability", "quality"}
        assert row["text"] == texts[row["row"]] and row["given_label"] != row["suggested_label"]
    qualities = [r["quality"] for r in rows]
    assert qualities == sorted(qualities)
    assert summary["summary"] is True and summary["label_issues"] == len(rows) == expected.count
    assert summary["scored_rows"] == 24
    assert summary["noise_rate"] == pytest.approx(expected.noise_rate, abs=1e-6)
    assert "likely label errors" in summary["message"]


def test_top_and_errors(reviews, capsys):
    code, lines, _ = run_main(
        capsys, str(reviews), "--text-column", "review", "--label-column", "sentiment", "--top", "2"
    )
    assert code == 0 and len(lines) == 3 and lines[-1]["summary"]
    code, _, err = run_main(capsys, str(reviews), "--text-column", "text", "--label-column", "sentiment")
    assert code == 2 and "has no column 'text'" in err and "review, sentiment" in err
    code, _, err = run_main(capsys, str(reviews), "--text-column", "sentiment", "--label-column", "review")
    assert code == 2 and "No label in 'review' matches" in err

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


@pytest.fixture(scope="module")
def tiny_b_dir(tmp_path_factory):
    """Model B: the tiny sentiment model's shape and labels, other random weights."""
    from tests.conftest import make_tiny_model

    return make_tiny_model(tmp_path_factory.mktemp("tiny-b"), labels=("NEGATIVE", "POSITIVE"), seed=5)


def with_source(path, tmp_path):
    """The reviews file with a metadata column (two sources) to slice by."""
    import pandas as pd

    frame = pd.read_csv(path)
    frame["source"] = ["web" if i % 3 else "mail" for i in range(len(frame))]
    out = tmp_path / "reviews-source.csv"
    frame.to_csv(out, index=False)
    return out


def test_compare_json_matches_its_per_row_predictions(reviews, tmp_path, capsys, tiny_sentiment_dir, tiny_b_dir):
    import pandas as pd

    file = with_source(reviews, tmp_path)
    out = tmp_path / "out"
    code = main(
        [
            "dataset",
            "compare",
            str(file),
            "--text-column",
            "review",
            "--label-column",
            "sentiment",
            "--model-a",
            str(tiny_sentiment_dir),
            "--model-b",
            str(tiny_b_dir),
            "--keyword",
            "film",
            "--out",
            str(out),
        ]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    keys = {"accuracy_a", "accuracy_b", "macro_f1_a", "macro_f1_b", "fixed", "broken", "both_right", "both_wrong"}
    assert keys | {"mcnemar_p", "difference_ci", "slices", "sentence"} <= set(summary)
    assert "Model A" in captured.err and "24/24 rows" in captured.err  # progress on stderr
    rows = pd.read_csv(out / "predictions.csv")
    assert len(rows) == 24 and {"predicted_label_a", "predicted_label_b", "score_POSITIVE_b", "change"} <= set(rows)
    right_a = rows["predicted_label_a"] == rows["sentiment"]
    right_b = rows["predicted_label_b"] == rows["sentiment"]
    assert summary["accuracy_a"] == pytest.approx(right_a.mean()) and summary["accuracy_b"] == pytest.approx(
        right_b.mean()
    )
    assert summary["fixed"] == int((~right_a & right_b).sum()) == int((rows["change"] == "fixed by B").sum())
    assert summary["broken"] == int((right_a & ~right_b).sum()) == int((rows["change"] == "broken by B").sum())
    assert summary["both_right"] == int((right_a & right_b).sum())
    assert summary["both_wrong"] == int((~right_a & ~right_b).sum())
    from statsmodels.stats.contingency_tables import mcnemar

    table = [[summary["both_right"], summary["broken"]], [summary["fixed"], summary["both_wrong"]]]
    assert summary["mcnemar_p"] == pytest.approx(mcnemar(table, exact=True).pvalue)
    low, high = summary["difference_ci"]
    assert low <= summary["accuracy_b"] - summary["accuracy_a"] <= high
    slices = pd.read_csv(out / "slices.csv")
    assert {"source", "pattern", "length"} <= set(slices["group"])
    web = [s for s in summary["slices"] if s["group"] == "source" and s["value"] == "web"][0]
    in_web = rows["source"] == "web"
    assert web["labelled"] == int(in_web.sum()) and web["accuracy_b"] == pytest.approx(right_b[in_web].mean())
    assert json.loads((out / "summary.json").read_text()) == summary


def test_compare_refuses_different_label_sets(reviews, capsys, tiny_sentiment_dir, tiny_model_dir):
    code = main(
        ["dataset", "compare", str(reviews), "--text-column", "review", "--label-column", "sentiment"]
        + ["--model-a", str(tiny_sentiment_dir), "--model-b", str(tiny_model_dir)]
    )
    err = capsys.readouterr().err.strip().splitlines()
    assert code == 2 and err[-1].startswith("error: The two models' labels differ")
    assert "only in B: anger, joy, fear" in err[-1]


def test_evaluate_json_and_rows(reviews, tmp_path, capsys, tiny_sentiment_dir):
    import pandas as pd

    out = tmp_path / "eval"
    code = main(
        ["dataset", "evaluate", str(reviews), "--text-column", "review", "--label-column", "sentiment"]
        + ["--model", str(tiny_sentiment_dir), "--out", str(out)]
    )
    captured = capsys.readouterr()
    assert code == 0, captured.err
    summary = json.loads(captured.out)
    assert {"accuracy", "macro_f1", "confusion", "calibration", "ece", "per_class", "slices"} <= set(summary)
    rows = pd.read_csv(out / "predictions.csv")
    right = rows["predicted_label"] == rows["sentiment"]
    assert summary["accuracy"] == pytest.approx(right.mean()) and summary["rows"] == 24
    assert sum(map(sum, summary["confusion"])) == 24 and summary["errors"] == int((~right).sum())
    assert [s["group"] for s in summary["slices"]] and all(s["group"] == "length" for s in summary["slices"])
    code = main(["dataset", "evaluate", str(tmp_path / "missing.csv"), "--text-column", "a", "--label-column", "b"])
    assert code == 2 and "missing.csv is not a file" in capsys.readouterr().err


# --- the text column: named, or guessed and said; never guessed from a file without text ----------

REPORT_CSV = b"id,score,flag\n1,0.5,1\n2,0.7,0\n3,0.1,1\n"
REFUSAL = (
    "error: No column of report.csv holds text (columns: id, score, flag: all numbers). "
    "Name the text column with --text-column."
)


@pytest.mark.parametrize(
    "command",
    [
        ["dataset", "evaluate", "{file}", "--label-column", "flag", "--model", "no/such"],
        ["dataset", "compare", "{file}", "--label-column", "flag", "--model-a", "no/such", "--model-b", "no/such"],
        ["dataset", "label-issues", "{file}", "--label-column", "flag", "--model", "no/such"],
        ["corpus", "explain", "{file}", "--out", "{out}", "--model", "no/such"],
        ["one-pass", "train", "--data", "{file}", "--out", "{out}", "--model", "no/such"],
    ],
    ids=lambda c: " ".join(c[:2]),
)
def test_a_file_without_text_is_refused_with_its_columns(tmp_path, capsys, command):
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT_CSV)
    argv = [a.format(file=path, out=tmp_path / "out") for a in command]
    code = main(argv)
    captured = capsys.readouterr()
    assert code == 2 and captured.out == ""
    assert captured.err.strip() == REFUSAL  # refused before any model is loaded, one line, no traceback
    assert not (tmp_path / "out").exists()


def test_a_named_column_is_honoured_and_a_guessed_one_said(tmp_path, reviews, capsys, tiny_sentiment_dir):
    path = tmp_path / "report.csv"
    path.write_bytes(REPORT_CSV)
    model = ["--model", str(tiny_sentiment_dir)]
    code = main(["dataset", "evaluate", str(path), "--text-column", "score", "--label-column", "flag", *model])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert json.loads(captured.out)["rows"] == 3 and "guessed" not in captured.err
    code = main(["dataset", "evaluate", str(reviews), "--label-column", "sentiment", *model])
    captured = capsys.readouterr()
    assert code == 0, captured.err
    assert "note: text column 'review' (guessed; name another with --text-column)" in captured.err

"""The corpus engine on this process: equal to explain() text by text, resumable, bad rows kept, folder checks."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pandas as pd
import pytest

from textlens import explain
from textlens.corpus import (
    MANIFEST,
    CorpusInterrupted,
    CorpusResultError,
    explanations,
    read_chunks,
    read_result,
    run_corpus,
)
from textlens.corpus.overview import summarize_folder, summarize_result
from textlens.corpus.result import part_files
from textlens.errors import InputFileError
from textlens.text.wordstats import word_statistics

ROOT = Path(__file__).resolve().parents[2]
WORDS = ["good", "bad", "dull", "warm", "plot", "funny", "slow", "great"]


def texts(n: int) -> list[str]:
    """Short, varied texts (two to four words), so the tiny model explains each in a fraction of a second."""
    return [" ".join(WORDS[(i + k * 3) % len(WORDS)] for k in range(2 + i % 3)) for i in range(n)]


def write_csv(path: Path, rows: list[str], labels: list[str] | None = None) -> Path:
    frame = pd.DataFrame({"review": rows, "label": labels or ["joy"] * len(rows)})
    frame.to_csv(path, index=False)
    return path


def same(a, b) -> bool:
    """Two explanations equal in every value (``seconds`` is wall time, so it is left out)."""
    return dataclasses.replace(a, seconds=0.0) == dataclasses.replace(b, seconds=0.0)


def test_local_engine_equals_explain_text_by_text(tmp_path, tiny_classifier):
    rows = texts(24)
    source = write_csv(tmp_path / "in.csv", rows)
    summary = run_corpus(
        source, tmp_path / "out", text_column="review", label_column="label", classifier=tiny_classifier, part_rows=5
    )
    assert (summary.rows, summary.done_before, summary.done_now, summary.bad_now, summary.left) == (24, 0, 24, 0, 0)
    result = read_result(tmp_path / "out")
    assert result.frame["row_id"].tolist() == list(range(24))
    assert result.frame["review"].tolist() == rows
    stored = explanations(result)
    for text, e in zip(rows, stored):
        assert same(e, explain(tiny_classifier, text))
    # The typed columns say what the stored record says.
    first, e = result.frame.iloc[0], stored[0]
    assert first["predicted_label"] == e.predicted_label
    assert [first[f"score_{label}"] for label in e.labels] == list(e.scores)
    assert [first[f"base_value_{label}"] for label in e.labels] == list(e.base_values)
    assert [(w["word"], w["start"], w["end"], list(w["values"])) for w in first["words"]] == [
        (w.word, w.start, w.end, list(w.values)) for w in e.words
    ]
    assert bool(first["converged"]) == e.converged and first["evals"] == e.evals
    manifest = result.manifest
    assert manifest["labels"] == list(tiny_classifier.labels)
    assert manifest["model_fingerprint"] == tiny_classifier.fingerprint
    assert manifest["text_column"] == "review" and manifest["label_column"] == "label"
    assert manifest["counts"] == {"rows": 24, "done": 24, "explained": 24, "bad": 0}
    assert manifest["provenance"]["versions"]["shap"]
    assert len(part_files(tmp_path / "out")) == 5  # 5+5+5+5+4 rows
    # pyarrow and pandas read the folder as a plain Parquet dataset (the manifest starts with "_").
    assert len(pd.read_parquet(tmp_path / "out")) == 24


def test_interrupted_run_resumes_with_exactly_one_row_per_input(tmp_path, tiny_classifier):
    rows = texts(20)
    source = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out"
    with pytest.raises(CorpusInterrupted) as stopped:
        run_corpus(source, out, text_column="review", classifier=tiny_classifier, part_rows=3, stop_after=7)
    assert stopped.value.summary.done_now == 7  # the rows explained before Ctrl-C are written, not lost
    assert read_result(out).manifest["counts"]["done"] == 7
    summary = run_corpus(source, out, text_column="review", classifier=tiny_classifier, part_rows=3)
    assert (summary.done_before, summary.done_now, summary.left) == (7, 13, 0)
    frame = read_result(out).frame
    assert frame["row_id"].tolist() == list(range(20))
    assert frame["review"].tolist() == rows
    again = run_corpus(source, out, text_column="review", classifier=tiny_classifier)
    assert (again.done_before, again.done_now) == (20, 0)
    manifest = json.loads((out / MANIFEST).read_text())
    assert [run["done_now"] for run in manifest["runs"]] == [7, 13, 0]
    assert manifest["runs"][0]["interrupted"] is True


def test_kill_9_mid_run_then_the_same_command_completes(tmp_path, tiny_model_dir):
    rows = texts(60)
    source = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out"
    command = [sys.executable, "-m", "textlens", "corpus", "explain", str(source), "--text-column", "review"]
    command += ["--out", str(out), "--model", str(tiny_model_dir), "--part-rows", "2", "--quiet"]
    env = {**os.environ, "TOKENIZERS_PARALLELISM": "false"}
    process = subprocess.Popen(command, cwd=ROOT, env=env, stdout=subprocess.DEVNULL, stderr=subprocess.PIPE)
    deadline = time.monotonic() + 240
    while len(part_files(out)) < 3 and process.poll() is None and time.monotonic() < deadline:
        time.sleep(0.05)
    assert process.poll() is None, "the run ended before it could be killed: " + process.stderr.read().decode()
    process.send_signal(signal.SIGKILL)
    process.wait()
    done_at_kill = len(read_result(out).frame)
    assert 0 < done_at_kill < 60
    finished = subprocess.run(command, cwd=ROOT, env=env, capture_output=True, text=True, timeout=600)
    assert finished.returncode == 0, finished.stderr
    summary = json.loads(finished.stdout)
    assert summary["done_before"] == done_at_kill and summary["done_before"] + summary["done_now"] == 60
    frame = read_result(out).frame
    assert frame["row_id"].tolist() == list(range(60))
    assert frame["review"].tolist() == rows
    assert not list(out.glob(".tmp-*"))


def test_chunked_reading_of_a_file_larger_than_a_chunk(tmp_path):
    # Quoted commas and newlines, and empty cells, across many CSV blocks of 512 bytes.
    rows = [f'row {i}, with "quotes"\nand a second line' if i % 7 == 0 else f"row {i}" for i in range(300)]
    frame = pd.DataFrame({"text": rows, "n": [str(i) if i % 5 else "" for i in range(300)]})
    frame.to_csv(tmp_path / "big.csv", index=False)
    assert (tmp_path / "big.csv").stat().st_size > 4 * 512
    chunks = list(read_chunks(tmp_path / "big.csv", chunk_bytes=512))
    assert len(chunks) > 4
    joined = pd.concat(chunks)
    assert joined["row_id"].tolist() == list(range(300))
    assert joined["text"].tolist() == rows and joined["n"].tolist() == frame["n"].tolist()
    frame.to_parquet(tmp_path / "big.parquet")
    with open(tmp_path / "big.jsonl", "w") as handle:
        for record in frame.to_dict("records"):
            handle.write(json.dumps(record) + "\n\n")
    for name in ("big.parquet", "big.jsonl"):
        chunks = list(read_chunks(tmp_path / name, chunk_rows=40))
        assert [len(c) for c in chunks] == [40] * 7 + [20]
        assert pd.concat(chunks)["text"].tolist() == rows


@pytest.mark.parametrize("encoding", ["utf-8-sig", "cp1252"])
def test_csv_in_the_encodings_the_dataset_page_reads(tmp_path, encoding):
    # Excel's CSVs: UTF-8 with a BOM, or Windows-1252 with curly quotes and accents across chunk edges.
    rows = [f"Caf\u00e9 \u201cna\u00efve\u201d \u2013 row {i} \u20ac" for i in range(200)]
    (tmp_path / "in.csv").write_bytes(pd.DataFrame({"text": rows}).to_csv(index=False).encode(encoding))
    chunks = list(read_chunks(tmp_path / "in.csv", chunk_bytes=1024))
    assert len(chunks) > 1 and list(chunks[0].columns) == ["row_id", "text"]
    assert pd.concat(chunks)["text"].tolist() == rows


def test_a_binary_file_is_refused_with_a_message(tmp_path):
    (tmp_path / "model.csv").write_bytes(b"text\n" + bytes(range(256)) * 8)
    with pytest.raises(InputFileError, match="looks binary"):
        list(read_chunks(tmp_path / "model.csv"))


def test_bad_rows_are_recorded_and_counted(tmp_path, tiny_classifier):
    records = [{"text": "good plot"}, {"text": ""}, {"text": "   "}, {"text": 42}, {"text": None}, {"text": "dull"}]
    source = tmp_path / "in.jsonl"
    source.write_text("\n".join(json.dumps(r) for r in records))
    summary = run_corpus(source, tmp_path / "out", text_column="text", classifier=tiny_classifier)
    assert (summary.done_now, summary.bad_now, summary.bad_total) == (6, 4, 4)
    result = read_result(tmp_path / "out")
    errors = result.frame["error"].tolist()
    assert pd.isna(errors[0]) and pd.isna(errors[5])
    assert "empty" in errors[1] and "empty" in errors[2]
    assert "Not text" in errors[3] and "int" in errors[3] and "missing" in errors[4]
    assert result.bad["row_id"].tolist() == [1, 2, 3, 4]
    assert len(explanations(result)) == 2
    assert result.manifest["counts"] == {"rows": 6, "done": 6, "explained": 2, "bad": 4}


def test_a_folder_made_with_another_model_or_settings_is_not_resumed(tmp_path, tiny_classifier, tiny_sentiment_dir):
    from textlens import load_classifier

    source = write_csv(tmp_path / "in.csv", texts(3))
    out = tmp_path / "out"
    run_corpus(source, out, text_column="review", classifier=tiny_classifier)
    other = load_classifier(str(tiny_sentiment_dir))
    with pytest.raises(CorpusResultError, match="another model"):
        run_corpus(source, out, text_column="review", classifier=other)
    with pytest.raises(CorpusResultError, match="another settings"):
        run_corpus(source, out, text_column="review", classifier=tiny_classifier, max_evals=100)
    write_csv(source, texts(4))
    with pytest.raises(CorpusResultError, match="another input"):
        run_corpus(source, out, text_column="review", classifier=tiny_classifier)
    (tmp_path / "stranger").mkdir()
    (tmp_path / "stranger" / "notes.txt").write_text("mine")
    with pytest.raises(CorpusResultError, match="not empty"):
        run_corpus(source, tmp_path / "stranger", text_column="review", classifier=tiny_classifier)


def test_input_columns_named_like_result_columns_are_kept_under_a_prefix(tmp_path, tiny_classifier):
    frame = pd.DataFrame({"words": ["good plot", "dull"], "error": ["a", "b"], "row_id": ["x", "y"]})
    frame.to_parquet(tmp_path / "in.parquet")
    run_corpus(tmp_path / "in.parquet", tmp_path / "out", text_column="words", classifier=tiny_classifier)
    result = read_result(tmp_path / "out")
    assert result.text_column == "input_words"
    assert result.frame["input_words"].tolist() == ["good plot", "dull"]
    assert result.frame["input_error"].tolist() == ["a", "b"] and result.frame["input_row_id"].tolist() == ["x", "y"]
    assert result.manifest["renamed"] == {"words": "input_words", "error": "input_error"}


def test_summary_counts_accuracy_and_words(tmp_path, tiny_classifier):
    rows = texts(12)
    source = write_csv(tmp_path / "in.csv", rows, labels=["joy", "anger", "1"] * 4)
    run_corpus(source, tmp_path / "out", text_column="review", label_column="label", classifier=tiny_classifier)
    result = read_result(tmp_path / "out")
    summary = summarize_result(result, top=3, min_inputs=1)
    predicted = result.frame["predicted_label"].tolist()
    truth = ["joy", "anger", "joy"] * 4  # "1" is the label at index 1
    assert summary["accuracy"] == pytest.approx(sum(p == t for p, t in zip(predicted, truth)) / 12)
    assert summary["label_note"] == "1 → joy, by the model's label order." and summary["input_notice"] is None
    assert summary["counts"]["done"] == 12 and sum(summary["predicted"].values()) == 12
    for words in summary["words_driving_each_class"].values():
        assert len(words) <= 3 and all(w["mean"] > 0 for w in words)
    # The streamed words (each part's words column) equal the statistics over the stored explanations,
    # and the CLI's light read (no explanation records in memory) gives the same summary.
    explained = explanations(result)
    for label in result.labels:
        rows = [e for e, p in zip(explained, predicted) if p == label]
        expected = [s for s in word_statistics(rows, label, 1) if s.mean > 0][:3]
        got = summary["words_driving_each_class"][label]
        assert [(w["word"], w["inputs"], w["occurrences"]) for w in got] == [
            (s.word, s.inputs, s.occurrences) for s in expected
        ]
        assert [w["mean"] for w in got] == pytest.approx([s.mean for s in expected])
    assert summarize_folder(tmp_path / "out", top=3, min_inputs=1) == summary


def test_cli_errors_are_one_line(tmp_path, tiny_model_dir):
    source = write_csv(tmp_path / "in.csv", texts(2))
    command = [sys.executable, "-m", "textlens", "corpus", "explain", str(source), "--text-column", "nope"]
    done = subprocess.run(
        [*command, "--out", str(tmp_path / "o"), "--model", str(tiny_model_dir)],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert done.returncode == 2
    assert done.stderr.strip().count("\n") == 0 and "no column 'nope'" in done.stderr
    missing = subprocess.run(
        [sys.executable, "-m", "textlens", "corpus", "summary", str(tmp_path / "none")],
        cwd=ROOT,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert missing.returncode == 2 and "not a folder" in missing.stderr


def test_a_tsv_with_stray_quotes_counts_every_line_and_merged_rows_are_reported(tmp_path, tiny_classifier):
    from tests.dataset.test_files import MERGED_CSV, stray_quotes_tsv

    source = tmp_path / "quotes.tsv"
    source.write_bytes(stray_quotes_tsv())
    with pytest.raises(CorpusInterrupted) as stopped:
        run_corpus(source, tmp_path / "out", text_column="text", classifier=tiny_classifier, stop_after=1)
    assert stopped.value.summary.rows == 1000 and stopped.value.summary.notice is None
    merged = tmp_path / "merged.csv"
    merged.write_bytes(MERGED_CSV)
    summary = run_corpus(merged, tmp_path / "m", text_column="text", label_column="label", classifier=tiny_classifier)
    assert summary.rows == 3 and "5 lines after its header, but 3 rows were read" in summary.notice
    assert "5 lines after its header" in summarize_folder(tmp_path / "m")["input_notice"]

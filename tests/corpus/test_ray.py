"""The corpus engine on a local Ray: the same rows as the local engine, and the same resumability."""

from __future__ import annotations

import dataclasses

import pytest

from tests.corpus.test_local import texts, write_csv
from textlens import load_classifier
from textlens.corpus import CorpusInterrupted, explanations, read_result, run_corpus
from textlens.corpus.result import part_files

ray = pytest.importorskip("ray", reason="Ray is not installed (pip install -r requirements-ray.txt; CI installs it)")

# Columns that must agree exactly between engines; ``seconds`` is wall time, ``words`` is compared as lists.
EXACT = ["row_id", "review", "label", "predicted_label", "converged", "unsettled", "evals", "truncated", "error"]


@pytest.fixture(scope="session")
def ray_cluster():
    """One small local Ray for every Ray test (the engine uses it rather than starting its own)."""
    ray.init(num_cpus=2, include_dashboard=False, object_store_memory=256 * 1024 * 1024, log_to_driver=False)
    yield
    ray.shutdown()


@pytest.fixture(scope="module")
def tiny_float32(tiny_model_dir):
    return load_classifier(str(tiny_model_dir), precision="float32")


def words(frame) -> list:
    """The typed ``words`` column as plain lists (numpy arrays do not compare with ==)."""
    return [
        None if w is None else [(x["word"], x["start"], x["end"], list(x["values"])) for x in w] for w in frame["words"]
    ]


def assert_same_rows(a, b, tolerance: float = 0.0) -> None:
    """Same rows, labels, spans and settings; values equal, or within ``tolerance`` where torch threads differ."""
    fa, fb = a.frame, b.frame
    assert fa[EXACT].equals(fb[EXACT]) if not tolerance else fa[EXACT[:5]].equals(fb[EXACT[:5]])
    for label in a.labels:
        for column in (f"score_{label}", f"base_value_{label}"):
            assert fa[column].to_numpy() == pytest.approx(fb[column].to_numpy(), abs=tolerance, nan_ok=True)
    ea, eb = explanations(a), explanations(b)
    assert len(ea) == len(eb) == len(fa) - int(fa["error"].notna().sum())
    if not tolerance:
        assert words(fa) == words(fb)
        for x, y in zip(ea, eb):
            assert dataclasses.replace(x, seconds=0.0) == dataclasses.replace(y, seconds=0.0)
        return
    for x, y in zip(ea, eb):
        assert [(w.word, w.start, w.end) for w in x.words] == [(w.word, w.start, w.end) for w in y.words]
        assert [v for w in x.words for v in w.values] == pytest.approx(
            [v for w in y.words for v in w.values], abs=tolerance
        )
        assert (x.evals, x.converged, x.settings) == (y.evals, y.converged, y.settings)


def test_ray_engine_gives_the_local_engine_rows(tmp_path, ray_cluster, tiny_float32):
    source = write_csv(tmp_path / "in.csv", [*texts(14), ""])
    run_corpus(source, tmp_path / "local", text_column="review", label_column="label", classifier=tiny_float32)
    summary = run_corpus(
        source,
        tmp_path / "ray",
        text_column="review",
        label_column="label",
        classifier=tiny_float32,
        engine="ray",
        workers=2,
        part_rows=4,
    )
    assert (summary.done_now, summary.bad_now, summary.left) == (15, 1, 0)
    # Blocks of at most 4 rows and at least 8 per worker: 15 rows make 15 one-row blocks, one part each.
    assert len(part_files(tmp_path / "ray")) == 15
    local, on_ray = read_result(tmp_path / "local"), read_result(tmp_path / "ray")
    assert_same_rows(local, on_ray)
    assert on_ray.manifest["runs"][0]["engine"] == "ray"


def test_ray_engine_resumes_and_skips_rows_already_written(tmp_path, ray_cluster, tiny_float32):
    rows = texts(16)
    source = write_csv(tmp_path / "in.csv", rows)
    out = tmp_path / "out"
    # Started on this machine, stopped, continued on Ray, stopped again, finished on Ray: one row each.
    with pytest.raises(CorpusInterrupted):
        run_corpus(source, out, text_column="review", classifier=tiny_float32, part_rows=3, stop_after=5)
    with pytest.raises(CorpusInterrupted) as stopped:
        run_corpus(source, out, text_column="review", classifier=tiny_float32, engine="ray", part_rows=2, stop_after=4)
    assert stopped.value.summary.done_before == 5
    summary = run_corpus(source, out, text_column="review", classifier=tiny_float32, engine="ray", part_rows=2)
    assert summary.done_before + summary.done_now == 16 and summary.left == 0
    frame = read_result(out).frame
    assert frame["row_id"].tolist() == list(range(16)) and frame["review"].tolist() == rows


def test_bundled_model_on_ray_equals_local_and_explain(tmp_path, ray_cluster):
    from textlens import explain

    classifier = load_classifier("default", precision="float32")
    rows = ["A warm, funny film.", "The plot was dull and far too long.", "Great acting.", "Not good."]
    source = write_csv(tmp_path / "in.csv", rows, labels=["POSITIVE", "NEGATIVE", "POSITIVE", "NEGATIVE"])
    for engine in ("local", "ray"):
        run_corpus(
            source, tmp_path / engine, text_column="review", label_column="label", classifier=classifier, engine=engine
        )
    local, on_ray = read_result(tmp_path / "local"), read_result(tmp_path / "ray")
    # The bundled model's matrix products add up in another order with one torch thread per actor
    # than with this process's two; float32 then differs in the last bits (the tiny model's do not).
    assert_same_rows(local, on_ray, tolerance=1e-6)
    for text, stored in zip(rows, explanations(local)):
        assert dataclasses.replace(stored, seconds=0.0) == dataclasses.replace(explain(classifier, text), seconds=0.0)


def test_one_pass_values_on_ray_equal_the_local_engines(tmp_path, ray_cluster):
    """Every actor loads the same one-pass explainer (checked by its digest) and gives the local engine's values."""
    classifier = load_classifier("default", precision="float32")
    rows = ["A warm, funny film.", "The plot was dull and far too long.", "", "Great acting.", "Not good."]
    source = write_csv(tmp_path / "in.csv", rows)
    for engine in ("local", "ray"):
        run_corpus(source, tmp_path / engine, text_column="review", classifier=classifier, engine=engine,
                   method="one-pass", part_rows=2)  # fmt: skip
    local, on_ray = read_result(tmp_path / "local"), read_result(tmp_path / "ray")
    assert local.manifest["settings"] == on_ray.manifest["settings"]
    assert on_ray.manifest["settings"]["method"] == "one-pass"
    assert_same_rows(local, on_ray, tolerance=1e-5)
    assert all(e.one_pass for e in explanations(on_ray)) and len(explanations(on_ray)) == 4

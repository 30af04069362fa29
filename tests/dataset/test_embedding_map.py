"""The map of a set: each row's mean-pooled last hidden state, one finite point per readable row, PCA for small
sets and UMAP (seeded, the same twice) from a few hundred rows.
"""

from __future__ import annotations

import numpy as np
import pytest
import torch

from textlens.dataset import predict_rows
from textlens.dataset.embedding_map import UMAP_FROM_ROWS, embed_rows, map_rows, map_vectors, project

TEXTS = ["a warm and funny film", "", "dull, slow and far too long", 42, "a warm and funny film", "fine"]


def test_vectors_are_the_mean_pooled_last_hidden_state_with_the_predictions(tiny_classifier):
    embedded = embed_rows(tiny_classifier, TEXTS)
    hidden = tiny_classifier.model.config.hidden_size
    assert embedded.vectors.shape == (len(TEXTS), hidden)
    assert np.isnan(embedded.vectors[[1, 3]]).all() and embedded.run.errors[1] == "empty text"
    assert np.array_equal(embedded.vectors[0], embedded.vectors[4])  # a repeated text is read once
    # Independently: the model's last hidden state of one text, averaged over its tokens.
    enc = tiny_classifier.tokenizer(["dull, slow and far too long"], return_tensors="pt")
    with torch.inference_mode():
        last = tiny_classifier.model(**enc, output_hidden_states=True).hidden_states[-1][0]
    assert embedded.vectors[2] == pytest.approx(last.mean(dim=0).numpy(), abs=1e-5)
    # The same pass's probabilities are the predictions.
    assert np.allclose(embedded.run.probs, predict_rows(tiny_classifier, TEXTS).probs, atol=1e-6, equal_nan=True)


def test_the_map_has_one_finite_point_per_readable_row(tiny_classifier):
    row_map, run = map_rows(tiny_classifier, TEXTS)
    assert row_map.method == "PCA" and len(row_map.x) == len(TEXTS)
    assert row_map.placed.tolist() == [True, False, True, False, True, True]
    assert np.isfinite(row_map.x[row_map.placed]).all() and np.isfinite(row_map.y[row_map.placed]).all()
    assert (row_map.x[0], row_map.y[0]) == (row_map.x[4], row_map.y[4])
    assert row_map.frame()["row"].tolist() == list(range(len(TEXTS)))
    assert run.ok.tolist() == row_map.placed.tolist()


def test_small_cases_do_not_fail():
    assert project(np.zeros((0, 8)))[0].shape == (0, 2)
    assert project(np.ones((1, 8)))[0].tolist() == [[0.0, 0.0]]
    assert np.isfinite(map_vectors(np.full((3, 4), np.nan)).x).sum() == 0


def test_umap_from_a_few_hundred_rows_is_finite_and_the_same_twice():
    rng = np.random.default_rng(0)
    centres = rng.normal(size=(3, 32)) * 4
    vectors = np.vstack([c + rng.normal(size=(UMAP_FROM_ROWS // 3 + 10, 32)) for c in centres])
    first, method = project(vectors)
    second, _ = project(vectors.copy())
    assert method == "UMAP" and first.shape == (len(vectors), 2) and np.isfinite(first).all()
    assert np.array_equal(first, second)
    # Three clusters stay apart: each point's nearest other point is in its own cluster.
    cluster = np.repeat(np.arange(3), UMAP_FROM_ROWS // 3 + 10)
    distances = np.linalg.norm(first[:, None] - first[None], axis=2)
    np.fill_diagonal(distances, np.inf)
    assert (cluster[distances.argmin(axis=1)] == cluster).mean() > 0.95

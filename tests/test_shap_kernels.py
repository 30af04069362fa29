"""The NumPy stand-ins for shap's numba kernels give exactly what shap's own kernels give."""

from __future__ import annotations

import numpy as np
import pytest
import shap

from textlens import shap_kernels
from textlens.text.words import WordSegmenter


@pytest.fixture(scope="module")
def clustering():
    shap_kernels.install()
    text = "The acting was wonderful, but the plot (sadly) was dull and far too long."
    return shap.maskers.Text(WordSegmenter("[MASK]")).clustering(text)


def test_lower_credit_matches(clustering, monkeypatch):
    import shap.explainers._partition as partition

    # shap's recursive kernel calls itself through the module global that install() replaced.
    monkeypatch.setattr(partition, "lower_credit", shap_kernels.ORIGINALS["lower_credit"])
    m = len(clustering) + 1
    rng = np.random.default_rng(0)
    start = rng.normal(size=(2 * m - 1, 2))
    ours, theirs = start.copy(), start.copy()
    shap_kernels.lower_credit(2 * m - 2, 0, m, ours, clustering)
    shap_kernels.ORIGINALS["lower_credit"](2 * m - 2, 0, m, theirs, clustering)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)


def test_make_masks_matches(clustering, monkeypatch):
    import shap.utils._masked_model as masked_model

    monkeypatch.setattr(masked_model, "_rec_fill_masks", shap_kernels.ORIGINALS["rec_fill_masks"])
    m = len(clustering) + 1
    results = []
    for init, fill in (
        (shap_kernels.init_masks, shap_kernels.rec_fill_masks),
        (shap_kernels.ORIGINALS["init_masks"], shap_kernels.ORIGINALS["rec_fill_masks"]),
    ):
        row_pos = np.zeros(2 * m - 1, dtype=int)
        indptr = np.zeros(2 * m, dtype=int)
        indices = np.zeros(int(np.sum(clustering[:, 3])) + m, dtype=int)
        init(clustering, m, row_pos, indptr)
        fill(clustering, row_pos, indptr, indices, m, 2 * m - 2)
        results.append((row_pos, indptr, indices))
    for ours, theirs in zip(*results):
        np.testing.assert_array_equal(ours, theirs)


def test_build_fixed_output_matches():
    rng = np.random.default_rng(1)
    outputs = rng.random((7, 3))
    varying = np.ones((5, 1), dtype=bool)
    num_varying = np.array([1, 0, 1, 1, 1])
    results = []
    for kernel in (shap_kernels.build_fixed_output, shap_kernels.ORIGINALS["build_fixed_multi_output"]):
        averaged = np.zeros((5, 3))
        last = np.zeros((1, 3))
        kernel(
            averaged,
            last,
            outputs[[0, 2, 4, 6]],
            np.array([0, 1, 1, 2, 3, 4]),
            varying,
            num_varying,
            shap.links.identity,
            None,
        )
        results.append(averaged)
    np.testing.assert_allclose(results[0], results[1])

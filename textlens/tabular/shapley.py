"""Shapley values of a batched predict function against a background sample: exact, or by permutations."""

from __future__ import annotations

import math
from collections.abc import Callable

import numpy as np

# Up to this many features every coalition is evaluated (2**10 = 1,024 of them); beyond, permutations.
MAX_EXACT_FEATURES = 10
PERMUTATIONS = 32  # antithetic pairs: each permutation and its reverse
# Rows handed to the model at once, so memory stays bounded for big backgrounds or many rows.
BATCH_ROWS = 200_000

Predict = Callable[[np.ndarray], np.ndarray]


def method_for(features: int) -> str:
    """``"exact"`` when every coalition can be evaluated, else ``"permutation"``."""
    return "exact" if features <= MAX_EXACT_FEATURES else "permutation"


def model_rows(features: int, background: int) -> int:
    """Rows the model evaluates for one explanation (at most, for permutations: shared coalitions count once)."""
    if method_for(features) == "exact":
        return 2**features * background
    return PERMUTATIONS * (features + 1) * background


def all_masks(m: int) -> np.ndarray:
    """Every coalition of ``m`` features as a (2**m, m) bool array; row ``k`` holds the bits of ``k``."""
    codes = np.arange(2**m)
    return ((codes[:, None] >> np.arange(m)[None, :]) & 1).astype(bool)


def coalition_values(predict: Predict, x: np.ndarray, background: np.ndarray, masks: np.ndarray) -> np.ndarray:
    """v(S) for each mask: the mean prediction over the background with the features in S set to ``x``'s.

    Returns (masks, classes). Missing values (NaN) are values like any other: the model reads them.
    """
    b = len(background)
    per_batch = max(1, BATCH_ROWS // max(b, 1))
    out = []
    for start in range(0, len(masks), per_batch):
        chunk = masks[start : start + per_batch]
        rows = np.where(chunk[:, None, :], x[None, None, :], background[None, :, :])
        probs = predict(rows.reshape(-1, x.shape[0]))
        out.append(probs.reshape(len(chunk), b, -1).mean(axis=1))
    return np.concatenate(out)


def exact_weights(m: int) -> np.ndarray:
    """Shapley weight |S|! (m - |S| - 1)! / m! for each coalition size 0..m-1."""
    return np.array([math.factorial(s) * math.factorial(m - s - 1) / math.factorial(m) for s in range(m)])


def exact(predict: Predict, x: np.ndarray, background: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact interventional Shapley values of every feature for every class.

    Returns ``(values (m, classes), base (classes,), output (classes,))`` with base = mean prediction
    over the background, output = v(all features) and base + values.sum(0) == output (to rounding).
    """
    m = x.shape[0]
    masks = all_masks(m)
    v = coalition_values(predict, x, background, masks)
    weights = exact_weights(m)
    sizes = masks.sum(axis=1)
    codes = np.arange(2**m)
    values = np.zeros((m, v.shape[1]))
    for i in range(m):
        without = codes[(codes >> i) & 1 == 0]
        values[i] = (weights[sizes[without]][:, None] * (v[without | (1 << i)] - v[without])).sum(axis=0)
    return values, v[0], v[-1]


def permutation(
    predict: Predict, x: np.ndarray, background: np.ndarray, permutations: int = PERMUTATIONS, seed: int = 0
) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Shapley values estimated from ``permutations`` seeded antithetic permutations (same return as :func:`exact`).

    Each permutation's marginal contributions add up to output - base exactly, so the estimate is
    additive like the exact values; only the split between features is approximate.
    """
    m = x.shape[0]
    rng = np.random.default_rng(seed)
    orders = []
    for _ in range(max(1, permutations // 2)):
        order = rng.permutation(m)
        orders += [order, order[::-1]]
    # The coalitions along every permutation, evaluated once each.
    chains = []
    for order in orders:
        mask = np.zeros(m, dtype=bool)
        chain = [mask.copy()]
        for j in order:
            mask[j] = True
            chain.append(mask.copy())
        chains.append(np.array(chain))
    stacked = np.concatenate(chains)
    unique, inverse = np.unique(stacked, axis=0, return_inverse=True)
    v = coalition_values(predict, x, background, unique)[inverse.reshape(-1)].reshape(len(orders), m + 1, -1)
    values = np.zeros((m, v.shape[2]))
    for p, order in enumerate(orders):
        values[order] += v[p, 1:] - v[p, :-1]
    values /= len(orders)
    return values, v[0, 0], v[0, -1]


def shapley(predict: Predict, x: np.ndarray, background: np.ndarray) -> tuple[np.ndarray, np.ndarray, np.ndarray]:
    """Exact Shapley values up to :data:`MAX_EXACT_FEATURES` features, permutation estimates beyond."""
    if method_for(x.shape[0]) == "exact":
        return exact(predict, x, background)
    return permutation(predict, x, background)

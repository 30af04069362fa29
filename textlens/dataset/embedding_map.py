"""A map of a labelled set: each row placed by the model's own representation of it, projected to two dimensions.

A row's representation is the classifier's last hidden state, mean-pooled over the row's tokens (padding left
out): what the model "sees" just before its head decides. The rows' vectors are projected to 2-D with UMAP
(umap-learn) on their cosine geometry, or with PCA below :data:`UMAP_FROM_ROWS` rows where UMAP's
neighbourhoods are too small to mean much. Near points are rows the model represents alike; distances between
far-apart groups, and the axes, mean little (UMAP keeps neighbourhoods, not global distances).
"""

from __future__ import annotations

import threading
import time
import warnings
from collections.abc import Sequence
from dataclasses import dataclass
from typing import ClassVar

import numpy as np
import pandas as pd

from textlens.dataset.predict import ProgressFn, RowPredictions, readable, run_rows
from textlens.text.models import Classifier

UMAP_FROM_ROWS = 300  # fewer distinct rows than this are projected with PCA
NEIGHBOURS = 15  # UMAP's neighbourhood: how many near rows shape a row's place
PCA_DIMENSIONS = 50  # the vectors are reduced to this many dimensions before their neighbours are found
EPOCHS = 200  # UMAP's layout steps (its own default for large sets; 500 below 10,000 rows is slower, alike)
# A classifier's last hidden states gather tightly by class: UMAP's default 0.1 stacked hundreds of rows on one
# spot (3,000 emotion rows looked like 300); 0.5 spreads each region so its rows can be seen and lassoed.
MIN_DIST = 0.5
SEED = 0


@dataclass(frozen=True, eq=False)
class RowVectors:
    """Every row's mean-pooled last hidden state (NaN rows where the text could not be read) and the
    probabilities of the same forward pass.
    """

    vectors: np.ndarray  # (rows, hidden size), float32
    run: RowPredictions


@dataclass(frozen=True, eq=False)
class RowMap:
    """Every row's place on the map (NaN where the row could not be read) and how it was made."""

    kind: ClassVar[str] = "row-map"

    x: np.ndarray
    y: np.ndarray
    method: str  # "UMAP" or "PCA"
    embed_seconds: float = 0.0
    project_seconds: float = 0.0

    @property
    def placed(self) -> np.ndarray:
        """Boolean mask of the rows with a place (the rows that could be read)."""
        return np.isfinite(self.x) & np.isfinite(self.y)

    def frame(self) -> pd.DataFrame:
        """``row``, ``x`` and ``y`` per row of the file."""
        return pd.DataFrame({"row": np.arange(len(self.x)), "x": self.x, "y": self.y})


def _pooled_forward(classifier: Classifier, views: list[str]) -> np.ndarray:
    """One batch through the model: each row's probabilities, then its mean-pooled last hidden state."""
    import torch

    enc = classifier.tokenizer(
        views, padding=True, truncation=True, max_length=classifier.max_length, return_tensors="pt"
    )
    bfloat16 = classifier.precision == "bfloat16"
    with torch.inference_mode(), torch.autocast("cpu", dtype=torch.bfloat16, enabled=bfloat16):
        out = classifier.model(**enc, output_hidden_states=True)
    logits = out.logits.float()
    probs = torch.sigmoid(logits) if classifier.multi_label else torch.softmax(logits, dim=-1)
    hidden = out.hidden_states[-1].float()
    mask = enc["attention_mask"].unsqueeze(-1).to(hidden.dtype)
    pooled = (hidden * mask).sum(dim=1) / mask.sum(dim=1).clamp(min=1.0)
    return torch.cat([probs, pooled], dim=1).numpy()


def embed_rows(
    classifier: Classifier,
    texts: Sequence[object],
    *,
    batch_size: int | None = None,
    progress: ProgressFn | None = None,
) -> RowVectors:
    """Every row's mean-pooled last hidden state and probabilities in one forward pass, batched and sorted by
    length as :func:`~textlens.dataset.predict_rows` runs them; a text repeated in the file runs once.
    ``progress`` counts the distinct texts.
    """
    distinct = list(dict.fromkeys(t for t in texts if readable(t) is None))
    width = len(classifier.labels) + int(classifier.model.config.hidden_size)
    out, _, seconds = run_rows(
        classifier,
        distinct,
        lambda views: _pooled_forward(classifier, views),
        width,
        batch_size=batch_size,
        progress=progress,
    )
    where = {text: i for i, text in enumerate(distinct)}
    errors = tuple(readable(t) for t in texts)
    rows = np.full((len(texts), width), np.nan, dtype=np.float64)
    for row, (text, error) in enumerate(zip(texts, errors)):
        if error is None:
            rows[row] = out[where[text]]
    k = len(classifier.labels)
    run = RowPredictions(tuple(classifier.labels), rows[:, :k], errors, seconds, classifier.multi_label)
    return RowVectors(rows[:, k:].astype(np.float32), run)


def project(vectors: np.ndarray) -> tuple[np.ndarray, str]:
    """2-D coordinates of ``vectors`` (finite rows) and the method: UMAP on the cosine geometry (the vectors
    scaled to length 1, reduced to :data:`PCA_DIMENSIONS` by PCA, each row's exact nearest neighbours), or PCA
    below :data:`UMAP_FROM_ROWS` distinct rows. Repeated rows share one place. Deterministic (seeded).
    """
    from sklearn.decomposition import PCA
    from sklearn.preprocessing import normalize

    if len(vectors) == 0:
        return np.zeros((0, 2)), "PCA"
    unit = normalize(np.asarray(vectors, dtype=np.float64))
    distinct, inverse = np.unique(unit, axis=0, return_inverse=True)
    n, dims = distinct.shape
    if n < UMAP_FROM_ROWS:
        coords = np.zeros((n, 2))
        if n > 1:
            pca = PCA(n_components=min(2, n, dims), svd_solver="full")
            found = pca.fit_transform(distinct)
            coords[:, : found.shape[1]] = found
        return coords[inverse.ravel()], "PCA"
    reduced = PCA(n_components=min(PCA_DIMENSIONS, n, dims), random_state=SEED).fit_transform(distinct)
    return _umap(reduced)[inverse.ravel()], "UMAP"


# umap-learn compiles these with numba on first use in every process (15-25 s on two busy cores); compiled
# with numba's on-disk cache they compile once per machine. The same functions and options: the same results.
UMAP_JITTED = (
    ("umap.umap_", "smooth_knn_dist"),
    ("umap.umap_", "compute_membership_strengths"),
    ("umap.layouts", "_nb_optimize_layout_euclidean_single_epoch"),
)
_cached = threading.Lock()
_cache_done: list[bool] = []


def cache_umap_compilation() -> None:
    """Recompile umap-learn's slowest numba functions with numba's on-disk cache, once per process.

    Skipped, function by function, where umap-learn has changed them or numba has nowhere to keep a cache:
    the map is then only slower to start.
    """
    import importlib

    with _cached:
        if _cache_done:
            return
        _cache_done.append(True)
        import numba

        for module_name, name in UMAP_JITTED:
            module = importlib.import_module(module_name)
            jitted = getattr(module, name, None)
            options = {k: v for k, v in getattr(jitted, "targetoptions", {}).items() if k != "nopython"}
            if not hasattr(jitted, "py_func"):
                continue
            try:
                setattr(module, name, numba.njit(cache=True, **options)(jitted.py_func))
            except Exception:  # no cache locator, or options numba no longer takes: keep umap-learn's own
                continue


def _umap(reduced: np.ndarray) -> np.ndarray:
    """UMAP of ``reduced`` on exact neighbours (scikit-learn's), which skips the approximate search umap-learn
    would compile first.
    """
    from sklearn.neighbors import NearestNeighbors

    neighbours = NearestNeighbors(n_neighbors=NEIGHBOURS, algorithm="brute").fit(reduced)
    distances, indices = neighbours.kneighbors(reduced)
    with warnings.catch_warnings():
        # "n_jobs overridden by random_state" and sparse-graph notes: the seed is the point, the notes are noise.
        warnings.simplefilter("ignore")
        import umap

        cache_umap_compilation()
        reducer = umap.UMAP(
            n_neighbors=NEIGHBOURS,
            n_epochs=EPOCHS,
            min_dist=MIN_DIST,
            random_state=SEED,
            precomputed_knn=(indices, distances, None),
        )
        return reducer.fit_transform(reduced).astype(np.float64)


def map_vectors(vectors: np.ndarray, embed_seconds: float = 0.0) -> RowMap:
    """The map of rows with these vectors (NaN rows stay unplaced)."""
    started = time.perf_counter()
    ok = np.isfinite(vectors).all(axis=1) if len(vectors) else np.zeros(0, dtype=bool)
    coords, method = project(vectors[ok])
    x, y = np.full(len(vectors), np.nan), np.full(len(vectors), np.nan)
    x[ok], y[ok] = coords[:, 0], coords[:, 1]
    return RowMap(x, y, method, embed_seconds, time.perf_counter() - started)


def map_rows(
    classifier: Classifier, texts: Sequence[object], *, progress: ProgressFn | None = None
) -> tuple[RowMap, RowPredictions]:
    """Every row placed on the map by ``classifier``'s own representation, and the predictions of the same pass."""
    embedded = embed_rows(classifier, texts, progress=progress)
    return map_vectors(embedded.vectors, embedded.run.seconds), embedded.run

"""Patches to shap's Partition path: NumPy stand-ins for its numba kernels, and a per-thread seeded RNG.

shap 0.51 compiles four small @njit kernels on the first explanation of every process (about 4 s on
2 cores, measured in bench/explain_speed.py); they are simple loops over the partition tree or the
batch, so plain Python/NumPy does the same work in milliseconds for text-sized trees. The
replacements give identical results (tests/test_shap_kernels.py compares them with shap's own).
"""

from __future__ import annotations

import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

_INSTALLED = False
_LOCK = threading.Lock()
ORIGINALS: dict[str, object] = {}  # shap's numba kernels, kept for the equivalence tests


def lower_credit(i: int, value: float, M: int, values: np.ndarray, clustering: np.ndarray) -> None:  # noqa: N803
    """Push each internal node's value down to its leaves in proportion to their sizes (iterative)."""
    stack = [(i, value)]
    while stack:
        node, add = stack.pop()
        if node < M:
            values[node] += add
            continue
        left, right = int(clustering[node - M, 0]), int(clustering[node - M, 1])
        size = clustering[node - M, 3]
        lsize = clustering[left - M, 3] if left >= M else 1
        rsize = clustering[right - M, 3] if right >= M else 1
        values[node] += add
        stack.append((right, values[node] * rsize / size))
        stack.append((left, values[node] * lsize / size))


def init_masks(cluster_matrix, M, indices_row_pos, indptr) -> None:  # noqa: N803
    """CSR row pointers of the node-to-leaves mask matrix."""
    sizes = np.ones(2 * M - 1, dtype=int)
    sizes[M:] = cluster_matrix[:, 3].astype(int)
    indptr[1:] = np.cumsum(sizes)
    indices_row_pos[:] = indptr[:-1]


def rec_fill_masks(cluster_matrix, indices_row_pos, indptr, indices, M, ind) -> None:  # noqa: N803
    """Fill each node's row with the leaves under it (children before parents, no recursion)."""
    for node in range(min(ind, M - 1) + 1):
        indices[indices_row_pos[node]] = node
    for node in range(M, ind + 1):
        left, right = int(cluster_matrix[node - M, 0]), int(cluster_matrix[node - M, 1])
        pos = indices_row_pos[node]
        lsize = indptr[left + 1] - indptr[left]
        rsize = indptr[right + 1] - indptr[right]
        indices[pos : pos + lsize] = indices[indices_row_pos[left] : indices_row_pos[left] + lsize]
        indices[pos + lsize : pos + lsize + rsize] = indices[indices_row_pos[right] : indices_row_pos[right] + rsize]


def build_fixed_output(
    averaged_outs, last_outs, outputs, batch_positions, varying_rows, num_varying_rows, link, linearizing_weights
) -> None:
    """Carry each masked row's outputs forward and average over the background samples."""
    sample_count = last_outs.shape[0]
    for i in range(len(averaged_outs)):
        if batch_positions[i] < batch_positions[i + 1]:
            if num_varying_rows[i] == sample_count:
                last_outs[:] = outputs[batch_positions[i] : batch_positions[i + 1]]
            else:
                last_outs[varying_rows[i]] = outputs[batch_positions[i] : batch_positions[i + 1]]
            if linearizing_weights is not None:
                averaged_outs[i] = np.mean(linearizing_weights * link(last_outs), axis=0)
            else:
                averaged_outs[i] = link(np.mean(last_outs, axis=0))
        else:
            averaged_outs[i] = averaged_outs[i - 1]


_THREAD = threading.local()


class _ThreadRandom:
    """``np.random`` as shap's Partition code sees it: this thread's seeded generator inside :func:`seeded`.

    shap breaks ties between equally promising tree nodes with ``np.random.randn()``; with the
    global generator, two explanations running at once (different models, different locks) would
    interleave their draws and a partial explanation would depend on what else runs.
    """

    def __getattr__(self, name: str):
        return getattr(getattr(_THREAD, "random", None) or np.random, name)


def _numpy_with_thread_random() -> types.ModuleType:
    # A stand-in for the numpy module inside shap's modules: all of numpy, but np.random per thread.
    module = types.ModuleType("numpy")
    module.__dict__.update(np.__dict__)
    module.__dict__["__getattr__"] = lambda name: getattr(np, name)  # numpy's lazily loaded attributes
    module.random = _ThreadRandom()  # type: ignore[attr-defined]
    return module


@contextmanager
def seeded(seed: int) -> Iterator[None]:
    """Within the block, shap's Partition explainer draws from ``np.random.RandomState(seed)`` of this thread.

    The same draws as ``np.random.seed(seed)`` would give (so results are unchanged), but no other
    thread's draws can interleave with them.
    """
    install()
    previous = getattr(_THREAD, "random", None)
    _THREAD.random = np.random.RandomState(seed)
    try:
        yield
    finally:
        _THREAD.random = previous


def install() -> None:
    """Swap shap's Partition-path numba kernels for these (once per process)."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        import shap.explainers._partition as partition
        import shap.utils._clustering as clustering
        import shap.utils._masked_model as masked_model

        ORIGINALS.update(
            lower_credit=partition.lower_credit,
            init_masks=masked_model._init_masks,
            rec_fill_masks=masked_model._rec_fill_masks,
            build_fixed_multi_output=masked_model._build_fixed_multi_output,
        )
        partition.lower_credit = lower_credit
        masked_model._init_masks = init_masks
        masked_model._rec_fill_masks = rec_fill_masks
        masked_model._build_fixed_single_output = build_fixed_output
        masked_model._build_fixed_multi_output = build_fixed_output
        partition.np = clustering.np = _numpy_with_thread_random()
        _INSTALLED = True

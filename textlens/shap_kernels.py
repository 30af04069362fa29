"""NumPy/Python stand-ins for shap's numba kernels on the Partition path, so no process pays seconds of JIT.

shap 0.51 compiles four small @njit kernels on the first explanation of every process (about 4 s on
2 cores, measured in bench/explain_speed.py); they are simple loops over the partition tree or the
batch, so plain Python/NumPy does the same work in milliseconds for text-sized trees. The
replacements give identical results (tests/test_shap_kernels.py compares them with shap's own).
"""

from __future__ import annotations

import threading

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


def install() -> None:
    """Swap shap's Partition-path numba kernels for these (once per process)."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        import shap.explainers._partition as partition
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
        _INSTALLED = True

"""The one seam between textlens and shap's private parts: every touch of them is in this module.

shap's Partition explainer and Text masker are public, but textlens changes three private things
behind them, all written against shap 0.51 (:data:`SUPPORTED_SHAP`; pyproject pins the same range):

- **numba kernels** (``shap.explainers._partition.lower_credit``, ``shap.utils._masked_model``'s
  ``_init_masks``, ``_rec_fill_masks``, ``_build_fixed_single_output``, ``_build_fixed_multi_output``):
  shap 0.51 compiles them on the first explanation of every process (about 4 s on 2 cores, measured
  in bench/explain_speed.py); they are simple loops over the partition tree or the batch, so the
  plain Python/NumPy stand-ins below do the same work in milliseconds for text-sized trees.
- **``np`` in ``shap.explainers._partition`` and ``shap.utils._clustering``**: a numpy whose
  ``np.random`` is this thread's seeded generator inside :func:`seeded` (shap breaks ties with it).
- **the Text masker's ``clustering``** (and its private ``_update_s_cache``):
  :func:`remember_last_clustering` computes a text's partition tree once.

:func:`install` first checks the installed shap against :data:`SUPPORTED_SHAP` and raises
:class:`ShapVersionError` outside it. tests/test_shap_kernels.py holds a test per replaced or
patched function that compares it with shap's own on small inputs, and one that runs shap's
Partition explainer with and without the patches: moving to a new shap means widening
:data:`SUPPORTED_SHAP` and running that file.
"""

from __future__ import annotations

import importlib.metadata
import threading
import types
from collections.abc import Iterator
from contextlib import contextmanager

import numpy as np

from textlens.errors import TextlensError

# The shap releases whose private code this module was read against and tested with.
SUPPORTED_SHAP = ">=0.51,<0.52"

_INSTALLED = False
_LOCK = threading.Lock()
# shap's own objects that install() replaced, by "module:attribute" (the equivalence tests use them).
ORIGINALS: dict[str, object] = {}


class ShapVersionError(TextlensError, RuntimeError):
    """The installed shap is outside :data:`SUPPORTED_SHAP`, the range this module's patches were written for."""


def installed_shap_version() -> str:
    """The installed shap's version, read from its metadata (without importing shap, which takes seconds)."""
    return importlib.metadata.version("shap")


def check_shap_version(version: str | None = None) -> str:
    """The shap ``version`` (default: the installed one) when it is supported; else :class:`ShapVersionError`."""
    from packaging.specifiers import SpecifierSet

    version = installed_shap_version() if version is None else version
    if SpecifierSet(SUPPORTED_SHAP).contains(version, prereleases=True):
        return version
    raise ShapVersionError(
        f"shap {version} is installed, but textlens replaces parts of shap's private code (its Partition "
        f"explainer's kernels and random draws, its Text masker's cache) that were written for "
        f"shap{SUPPORTED_SHAP}. Install a supported shap: pip install 'shap{SUPPORTED_SHAP}'. "
        f"To move textlens to shap {version}, compare its private code with textlens/shap_kernels.py, "
        f"widen SUPPORTED_SHAP there (and the pin in pyproject.toml) and run tests/test_shap_kernels.py."
    )


# --- numba kernels: NumPy stand-ins, same arguments and results as shap's ---------------------------


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
    """Fill each node's row with the leaves under it (children before parents, no recursion).

    shap calls it for the root only (``make_masks``), and then it fills what shap's does; for another
    ``ind`` it fills that node's rows as shap's does, and the rows of nodes numbered below it too.
    """
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


# --- np.random per thread inside shap's Partition code ----------------------------------------------

_THREAD = threading.local()


class _ThreadRandom:
    """``np.random`` as shap's Partition code sees it: this thread's seeded generator inside :func:`seeded`.

    shap breaks ties between equally promising tree nodes with ``np.random.randn()``; with the
    global generator, two explanations running at once (different models, different locks) would
    interleave their draws and a partial explanation would depend on what else runs.
    """

    def __getattr__(self, name: str):
        return getattr(getattr(_THREAD, "random", None) or np.random, name)


def numpy_with_thread_random() -> types.ModuleType:
    """A stand-in for the numpy module inside shap's modules: all of numpy, but np.random per thread."""
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


# --- the Text masker's partition tree, once per text ------------------------------------------------


def remember_last_clustering(masker) -> None:
    """Make ``masker.clustering`` (a ``shap.maskers.Text``) remember its last text's tree.

    Planning, shap and a resumed run ask for the same text's tree again; shap's partition tree is pure
    Python and quadratic in the words (a second for a 350-word review, several under load), so
    computing it once per text keeps it out of the model's time. Each call returns a copy (callers
    may change it), and leaves the masker's per-text state (its segments) on the asked text, as
    shap's own ``clustering`` does.
    """
    install()
    compute = masker.clustering
    last: list = [None, None]

    def clustering(s):
        if last[0] != s:
            last[:] = [s, compute(s)]
        else:
            masker._update_s_cache(s)  # what compute() does first: the masker's segments are this text's
        return last[1].copy()

    masker.clustering = clustering


# --- installing ---------------------------------------------------------------------------------------


def patches() -> list[tuple[types.ModuleType, str, object]]:
    """Every (shap module, attribute, replacement) that :func:`install` sets."""
    import shap.explainers._partition as partition
    import shap.utils._clustering as clustering
    import shap.utils._masked_model as masked_model

    numpy = numpy_with_thread_random()
    return [
        (partition, "lower_credit", lower_credit),
        (masked_model, "_init_masks", init_masks),
        (masked_model, "_rec_fill_masks", rec_fill_masks),
        (masked_model, "_build_fixed_single_output", build_fixed_output),
        (masked_model, "_build_fixed_multi_output", build_fixed_output),
        (partition, "np", numpy),
        (clustering, "np", numpy),
    ]


def patch_key(module: types.ModuleType, name: str) -> str:
    """The :data:`ORIGINALS` key of ``module.name``, e.g. ``"shap.explainers._partition:lower_credit"``."""
    return f"{module.__name__}:{name}"


def install() -> None:
    """Check shap's version, then swap shap's private kernels and ``np`` for these (once per process)."""
    global _INSTALLED
    with _LOCK:
        if _INSTALLED:
            return
        check_shap_version()
        for module, name, replacement in patches():
            ORIGINALS[patch_key(module, name)] = getattr(module, name)
            setattr(module, name, replacement)
        _INSTALLED = True

"""The seam to shap's private parts (textlens/shap_kernels.py): each replacement does what shap's own does.

One test per patched name (``COVERED`` at the end lists them, and a test checks that it lists every
patch), one for the Text masker's remembered tree, one that runs shap's Partition explainer with and
without every patch, and the version check. Against a new shap these fail, not the values shown.
"""

from __future__ import annotations

import re
import threading
import tomllib
from pathlib import Path

import numpy as np
import pytest
import shap
from packaging.requirements import Requirement
from packaging.specifiers import SpecifierSet

from textlens import shap_kernels
from textlens.text.words import WordSegmenter

ROOT = Path(__file__).resolve().parents[1]
TEXT = "The acting was wonderful, but the plot (sadly) was dull and far too long."
OTHER = "A dull, tedious mess of a film."


def original(module_name: str, name: str):
    """shap's own object that install() replaced."""
    shap_kernels.install()
    return shap_kernels.ORIGINALS[f"{module_name}:{name}"]


PARTITION, MASKED_MODEL, CLUSTERING = "shap.explainers._partition", "shap.utils._masked_model", "shap.utils._clustering"


@pytest.fixture(scope="module")
def clustering():
    shap_kernels.install()
    return shap.maskers.Text(WordSegmenter("[MASK]")).clustering(TEXT)


@pytest.fixture
def shap_originals(monkeypatch):
    """shap exactly as shipped, for the length of a test: every patch undone."""
    shap_kernels.install()
    for module, name, _ in shap_kernels.patches():
        monkeypatch.setattr(module, name, shap_kernels.ORIGINALS[shap_kernels.patch_key(module, name)])


# --- the version check ---------------------------------------------------------------------------------


def test_supported_range_is_the_installed_shap_and_the_pin():
    """The range the seam was written for is the one pyproject pins, and the installed shap is in it."""
    pyproject = tomllib.loads((ROOT / "pyproject.toml").read_text())
    pins = [Requirement(r) for r in pyproject["project"]["dependencies"] if r.startswith("shap")]
    assert [p.specifier for p in pins] == [SpecifierSet(shap_kernels.SUPPORTED_SHAP)]
    assert shap.__version__ in SpecifierSet(shap_kernels.SUPPORTED_SHAP)
    shap_kernels.check_shap_version()  # the installed one passes


@pytest.mark.parametrize("version", ["0.50.2", "0.52.0", "1.0.0"])
def test_an_unsupported_shap_fails_loudly(version):
    with pytest.raises(shap_kernels.ShapVersionError) as raised:
        shap_kernels.check_shap_version(version)
    message = str(raised.value)
    assert f"shap {version} is installed" in message
    assert f"pip install 'shap{shap_kernels.SUPPORTED_SHAP}'" in message
    assert "tests/test_shap_kernels.py" in message


@pytest.mark.parametrize("version", ["0.51.0", "0.51.3"])
def test_a_supported_shap_passes(version):
    assert shap_kernels.check_shap_version(version) == version


def test_install_checks_the_version_before_patching(monkeypatch):
    import shap.explainers._partition as partition

    monkeypatch.setattr(shap_kernels, "_INSTALLED", False)
    monkeypatch.setattr(shap_kernels, "installed_shap_version", lambda: "0.52.1")
    monkeypatch.setattr(partition, "lower_credit", "shap's own")
    with pytest.raises(shap_kernels.ShapVersionError, match=r"shap 0\.52\.1 is installed"):
        shap_kernels.install()
    assert partition.lower_credit == "shap's own" and shap_kernels._INSTALLED is False
    with pytest.raises(shap_kernels.ShapVersionError):  # and every use goes through install()
        shap_kernels.remember_last_clustering(shap.maskers.Text(WordSegmenter("[MASK]")))


def test_install_sets_every_patch():
    shap_kernels.install()
    for module, name, replacement in shap_kernels.patches():
        current = getattr(module, name)
        if name == "np":
            assert isinstance(current.random, shap_kernels._ThreadRandom)
        else:
            assert current is replacement, f"{module.__name__}.{name} is not textlens's"


def test_no_other_module_touches_shap_privates():
    """Every touch of shap's private modules or attributes is in the seam."""
    private = re.compile(r"shap\.\w+\._\w|_update_s_cache|masker\._\w|explainer\._\w|masker\.clustering\s*=[^=]")
    offenders = [
        f"{path.relative_to(ROOT)}:{number}"
        for path in sorted((ROOT / "textlens").rglob("*.py"))
        if path.name != "shap_kernels.py"
        for number, line in enumerate(path.read_text().splitlines(), 1)
        if private.search(line)
    ]
    assert offenders == []


# --- one test per patched name --------------------------------------------------------------------------


def test_lower_credit_matches(clustering, monkeypatch):
    import shap.explainers._partition as partition

    theirs_kernel = original(PARTITION, "lower_credit")
    # shap's recursive kernel calls itself through the module global that install() replaced.
    monkeypatch.setattr(partition, "lower_credit", theirs_kernel)
    m = len(clustering) + 1
    rng = np.random.default_rng(0)
    start = rng.normal(size=(2 * m - 1, 2))
    ours, theirs = start.copy(), start.copy()
    shap_kernels.lower_credit(2 * m - 2, 0, m, ours, clustering)
    theirs_kernel(2 * m - 2, 0, m, theirs, clustering)
    np.testing.assert_allclose(ours, theirs, rtol=1e-12)
    assert not np.allclose(ours, start)  # it did push credit down


def _init(kernel, clustering):
    m = len(clustering) + 1
    row_pos, indptr = np.zeros(2 * m - 1, dtype=int), np.zeros(2 * m, dtype=int)
    kernel(clustering, m, row_pos, indptr)
    return row_pos, indptr


def test_init_masks_matches(clustering):
    ours = _init(shap_kernels.init_masks, clustering)
    theirs = _init(original(MASKED_MODEL, "_init_masks"), clustering)
    for a, b in zip(ours, theirs):
        np.testing.assert_array_equal(a, b)


def test_rec_fill_masks_matches(clustering, monkeypatch):
    """shap calls it for the root only (make_masks): the same rows; for any node, the same rows under it."""
    import shap.utils._masked_model as masked_model

    theirs_kernel = original(MASKED_MODEL, "_rec_fill_masks")
    monkeypatch.setattr(masked_model, "_rec_fill_masks", theirs_kernel)  # it recurses through the global
    m = len(clustering) + 1
    row_pos, indptr = _init(original(MASKED_MODEL, "_init_masks"), clustering)
    for ind in (2 * m - 2, m + 2, 3):  # the root, an inner node, a leaf
        ours, theirs = (np.full(int(np.sum(clustering[:, 3])) + m, -1, dtype=int) for _ in range(2))
        shap_kernels.rec_fill_masks(clustering, row_pos, indptr, ours, m, ind)
        theirs_kernel(clustering, row_pos, indptr, theirs, m, ind)
        filled = theirs >= 0
        assert filled.any()
        np.testing.assert_array_equal(ours[filled], theirs[filled])
        if ind == 2 * m - 2:
            np.testing.assert_array_equal(ours, theirs)
            assert filled.all()

    # and through shap's caller: the same node-to-leaves matrix
    theirs_matrix = masked_model.make_masks(clustering)
    monkeypatch.setattr(masked_model, "_rec_fill_masks", shap_kernels.rec_fill_masks)
    monkeypatch.setattr(masked_model, "_init_masks", shap_kernels.init_masks)
    ours_matrix = masked_model.make_masks(clustering)
    assert (ours_matrix != theirs_matrix).nnz == 0
    np.testing.assert_array_equal(ours_matrix.indptr, theirs_matrix.indptr)


def _build_fixed(kernel, single: bool, link, weighted: bool):
    """Five masked rows over three background samples: all vary, none, one, two, all."""
    rng = np.random.default_rng(1)
    k = 1 if single else 3
    varying = np.array([[1, 1, 1], [0, 0, 0], [0, 1, 0], [1, 0, 1], [1, 1, 1]], dtype=bool)
    num_varying = varying.sum(axis=1)
    batch_positions = np.concatenate([[0], np.cumsum(num_varying)])
    outputs = rng.uniform(0.05, 0.95, size=(int(batch_positions[-1]), k))
    last = rng.uniform(0.05, 0.95, size=(3, k))
    averaged = np.zeros((5, k))
    weights = rng.uniform(0.5, 1.5, size=(3, k)) if weighted else None
    if single:
        outputs, last, averaged = outputs[:, 0], last[:, 0], averaged[:, 0]
        weights = None if weights is None else weights[:, 0]
    kernel(averaged, last, outputs, batch_positions, varying, num_varying, link, weights)
    return averaged, last


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("link", [shap.links.identity, shap.links.logit], ids=["identity", "logit"])
def test_build_fixed_single_output_matches(link, weighted):
    ours = _build_fixed(shap_kernels.build_fixed_output, True, link, weighted)
    theirs = _build_fixed(original(MASKED_MODEL, "_build_fixed_single_output"), True, link, weighted)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert np.ptp(ours[0]) > 0


@pytest.mark.parametrize("weighted", [False, True])
@pytest.mark.parametrize("link", [shap.links.identity, shap.links.logit], ids=["identity", "logit"])
def test_build_fixed_multi_output_matches(link, weighted):
    ours = _build_fixed(shap_kernels.build_fixed_output, False, link, weighted)
    theirs = _build_fixed(original(MASKED_MODEL, "_build_fixed_multi_output"), False, link, weighted)
    for a, b in zip(ours, theirs):
        np.testing.assert_allclose(a, b, rtol=1e-12)
    assert np.ptp(ours[0]) > 0


def _numpy_names(module_name: str) -> set[str]:
    """Every ``np.<name>`` shap's module uses (read from its source)."""
    import importlib

    source = Path(importlib.import_module(module_name).__file__).read_text()
    return set(re.findall(r"\bnp\.(\w+)", source))


@pytest.mark.parametrize("module_name", [PARTITION, CLUSTERING])
def test_numpy_stand_in_is_numpy_with_seeded_random(module_name):
    import importlib

    shap_kernels.install()
    stand_in = importlib.import_module(module_name).np
    names = _numpy_names(module_name)
    assert {"random", "zeros"} <= names
    for name in names - {"random"}:
        assert getattr(stand_in, name) is getattr(np, name), f"np.{name} in {module_name}"
    with shap_kernels.seeded(7):
        draws = [stand_in.random.randn() for _ in range(5)]
        normal = stand_in.random.normal(size=3)
    np.random.seed(7)
    assert draws == list(np.random.randn(5))  # what shap gets after np.random.seed(7)
    np.testing.assert_array_equal(normal, np.random.normal(size=3))
    np.random.seed(8)  # outside seeded(): the global generator, as in shap
    first = stand_in.random.randn()
    np.random.seed(8)
    assert first == np.random.randn()


def test_seeded_draws_are_per_thread():
    """Two threads drawing in turn each get their own seed's sequence, not an interleaving."""
    import shap.explainers._partition as partition

    shap_kernels.install()
    turn = threading.Barrier(2)
    got: dict[int, list[float]] = {}

    def draw(seed: int) -> None:
        with shap_kernels.seeded(seed):
            got[seed] = []
            for _ in range(4):
                turn.wait()
                got[seed].append(partition.np.random.randn())

    threads = [threading.Thread(target=draw, args=(seed,)) for seed in (1, 2)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    for seed in (1, 2):
        assert got[seed] == list(np.random.RandomState(seed).randn(4))


# --- the Text masker's remembered tree -------------------------------------------------------------------


def test_remember_last_clustering_gives_shaps_tree_once_per_text():
    fresh = shap.maskers.Text(WordSegmenter("[MASK]"))
    masker = shap.maskers.Text(WordSegmenter("[MASK]"))
    computed: list[str] = []
    compute = masker.clustering

    def counting(s):
        computed.append(s)
        return compute(s)

    masker.clustering = counting
    shap_kernels.remember_last_clustering(masker)
    for text in (TEXT, TEXT, OTHER, OTHER, TEXT):
        tree = masker.clustering(text)
        np.testing.assert_array_equal(tree, fresh.clustering(text))
        tree[:] = -1  # a copy: the remembered tree is unchanged
    assert computed == [TEXT, OTHER, TEXT]

    # Served from memory, it still leaves the masker's per-text state on the asked text, as shap's does.
    masker(np.ones(3, dtype=bool), OTHER)
    masker.clustering(TEXT)
    fresh.clustering(TEXT)
    assert masker._s == fresh._s == TEXT
    np.testing.assert_array_equal(masker._segments_s, fresh._segments_s)


# --- all of them together --------------------------------------------------------------------------------

# Two clauses weigh the same, so shap's queue meets ties between nodes that matter, and a partial
# expansion's values depend on its random tie-breaks (seeds 0 and 1 give different values).
TIED = "The food was good, and the service was good, but the room was bad and the view was bad."
WEIGHTS = {"good": 1.0, "bad": -1.0}


def _toy_model(rows) -> np.ndarray:
    """A two-label model: the sigmoid of a sum of word weights."""
    logits = np.array([sum(WEIGHTS.get(w.strip(",.").lower(), 0.0) for w in str(r).split()) for r in rows])
    p = 1 / (1 + np.exp(-logits))
    return np.stack([1 - p, p], axis=1)


def _partition_values(max_evals: int, seed: int, patched: bool):
    masker = shap.maskers.Text(WordSegmenter("[MASK]"))
    explainer = shap.explainers.Partition(_toy_model, masker, output_names=["NEG", "POS"])
    if patched:
        with shap_kernels.seeded(seed):
            result = explainer([TIED], max_evals=max_evals, batch_size=5, silent=True)
    else:
        np.random.seed(seed)
        result = explainer([TIED], max_evals=max_evals, batch_size=5, silent=True)
    return np.asarray(result.values[0]), np.asarray(result.base_values[0])


@pytest.mark.parametrize("max_evals", [40, 1000], ids=["partial", "full"])
def test_partition_explainer_gives_shaps_values(max_evals, request):
    """shap's Partition explainer on a toy model: the same values with every patch as with shap's own code."""
    shap_kernels.install()
    ours = [_partition_values(max_evals, seed, patched=True) for seed in (0, 1)]
    request.getfixturevalue("shap_originals")
    theirs = [_partition_values(max_evals, seed, patched=False) for seed in (0, 1)]
    for (values, base), (their_values, their_base) in zip(ours, theirs):
        np.testing.assert_allclose(values, their_values, rtol=1e-12, atol=1e-15)
        np.testing.assert_allclose(base, their_base, rtol=1e-12)
        np.testing.assert_allclose(values.sum(axis=0) + base, _toy_model([TIED])[0], atol=1e-9)  # additive
    seeds_differ = not np.allclose(ours[0][0], ours[1][0])
    assert seeds_differ == (max_evals < 1000)  # the partial run does depend on the draws; the full one not


COVERED = {
    f"{PARTITION}:lower_credit": test_lower_credit_matches,
    f"{MASKED_MODEL}:_init_masks": test_init_masks_matches,
    f"{MASKED_MODEL}:_rec_fill_masks": test_rec_fill_masks_matches,
    f"{MASKED_MODEL}:_build_fixed_single_output": test_build_fixed_single_output_matches,
    f"{MASKED_MODEL}:_build_fixed_multi_output": test_build_fixed_multi_output_matches,
    f"{PARTITION}:np": test_numpy_stand_in_is_numpy_with_seeded_random,
    f"{CLUSTERING}:np": test_numpy_stand_in_is_numpy_with_seeded_random,
}


def test_every_patch_has_a_test():
    shap_kernels.install()
    assert {shap_kernels.patch_key(m, n) for m, n, _ in shap_kernels.patches()} == set(COVERED)

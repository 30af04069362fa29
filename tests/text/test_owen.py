"""Node-complete Owen expansion: shap's values on full trees, final unit values (quotient check), spans, records."""

from __future__ import annotations

import contextlib
import io
import json

import numpy as np
import pytest

from textlens import ADDITIVITY_TOLERANCE, Explanation, explain
from textlens.caches import state_of
from textlens.text.explain import refine
from textlens.text.owen import OwenTree

SOURCE = (
    "The acting was wonderful but the plot was dull, and the ending made no sense at all. "
    "I laughed twice; the music was lovely.\nStill, two hours of my life are gone and I want them back. "
    "Friends loved it, though, and the photography is gorgeous in every single frame of the film."
)


def words(n: int) -> str:
    """The first ``n`` words of SOURCE (repeated as needed)."""
    parts = SOURCE.split(" ")
    while len(parts) < n:
        parts += parts
    return " ".join(parts[:n])


@pytest.fixture(scope="module")
def tiny32(tiny_model_dir):
    """The tiny model in float32: outputs do not depend on batch composition, so runs compare exactly."""
    from textlens import load_classifier

    return load_classifier(str(tiny_model_dir), precision="float32")


@pytest.fixture(scope="module")
def default32():
    """The bundled model in float32: a model whose values are large enough for a 1e-5 check to mean something."""
    from textlens import load_classifier

    return load_classifier("default", precision="float32")


def forget_rows(classifier) -> None:
    """Drop the engines (and their row caches), so a second run computes everything anew."""
    state_of(classifier).entries.clear()


def assert_refines(coarse: Explanation, fine: Explanation, tol: float = 1e-5) -> None:
    """Every unit of ``coarse`` equals the sum of the units of ``fine`` inside it (the quotient check)."""
    assert coarse.units and fine.units
    for unit in coarse.units:
        inside = [u for u in fine.units if unit.start <= u.start and u.end <= unit.end]
        assert sum(u.words for u in inside) == unit.words, "the finer frontier splits every coarse unit"
        for i in range(len(coarse.labels)):
            assert sum(u.values[i] for u in inside) == pytest.approx(unit.values[i], abs=tol)


def assert_additive_units(result: Explanation) -> None:
    for i in range(len(result.labels)):
        total = result.base_values[i] + sum(u.values[i] for u in result.units)
        assert total == pytest.approx(result.scores[i], abs=ADDITIVITY_TOLERANCE)
        total = result.base_values[i] + sum(w.values[i] for w in result.words)
        assert total == pytest.approx(result.scores[i], abs=ADDITIVITY_TOLERANCE)


@pytest.mark.parametrize("model", ["tiny32", "default32"])
@pytest.mark.parametrize("leaves", ["words", "tokens"])
@pytest.mark.parametrize("n", [2, 5, 13, 24])
def test_full_tree_equals_shap(request, model, leaves, n):
    classifier = request.getfixturevalue(model)
    text = words(n)
    ours = explain(classifier, text, leaves=leaves, engine="owen")
    forget_rows(classifier)
    theirs = explain(classifier, text, leaves=leaves, engine="shap")
    assert ours.converged and theirs.converged
    assert ours.evals == theirs.evals == ours.evals_needed  # the same rows, no more
    np.testing.assert_allclose([f.values for f in ours.features], [f.values for f in theirs.features], atol=1e-6)
    np.testing.assert_allclose(ours.base_values, theirs.base_values, atol=1e-9)
    assert all(w.resolved for w in ours.words) and ours.unsettled == 0


def test_an_interrupted_step_changes_nothing(monkeypatch):
    import textlens.text.owen as owen

    monkeypatch.setattr(owen, "CHUNK_ROWS", 1)
    z = np.array([[0, 1, 1, 2], [2, 3, 1, 2], [4, 5, 2, 4]], dtype=float)
    tree = OwenTree(z, np.zeros(2), np.ones(2))
    assert not tree.expand([tree.root], lambda masks: masks.sum(axis=1, keepdims=True) * [1, 1], lambda: True)
    assert tree.frontier == {tree.root} and tree.rows == 2 and tree.steps == 0


def test_owen_tree_on_a_synthetic_game():
    """A game with interactions, on a hand-made tree: the frontier sums telescope and leaves match brute force."""
    weights = np.array([0.3, -0.2, 0.5, 0.1])

    def game(masks: np.ndarray) -> np.ndarray:
        m = masks.astype(float)
        v = m @ weights + 0.4 * m[:, 0] * m[:, 2] - 0.3 * m[:, 1] * m[:, 3]
        return np.stack([v, -v], axis=1)

    z = np.array([[0, 1, 1, 2], [2, 3, 1, 2], [4, 5, 2, 4]], dtype=float)
    tree = OwenTree(z, game(np.zeros((1, 4), bool))[0], game(np.ones((1, 4), bool))[0])
    assert tree.rows_to_complete() == 10
    tree.run(game, max_rows=2 + 2)  # the root only: two units, {0,1} and {2,3}
    assert sorted(tree.frontier) == [4, 5]
    halves = {n: tree.value[n][0] for n in tree.frontier}
    tree.run(game, max_rows=100)
    assert tree.complete and tree.rows == 12
    leaf = tree.leaf_values()[:, 0]
    assert leaf[0] + leaf[1] == pytest.approx(halves[4]) and leaf[2] + leaf[3] == pytest.approx(halves[5])
    # Owen values of this game: main effects plus interactions split evenly inside each block.
    # The 0-2 interaction crosses blocks: each block gets half, then the member gets all of its block's half.
    assert leaf == pytest.approx([0.3 + 0.2, -0.2 - 0.15, 0.5 + 0.2, 0.1 - 0.15])


@pytest.mark.parametrize(("n", "budget"), [(12, 20), (40, 40), (120, 60)])
def test_quotient_check_budget_b_and_4b(default32, n, budget):
    text = words(n)
    coarse = explain(default32, text, max_evals=budget)
    forget_rows(default32)
    fine = explain(default32, text, max_evals=4 * budget)
    assert not coarse.converged and len(fine.units) > len(coarse.units)
    assert max(abs(u.values[1]) for u in coarse.units) > 0.01  # values large enough to mean something
    assert_refines(coarse, fine)
    for result in (coarse, fine):
        assert_additive_units(result)
    if n <= 12:  # and the fully expanded tree refines both
        assert_refines(fine, explain(default32, text))


def test_shap_engine_fails_the_quotient_check(default32):
    """The point of the new engine: shap's partial values of a group are not final, the new ones are."""
    text = words(40)
    coarse_shap = explain(default32, text, max_evals=40, engine="shap")
    coarse = explain(default32, text, max_evals=40)
    fine = explain(default32, text, max_evals=160)
    assert coarse_shap.units == ()  # shap's engine has no frontier to show
    gaps = []
    for unit in coarse.units:
        shap_sum = sum(w.values[1] for w in coarse_shap.words if unit.start <= w.start and w.end <= unit.end)
        fine_sum = sum(u.values[1] for u in fine.units if unit.start <= u.start and u.end <= unit.end)
        gaps.append(abs(shap_sum - fine_sum))
    assert max(gaps) > 1e-3


def test_unresolved_words_share_their_unit_evenly(default32):
    text = words(30)
    result = explain(default32, text, max_evals=30)
    assert not result.converged and 0 < result.unsettled <= 1
    assert result.resolved_words < len(result.words)
    for unit in result.units:
        inside = [w for w in result.words if unit.start <= w.start and w.end <= unit.end]
        assert len(inside) == unit.words
        assert all(w.resolved == unit.resolved for w in inside)
        if not unit.resolved:
            for w in inside:
                assert w.values[1] == pytest.approx(unit.values[1] / unit.words)


@pytest.mark.parametrize(
    "text",
    [
        "First line is fine.\n\nSecond   line, with\ttabs and more words than before.\r\nThird line ends.",
        "Great 👍🏽 film, my kids 👨‍👩‍👧 loved it!! Terrible popcorn though 😡 and loud.",
        "这部电影很好看，但是结局太长了。 The English part is dull, the 日本語 part is not.",
    ],
)
@pytest.mark.parametrize("leaves", ["words", "tokens"])
def test_unit_spans_index_the_original_text(tiny32, text, leaves):
    for budget in (8, 20, "auto"):
        result = explain(tiny32, text, max_evals=budget, leaves=leaves)
        assert_additive_units(result)
        covered = 0
        for unit in result.units:
            assert text[unit.start : unit.end] == text[unit.spans[0][0] : unit.spans[-1][1]]
            inside = [w for w in result.words if any(a <= w.start and w.end <= b for a, b in unit.spans)]
            for a, b in unit.spans:
                assert any(w.start == a for w in inside) and any(w.end == b for w in inside)
            assert len(inside) == unit.words
            covered += unit.words
        # Units tile the words; with subword leaves two units may share a word, each part of it.
        assert covered == len(result.words) if leaves == "words" else covered >= len(result.words)


def test_refine_steps_stop_and_continue(default32):
    text = words(40)
    seen: list[Explanation] = []
    state = refine(default32, text, max_evals=400, on_step=seen.append, should_stop=lambda: len(seen) >= 3)
    assert len(seen) == 3 and state.result.units == seen[-1].units
    assert [len(r.units) for r in seen] == sorted(len(r.units) for r in seen)
    for earlier, later in zip(seen, seen[1:]):
        assert_refines(earlier, later)
    rows_before = state.tree.rows
    calls = []
    original = default32.predict

    def counting(rows, *args, **kwargs):
        calls.append(len(rows))
        return original(rows, *args, **kwargs)

    default32.predict = counting
    try:
        state = refine(default32, text, state=state, max_evals=400)
    finally:
        del default32.predict
    assert state.result.evals <= 400 and state.tree.rows > rows_before
    assert sum(calls) <= state.tree.rows - rows_before  # resumed: no row evaluated twice
    assert_refines(seen[-1], state.result)


def test_old_json_without_units_still_loads(tiny32):
    result = explain(tiny32, words(20), max_evals=20)
    data = json.loads(result.to_json())
    again = Explanation.from_dict(data)
    assert again == result and again.units == result.units
    del data["units"]
    for w in data["words"] + data["features"]:
        del w["resolved"]
    old = Explanation.from_dict(data)
    assert old.units == () and all(w.resolved for w in old.words)


def test_cli_budget_b_and_4b_refine():
    from textlens.cli.main import main

    text = words(40)

    def run(budget: int) -> dict:
        out = io.StringIO()
        with contextlib.redirect_stdout(out):
            code = main(["explain", text, "--precision", "float32", *budget])
        assert code == 0
        return json.loads(out.getvalue())

    coarse, fine = run(["--max-evals", "40"]), run(["--max-evals", "160"])
    assert not coarse["converged"] and any(not w["resolved"] for w in coarse["words"])
    assert len(fine["units"]) > len(coarse["units"])
    for unit in coarse["units"]:
        assert text[unit["start"] : unit["end"]] == unit["text"]
        inside = [u for u in fine["units"] if unit["start"] <= u["start"] and u["end"] <= unit["end"]]
        assert sum(u["value"] for u in inside) == pytest.approx(unit["value"], abs=1e-5)

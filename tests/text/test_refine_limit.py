"""Live refinement of a long text honours its time limit and a stop request within one chunk, keeping its work."""

from __future__ import annotations

import numpy as np
import pytest

from tests.conftest import make_tiny_model
from tests.text.test_owen import assert_additive_units, assert_refines
from textlens.text import explain as explain_module
from textlens.text import owen
from textlens.text.explain import refine, refinement_pace
from textlens.text.owen import OwenTree

# A 317-word review (any long English prose): long enough that a full level of its tree is thousands of rows.
REVIEW_317 = (
    "I went to see this film on a rainy Sunday afternoon with two friends, expecting very little, and I came "
    "out of the cinema with more mixed feelings than I have had about any film this year. The first hour is "
    "honestly wonderful. The two leads have real chemistry, the dialogue is sharp and often genuinely funny, "
    "and the photography of the northern coast is some of the most gorgeous I have seen on a big screen. "
    "There is a long scene in a fishing village at dawn that I would happily watch again on its own. The "
    "music, mostly quiet piano and strings, fits every moment without ever telling you what to feel. Then "
    "the plot takes a turn that makes no sense at all. A villain appears from nowhere, with a motive that is "
    "explained in a single line of dialogue and never mentioned again, and the story stops being about the "
    "people we had come to care about. The last forty minutes drag badly, with scene after scene of "
    "characters staring at the sea while the soundtrack swells, as if the director had run out of ideas and "
    "hoped the landscape would finish the film for him. My friends liked it more than I did; one of them "
    "cried at the ending, which I found sentimental and unearned. The children in the row behind us were "
    "bored long before the credits and said so loudly. Still, I would not call it a bad film. The acting "
    "alone is worth the price of a ticket, the supporting cast is excellent, and the first half shows what "
    "this team could do with a better script. If you can forgive a story that gives up long before the end, "
    "there is a lot here to enjoy, but I cannot recommend it without warning you about that final hour, "
    "which ruined the evening for half of the audience."
)
SECONDS_PER_ROW = 0.05  # the slowed model: each masked row "costs" this much on the test's clock


def test_the_review_has_317_words():
    assert len(REVIEW_317.split()) == 317


@pytest.fixture(scope="module")
def long_reader(tmp_path_factory):
    """A tiny float32 model that reads 512 tokens, so the whole review is explained."""
    from textlens import load_classifier

    folder = make_tiny_model(tmp_path_factory.mktemp("tiny512"), max_positions=512, seed=3)
    return load_classifier(str(folder), precision="float32")


class SlowClock:
    """A clock that advances by SECONDS_PER_ROW for every row the model evaluates (no wall-clock timing)."""

    def __init__(self) -> None:
        self.now = 0.0
        self.rows = 0
        self.rows_at_deadline: int | None = None

    def __call__(self) -> float:
        return self.now


@pytest.fixture
def slowed(long_reader, monkeypatch):
    """The long reader, slowed on a simulated clock: every predicted row moves the clock on."""
    clock = SlowClock()
    original = long_reader.predict

    def predict(rows, *args, **kwargs):
        clock.rows += len(rows)
        clock.now += SECONDS_PER_ROW * len(rows)
        return original(rows, *args, **kwargs)

    monkeypatch.setattr(owen, "now", clock)
    monkeypatch.setattr(long_reader, "predict", predict, raising=False)
    monkeypatch.setattr(long_reader, "estimate_seconds", lambda rows, _n: rows * SECONDS_PER_ROW, raising=False)
    long_reader.clear_caches()
    return long_reader, clock


def test_the_pace_of_a_slow_long_text_is_a_few_rows_a_chunk(slowed):
    classifier, _ = slowed
    chunk, step = refinement_pace(classifier, REVIEW_317)
    assert chunk == round(explain_module.CHUNK_SECONDS / SECONDS_PER_ROW)
    assert step == round(explain_module.STEP_SECONDS / SECONDS_PER_ROW)


def test_a_time_limit_on_a_long_text_holds_within_one_chunk(slowed):
    classifier, clock = slowed
    limit = 6.0
    views, first = [], []

    def view(explanation):
        views.append(explanation)
        first.append(first[0] if first else (clock.now, clock.rows))

    state = refine(classifier, REVIEW_317, max_evals=10**9, seconds=limit, on_step=view)
    chunk, step = refinement_pace(classifier, REVIEW_317)
    # The limit counts from the first exact view: rows evaluated past its end are at most one chunk.
    started, rows_then = first[0]
    assert clock.now >= started + limit
    assert clock.rows <= rows_then + limit / SECONDS_PER_ROW + chunk
    assert not state.complete and state.tree.rows <= clock.rows
    # Views kept arriving (every step bounded), each exact and refining the one before.
    assert len(views) >= 3 and all(v.evals - w.evals <= step + 2 * chunk for w, v in zip(views, views[1:]))
    for earlier, later in zip(views, views[1:]):
        assert_refines(earlier, later, tol=1e-9)
    assert_additive_units(state.result)
    assert state.result.units == views[-1].units or state.result.evals >= views[-1].evals


def test_a_slow_set_up_does_not_use_up_the_limit(slowed, monkeypatch):
    # On a busy machine the planning before the first view can take longer than the whole limit.
    classifier, clock = slowed
    counts = classifier.token_counts

    def slow_counts(texts):
        clock.now += 100.0
        return counts(texts)

    monkeypatch.setattr(classifier, "token_counts", slow_counts, raising=False)
    views = []
    state = refine(classifier, REVIEW_317, max_evals=10**9, seconds=2.0, on_step=views.append)
    assert len(views) >= 2 and state.tree.rows > views[0].evals  # refined past the first view
    assert not state.complete


def test_stop_returns_the_nodes_finished_so_far_and_continue_reuses_rows(slowed):
    classifier, clock = slowed
    stop_after = 130  # rows: in the middle of a step
    views = []
    state = refine(
        classifier, REVIEW_317, max_evals=10**9, should_stop=lambda: clock.rows >= stop_after, on_step=views.append
    )
    chunk, _ = refinement_pace(classifier, REVIEW_317)
    assert clock.rows <= stop_after + chunk
    assert_additive_units(state.result)
    # What Stop returns is every node finished: at least the last view, never less.
    assert state.result.evals >= views[-1].evals
    assert_refines(views[-1], state.result, tol=1e-9)
    before = clock.rows
    state = refine(classifier, REVIEW_317, state=state, max_evals=10**9, seconds=3.0)
    assert state.tree.rows > views[-1].evals
    assert clock.rows - before <= state.tree.rows - views[-1].evals + chunk  # resumed, nothing computed twice


def test_an_interrupted_step_keeps_the_nodes_it_finished():
    # ((0, 1), (2, 3)): expanding the two children of the root costs 4 rows each; chunks of 4 rows.
    z = np.array([[0, 1, 1, 2], [2, 3, 1, 2], [4, 5, 2, 4]], dtype=float)
    weights = np.array([0.3, -0.2, 0.5, 0.1])

    def game(masks):
        return (np.asarray(masks, dtype=float) @ weights)[:, None] * [1.0, -1.0]

    tree = OwenTree(z, game(np.zeros((1, 4)))[0], game(np.ones((1, 4)))[0])
    assert tree.expand([tree.root], game)
    assert not tree.expand([4, 5], game, lambda: True, chunk_rows=4)  # asked after the first chunk only
    assert tree.frontier == {0, 1, 5} and tree.rows == 2 + 2 + 4
    total = tree.base + sum(tree.value[n] for n in tree.frontier)
    np.testing.assert_allclose(total, tree.output)

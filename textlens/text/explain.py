"""SHAP explanations (Partition explainer, Text masker) over a classifier's batched predict function."""

from __future__ import annotations

import contextlib
import time
from collections import OrderedDict
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

import numpy as np

from textlens import shap_kernels  # the one module that touches shap's private parts
from textlens.caches import owned
from textlens.errors import EmptyTextError
from textlens.text import owen
from textlens.text.models import Classifier
from textlens.text.owen import OwenTree
from textlens.text.words import WORD_PATTERN, WordSegmenter, merge_to_words, word_spans, words_of_features
from textlens.types import Explanation, Span, Unit

Progress = Callable[[int, int], None]  # (masked rows evaluated so far, rows expected in all)

LEAVES = ("words", "tokens")
# "owen": node-complete expansion (textlens/owen.py), every unit shown has its final value;
# "shap": shap's own Partition explainer and expansion order (to reproduce the guide's values).
ATTRIBUTION_ENGINES = ("owen", "shap")
# "auto" expands the partition tree fully (exact Owen values) when that fits a budget of about
# AUTO_TOKEN_BUDGET tokens run through the model (a few seconds on 2 cores): short texts come out
# exact, long ones get at least AUTO_MIN_EVALS rows and say how much attribution is still unsettled.
AUTO_TOKEN_BUDGET = 80_000
AUTO_MIN_EVALS = 500
AUTO_EVAL_CAP = 4000
FULL_TREE_NODES_PER_BATCH = 512
# A given max_evals reproduces shap's own expansion order (its Text masker's default batch of 5
# nodes), so an explanation can be checked against the guide's recipe; "auto" trades that order
# for 32-node batches, several times faster on long texts.
PARTIAL_NODES_PER_BATCH = 5
AUTO_PARTIAL_NODES_PER_BATCH = 32
ROW_CACHE_TEXTS = 32
# A refinement (refine) sends rows to the model in chunks of about CHUNK_SECONDS and shows a new
# view at least every STEP_SECONDS or so, whatever the text's length: its time limit and a stop
# request are then honoured within a chunk, and the view and counters keep moving on long texts.
CHUNK_SECONDS = 1.0
STEP_SECONDS = 3.0
MIN_CHUNK_ROWS = 4


def tree_evals_needed(clustering: np.ndarray) -> int:
    """Masked rows SHAP's Owen recursion evaluates to expand ``clustering`` down to every leaf.

    Each internal node is evaluated twice per context it is reached in, and each child is reached in
    both its sibling's contexts, so visits double at every level: balanced trees cost about M**2.
    """
    m = len(clustering) + 1
    if m <= 1:
        return 0
    visits = {2 * m - 2: 1}
    evals = 0
    for node in range(2 * m - 2, m - 1, -1):  # parents always have larger indices than children
        v = visits.pop(node, 0)
        evals += 2 * v
        for child in clustering[node - m, :2].astype(int):
            if child >= m:
                visits[child] = visits.get(child, 0) + 2 * v
    return evals


@dataclass
class _RowEvaluator:
    """The batched model function SHAP calls; remembers rows already evaluated for the current text.

    ``predict`` is set for each run only, so the engine does not keep its classifier alive.
    """

    predict: Callable[[list[str]], np.ndarray] | None = None
    cache: dict[str, np.ndarray] = field(default_factory=dict)
    progress: Progress | None = None
    expected: int = 0
    done: int = 0

    def __call__(self, rows) -> np.ndarray:
        rows = [str(r) for r in np.asarray(rows).reshape(-1)]
        missing = list(dict.fromkeys(r for r in rows if r not in self.cache))
        if missing:
            assert self.predict is not None, "the evaluator runs only inside _run"
            for row, probs in zip(missing, self.predict(missing)):
                self.cache[row] = probs
        self.done += len(rows)
        if self.progress is not None:
            self.progress(min(self.done, self.expected), self.expected)
        return np.stack([self.cache[r] for r in rows])


def _tokenizer_lock(classifier: Classifier, leaves: str):
    # Only subword leaves make shap's masker call the model's tokenizer itself.
    if leaves != "tokens":
        return contextlib.nullcontext()
    return getattr(classifier.tokenizer, "lock", contextlib.nullcontext())


def _masker(classifier: Classifier, leaves: str):
    import shap  # imported here: shap's import costs seconds and the CLI's predict does not need it

    if leaves == "words":
        masker = shap.maskers.Text(WordSegmenter(classifier.mask_token))
    else:
        # shap looks at the tokenizer's class (e.g. for sentencepiece), so it gets the real one; callers
        # hold the tokenizer's lock while the masker runs.
        masker = shap.maskers.Text(getattr(classifier.tokenizer, "raw", classifier.tokenizer))
    shap_kernels.remember_last_clustering(masker)  # a text's partition tree is computed once
    return masker


def masked_texts(classifier: Classifier, texts: Sequence[str]) -> list[str]:
    """Each text as the model reads it with every word masked: the row behind an explanation's base value."""
    masker = _masker(classifier, "words")
    segment = WordSegmenter(None)
    return [masker(np.zeros(len(segment(t)["offset_mapping"]), dtype=bool), t)[0][0] for t in texts]


class _Engine:
    """One Partition explainer per (classifier, leaves), built once and reused under the classifier's lock.

    It lives on the classifier (:mod:`textlens.caches`) and holds its tokenizer, never the classifier itself.
    """

    def __init__(self, classifier: Classifier, leaves: str) -> None:
        import shap

        self.tokenizer = classifier.tokenizer
        self.leaves = leaves
        self.masker = _masker(classifier, leaves)
        self.evaluator = _RowEvaluator()
        self.explainer = shap.explainers.Partition(self.evaluator, self.masker, output_names=list(classifier.labels))
        self.row_caches: OrderedDict[str, dict[str, np.ndarray]] = OrderedDict()

    def feature_spans(self, text: str) -> list[tuple[int, int]]:
        if self.leaves == "words":
            return WordSegmenter(None)(text)["offset_mapping"]
        enc = self.tokenizer(text, return_offsets_mapping=True)
        return [tuple(o) for o in enc["offset_mapping"]]

    def row_cache(self, text: str) -> dict[str, np.ndarray]:
        cache = self.row_caches.pop(text, None) or {}
        self.row_caches[text] = cache
        while len(self.row_caches) > ROW_CACHE_TEXTS:
            self.row_caches.popitem(last=False)
        return cache


def _engine(classifier: Classifier, leaves: str) -> _Engine:
    if leaves not in LEAVES:
        raise ValueError(f"leaves must be one of {LEAVES}, not {leaves!r}")
    return owned(classifier, ("text", leaves), lambda: _Engine(classifier, leaves))


def auto_budget(needed: int, n_tokens: int) -> int:
    """The "auto" budget: a full expansion if it fits :data:`AUTO_TOKEN_BUDGET`, else a length-scaled share."""
    affordable = max(AUTO_MIN_EVALS, min(AUTO_EVAL_CAP, AUTO_TOKEN_BUDGET // max(n_tokens, 1)))
    return min(needed + 2, affordable)


def _plan(masker, text: str, max_evals: int | str, n_tokens: int) -> tuple[int, int]:
    """(rows a full expansion needs, rows this call may spend) for ``text``."""
    needed = tree_evals_needed(masker.clustering(text)) + 2  # + the all-masked and the unmasked rows
    budget = auto_budget(needed, n_tokens) if max_evals == "auto" else int(max_evals)
    return needed, budget


def planned_evals(classifier: Classifier, text: str, max_evals: int | str = "auto", leaves: str = "words") -> int:
    """How many masked rows explaining ``text`` will evaluate (for time estimates before the work)."""
    cut = classifier.read_until(text)
    readable = text if cut is None else text[:cut]
    if len(word_spans(readable)) < 2:
        return 2
    # A masker of its own: the engine's masker keeps per-text state and may be busy in another thread.
    n_tokens = classifier.token_counts([text])[0]
    with _tokenizer_lock(classifier, leaves):
        needed, budget = _plan(_masker(classifier, leaves), readable, max_evals, n_tokens)
    return min(needed, budget)


def warm_up(classifier: Classifier) -> None:
    """Pay shap's one-time start-up costs (imports, numba compilation) before the first real request."""
    explain(classifier, "A short warm-up text, good and bad.", max_evals=40)


@dataclass
class _Job:
    """One text's explanation, planned: what the model reads of it and the budget it gets."""

    text: str
    readable: str
    read_until: int | None
    needed: int
    budget: int
    started: float
    cache: dict[str, np.ndarray]
    auto: bool = False
    single: bool = False  # one word: no tree, its value is f(text) - f(masked)

    @property
    def full(self) -> bool:
        return self.budget >= self.needed

    @property
    def nodes_per_batch(self) -> int:
        """Tree nodes shap expands per forward batch (see the constants above)."""
        if self.full:
            return FULL_TREE_NODES_PER_BATCH
        return AUTO_PARTIAL_NODES_PER_BATCH if self.auto else PARTIAL_NODES_PER_BATCH


def explainable(text: object) -> bool:
    """Whether ``text`` is a text with something to explain (see :func:`validate_text`)."""
    return isinstance(text, str) and bool(text.strip()) and WORD_PATTERN.search(text) is not None


def validate_text(text: str) -> None:
    """Refuse a text with nothing to explain (empty, blank, or only invisible characters)."""
    if not text or not text.strip():
        raise EmptyTextError()
    if WORD_PATTERN.search(text) is None:  # search, not a full split: texts may be megabytes long
        raise EmptyTextError("The text has no words or symbols to explain (only invisible characters).")


def _prepare(classifier: Classifier, engine: _Engine, text: str, max_evals: int | str) -> _Job:
    """Plan ``text`` (caller holds the locks): what the model reads of it, and the budget it gets."""
    started = time.perf_counter()
    read_until = classifier.read_until(text)
    readable = text if read_until is None else text[:read_until]
    if len(engine.feature_spans(readable)) < 2:
        return _Job(text, readable, read_until, 2, 2, started, {}, single=True)
    n_tokens = classifier.token_counts([text])[0]
    needed, budget = _plan(engine.masker, readable, max_evals, n_tokens)
    return _Job(text, readable, read_until, needed, budget, started, engine.row_cache(readable), max_evals == "auto")


@contextlib.contextmanager
def _evaluating(classifier: Classifier, engine: _Engine, job: _Job, progress: Progress | None, done: int = 0):
    """The engine's row evaluator set up for ``job`` (its cache, progress from ``done`` rows), then reset."""
    evaluator = engine.evaluator
    evaluator.predict, evaluator.cache = classifier.predict, job.cache
    evaluator.progress, evaluator.expected, evaluator.done = progress, min(job.budget, job.needed), done
    if progress is not None:
        progress(done, evaluator.expected)
    try:
        yield evaluator
    finally:
        evaluator.predict, evaluator.progress = None, None


def _run(classifier: Classifier, engine: _Engine, job: _Job, progress: Progress | None, seed: int):
    """Run shap's Partition explainer on one planned text; returns (shap result, rows evaluated)."""
    with _evaluating(classifier, engine, job, progress):
        # shap breaks priority ties with random draws: a seeded generator of this thread's own makes
        # them the same whatever else runs. A tree expanded in full gives the same values in any
        # order, so every queued node goes into one forward batch; a partial expansion depends on
        # the order (see _Job.nodes_per_batch).
        with shap_kernels.seeded(seed):
            result = engine.explainer(
                [job.readable], max_evals=max(job.budget, 4), batch_size=job.nodes_per_batch, silent=True
            )
    return result, engine.explainer.last_eval_count + 2


def explain(
    classifier: Classifier,
    text: str,
    *,
    max_evals: int | str = "auto",
    leaves: str = "words",
    progress: Progress | None = None,
    seed: int = 0,
    engine: str = "owen",
) -> Explanation:
    """Explain ``classifier``'s probabilities for ``text`` for every label.

    ``max_evals`` is the explainer's budget of masked rows; ``"auto"`` expands the partition tree
    fully when that fits the length-scaled budget of :func:`auto_budget`. ``leaves="words"`` masks
    whole words (the words the UI shows); ``"tokens"`` masks the model's subword tokens and sums
    them into words. Text the model does not read (beyond its maximum length) is left out and flagged.
    ``engine="owen"`` expands whole nodes, so every unit of :attr:`Explanation.units` has its final
    value; ``"shap"`` runs shap's own explainer and order (the guide's values at a partial budget).
    """
    validate_text(text)
    if engine not in ATTRIBUTION_ENGINES:
        raise ValueError(f"engine must be one of {ATTRIBUTION_ENGINES}, not {engine!r}")
    shap_engine = _engine(classifier, leaves)
    with classifier.lock, _tokenizer_lock(classifier, leaves):
        job = _prepare(classifier, shap_engine, text, max_evals)
        if job.single:
            return _explain_single(classifier, job, leaves, max_evals, seed)
        if engine == "owen":
            tree = _grow(classifier, shap_engine, job, None, progress)
            return _build_owen(classifier, shap_engine, job, tree, leaves, max_evals, seed)
        result, evals = _run(classifier, shap_engine, job, progress, seed)
    return _build(classifier, shap_engine, job, result, evals, leaves, max_evals, seed)


def _build(
    classifier: Classifier, engine: _Engine, job: _Job, result, evals: int, leaves: str, max_evals, seed: int
) -> Explanation:
    """The frozen record from shap's result: features, words merged from them, settledness."""
    text, readable = job.text, job.readable
    values = np.asarray(result.values[0], dtype=np.float64)  # (features, labels)
    base_values = np.asarray(result.base_values[0], dtype=np.float64).reshape(-1)
    hierarchical = np.abs(np.asarray(result.hierarchical_values[0], dtype=np.float64))
    n_features = values.shape[0]
    unsettled = float(hierarchical[n_features:].sum() / max(hierarchical.sum(), 1e-12))

    features, words = _features_and_words(text, readable, engine.feature_spans(readable), values)
    return _record(
        classifier,
        job,
        base_values + values.sum(axis=0),
        base_values,
        words,
        tuple(features),
        leaves,
        evals=int(evals),
        unsettled=unsettled,
        seed=seed,
        max_evals_setting=max_evals,
    )


def _features_and_words(
    text: str, readable: str, spans: Sequence[tuple[int, int]], values: np.ndarray, resolved: Sequence[bool] = ()
) -> tuple[tuple[Span, ...], tuple[Span, ...]]:
    """Feature spans with their values, and the words with the values of the features inside them."""
    features = []
    kept_spans, kept_values = [], []
    for (start, end), row in zip(spans, values):
        if end <= start:  # special tokens ([CLS], [SEP]) and shap's empty tokens
            continue
        features.append(Span(text[start:end], start, end, tuple(float(v) for v in row)))
        kept_spans.append((start, end))
        kept_values.append(row)
    # Special tokens are never masked, so their values are zero; anything on them would be lost
    # here, which additivity tests would catch.
    merged_spans, merged_values = merge_to_words(readable, kept_spans, kept_values)
    flags = list(resolved) or [True] * len(merged_spans)
    words = tuple(
        Span(text[a:b], a, b, tuple(float(v) for v in vals), ok)
        for (a, b), vals, ok in zip(merged_spans, merged_values, flags)
    )
    return tuple(features), words


def _explain_single(classifier: Classifier, job: _Job, leaves: str, max_evals: int | str, seed: int) -> Explanation:
    """A text of one word: its value is exactly f(text) - f(masked), no tree to expand."""
    ((start, end),) = word_spans(job.readable)
    masked = job.readable[:start] + (classifier.mask_token or "...") + job.readable[end:]
    # Two calls, not one batch: in bfloat16 a row's output depends slightly on what shares its batch,
    # and alone the text scores exactly what classify() shows for it.
    base, full = classifier.predict([masked])[0], classifier.predict([job.readable])[0]
    span = Span(job.text[start:end], start, end, tuple(float(v) for v in full - base))
    return _record(
        classifier,
        job,
        full,
        base,
        (span,),
        (span,),
        leaves,
        evals=2,
        unsettled=0.0,
        seed=seed,
        max_evals_setting=max_evals,
    )


def _record(
    classifier: Classifier,
    job: _Job,
    scores,
    base_values,
    words: tuple[Span, ...],
    features: tuple[Span, ...],
    leaves: str,
    *,
    evals: int,
    unsettled: float,
    seed: int,
    max_evals_setting: int | str,
    units: tuple[Unit, ...] = (),
    engine: str = "shap",
) -> Explanation:
    """The :class:`Explanation` of a planned text, whichever way its values were computed."""
    return Explanation(
        text=job.text,
        model_id=classifier.model_id,
        labels=classifier.labels,
        scores=tuple(float(v) for v in scores),
        base_values=tuple(float(v) for v in base_values),
        words=words,
        features=features,
        leaves=leaves,
        max_evals=job.budget,
        evals=evals,
        evals_needed=job.needed,
        unsettled=unsettled,
        truncated=job.read_until is not None,
        read_until=job.read_until,
        seconds=time.perf_counter() - job.started,
        settings={
            "max_evals": max_evals_setting,
            "leaves": leaves,
            "seed": seed,
            "precision": classifier.precision,
            "engine": engine,
            **classifier.record_settings,
        },
        units=units,
    )


def explain_many(
    classifier: Classifier,
    texts: Sequence[str],
    *,
    max_evals: int | str = "auto",
    leaves: str = "words",
    progress: Callable[[int, int, int, int], None] | None = None,
    engine: str = "owen",
) -> list[Explanation]:
    """Explain several texts under one hold of the classifier, with progress across all of them.

    ``progress(texts_done, n_texts, rows_done, rows_expected)`` reports along the way; the expected
    rows of every text are planned first, so the estimate covers the whole set from the start. The
    results equal those of :func:`explain` text by text.
    """
    for text in texts:
        validate_text(text)
    shap_engine = _engine(classifier, leaves)
    results: list[Explanation] = []
    with classifier.lock, _tokenizer_lock(classifier, leaves):
        jobs = [_prepare(classifier, shap_engine, text, max_evals) for text in texts]
        expected = [min(job.budget, job.needed) for job in jobs]
        rows_before = 0  # rows of the texts already finished
        # Merging several texts' masked rows into shared batches (threads meeting at one forward
        # pass) measured 0.84-0.93x of one text at a time on 2 cores, so texts run in turn.
        for job, rows in zip(jobs, expected):
            report = None
            if progress is not None:

                def report(done: int, _total: int, before: int = rows_before) -> None:
                    progress(len(results), len(texts), before + done, sum(expected))

            if job.single:
                results.append(_explain_single(classifier, job, leaves, max_evals, 0))
            elif engine == "owen":
                tree = _grow(classifier, shap_engine, job, None, report)
                results.append(_build_owen(classifier, shap_engine, job, tree, leaves, max_evals, 0))
            else:
                shap_result, evals = _run(classifier, shap_engine, job, report, 0)
                results.append(_build(classifier, shap_engine, job, shap_result, evals, leaves, max_evals, 0))
            rows_before += rows
            if progress is not None:
                progress(len(results), len(texts), rows_before, sum(expected))
    return results


def _grow(
    classifier: Classifier,
    engine: _Engine,
    job: _Job,
    tree: OwenTree | None,
    progress: Progress | None,
    *,
    should_stop: Callable[[], bool] | None = None,
    on_step: Callable[[OwenTree], None] | None = None,
    pace: tuple[int, int] | None = None,
) -> OwenTree:
    """Expand ``job``'s tree node-complete (a new one, or ``tree`` resumed) within its budget.

    Every forward pass goes through the engine's row cache, so resumed work and repeated texts
    cost only rows never evaluated before. A budget that covers the whole tree expands it level by
    level in the largest batches; a smaller one, or a ``pace`` of ``(chunk rows, step rows)`` (a
    refinement shown as it goes), in steps, most important nodes first.
    """
    masker = engine.masker
    with _evaluating(classifier, engine, job, progress, tree.rows if tree is not None else 0) as evaluator:

        def evaluate(masks: np.ndarray) -> np.ndarray:
            return evaluator([masker(mask, job.readable)[0][0] for mask in masks])

        if tree is None:
            m = len(engine.feature_spans(job.readable))
            f00 = evaluate(np.zeros((1, m), dtype=bool))[0]
            f11 = evaluate(np.ones((1, m), dtype=bool))[0]
            tree = OwenTree(masker.clustering(job.readable), f00, f11)
        else:
            masker.clustering(job.readable)  # the masker keeps one text's segments: make them this one's
        tree.run(
            evaluate,
            job.budget,
            should_stop=should_stop,
            on_step=on_step,
            full_batches=job.full and pace is None,
            chunk_rows=None if pace is None else pace[0],
            max_step_rows=None if pace is None else pace[1],
        )
    return tree


def _build_owen(
    classifier: Classifier, engine: _Engine, job: _Job, tree: OwenTree, leaves: str, max_evals, seed: int
) -> Explanation:
    """The frozen record of a node-complete expansion: its frontier as units, words marked resolved."""
    text, readable = job.text, job.readable
    spans = engine.feature_spans(readable)
    words = word_spans(readable)
    owner = words_of_features(words, spans)
    units: list[Unit] = []
    touching: list[list[Unit]] = [[] for _ in words]
    for node in tree.units():
        covered = sorted({owner[f] for f in tree.leaves(node) if owner[f] is not None})
        if not covered:  # special tokens only: never masked, so their value is exactly zero
            continue
        runs: list[list[int]] = []
        for w in covered:
            if runs and runs[-1][1] == w - 1:
                runs[-1][1] = w
            else:
                runs.append([w, w])
        unit = Unit(
            start=words[covered[0]][0],
            end=words[covered[-1]][1],
            spans=tuple((words[a][0], words[b][1]) for a, b in runs),
            values=tuple(float(v) for v in tree.value[node]),
            depth=tree.depth[node],
            words=len(covered),
        )
        units.append(unit)
        for w in covered:
            touching[w].append(unit)
    resolved = [all(u.resolved for u in us) for us in touching]
    features, word_records = _features_and_words(text, readable, spans, tree.leaf_values(), resolved)
    mass = [sum(abs(v) for v in u.values) for u in units]
    total = sum(mass)
    unsettled = sum(m for m, u in zip(mass, units) if not u.resolved) / total if total > 0 else 0.0
    return _record(
        classifier,
        job,
        tree.base + tree.leaf_values().sum(axis=0),
        tree.base,
        word_records,
        features,
        leaves,
        evals=tree.rows,
        unsettled=float(unsettled),
        seed=seed,
        max_evals_setting=max_evals,
        units=tuple(units),
        engine="owen",
    )


@dataclass
class Refinement:
    """A text's node-complete explanation in progress: resumable, with the latest record.

    Pass it back to :func:`refine` as ``state`` to continue from the rows already evaluated.
    """

    job: _Job
    tree: OwenTree | None  # None for a text of one word (nothing to refine)
    leaves: str
    model_id: str
    result: Explanation
    seconds: float = 0.0  # compute time over every call

    @property
    def complete(self) -> bool:
        """True when every unit is a single leaf: nothing left to refine."""
        return self.tree is None or self.tree.complete

    @property
    def exhausted(self) -> bool:
        """True when the budget is spent (a larger ``max_evals`` would continue)."""
        return self.tree is not None and not self.tree.complete and not self.tree.plan(self.job.budget, None)


def refinement_pace(classifier: Classifier, text: str) -> tuple[int, int]:
    """(rows per chunk, rows per step) that take about :data:`CHUNK_SECONDS` and :data:`STEP_SECONDS` here.

    From the model's measured speed at this text's length, so a 400-token review gets chunks of a
    few rows where a short sentence gets :data:`textlens.text.owen.CHUNK_ROWS`.
    """
    row = max(classifier.row_seconds(text), 1e-6)
    chunk = int(min(owen.CHUNK_ROWS, max(MIN_CHUNK_ROWS, CHUNK_SECONDS / row)))
    step = max(owen.MIN_STEP_ROWS, int(STEP_SECONDS / row))
    return chunk, step


def refine(
    classifier: Classifier,
    text: str,
    *,
    state: Refinement | None = None,
    max_evals: int | str = "auto",
    leaves: str = "words",
    seconds: float | None = None,
    should_stop: Callable[[], bool] | None = None,
    on_step: Callable[[Explanation], None] | None = None,
    progress: Progress | None = None,
) -> Refinement:
    """Explain ``text`` node-complete in steps, each an exact view, until done, out of budget or time.

    ``on_step(explanation)`` receives the record after every refinement step (the first within a
    few rows: the text split in two; later ones every few seconds at most); ``should_stop()`` and the
    ``seconds`` limit of this call are checked between chunks of about :data:`CHUNK_SECONDS` of model
    work, so both end the run within one chunk, keeping every node finished by then (the result stays
    exact and additive). The limit counts from the first exact view (a resumed run's: from the start),
    so waiting for the model and the set-up, slow on a busy machine, never end a run before it shows one.
    ``progress(rows, expected)`` reports every chunk. ``state`` (a previous
    :class:`Refinement` of the same text, model and leaves) resumes from its tree and rows;
    ``max_evals`` is then the new total budget.
    """
    validate_text(text)
    shap_engine = _engine(classifier, leaves)
    with classifier.lock, _tokenizer_lock(classifier, leaves):
        fresh = _prepare(classifier, shap_engine, text, max_evals)
        if fresh.single:
            result = _explain_single(classifier, fresh, leaves, max_evals, 0)
            return Refinement(fresh, None, leaves, classifier.model_id, result, result.seconds)
        tree = None
        if state is not None and (state.job.text, state.leaves, state.model_id) == (text, leaves, classifier.model_id):
            tree, spent = state.tree, state.seconds
            fresh.budget = max(fresh.budget, tree.rows) if tree is not None else fresh.budget
        else:
            spent = 0.0
        # The record's seconds count compute time over every call, not the pauses between them.
        fresh.started -= spent
        deadline = [None if seconds is None or tree is None else owen.now() + seconds]

        def step(grown: OwenTree) -> None:
            if deadline[0] is None and seconds is not None:
                deadline[0] = owen.now() + seconds
            if on_step is not None:
                on_step(_build_owen(classifier, shap_engine, fresh, grown, leaves, max_evals, 0))

        def stop() -> bool:
            timed_out = deadline[0] is not None and owen.now() >= deadline[0]
            return timed_out or (should_stop is not None and should_stop())

        tree = _grow(
            classifier,
            shap_engine,
            fresh,
            tree,
            progress,
            should_stop=stop,
            on_step=step,
            pace=refinement_pace(classifier, fresh.readable),
        )
        result = _build_owen(classifier, shap_engine, fresh, tree, leaves, max_evals, 0)
    return Refinement(fresh, tree, leaves, classifier.model_id, result, result.seconds)

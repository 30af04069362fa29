"""Faithfulness of an explanation: do its top words really move the model? (ERASER metrics, deletion/insertion)."""

from __future__ import annotations

import json
import math
import re
import time
from collections.abc import Callable, Sequence
from contextlib import nullcontext
from dataclasses import asdict, dataclass, field
from typing import Any, ClassVar, Protocol

import numpy as np

from textlens.types import Explanation

SIZES = (0.01, 0.05, 0.10, 0.20, 0.50)
"""Rationale sizes as fractions of the words: ERASER's bins B = {1, 5, 10, 20, 50} %."""
N_RANDOM = 5  # random orders averaged for the random baseline
CURVE_STEPS = 50  # texts longer than this many words get deletion/insertion curves on a grid of about 50 points
SUMMARY_K = 3  # "Removing the top 3 words ..."
DEFAULT_MASK = "..."  # what shap's Text masker writes when the tokenizer has no mask token
REMOVALS = ("mask", "delete")
"""How a removed word is removed: as the explainer's masker hid it (the default), or deleted (ERASER's own
reading, which no mask token can bias: useful to compare models whose masked inputs differ)."""
_WHITESPACE = re.compile(r"[\s]+")  # shap's own pattern for tidying a masked row


class ScoringModel(Protocol):
    """What faithfulness needs of a classifier: batched probabilities, label names, the mask token."""

    labels: tuple[str, ...]

    @property
    def mask_token(self) -> str | None: ...

    def predict(self, texts: Sequence[str]) -> np.ndarray: ...


# --------------------------------------------------------------------------------------------------
# Masking: the rows SHAP's Text masker builds, so "removed" means what it meant to SHAP.


def masked_text(text: str, spans: Sequence[tuple[int, int]], keep: Sequence[bool], mask_token: str | None) -> str:
    """The row ``shap.maskers.Text(WordSegmenter(mask_token))`` builds for ``text`` with words ``keep``.

    Exactly shap's rule (shap 0.51, ``Text.__call__`` in string mode): each kept word brings its
    text up to the next word's start; each removed word becomes ``" " + mask_token``; with no mask
    token the mask is ``"..."`` and runs of removed words collapse into one; finally whitespace
    runs become one space and the ends are stripped. With every word kept this is the text as the
    explainer scored it (whitespace tidied).
    """
    token = DEFAULT_MASK if mask_token is None else mask_token
    collapse = mask_token is None  # shap: a tokenizer with a mask token turns collapsing off
    parts: list[str] = []
    previous_masked = False
    for i, (start, end) in enumerate(spans):
        if keep[i]:
            stop = max(end, spans[i + 1][0]) if i + 1 < len(spans) else end
            parts.append(text[start:stop])
            previous_masked = False
        elif not (collapse and previous_masked):
            parts.append(" " + token)
            previous_masked = True
    return _WHITESPACE.sub(" ", "".join(parts)).strip()


class _Rows:
    """Builds masked rows of an explanation's readable text the way its explainer did (word or token leaves)."""

    def __init__(
        self,
        classifier: ScoringModel,
        text: str,
        spans: Sequence[tuple[int, int]],
        leaves: str,
        removal: str = "mask",
    ) -> None:
        if removal not in REMOVALS:
            raise ValueError(f"removal must be one of {', '.join(REMOVALS)}, not {removal!r}")
        self.text, self.spans, self.leaves, self.removal = text, list(spans), leaves, removal
        self.mask_token = classifier.mask_token
        if leaves == "tokens" and removal == "mask":
            self._token_masker(classifier)

    @classmethod
    def of(cls, classifier: ScoringModel, explanation: Explanation, removal: str = "mask") -> _Rows:
        """The rows of what ``explanation``'s explainer read (the text up to ``read_until``)."""
        cut = explanation.read_until
        text = explanation.text if cut is None else explanation.text[:cut]
        return cls(classifier, text, [(w.start, w.end) for w in explanation.words], explanation.leaves, removal)

    def _token_masker(self, classifier) -> None:
        from textlens.text.explain import _masker  # shap's masker with the model's tokenizer, as the explainer built it

        tokenizer = classifier.tokenizer
        self.lock = getattr(tokenizer, "lock", None)
        self.masker = _masker(classifier, "tokens")
        with self.lock if self.lock is not None else nullcontext():
            offsets = tokenizer(self.text, return_offsets_mapping=True)["offset_mapping"]
        starts = [a for a, _ in self.spans]
        # A token belongs to the word holding its first character (as merge_to_words sums them);
        # special tokens (empty spans) belong to none and are never masked.
        self.token_word = [
            None if b <= a else max(0, min(len(starts) - 1, int(np.searchsorted(starts, a, side="right")) - 1))
            for a, b in (tuple(o) for o in offsets)
        ]

    @property
    def removed_as(self) -> str:
        """What a removed word becomes: the mask (``...`` without a mask token), or nothing when deleting."""
        if self.removal == "delete":
            return ""
        return DEFAULT_MASK if self.mask_token is None else self.mask_token

    def row(self, keep: Sequence[bool]) -> str:
        """The masked row with the words flagged in ``keep`` kept and the others removed."""
        if self.removal == "delete":  # an empty mask: removed words leave nothing but one space
            return masked_text(self.text, self.spans, keep, "")
        if self.leaves != "tokens":
            return masked_text(self.text, self.spans, keep, self.mask_token)
        mask = np.array([True if w is None else bool(keep[w]) for w in self.token_word])
        with self.lock if self.lock is not None else nullcontext():
            return str(self.masker(mask, self.text)[0][0])


# --------------------------------------------------------------------------------------------------
# The record.


@dataclass(frozen=True)
class OrderScores:
    """Faithfulness numbers of one word order (most important first), toward the target class.

    ``deletion[i]`` is the target probability with the first ``curve_ks[i]`` words of the order
    removed; ``insertion[i]`` with only those words kept. ``comprehensiveness_at`` /
    ``sufficiency_at`` are per rationale size (:data:`SIZES`).
    """

    comprehensiveness: float
    sufficiency: float
    comprehensiveness_at: tuple[float, ...]
    sufficiency_at: tuple[float, ...]
    deletion: tuple[float, ...]
    insertion: tuple[float, ...]
    deletion_auc: float
    insertion_auc: float
    order: tuple[int, ...] = ()  # word indices, most important first (empty for the random mean)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> OrderScores:
        """Inverse of ``dataclasses.asdict`` (also after JSON)."""
        return cls(**{k: tuple(v) if isinstance(v, list) else v for k, v in data.items()})


@dataclass(frozen=True)
class Faithfulness:
    """How much an explanation's top words really move the model, against random and leave-one-out orders.

    Definitions (ERASER, DeYoung et al. 2020), for the target class ``j`` and a text of ``n``
    words with model probability ``p(x)``:

    - a rationale of size ``p`` is the first ``k = max(1, round(p * n))`` words of an order
      (round half up), for ``p`` in :data:`SIZES`;
    - comprehensiveness(k) = ``p(x) - p(x without the rationale)``: large when the words matter;
    - sufficiency(k) = ``p(x) - p(only the rationale)``: small (or negative) when they suffice;
    - each is aggregated as the mean over the five sizes (ERASER's AOPC over its bins).

    "Without" means masked exactly as the explanation's masker masks (see :func:`masked_text`),
    and ``p(x)`` is the text as the explainer scored it. The deletion curve is ``p`` with the top
    ``k`` words removed for ``k = 0 .. n``, the insertion curve ``p`` with only the top ``k`` kept;
    their areas use the trapezoid rule over the fraction ``k / n`` in [0, 1] (deletion: lower is
    better; insertion: higher is better). Orders: the explanation's values toward ``j`` (highest
    first, ties by position), the mean over ``N_RANDOM`` seeded random orders, and leave-one-out
    (``p(x) - p(x without word i)``, highest first).
    """

    kind: ClassVar[str] = "faithfulness"

    text: str
    model_id: str
    target: str
    words: tuple[str, ...]
    full_score: float  # p(x) of the target with every word present
    empty_score: float  # p of the target with every word removed
    sizes: tuple[float, ...]
    ks: tuple[int, ...]  # rationale size in words for each of ``sizes``
    curve_ks: tuple[int, ...]  # numbers of words removed (deletion) or kept (insertion) along the curves
    explanation: OrderScores
    random: OrderScores
    loo: OrderScores
    loo_values: tuple[float, ...]  # p(x) - p(x without word i), per word
    seeds: tuple[int, ...]  # seeds of the random orders
    mask_token: str
    rows: int  # distinct masked rows run through the model
    seconds: float
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def n_words(self) -> int:
        """Number of words (the units removed)."""
        return len(self.words)

    def summary_dict(self) -> dict[str, Any]:
        """The CLI's JSON: the headline numbers with their baselines."""
        e, r, loo = self.explanation, self.random, self.loo
        return {
            "model": self.model_id,
            "text": self.text,
            "target": self.target,
            "words": self.n_words,
            "score": self.full_score,
            "comprehensiveness": e.comprehensiveness,
            "sufficiency": e.sufficiency,
            "random_comprehensiveness": r.comprehensiveness,
            "random_sufficiency": r.sufficiency,
            "loo_comprehensiveness": loo.comprehensiveness,
            "loo_sufficiency": loo.sufficiency,
            "deletion_auc": e.deletion_auc,
            "insertion_auc": e.insertion_auc,
            "random_deletion_auc": r.deletion_auc,
            "random_insertion_auc": r.insertion_auc,
            "sizes": list(self.sizes),
            "ks": list(self.ks),
            "random_orders": len(self.seeds),
            "mask_token": self.mask_token,
            "removal": self.settings.get("removal", "mask"),
            "sentence": self.sentence(),
        }

    def at(self, scores: OrderScores, k: int, curve: str = "deletion") -> float:
        """The target probability on ``scores``'s deletion (or insertion) curve at ``k`` words."""
        return getattr(scores, curve)[self.curve_ks.index(k)]

    def summary_k(self) -> int:
        """The number of words the plain sentence talks about (3, or fewer in a short text)."""
        return min(SUMMARY_K, max(1, self.n_words - 1))

    def sentence(self) -> str:
        """One plain sentence comparing the top words with random ones.

        e.g. ``Removing the top 3 words ("wonderful", "acting", "but") drops POSITIVE from 0.97 to
        0.12; removing 3 random words drops it to 0.91.``
        """
        k = self.summary_k()
        top = ", ".join(f'"{self.words[i]}"' for i in self.explanation.order[:k])
        after, rand = self.at(self.explanation, k), self.at(self.random, k)
        noun = "word" if k == 1 else "words"
        return (
            f"Removing the top {k} {noun} ({top}) {_moves(self.full_score, after)} {self.target} "
            f"from {self.full_score:.2f} to {after:.2f}; removing {k} random {noun} "
            f"{_moves(self.full_score, rand)} it to {rand:.2f}."
        )

    def ratio(self) -> float:
        """Comprehensiveness of the explanation over that of random orders (inf when random moves nothing)."""
        r = self.random.comprehensiveness
        return self.explanation.comprehensiveness / r if r > 1e-12 else math.inf

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of JSON types with ``"kind"``; :meth:`from_dict` inverts it."""
        return {"kind": self.kind, **asdict(self)}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Faithfulness:
        """Rebuild from :meth:`to_dict` output (also after a JSON round trip)."""
        data = {k: v for k, v in data.items() if k != "kind"}
        for key in ("explanation", "random", "loo"):
            data[key] = OrderScores.from_dict(data[key])
        for key in ("words", "sizes", "ks", "curve_ks", "loo_values", "seeds"):
            data[key] = tuple(data[key])
        return cls(**data)

    def to_json(self) -> str:
        """JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Faithfulness:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))


def _moves(before: float, after: float) -> str:
    if abs(after - before) < 0.005:
        return "leaves" if after == before else "barely moves"
    return "drops" if after < before else "raises"


# --------------------------------------------------------------------------------------------------
# Computing it.


def rationale_sizes(n: int, sizes: Sequence[float] = SIZES) -> tuple[int, ...]:
    """Words in a rationale of each size for a text of ``n`` words: ``max(1, round(p * n))``, half up, at most ``n``."""
    return tuple(min(n, max(1, math.floor(p * n + 0.5))) for p in sizes)


def curve_points(n: int, extra: Sequence[int] = ()) -> tuple[int, ...]:
    """Word counts along the curves: every ``k`` in 0..n up to :data:`CURVE_STEPS` words, else a grid plus ``extra``."""
    if n <= CURVE_STEPS:
        return tuple(range(n + 1))
    grid = {math.floor(i * n / CURVE_STEPS + 0.5) for i in range(CURVE_STEPS + 1)}
    return tuple(sorted(grid | set(extra)))


def area(ks: Sequence[int], values: Sequence[float], n: int) -> float:
    """Trapezoid area under ``values`` over ``k / n`` (0 when there are no words)."""
    x = np.asarray(ks, dtype=float) / max(n, 1)
    y = np.asarray(values, dtype=float)
    return float(np.sum((x[1:] - x[:-1]) * (y[1:] + y[:-1]) / 2)) if len(x) > 1 else 0.0


def explanation_order(values: Sequence[float]) -> tuple[int, ...]:
    """Word indices by value, highest first; ties keep text order."""
    return tuple(sorted(range(len(values)), key=lambda i: (-values[i], i)))


def random_orders(n: int, seed: int = 0, n_orders: int = N_RANDOM) -> tuple[tuple[int, ...], ...]:
    """``n_orders`` random permutations of ``n`` words, seeds ``seed``, ``seed + 1``, ...: reproducible."""
    return tuple(tuple(int(i) for i in np.random.default_rng(seed + r).permutation(n)) for r in range(n_orders))


class _Scorer:
    """Scores masked rows of one text for one target, running each distinct row through the model once."""

    def __init__(self, classifier: ScoringModel, rows: _Rows, target: int = 0) -> None:
        self.classifier, self.rows, self.target = classifier, rows, target
        self.n = len(rows.spans)
        self.probs: dict[str, np.ndarray] = {}  # every label's probabilities, by row

    def score(self, row: str) -> float:
        """The target's probability for a row already run."""
        return float(self.probs[row][self.target])

    def keep_row(self, kept: set[int]) -> str:
        return self.rows.row([i in kept for i in range(self.n)])

    def run(self, rows: Sequence[str]) -> None:
        """Score every row not scored yet, in one batched call."""
        missing = list(dict.fromkeys(r for r in rows if r not in self.probs))
        if missing:
            for row, p in zip(missing, np.asarray(self.classifier.predict(missing), dtype=np.float64)):
                self.probs[row] = p

    def leave_one_out(self, extra: Sequence[str] = ()) -> tuple[str, list[str]]:
        """(the full row, the rows without word i for each i), run in one batch with ``extra`` rows."""
        everything = set(range(self.n))
        full, loo = self.keep_row(everything), [self.keep_row(everything - {i}) for i in range(self.n)]
        self.run([full, *loo, *extra])
        return full, loo

    def curve_rows(self, order: Sequence[int], ks: Sequence[int]) -> tuple[list[str], list[str]]:
        """(rows with the top k removed, rows with only the top k kept) for each k."""
        everything = set(range(self.n))
        deletion = [self.keep_row(everything - set(order[:k])) for k in ks]
        insertion = [self.keep_row(set(order[:k])) for k in ks]
        return deletion, insertion


def faithfulness(
    classifier: ScoringModel,
    explanation: Explanation,
    target: str | int | None = None,
    *,
    sizes: Sequence[float] = SIZES,
    n_random: int = N_RANDOM,
    seed: int = 0,
    progress: Callable[[int, int], None] | None = None,
    removal: str = "mask",
) -> Faithfulness:
    """Comprehensiveness, sufficiency and deletion/insertion curves of ``explanation`` (see :class:`Faithfulness`).

    Two batched model calls: the full, empty and leave-one-out rows, then every curve's rows
    (explanation, ``n_random`` random orders from ``seed``, leave-one-out order) at once.
    ``removal="delete"`` deletes removed words instead of masking them (see :data:`REMOVALS`).
    """
    started = time.perf_counter()
    j = explanation.label_index(target)
    scorer = _Scorer(classifier, _Rows.of(classifier, explanation, removal), j)
    n = scorer.n
    empty_row = scorer.keep_row(set())
    full_row, loo_rows = scorer.leave_one_out([empty_row])
    if progress is not None:
        progress(1, 2)
    full = scorer.score(full_row)
    loo = tuple(full - scorer.score(r) for r in loo_rows)

    ks = rationale_sizes(n, sizes)
    summary_k = min(SUMMARY_K, max(1, n - 1))
    curve_ks = curve_points(n, (*ks, summary_k))
    orders = {
        "explanation": explanation_order([w.value for w in explanation.for_label(j)]),
        "loo": explanation_order(loo),
    }
    seeds = tuple(range(seed, seed + n_random))
    randoms = random_orders(n, seed, n_random)
    curves = {name: scorer.curve_rows(order, curve_ks) for name, order in orders.items()}
    random_curves = [scorer.curve_rows(order, curve_ks) for order in randoms]
    scorer.run([r for d, i in [*curves.values(), *random_curves] for r in (*d, *i)])
    if progress is not None:
        progress(2, 2)

    def scores_of(deletion: np.ndarray, insertion: np.ndarray, order: tuple[int, ...]) -> OrderScores:
        comp = tuple(full - float(deletion[curve_ks.index(k)]) for k in ks)
        suff = tuple(full - float(insertion[curve_ks.index(k)]) for k in ks)
        return OrderScores(
            comprehensiveness=float(np.mean(comp)),
            sufficiency=float(np.mean(suff)),
            comprehensiveness_at=comp,
            sufficiency_at=suff,
            deletion=tuple(float(v) for v in deletion),
            insertion=tuple(float(v) for v in insertion),
            deletion_auc=area(curve_ks, deletion, n),
            insertion_auc=area(curve_ks, insertion, n),
            order=order,
        )

    def probs(row_list: list[str]) -> np.ndarray:
        return np.array([scorer.score(r) for r in row_list])

    measured = {name: scores_of(probs(d), probs(i), orders[name]) for name, (d, i) in curves.items()}
    random_deletion = np.mean([probs(d) for d, _ in random_curves], axis=0)
    random_insertion = np.mean([probs(i) for _, i in random_curves], axis=0)
    return Faithfulness(
        text=explanation.text,
        model_id=explanation.model_id,
        target=explanation.labels[j],
        words=tuple(w.word for w in explanation.words),
        full_score=full,
        empty_score=scorer.score(empty_row),
        sizes=tuple(float(p) for p in sizes),
        ks=ks,
        curve_ks=curve_ks,
        explanation=measured["explanation"],
        random=scores_of(random_deletion, random_insertion, ()),
        loo=measured["loo"],
        loo_values=loo,
        seeds=seeds,
        mask_token=scorer.rows.removed_as,
        rows=len(scorer.probs),
        seconds=time.perf_counter() - started,
        settings={
            **explanation.settings,
            "leaves": explanation.leaves,
            "n_random": n_random,
            "seed": seed,
            "removal": removal,
        },
    )

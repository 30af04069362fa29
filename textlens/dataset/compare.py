"""Two models on one labelled set: flips, the paired accuracy difference, McNemar's test, slices and words compared."""

from __future__ import annotations

import math
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from textlens.dataset.labels import NO_LABEL, LabelMatch, match_labels
from textlens.dataset.metrics import compute_metrics
from textlens.dataset.predict import RowPredictions, results_frame, score_column, truth_index
from textlens.dataset.slices import MIN_SLICE_ROWS, Slice
from textlens.errors import TextlensError
from textlens.text.wordstats import CHANGE_FLOOR, WordTally
from textlens.types import Explanation

LEVEL = 0.95  # confidence level of the interval, and 1 - the significance level of the tests
NOT_PAIRED, BOTH_RIGHT, FIXED, BROKEN, BOTH_WRONG = -1, 0, 1, 2, 3
FLIP_NAMES = {BOTH_RIGHT: "both right", FIXED: "fixed by B", BROKEN: "broken by B", BOTH_WRONG: "both wrong"}


class LabelSetError(TextlensError, ValueError):
    """Two models whose label sets differ, so their accuracies on one labelled set cannot be compared."""


def align_labels(labels_a: Sequence[str], labels_b: Sequence[str]) -> np.ndarray:
    """For each of A's labels, the index of the same label in B's (by name, as the label matcher matches them).

    Raises :class:`LabelSetError` naming the labels only one model has when the sets differ.
    """
    order, match = match_labels(list(labels_a), labels_b)
    # A label written as an integer would match B's label at that index: between two models only names count.
    if match.by_id or (order == NO_LABEL).any() or len(set(order.tolist())) != len(labels_b):
        shown = {label.strip().casefold() for label in labels_b}
        only_a = [x for x in labels_a if x.strip().casefold() not in shown]
        shown = {label.strip().casefold() for label in labels_a}
        only_b = [x for x in labels_b if x.strip().casefold() not in shown]
        raise LabelSetError(
            f"The two models' labels differ (only in A: {', '.join(only_a) or '—'}; only in B: "
            f"{', '.join(only_b) or '—'}): their accuracies on one labelled set can be compared only when both "
            "predict the same labels. Pick a model B with A's labels."
        )
    return order


def aligned(run_b: RowPredictions, labels_a: Sequence[str]) -> RowPredictions:
    """Model B's predictions with its probability columns in A's label order (and A's label names)."""
    order = align_labels(labels_a, run_b.labels)
    return RowPredictions(tuple(labels_a), run_b.probs[:, order], run_b.errors, run_b.seconds)


def flips(truth: np.ndarray, predicted_a: np.ndarray, predicted_b: np.ndarray) -> np.ndarray:
    """Each row's cell of the flip table (:data:`BOTH_RIGHT`, :data:`FIXED`, :data:`BROKEN`, :data:`BOTH_WRONG`),
    or :data:`NOT_PAIRED` where the row has no matched label or one of the models could not predict it.
    """
    truth, predicted_a, predicted_b = np.asarray(truth), np.asarray(predicted_a), np.asarray(predicted_b)
    paired = (truth >= 0) & (predicted_a >= 0) & (predicted_b >= 0)
    right_a, right_b = predicted_a == truth, predicted_b == truth
    codes = np.where(right_a, np.where(right_b, BOTH_RIGHT, BROKEN), np.where(right_b, FIXED, BOTH_WRONG))
    return np.where(paired, codes, NOT_PAIRED).astype(np.int64)


def mcnemar_p(fixed: int, broken: int) -> float:
    """Two-sided p-value of McNemar's exact test on the discordant rows (statsmodels' ``mcnemar(exact=True)``).

    Under "A and B are equally accurate" each discordant row is fixed or broken with probability 1/2,
    so the p-value is the exact binomial probability of a split at least this uneven. 1.0 without
    discordant rows (nothing to test).
    """
    if fixed + broken == 0:
        return 1.0
    from statsmodels.stats.contingency_tables import mcnemar

    # The concordant cells do not enter the exact test; only the off-diagonal (broken, fixed) counts do.
    return float(min(1.0, mcnemar([[0, broken], [fixed, 0]], exact=True).pvalue))


def paired_difference_ci(fixed: int, broken: int, rows: int, level: float = LEVEL) -> tuple[float, float]:
    """Confidence interval of accuracy(B) − accuracy(A) on the same ``rows`` (paired), Agresti–Min adjusted Wald.

    The difference of two paired accuracies is (fixed − broken) / rows; its Wald interval uses the
    paired variance ((fixed + broken) − (fixed − broken)² / rows) / rows² (Agresti, *Categorical Data
    Analysis*, 10.1). The plain Wald interval collapses to a point when no row flips and is too narrow
    on small sets, so, as Agresti & Min (2005, *Statistics in Medicine* 24:729–740) recommend, half a
    row is added to each of the four cells of the 2×2 table first (``fixed`` and ``broken`` + 0.5,
    ``rows`` + 2): the simplest interval whose coverage stays close to the nominal level for matched
    proportions, also near 0 and 1. The bounds are clipped to [−1, 1]. NaN without rows.
    """
    if rows <= 0:
        return float("nan"), float("nan")
    from scipy.stats import norm

    b, c, n = fixed + 0.5, broken + 0.5, rows + 2.0
    difference = (b - c) / n
    variance = ((b + c) - (b - c) ** 2 / n) / n**2
    z = float(norm.ppf(0.5 + level / 2))
    half = z * math.sqrt(max(variance, 0.0))
    return max(-1.0, difference - half), min(1.0, difference + half)


def chance_phrase(p: float) -> str:
    """A p-value as a share of sets, for a sentence: "0.2 %", "fewer than 0.1 %", "43 %"."""
    if p < 0.001:
        return "fewer than 0.1 %"
    if p < 0.1:
        return f"{p * 100:.1f} %"
    return f"{p * 100:.0f} %"


def rows_phrase(n: int, kind: str = "") -> str:
    """A count of rows in words: "1 row", "2,000 rows", with ``kind``: "1 labelled row"."""
    return f"{n:,} {kind + ' ' if kind else ''}row{'s' if n != 1 else ''}"


@dataclass(frozen=True)
class PairedComparison:
    """Model A against model B on the rows both predicted that have a matched label (paired)."""

    kind: ClassVar[str] = "dataset-compare"

    labels: tuple[str, ...]
    rows: int  # paired rows: a matched label and a prediction from both models
    accuracy_a: float
    accuracy_b: float
    macro_f1_a: float
    macro_f1_b: float
    both_right: int
    fixed: int  # A wrong, B right
    broken: int  # A right, B wrong
    both_wrong: int
    mcnemar_p: float
    difference_ci: tuple[float, float]  # of accuracy_b - accuracy_a
    level: float = LEVEL

    @property
    def difference(self) -> float:
        """Accuracy of B minus accuracy of A, on the same rows."""
        return self.accuracy_b - self.accuracy_a

    @property
    def significant(self) -> bool:
        """Whether McNemar's test rejects "equally accurate" at the 1 − ``level`` significance level."""
        return self.mcnemar_p < 1 - self.level

    def sentence(self) -> str:
        """The plain sentence a meeting reads: what B fixes and breaks, and how often chance does as much."""
        if self.fixed + self.broken == 0:
            return f"A and B agree on all {self.rows:,} labelled rows: there is no difference to test."
        head = f"B fixes {rows_phrase(self.fixed)} and breaks {self.broken:,}"
        chance = (
            f"a difference this large would arise by chance in {chance_phrase(self.mcnemar_p)} of such sets "
            f"if the two models were equally accurate (McNemar's exact test, p = {self.mcnemar_p:.3g})"
        )
        verdict = (
            f"B is {'better' if self.fixed > self.broken else 'worse'}, beyond chance."
            if self.significant
            else "the difference may well be noise."
        )
        return f"{head}; {chance}: {verdict}"

    def headline(self) -> str:
        """Accuracy and macro-F1 of both, the difference with its interval, and the sentence, in one line."""
        low, high = self.difference_ci
        return (
            f"Accuracy A {self.accuracy_a:.1%} → B {self.accuracy_b:.1%} ({self.difference * 100:+.1f} points, "
            f"{self.level:.0%} CI {low * 100:+.1f} to {high * 100:+.1f}); macro-F1 A {self.macro_f1_a:.3f} → "
            f"B {self.macro_f1_b:.3f}; {self.rows:,} paired rows. {self.sentence()}"
        )

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types with ``"kind"``, ``"difference"`` and ``"sentence"`` (read-only, not round-tripped)."""
        data = asdict(self)
        data["difference_ci"] = [_none_if_nan(x) for x in self.difference_ci]
        for key in ("accuracy_a", "accuracy_b", "macro_f1_a", "macro_f1_b"):
            data[key] = _none_if_nan(data[key])
        return {
            "kind": self.kind,
            **data,
            "labels": list(self.labels),
            "difference": _none_if_nan(self.difference),
            "sentence": self.sentence(),
        }

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> PairedComparison:
        """Inverse of :meth:`to_dict`."""
        nan = float("nan")
        low, high = data["difference_ci"]
        return cls(
            labels=tuple(data["labels"]),
            rows=data["rows"],
            accuracy_a=nan if data["accuracy_a"] is None else data["accuracy_a"],
            accuracy_b=nan if data["accuracy_b"] is None else data["accuracy_b"],
            macro_f1_a=nan if data["macro_f1_a"] is None else data["macro_f1_a"],
            macro_f1_b=nan if data["macro_f1_b"] is None else data["macro_f1_b"],
            both_right=data["both_right"],
            fixed=data["fixed"],
            broken=data["broken"],
            both_wrong=data["both_wrong"],
            mcnemar_p=data["mcnemar_p"],
            difference_ci=(nan if low is None else low, nan if high is None else high),
            level=data.get("level", LEVEL),
        )


def _none_if_nan(value: Any) -> Any:
    return None if isinstance(value, float) and math.isnan(value) else value


def compare(
    truth: np.ndarray, predicted_a: np.ndarray, predicted_b: np.ndarray, labels: Sequence[str], level: float = LEVEL
) -> PairedComparison | None:
    """A against B on the paired rows (label indices into the same ``labels``); None when no row is paired.

    Both models are scored on exactly the same rows, so the difference, the interval and the test are paired.
    """
    codes = flips(truth, predicted_a, predicted_b)
    paired = codes != NOT_PAIRED
    if not paired.any():
        return None
    truth, predicted_a, predicted_b = np.asarray(truth), np.asarray(predicted_a), np.asarray(predicted_b)
    confidence = np.ones(int(paired.sum()))  # calibration is not compared here
    a = compute_metrics(truth[paired], predicted_a[paired], confidence, labels)
    b = compute_metrics(truth[paired], predicted_b[paired], confidence, labels)
    counts = np.bincount(codes[paired], minlength=4)
    fixed, broken = int(counts[FIXED]), int(counts[BROKEN])
    rows = int(paired.sum())
    return PairedComparison(
        labels=tuple(labels),
        rows=rows,
        accuracy_a=a.accuracy,
        accuracy_b=b.accuracy,
        macro_f1_a=a.macro_f1,
        macro_f1_b=b.macro_f1,
        both_right=int(counts[BOTH_RIGHT]),
        fixed=fixed,
        broken=broken,
        both_wrong=int(counts[BOTH_WRONG]),
        mcnemar_p=mcnemar_p(fixed, broken),
        difference_ci=paired_difference_ci(fixed, broken, rows, level),
        level=level,
    )


@dataclass(frozen=True)
class SliceComparison:
    """One slice with both models: accuracies, the change, its discordant rows and whether it is beyond chance."""

    group: str
    value: str
    rows: int
    labelled: int  # paired rows in the slice
    accuracy_a: float  # NaN without paired rows
    accuracy_b: float
    fixed: int
    broken: int
    p_value: float  # McNemar's exact test within the slice
    p_adjusted: float  # Holm-adjusted over the slices that have enough rows (NaN for small ones)

    @property
    def change(self) -> float:
        """Accuracy of B minus A within the slice."""
        return self.accuracy_b - self.accuracy_a

    @property
    def small(self) -> bool:
        """Too few paired rows for the change to mean anything: shown, never called significant."""
        return self.labelled < MIN_SLICE_ROWS

    @property
    def significant(self) -> bool:
        """Beyond chance after Holm's correction for testing every slice (never for small slices)."""
        return not self.small and self.p_adjusted < 1 - LEVEL

    def verdict(self) -> str:
        """The slice's verdict: too few rows, B better, B worse or not significant."""
        if self.small:
            return f"too few rows (under {MIN_SLICE_ROWS})"
        if self.significant:
            return "B better" if self.fixed > self.broken else "B worse"
        return "not significant"

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (NaN as None) with the derived ``change``, ``small`` and ``verdict``."""
        data = {k: _none_if_nan(v) for k, v in asdict(self).items()}
        return {**data, "change": _none_if_nan(self.change), "small": self.small, "verdict": self.verdict()}


def compare_slices(slices: Sequence[Slice], codes: np.ndarray) -> list[SliceComparison]:
    """Every slice compared from the rows' flip codes (:func:`flips`), biggest loss first (small slices last).

    Each slice gets McNemar's exact test; the p-values of the slices with enough rows are adjusted for
    testing them all at once with Holm's method (statsmodels ``multipletests``), so one slice in twenty
    does not look "significant" by chance alone.
    """
    out = []
    for s in slices:
        inside = codes[s.mask]
        inside = inside[inside != NOT_PAIRED]
        counts = np.bincount(inside, minlength=4)
        n = len(inside)
        right_a = counts[BOTH_RIGHT] + counts[BROKEN]
        right_b = counts[BOTH_RIGHT] + counts[FIXED]
        fixed, broken = int(counts[FIXED]), int(counts[BROKEN])
        out.append(
            SliceComparison(
                group=s.group,
                value=s.value,
                rows=int(s.mask.sum()),
                labelled=n,
                accuracy_a=float(right_a / n) if n else float("nan"),
                accuracy_b=float(right_b / n) if n else float("nan"),
                fixed=fixed,
                broken=broken,
                p_value=mcnemar_p(fixed, broken),
                p_adjusted=float("nan"),
            )
        )
    tested = [i for i, s in enumerate(out) if not s.small]
    if tested:
        from statsmodels.stats.multitest import multipletests

        adjusted = multipletests([out[i].p_value for i in tested], alpha=1 - LEVEL, method="holm")[1]
        for i, p in zip(tested, adjusted):
            out[i] = SliceComparison(**{**asdict(out[i]), "p_adjusted": float(p)})

    def order(s: SliceComparison) -> tuple:
        change = s.change if not math.isnan(s.change) else 0.0
        return (s.small, change, -s.rows)

    return sorted(out, key=order)


@dataclass(frozen=True)
class ClassComparison:
    """One true class with both models: its paired rows, each model's recall on them, the rows B fixes and breaks."""

    label: str
    rows: int  # paired rows whose true label is this class
    recall_a: float  # share of them A gets right (NaN without rows)
    recall_b: float
    fixed: int
    broken: int

    @property
    def change(self) -> float:
        """B's recall minus A's on this class."""
        return self.recall_b - self.recall_a

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types (NaN as None) with the derived ``change``."""
        return {**{k: _none_if_nan(v) for k, v in asdict(self).items()}, "change": _none_if_nan(self.change)}


def compare_classes(truth: np.ndarray, codes: np.ndarray, labels: Sequence[str]) -> list[ClassComparison]:
    """Per true class, from the rows' flip codes (:func:`flips`): which classes B fixes and which it breaks, in
    label order. A class with no paired row has NaN recalls and no flips.
    """
    truth, codes = np.asarray(truth), np.asarray(codes)
    out = []
    for i, label in enumerate(labels):
        inside = codes[(truth == i) & (codes != NOT_PAIRED)]
        counts = np.bincount(inside, minlength=4)
        n = len(inside)
        out.append(
            ClassComparison(
                label=label,
                rows=n,
                recall_a=float((counts[BOTH_RIGHT] + counts[BROKEN]) / n) if n else float("nan"),
                recall_b=float((counts[BOTH_RIGHT] + counts[FIXED]) / n) if n else float("nan"),
                fixed=int(counts[FIXED]),
                broken=int(counts[BROKEN]),
            )
        )
    return out


def compared_frame(
    results_a: pd.DataFrame, run_b: RowPredictions, truth: np.ndarray, predicted_a: np.ndarray
) -> pd.DataFrame:
    """Model A's results table (:func:`textlens.dataset.results_frame`) with model B's columns beside it.

    A's ``predicted_label``, ``confidence``, ``correct`` and score columns get an ``_a`` suffix; B's
    (``run_b`` aligned to A's labels) have ``_b``; ``change`` names the row's flip cell (empty where
    not paired).
    """
    labels = run_b.labels
    renamed = {c: f"{c}_a" for c in ("predicted_label", "confidence", "correct")}
    renamed |= {score_column(label): f"{score_column(label)}_a" for label in labels}
    out = results_a.rename(columns=renamed)
    predicted_b = run_b.predicted
    names = np.array(labels, dtype=object)
    out["predicted_label_b"] = np.where(predicted_b >= 0, names[np.maximum(predicted_b, 0)], None)
    out["confidence_b"] = run_b.confidence
    if "correct_a" in out:
        both = (truth >= 0) & (predicted_b >= 0)
        correct = pd.array([pd.NA] * len(out), dtype="boolean")
        correct[both] = truth[both] == predicted_b[both]
        out["correct_b"] = correct
    for i, label in enumerate(labels):
        out[f"{score_column(label)}_b"] = run_b.probs[:, i]
    codes = flips(truth, predicted_a, predicted_b)
    out["change"] = [FLIP_NAMES.get(int(c), "") for c in codes]
    error = out.pop("error")
    out["error"] = error
    return out


@dataclass(frozen=True)
class WordShift:
    """A word's mean attribution toward each row's true label under A and under B, over the same rows."""

    word: str
    mean_a: float
    mean_b: float
    rows: int

    @property
    def shift(self) -> float:
        """B's mean minus A's: positive when B leans on the word more toward the right label."""
        return self.mean_b - self.mean_a

    @property
    def sign_flip(self) -> bool:
        """The two models push the right label in opposite directions with this word (both beyond the floor)."""
        return self.mean_a * self.mean_b < 0 and min(abs(self.mean_a), abs(self.mean_b)) >= CHANGE_FLOOR


def word_shifts(
    pairs: Sequence[tuple[Explanation, Explanation, str]], min_count: int = 2, top: int | None = None
) -> list[WordShift]:
    """The words whose mean attribution moved most between A and B, over rows explained by both.

    ``pairs`` are (A's explanation, B's explanation, the row's true label); values are toward that
    label, so a positive shift means B leans on the word more to get the row right. Words in fewer
    than ``min_count`` rows are left out; words whose sign flipped come first, then the biggest moves.
    """
    tally_a, tally_b = WordTally(), WordTally()
    for a, b, target in pairs:
        tally_a.add((w.word, w.value) for w in a.for_label(target))
        tally_b.add((w.word, w.value) for w in b.for_label(target))
    means_b = {s.word.casefold(): s for s in tally_b.stats(min_count)}
    out = [
        WordShift(s.word, s.mean, means_b[key].mean, s.inputs)
        for s in tally_a.stats(min_count)
        if (key := s.word.casefold()) in means_b
    ]
    out.sort(key=lambda w: (-w.sign_flip, -abs(w.shift)))
    return out[:top] if top else out


def flipped_rows(codes: np.ndarray, which: Sequence[int] = (FIXED, BROKEN)) -> np.ndarray:
    """Positions of the rows in the flip cells ``which`` (by default every row B fixed or broke), in row order."""
    return np.flatnonzero(np.isin(codes, list(which)))


@dataclass(frozen=True, eq=False)
class Comparison:
    """Both models on one file: the paired headline, each row's flip code and the rows table with both models."""

    paired: PairedComparison | None  # None when no row has a matched label predicted by both
    codes: np.ndarray  # per row: BOTH_RIGHT, FIXED, BROKEN, BOTH_WRONG or NOT_PAIRED
    truth: np.ndarray
    predicted_a: np.ndarray
    predicted_b: np.ndarray
    results: pd.DataFrame  # compared_frame: the file's rows, A's and B's columns, the change
    match: LabelMatch | None
    b: RowPredictions  # model B's predictions in A's label order

    def slices(self, slices: Sequence[Slice]) -> list[SliceComparison]:
        """``slices`` of these rows compared (:func:`compare_slices`)."""
        return compare_slices(slices, self.codes)

    def classes(self) -> list[ClassComparison]:
        """Each true class compared (:func:`compare_classes`): which classes B fixes and which it breaks."""
        return compare_classes(self.truth, self.codes, self.b.labels)

    def to_dict(self) -> dict[str, Any]:
        """The headline's keys at the top level (``accuracy_a`` … ``difference_ci``), each true class compared
        (``"classes"``, when there are labels) and the label match.
        """
        head = self.paired.to_dict() if self.paired else {"kind": PairedComparison.kind, "rows": 0}
        classes = [c.to_dict() for c in self.classes()] if self.paired else []
        return {**head, "classes": classes, "label_match": self.match.to_dict() if self.match else None}


def compare_runs(
    frame: pd.DataFrame, text_column: str, label_column: str | None, run_a: RowPredictions, run_b: RowPredictions
) -> Comparison:
    """Everything the Dataset page and ``textlens dataset compare`` show about A against B on one file.

    The file's labels are matched to A's (:func:`textlens.dataset.match_labels`); B's predictions are
    aligned to A's labels by name, and :class:`LabelSetError` is raised when the two label sets differ.
    """
    b = aligned(run_b, run_a.labels)
    results_a, match = results_frame(frame, text_column, run_a, label_column)
    truth = truth_index(results_a, run_a.labels)
    predicted_a, predicted_b = run_a.predicted, b.predicted
    codes = flips(truth, predicted_a, predicted_b)
    paired = compare(truth, predicted_a, predicted_b, run_a.labels) if label_column else None
    results = compared_frame(results_a, b, truth, predicted_a)
    return Comparison(paired, codes, truth, predicted_a, predicted_b, results, match, b)


def flip_sample(codes: np.ndarray, n: int, which: Sequence[int] = (FIXED, BROKEN), seed: int = 0) -> list[int]:
    """Up to ``n`` rows of the flip cells ``which``, a seeded uniform sample in row order (all when fewer)."""
    rows = flipped_rows(codes, which)
    if len(rows) > n:
        rows = np.sort(np.random.default_rng(seed).choice(rows, n, replace=False))
    return [int(r) for r in rows]


def flip_cases(
    rows: Sequence[int],
    codes: np.ndarray,
    truths: Sequence[str | None],
    records_a: Sequence[Any],
    records_b: Sequence[Any],
    names: tuple[str, str],
    file_key: str = "",
    why: str = "",
) -> list[dict[str, Any]]:
    """Review-pack cases (``Store.add_case`` keyword arguments) for rows both models predicted: A's and B's
    record of each (predictions or explanations), shown for the row's true label (else A's prediction), tagged
    with the change ("fixed by B", "broken by B", "both right", "both wrong") and the model ("model A" /
    "model B"). Each case's note and context carry both predictions; ``why`` says why the rows were sent.
    """
    out = []
    for row, truth, a, b in zip(rows, truths, records_a, records_b):
        change = FLIP_NAMES.get(int(codes[row]), "")
        head = f"Row {row}" + (f" ({why})" if why else "") + (f": {change}" if change else "")
        both = f"Model A ({names[0]}) predicted {a.predicted_label}, model B ({names[1]}) {b.predicted_label}"
        label = f"true label {truth}" if truth else "no matched true label"
        for tag, record in (("A", a), ("B", b)):
            out.append(
                {
                    "record": record,
                    "target": truth or a.predicted_label,
                    "note": f"{head}. {both}; {label}. This case is model {tag}'s.",
                    "tags": tuple(t for t in (change, f"model {tag}") if t),
                    "context": {
                        "row": row,
                        **({"truth": truth} if truth else {}),
                        **({"change": change} if change else {}),
                        "model": tag,
                        "predicted_a": a.predicted_label,
                        "predicted_b": b.predicted_label,
                        **({"file": file_key} if file_key else {}),
                    },
                }
            )
    return out

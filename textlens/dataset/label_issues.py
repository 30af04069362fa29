"""Likely label errors: confident learning (cleanlab) on the model's predicted probabilities.

One function, :func:`label_issues`, shared by the Dataset page and ``textlens dataset label-issues``: which
rows' labels are probably wrong, ranked most likely first, each row's label-quality score, and an
estimate of the share of wrong labels in the set. The model's probabilities stand in for the
out-of-sample ones confident learning asks for; on rows the model was trained on it fits their labels,
so the ranking there is weaker.
"""

from __future__ import annotations

import re
import warnings
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd

from textlens.dataset.labels import NO_LABEL
from textlens.types import Prediction

# What the page and the CLI say a flagged row means, and its caveat.
MEANING = (
    "Confident learning (cleanlab) flags a row when the model's probability for another class reaches that "
    "class's threshold (the model's average confidence in it on rows labelled with it), keeping as many per "
    "pair of classes as the estimated noise between them; flagged rows are ranked by the probability the model "
    "gives the row's own label (cleanlab's label-quality score: low means probably mislabelled). A flag is a "
    "lead for a human to check, not a verdict."
)
CAVEAT = (
    "The model's probabilities stand in for out-of-sample ones: on rows the model was trained on it has "
    "learnt their labels, wrong ones included, so there the ranking finds fewer errors."
)
CIRCULAR = (
    "circular, not a better estimate: a row is flagged because the model disagrees with its label, so setting "
    "the flagged rows aside removes the model's own errors by construction. The headline numbers stand; a "
    "reviewer's verdicts, not the flags, say which labels are wrong."
)
VERDICT = "label-error"  # the review-pack verdict a flagged row is sent with, for a human to confirm


@dataclass(frozen=True, eq=False)
class LabelIssues:
    """Likely label errors of a labelled set, per row of the file (arrays have one entry a row).

    Rows without a matched label or a prediction are not scored: ``given`` is -1 there and ``quality`` NaN.
    """

    kind: ClassVar[str] = "label-issues"

    labels: tuple[str, ...]
    given: np.ndarray  # the file's label index, NO_LABEL where the row was not scored
    suggested: np.ndarray  # the model's label index (NO_LABEL where the row was not predicted)
    probability: np.ndarray  # the model's probability of its own label (NaN where not predicted)
    quality: np.ndarray  # cleanlab's label-quality score: the probability of the given label (NaN: not scored)
    issue: np.ndarray  # True where the label is likely wrong
    ranked: tuple[int, ...]  # the flagged rows, most likely error first (lowest quality, then row order)
    noise_rate: float  # estimated share of scored rows whose label is wrong (NaN when none were scored)
    notes: tuple[str, ...] = ()

    @property
    def scored(self) -> int:
        """Rows with a matched label and a prediction."""
        return int((self.given >= 0).sum())

    @property
    def count(self) -> int:
        """Rows flagged as likely label errors."""
        return len(self.ranked)

    def summary(self) -> str:
        """One sentence: how many rows are flagged, out of how many, and the estimated noise rate."""
        if not self.scored:
            return "No row has both a matched label and a prediction, so no label was checked."
        return (
            f"{self.count:,} of {self.scored:,} labelled rows ({self.count / self.scored:.1%}) are likely label "
            f"errors; the estimated label-noise rate is {self.noise_rate:.1%}."
        )

    def summary_dict(self) -> dict[str, Any]:
        """The summary as plain JSON types (the CLI's last line)."""
        return {
            "summary": True,
            "label_issues": self.count,
            "scored_rows": self.scored,
            "noise_rate": None if np.isnan(self.noise_rate) else round(float(self.noise_rate), 6),
            "labels": list(self.labels),
            "notes": list(self.notes),
        }

    def rows(self, texts: Sequence[object], top: int | None = None) -> list[dict[str, Any]]:
        """The flagged rows, most likely error first (the first ``top``): row, text, labels, probability, quality."""
        chosen = self.ranked if top is None else self.ranked[: max(top, 0)]
        return [
            {
                "row": row,
                "text": texts[row],
                "given_label": self.labels[self.given[row]],
                "suggested_label": self.labels[self.suggested[row]],
                "probability": round(float(self.probability[row]), 6),
                "quality": round(float(self.quality[row]), 6),
            }
            for row in chosen
        ]

    def frame(self, texts: Sequence[object], verdicts: Mapping[int, str] | None = None) -> pd.DataFrame:
        """The flagged rows as a table (ranked), with the reviewer's verdict and the corrected label.

        ``verdicts`` maps a row to a verdict a human gave in a review pack; the corrected label is the
        suggested one where that verdict is :data:`VERDICT`, else the given one (unchanged until confirmed).
        """
        out = pd.DataFrame(
            self.rows(texts),
            columns=["row", "text", "given_label", "suggested_label", "probability", "quality"],
        )
        verdicts = verdicts or {}
        out["reviewer_verdict"] = [verdicts.get(r, "") for r in out["row"]]
        confirmed = out["reviewer_verdict"] == VERDICT
        out["corrected_label"] = out["suggested_label"].where(confirmed, out["given_label"])
        return out

    def review_cases(
        self, texts: Sequence[object], probs: np.ndarray, model_id: str, top: int, file_key: str = ""
    ) -> list[dict[str, Any]]:
        """The ``top`` most likely label errors as review-pack cases: ``Store.add_case`` keyword arguments.

        Each is the row's :class:`~textlens.types.Prediction` shown for the model's label, with the verdict
        :data:`VERDICT` preset for a human to confirm or change, a note saying why, and the row, its given
        and suggested labels and ``file_key`` (which file it came from) as context.
        """
        out = []
        for item in self.rows(texts, top):
            row = item["row"]
            record = Prediction(
                text=str(item["text"]),
                model_id=model_id,
                labels=self.labels,
                scores=tuple(float(v) for v in probs[row]),
            )
            note = (
                f"Likely label error (cleanlab label quality {item['quality']:.3f}): labelled "
                f"{item['given_label']}, the model says {item['suggested_label']} ({item['probability']:.1%}). "
                "The verdict is preset to 'Label error': confirm it, or change it if the label is right."
            )
            context = {
                "row": row,
                "truth": item["given_label"],
                "suggested": item["suggested_label"],
                "quality": item["quality"],
                **({"file": file_key} if file_key else {}),
            }
            out.append(
                {
                    "record": record,
                    "target": item["suggested_label"],
                    "note": note,
                    "verdict": VERDICT,
                    "context": context,
                }
            )
        return out

    def excluded_truth(self, truth: np.ndarray) -> np.ndarray:
        """``truth`` with the flagged rows' labels removed (NO_LABEL), to compute metrics without them."""
        return np.where(self.issue, NO_LABEL, truth)


def label_issues(probs: np.ndarray, truth: np.ndarray, labels: Sequence[str]) -> LabelIssues:
    """Likely label errors from predicted probabilities ``probs`` (rows x labels, NaN rows not predicted) and
    label indices ``truth`` (NO_LABEL where a row has none), with cleanlab's confident learning.

    Flags with ``cleanlab.filter.find_label_issues`` (prune by noise rate), scores with
    ``cleanlab.rank.get_label_quality_scores`` (self-confidence) and estimates the noise rate as the
    off-diagonal mass of ``cleanlab.count.estimate_joint``, all from one confident joint. Deterministic:
    single-process, ties in quality broken by row order.
    """
    from cleanlab import count, filter, rank

    labels = tuple(labels)
    probs = np.asarray(probs, dtype=np.float64)
    truth = np.asarray(truth, dtype=np.int64)
    predicted_ok = ~np.isnan(probs).any(axis=1)
    scored = predicted_ok & (truth >= 0)
    given = np.where(scored, truth, NO_LABEL)
    suggested = np.full(len(probs), NO_LABEL, dtype=np.int64)
    suggested[predicted_ok] = probs[predicted_ok].argmax(axis=1)
    probability = np.where(predicted_ok, np.nan_to_num(probs, nan=0.0).max(axis=1), np.nan)
    quality = np.full(len(probs), np.nan)
    issue = np.zeros(len(probs), dtype=bool)
    if not scored.any():
        return LabelIssues(labels, given, suggested, probability, quality, issue, (), float("nan"))
    rows = np.flatnonzero(scored)
    y = truth[rows]
    p = probs[rows]
    p = p / p.sum(axis=1, keepdims=True)
    with warnings.catch_warnings(record=True) as caught:
        warnings.simplefilter("always")
        joint_counts = count.compute_confident_joint(y, p)
        flagged = filter.find_label_issues(y, p, confident_joint=joint_counts, n_jobs=1)
        joint = count.estimate_joint(y, p, confident_joint=joint_counts)
    quality[rows] = rank.get_label_quality_scores(y, p, method="self_confidence")
    issue[rows] = flagged
    hits = np.flatnonzero(issue)
    ranked = tuple(int(r) for r in hits[np.lexsort((hits, quality[hits]))])
    noise_rate = float(max(0.0, 1.0 - np.trace(joint)))
    return LabelIssues(
        labels, given, suggested, probability, quality, issue, ranked, noise_rate, _notes(caught, labels)
    )


_CLASS = re.compile(r"class: (\d+)")


def _notes(caught: list[warnings.WarningMessage], labels: tuple[str, ...]) -> tuple[str, ...]:
    """The warnings cleanlab gave, with class indices named (e.g. a class with too few labelled rows to judge)."""
    out = []
    for warning in caught:
        text = _CLASS.sub(lambda m: f"class {labels[int(m.group(1))]!r}", str(warning.message))
        if text not in out:
            out.append(text)
    return tuple(out)


def reviewed_verdicts(cases: Sequence[Any], file_key: str) -> dict[int, str]:
    """Row -> verdict of the review-pack cases sent from the file ``file_key`` that a human has since edited.

    ``cases`` are :class:`textlens.store.Case` objects; a case still at its first version carries only the
    preset verdict, which nobody has confirmed yet, so it is left out.
    """
    out: dict[int, str] = {}
    for case in cases:
        context = case.context
        if context.get("file") == file_key and isinstance(context.get("row"), int) and case.version > 1:
            out[context["row"]] = case.verdict
    return out


def set_aside_note(accuracy_aside: float, macro_f1_aside: float, rows_aside: int, accuracy_all: float) -> str:
    """The metrics without the flagged rows, only ever shown inside their caveat (:data:`CIRCULAR`); the
    difference in percentage points ("+2.1 points"), never "%".
    """
    points = (accuracy_aside - accuracy_all) * 100
    from textlens.dataset.compare import rows_phrase

    return (
        f"Accuracy without likely label errors: {accuracy_aside:.1%} ({points:+.1f} points against all rows), "
        f"macro-F1 {macro_f1_aside:.3f}, over the {rows_phrase(rows_aside)} left. This is {CIRCULAR}"
    )

"""An instant first look (leave-one-out in one batch) and what-if edits checked against the real model."""

from __future__ import annotations

import re
import time
from collections.abc import Mapping, Sequence
from dataclasses import asdict, dataclass
from typing import Any, ClassVar

import numpy as np

from textlens.errors import EmptyTextError, TextlensError
from textlens.text.explain import validate_text
from textlens.text.faithfulness import ScoringModel, _Rows, _Scorer
from textlens.text.words import word_spans
from textlens.types import Explanation, Span

PREVIEW_METHOD = "preview"


def is_preview(record: object) -> bool:
    """True for a record made by :func:`preview`: never export it or store it as the explanation."""
    return isinstance(record, Explanation) and record.settings.get("method") == PREVIEW_METHOD


def preview(classifier: ScoringModel, text: str) -> Explanation:
    """A cheap first look at ``text``: each word's leave-one-out value, ``p(x) - p(x without it)``, per label.

    One batch of ``words + 1`` rows, masked as the SHAP explanation masks words, so it is ready in
    a fraction of a second for a sentence. It is an :class:`Explanation` so the same components draw
    it, with ``settings["method"] == "preview"`` (see :func:`is_preview`); ``base_values`` are set
    so that base + sum = scores (leave-one-out values need not add up), and ``evals`` counts its rows.
    """
    validate_text(text)
    started = time.perf_counter()
    read_until = classifier.read_until(text) if hasattr(classifier, "read_until") else None
    readable = text if read_until is None else text[:read_until]
    spans = word_spans(readable)
    scorer = _Scorer(classifier, _Rows(classifier, readable, spans, "words"))
    full_row, loo_rows = scorer.leave_one_out()
    full = scorer.probs[full_row]
    values = np.array([full - scorer.probs[r] for r in loo_rows]).reshape(len(spans), len(full))
    words = tuple(Span(text[a:b], a, b, tuple(float(v) for v in row)) for (a, b), row in zip(spans, values))
    return Explanation(
        text=text,
        model_id=getattr(classifier, "model_id", ""),
        labels=tuple(classifier.labels),
        scores=tuple(float(v) for v in full),
        base_values=tuple(float(v) for v in full - values.sum(axis=0)),
        words=words,
        features=words,
        leaves="words",
        max_evals=len(scorer.probs),
        evals=len(scorer.probs),
        evals_needed=len(scorer.probs),
        unsettled=0.0,
        truncated=read_until is not None,
        read_until=read_until,
        seconds=time.perf_counter() - started,
        settings={
            "method": PREVIEW_METHOD,
            "values": "leave-one-out",
            "precision": getattr(classifier, "precision", ""),
            **getattr(classifier, "record_settings", {}),
        },
    )


# --------------------------------------------------------------------------------------------------
# What-if edits.


def edit_text(text: str, spans: Sequence[tuple[int, int]], replacements: Mapping[int, str]) -> str:
    """``text`` with word ``i`` (span ``spans[i]``) replaced by ``replacements[i]``; ``""`` deletes it.

    A deleted word takes one neighbouring space with it ("was dull ." → "was ."), so the edit
    reads like a person's edit, not like a hole.
    """
    out, last = [], 0
    for i in sorted(replacements):
        start, end = spans[i]
        out.append(text[last:start])
        new = replacements[i]
        if new == "":
            if out[-1].endswith(" "):
                out[-1] = out[-1][:-1]
            elif text[end : end + 1] == " ":
                end += 1
        out.append(new)
        last = end
    out.append(text[last:])
    return re.sub(r"^ +", "", "".join(out))


@dataclass(frozen=True)
class WhatIf:
    """An edit of an explained text: the model's real new probability beside what the attributions predicted.

    ``predicted_change`` is minus the sum of the edited words' values (their contributions taken
    away); ``real_change`` is ``new_score - original_score`` from the model on the edited text
    (what :meth:`Classifier.classify` gives for ``edited_text``). A large ``gap`` says the words
    interact, or that a replacement carries meaning of its own.
    """

    kind: ClassVar[str] = "what-if"

    text: str
    edited_text: str
    model_id: str
    target: str
    words: tuple[str, ...]  # the edited words, in text order
    indices: tuple[int, ...]
    replacement: str | None  # None: deleted
    original_score: float
    new_score: float
    predicted_change: float
    new_scores: tuple[float, ...]
    labels: tuple[str, ...]
    original_label: str  # the predicted label before the edit

    @property
    def real_change(self) -> float:
        """How much the target's probability really moved."""
        return self.new_score - self.original_score

    @property
    def predicted_score(self) -> float:
        """The probability the attributions predicted (clipped to [0, 1])."""
        return min(1.0, max(0.0, self.original_score + self.predicted_change))

    @property
    def gap(self) -> float:
        """The real new probability minus the predicted one (:attr:`predicted_score`, kept within [0, 1]).

        Clipping matters for a class already near 0 or 1: values summing to -0.12 on a probability of
        0.003 predict 0, not -0.117, and a model that stays at 0.003 did what was predicted.
        """
        return self.new_score - self.predicted_score

    @property
    def new_label(self) -> str:
        """The predicted label of the edited text."""
        return self.labels[int(np.argmax(self.new_scores))]

    @property
    def flipped(self) -> bool:
        """True when the edit changed the predicted label."""
        return self.new_label != self.original_label

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of JSON types with ``"kind"`` and the derived changes; :meth:`from_dict` inverts it."""
        out = {"kind": self.kind, **asdict(self)}
        out.update(real_change=self.real_change, gap=self.gap)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> WhatIf:
        """Rebuild from :meth:`to_dict` output."""
        data = {k: v for k, v in data.items() if k not in ("kind", "real_change", "gap")}
        for key in ("words", "indices", "new_scores", "labels"):
            data[key] = tuple(data[key])
        return cls(**data)


def what_if(
    classifier,
    explanation: Explanation,
    indices: Sequence[int],
    target: str | int | None = None,
    replacement: str | None = None,
) -> WhatIf:
    """Delete (or replace with ``replacement``) the words at ``indices`` and ask the model again.

    The new probability is :meth:`Classifier.classify` of the edited text; the predicted change is
    minus the sum of those words' values toward ``target`` in ``explanation``.
    """
    j = explanation.label_index(target)
    chosen = tuple(sorted(set(int(i) for i in indices)))
    if not chosen:
        raise TextlensError("Choose at least one word to remove or replace.")
    new = "" if replacement is None else replacement.strip()
    spans = [(w.start, w.end) for w in explanation.words]
    edited = edit_text(explanation.text, spans, {i: new for i in chosen})
    if not edited.strip():
        raise EmptyTextError("Removing every word leaves nothing to classify: keep at least one.")
    prediction = classifier.classify([edited])[0]
    values = explanation.for_label(j)
    return WhatIf(
        text=explanation.text,
        edited_text=edited,
        model_id=explanation.model_id,
        target=explanation.labels[j],
        words=tuple(values[i].word for i in chosen),
        indices=chosen,
        replacement=None if replacement is None else new,
        original_score=explanation.scores[j],
        new_score=prediction.scores[j],
        predicted_change=-sum(values[i].value for i in chosen),
        new_scores=prediction.scores,
        labels=prediction.labels,
        original_label=explanation.predicted_label,
    )

"""Frozen, JSON-serialisable records: the contract between the compute core and every front end."""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from typing import Any

from .errors import UnknownLabelError

OUTPUT_SPACE = "probability"


def _label_index(labels: tuple[str, ...], label: str | int) -> int:
    if isinstance(label, int) and not isinstance(label, bool):
        if 0 <= label < len(labels):
            return label
    elif label in labels:
        return labels.index(label)
    raise UnknownLabelError(f"Unknown label {label!r}; this model's labels are: {', '.join(labels)}.")


@dataclass(frozen=True)
class Prediction:
    """A model's probabilities for one text."""

    text: str
    model_id: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    truncated: bool = False
    read_until: int | None = None  # character offset where the model stopped reading, if truncated

    @property
    def label(self) -> str:
        """The label with the highest probability."""
        return self.labels[max(range(len(self.scores)), key=self.scores.__getitem__)]

    @property
    def score(self) -> float:
        """The probability of :attr:`label`."""
        return max(self.scores)

    def score_of(self, label: str | int) -> float:
        """The probability of one label, by name or index."""
        return self.scores[_label_index(self.labels, label)]

    def to_dict(self) -> dict[str, Any]:
        """The CLI's JSON shape: ``{"text", "label", "scores", ...}``."""
        out: dict[str, Any] = {
            "text": self.text,
            "label": self.label,
            "scores": dict(zip(self.labels, self.scores)),
        }
        if self.truncated:
            out["truncated"] = True
            out["read_until"] = self.read_until
        return out


@dataclass(frozen=True)
class Span:
    """A piece of the original text with one attribution per label.

    ``text[start:end]`` of the explained text is exactly ``word``.
    """

    word: str
    start: int
    end: int
    values: tuple[float, ...]


@dataclass(frozen=True)
class WordValue:
    """One word's attribution toward a single target label."""

    word: str
    start: int
    end: int
    value: float
    index: int  # position among the explanation's words, to tell repeated words apart


@dataclass(frozen=True)
class Explanation:
    """SHAP attributions for one text, for every label, in probability space.

    For every label ``i``: ``base_values[i] + sum(w.values[i] for w in words) == scores[i]``
    (within the numerical tolerance stated by :data:`ADDITIVITY_TOLERANCE`).
    """

    text: str
    model_id: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    base_values: tuple[float, ...]
    words: tuple[Span, ...]
    features: tuple[Span, ...]  # the units SHAP masked (words, or the model's subword tokens)
    leaves: str  # "words" or "tokens"
    max_evals: int
    evals: int  # masked rows the explainer evaluated
    evals_needed: int  # rows a fully expanded partition tree needs
    unsettled: float  # share of attribution mass not yet split down to single features (0 = exact)
    truncated: bool = False
    read_until: int | None = None
    seconds: float = 0.0
    output_space: str = OUTPUT_SPACE
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        """True when the partition tree was fully expanded, so the values are exact Owen values."""
        return self.evals >= self.evals_needed or self.unsettled <= 1e-9

    @property
    def predicted_label(self) -> str:
        """The label with the highest probability."""
        return self.labels[max(range(len(self.scores)), key=self.scores.__getitem__)]

    def label_index(self, label: str | int | None) -> int:
        """Index of ``label`` (name or index); ``None`` means the predicted label."""
        return _label_index(self.labels, self.predicted_label if label is None else label)

    def for_label(self, label: str | int | None = None) -> tuple[WordValue, ...]:
        """The words with their values toward one label (default: the predicted one)."""
        i = self.label_index(label)
        return tuple(WordValue(w.word, w.start, w.end, w.values[i], n) for n, w in enumerate(self.words))

    def prediction(self) -> Prediction:
        """The prediction this explanation explains."""
        return Prediction(self.text, self.model_id, self.labels, self.scores, self.truncated, self.read_until)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of JSON types; :meth:`from_dict` inverts it."""
        out = asdict(self)
        out["converged"] = self.converged
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        """Rebuild an explanation from :meth:`to_dict` output (also after a JSON round trip)."""
        data = {k: v for k, v in data.items() if k != "converged"}
        for key in ("labels", "scores", "base_values"):
            data[key] = tuple(data[key])
        for key in ("words", "features"):
            data[key] = tuple(Span(s["word"], s["start"], s["end"], tuple(s["values"])) for s in data[key])
        return cls(**data)

    def to_json(self) -> str:
        """JSON text of :meth:`to_dict`."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str) -> Explanation:
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))

    def target_dict(self, label: str | int | None = None) -> dict[str, Any]:
        """The CLI's ``explain`` JSON: values toward one target label."""
        i = self.label_index(label)
        return {
            "model": self.model_id,
            "text": self.text,
            "target": self.labels[i],
            "output_space": self.output_space,
            "base_value": self.base_values[i],
            "scores": dict(zip(self.labels, self.scores)),
            "words": [{"word": w.word, "start": w.start, "end": w.end, "value": w.value} for w in self.for_label(i)],
            "converged": self.converged,
            "unsettled": self.unsettled,
            "evals": self.evals,
            "truncated": self.truncated,
            "read_until": self.read_until,
            "precision": self.settings.get("precision", "float32"),
        }


ADDITIVITY_TOLERANCE = 1e-4

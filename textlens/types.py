"""Frozen, JSON-serialisable records: the contract between the compute core and every front end."""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import asdict, dataclass, field, fields
from typing import Any, ClassVar, Protocol, runtime_checkable

import numpy as np

from textlens.errors import UnknownLabelError

OUTPUT_SPACE = "probability"


def _label_index(labels: tuple[str, ...], label: str | int) -> int:
    if isinstance(label, int) and not isinstance(label, bool):
        if 0 <= label < len(labels):
            return label
    elif label in labels:
        return labels.index(label)
    raise UnknownLabelError(f"Unknown label {label!r}; this model's labels are: {', '.join(labels)}.")


def argmax(scores: Sequence[float]) -> int:
    """Index of the highest score (the first one on ties): the one argmax behind every predicted label."""
    return max(range(len(scores)), key=scores.__getitem__)


@runtime_checkable
class Record(Protocol):
    """What every result record offers, whatever its input (text, image, table...).

    Legends, summaries, downloads and the review store work on this much: one score and one base
    value per label (empty ``base_values`` for a bare prediction), in ``output_space`` units, with
    the ``settings`` that produced it; ``to_dict()`` carries ``"kind"`` so :func:`record_from_dict`
    can rebuild the right class.
    """

    kind: ClassVar[str]
    model_id: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    output_space: str
    settings: dict[str, Any]

    @property
    def base_values(self) -> tuple[float, ...]: ...

    @property
    def predicted_label(self) -> str: ...

    def label_index(self, label: str | int | None) -> int: ...

    def to_dict(self) -> dict[str, Any]: ...


class Labelled:
    """Shared behaviour of the records: the predicted label, label lookup and JSON text.

    Subclasses are frozen dataclasses with ``kind``, ``labels`` and ``scores`` and a ``to_dict``/``from_dict`` pair.
    """

    kind: ClassVar[str]
    labels: tuple[str, ...]
    scores: tuple[float, ...]

    @property
    def predicted_label(self) -> str:
        """The label with the highest score."""
        return self.labels[argmax(self.scores)]

    def label_index(self, label: str | int | None) -> int:
        """Index of ``label`` (name or index); ``None`` means the predicted label."""
        return _label_index(self.labels, self.predicted_label if label is None else label)

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of JSON types with ``"kind"``; the record's ``from_dict`` inverts it."""
        return {"kind": self.kind, **asdict(self)}

    def to_json(self) -> str:
        """JSON text of ``to_dict()``."""
        return json.dumps(self.to_dict(), ensure_ascii=False)

    @classmethod
    def from_json(cls, text: str):
        """Inverse of :meth:`to_json`."""
        return cls.from_dict(json.loads(text))  # type: ignore[attr-defined]

    @classmethod
    def _fields_of(cls, data: dict[str, Any]) -> dict[str, Any]:
        """``data`` without its ``"kind"`` (checked against this class's) and derived keys."""
        kind = data.get("kind", cls.kind)
        if kind != cls.kind:
            raise ValueError(f"A {kind!r} record cannot be read as {cls.__name__} (kind {cls.kind!r}).")
        names = {f.name for f in fields(cls)}  # type: ignore[arg-type]
        return {k: v for k, v in data.items() if k in names}


# The settings an explanation's prediction keeps: what a multi-label model's labels mean (textlens.text.multilabel).
PREDICTION_SETTINGS = ("problem_type", "threshold")
# How a record's settings name the one-pass method; "amortized" is what records and corpus results said before.
ONE_PASS = "one-pass"
ONE_PASS_METHODS = frozenset({ONE_PASS, "amortized"})


@dataclass(frozen=True)
class Prediction(Labelled):
    """A model's probabilities for one text."""

    kind: ClassVar[str] = "text-prediction"

    text: str
    model_id: str
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    truncated: bool = False
    read_until: int | None = None  # character offset where the model stopped reading, if truncated
    output_space: str = OUTPUT_SPACE
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def base_values(self) -> tuple[float, ...]:
        """A prediction has no attributions, hence no base values."""
        return ()

    @property
    def label(self) -> str:
        """The label with the highest probability."""
        return self.predicted_label

    @property
    def score(self) -> float:
        """The probability of :attr:`label`."""
        return self.scores[argmax(self.scores)]

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Prediction:
        """Rebuild a prediction from :meth:`to_dict` output (also after a JSON round trip)."""
        data = cls._fields_of(data)
        data["labels"], data["scores"] = tuple(data["labels"]), tuple(data["scores"])
        return cls(**data)

    def cli_dict(self) -> dict[str, Any]:
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
    # False when the word's value is an even share of a larger unit that was not split further.
    resolved: bool = True

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Span:
        """Rebuild a span from :func:`dataclasses.asdict` output (``resolved`` defaults to True)."""
        return cls(data["word"], data["start"], data["end"], tuple(data["values"]), data.get("resolved", True))


@dataclass(frozen=True)
class Unit:
    """A group of words on the explanation's frontier, with its exact Owen value for every label.

    The value is final: split further, the values of its parts add up to it. ``spans`` are the runs
    of consecutive words it covers (``text[a:b]`` of the explained text, whitespace between its words
    included); ``depth`` is its level in the partition tree (0 = the whole text).
    """

    start: int
    end: int
    spans: tuple[tuple[int, int], ...]
    values: tuple[float, ...]
    depth: int
    words: int  # how many words it covers; 1 = a resolved word (or part of one)

    @property
    def resolved(self) -> bool:
        """True for a single word (or a part of one, with subword leaves)."""
        return self.words <= 1

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Unit:
        """Rebuild a unit from :func:`dataclasses.asdict` output."""
        spans = tuple((int(a), int(b)) for a, b in data["spans"])
        return cls(data["start"], data["end"], spans, tuple(data["values"]), data["depth"], data["words"])


@dataclass(frozen=True)
class WordValue:
    """One word's attribution toward a single target label."""

    word: str
    start: int
    end: int
    value: float
    index: int  # position among the explanation's words, to tell repeated words apart


@dataclass(frozen=True)
class Explanation(Labelled):
    """SHAP attributions for one text, for every label, in probability space.

    For every label ``i``: ``base_values[i] + sum(w.values[i] for w in words) == scores[i]``
    (within the numerical tolerance stated by :data:`ADDITIVITY_TOLERANCE`).
    """

    kind: ClassVar[str] = "text"

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
    # The frontier of the node-complete expansion, in text order (empty for shap's own engine and
    # for records stored before units existed).
    units: tuple[Unit, ...] = ()

    @property
    def one_pass(self) -> bool:
        """True when the values are estimated in one pass (:mod:`textlens.text.one_pass`), not computed exactly."""
        return self.settings.get("method") in ONE_PASS_METHODS

    @property
    def converged(self) -> bool:
        """True when every word has its own exact Owen value (every unit is a single word)."""
        if self.one_pass:
            return False
        if self.units:
            return all(u.resolved for u in self.units)
        return self.evals >= self.evals_needed or self.unsettled <= 1e-9

    @property
    def resolved_words(self) -> int:
        """How many words carry their own value (the rest share a larger unit's value evenly)."""
        return sum(w.resolved for w in self.words)

    def for_label(self, label: str | int | None = None) -> tuple[WordValue, ...]:
        """The words with their values toward one label (default: the predicted one)."""
        i = self.label_index(label)
        return tuple(WordValue(w.word, w.start, w.end, w.values[i], n) for n, w in enumerate(self.words))

    def prediction(self) -> Prediction:
        """The prediction this explanation explains (with a multi-label model's problem type and threshold)."""
        kept = {k: v for k, v in self.settings.items() if k in PREDICTION_SETTINGS}
        return Prediction(
            self.text, self.model_id, self.labels, self.scores, self.truncated, self.read_until, settings=kept
        )

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of JSON types; :meth:`from_dict` inverts it."""
        return {"kind": self.kind, **asdict(self), "converged": self.converged}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Explanation:
        """Rebuild an explanation from :meth:`to_dict` output (also after a JSON round trip).

        Dicts stored before records had a ``"kind"`` load too.
        """
        data = cls._fields_of(data)
        for key in ("labels", "scores", "base_values"):
            data[key] = tuple(data[key])
        for key in ("words", "features"):
            data[key] = tuple(Span.from_dict(s) for s in data[key])
        data["units"] = tuple(Unit.from_dict(u) for u in data.get("units", ()))
        return cls(**data)

    def target_dict(self, label: str | int | None = None) -> dict[str, Any]:
        """The CLI's ``explain`` JSON: values toward one target label."""
        i = self.label_index(label)
        return {
            "model": self.model_id,
            "text": self.text,
            "target": self.labels[i],
            "method": ONE_PASS if self.one_pass else "exact",
            "output_space": self.output_space,
            "base_value": self.base_values[i],
            "scores": dict(zip(self.labels, self.scores)),
            "words": [
                {"word": w.word, "start": w.start, "end": w.end, "value": w.value, "resolved": s.resolved}
                for w, s in zip(self.for_label(i), self.words)
            ],
            "units": [
                {
                    "text": self.text[u.start : u.end],
                    "start": u.start,
                    "end": u.end,
                    "spans": [list(span) for span in u.spans],
                    "value": u.values[i],
                    "depth": u.depth,
                    "words": u.words,
                }
                for u in self.units
            ],
            "converged": self.converged,
            "unsettled": self.unsettled,
            "evals": self.evals,
            "truncated": self.truncated,
            "read_until": self.read_until,
            "precision": self.settings.get("precision", "float32"),
        }


@dataclass(frozen=True)
class ImagePrediction(Labelled):
    """An image classifier's most probable classes: class ids, their names and probabilities."""

    kind: ClassVar[str] = "image-prediction"

    model_id: str
    classes: tuple[int, ...]  # the model's class ids, most probable first
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    output_space: str = OUTPUT_SPACE
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def base_values(self) -> tuple[float, ...]:
        """A prediction has no attributions, hence no base values."""
        return ()

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImagePrediction:
        """Inverse of :meth:`to_dict`."""
        data = cls._fields_of(data)
        for key in ("classes", "labels", "scores"):
            data[key] = tuple(data[key])
        return cls(**data)


@dataclass(frozen=True)
class ImageExplanation(Labelled):
    """SHAP values of an image's pixels (summed over colour channels) for a few classes.

    For class ``k``: ``base_values[k] + values[k].sum() == scores[k]`` (the model's output for it,
    in :attr:`output_space` units). ``labels`` are the names of the explained ``classes``, in order.
    """

    kind: ClassVar[str] = "image"

    model_id: str
    classes: tuple[int, ...]
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    base_values: tuple[float, ...]
    values: tuple[np.ndarray, ...]  # one (H, W) array per class
    max_evals: int
    masker: str
    seconds: float = 0.0
    output_space: str = OUTPUT_SPACE
    settings: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        """Plain JSON types with ``"kind"`` (the arrays as nested lists, rounded to 9 decimals)."""
        out = {"kind": self.kind, **{f.name: getattr(self, f.name) for f in fields(self)}}
        for key in ("classes", "labels", "scores", "base_values"):
            out[key] = list(out[key])
        out["values"] = [np.round(v.astype(np.float64), 9).tolist() for v in self.values]
        out["settings"] = dict(self.settings)
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> ImageExplanation:
        """Inverse of :meth:`to_dict`."""
        data = cls._fields_of(data)
        for key in ("classes", "labels", "scores", "base_values"):
            data[key] = tuple(data[key])
        data["values"] = tuple(np.asarray(v, dtype=np.float64) for v in data["values"])
        return cls(**data)


def value_text(value: float | str | None) -> str:
    """An input value as shown to a reader: ``210`` not ``210.0``, up to 6 significant digits, ``missing`` for None."""
    if value is None:
        return "missing"
    if isinstance(value, float | int) and not isinstance(value, bool):
        return f"{float(value):.6g}"
    return str(value)


@dataclass(frozen=True)
class FeatureValue:
    """One input of a table row: its name, its value (number, level text, or None when missing), one value per label."""

    name: str
    value: float | str | None
    values: tuple[float, ...]

    @property
    def display(self) -> str:
        """``flipper_length_mm = 210``: the name and value as a reader sees them (not escaped)."""
        return f"{self.name} = {value_text(self.value)}"


@dataclass(frozen=True)
class FeatureAttribution:
    """One input's attribution toward a single label."""

    name: str
    value: float | str | None
    attribution: float
    index: int  # position among the record's features

    @property
    def display(self) -> str:
        """``flipper_length_mm = 210`` (not escaped)."""
        return f"{self.name} = {value_text(self.value)}"


@dataclass(frozen=True)
class TabularPrediction(Labelled):
    """A table classifier's probabilities for one row of inputs."""

    kind: ClassVar[str] = "tabular-prediction"

    model_id: str
    target: str  # the column the model predicts
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    inputs: tuple[tuple[str, float | str | None], ...]  # (feature name, value) in model order
    output_space: str = OUTPUT_SPACE
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def base_values(self) -> tuple[float, ...]:
        """A prediction has no attributions, hence no base values."""
        return ()

    def to_dict(self) -> dict[str, Any]:
        """A plain dict of JSON types with ``"kind"``; :meth:`from_dict` inverts it."""
        out = super().to_dict()
        out["inputs"] = [list(pair) for pair in self.inputs]
        return out

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TabularPrediction:
        """Inverse of :meth:`to_dict`."""
        data = cls._fields_of(data)
        data["labels"], data["scores"] = tuple(data["labels"]), tuple(data["scores"])
        data["inputs"] = tuple((name, value) for name, value in data["inputs"])
        return cls(**data)


@dataclass(frozen=True)
class TabularExplanation(Labelled):
    """Shapley values of one table row's inputs for every label, in probability space.

    For every label ``i``: ``base_values[i] + sum(f.values[i] for f in features) == scores[i]``
    (exact Shapley values: to rounding, far below 1e-6). ``base_values`` are the model's mean
    probabilities over the ``background`` rows; an input left out of a coalition takes their values.
    """

    kind: ClassVar[str] = "tabular"

    model_id: str
    target: str  # the column the model predicts
    labels: tuple[str, ...]
    scores: tuple[float, ...]
    base_values: tuple[float, ...]
    features: tuple[FeatureValue, ...]
    method: str  # "exact" (every coalition) or "permutation" (sampled, still additive)
    background: str  # what the base value averages over, in words
    seconds: float = 0.0
    output_space: str = OUTPUT_SPACE
    settings: dict[str, Any] = field(default_factory=dict)

    @property
    def converged(self) -> bool:
        """True for exact values."""
        return self.method == "exact"

    def inputs(self) -> dict[str, float | str | None]:
        """The explained row as a mapping of feature name to value."""
        return {f.name: f.value for f in self.features}

    def for_label(self, label: str | int | None = None) -> tuple[FeatureAttribution, ...]:
        """The inputs with their values toward one label (default: the predicted one)."""
        i = self.label_index(label)
        return tuple(FeatureAttribution(f.name, f.value, f.values[i], n) for n, f in enumerate(self.features))

    def prediction(self) -> TabularPrediction:
        """The prediction this explanation explains."""
        inputs = tuple((f.name, f.value) for f in self.features)
        return TabularPrediction(self.model_id, self.target, self.labels, self.scores, inputs, self.output_space)

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> TabularExplanation:
        """Inverse of :meth:`to_dict` (also after a JSON round trip)."""
        data = cls._fields_of(data)
        for key in ("labels", "scores", "base_values"):
            data[key] = tuple(data[key])
        data["features"] = tuple(FeatureValue(f["name"], f["value"], tuple(f["values"])) for f in data["features"])
        return cls(**data)

    def target_dict(self, label: str | int | None = None) -> dict[str, Any]:
        """The CLI's ``tabular explain`` JSON: values toward one class."""
        i = self.label_index(label)
        return {
            "model": self.model_id,
            "target": self.target,
            "class": self.labels[i],
            "base_value": self.base_values[i],
            "scores": dict(zip(self.labels, self.scores)),
            "features": [{"name": f.name, "value": f.value, "attribution": f.attribution} for f in self.for_label(i)],
            "method": self.method,
            "background": self.background,
            "output_space": self.output_space,
        }


# Every record class by its kind: what record_from_dict rebuilds. A new kind of result adds its class here.
RECORD_CLASSES: dict[str, type[Labelled]] = {
    cls.kind: cls
    for cls in (Explanation, Prediction, ImageExplanation, ImagePrediction, TabularExplanation, TabularPrediction)
}


def record_from_dict(data: dict[str, Any]) -> Record:
    """Rebuild any record from its ``to_dict()``.

    A dict without ``"kind"`` is a text explanation (stored before records had kinds).
    """
    kind = data.get("kind", Explanation.kind)
    try:
        cls = RECORD_CLASSES[kind]
    except KeyError:
        raise ValueError(f"Unknown record kind {kind!r}; known kinds: {', '.join(RECORD_CLASSES)}.") from None
    return cls.from_dict(data)  # type: ignore[attr-defined,no-any-return]


def record_from_json(text: str) -> Record:
    """:func:`record_from_dict` of JSON text."""
    return record_from_dict(json.loads(text))


ADDITIVITY_TOLERANCE = 1e-4

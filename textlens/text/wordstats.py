"""Statistics over many explanations: words across a set of inputs, and what changed between two models."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from textlens.text.words import is_wordlike
from textlens.types import Explanation


@dataclass(frozen=True)
class WordStat:
    """A word's attribution across a set of inputs (case-folded; repeats within an input summed)."""

    word: str
    mean: float  # mean over the inputs it occurs in
    total: float
    inputs: int  # how many inputs it occurs in
    occurrences: int
    mean_abs: float = 0.0  # mean |value| over the inputs it occurs in: strength whatever the direction


def word_values(explanation: Explanation, target: str | int | None) -> dict[str, float]:
    """Each case-folded word's summed value toward ``target`` in one text (punctuation left out)."""
    return _fold((w.word, w.value) for w in explanation.for_label(target))[0]


def _fold(pairs: Iterable[tuple[str, float]]) -> tuple[dict[str, float], dict[str, int], dict[str, str]]:
    """One input's ``(word, value)`` pairs as summed values, occurrences and first spelling per case-folded word."""
    values: dict[str, float] = {}
    counts: dict[str, int] = {}
    shown: dict[str, str] = {}
    for word, value in pairs:
        if is_wordlike(word):
            key = word.casefold()
            values[key] = values.get(key, 0.0) + value
            counts[key] = counts.get(key, 0) + 1
            shown.setdefault(key, word)
    return values, counts, shown


class WordTally:
    """Word statistics built one input at a time: memory grows with the vocabulary, not the inputs."""

    def __init__(self) -> None:
        self._sums: dict[str, float] = {}
        self._abs: dict[str, float] = {}
        self._inputs: dict[str, int] = {}
        self._occurrences: dict[str, int] = {}
        self._shown: dict[str, str] = {}

    def add(self, pairs: Iterable[tuple[str, float]]) -> None:
        """Count one input from its words' ``(word, value)`` pairs toward the target."""
        values, counts, shown = _fold(pairs)
        for key, value in values.items():
            self._sums[key] = self._sums.get(key, 0.0) + value
            self._abs[key] = self._abs.get(key, 0.0) + abs(value)
            self._inputs[key] = self._inputs.get(key, 0) + 1
            self._occurrences[key] = self._occurrences.get(key, 0) + counts[key]
            self._shown.setdefault(key, shown[key])

    def stats(self, min_count: int = 1) -> list[WordStat]:
        """Words in at least ``min_count`` inputs, strongest mean first."""
        out = [
            WordStat(self._shown[k], total / n, total, n, self._occurrences[k], self._abs[k] / n)
            for k, total in self._sums.items()
            if (n := self._inputs[k]) >= min_count
        ]
        return sorted(out, key=lambda s: -abs(s.mean))


def word_statistics(
    explanations: Sequence[Explanation], target: str | int | None, min_count: int = 1
) -> list[WordStat]:
    """Every word's mean attribution toward ``target`` over the inputs it occurs in, strongest first.

    Words are case-folded and punctuation is left out: the set-level view is about words.
    ``target=None`` takes each input's own predicted label (what drove each decision); words in
    fewer than ``min_count`` inputs are left out.
    """
    tally = WordTally()
    for e in explanations:
        tally.add((w.word, w.value) for w in e.for_label(target))
    return tally.stats(min_count)


@dataclass(frozen=True)
class WordContrast:
    """A word's attribution in the rows the model got wrong against the rows it got right."""

    word: str
    errors: WordStat
    correct: WordStat | None  # None when the word occurs in no correct row

    @property
    def cue(self) -> float:
        """How much more the word pushes toward the decision in errors than in correct rows."""
        return self.errors.mean - (self.correct.mean if self.correct else 0.0)


def word_contrast(
    errors: Sequence[Explanation],
    correct: Sequence[Explanation],
    target: str | int | None = None,
    min_count: int = 2,
) -> list[WordContrast]:
    """Words in at least ``min_count`` error rows, those that push the mistakes most (in sum) first.

    With ``target=None`` each row's value is toward its own predicted label: a word that drives many
    wrong decisions sorts to the top, and its values in the correct rows beside it show whether it
    is a spurious cue (pushes only the mistakes) or a real signal (pushes right decisions just as hard).
    """
    right = {s.word.casefold(): s for s in word_statistics(correct, target)}
    out = [WordContrast(s.word, s, right.get(s.word.casefold())) for s in word_statistics(errors, target, min_count)]
    return sorted(out, key=lambda c: -c.errors.total)


# Below this |value| a word's attribution is noise: a change "to" or "from" it is not a change of sign.
CHANGE_FLOOR = 0.01


@dataclass(frozen=True)
class WordChange:
    """One word of one input, explained by two models."""

    word: str
    start: int
    end: int
    index: int
    value_a: float
    value_b: float

    @property
    def delta(self) -> float:
        """Model B's value minus model A's."""
        return self.value_b - self.value_a

    @property
    def sign_flip(self) -> bool:
        """True when the two models push in opposite directions with this word, both beyond :data:`CHANGE_FLOOR`."""
        return self.value_a * self.value_b < 0 and min(abs(self.value_a), abs(self.value_b)) >= CHANGE_FLOOR

    @property
    def noise(self) -> bool:
        """True when both values and their difference are below :data:`CHANGE_FLOOR`: nothing to report."""
        return abs(self.delta) < CHANGE_FLOOR


def word_changes(a: Explanation, b: Explanation, target: str) -> list[WordChange]:
    """The words of one text under two models, aligned by span, biggest change first.

    Labels are matched by name, so ``target`` must be a label both models have.
    """
    values_b = {(w.start, w.end): w.value for w in b.for_label(target)}
    changes = [
        WordChange(w.word, w.start, w.end, w.index, w.value, values_b.get((w.start, w.end), 0.0))
        for w in a.for_label(target)
    ]
    return sorted(changes, key=lambda c: (-c.sign_flip, -abs(c.delta)))


def shared_labels(a: Sequence[str], b: Sequence[str]) -> tuple[list[str], str | None]:
    """Labels both models have (in A's order), and a message when their label sets differ."""
    common = [label for label in a if label in set(b)]
    if set(a) == set(b):
        return common, None
    only_a = [x for x in a if x not in set(b)]
    only_b = [x for x in b if x not in set(a)]
    message = (
        f"The two models' labels differ (only in A: {', '.join(only_a) or '—'}; only in B: {', '.join(only_b) or '—'})."
    )
    if common:
        message += f" Comparing on the labels they share: {', '.join(common)}."
    else:
        message += " They share no label, so their explanations cannot be compared."
    return common, message


def default_target(labels: Sequence[str], predicted: Sequence[str] = ()) -> str:
    """The class rows are compared on: for two classes the positive one; for more, the class the model predicts
    most often among ``predicted`` (the rows' predicted labels; the first in label order on ties), else the first.
    """
    if len(labels) == 2:
        for label in labels:
            if label.strip().lower() in {"positive", "pos", "label_1", "1", "yes", "true"}:
                return label
        return labels[1]
    counts = {label: 0 for label in labels}
    for label in predicted:
        if label in counts:
            counts[label] += 1
    return max(labels, key=lambda label: counts[label])

"""Failure cohorts: the groups of rows where a model's errors concentrate, found by a shallow decision tree.

Each row is described by features a person can read: the words it contains (the set's most common whole
words, case ignored), its length in words, its metadata, its true and predicted label, the model's
confidence and whether its label is likely wrong. A shallow scikit-learn decision tree learns "the model is
wrong on this row" from them; every leaf with at least ``min_rows`` rows that errs more often than the whole
set is a :class:`Cohort`, one plain sentence ("contains 'but' and shorter than 15 words: 143 rows, 61 %
wrong, 38 % of all errors") tested against the rest of the set with Fisher's exact test, Holm-corrected over
the cohorts shown. A cohort says where errors concentrate, not why.

The tree is grown one split at a time (a depth-1 :class:`~sklearn.tree.DecisionTreeClassifier` on each node's
rows, which is how CART grows a tree) so that one rule can hold: a path never uses both the true and the
predicted label, because together they are a confusion-matrix cell, wrong by definition. A split is kept only
when it removes at least :data:`MIN_GAIN` of the whole set's impurity, so noise does not cut a cohort in two.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any, ClassVar

import numpy as np
import pandas as pd
from scipy import sparse

from textlens.dataset.labels import NO_LABEL
from textlens.dataset.slices import MAX_SLICE_VALUES, metadata_slices, word_counts
from textlens.errors import TextlensError

VOCABULARY = 300  # words the tree may split on: the set's most common whole words
MAX_DEPTH = 3  # conditions per cohort, at most
MIN_ROWS = 20  # rows per cohort, at least
MIN_GAIN = 0.01  # a split must remove this share of the whole set's Gini impurity (noise removes less)
RANDOM_STATE = 0  # the tree's tie-breaking between equally good splits
WORD_PATTERN = r"(?u)\b\w+\b"  # whole words, as the keyword slice matches them
COMMON_SHARE = 0.5  # words in more of the rows than this are left out of the vocabulary
CUT_DECIMALS = 2  # a number's cut is rounded to this many decimals where the rounded cut still splits
CHANCE = 0.05  # a cohort whose corrected p-value is at least this is said to be possibly chance

# What a feature describes; a condition's phrase depends on it.
WORD, LENGTH, META, META_NUMBER, TRUE, PREDICTED, CONFIDENCE, ISSUE = (
    "word",
    "length",
    "meta",
    "meta-number",
    "true",
    "predicted",
    "confidence",
    "issue",
)
NUMERIC = (LENGTH, META_NUMBER, CONFIDENCE)
# The two features whose conjunction is a confusion-matrix cell: a path may use one of them only.
EXCLUSIVE = {TRUE: PREDICTED, PREDICTED: TRUE}


class CohortSettingError(TextlensError, ValueError):
    """A tree setting out of range (depth or rows per cohort below 1)."""


@dataclass(frozen=True)
class Feature:
    """One column the tree may split on: its kind, the name a condition gives it and, for a yes/no column, the
    value it tests (a word, a metadata value, a label) with the other values its column takes.
    """

    kind: str
    name: str
    value: str | None = None
    others: tuple[str, ...] = ()


@dataclass(frozen=True)
class Condition:
    """One step of a cohort's path: ``feature`` ``operator`` ``value``, e.g. ``text contains 'but'``,
    ``words < 15``, ``source == web``, ``true_label != POSITIVE``, ``likely_label_error == True``.
    """

    kind: str
    feature: str
    operator: str  # "contains", "does not contain", "<", ">=", "==", "!="
    value: str | float | bool

    def phrase(self) -> str:
        """The condition in plain English, as a cohort's description strings them together."""
        v, yes = self.value, self.operator in ("contains", "==", "<")
        if self.kind == WORD:
            return f"contains '{v}'" if yes else f"does not contain '{v}'"
        if self.kind == ISSUE:
            return "likely label error" if v == yes else "no likely label error"
        if self.kind == TRUE:
            return f"true label {v}" if yes else f"true label not {v}"
        if self.kind == PREDICTED:
            return f"predicted {v}" if yes else f"not predicted {v}"
        if self.kind == META:
            return f"{self.feature} = {v}" if yes else f"{self.feature} ≠ {v}"
        number = f"{v:g}"
        if self.kind == LENGTH:
            return f"shorter than {number} words" if yes else f"{number} words or longer"
        return f"{self.feature} below {number}" if yes else f"{self.feature} {number} or above"

    def to_dict(self) -> dict[str, Any]:
        """``feature``, ``operator`` and ``value`` in plain JSON types."""
        value = self.value if isinstance(self.value, (str, bool)) else float(self.value)
        if isinstance(value, float) and value.is_integer() and self.kind == LENGTH:
            value = int(value)
        return {"feature": self.feature, "operator": self.operator, "value": value}


def range_phrase(kind: str, feature: str, low: float, high: float) -> str:
    """A number between two bounds (``low`` included, ``high`` not) in plain English."""
    if kind == LENGTH:
        return f"{low:g} to {high - 1:g} words"
    return f"{feature} from {low:g} to below {high:g}"


def absent_words(words: Sequence[str]) -> str:
    """The words a cohort's rows do not contain, in one phrase."""
    quoted = [f"'{w}'" for w in words]
    if len(quoted) == 1:
        return f"does not contain {quoted[0]}"
    if len(quoted) == 2:
        return f"contains neither {quoted[0]} nor {quoted[1]}"
    return f"contains none of {', '.join(quoted)}"


def describe(conditions: Sequence[Condition]) -> str:
    """Conditions joined by "and", a number's lower and upper bound said as one range, and the words the rows do
    not contain said together, last; "every row" for none.
    """
    phrases, merged = [], set()
    absent = [str(c.value) for c in conditions if c.kind == WORD and c.operator == "does not contain"]
    for i, c in enumerate(conditions):
        if i in merged or (c.kind == WORD and c.operator == "does not contain"):
            continue
        pair = next(
            (
                k
                for k, o in enumerate(conditions)
                if k > i
                and c.kind in NUMERIC
                and (o.kind, o.feature) == (c.kind, c.feature)
                and o.operator != c.operator
            ),
            None,
        )
        if pair is None:
            phrases.append(c.phrase())
            continue
        merged.add(pair)
        bounds = {c.operator: c.value, conditions[pair].operator: conditions[pair].value}
        phrases.append(range_phrase(c.kind, c.feature, bounds[">="], bounds["<"]))
    phrases += [absent_words(absent)] if absent else []
    return " and ".join(phrases) or "every row"


@dataclass(frozen=True, eq=False)
class Cohort:
    """A leaf of the tree: its path, its rows (positions in the file) and how its error rate compares."""

    conditions: tuple[Condition, ...]
    rows: int
    errors: int
    error_rate: float
    error_share: float  # of every error in the rows the tree was grown on
    p_value: float  # Fisher's exact test against the rest of the set, Holm-corrected over the cohorts shown
    p_unadjusted: float  # the same test before the correction
    row_ids: tuple[int, ...]

    @property
    def description(self) -> str:
        """The path in words: "contains 'but' and shorter than 15 words" (two bounds of one number as a range)."""
        return describe(self.conditions)

    @property
    def key(self) -> str:
        """What the cohort is known by across reruns (its description; paths differ, so descriptions do)."""
        return self.description

    def to_dict(self) -> dict[str, Any]:
        """The record for JSON: description, conditions, rows, errors, rates and p-values (row ids left out)."""
        return {
            "description": self.description,
            "conditions": [c.to_dict() for c in self.conditions],
            "rows": self.rows,
            "errors": self.errors,
            "error_rate": self.error_rate,
            "error_share": self.error_share,
            "p_value": self.p_value,
            "p_unadjusted": self.p_unadjusted,
        }


@dataclass(frozen=True, eq=False)
class FailureCohorts:
    """The cohorts that err more often than the whole set, most errors first, and what the tree was grown on.

    ``wrong`` and ``errors_name`` are what an error is called: "wrong" and "errors" for one model; "broken by B"
    and "rows B broke" for the rows a second model broke (:func:`broken_cohorts`); ``title`` heads them.
    """

    kind: ClassVar[str] = "failure-cohorts"

    cohorts: tuple[Cohort, ...]
    rows: int  # rows the tree was grown on
    errors: int
    left_out: int  # rows of the file outside it: no matched label or no prediction (or outside the population)
    max_depth: int
    min_rows: int
    vocabulary: int  # words the tree could split on
    features: int  # columns the tree could split on, words included
    wrong: str = "wrong"
    errors_name: str = "errors"
    population: str = "labelled rows"
    title: str = "Failure cohorts"
    model_outputs: bool = True  # the tree could split on the model's outputs (predicted label, confidence…)

    @property
    def error_rate(self) -> float:
        """The whole set's error rate (NaN without rows)."""
        return self.errors / self.rows if self.rows else float("nan")

    def sentence(self, cohort: Cohort) -> str:
        """One cohort in one plain sentence: "contains 'but': 143 rows, 61 % wrong, 38 % of all errors", saying
        when its corrected p-value is :data:`CHANCE` or more that it could be chance.
        """
        chance = f" (could be chance: p = {cohort.p_value:.2g})" if cohort.p_value >= CHANCE else ""
        return (
            f"{cohort.description}: {cohort.rows:,} rows, {cohort.error_rate:.0%} {self.wrong}, "
            f"{cohort.error_share:.0%} of all {self.errors_name}{chance}"
        )

    def summary(self) -> str:
        """What was found, in one sentence, with the whole set's rate to read the cohorts against."""
        whole = (
            f"{self.rows:,} {self.population}, {self.errors:,} {self.errors_name} ({self.error_rate:.1%})"
            if self.rows
            else f"no {self.population}"
        )
        if not self.cohorts:
            return (
                f"No group of at least {self.min_rows:,} rows has a higher share of {self.errors_name} than the whole "
                f"set ({whole}): the tree found no split that concentrates them."
            )
        share = sum(c.errors for c in self.cohorts) / self.errors
        groups = "group" if len(self.cohorts) == 1 else "groups"
        return (
            f"{len(self.cohorts)} {groups} of rows where {self.errors_name} concentrate, holding {share:.0%} of them. "
            f"The whole set: {whole}."
        )

    def by_key(self, key: str) -> Cohort | None:
        """The cohort known by ``key`` (:attr:`Cohort.key`), or None when this set has no such cohort."""
        return next((c for c in self.cohorts if c.key == key), None)

    def row_cohorts(self, n_rows: int) -> list[str]:
        """Each of the file's ``n_rows`` rows' cohort description ("" for rows in none): cohorts are leaves, so a
        row is in one at most.
        """
        out = [""] * n_rows
        for cohort in self.cohorts:
            for row in cohort.row_ids:
                out[row] = cohort.description
        return out

    def to_dicts(self) -> list[dict[str, Any]]:
        """One JSON object per cohort, most errors first, each with its sentence."""
        return [{**c.to_dict(), "sentence": self.sentence(c)} for c in self.cohorts]

    def summary_dict(self) -> dict[str, Any]:
        """The tree's settings and the whole set's numbers, for a summary line."""
        return {
            "kind": self.kind,
            "cohorts": len(self.cohorts),
            "rows": self.rows,
            "errors": self.errors,
            "error_rate": None if not self.rows else self.error_rate,
            "left_out": self.left_out,
            "max_depth": self.max_depth,
            "min_rows": self.min_rows,
            "vocabulary": self.vocabulary,
            "features": self.features,
            "model_outputs": self.model_outputs,
        }


@dataclass(frozen=True, eq=False)
class RowFeatures:
    """Every row's features, one column per :class:`Feature` (a sparse matrix, rows in file order)."""

    features: tuple[Feature, ...]
    matrix: sparse.csr_matrix  # (rows, features), float64
    vocabulary: int
    model_outputs: bool = True  # the predicted label, confidence and likely label error are among them


def check_settings(max_depth: int, min_rows: int) -> None:
    """Refuse a depth or a cohort size below 1 with a message saying what is allowed."""
    if max_depth < 1:
        raise CohortSettingError(f"The tree's depth must be at least 1 (got {max_depth}).")
    if min_rows < 1:
        raise CohortSettingError(f"A cohort must have at least 1 row (got {min_rows}).")


def vocabulary_columns(texts: Sequence[object], vocabulary: int, min_rows: int) -> tuple[list[str], sparse.csr_matrix]:
    """The ``vocabulary`` words in most rows (whole words, case ignored; ties alphabetical) that at least
    ``min_rows`` rows and at most :data:`COMMON_SHARE` of them contain, and each row's yes/no column per word.
    """
    from sklearn.feature_extraction.text import CountVectorizer

    cells = [t if isinstance(t, str) else "" for t in texts]
    vectorizer = CountVectorizer(lowercase=True, token_pattern=WORD_PATTERN, binary=True, dtype=np.float64)
    try:
        present = vectorizer.fit_transform(cells).tocsc()
    except ValueError:  # no word in any row
        return [], sparse.csr_matrix((len(cells), 0))
    names = vectorizer.get_feature_names_out()
    rows_with = np.asarray(present.sum(axis=0)).ravel()
    # Sorted by rows, then alphabetically: the same words (and columns, in the same order) for the same texts.
    # A word in most rows ("the", "a") says little by being there, and its absence mostly says "short": length
    # is a feature of its own.
    usable = (rows_with >= min_rows) & (rows_with <= COMMON_SHARE * len(cells))
    order = sorted(np.flatnonzero(usable), key=lambda i: (-rows_with[i], names[i]))
    kept = order[:vocabulary]
    return [str(names[i]) for i in kept], present[:, kept].tocsr()


def _one_hot(kind: str, name: str, values: Sequence[str], masks: Sequence[np.ndarray]):
    features = [Feature(kind, name, v, tuple(o for o in values if o != v)) for v in values]
    return features, [m.astype(np.float64) for m in masks]


def _metadata(column: str, values: Sequence[object]):
    """A metadata column's features: one number (a numeric column with many values) or yes/no per value."""
    numbers = pd.to_numeric(pd.Series(values, dtype=object), errors="coerce")
    if len(values) and numbers.notna().all() and np.isfinite(numbers).all() and numbers.nunique() > MAX_SLICE_VALUES:
        return [Feature(META_NUMBER, column)], [numbers.to_numpy(dtype=np.float64)]
    slices = metadata_slices(values, column)
    return _one_hot(META, column, [s.value for s in slices], [s.mask for s in slices])


def row_features(
    texts: Sequence[object],
    truth: np.ndarray,
    predicted: np.ndarray,
    confidence: np.ndarray,
    labels: Sequence[str],
    *,
    meta: Mapping[str, Sequence[object]] | None = None,
    issue: np.ndarray | None = None,
    vocabulary: int = VOCABULARY,
    min_rows: int = MIN_ROWS,
    model_outputs: bool = True,
) -> RowFeatures:
    """The features of every row, in a fixed order: words, length, metadata columns (``meta``: name -> values),
    true label, then the model's outputs: predicted label, confidence and, when ``issue`` is given, likely label
    error (``model_outputs`` False leaves these out: the cohorts then say which kinds of input fail).
    """
    words, word_matrix = vocabulary_columns(texts, vocabulary, min_rows)
    features = [Feature(WORD, "text", w) for w in words]
    columns: list[np.ndarray] = [word_counts(texts).astype(np.float64)]
    features.append(Feature(LENGTH, "words"))
    for column, values in (meta or {}).items():
        more, cols = _metadata(column, values)
        features += more
        columns += cols
    labelled = ((TRUE, "true_label", truth), (PREDICTED, "predicted_label", predicted))
    for kind, name, index in labelled[: 2 if model_outputs else 1]:
        present = [i for i in range(len(labels)) if (index == i).any()]
        more, cols = _one_hot(kind, name, [labels[i] for i in present], [index == i for i in present])
        features += more
        columns += cols
    if model_outputs:
        features.append(Feature(CONFIDENCE, "confidence"))
        columns.append(np.nan_to_num(np.asarray(confidence, dtype=np.float64), nan=0.0))
    if model_outputs and issue is not None:
        features.append(Feature(ISSUE, "likely_label_error"))
        columns.append(np.asarray(issue, dtype=np.float64))
    dense = sparse.csr_matrix(np.column_stack(columns)) if columns else None
    matrix = sparse.hstack([word_matrix, dense], format="csr", dtype=np.float64)
    return RowFeatures(tuple(features), matrix, len(words), model_outputs)


def nice_cut(low: float, high: float) -> float:
    """The number with the fewest decimals in ``(low, high]``: a cut that separates the same rows as the tree's
    midpoint and reads well ("confidence below 0.7", "shorter than 15 words").
    """
    for decimals in range(0, 12):
        step = 10.0**-decimals
        cut = round((math.floor(low / step) + 1) * step, decimals)
        if low < cut <= high:
            return cut
    return high


def readable_cut(values: np.ndarray, threshold: float, min_rows: int) -> float:
    """Where to cut a number the tree split at ``threshold``: the number with the fewest decimals between the
    rows on either side (exact); if that needs more than :data:`CUT_DECIMALS` decimals, the threshold rounded to
    them, as long as both sides keep ``min_rows`` rows (the split moves a little; the description stays exact).
    """
    left = values <= threshold
    exact = nice_cut(float(values[left].max()), float(values[~left].min()))
    if round(exact, CUT_DECIMALS) == exact:
        return exact
    rounded = round(float(threshold), CUT_DECIMALS)
    below = int((values < rounded).sum())
    return rounded if min(below, len(values) - below) >= min_rows else exact


def split_conditions(feature: Feature, cut: float | None = None) -> tuple[Condition, Condition]:
    """The two conditions of a split on ``feature``: rows below ``cut`` (a number's) or without the feature go
    left, the others right.
    """
    k, name = feature.kind, feature.name
    if k in NUMERIC:
        return Condition(k, name, "<", cut), Condition(k, name, ">=", cut)
    if k == WORD:
        return Condition(k, name, "does not contain", feature.value), Condition(k, name, "contains", feature.value)
    if k == ISSUE:
        return Condition(k, name, "==", False), Condition(k, name, "==", True)
    # A column of two values: "not the one" is "the other", said plainly.
    absent = ("==", feature.others[0]) if len(feature.others) == 1 else ("!=", feature.value)
    return Condition(k, name, *absent), Condition(k, name, "==", feature.value)


def simplified(path: Sequence[Condition]) -> tuple[Condition, ...]:
    """The path with repeated bounds of one number merged (the tighter one stays, where the first stood)."""
    out: list[Condition] = []
    for c in path:
        same = next(
            (i for i, o in enumerate(out) if (o.kind, o.feature, o.operator) == (c.kind, c.feature, c.operator)), None
        )
        if same is None or c.kind not in NUMERIC:
            out.append(c)
        else:
            tighter = min if c.operator == "<" else max
            out[same] = Condition(c.kind, c.feature, c.operator, tighter(out[same].value, c.value))
    return tuple(out)


def gini(wrong: np.ndarray) -> float:
    """The Gini impurity of a yes/no array (0 when empty)."""
    p = float(wrong.mean()) if len(wrong) else 0.0
    return 2 * p * (1 - p)


def grow_leaves(
    features: RowFeatures, wrong: np.ndarray, rows: np.ndarray, *, max_depth: int, min_rows: int, min_gain: float
) -> list[tuple[tuple[Condition, ...], np.ndarray]]:
    """The tree's leaves (path, row positions), grown split by split on ``rows`` (positions in the file).

    Each node's best split is a depth-1 :class:`~sklearn.tree.DecisionTreeClassifier` on that node's rows over
    the features its path allows (not the true and the predicted label together), kept when it removes at least
    ``min_gain`` of the root's impurity and leaves ``min_rows`` rows on each side.
    """
    from sklearn.tree import DecisionTreeClassifier

    matrix = features.matrix.tocsr()
    y = wrong.astype(bool)
    root = len(rows) * gini(y[rows])
    leaves: list[tuple[tuple[Condition, ...], np.ndarray]] = []

    def grow(node: np.ndarray, path: tuple[Condition, ...], used: frozenset[str], depth: int) -> None:
        target = y[node]
        if depth >= max_depth or len(node) < 2 * min_rows or target.all() or not target.any() or root == 0:
            leaves.append((path, node))
            return
        blocked = {EXCLUSIVE[k] for k in used if k in EXCLUSIVE}
        allowed = [j for j, f in enumerate(features.features) if f.kind not in blocked]
        stump = DecisionTreeClassifier(
            max_depth=1,
            min_samples_leaf=min_rows,
            # sklearn weighs a split's decrease by this node's rows; the bar is a share of the whole set's.
            min_impurity_decrease=min_gain * root / len(node),
            random_state=RANDOM_STATE,
        )
        stump.fit(matrix[node][:, allowed], target)
        if stump.tree_.node_count < 3:
            leaves.append((path, node))
            return
        j = allowed[int(stump.tree_.feature[0])]
        values = matrix[node, j].toarray().ravel()
        cut = None
        if features.features[j].kind in NUMERIC:
            cut = readable_cut(values, stump.tree_.threshold[0], min_rows)
            left = values < cut
        else:
            left = values <= stump.tree_.threshold[0]
        if features.features[j].kind == WORD:
            j = same_split_word(features, matrix[node], ~left, j)
        go_left, go_right = split_conditions(features.features[j], cut)
        now = used | {features.features[j].kind}
        grow(node[left], simplified((*path, go_left)), now, depth + 1)
        grow(node[~left], simplified((*path, go_right)), now, depth + 1)

    grow(np.asarray(rows, dtype=np.int64), (), frozenset(), 0)
    return leaves


def same_split_word(features: RowFeatures, node_matrix: sparse.csr_matrix, present: np.ndarray, chosen: int) -> int:
    """Among the words whose rows in this node are exactly ``present`` (words that always come together, e.g.
    "New" and "York"), the one the tree's split reads best by: the longest, then the first alphabetically.
    ``chosen`` is the word the tree picked (sklearn breaks ties between equal splits by its seeded shuffle).
    """
    words = np.arange(features.vocabulary)
    columns = node_matrix[:, words]
    inside = np.asarray(columns.sum(axis=0)).ravel()
    overlap = np.asarray(columns.T @ present.astype(np.float64)).ravel()
    same = words[(inside == present.sum()) & (overlap == present.sum())]
    if len(same) < 2:
        return chosen
    return int(min(same, key=lambda i: (-len(features.features[i].value or ""), features.features[i].value)))


def fisher_p(errors: int, rows: int, all_errors: int, all_rows: int) -> float:
    """Fisher's exact test (two-sided) of a cohort's error rate against the rest of the set's."""
    from scipy.stats import fisher_exact

    table = [[errors, rows - errors], [all_errors - errors, (all_rows - rows) - (all_errors - errors)]]
    return float(fisher_exact(table).pvalue)


def find_cohorts(
    features: RowFeatures,
    wrong: np.ndarray,
    scope: np.ndarray,
    *,
    max_depth: int = MAX_DEPTH,
    min_rows: int = MIN_ROWS,
    min_gain: float = MIN_GAIN,
    wrong_word: str = "wrong",
    errors_name: str = "errors",
    population: str = "labelled rows",
    title: str = "Failure cohorts",
) -> FailureCohorts:
    """The leaves of a tree grown on the rows in ``scope`` that err (``wrong``) more often than those rows do,
    most errors first, each with Fisher's exact test against the rest, Holm-corrected over them.
    """
    from statsmodels.stats.multitest import multipletests

    check_settings(max_depth, min_rows)
    rows = np.flatnonzero(scope)
    y = np.asarray(wrong, dtype=bool)
    total, all_errors = len(rows), int(y[rows].sum())
    leaves = grow_leaves(features, y, rows, max_depth=max_depth, min_rows=min_rows, min_gain=min_gain) if total else []
    rate = all_errors / total if total else 0.0
    found = []
    for path, node in leaves:
        errors = int(y[node].sum())
        if path and errors / len(node) > rate:
            found.append((path, node, errors))
    found.sort(key=lambda f: (-f[2], -f[2] / len(f[1]), " and ".join(c.phrase() for c in f[0])))
    raw = [fisher_p(errors, len(node), all_errors, total) for _, node, errors in found]
    holm = multipletests(raw, method="holm")[1] if raw else []
    cohorts = tuple(
        Cohort(
            conditions=path,
            rows=len(node),
            errors=errors,
            error_rate=errors / len(node),
            error_share=errors / all_errors,
            p_value=float(p),
            p_unadjusted=float(p_raw),
            row_ids=tuple(int(r) for r in np.sort(node)),
        )
        for (path, node, errors), p_raw, p in zip(found, raw, holm)
    )
    return FailureCohorts(
        cohorts=cohorts,
        rows=total,
        errors=all_errors,
        left_out=len(scope) - total,
        max_depth=max_depth,
        min_rows=min_rows,
        vocabulary=features.vocabulary,
        features=len(features.features),
        model_outputs=features.model_outputs,
        wrong=wrong_word,
        errors_name=errors_name,
        population=population,
        title=title,
    )


def failure_cohorts(
    texts: Sequence[object],
    truth: np.ndarray,
    predicted: np.ndarray,
    confidence: np.ndarray,
    labels: Sequence[str],
    *,
    meta: Mapping[str, Sequence[object]] | None = None,
    issue: np.ndarray | None = None,
    max_depth: int = MAX_DEPTH,
    min_rows: int = MIN_ROWS,
    vocabulary: int = VOCABULARY,
    model_outputs: bool = True,
) -> FailureCohorts:
    """Where one model's errors concentrate: the cohorts of the rows with a matched label and a prediction
    (``model_outputs`` False: split on what the rows say only, see :func:`row_features`).
    """
    check_settings(max_depth, min_rows)
    truth, predicted = np.asarray(truth), np.asarray(predicted)
    sizes = {"vocabulary": vocabulary, "min_rows": min_rows, "model_outputs": model_outputs}
    features = row_features(texts, truth, predicted, confidence, labels, meta=meta, issue=issue, **sizes)
    scope = (truth != NO_LABEL) & (predicted != NO_LABEL)
    return find_cohorts(features, truth != predicted, scope, max_depth=max_depth, min_rows=min_rows)


def broken_cohorts(
    texts: Sequence[object],
    truth: np.ndarray,
    predicted_a: np.ndarray,
    predicted_b: np.ndarray,
    confidence_b: np.ndarray,
    labels: Sequence[str],
    *,
    meta: Mapping[str, Sequence[object]] | None = None,
    max_depth: int = MAX_DEPTH,
    min_rows: int = MIN_ROWS,
    vocabulary: int = VOCABULARY,
    model_outputs: bool = True,
) -> FailureCohorts:
    """Where a second model (B) breaks rows A got right: the cohorts, among the rows A predicted right, of the
    rows B gets wrong (features: the words, length, metadata, true label and, with ``model_outputs``, B's
    prediction and confidence).
    """
    check_settings(max_depth, min_rows)
    truth, a, b = np.asarray(truth), np.asarray(predicted_a), np.asarray(predicted_b)
    sizes = {"vocabulary": vocabulary, "min_rows": min_rows, "model_outputs": model_outputs}
    features = row_features(texts, truth, b, confidence_b, labels, meta=meta, **sizes)
    scope = (truth != NO_LABEL) & (a == truth) & (b != NO_LABEL)
    return find_cohorts(
        features,
        b != truth,
        scope,
        max_depth=max_depth,
        min_rows=min_rows,
        wrong_word="broken by B",
        errors_name="rows B broke",
        population="rows A got right",
        title="Cohorts of the rows B broke",
    )

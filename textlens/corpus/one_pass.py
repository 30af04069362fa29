"""A one-pass explainer trained on a corpus result's exact explanations, its agreement measured on held-out rows."""

from __future__ import annotations

from pathlib import Path

import numpy as np

from textlens.corpus.result import explanations, read_result
from textlens.text.models import Classifier
from textlens.text.one_pass import OnePassError, OnePassExplainer, agreement, train


def is_held_out(row_id: int, share: float, seed: int = 0) -> bool:
    """Whether row ``row_id`` is kept out of training to measure agreement (a stable, seeded share of rows)."""
    return float(np.random.default_rng([seed, int(row_id)]).random()) < share


def train_on_result(
    classifier: Classifier,
    folder: str | Path,
    *,
    held_out: float = 0.1,
    data: str = "",
    seed: int = 0,
    **settings,
) -> OnePassExplainer:
    """Train on a corpus result's exact explanations; its held-out share of rows measures the agreement."""
    result = read_result(folder, columns=["explanation"])
    ok = result.ok
    rows = list(zip(ok["row_id"].tolist(), explanations(ok)))
    train_rows = [e for r, e in rows if not is_held_out(r, held_out, seed)]
    test_rows = [e for r, e in rows if is_held_out(r, held_out, seed)]
    if len(test_rows) < 2:
        raise OnePassError(
            f"The result has {len(rows)} explained rows: too few to hold {held_out:.0%} out for measuring agreement."
        )
    explainer = train(classifier, train_rows, seed=seed, **settings)
    name = data or Path(folder).name
    explainer.agreement = (
        agreement(
            explainer.explain(classifier, [e.text for e in test_rows]),
            test_rows,
            f"{name}, {len(test_rows)} held-out texts",
        ),
    )
    explainer.training["data"] = name
    explainer.training["held_out"] = held_out
    return explainer

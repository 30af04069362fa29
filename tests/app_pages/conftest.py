"""Fixtures of the page tests: a one-pass explainer for the bundled model."""

from __future__ import annotations

import pytest


@pytest.fixture(scope="session")
def default_amortizer(tmp_path_factory):
    """A one-pass explainer for the bundled model, trained briefly on exact explanations of a few texts."""
    from tests.text.test_amortized import TEXTS
    from textlens import load_classifier
    from textlens.text.amortized import Agreement, train
    from textlens.text.explain import explain_many

    classifier = load_classifier("default")
    amortizer = train(classifier, explain_many(classifier, TEXTS), steps=100, hidden=64)
    amortizer.agreement = (Agreement(12, 0.91, 0.83, 0.95, "the test's texts"),)
    return amortizer.save(tmp_path_factory.mktemp("amortizer"))

"""Shared fixtures: the bundled model, and a tiny random 3-label BERT saved to a temporary folder."""

from __future__ import annotations

import atexit
import os
import shutil
import tempfile
from pathlib import Path

import pytest

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")

ROOT = Path(__file__).resolve().parent.parent
SHARED = ROOT.parent / "shared" / "data" / "sst2"
E2E = Path(__file__).resolve().parent / "e2e"


def pytest_collection_modifyitems(config, items):
    """Browser tests (everything under tests/e2e, marked ``e2e``) run after the rest: a unit or AppTest failure is
    reported in minutes, before the slow browser tests start (with ``-x``, instead of them)."""
    for item in items:
        if item.path.is_relative_to(E2E):
            item.add_marker(pytest.mark.e2e)
    items.sort(key=lambda item: item.path.is_relative_to(E2E))  # stable: each group keeps its order


def make_tiny_model(
    folder: Path,
    labels: tuple[str, ...] = ("anger", "joy", "fear"),
    seed: int = 0,
    max_positions: int = 64,
    problem_type: str | None = None,
    spread: float = 0.02,
) -> Path:
    """Save a randomly initialised small BERT classifier with the bundled encoder's fast tokenizer.

    ``max_positions`` is the longest input it reads, in tokens (512 for a model that reads a long review whole);
    ``problem_type`` goes into its config (``"multi_label_classification"``: one sigmoid per label); ``spread`` is
    the weights' standard deviation (0.5: texts get clearly different probabilities, as from a trained model).
    """
    import torch
    from transformers import AutoTokenizer, BertConfig, BertForSequenceClassification

    from textlens.text.encoder import base_encoder_dir

    torch.manual_seed(seed)
    tokenizer = AutoTokenizer.from_pretrained(base_encoder_dir())
    config = BertConfig(
        vocab_size=tokenizer.vocab_size,
        hidden_size=32,
        num_hidden_layers=2,
        num_attention_heads=2,
        intermediate_size=64,
        max_position_embeddings=max_positions,
        num_labels=len(labels),
        id2label=dict(enumerate(labels)),
        label2id={name: i for i, name in enumerate(labels)},
        problem_type=problem_type,
        initializer_range=spread,
    )
    BertForSequenceClassification(config).save_pretrained(folder)
    tokenizer.save_pretrained(folder)
    return folder


@pytest.fixture(scope="session")
def tiny_model_dir(tmp_path_factory) -> Path:
    return make_tiny_model(tmp_path_factory.mktemp("tiny3"))


@pytest.fixture(scope="session")
def tiny_classifier(tiny_model_dir):
    from textlens import load_classifier

    return load_classifier(str(tiny_model_dir))


@pytest.fixture(scope="session")
def default_classifier():
    from textlens import load_classifier

    return load_classifier("default")


@pytest.fixture
def sst2_dev() -> Path:
    path = SHARED / "dev.tsv"
    if not path.is_file():
        pytest.skip(f"SST-2 data not found at {path} (it exists beside the repo in CI, not on users' machines)")
    return path


@pytest.fixture(scope="session")
def tiny_sentiment_dir(tmp_path_factory) -> Path:
    """A random two-label model with the bundled model's label names, for two-model comparisons."""
    return make_tiny_model(tmp_path_factory.mktemp("tiny2"), labels=("NEGATIVE", "POSITIVE"), seed=1)


# A real PostgreSQL server for the review-pack store tests (tests/pg.py).
from tests.pg import postgres_server  # noqa: E402, F401

# No test writes review packs into the user's real data folder: the dashboard's store (AppTest and the
# end-to-end servers inherit this) goes to a throwaway file unless a test points elsewhere. Each of
# pytest-xdist's workers (`-n 2`) gets its own: they inherit the controller's environment, and packs made
# under one name by tests running at once in two workers must not meet.
if "TEXTLENS_DB" not in os.environ or os.environ.get("PYTEST_XDIST_WORKER"):
    _THROWAWAY_STORE = tempfile.mkdtemp(prefix="textlens-db-")
    os.environ["TEXTLENS_DB"] = str(Path(_THROWAWAY_STORE) / "packs.db")
    atexit.register(shutil.rmtree, _THROWAWAY_STORE, ignore_errors=True)  # one folder a run, not left behind

"""textlens: see why a text classifier decided what it did (SHAP word attributions)."""

import importlib

from textlens.errors import (
    EmptyTextError,
    InputFileError,
    ModelLoadError,
    NoTextColumnError,
    TextlensError,
    UnknownLabelError,
)
from textlens.types import (
    ADDITIVITY_TOLERANCE,
    OUTPUT_SPACE,
    Explanation,
    ImageExplanation,
    ImagePrediction,
    Prediction,
    Record,
    Span,
    WordValue,
    record_from_dict,
)
from textlens.version import __version__

# Names whose modules import torch and transformers (seconds): loaded on first use, so that
# `import textlens` and commands that need no model (`textlens pack list`, `--help`) start at once.
_LAZY = {
    "DEFAULT_MODEL_ID": "textlens.text.encoder",
    "EMOTION_MODEL_ID": "textlens.text.encoder",
    "Classifier": "textlens.text.models",
    "clear_caches": "textlens.caches",
    "explain": "textlens.text.explain",
    "explain_many": "textlens.text.explain",
    "load_classifier": "textlens.text.models",
    "warm_up": "textlens.text.explain",
}


def __getattr__(name: str):
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'textlens' has no attribute {name!r}")
    value = getattr(importlib.import_module(module), name)
    globals()[name] = value
    return value


def __dir__() -> list[str]:
    return sorted(set(globals()) | set(_LAZY))


__all__ = [
    "__version__",
    "ADDITIVITY_TOLERANCE",
    "DEFAULT_MODEL_ID",
    "EMOTION_MODEL_ID",
    "OUTPUT_SPACE",
    "Classifier",
    "EmptyTextError",
    "Explanation",
    "ImageExplanation",
    "ImagePrediction",
    "InputFileError",
    "NoTextColumnError",
    "ModelLoadError",
    "Prediction",
    "Record",
    "Span",
    "TextlensError",
    "UnknownLabelError",
    "WordValue",
    "clear_caches",
    "explain",
    "explain_many",
    "load_classifier",
    "record_from_dict",
    "warm_up",
]

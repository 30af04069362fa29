"""textlens: see why a text classifier decided what it did (SHAP word attributions)."""

from textlens.caches import clear_caches
from textlens.errors import EmptyTextError, InputFileError, ModelLoadError, TextlensError, UnknownLabelError
from textlens.text.encoder import DEFAULT_MODEL_ID
from textlens.text.explain import explain, explain_many, warm_up
from textlens.text.models import Classifier, load_classifier
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

__all__ = [
    "__version__",
    "ADDITIVITY_TOLERANCE",
    "DEFAULT_MODEL_ID",
    "OUTPUT_SPACE",
    "Classifier",
    "EmptyTextError",
    "Explanation",
    "ImageExplanation",
    "ImagePrediction",
    "InputFileError",
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

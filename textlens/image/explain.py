"""SHAP Partition explanations of an image's pixels (blur masker), one explainer per model and image size."""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass, field

import numpy as np

from textlens import shap_kernels
from textlens.caches import owned, owner_lock
from textlens.image.model import ImageModel
from textlens.types import ImageExplanation

DEFAULT_IMAGE_EVALS = 500


@dataclass
class _ImageCall:
    """The model function of a cached explainer: the model, classes and progress of the current run.

    All are set per run only, so the explainer (kept on the model) does not keep its model alive.
    """

    classifier: ImageModel | None = None
    classes: list[int] = field(default_factory=list)
    progress: Callable[[int, int], None] | None = None
    expected: int = 0
    done: int = 0

    def __call__(self, batch: np.ndarray) -> np.ndarray:
        assert self.classifier is not None, "the explainer runs only inside explain_image"
        out = self.classifier.predict(batch)[:, self.classes]
        self.done += len(batch)
        if self.progress is not None:
            self.progress(min(self.done, self.expected), self.expected)
        return out


def _build_explainer(shape: tuple[int, int], blur: int):
    import shap

    shap_kernels.install()
    call = _ImageCall()
    masker = shap.maskers.Image(f"blur({blur},{blur})", (*shape, 3))
    return shap.explainers.Partition(call, masker), call


def _explainer(classifier: ImageModel, shape: tuple[int, int], blur: int):
    """One Partition explainer per (image size, blur), kept on the model: building its 150k-leaf tree costs seconds."""
    return owned(classifier, ("image", shape, blur), lambda: _build_explainer(shape, blur))


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
    with owner_lock(classifier):
        call.classifier, call.classes, call.progress = classifier, list(classes), progress
        call.expected, call.done = max_evals, 0
        if progress is not None:
            progress(0, max_evals)
        try:
            # shap breaks priority ties with random draws: this thread's own seeded generator.
            with shap_kernels.seeded(0):
                result = explainer(image[None].astype(np.float64), max_evals=max_evals, batch_size=50, silent=True)
        finally:
            call.classifier, call.progress = None, None
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

"""Where a result came from: a fingerprint of the model's weights and config, and library versions."""

from __future__ import annotations

import hashlib
import platform
from datetime import UTC, datetime
from importlib import metadata
from typing import Any

VERSIONED_PACKAGES = ("textlens", "shap", "transformers", "torch", "peft", "numpy")


def versions() -> dict[str, str]:
    """Installed versions of textlens and the libraries its results depend on ("" where absent)."""
    out = {"python": platform.python_version()}
    for name in VERSIONED_PACKAGES:
        try:
            out[name] = metadata.version(name)
        except metadata.PackageNotFoundError:
            out[name] = _source_version() if name == "textlens" else ""
    return out


def _source_version() -> str:
    # Running from a checkout that was not pip-installed: the version pyproject.toml declares.
    from textlens.version import __version__

    return __version__


def fingerprint_module(model: Any) -> str:
    """SHA-256 over a torch module's config and every parameter and buffer (names, dtypes, shapes, bytes).

    Two loads of the same files give the same fingerprint; any changed weight or config value changes it.
    """
    import torch

    digest = hashlib.sha256()
    config = getattr(model, "config", None)
    if config is not None:
        digest.update(config.to_json_string(use_diff=False).encode())
    for name, tensor in sorted(model.state_dict().items()):
        tensor = tensor.detach().cpu().contiguous()
        digest.update(f"{name}|{tensor.dtype}|{tuple(tensor.shape)}".encode())
        if tensor.dtype == torch.bfloat16:  # numpy has no bfloat16: hash the raw 16-bit words
            tensor = tensor.view(torch.int16)
        digest.update(tensor.numpy().tobytes())
    return digest.hexdigest()


def provenance(classifier: Any, **settings: Any) -> dict[str, Any]:
    """A plain dict describing how a result was made: model id, fingerprint, labels, settings, versions, time."""
    return {
        "model_id": classifier.model_id,
        "model_fingerprint": classifier.fingerprint,
        "labels": list(classifier.labels),
        "precision": classifier.precision,
        "settings": dict(settings),
        "versions": versions(),
        "created": datetime.now(UTC).isoformat(timespec="seconds"),
    }

"""Where a result came from: a fingerprint of the model's weights and config, and library versions."""

from __future__ import annotations

import hashlib
import json
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


# The identity scheme: 2 hashes only what decides a model's outputs (below); 1 (textlens until December 2026) also
# hashed the config's install path and the tensors' loading dtype, so it changed with the folder and precision.
IDENTITY_VERSION = 2
# Config entries that say where or how a model was loaded, or what a forward pass returns besides its logits:
# none changes a probability. Keys starting with "_" (the load path, attention backend, commit) are left out too.
NOT_IDENTITY = frozenset(
    {
        "name_or_path",
        "transformers_version",
        "dtype",
        "torch_dtype",
        "architectures",
        "attn_implementation",
        "output_attentions",
        "output_hidden_states",
        "return_dict",
        "use_return_dict",
        "use_cache",
        "gradient_checkpointing",
        "torchscript",
        "label2id",  # id2label says the same, in the order of the outputs
    }
)


def identity_config(config: Any) -> dict[str, Any]:
    """The parts of a transformers config that decide a model's outputs: its architecture's sizes, activations,
    label map and problem type, without the load path, library version, loading dtype or output switches.
    """
    return _identity_part(config.to_dict())


def _identity_part(value: Any) -> Any:
    if isinstance(value, dict):
        return {
            str(k): _identity_part(v)
            for k, v in sorted(value.items(), key=lambda kv: str(kv[0]))
            if not str(k).startswith("_") and k not in NOT_IDENTITY
        }
    if isinstance(value, list | tuple):
        return [_identity_part(v) for v in value]
    return value


def fingerprint_module(model: Any) -> str:
    """SHA-256 of what decides a torch module's outputs: :func:`identity_config` and every parameter and buffer.

    Floating-point tensors are hashed in one canonical dtype, bfloat16 (the coarsest the models run in), so a
    float32 and a bfloat16 load of the same files agree; weights that differ only below bfloat16's resolution
    (about three significant digits) share an identity, and their outputs differ no more than such a load's do.
    Never hashed: a path, a library version or the loading dtype. Any changed weight beyond that resolution,
    label or config value that changes the computation changes the fingerprint.
    """
    import torch

    digest = hashlib.sha256(f"textlens-identity-{IDENTITY_VERSION}".encode())
    config = getattr(model, "config", None)
    if config is not None:
        digest.update(json.dumps(identity_config(config), sort_keys=True, default=str).encode())
    for name, tensor in sorted(model.state_dict().items()):
        tensor = tensor.detach().cpu()
        if tensor.is_floating_point():
            kind, tensor = "float", tensor.to(torch.bfloat16).contiguous().view(torch.int16)
        else:
            kind, tensor = str(tensor.dtype), tensor.contiguous()
        digest.update(f"{name}|{kind}|{tuple(tensor.shape)}".encode())
        digest.update(tensor.numpy().tobytes())
    return digest.hexdigest()


def legacy_fingerprint_module(model: Any) -> str:
    """The identity textlens gave a model before :data:`IDENTITY_VERSION` 2 (config JSON with its install path,
    tensors in their loaded dtype): only to recognise results saved under it on the machine that made them.
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

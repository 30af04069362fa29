"""What an exported file is: the subject, model, precision, target, date and textlens version, in every export."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from html import escape

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

    @classmethod
    def of(cls, explanation, target: str | int | None = None, subject: str | None = None) -> ExportInfo:
        """The export facts of one explanation (any record with text, model_id, labels and settings)."""
        label = explanation.labels[explanation.label_index(target)]
        precision = explanation.settings.get("precision", "float32")
        text = subject if subject is not None else getattr(explanation, "text", "")
        return cls(text, explanation.model_id, precision, label)

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
        return {"model": self.model_id, "precision": self.precision, "exported": self.created, "textlens": self.version}

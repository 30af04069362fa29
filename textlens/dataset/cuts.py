"""Where the model stops reading a long text: the rows it reads only in part, for the Dataset page's rows table."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass


def cut_rows(texts: Sequence[object], read_until, max_length: int) -> dict[int, int]:
    """Row -> character offset where the model stops reading, for the rows it cuts (``read_until``:
    :meth:`textlens.text.models.Classifier.read_until`).

    Only texts of at least ``(max_length - 2) // 2`` UTF-8 bytes are tokenized: a token covers at least a
    byte (a word-start marker at most doubles the count), so shorter ones are read whole.
    """
    floor = (max_length - 2) // 2
    out = {}
    for row, text in enumerate(texts):
        if isinstance(text, str) and len(text.encode("utf-8")) >= floor:
            cut = read_until(text)
            if cut is not None:
                out[row] = int(cut)
    return out


@dataclass(frozen=True)
class Cuts:
    """The rows the model reads only in part (row -> character offset where it stops) and its token limit."""

    rows: dict[int, int]
    max_length: int

    def column(self, row_ids: Sequence[int], texts: Sequence[object]) -> list[str]:
        """Each row's "model read" cell: where a cut text stops ("first 1,234 of 5,000 characters"), empty for a
        text read whole.
        """
        cuts = self.rows
        return [f"first {cuts[r]:,} of {len(str(t)):,} characters" if r in cuts else "" for r, t in zip(row_ids, texts)]

    def help(self) -> str:
        return (
            f"The model reads at most {self.max_length} tokens: where it stopped in a longer text. The rest did not "
            "affect the prediction."
        )

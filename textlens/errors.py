"""Named exceptions whose messages tell a user what went wrong and what to do about it."""

from __future__ import annotations


class TextlensError(Exception):
    """Base class: every error textlens raises on purpose carries a message meant for the user."""


class ModelLoadError(TextlensError):
    """A model id or folder could not be turned into a text classifier."""


class EmptyTextError(TextlensError, ValueError):
    """The text to classify or explain has no visible characters."""

    def __init__(self, message: str = "The text is empty: type or paste something to analyse.") -> None:
        super().__init__(message)


class UnknownLabelError(TextlensError, KeyError):
    """A target label that the model does not have."""

    def __str__(self) -> str:  # KeyError would wrap the message in quotes
        return str(self.args[0]) if self.args else ""


class InputFileError(TextlensError, ValueError):
    """An uploaded or given file that cannot be read as texts."""


class NoTextColumnError(InputFileError):
    """No column of a file holds text, and none was named: nothing may be guessed as the text.

    What counts as text is :func:`textlens.dataset.files.holds_text`. The message names the file, each
    column with what it holds, and ``hint``: how to choose (a command-line flag, a select box).
    """

    HINT = "Name the text column with --text-column."
    # The dashboard's pages: the Text column box starts empty.
    BOX_HINT = "If one of them does hold the texts, choose it in the Text column box; nothing is predicted until then."
    SHOWN_COLUMNS = 20  # a wider file lists its first columns and how many more

    def __init__(self, name: str, kinds: dict[str, str], hint: str = HINT) -> None:
        self.name, self.kinds, self.hint = name, dict(kinds), hint
        names = list(self.kinds)
        shown = names[: self.SHOWN_COLUMNS]
        more = f" and {len(names) - len(shown)} more" if len(names) > len(shown) else ""
        if len(set(self.kinds.values())) == 1:
            listed = f"{', '.join(shown)}{more}: all {next(iter(self.kinds.values()))}"
        else:
            listed = ", ".join(f"{c} ({self.kinds[c]})" for c in shown) + more
        super().__init__(f"No column of {name} holds text (columns: {listed}). {hint}".rstrip())

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

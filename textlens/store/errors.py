"""What can go wrong with review packs, in messages a user can act on."""

from __future__ import annotations

from typing import Any

from textlens.errors import TextlensError


class StoreError(TextlensError):
    """The pack database cannot be opened or used as asked."""


class NotFoundError(StoreError, LookupError):
    """A pack or case that does not exist (any more)."""


class DuplicatePackError(StoreError):
    """A pack with this name exists already."""


class BundleError(StoreError, ValueError):
    """A pack bundle (or a field given to the store) that cannot be accepted; nothing was changed."""


def _quote(text: str, limit: int = 300) -> str:
    text = text if len(text) <= limit else text[: limit - 1] + "…"
    return f"«{text}»"


class ConflictError(StoreError):
    """An edit based on an old version of a case: someone else changed it meanwhile.

    ``yours`` holds the fields this edit wanted to write, ``theirs`` the case as it is now
    (``None`` if it was removed), so a page can show both texts and let the user decide.
    """

    def __init__(self, yours: dict[str, Any], theirs: Any | None) -> None:
        self.yours = dict(yours)
        self.theirs = theirs
        if theirs is None:
            message = "This case was removed meanwhile by someone else; your change was not saved."
        else:
            parts = []
            for field in ("note", "verdict", "tags"):
                if field in yours:
                    mine, now = yours[field], getattr(theirs, field)
                    if field == "tags":
                        mine, now = ", ".join(mine), ", ".join(now)
                    parts.append(f"{field}: theirs {_quote(str(now))}, yours {_quote(str(mine))}")
            message = (
                f"This case was changed meanwhile by someone else (now version {theirs.version}, "
                f"updated {theirs.updated}); "
                "your change was not saved. " + "; ".join(parts) + ". Reload, then apply your change again."
            )
        super().__init__(message)


class PermissionDeniedError(StoreError, PermissionError):
    """The user's role does not allow the change; the message says which role it needs."""

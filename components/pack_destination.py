"""Which pack an "Add to review pack" form means: the one decision both pack widgets make (no Streamlit here).

The form has a "Pack" select box (the packs there are, and :data:`NEW_PACK`) and a "New pack's name" text box.
What it means, decided by :func:`destination`:

- "+ New pack…" and a name: that pack. It is made when no pack has that exact name; when one does, the
  cases join it and the confirmation says the pack existed already (:func:`where`).
- "+ New pack…" and a name that differs from an existing pack's only in capitals: a question, nothing
  written (two packs whose names read the same in a meeting would split its cases).
- "+ New pack…" and no name: a question.
- An existing pack and no name (or its own name): that pack.
- An existing pack and a *different* name typed: a question naming both, nothing written. The form
  never guesses which of the two was meant.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from components.safe_text import escape_md

NEW_PACK = "+ New pack…"


@dataclass(frozen=True)
class Destination:
    """What a pack form means: a pack's name, or a question (Markdown, user strings escaped) and no name."""

    name: str = ""
    create: bool = False  # no pack of that name existed when the form was read: make it
    typed_existing: bool = False  # "+ New pack…" with the exact name of a pack that exists: add to that one
    question: str = ""

    @property
    def decided(self) -> bool:
        return bool(self.name) and not self.question


def destination(choice: str, typed: str, existing: Sequence[str]) -> Destination:
    """The pack a form with ``choice`` picked and ``typed`` in the new name's box means, given the
    ``existing`` packs' names; a :attr:`Destination.question` when it is not clear (see the module's doc).
    """
    typed = typed.strip()
    if choice == NEW_PACK:
        if not typed:
            return Destination(question="type a name for the new pack, or pick an existing one under **Pack**.")
        if typed in existing:
            return Destination(typed, typed_existing=True)
        twin = next((n for n in existing if n.casefold() == typed.casefold()), None)
        if twin is not None:
            return Destination(
                question=(
                    f"a pack named **{escape_md(twin)}** exists. Pick it under **Pack** to add to it, or type "
                    "a name that differs by more than capitals."
                )
            )
        return Destination(typed, create=True)
    if not typed or typed == choice:
        return Destination(choice)
    picked, new = escape_md(choice), escape_md(typed)
    return Destination(
        question=(
            f"**Pack** says **{picked}** but a new pack's name, **{new}**, is typed too. To make the pack "
            f"{new}, pick “{escape_md(NEW_PACK)}” under **Pack**; to add to {picked}, clear the name."
        )
    )


def open_destination(store, dest: Destination, owner: str):
    """The pack ``dest`` names, made first when it is new: ``(pack, created)``.

    A pack of the same name made by someone else since the form was drawn is used, not refused
    (``created`` is then False, and :func:`where` says so).
    """
    from textlens.store import DuplicatePackError

    if not dest.decided:
        raise ValueError("the form's destination is a question, not a pack")
    if dest.create:
        try:
            return store.create_pack(dest.name, owner=owner), True
        except DuplicatePackError:
            pass
    return store.pack(dest.name), False


def where(dest: Destination, name: str, created: bool) -> tuple[str, str]:
    """How a confirmation names the pack (Markdown, escaped): ``(phrase, remark)``, e.g.
    ("the new pack **Label audit**", "") or ("**Label audit**", " A pack of that name existed already.").
    """
    shown = f"**{escape_md(name)}**"
    if created:
        return f"the new pack {shown}", ""
    if dest.create or dest.typed_existing:
        return shown, " A pack of that name existed already: the new cases joined it."
    return shown, ""

"""The Review page's logic, no Streamlit calls: a case's edit form and its conflicts, the pack picker's options,
a pack's facts line, a bundle's import and a re-run's summary.

The edit form is a small state machine, :class:`CaseEdits`, kept in a session-state mapping (the page passes
``st.session_state``; a test passes a dict).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, MutableMapping, Sequence

from components.safe_text import escape_md
from components.state.review import ReviewKeys
from textlens.report.pack import short_time
from textlens.store import VERDICTS, BundleError, Case, Change, ConflictError, Pack, PermissionDeniedError, StoreError
from textlens.store.bundle import MAX_BUNDLE_BYTES, import_bundle
from textlens.store.rerun import RerunRow

FIELDS = ("note", "verdict", "tags")  # what a case's form edits, in the order of its widgets


def tags_text(tags: Iterable[str]) -> str:
    """Tags as the form's text box shows them: ``"negation, words"``."""
    return ", ".join(tags)


def at_click(edit: Callable[..., None], store_of: Callable[[], object]) -> Callable[..., None]:
    """A button callback that runs ``edit(store, *args)`` with the store as this session's user *at the click*.

    Streamlit runs callbacks before the page, so before the sign-in gate: a store drawn into the button's
    arguments would still act as a user whose sign-in has ended since (signed out in another tab, ended by an
    admin). ``store_of`` is asked at the click; when it refuses (a :class:`StoreError`), nothing is written and
    the gate, which runs next, says why.
    """

    def run(*args) -> None:
        try:
            store = store_of()
        except StoreError:
            return
        edit(store, *args)

    return run


class CaseEdits:
    """Every case's edit form (note, verdict, tags) in one session, saved against the version it started from.

    Per case the session keeps a *base*: the stored version the form started from and the values it had
    then (``state[keys.EDIT_BASE][case_id]``), beside the form's widgets (``keys.NOTE`` + id, ...).

    - A case the form has not seen (or whose widgets Streamlit forgot) is *adopted*: base and widgets
      become the case as stored.
    - A form nobody typed in (widgets == base values) follows others' changes silently: a newer stored
      version is adopted (:meth:`sync`).
    - A form with typing keeps its base; :meth:`sync` returns that older version, and the page warns
      that someone else changed the case.
    - :meth:`save` writes only the fields typed here, checked against the base version: saved, the case
      is adopted and the message is ``("saved", None)``; someone saved first, ``("conflict",
      ConflictError)`` with both texts and the base kept; any other refusal, ``("error", StoreError)``.
    - :meth:`reload` ("Load their version") adopts the case as stored and drops the message.

    Messages are kept per case (``state[keys.MESSAGE]``) until the page takes them (:meth:`take_message`).
    """

    def __init__(self, state: MutableMapping, keys=ReviewKeys) -> None:
        self.state, self.keys = state, keys

    def widget_keys(self, case_id: int) -> tuple[str, str, str]:
        """The session keys of the case's note, verdict and tags widgets."""
        return f"{self.keys.NOTE}{case_id}", f"{self.keys.VERDICT}{case_id}", f"{self.keys.TAGS}{case_id}"

    def _bases(self) -> dict:
        return self.state.setdefault(self.keys.EDIT_BASE, {})

    def _messages(self) -> dict:
        return self.state.setdefault(self.keys.MESSAGE, {})

    def adopt(self, case: Case) -> None:
        """Make ``case`` as stored the base of this session's edit form (and the form's values)."""
        note_key, verdict_key, tags_key = self.widget_keys(case.id)
        self._bases()[case.id] = (case.version, case.note, case.verdict, tags_text(case.tags))
        self.state[note_key], self.state[verdict_key] = case.note, case.verdict
        self.state[tags_key] = tags_text(case.tags)

    def sync(self, case: Case) -> int:
        """The version this session's form is based on; unedited forms follow others' changes silently."""
        base = self._bases()
        keys = self.widget_keys(case.id)
        if case.id not in base or any(k not in self.state for k in keys):
            self.adopt(case)
        version, *values = base[case.id]
        if version != case.version and [self.state[k] for k in keys] == values:
            self.adopt(case)  # nothing typed here since: show their change
        return base[case.id][0]

    def changes(self, case_id: int) -> dict:
        """The fields typed here since the base (tags as a list, empty ones dropped): what a save writes."""
        version, *base = self._bases()[case_id]
        now = [self.state[k] for k in self.widget_keys(case_id)]
        changes = {name: value for name, value, old in zip(FIELDS, now, base) if value != old}
        if "tags" in changes:
            changes["tags"] = [t for t in changes["tags"].split(",") if t.strip()]
        return changes

    def save(self, store, case_id: int) -> None:
        """Write the fields this session changed, checked against the version its form started from."""
        version = self._bases()[case_id][0]
        changes = self.changes(case_id)
        messages = self._messages()
        try:
            saved = store.update_case(case_id, version, **changes)
        except ConflictError as exc:
            messages[case_id] = ("conflict", exc)
        except StoreError as exc:
            messages[case_id] = ("error", exc)
        else:
            self.adopt(saved)
            messages[case_id] = ("saved", None)

    def reload(self, store, case_id: int) -> None:
        """Take the stored version (theirs, after a conflict) into the form; the message goes."""
        try:
            self.adopt(store.case(case_id))
        except StoreError:
            pass
        self._messages().pop(case_id, None)

    def move(self, store, case_id: int, offset: int) -> None:
        """Move the case ``offset`` places; a refusal is the case's error message."""
        try:
            store.move_case(case_id, offset)
        except StoreError as exc:
            self._messages()[case_id] = ("error", str(exc))

    def remove(self, store, case_id: int) -> None:
        """Remove the case; a role that may not is told so, a case already gone is no error."""
        try:
            store.remove_case(case_id)
        except PermissionDeniedError as exc:
            self._messages()[case_id] = ("error", str(exc))
        except StoreError:
            pass  # already removed by someone else: the list no longer shows it

    def take_message(self, case_id: int) -> tuple | None:
        """The case's message after its last save, move or removal (shown once), or None."""
        return self.state.get(self.keys.MESSAGE, {}).pop(case_id, None)


def conflict_lines(conflict: ConflictError) -> list[tuple[str, str]]:
    """Each field this session tried to save: ("name: theirs", "name: yours"), verdicts by their names."""
    lines = []
    for name, mine in conflict.yours.items():
        shown = {"verdict": VERDICTS.get, "tags": ", ".join}.get(name, str)
        lines.append((f"{name}: {shown(getattr(conflict.theirs, name))}", f"{name}: {shown(mine)}"))
    return lines


def changes_by_case(changes: Iterable[Change]) -> dict[int | None, list[Change]]:
    """A pack's history by case id (None: the pack's own changes), oldest first."""
    by_case: dict[int | None, list[Change]] = {}
    for change in changes:
        by_case.setdefault(change.case_id, []).append(change)
    return by_case


def open_options(
    packs: Mapping[int, Pack], found: Sequence[Pack], requested, current
) -> tuple[list[int | None], int | None]:
    """The "Open pack" picker's options (None first: no pack) and the pack open now.

    ``requested`` (a pack just made or linked) opens when it exists; the open pack stays open while the
    search no longer finds it; a pack deleted meanwhile closes.
    """
    if requested in packs:
        current = requested
    elif current not in packs:
        current = None
    options = [None, *[p.id for p in found]]
    if current not in options:
        options.append(current)
    return options, current


def pack_label(pack: Pack) -> str:
    """A pack as the picker lists it: ``"Release 3 review (4 cases · ana)"``."""
    owner = f" · {pack.owner}" if pack.owner else ""
    return f"{pack.name} ({pack.cases} cases{owner})"


def pack_facts(pack: Pack, cases: int, parent_name: str | None) -> str:
    """The open pack's facts line (Markdown, escaped): owner, cases, last change and where it came from."""
    facts = [
        f"owner **{escape_md(pack.owner or '—')}**",
        f"{cases} cases",
        f"updated {escape_md(short_time(pack.updated))}",
    ]
    if pack.origin:
        facts.append(escape_md(pack.origin) + (f" of **{escape_md(parent_name)}**" if parent_name else ""))
    return " · ".join(facts)


def import_file(store, data: bytes, name: str | None = None) -> Pack:
    """The pack in a JSON bundle's bytes, added to the store under its own name or ``name``.

    A :class:`BundleError` when the file is too large; a name that is taken raises (and says to pick another).
    """
    if len(data) > MAX_BUNDLE_BYTES:
        raise BundleError(f"The file is larger than {MAX_BUNDLE_BYTES // 1_000_000} MB.")
    return import_bundle(store, data, name=name)


def rerun_summary(rows: Sequence[RerunRow]) -> str:
    """The re-run's summary line (Markdown): changed cases, label flips and cases not re-run."""
    done = [r for r in rows if r.new is not None]
    changed = sum(r.changed for r in done)
    flips = sum(r.label_flip for r in done)
    return f"**{changed} of {len(done)}** re-run cases changed · **{flips}** label flips" + (
        f" · {len(rows) - len(done)} skipped" if len(done) < len(rows) else ""
    )


def case_numbers(rows: Sequence[RerunRow]) -> dict[int, int]:
    """Each re-run case's number in its pack (1, 2, … in the pack's order), by case id."""
    positions = {r.case.id: r.case.position for r in rows}
    return {case_id: n for n, case_id in enumerate(sorted(positions, key=positions.get), 1)}

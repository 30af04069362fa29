"""The review-pack widgets every page offers: "Add to review pack" (one case) and "Send to the pack" (many).

Which pack a form means is decided in :mod:`components.pack_destination` (no Streamlit there); these draw the
forms, write the cases and confirm with a link that opens the pack on the Review page.
"""

from __future__ import annotations

from collections.abc import Sequence

import streamlit as st

from components import auth
from components.error_box import attempt
from components.pack_destination import NEW_PACK, destination, open_destination, where
from components.safe_text import escape_md
from components.state import review as review_state

# The Review page as registered in dashboard.py; a pack form's confirmation links to it with ?pack=<id>.
REVIEW_PAGE = "app_pages/review.py"


def _pack_help(store) -> str | None:
    """Where packs are stored, for the Pack field's help (with sign-in, server paths are for admins only)."""
    if auth.may_see_server_paths(store.identity):
        return f"Packs are stored in {escape_md(store.location)}."
    return None


def add_to_pack_ui(
    record,
    target: str,
    *,
    source: str,
    classifier=None,
    row: str | int | None = None,
    truth: str | None = None,
    image: bytes | None = None,
    key: str,
):
    """The "Add to review pack" button: pick or name a pack, add a note; returns the stored case or None.

    The case keeps the record exactly as shown, its target class, provenance (model fingerprint,
    settings, versions) and this session's name; ``row`` and ``truth`` say which input of a Compare or
    Dataset table it was and its true label; ``image`` is the PNG an image case was explained on.
    ``key`` names the widget (its pack, new name, note and form keys add "_pack", "_new", "_note", "_form").
    """
    from textlens.store import provenance_of

    opened = attempt(_packs_open, message="Review packs are unavailable: {}")
    if opened is None:
        return None
    store, names = opened
    refused = store.identity.refusal("add_case")
    if refused:  # a viewer: a button that says why on hover, not a form refused when submitted
        st.button(
            "Add to review pack",
            icon=":material/playlist_add:",
            disabled=True,
            help=escape_md(refused),
            key=f"{key}_refused",
        )
        return None
    options = [*names, NEW_PACK]
    last = st.session_state.get(review_state.ReviewKeys.LAST_PACK)
    pack_key, new_key, note_key = f"{key}_pack", f"{key}_new", f"{key}_note"
    done = st.session_state.setdefault(review_state.ReviewKeys.ADDED, set())
    if key in done or st.session_state.get(pack_key) not in options:
        # A fresh form: the pack used last (else the first), no name, no note.
        done.discard(key)
        st.session_state[pack_key] = last if last in names else options[0]
        st.session_state[new_key] = st.session_state[note_key] = ""
    # Kept short (the store's location in the Pack's help, the note box at its smallest) so that the
    # pop-over fits above or below its button wherever the button sits on a 900 px screen.
    with st.popover("Add to review pack", icon=":material/playlist_add:"):
        with st.form(f"{key}_form", border=False, enter_to_submit=False):
            choice = st.selectbox("Pack", options, key=pack_key, help=_pack_help(store))
            new_name = st.text_input(
                "New pack's name",
                key=new_key,
                placeholder="e.g. Release 3 review",
                help="With '+ New pack…': the pack to make (or to add to, if one has this name).",
            )
            note = st.text_area("Note (optional)", key=note_key, height=68)
            submitted = st.form_submit_button("Add case", type="primary")
        if store.identity.verified:  # one line: who the case is recorded as (the sign-in's name)
            st.caption(f"Added as **{escape_md(store.identity.name)}**.")
    # The outcome is shown under the button: the popover closes when the page reruns.
    if not submitted:
        return None
    dest = destination(choice, new_name, names)
    if not dest.decided:
        st.warning(f"Not added: {dest.question}", icon=":material/help:")
        return None

    def add():
        pack, created = open_destination(store, dest, review_state.author())
        case = store.add_case(
            pack.id,
            record,
            target,
            note=note,
            provenance=provenance_of(classifier, record) if classifier is not None else None,
            author=review_state.author(),
            source=source,
            context={k: v for k, v in (("row", row), ("truth", truth)) if v is not None and v != ""},
            image=image,
        )
        return pack, created, case

    added = attempt(add, message="Not added: {}")
    if added is None:
        return None
    pack, created, case = added
    st.session_state[review_state.ReviewKeys.LAST_PACK] = pack.name
    done.add(key)
    phrase, remark = where(dest, pack.name, created)
    _confirm(f"Added to {phrase} as case {case.position + 1}.{remark}", pack)
    return case


def send_to_pack_ui(cases: Sequence[dict], *, source: str, classifier=None, key: str, what: str = "cases"):
    """A form that adds ``cases`` (``Store.add_case`` keyword arguments) to a pack picked or named in it.

    A case's provenance is its own ``"provenance"`` if it has one, else ``classifier``'s.

    Returns the pack name picked (also when nothing was sent this run, so verdicts can be read back
    from it), or None when packs are unavailable. ``key`` names the form (its widgets add "_pack", "_new").
    """
    from textlens.store import provenance_of

    opened = attempt(_packs_open, message="Review packs are unavailable: {}")
    if opened is None:
        return None
    store, names = opened
    options = [*names, NEW_PACK]
    pack_key, new_key, sent_key = f"{key}_pack", f"{key}_new", f"{key}_sent"
    if sent_key in st.session_state:  # the pack just sent to (a new one is picked from now on)
        st.session_state[pack_key] = st.session_state.pop(sent_key)
        st.session_state[new_key] = ""
    if st.session_state.get(pack_key) not in options:
        last = st.session_state.get(review_state.ReviewKeys.LAST_PACK)
        st.session_state[pack_key] = last if last in names else options[0]
    with st.form(f"{key}_form", border=False, enter_to_submit=False):
        left, right = st.columns(2)
        choice = left.selectbox("Pack", options, key=pack_key)
        new_name = right.text_input(
            "New pack's name",
            key=new_key,
            placeholder="e.g. Label audit, March",
            help="With '+ New pack…': the pack to make (or to add to, if one has this name).",
        )
        refused = store.identity.refusal("add_case")  # a viewer: disabled, saying why on hover
        submitted = st.form_submit_button(
            f"Send {len(cases):,} {what} to the pack",
            type="primary",
            disabled=bool(refused),
            help=escape_md(refused) if refused else None,
        )
    if not submitted or not cases:
        return choice if choice != NEW_PACK else None
    dest = destination(choice, new_name, names)
    if not dest.decided:
        st.warning(f"Not sent: {dest.question}", icon=":material/help:")
        return None

    def send():
        pack, created = open_destination(store, dest, review_state.author())
        for case in cases:
            case = dict(case)  # a case may carry its own provenance (two models' cases in one pack)
            provenance = case.pop("provenance", None)
            if provenance is None and classifier is not None:
                provenance = provenance_of(classifier, case["record"])
            store.add_case(pack.id, **case, provenance=provenance, author=review_state.author(), source=source)
        return pack, created

    sent = attempt(send, message="Not sent: {}")
    if sent is None:
        return None
    pack, created = sent
    st.session_state[review_state.ReviewKeys.LAST_PACK] = st.session_state[sent_key] = pack.name
    phrase, remark = where(dest, pack.name, created)
    _confirm(f"Sent {len(cases):,} {escape_md(what)} to {phrase}.{remark}", pack)
    return pack.name


def _confirm(message: str, pack) -> None:
    """A pack form's outcome: ``message`` (Markdown), and a link that opens ``pack`` on the Review page."""
    with st.container():
        st.success(message, icon=":material/check_circle:")
        st.page_link(
            REVIEW_PAGE,
            label=f"Open {escape_md(pack.name)} on the Review page",
            icon=":material/fact_check:",
            query_params={review_state.PACK_PARAM: str(pack.id)},
        )


def _packs_open():
    """The server's pack store and its packs' names (raises :class:`StoreError` when it cannot be opened)."""
    store = review_state.pack_store()
    return store, [p.name for p in store.packs()]

"""Review page: packs of stored cases to annotate, present one by one, and re-run on another model."""

from __future__ import annotations

from functools import partial

import streamlit as st

from components import auth, present, review
from components import widgets as ui
from components.safe_text import escape_md
from components.state import models
from components.state import review as review_state
from textlens.report.pack import case_card, pack_report, rerun_row_html, short_time, verdict_summary
from textlens.store import VERDICTS, Case, Change, ConflictError, Pack, Store, StoreError, provenance_of
from textlens.store.bundle import bundle_json
from textlens.store.rerun import RerunRow, rerun_cases, save_rerun

ALL = "All"
KEYS = review_state.ReviewKeys
PRESENT = "Present"
MODES = ["Cases", PRESENT, "Re-run on another model"]
EDITS = review.CaseEdits(st.session_state)  # each case's edit form: see components/review.py
# A case button's callback acts as this session's user at the click (callbacks run before the sign-in gate).
_now = partial(review.at_click, store_of=review_state.pack_store)


def author_ui(store: Store) -> str:
    """Sidebar: the name this session signs its cases and packs with (typed only when sign-in is off)."""
    if store.identity.verified:  # signed in: the identity provider's name (shown above), never a typed one
        return store.identity.name
    st.sidebar.header("Review")
    review_state.author()
    return st.sidebar.text_input("Your name", key=KEYS.AUTHOR, help="Stored with every case you add or edit.")


def pack_list_ui(store: Store) -> Pack | None:
    """Search packs by text, owner and tag; returns the pack opened (None when none is)."""
    everything = store.packs()
    search_col, owner_col, tag_col = st.columns([3, 2, 2])
    search = search_col.text_input(
        "Search packs", key=KEYS.SEARCH, placeholder="name, description, owner or tag", persist_state="session"
    )
    owners = sorted({p.owner for p in everything if p.owner}, key=str.casefold)
    tags = sorted({t for p in everything for t in p.tags}, key=str.casefold)
    owner = owner_col.selectbox("Owner", [ALL, *owners], key=KEYS.OWNER, persist_state="session")
    tag = tag_col.selectbox("Tag", [ALL, *tags], key=KEYS.TAG, persist_state="session")
    found = store.packs(search, owner="" if owner == ALL else owner, tag="" if tag == ALL else tag)
    if not everything:
        st.info("No packs yet. Add cases with **Add to review pack** on the Explain, Compare or Image page, or below.")
        return None
    if not found:
        st.info("No pack matches the search.")
    by_id = {p.id: p for p in everything}
    # A pack just made here (created, imported, saved re-run) opens at once; one deleted meanwhile closes.
    requested = st.session_state.pop(KEYS.OPEN_REQUEST, None)
    options, st.session_state[KEYS.OPEN] = review.open_options(by_id, found, requested, st.session_state.get(KEYS.OPEN))
    chosen = st.selectbox(
        "Open pack",
        options,
        format_func=lambda i: "— choose a pack —" if i is None else review.pack_label(by_id[i]),
        key=KEYS.OPEN,
        persist_state="session",
    )
    return by_id.get(chosen)


def new_pack_ui(store: Store) -> None:
    """Create an empty pack, or import one from a JSON bundle."""
    create, upload = st.columns(2)
    with create.expander("New pack"), st.form(KEYS.NEW_PACK_FORM, border=False):
        name = st.text_input("Name", key=KEYS.NEW_NAME)
        description = st.text_area("Description", key=KEYS.NEW_DESCRIPTION, height=80)
        refused = store.identity.refusal("create_pack")
        if st.form_submit_button("Create pack", disabled=bool(refused), help=refused):
            pack = ui.attempt(store.create_pack, name, description, owner=review_state.author())
            if pack is not None:
                _open(pack.id)
    with upload.expander("Import a pack (JSON bundle)"):
        bundle = ui.upload_ui("Bundle", ["json"], KEYS.IMPORT_FILE, KEYS.IMPORT_DATA, KEYS.FORGET_IMPORT)
        refused = store.identity.refusal("import")
        if refused:
            st.caption(escape_md(refused))
        name = st.text_input(
            "Name for the imported pack",
            key=KEYS.IMPORT_NAME,
            placeholder="the bundle's own name",
            help="Leave empty to keep the name the bundle carries; type another when a pack of that name exists.",
            persist_state="session",
        )
        if bundle is not None and st.button("Import", key=KEYS.IMPORT, disabled=bool(refused)):
            pack = ui.attempt(review.import_file, store, bundle.data, name.strip() or None, message="Not imported: {}")
            if pack is not None:
                st.session_state.pop(KEYS.IMPORT_DATA, None)  # imported: the file is done with
                st.session_state.pop(KEYS.IMPORT_NAME, None)
                _open(pack.id)


def open_linked_pack() -> None:
    """A link naming a pack (``/review?pack=<id>``, as the "Added to …" confirmations give) opens it, in
    the Cases view. The parameter is read once and removed, so the page's own picker rules from then on.
    """
    wanted = st.query_params.get(review_state.PACK_PARAM)
    if wanted is None:
        return
    del st.query_params[review_state.PACK_PARAM]
    if wanted.isdigit():  # an unknown id is ignored by pack_list_ui, like a pack deleted meanwhile
        st.session_state[KEYS.OPEN_REQUEST] = int(wanted)
        st.session_state[KEYS.MODE] = MODES[0]


def _open(pack_id: int) -> None:
    st.session_state[KEYS.OPEN_REQUEST] = pack_id
    st.rerun()


def pack_header_ui(store: Store, pack: Pack, cases: list[Case]) -> None:
    """Name, owner, lineage, description, verdict counts, downloads and deletion of the open pack."""
    st.subheader(escape_md(pack.name))
    parent_name = store.parent_name(pack)
    st.caption(review.pack_facts(pack, len(cases), parent_name))
    if pack.description.strip():
        st.text(pack.description)
    if cases:
        st.html(verdict_summary(cases))
    row = st.container(horizontal=True)
    row.download_button(
        "Report (HTML)",
        lambda: pack_report(pack, store.cases(pack.id), parent=parent_name),
        "review-pack.html",
        "text/html",
        icon=":material/description:",
        on_click="ignore",
    )
    row.download_button(
        "Bundle (JSON)",
        lambda: bundle_json(store, pack.id),
        "review-pack.json",
        "application/json",
        icon=":material/download:",
        on_click="ignore",
    )
    refused = store.identity.refusal("delete_pack")
    with row.popover("Delete pack", icon=":material/delete:", disabled=bool(refused), help=refused):
        st.write(f"Delete **{escape_md(pack.name)}** and its {len(cases)} cases? This cannot be undone.")
        # Disabled too: Streamlit ignores a forged click on a disabled button, and the store refuses it anyway.
        if st.button("Delete for good", type="primary", key=KEYS.DELETE, disabled=bool(refused)):
            try:
                store.delete_pack(pack.id)
            except StoreError as exc:
                ui.show_error(exc, "Not deleted: {}")
            else:
                st.rerun()


# --- editing cases -----------------------------------------------------------------------------


def conflict_ui(store: Store, case_id: int, conflict: ConflictError) -> None:
    """Someone saved this case first: their text beside this session's, and a way to take theirs."""
    if conflict.theirs is None:
        st.error("Not saved: someone else removed this case meanwhile.", icon=":material/sync_problem:")
        return
    st.error(
        "Not saved: someone else changed this case meanwhile. Their version and yours are below; load theirs, "
        "then apply your change again.",
        icon=":material/sync_problem:",
    )
    theirs_col, yours_col = st.columns(2)
    theirs_col.caption(
        f"Theirs (version {conflict.theirs.version}, by {escape_md(conflict.theirs.author or 'someone')})"
    )
    yours_col.caption("Yours (not saved)")
    for theirs, yours in review.conflict_lines(conflict):
        theirs_col.text(theirs)
        yours_col.text(yours)
    st.button("Load their version", key=f"{KEYS.RELOAD}{case_id}", on_click=_now(EDITS.reload), args=(case_id,))


def history_ui(changes: list[Change], title: str = "History") -> None:
    """Who changed this case (or pack), what and when: the store's append-only history, newest first."""
    if not changes:
        return
    with st.expander(f"{title} ({len(changes)} {'change' if len(changes) == 1 else 'changes'})"):
        for change in reversed(changes):
            st.markdown(
                f"{escape_md(short_time(change.at))} · **{escape_md(change.actor or '—')}** {escape_md(change.summary)}"
            )


def case_edit_ui(store: Store, case: Case, number: int, total: int) -> None:
    """Note, verdict and tags of one case, saved against the version this form started from."""
    base_version = EDITS.sync(case)
    note_key, verdict_key, tags_key = EDITS.widget_keys(case.id)
    message = EDITS.take_message(case.id)
    if message and message[0] == "conflict":
        conflict_ui(store, case.id, message[1])
    elif message and message[0] == "error":
        ui.show_error(message[1])
    elif message:
        st.toast(f"Case {number} saved.", icon=":material/check:")
    elif base_version != case.version:
        st.warning("Someone else changed this case after you started editing it; saving will show both versions.")
    # A role that may not edit sees the fields read-only, each control saying why (the store refuses anyway).
    refused, cannot_remove = store.identity.refusal("update_case"), store.identity.refusal("remove_case")
    note_col, side_col = st.columns([3, 2])
    note_col.text_area("Note", key=note_key, height=110, disabled=bool(refused))
    side_col.selectbox("Verdict", list(VERDICTS), format_func=VERDICTS.get, key=verdict_key, disabled=bool(refused))
    side_col.text_input("Tags (comma-separated)", key=tags_key, disabled=bool(refused))
    actions = st.container(horizontal=True)
    actions.button(
        "Save",
        key=f"{KEYS.SAVE}{case.id}",
        type="primary",
        on_click=_now(EDITS.save),
        args=(case.id,),
        disabled=bool(refused),
        help=refused,
    )
    actions.button(
        "Move up",
        key=f"{KEYS.UP}{case.id}",
        disabled=number == 1 or bool(refused),
        on_click=_now(EDITS.move),
        args=(case.id, -1),
    )
    actions.button(
        "Move down",
        key=f"{KEYS.DOWN}{case.id}",
        disabled=number == total or bool(refused),
        on_click=_now(EDITS.move),
        args=(case.id, 1),
    )
    with actions.popover("Remove", icon=":material/delete:", disabled=bool(cannot_remove), help=cannot_remove):
        st.button(
            f"Remove case {number} from the pack",
            key=f"{KEYS.REMOVE}{case.id}",
            on_click=_now(EDITS.remove),
            args=(case.id,),
            disabled=bool(cannot_remove),
        )


def cases_ui(store: Store, cases: list[Case]) -> None:
    """Every case in order (optionally one verdict only), each with its stored result and its edit form."""
    options = [ALL, *VERDICTS]
    shown = st.selectbox(
        "Show",
        options,
        format_func=lambda v: "All verdicts" if v == ALL else VERDICTS[v],
        key=KEYS.VERDICT_FILTER,
        persist_state="session",
    )
    if not cases:
        st.info(
            "This pack has no cases yet: add some with **Add to review pack** on the Explain, Compare or Image page."
        )
    refused = store.identity.refusal("update_case")
    if refused and cases:
        st.info(escape_md(refused), icon=":material/visibility:")
    changes = review.changes_by_case(store.history(pack_id=cases[0].pack_id) if cases else [])
    history_ui(changes.get(None, []), "Pack history")  # made, renamed, reordered, imported
    for number, case in enumerate(cases, 1):
        if shown != ALL and case.verdict != shown:
            continue
        with st.container(border=True):
            st.html(case_card(case, number, with_note=False))
            case_edit_ui(store, case, number, len(cases))
            history_ui(changes.get(case.id, []))


# --- present -----------------------------------------------------------------------------------


def _stop_presenting() -> None:
    st.session_state[KEYS.MODE] = MODES[0]


def presenting(store: Store) -> bool:
    """Present mode: when the open pack is being presented, draw only it (and return True)."""
    if st.session_state.get(KEYS.MODE) != PRESENT:
        return False
    opened = st.session_state.get(KEYS.OPEN)
    try:
        pack = store.pack(opened) if isinstance(opened, int) else None
    except StoreError:
        pack = None  # deleted meanwhile
    if pack is None:  # back to the list
        _stop_presenting()
        return False
    present.present_ui(pack, store.cases(pack.id), on_exit=_stop_presenting)
    return True


# --- re-run ------------------------------------------------------------------------------------


def rerun_model_ui() -> str | None:
    """The model to re-run on: a bundled one, or (for admins) a hub id / local folder typed here."""
    left, right = st.columns([2, 3])
    choice = left.radio("Model", [*models.BUNDLED_CHOICES, *ui.folder_choice()], key=KEYS.RERUN_CHOICE)
    if choice in models.BUNDLED_CHOICES:
        return models.BUNDLED_CHOICES[choice]
    wanted = right.text_input("Hub id or folder", key=KEYS.RERUN_MODEL, placeholder="e.g. /models/release-4")
    return wanted.strip() or None


def rerun_ui(store: Store, pack: Pack, cases: list[Case]) -> None:
    """Explain every text case again on another model; changed cases first; save as a linked pack."""
    st.caption(
        "Every text case is explained again with the model below and set beside the stored explanation: the "
        "change in the target's probability, label flips, and the words whose attribution changed sign or moved "
        "most. Stored cases are never changed."
    )
    model_id = rerun_model_ui()
    texts = sum(c.kind == "text" for c in cases)
    key = (pack.id, model_id, tuple((c.id, c.version) for c in cases))
    if st.button(f"Re-run {texts} text cases", type="primary", disabled=model_id is None or texts == 0):
        done = ui.attempt(rerun_pack, model_id, cases)
        if done is None:
            return
        st.session_state[KEYS.RERUN] = (key, *done)
    stored = st.session_state.get(KEYS.RERUN)
    if not stored or stored[0] != key:
        return
    _, rows, provenance = stored
    rerun_results_ui(rows, model_id)
    save_rerun_ui(store, pack, rows, model_id, provenance)


def rerun_pack(model_id: str, cases: list[Case]) -> tuple[list[RerunRow], dict | None]:
    """The cases explained again on ``model_id`` with a progress bar: (re-run rows, the new run's provenance)."""
    classifier = models.load_model(model_id)
    with ui.progress("Re-running the pack", classifier.seconds_per_row) as draw:
        rows = rerun_cases(cases, classifier.labels, lambda t: models.explanations(model_id, t, on_progress=draw))
    return rows, provenance_of(classifier, rows[0].new) if rows else None


def rerun_results_ui(rows: list[RerunRow], model_id: str) -> None:
    """The summary line and every case beside its re-run, changed ones first."""
    st.markdown(review.rerun_summary(rows))
    order = review.case_numbers(rows)
    for row in rows:
        with st.container(border=True):
            st.html(rerun_row_html(row, order[row.case.id], model_id))


def save_rerun_ui(store: Store, pack: Pack, rows: list[RerunRow], model_id: str, provenance) -> None:
    """Save the re-run as a new pack that links to this one."""
    with st.form(KEYS.SAVE_RERUN_FORM, border=False):
        name = st.text_input("Save as a new pack named", value=f"{pack.name} · re-run on {model_id}"[:200])
        refused = store.identity.refusal("create_pack")
        if st.form_submit_button(
            "Save re-run as a new pack", icon=":material/save:", disabled=bool(refused), help=refused
        ):
            child = ui.attempt(
                save_rerun,
                store,
                pack,
                rows,
                name,
                model_id=model_id,
                provenance=provenance,
                author=review_state.author(),
            )
            if child is not None:
                _open(child.id)


def render() -> None:
    """The Review page."""
    store = ui.attempt(review_state.pack_store)
    if store is None:
        st.stop()
    open_linked_pack()
    if presenting(store):
        return
    st.title("Review packs")
    author_ui(store)
    if auth.may_see_server_paths(store.identity):  # with sign-in, where the data lives is for admins only
        st.sidebar.caption(f"Packs are stored in {escape_md(store.location)} ({store.backend}).")
    st.caption("Collect cases from the other pages, write down what was decided, present them, and re-run them.")
    pack = pack_list_ui(store)
    if pack is None:
        new_pack_ui(store)
        return
    cases = store.cases(pack.id)
    # "Present" never shows here: a run that starts in Present mode draws only the case (presenting()).
    mode = st.radio(
        "View", MODES, horizontal=True, key=KEYS.MODE, label_visibility="collapsed", persist_state="session"
    )
    pack_header_ui(store, pack, cases)
    if mode == MODES[2]:
        rerun_ui(store, pack, cases)
    else:
        cases_ui(store, cases)


render()

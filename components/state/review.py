"""The Review page's session keys and the review-pack store this server opens once."""

from __future__ import annotations

import streamlit as st

# The Review page's query parameter naming a pack to open (its id): "Open … on the Review page" links use it.
PACK_PARAM = "pack"


class ReviewKeys:
    """Session keys of the Review page and of the "Add to review pack" widget."""

    OPEN = "review_open"  # the "Open pack" selectbox
    OPEN_REQUEST = "review_open_request"  # a pack to open on the next run (just created or imported)
    SEARCH = "review_search"
    OWNER = "review_owner"
    TAG = "review_tag"
    MODE = "review_mode"
    AUTHOR = "review_author"  # the name this session signs its cases and packs with
    NEW_PACK_FORM = "review_new_pack"
    NEW_NAME = "review_new_name"
    NEW_DESCRIPTION = "review_new_description"
    IMPORT_FILE = "review_import_file"  # the bundle uploader
    IMPORT_DATA = "review_import_file_data"  # the last bundle uploaded (widgets.KeptFile), kept across pages
    FORGET_IMPORT = "review_forget_import_file"
    IMPORT = "review_import"
    IMPORT_NAME = "review_import_name"  # the imported pack's name, when not the bundle's own
    DELETE = "review_delete"
    PRESENT = "review_present_index_"  # + pack id: the case on screen in Present mode
    HIGH_CONTRAST = "review_high_contrast"  # Present mode's palette switch
    EXIT_PRESENT = "review_exit_present"
    RERUN = "review_rerun"  # (pack id, model id, case versions) -> re-run rows
    RERUN_CHOICE = "review_rerun_choice"
    RERUN_MODEL = "review_rerun_model"
    SAVE_RERUN_FORM = "review_save_rerun"
    EDIT_BASE = "review_edit_base"  # case id -> the version this session's edit form started from
    MESSAGE = "review_messages"  # case id -> (kind, message) shown once after a save
    VERDICT_FILTER = "review_verdict_filter"
    # + case id: each case's edit form and its buttons
    NOTE = "review_note_"
    VERDICT = "review_verdict_"
    TAGS = "review_tags_"
    SAVE = "review_save_"
    RELOAD = "review_reload_"
    UP = "review_up_"
    DOWN = "review_down_"
    REMOVE = "review_remove_"
    LAST_PACK = "review_last_pack"  # the pack "Add to review pack" offers first
    ADDED = "review_added"  # "Add to review pack" widgets whose form starts afresh on the next run


def pack_store():
    """The server's review-pack store (``$TEXTLENS_DB``, else the user's data folder) acting as this session's user.

    The database is opened once per server; each session gets a view of it with its own identity
    (:func:`components.auth.identity`), whose role the store enforces. Without one (sign-in on, not
    signed in) it raises :class:`PermissionDeniedError` and nothing is read.
    """
    from components import auth
    from components.server_store import server_store
    from textlens.store import PermissionDeniedError, StoreError

    who = auth.identity(author())
    if who is None:
        raise PermissionDeniedError("Sign in to see the review packs.")
    try:
        store = server_store()
    except StoreError as exc:
        if auth.may_see_server_paths(who):
            raise
        # Where the database is, and the driver's reason, are for admins (the message names both).
        raise StoreError("The review-pack database cannot be opened; tell an admin of this server.") from exc
    return store.as_user(who)


def author() -> str:
    """The name this session signs with (default: the server's login name)."""
    from textlens.store import default_author

    return st.session_state.setdefault(ReviewKeys.AUTHOR, default_author())

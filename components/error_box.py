"""The one error box: a :class:`TextlensError` shown as a red box with its message escaped, and the page goes on."""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

import streamlit as st

from components.safe_text import escape_md
from textlens import TextlensError

T = TypeVar("T")


def show_error(exc: BaseException | str, message: str = "{}") -> None:
    """An error as a red box: its message Markdown-escaped (shown exactly as written), put into ``message``'s ``{}``."""
    st.error(message.format(escape_md(exc)))


def attempt(call: Callable[..., T], /, *args, message: str = "{}", **kwargs) -> T | None:
    """``call(*args, **kwargs)``; on a :class:`TextlensError`, its red box (:func:`show_error`) and None.

    Every page shows the errors it expects this way: ``table = ui.attempt(read_table, data, name)``,
    then ``if table is None: return``. The rest of the page goes on.
    """
    try:
        return call(*args, **kwargs)
    except TextlensError as exc:
        show_error(exc, message)
        return None

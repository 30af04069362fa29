"""State that belongs to a model (its explainers, their row caches) kept on the model object itself.

Building a Partition explainer costs up to seconds (an image's 150k-leaf tree), so it is built once
per model and reused. It is stored in an attribute of the model, bounded in size, so it dies with
the model when a cache (the dashboard's, a test's) drops it: no module-level registry keyed by
``id()`` that keeps every model ever seen alive. Engines must not hold the model themselves
(they get it per call), or model and engine would only be freed by the cycle collector.
"""

from __future__ import annotations

import threading
from collections import OrderedDict
from collections.abc import Callable, Hashable
from typing import Any, TypeVar

ATTRIBUTE = "_textlens_state"
MAX_ENTRIES = 4  # engines per model: text uses one per leaves setting, images one per (size, blur)

T = TypeVar("T")
# Guards creating an owner's state (two threads meeting a fresh model); each owner then has its own lock.
_CREATE = threading.Lock()


class OwnedState:
    """A model's engines, least recently used first, and the lock that guards them."""

    def __init__(self) -> None:
        self.entries: OrderedDict[Hashable, Any] = OrderedDict()
        self.lock = threading.RLock()


def state_of(owner: object) -> OwnedState:
    """The :class:`OwnedState` stored on ``owner`` (created on first use)."""
    state = getattr(owner, ATTRIBUTE, None)
    if state is None:
        with _CREATE:
            state = getattr(owner, ATTRIBUTE, None)
            if state is None:
                state = OwnedState()
                setattr(owner, ATTRIBUTE, state)  # a model that refuses attributes fails loudly here
    return state


def owned(owner: object, key: Hashable, build: Callable[[], T], max_entries: int = MAX_ENTRIES) -> T:
    """``owner``'s entry for ``key``, built by ``build()`` the first time.

    Beyond ``max_entries`` the least recently used entries are dropped.
    """
    state = state_of(owner)
    with state.lock:
        if key in state.entries:
            state.entries.move_to_end(key)
            return state.entries[key]
        value = state.entries[key] = build()
        while len(state.entries) > max_entries:
            state.entries.popitem(last=False)
        return value


def owner_lock(owner: object):
    """The lock that serialises explanations on ``owner``: its own ``lock`` if it has one."""
    lock = getattr(owner, "lock", None)
    return lock if lock is not None else state_of(owner).lock


def clear_caches(*owners: object) -> None:
    """Forget the explainers and evaluated rows built for ``owners`` (tests and benchmarks measure cold starts).

    The next explanation rebuilds them. Results do not change: the caches only save time.
    """
    for owner in owners:
        state = getattr(owner, ATTRIBUTE, None)
        if state is not None:
            with state.lock:
                state.entries.clear()

"""Helpers for the AppTest suites."""

from __future__ import annotations

from pathlib import Path

from streamlit.testing.v1 import AppTest

# Loading a model and a first SHAP call take seconds; AppTest's default 3 s is too short.
TIMEOUT = 300


def start_app(script: Path, page: str | None = None) -> AppTest:
    """Run the dashboard (optionally switched to ``page``) once, with no exception."""
    at = AppTest.from_file(str(script), default_timeout=TIMEOUT)
    at.run()
    if page:
        at.switch_page(page)
        at.run()
    assert not at.exception, at.exception
    return at


def visit_another_page(at: AppTest, page: str, other: str = "app_pages/compare.py") -> None:
    """Leave ``page`` for ``other`` and come back (Streamlit forgets unkept widget values meanwhile)."""
    at.switch_page(other)
    at.run()
    at.switch_page(page)
    at.run()
    assert not at.exception, at.exception


def button(at: AppTest, label: str):
    """The button with this label (labels are unique on our pages)."""
    return next(b for b in at.button if b.label == label)


def html_blocks(at: AppTest) -> list[str]:
    """Bodies of every st.html element on the page."""
    return [h.proto.body for h in at.get("html")]


def capture_downloads(monkeypatch) -> dict[str, object]:
    """Record every download button's data by its label (a function, as a deferred download gives, is called).

    AppTest shows a button's label but not its file: the page's own ``download_button`` calls are
    watched instead, so a test reads exactly the bytes a user would get.
    """
    from streamlit.delta_generator import DeltaGenerator

    seen: dict[str, object] = {}
    original = DeltaGenerator.download_button

    def watched(self, label, data, *args, **kwargs):
        seen[label] = data
        return original(self, label, data, *args, **kwargs)

    monkeypatch.setattr(DeltaGenerator, "download_button", watched)
    return seen


def download_data(seen: dict[str, object], label: str) -> str | bytes:
    """The file behind the download button labelled ``label``, as a user clicking it gets it."""
    data = seen[label]
    return data() if callable(data) else data

"""Present mode's steps and chrome without AppTest."""

from __future__ import annotations

from components.present import step, title_html


def test_previous_and_next_stay_within_the_pack():
    assert step(0, 1, 4) == 1
    assert step(3, 1, 4) == 3, "Next on the last case stays there"
    assert step(0, -1, 4) == 0, "Previous on the first case stays there"
    assert step(2, -1, 4) == 1
    assert step(0, 1, 1) == 0


def test_the_title_is_escaped_and_brings_the_chrome():
    html = title_html("<script>x</script>")
    assert "<script>x" not in html and "&lt;script&gt;x&lt;/script&gt;" in html
    assert 'data-testid="stSidebar"' in html

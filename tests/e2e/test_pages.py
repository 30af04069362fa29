"""The Explain and Compare pages in real headless Chromium against a running server."""

from __future__ import annotations

import re

import pytest

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import (
    RESULT_TIMEOUT_MS,
    choose,
    click,
    each_theme,
    open_page,
    type_text,
    wait_idle,
    word_background,
)

pytestmark = pytest.mark.e2e


def test_explain_colours_words_for_positive(server, new_page):
    page = new_page()
    open_page(page, server.url)
    type_text(page, "The acting was wonderful but the plot was dull.")
    click(page, "Explain")
    page.wait_for_selector(".tl-summary", timeout=RESULT_TIMEOUT_MS)  # SHAP's result, not the preview
    choose(page, "Target class", "POSITIVE")
    page.wait_for_selector(".tl-word[title*='toward POSITIVE'], .tl-word[title*='against POSITIVE']")
    wait_idle(page)
    for theme in each_theme(page):  # the words' colours read on either background
        r, g, b, alpha = word_background(page, "wonderful")
        assert r > b and alpha > 0.1, f"wonderful should be on the red side for POSITIVE ({theme})"
        r, g, b, alpha = word_background(page, "dull")
        assert b > r and alpha > 0.1, f"dull should be on the blue side for POSITIVE ({theme})"
        screenshot(page, f"explain-{theme}")
    assert page.get_by_text("change in the probability of").count() >= 1
    summary = page.locator(".tl-summary").inner_text()
    assert "with every word hidden the model gives POSITIVE" in summary  # where the model starts, then why
    assert "outweighs" in summary or "mainly from" in summary
    # The downloads work from the browser: JSON, and the chart as PNG via kaleido.
    with page.expect_download(timeout=RESULT_TIMEOUT_MS) as info:
        click(page, "Explanation (JSON)")
    assert '"words"' in open(info.value.path(), encoding="utf-8").read()
    with page.expect_download(timeout=RESULT_TIMEOUT_MS) as info:
        click(page, "Chart (PNG)")
    assert open(info.value.path(), "rb").read(8) == b"\x89PNG\r\n\x1a\n"
    trust_and_what_if(page)
    assert not page.dialogs


def trust_and_what_if(page) -> None:
    """The Trust tab's curves and sentence, then removing "wonderful" in the What-if tab (each shot in both themes)."""
    page.get_by_role("tab", name="Trust").click()
    page.wait_for_selector(".tl-trust-sentence", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(".tl-trust-sentence").inner_text().startswith("Removing the top 3 words")
    assert "random" in page.locator(".tl-trust-numbers").inner_text()
    for theme in each_theme(page):
        screenshot(page, f"explain-trust-{theme}")
    page.get_by_role("tab", name="What if").click()
    page.get_by_role("combobox", name="Words to edit").click()
    page.get_by_role("option", name=re.compile(r"^wonderful · #4")).click()
    page.keyboard.press("Escape")
    page.wait_for_selector(".tl-what-if", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert "“wonderful” removed" in page.locator(".tl-what-if").inner_text()
    click(page, "Explain the edited text")
    page.wait_for_selector(".tl-row-head", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(".tl-row-head").count() == 2
    for theme in each_theme(page):
        screenshot(page, f"explain-whatif-{theme}")


def test_compare_three_rows_and_heatmap(server, new_page):
    page = new_page(height=3000)
    open_page(page, server.url, "compare")
    type_text(
        page,
        "A warm, funny and moving film.\nThe plot was dull and far too long.\nFine acting, forgettable story.",
        label="Texts, one per line",
    )
    click(page, "Compare 3 inputs")
    page.wait_for_selector(".tl-row-head", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(".tl-row-head").count() == 3
    assert page.locator(".tl-highlight").count() == 4  # three rows and the full-size view
    page.wait_for_selector(".js-plotly-plot .heatmaplayer, .js-plotly-plot .hm", timeout=60_000)
    for theme in each_theme(page):
        screenshot(page, f"compare-{theme}")
    assert not page.dialogs


def test_compare_matches_zero_one_labels_by_the_models_label_order(server, new_page, tmp_path):
    from tests.app_pages.test_compare import ZERO_ONE_ROWS

    page = new_page(height=2600)
    open_page(page, server.url, "compare")
    page.get_by_text("Upload CSV / TSV / TXT").click()
    path = tmp_path / "zero_one.csv"
    path.write_text("review,label\n" + "".join(f"{t},{y}\n" for t, y in ZERO_ONE_ROWS), encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_text("0 → NEGATIVE, 1 → POSITIVE, by the model's label order").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    click(page, f"Compare {len(ZERO_ONE_ROWS)} inputs")
    page.wait_for_selector(".tl-row-head", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.get_by_text("0 of 4 wrong").count() == 1
    heads = page.locator(".tl-row-head").all_inner_texts()
    assert len(heads) == 4 and all("✓ correct" in h for h in heads), heads
    assert "(true: 1 → POSITIVE)" in heads[0]
    screenshot(page, "compare-zero-one")
    assert not page.dialogs


def test_compare_says_which_rows_of_a_long_file_and_takes_model_a_errors(server, new_page, tmp_path):
    from tests.app_pages.test_compare import LONG_FILE

    page = new_page(height=2600)
    open_page(page, server.url, "compare")
    page.get_by_text("Upload CSV / TSV / TXT").click()
    path = tmp_path / "long.csv"
    path.write_text("text,label\n" + "".join(f"{t},{y}\n" for t, y in LONG_FILE), encoding="utf-8")
    page.locator("input[type=file]").set_input_files(str(path))
    page.get_by_text("Comparing the first 50 of 60 rows.").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    page.get_by_text("Model A's errors").click()
    page.get_by_text("Comparing all 6 rows model A gets wrong, of 60.").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    click(page, "Compare 6 inputs")
    page.wait_for_selector(".tl-row-head", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    heads = page.locator(".tl-row-head").all_inner_texts()
    assert len(heads) == 6 and all("✗ wrong" in h for h in heads) and "#55" in heads[0], heads
    screenshot(page, "compare-model-a-errors")
    assert not page.dialogs

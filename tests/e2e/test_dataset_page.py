"""The Dataset page in headless Chromium: upload a labelled CSV, metrics, click a confusion cell, filtered table."""

from __future__ import annotations

import csv
import os
import re

import pytest
from playwright.sync_api import TimeoutError as PlaywrightTimeout
from playwright.sync_api import expect

from tests.e2e.conftest import screenshot
from tests.e2e.helpers import (
    RESULT_TIMEOUT_MS,
    choose,
    click,
    each_theme,
    go_to,
    grid_with_column,
    select_grid_row,
    upload_and_predict,
    wait_idle,
)
from tests.factories import FLIPPED_ROWS, flipped_reviews, flipped_reviews_csv

pytestmark = pytest.mark.e2e

GOOD = ["a warm, funny and moving film", "wonderful acting and a lovely story", "a delight from start to end"]
BAD = ["a dull and tedious mess", "the plot was boring and far too long", "an awful waste of two hours"]


def write_reviews(path) -> None:
    """60 reviews; every fifth one carries the opposite label, so the matrix has errors off the diagonal."""
    with open(path, "w", newline="", encoding="utf-8") as handle:
        writer = csv.writer(handle)
        writer.writerow(["id", "review", "sentiment", "<b>source</b>"])
        for i in range(60):
            positive = i % 2 == 0
            text = (GOOD if positive else BAD)[i % 3] + f", part {i}"
            label = "positive" if positive else "negative"
            if i % 5 == 0:
                label = "negative" if positive else "positive"
            writer.writerow([f"r{i}", text, label, "<i>web</i>" if i % 3 else "mail"])


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_upload_metrics_and_click_an_error_cell(server, new_page, tmp_path, theme):
    page = new_page(theme, height=2400)
    page.goto(server.url + "/dataset")
    path = tmp_path / "reviews.csv"
    write_reviews(path)
    upload_and_predict(page, path, 60)
    # Auto-waiting: a slow machine may still be drawing the rest of the run's elements.
    expect(page.get_by_text("Accuracy", exact=True)).to_have_count(1, timeout=RESULT_TIMEOUT_MS)
    expect(page.get_by_text(re.compile(r"^\d+ of 60 rows"))).to_have_count(1, timeout=RESULT_TIMEOUT_MS)
    chart = page.locator(".js-plotly-plot").first
    chart.wait_for(timeout=60_000)
    # The cell true NEGATIVE, predicted POSITIVE: its count is the second annotation.
    screenshot(page, f"dataset-{theme}")
    cells = chart.locator(".annotation-text")
    texts = [cells.nth(i).locator("tspan.line").first.text_content() for i in range(cells.count())]
    counts = [int(t.replace(",", "")) for t in texts]
    assert len(counts) == 4 and sum(counts) == 60
    off_diagonal = counts[1]
    assert off_diagonal > 0
    # A user clicks the cell; Plotly hears clicks on its drag layer above the points, so click where it is.
    box = chart.locator(".scatterlayer .point").nth(1).bounding_box()
    page.mouse.click(box["x"] + box["width"] / 2, box["y"] + box["height"] / 2)
    caption = page.get_by_text("Filtered to true NEGATIVE, predicted POSITIVE")
    caption.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert f": {off_diagonal} rows." in caption.inner_text().replace("\\", "")
    assert page.get_by_text(f"{off_diagonal} of 60 rows", exact=False).count() == 1
    screenshot(page, f"dataset-filtered-{theme}")
    # Select the first row of the filtered table (its checkbox at the grid's left edge): it is explained in place.
    # The rows table: the last grid with predicted labels (the word tables below it have none).
    select_grid_row(page, grid_with_column(page, "predicted_label"), 0)
    page.wait_for_selector(".tl-highlight .tl-word", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.get_by_role("button", name="Open in Explain").count() == 1
    assert page.get_by_text("✗ wrong").count() == 1
    page.get_by_role("button", name="Open in Explain").scroll_into_view_if_needed()
    screenshot(page, f"dataset-explained-{theme}")
    if theme == "dark":  # a page switch keeps the clicked cell, the selected row and its explanation
        for name in ("Review", "Dataset"):
            go_to(page, name)
        caption = page.get_by_text("Filtered to true NEGATIVE, predicted POSITIVE")
        caption.wait_for(timeout=RESULT_TIMEOUT_MS)
        # The selection comes back in the table itself (it is the row's id, set back on the new table).
        grid = grid_with_column(page, "predicted_label")
        grid.locator("tr[aria-rowindex='2'][aria-selected='true']").wait_for(
            state="attached", timeout=RESULT_TIMEOUT_MS
        )
        page.wait_for_selector(".tl-highlight .tl-word", timeout=RESULT_TIMEOUT_MS)
        assert page.get_by_role("button", name="Open in Explain").count() == 1
        screenshot(page, "dataset-round-trip-dark")
    # Which words drive the model, estimated over every row by the bundled model's one-pass explainer as soon
    # as the rows were predicted (no click).
    if theme == "light":
        page.get_by_role("button", name="Clear cell filter").click()
        wait_idle(page)
    assert page.get_by_role("button", name="Estimate over all 60 rows").count() == 0
    estimated = page.get_by_text(re.compile(r"\(60 rows estimated; words in at least"))
    estimated.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    trust = re.compile(r"^Values over all 60 rows, estimated in one pass; r = 0\.\d{3} with exact")
    assert page.get_by_text(trust).count() == 1
    estimated.scroll_into_view_if_needed()
    screenshot(page, f"dataset-words-estimated-{theme}")
    if theme == "light":  # the exact aggregate over a small sample: words driving the errors beside correct rows
        page.get_by_text("Exact, a sample", exact=True).click()
        wait_idle(page)
        rows = page.get_by_label("Rows to explain")
        rows.fill("4")
        rows.press("Enter")
        wait_idle(page)
        click(page, "Explain 4 rows")
        try:
            page.get_by_text("Words that drive the errors").wait_for(timeout=RESULT_TIMEOUT_MS)
        finally:
            screenshot(page, "dataset-words-light")
        wait_idle(page)
        assert page.get_by_text("Toward class").count() == 1
        page.get_by_text("Words that drive the errors").scroll_into_view_if_needed()
        screenshot(page, "dataset-words-light")
    # "Open in Explain" carries the row's text to the Explain page.
    page.get_by_role("button", name="Open in Explain").click()
    page.get_by_label("Text to analyse").wait_for(timeout=RESULT_TIMEOUT_MS)
    assert page.get_by_label("Text to analyse").input_value() == "a warm, funny and moving film, part 0"
    assert page.locator("b#injected, script:not([src])").filter(has_text="x").count() == 0
    assert not page.dialogs


def test_a_file_without_text_is_refused_and_a_column_can_be_chosen(server, new_page, tmp_path):
    """Issue 35: id,score,flag had 'score' taken as the text; now the page says no column holds text."""
    page = new_page("light", height=1000)
    page.goto(server.url + "/dataset")
    path = tmp_path / "report.csv"
    path.write_text("id,score,flag\n1,0.5,1\n2,0.7,0\n3,0.1,1\n", encoding="utf-8")
    file_input = page.locator("input[type=file]")
    file_input.wait_for(state="attached", timeout=RESULT_TIMEOUT_MS)
    file_input.set_input_files(str(path))
    refusal = page.get_by_text("No column of report.csv holds text")
    refusal.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert "(columns: id, score, flag: all numbers)" in refusal.inner_text().replace("\\", "")
    assert page.get_by_role("button", name=re.compile("^Predict all")).count() == 0
    assert page.get_by_text("Accuracy", exact=True).count() == 0
    screenshot(page, "dataset-no-text-column")
    choose(page, "Text column", "score")  # chosen, a column is honoured: the user asked for it
    page.get_by_role("button", name="Predict all 3 rows").wait_for(timeout=RESULT_TIMEOUT_MS)
    assert page.get_by_text("No column of report.csv holds text").count() == 0


def test_likely_label_errors_rank_the_flipped_rows_and_go_to_a_pack(server, new_page, tmp_path):
    """A new user loads a file with three labels flipped on purpose, opens "Likely label errors", finds those
    rows ranked first and sends them to a review pack as label errors for a reviewer to confirm.
    """
    from textlens.store import open_store

    page = new_page("light", height=2400)
    page.goto(server.url + "/dataset")
    path = tmp_path / "flipped.csv"
    path.write_bytes(flipped_reviews_csv())
    title_text = f"Likely label errors: {len(FLIPPED_ROWS)} of 24 labelled rows"
    upload_and_predict(page, path, 24, until=title_text)
    title = page.get_by_text(title_text)
    title.click()
    section = page.locator("[data-testid='stExpander']").filter(has_text="Likely label errors")
    section.get_by_text("Accuracy without likely label errors").wait_for(timeout=RESULT_TIMEOUT_MS)
    grid = section.locator("[data-testid='stDataFrame']")
    flipped_texts = {flipped_reviews()[r][0] for r in FLIPPED_ROWS}
    top = []
    for row in range(len(FLIPPED_ROWS)):
        cells = grid.locator(f"tr[aria-rowindex='{row + 2}']")
        cells.wait_for(state="attached", timeout=RESULT_TIMEOUT_MS)
        top.append(cells.inner_text())
    assert all(any(text in shown for text in flipped_texts) for shown in top), top
    screenshot(page, "dataset-label-errors-light")
    choose(page, "Pack", "+ New pack…")
    section.get_by_role("textbox", name="New pack's name").fill("Label audit (e2e)")
    click(page, f"Send {len(FLIPPED_ROWS)} likely label errors to the pack")
    page.get_by_text(f"Sent {len(FLIPPED_ROWS)} likely label errors").wait_for(timeout=RESULT_TIMEOUT_MS)
    with open_store(os.environ["TEXTLENS_DB"]) as store:
        cases = store.cases(store.pack("Label audit (e2e)").id)
    assert sorted(c.context["row"] for c in cases) == list(FLIPPED_ROWS)
    assert {c.verdict for c in cases} == {"label-error"}


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_second_model_headline_broken_rows_side_by_side_and_pack(server, new_page, tmp_path, theme, tiny_sentiment_dir):
    """Load a set, pick a second model (a tiny local folder), read the headline, click "broken by B", open one
    row's two explanations side by side, and send the broken rows to a review pack."""
    page = new_page(theme, height=2600)
    page.goto(server.url + "/dataset")
    path = tmp_path / "reviews.csv"
    write_reviews(path)
    upload_and_predict(page, path, 60)
    main = page.get_by_test_id("stMain")
    main.get_by_text("Compare with a second model").click()
    main.get_by_text("Hub id or local folder").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    main.get_by_text("Hub id or local folder").click()
    wait_idle(page)
    main.get_by_role("textbox", name="Hub id or folder").fill(str(tiny_sentiment_dir))
    main.get_by_role("button", name="Load model").click()
    page.get_by_text("Model B loaded").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    click(page, "Predict all 60 rows with model B")
    page.get_by_text("Accuracy B", exact=True).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    sentence = page.get_by_text(re.compile(r"^B fixes \d+ rows? and breaks \d+"))
    expect(sentence).to_have_count(1, timeout=RESULT_TIMEOUT_MS)
    broken = int(re.search(r"breaks (\d+)", sentence.inner_text()).group(1))
    assert broken > 0
    page.get_by_text("What B changes", exact=True).scroll_into_view_if_needed()
    screenshot(page, f"dataset-compare-{theme}")
    # Click the "broken by B" cell: the rows table shows those rows only.
    page.get_by_role("button", name=re.compile(r"^Broken by B · ")).click()
    caption = page.get_by_text("Filtered to broken by B")
    caption.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert f": {broken} rows." in caption.inner_text().replace("\\", "")
    # One row's two explanations side by side, on one scale, with the words that changed.
    select_grid_row(page, grid_with_column(page, "B predicted"), 0)
    page.get_by_text(re.compile(r"^Change in P\(")).wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    expect(page.locator(".tl-highlight")).to_have_count(2, timeout=RESULT_TIMEOUT_MS)
    expect(page.get_by_text("✓ correct")).to_have_count(1)
    expect(page.get_by_text("✗ wrong")).to_have_count(1)
    page.get_by_text(re.compile(r"^Change in P\(")).scroll_into_view_if_needed()
    screenshot(page, f"dataset-compare-side-by-side-{theme}")
    # The broken rows into a new review pack in one step.
    section = page.get_by_test_id("stExpander").filter(has_text=f"Send the {broken} rows broken by B")
    section.get_by_text(f"Send the {broken} rows broken by B to a review pack").click()
    wait_idle(page)
    new_pack = page.get_by_role("option", name="+ New pack…", exact=True)
    for _ in range(5):  # a click landing while the expander still opens is lost on a busy machine
        section.get_by_role("combobox", name="Pack").click()
        try:
            new_pack.wait_for(timeout=5_000)
            break
        except PlaywrightTimeout:
            page.keyboard.press("Escape")
    new_pack.click()
    section.get_by_role("textbox", name="New pack's name").fill(f"Release review {theme}")
    click(page, f"Send {2 * broken} cases to the pack")
    page.get_by_text(f"Sent {2 * broken} cases to").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    screenshot(page, f"dataset-compare-pack-{theme}")


def show(page, preset: str) -> None:
    """Pick a preset of the rows table's "Show" radio, as a user does, and wait for the run."""
    page.locator("[data-testid='stRadio']").filter(has_text="Show").get_by_text(preset, exact=True).click()
    wait_idle(page)


def explained_text(page) -> str:
    """The text of the row explained under the table (words joined by single spaces)."""
    page.wait_for_selector(".tl-highlight .tl-word", timeout=RESULT_TIMEOUT_MS)
    return " ".join(page.locator(".tl-highlight").first.inner_text().split())


@pytest.mark.parametrize("theme", ["light", "dark"])
def test_a_selected_row_stays_itself_when_the_filter_changes(server, new_page, tmp_path, theme):
    """Issue 35: row 2 picked under "All rows", then "All errors", explained row 20 (the row at position 2).
    Now a right row is unselected with a note, and an error row stays selected and explained as itself.
    """
    page = new_page(theme, height=2400)
    page.goto(server.url + "/dataset")
    path = tmp_path / "reviews.csv"
    write_reviews(path)  # every fifth row's label is flipped: rows 0, 5, 10… are the errors
    upload_and_predict(page, path, 60)
    grid = grid_with_column(page, "predicted_label")
    select_grid_row(page, grid, 2)
    wait_idle(page)
    assert explained_text(page).startswith("a delight from start to end, part 2")
    show(page, "All errors")
    page.get_by_text("Row 2 is not in this view; selection cleared.").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.locator(".tl-highlight").count() == 0  # no other row explained in its place
    assert grid_with_column(page, "predicted_label").locator("tr[aria-selected='true']").count() == 0
    screenshot(page, f"dataset-selection-cleared-{theme}")
    # An error row picked under "All rows" is still that row under "All errors", at its new place.
    show(page, "All rows")
    select_grid_row(page, grid_with_column(page, "predicted_label"), 5)
    wait_idle(page)
    assert explained_text(page).startswith("an awful waste of two hours, part 5")
    show(page, "All errors")
    grid = grid_with_column(page, "predicted_label")
    errors = [t for t in grid.locator("tr").all_inner_texts() if "part" in t]
    position = next(i for i, t in enumerate(errors) if re.search(r"part 5(?!\d)", t))
    grid.locator(f"tr[aria-rowindex='{position + 2}'][aria-selected='true']").wait_for(
        state="attached", timeout=RESULT_TIMEOUT_MS
    )
    assert explained_text(page).startswith("an awful waste of two hours, part 5")
    assert page.get_by_text("is not in this view").count() == 0
    grid.scroll_into_view_if_needed()
    screenshot(page, f"dataset-selection-kept-{theme}")


def test_failure_cohorts_and_the_map_filter_the_rows(server, new_page, tmp_path):
    """Issue 38: without typing a slice, the planted failure (labels flipped on every row mentioning the festival)
    is read as the top cohort; a click on it filters the rows table; on the map, coloured by cohort, a lasso
    selects rows and the table shows exactly those. Each view is shot in light and dark.
    """
    from tests.planted import planted_csv, planted_ids

    page = new_page("light", height=2400)
    page.goto(server.url + "/dataset")
    path = tmp_path / "planted.csv"
    path.write_bytes(planted_csv())
    planted = len(planted_ids())
    upload_and_predict(page, path, 120, until="Failure cohorts")
    top = page.get_by_text(re.compile(rf": {planted} rows, 100% wrong, 100% of all errors$"))
    top.wait_for(timeout=RESULT_TIMEOUT_MS)
    # The map, coloured by cohort: the planted rows are a region of their own.
    click(page, "Draw the map of 120 rows")
    page.get_by_text("placed with PCA").wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    page.locator("[data-testid='stRadio']").filter(has_text="Colour by").get_by_text("Cohort", exact=True).click()
    wait_idle(page)
    chart = page.locator("[data-testid='stPlotlyChart']").filter(has=page.get_by_text("in no cohort (90)"))
    chart.wait_for(timeout=RESULT_TIMEOUT_MS)
    chart.scroll_into_view_if_needed()
    for theme in each_theme(page):
        screenshot(page, f"dataset-map-cohorts-{theme}")
    # A lasso around the left half of the map (the chart starts in lasso mode): the table shows those rows.
    area = chart.locator(".nsewdrag").first.bounding_box()
    corners = [(0.02, 0.02), (0.5, 0.02), (0.5, 0.98), (0.02, 0.98), (0.02, 0.03)]
    page.mouse.move(area["x"] + area["width"] * 0.02, area["y"] + area["height"] * 0.02)
    page.mouse.down()
    for fx, fy in corners:
        page.mouse.move(area["x"] + area["width"] * fx, area["y"] + area["height"] * fy, steps=8)
    page.mouse.up()
    caption = page.get_by_text(re.compile(r"^Filtered to rows selected on the map: \d+ rows\.$"))
    caption.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    selected = int(re.search(r"(\d+) rows\.$", caption.inner_text()).group(1))
    assert 0 < selected < 120
    assert page.get_by_text(f"{selected} of 120 rows", exact=False).count() == 1
    for theme in each_theme(page):
        screenshot(page, f"dataset-map-lasso-{theme}")
    click(page, "Clear map selection")
    caption.wait_for(state="detached", timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    # A click on the top cohort filters the rows table to its rows.
    cohorts = grid_with_column(page, "share of errors")
    select_grid_row(page, cohorts, 0)
    note = page.get_by_text(re.compile(rf"^Filtered to cohort “.+”: {planted} rows\.$"))
    note.wait_for(timeout=RESULT_TIMEOUT_MS)
    wait_idle(page)
    assert page.get_by_text(f"{planted} of 120 rows", exact=False).count() == 1
    assert page.get_by_text(f"Send rows of this cohort ({planted}) to a review pack").count() == 1
    cohorts.scroll_into_view_if_needed()
    for theme in each_theme(page):
        screenshot(page, f"dataset-cohort-picked-{theme}")
    assert not page.dialogs

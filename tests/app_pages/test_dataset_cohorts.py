"""AppTest for the Dataset page's failure cohorts and map: a planted cohort found without typing a slice, its
click filtering the rows table (kept across a page switch), sent to a review pack in one step and in the report;
the map drawn on a click, its box or lasso selection filtering the rows table by row id.
"""

from __future__ import annotations

import re

import pytest

from tests.apptest_helpers import button, capture_downloads, download_data, start_app, visit_another_page
from tests.conftest import ROOT
from tests.planted import HOSTILE_SOURCE, PLANTED_WORD, planted_csv, planted_ids

PAGE = "app_pages/dataset.py"
ROWS = 120


def plain(text: str) -> str:
    return re.sub(r"\\(.)", r"\1", text)


def select(at, key: str, position: int) -> None:
    """Pick row ``position`` of the selectable table ``key`` as a click would, and run."""
    at.session_state[key] = {"selection": {"rows": [position], "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception


def table_rows(at) -> list[int]:
    return sorted(at.dataframe(key="dataset_table").value["row_id"])


@pytest.fixture
def predicted(tmp_path, monkeypatch):
    """The page with the planted file predicted by the bundled model (every fourth row's label flipped)."""
    monkeypatch.setenv("TEXTLENS_DB", str(tmp_path / "packs.db"))
    at = start_app(ROOT / "dashboard.py", PAGE)
    at.file_uploader(key="dataset_upload").set_value(("planted.csv", planted_csv(ROWS), "text/csv"))
    at.run()
    next(s for s in at.selectbox if s.label == "True label column").set_value("sentiment")
    next(s for s in at.multiselect if "etadata" in s.label).set_value(["source"])
    at.run()
    button(at, f"Predict all {ROWS} rows").click().run()
    assert not at.exception, at.exception
    return at


def test_a_cohort_click_filters_the_table_survives_a_page_switch_and_goes_to_a_pack(predicted, monkeypatch, tmp_path):
    from textlens.store import open_store

    at = predicted
    seen = capture_downloads(monkeypatch)
    planted = planted_ids(ROWS)
    summary = [plain(m.value) for m in at.markdown if "where errors concentrate" in plain(m.value)]
    assert summary and summary[0].startswith("**1 group of rows where errors concentrate, holding 100% of them.")
    top = next(plain(m.value) for m in at.markdown if plain(m.value).startswith("1. "))
    assert top.endswith(f": {len(planted)} rows, 100% wrong, 100% of all errors")
    table = at.dataframe(key="dataset_cohorts_table").value
    assert table["rows"].tolist()[0] == len(planted) and table["error rate"].tolist()[0] == 1.0
    description = table["cohort"].tolist()[0]
    assert description in (f"contains '{PLANTED_WORD}'", "likely label error")  # both separate the flipped rows
    assert table_rows(at) == list(range(ROWS))
    select(at, "dataset_cohorts_table", 0)
    assert table_rows(at) == planted
    assert any(f"Filtered to cohort “{description}”: {len(planted)} rows." in plain(c.value) for c in at.caption)
    # A page switch keeps the cohort picked (by its identity) and the table filtered.
    visit_another_page(at, PAGE)
    assert table_rows(at) == planted
    assert at.session_state["dataset_cohorts_table"]["selection"]["rows"] == [0]
    # One step to a review pack: each row with its explanation, the cohort noted.
    assert at.number_input(key="dataset_cohort_send_n").value == 20  # exact explanations of many rows take long
    at.number_input(key="dataset_cohort_send_n").set_value(len(planted)).run()
    at.selectbox(key="dataset_cohort_send_pack").set_value("+ New pack…")
    at.text_input(key="dataset_cohort_send_new").set_value("Festival rows")
    button(at, f"Send {len(planted)} rows to the pack").click().run()
    assert not at.exception, at.exception
    with open_store(tmp_path / "packs.db") as store:
        cases = store.cases(store.pack("Festival rows").id)
    assert sorted(c.context["row"] for c in cases) == planted
    assert all(f"cohort {description}" in c.note for c in cases)
    # Without the model's outputs the tree splits on what the rows say: the planted word, by name.
    at.toggle(key="dataset_cohort_outputs").set_value(False).run()
    assert at.dataframe(key="dataset_cohorts_table").value["cohort"].tolist() == [f"contains '{PLANTED_WORD}'"]
    # The report has the cohorts, every user string escaped.
    report = download_data(seen, "Report (HTML)")
    assert "<h2>Failure cohorts</h2>" in report and "1 group of rows where errors concentrate" in report
    assert "<b>web</b>" not in report


def test_the_map_is_drawn_on_a_click_and_its_selection_filters_the_table(predicted):
    at = predicted

    def charts() -> list[str]:
        return [chart.key for chart in at.get("plotly_chart")]

    assert "dataset_map_chart_0" not in charts()  # drawn only on a click: it runs the model once more
    button(at, f"Draw the map of {ROWS} rows").click().run()
    assert not at.exception, at.exception
    assert "dataset_map_chart_0" in charts()
    assert at.radio(key="dataset_map_colour").options == [
        "Correct or wrong",
        "True label",
        "Predicted label",
        "Confidence",
        "Cohort",
    ]
    assert any("placed with PCA" in plain(c.value) for c in at.caption)
    # A box or lasso selection reports its points with their row ids (customdata): the table shows those rows.
    points = [{"customdata": [r]} for r in (7, 3, 50)]
    at.session_state["dataset_map_chart_0"] = {"selection": {"points": points, "box": [], "lasso": [{}]}}
    at.run()
    assert not at.exception, at.exception
    assert table_rows(at) == [3, 7, 50]
    assert any("Filtered to rows selected on the map: 3 rows." in plain(c.value) for c in at.caption)
    # The map and its selection stay through a page switch; "Clear map selection" clears it.
    at.radio(key="dataset_map_colour").set_value("Cohort").run()
    assert table_rows(at) == [3, 7, 50]  # a new colouring redraws the chart, not the selection
    visit_another_page(at, PAGE)
    assert table_rows(at) == [3, 7, 50] and not [b for b in at.button if b.label.startswith("Draw the map")]
    assert at.radio(key="dataset_map_colour").value == "Cohort"
    button(at, "Clear map selection").click().run()
    assert not at.exception, at.exception
    assert table_rows(at) == list(range(ROWS))


def test_hostile_metadata_is_shown_literally(predicted):
    at = predicted
    assert HOSTILE_SOURCE in at.dataframe(key="dataset_table").value["source"].tolist()
    for block in [m.value for m in at.markdown]:
        assert "<b>" not in block


def test_with_a_second_model_the_rows_b_broke_have_their_cohorts(predicted, tiny_sentiment_dir):
    from textlens.dataset.compare import BROKEN

    at = predicted
    at.toggle(key="dataset_compare_on").set_value(True).run()
    at.radio(key="dataset_model_b_choice").set_value("Hub id or local folder").run()
    at.text_input(key="dataset_model_b_wanted").set_value(str(tiny_sentiment_dir))
    button(at, "Load model").click().run()
    button(at, f"Predict all {ROWS} rows with model B").click().run()
    assert not at.exception, at.exception
    at.radio(key="dataset_cohorts_of").set_value("Rows B broke").run()
    assert not at.exception, at.exception
    (summary,) = [plain(m.value) for m in at.markdown if "rows A got right" in plain(m.value)]
    broken = int((at.session_state["dataset_comparison"][1].codes == BROKEN).sum())
    assert f"rows A got right, {broken} rows B broke" in summary

"""AppTest for the Dataset page: upload a labelled file, predict, metrics, slices, presets, the data folder."""

from __future__ import annotations

import re

import pytest

from tests.apptest_helpers import (
    button,
    capture_downloads,
    download_data,
    html_blocks,
    start_app,
    visit_another_page,
)
from tests.conftest import ROOT
from textlens.dataset.compare import rows_phrase

PAGE = "app_pages/dataset.py"
HOSTILE = "<b>src</b>"
ROWS = [
    ("I loved every minute of this warm and funny café film.", "positive", "web"),
    ("A boring, tedious waste of two hours.", "negative", "web"),
    ("Wonderful acting and a moving story.", "POSITIVE", "mail"),
    ("The plot was dull and the jokes fell flat.", "0", "mail"),
    ("Not bad at all, quite charming really.", "1", "web"),
    ("An utter mess from start to finish.", "positive", "<script>x</script>"),
    ("", "negative", "web"),
    ("Great fun.", "neutral", "web"),
]


def plain(text: str) -> str:
    """Markdown-escaped text as shown."""
    return re.sub(r"\\(.)", r"\1", text)


def csv_bytes() -> bytes:
    lines = [f"id,review,sentiment,{HOSTILE}"]
    lines += [f'r{i},"{t}",{y},{s}' for i, (t, y, s) in enumerate(ROWS)]
    return ("\n".join(lines) + "\n").encode("cp1252")


@pytest.fixture
def app():
    return start_app(ROOT / "dashboard.py", PAGE)


def upload(at, data: bytes = b"", name: str = "reviews.csv"):
    at.file_uploader(key="dataset_upload").set_value((name, data or csv_bytes(), "text/csv"))
    at.run()
    assert not at.exception, at.exception


def test_upload_predict_metrics_slices_and_presets(app):
    at = app
    upload(at)
    assert any("not UTF-8" in plain(i.value) for i in at.info)
    text_col = next(s for s in at.selectbox if s.label == "Text column")
    label_col = next(s for s in at.selectbox if s.label == "True label column")
    assert text_col.value == "review"
    label_col.set_value("sentiment")  # 5 distinct values in 8 rows is too many for a guess; not in a real file
    at.run()
    button(at, "Predict all 8 rows").click()
    at.run()
    assert not at.exception, at.exception
    warnings = plain(" ".join(w.value for w in at.warning))
    assert "'neutral' (1 row)" in warnings and "left out of the metrics" in warnings
    assert any("could not be predicted" in e.label for e in at.expander)
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Labelled rows"] == "6"  # 8 rows, one empty text, one unmatched label
    assert len(at.get("plotly_chart")) >= 2  # confusion matrix and reliability diagram
    assert len(at.get("download_button")) == 5
    # Slices: the hostile metadata column is offered and shown literally, the keyword slice is added, and
    # the table is ordered as its caption says: worst accuracy first, slices without a labelled row last.
    at.text_input(key="dataset_pattern").set_value("not")
    at.run()
    assert not at.exception, at.exception
    slices = at.dataframe[1].value
    assert slices["value"].tolist().count("keyword not") == 1
    accuracy = slices["accuracy"].tolist()
    known = [a for a in accuracy if a == a]
    assert known == sorted(known) and accuracy[: len(known)] == known
    assert HOSTILE in slices["slice by"].tolist()
    at.text_input(key="dataset_pattern").set_value("(unclosed")
    at.toggle(key="dataset_regex").set_value(True)
    at.run()
    assert any("Not a valid regular expression" in plain(e.value) for e in at.error)
    at.radio(key="dataset_preset").set_value("All errors")
    at.run()
    assert not at.exception, at.exception
    table = at.dataframe[2].value
    assert (table["true_label"] != table["predicted_label"]).all()


def test_upload_is_kept_across_pages(app):
    at = app
    upload(at)
    next(s for s in at.selectbox if s.label == "True label column").set_value("sentiment")
    at.run()
    button(at, "Predict all 8 rows").click()
    at.run()
    at.text_input(key="dataset_pattern").set_value("not")
    at.toggle(key="dataset_case").set_value(True)
    at.radio(key="dataset_preset").set_value("All errors")
    at.text_input(key="dataset_search").set_value("plot").run()
    visit_another_page(at, PAGE)
    # The slice pattern, its toggles, the preset and the search are kept too.
    assert at.text_input(key="dataset_pattern").value == "not" and at.toggle(key="dataset_case").value
    assert at.radio(key="dataset_preset").value == "All errors" and at.text_input(key="dataset_search").value == "plot"
    # Streamlit's uploader forgot the file; the kept copy is in use, with its columns and predictions.
    assert any("uploaded earlier in this session" in plain(c.value) for c in at.caption)
    assert next(s for s in at.selectbox if s.label == "True label column").value == "sentiment"
    assert {m.label: m.value for m in at.metric}["Labelled rows"] == "6"
    button(at, "Forget it").click()
    at.run()
    assert any("Upload a file to start" in c.value for c in at.caption)
    assert not at.metric


def test_bad_files_show_a_message(app):
    at = app
    upload(at, b"\x00\x01binary", "data.csv")
    assert any("looks binary" in plain(e.value) for e in at.error)
    upload(at, b"a,a\n1,2\n", "dup.csv")
    assert any("repeated" in plain(e.value) for e in at.error)


def test_data_folder_lists_files_only_inside_it(tmp_path, monkeypatch):
    (tmp_path / "reviews.csv").write_bytes(csv_bytes())
    (tmp_path / "notes.md").write_text("not data")
    monkeypatch.setenv("TEXTLENS_DATA_DIR", str(tmp_path))
    at = start_app(ROOT / "dashboard.py", PAGE)
    at.radio(key="dataset_source").set_value("From the data folder")
    at.run()
    assert not at.exception, at.exception
    entry = at.selectbox(key="dataset_entry")
    assert [o for o in entry.options] == ["reviews.csv"]
    assert button(at, "Predict all 8 rows")


def open_corpus_result(tmp_path, monkeypatch, classifier, name: str, **settings):
    """The page on the data folder, holding one corpus result ``name`` of the sample file made with ``settings``."""
    from textlens.corpus import run_corpus

    source = tmp_path / "in.csv"
    source.write_bytes(csv_bytes().decode("cp1252").encode("utf-8"))  # the corpus engine reads UTF-8
    run_corpus(
        source,
        tmp_path / "data" / name,
        text_column="review",
        label_column="sentiment",
        classifier=classifier,
        show_progress=False,
        **settings,
    )
    monkeypatch.setenv("TEXTLENS_DATA_DIR", str(tmp_path / "data"))
    at = start_app(ROOT / "dashboard.py", PAGE)
    at.radio(key="dataset_source").set_value("From the data folder")
    at.run()
    assert not at.exception, at.exception
    return at


def test_corpus_result_opens_with_stored_predictions(tmp_path, monkeypatch, tiny_sentiment_dir):
    from textlens import load_classifier

    at = open_corpus_result(tmp_path, monkeypatch, load_classifier(str(tiny_sentiment_dir)), "run1")
    assert at.selectbox(key="dataset_entry").options == ["run1/ (corpus result)"]
    assert any("nothing is recomputed" in plain(i.value) for i in at.info)
    assert not [b for b in at.button if b.label.startswith("Predict all")]  # stored, not predicted again
    assert {m.label: m.value for m in at.metric}["Labelled rows"] == "6"
    button(at, "Aggregate 6 rows").click()
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="dataset_word_target").value == "POSITIVE"


def test_a_one_pass_corpus_result_says_its_values_are_estimated(tmp_path, monkeypatch, tiny_sentiment_dir):
    from textlens import load_classifier
    from textlens.text.explain import explain_many
    from textlens.text.one_pass import train

    classifier = load_classifier(str(tiny_sentiment_dir))
    head = train(classifier, explain_many(classifier, ["a fine film", "dull and slow", "warm and funny"]), steps=20)
    head.save(tmp_path / "head")
    at = open_corpus_result(tmp_path, monkeypatch, classifier, "fast", method="one-pass", explainer=tmp_path / "head")
    (note,) = [plain(i.value) for i in at.info if "nothing is recomputed" in plain(i.value)]
    assert "one-pass word values (estimated in one pass; agreement with exact values not measured)" in note
    assert any("Stored one-pass values of the corpus result" in plain(c.value) for c in at.caption)
    button(at, "Aggregate 6 rows").click()
    at.run()
    assert not at.exception, at.exception
    assert any("6 rows estimated" in plain(c.value) for c in at.caption)


def test_rows_spanning_lines_are_a_warning_and_ids_a_note(app):
    from tests.dataset.test_files import MERGED_CSV

    at = app
    upload(at, MERGED_CSV, "merged.csv")
    assert any("5 lines after its header, but 3 rows were read" in plain(w.value) for w in at.warning)
    button(at, "Predict all 3 rows").click()
    at.run()
    assert not at.exception, at.exception
    assert any("0 → NEGATIVE, 1 → POSITIVE, by the model's label order" in plain(i.value) for i in at.info)


def test_likely_label_errors_table_filter_pack_and_verdicts(tmp_path, monkeypatch):
    """The flipped labels rank first; the rows table sets them aside; the top ones go to a pack as label errors."""
    from tests.factories import FLIPPED_ROWS, flipped_reviews_csv
    from textlens.store import open_store

    monkeypatch.setenv("TEXTLENS_DB", str(tmp_path / "packs.db"))
    at = start_app(ROOT / "dashboard.py", PAGE)
    upload(at, flipped_reviews_csv(), "flipped.csv")
    next(s for s in at.selectbox if s.label == "True label column").set_value("sentiment")
    at.run()
    button(at, "Predict all 24 rows").click()
    at.run()
    assert not at.exception, at.exception
    (section,) = [e for e in at.expander if e.label.startswith("Likely label errors")]
    assert not section.markdown  # closed: its contents run when it is opened
    at.session_state["dataset_label_issues_open"] = True
    at.run()
    (section,) = [e for e in at.expander if e.label.startswith("Likely label errors")]
    assert section.label == f"Likely label errors: {len(FLIPPED_ROWS)} of 24 labelled rows"
    assert any("likely label errors; the estimated label-noise rate is" in plain(m.value) for m in section.markdown)
    assert any("out-of-sample" in c.value for c in section.caption)
    metrics = {m.label: m.value for m in at.metric}
    # Accuracy without the flagged rows is circular: never a headline metric, only inside its caveat, in points.
    assert metrics["Accuracy"] == "87.5%" and not any("without" in label for label in metrics)
    (aside,) = [plain(c.value) for c in section.caption if "Accuracy without likely label errors" in plain(c.value)]
    assert "100.0% (+12.5 points against all rows)" in aside and "circular" in aside and "%)" not in aside
    table = section.dataframe[0].value
    assert sorted(table["row"]) == list(FLIPPED_ROWS)
    assert (table["given_label"] != table["suggested_label"]).all()
    assert table["quality"].is_monotonic_increasing and (table["reviewer_verdict"] == "").all()
    # The rows table: a column, and a filter that sets them aside (leaving the model's own errors) or keeps only them.
    rows = at.dataframe(key="dataset_table").value
    assert rows.loc[rows["likely_label_error"], "row_id"].tolist() == list(FLIPPED_ROWS)
    at.radio(key="dataset_preset").set_value("All errors")
    at.radio(key="dataset_label_issues_filter").set_value("Set aside").run()
    assert not at.exception, at.exception
    assert at.dataframe(key="dataset_table").value.empty  # every error was a flipped label
    at.radio(key="dataset_label_issues_filter").set_value("Only them").run()
    assert at.dataframe(key="dataset_table").value["row_id"].tolist() == list(FLIPPED_ROWS)
    # Send the top two to a new pack: cases with the verdict "label error" preset, the row and labels in context.
    at.number_input(key="dataset_label_issues_send_n").set_value(2).run()
    at.selectbox(key="dataset_label_issues_send_pack").set_value("+ New pack…")
    at.text_input(key="dataset_label_issues_send_new").set_value("Label audit")
    button(at, "Send 2 likely label errors to the pack").click().run()
    assert not at.exception, at.exception
    assert any("Sent 2 likely label errors" in s.value for s in at.success)
    store = open_store(tmp_path / "packs.db")
    pack = store.pack("Label audit")
    cases = store.cases(pack.id)
    assert [c.context["row"] for c in cases] == table["row"].tolist()[:2]
    assert all(c.verdict == "label-error" and c.source == "dataset" and c.kind == "text-prediction" for c in cases)
    assert cases[0].context["truth"] == table["given_label"].iloc[0]
    assert cases[0].result().text == table["text"].iloc[0]
    # A reviewer confirms one and rejects the other; the table (and its CSV) reads their verdicts back.
    store.update_case(cases[0].id, cases[0].version, verdict="label-error")
    store.update_case(cases[1].id, cases[1].version, verdict="right-right")
    store.close()
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="dataset_label_issues_send_pack").value == "Label audit"
    (section,) = [e for e in at.expander if e.label.startswith("Likely label errors")]
    table = section.dataframe[0].value
    assert table["reviewer_verdict"].tolist()[:3] == ["label-error", "right-right", ""]
    corrected = table["corrected_label"].tolist()
    assert corrected[0] == table["suggested_label"].iloc[0] and corrected[1] == table["given_label"].iloc[1]


def test_second_model_headline_flips_slices_and_pack(tmp_path, monkeypatch, tiny_sentiment_dir):
    """A second model: its picker, the paired headline, the flip table filtering the rows, slices compared,
    the flipped rows into a pack as A's and B's cases; the numbers are the core's on the same predictions."""
    from tests.factories import flipped_reviews_csv
    from textlens import load_classifier
    from textlens.dataset import predict_rows, read_labelled
    from textlens.dataset.compare import compare_runs
    from textlens.store import open_store

    monkeypatch.setenv("TEXTLENS_DB", str(tmp_path / "packs.db"))
    seen = capture_downloads(monkeypatch)
    at = start_app(ROOT / "dashboard.py", PAGE)
    upload(at, flipped_reviews_csv(), "flipped.csv")
    next(s for s in at.selectbox if s.label == "True label column").set_value("sentiment")
    at.run()
    button(at, "Predict all 24 rows").click().run()
    at.toggle(key="dataset_compare_on").set_value(True).run()
    assert not at.exception, at.exception
    at.radio(key="dataset_model_b_choice").set_value("Hub id or local folder").run()
    at.text_input(key="dataset_model_b_wanted").set_value(str(tiny_sentiment_dir))
    button(at, "Load model").click().run()
    assert not at.exception, at.exception
    assert any("Model B loaded" in plain(s.value) for s in at.success)
    button(at, "Predict all 24 rows with model B").click().run()
    assert not at.exception, at.exception
    # The same numbers as the core on the same predictions.
    labelled = read_labelled(flipped_reviews_csv(), "flipped.csv")
    texts = labelled.frame["review"].tolist()
    expected = compare_runs(
        labelled.frame,
        "review",
        "sentiment",
        predict_rows(load_classifier("default"), texts),
        predict_rows(load_classifier(str(tiny_sentiment_dir)), texts),
    ).paired
    metrics = {m.label: m.value for m in at.metric}
    assert (
        metrics["Accuracy A"] == f"{expected.accuracy_a:.1%}" and metrics["Accuracy B"] == f"{expected.accuracy_b:.1%}"
    )
    assert metrics["McNemar's p"] == f"{expected.mcnemar_p:.3g}"
    boxes = plain(" ".join(x.value for x in [*at.success, *at.warning, *at.info]))
    assert f"B fixes {expected.fixed}" in boxes and f"breaks {expected.broken}" in boxes
    assert expected.broken > 0  # a random model B breaks rows the bundled model gets right
    # Click "broken by B": the rows table shows exactly those rows, with both models' columns.
    (cell,) = [b for b in at.button if b.label.startswith("Broken by B")]
    cell.click().run()
    assert not at.exception, at.exception
    rows = at.dataframe(key="dataset_table").value
    assert len(rows) == expected.broken and (rows["change"] == "broken by B").all()
    assert (rows["predicted_label"] == rows["true_label"]).all() and (
        rows["predicted_label_b"] != rows["true_label"]
    ).all()
    # Slices compared: every slice, small ones saying so.
    compared = next(d.value for d in at.dataframe if "verdict" in d.value)
    assert {"accuracy A", "accuracy B", "change (points)", "verdict"} <= set(compared)
    small = compared[compared["rows"] < 10]
    assert small["verdict"].str.startswith("too few rows").all() and small["change (points)"].isna().all()
    # The page's HTML report carries model B: its name, the paired headline, the flips and the slices.
    report = download_data(seen, "Report (HTML)")
    assert f"Model B: {tiny_sentiment_dir}" in report and "Slices compared: A against B" in report
    assert f"B fixes {expected.fixed}" in report and f"<td>{expected.broken:,}</td>" in report
    # The broken rows into a new pack in one step: two cases a row, tagged.
    at.selectbox(key="dataset_flip_send_pack").set_value("+ New pack…")
    at.text_input(key="dataset_flip_send_new").set_value("Release 3")
    button(at, f"Send {2 * expected.broken} cases to the pack").click().run()
    assert not at.exception, at.exception
    store = open_store(tmp_path / "packs.db")
    cases = store.cases(store.pack("Release 3").id)
    assert len(cases) == 2 * expected.broken
    assert {tuple(c.tags) for c in cases} == {("broken by B", "model A"), ("broken by B", "model B")}
    assert sorted({c.context["row"] for c in cases}) == sorted(rows["row_id"].tolist())
    b_case = next(c for c in cases if c.context["model"] == "B")
    assert b_case.provenance["model_id"] == str(tiny_sentiment_dir)
    store.close()
    # Which words changed: two flipped rows explained by both models, the words' means under A and B.
    at.number_input(key="dataset_shift_n").set_value(2).run()
    button(at, "Explain 2 flipped rows with A and B").click().run()
    assert not at.exception, at.exception
    shifts = next(d.value for d in at.dataframe if "shift B − A" in d.value)
    assert len(shifts) > 0 and (shifts["shift B − A"] == shifts["mean B"] - shifts["mean A"]).all()
    # Every row the table shows (here: broken by B) into a pack in one step, the filter noted: A's and B's
    # case of each row, each explained on send and carrying both predictions and the change.
    (sent,) = [e for e in at.expander if e.label == f"Send the {rows_phrase(expected.broken)} shown to a review pack"]
    at.selectbox(key="dataset_rows_send_pack").set_value("Release 3")
    next(b for b in sent.button if b.label == f"Send {2 * expected.broken} cases to the pack").click().run()
    assert not at.exception, at.exception
    store = open_store(tmp_path / "packs.db")
    cases = store.cases(store.pack("Release 3").id)[2 * expected.broken :]
    assert len(cases) == 2 * expected.broken
    assert sorted({c.context["row"] for c in cases}) == sorted(rows["row_id"].tolist())
    assert all(c.kind == "text" and c.result().words for c in cases)
    assert all(c.context["change"] == "broken by B" and "broken by B" in c.note for c in cases)
    for c in cases:
        row = rows.set_index("row_id").loc[c.context["row"]]
        assert (c.context["predicted_a"], c.context["predicted_b"]) == (
            row["predicted_label"],
            row["predicted_label_b"],
        )
        assert f"predicted {row['predicted_label']}, model B" in c.note
    by_model = {c.context["model"]: c for c in cases if c.context["row"] == cases[0].context["row"]}
    assert by_model["A"].result().model_id == "default" and by_model["B"].provenance["model_id"] == str(
        tiny_sentiment_dir
    )
    assert by_model["A"].result().settings.get("method") == "one-pass"  # the bundled model's one-pass explainer
    store.close()
    # The second model and its results are kept across a page switch.
    visit_another_page(at, PAGE)
    assert at.toggle(key="dataset_compare_on").value
    assert {m.label for m in at.metric} >= {"Accuracy A", "Accuracy B"}


def test_words_estimated_over_every_row_with_the_agreement(tmp_path, monkeypatch):
    """With the bundled model's one-pass explainer, the word drivers cover every row, say they are estimated and
    how far to trust them, and are the core's own numbers."""
    from tests.factories import flipped_reviews_csv
    from textlens import load_classifier
    from textlens.dataset import read_labelled
    from textlens.text.one_pass import find_one_pass
    from textlens.text.wordstats import word_statistics

    monkeypatch.setenv("TEXTLENS_DB", str(tmp_path / "packs.db"))
    seen = capture_downloads(monkeypatch)
    classifier = load_classifier("default")
    explainer = find_one_pass(classifier)
    trust = explainer.agreement[0]
    at = start_app(ROOT / "dashboard.py", PAGE)
    upload(at, flipped_reviews_csv(), "flipped.csv")
    next(s for s in at.selectbox if s.label == "True label column").set_value("sentiment")
    at.run()
    button(at, "Predict all 24 rows").click().run()
    assert at.radio(key="dataset_word_method").value == "Estimated, every row"
    captions = plain(" ".join(c.value for c in at.caption))
    headline = f"Values over all 24 rows, estimated in one pass; r = {trust.median_r:.3f} with exact on SST-2 dev, "
    assert headline in captions
    assert not [b for b in at.button if b.label.startswith("Estimate over")]  # estimated with the predictions
    assert not at.exception and not at.error, (at.exception, [e.value for e in at.error])
    captions = plain(" ".join(c.value for c in at.caption))
    assert "24 rows estimated" in captions and "3 estimated errors" in captions
    texts = read_labelled(flipped_reviews_csv(), "flipped.csv").frame["review"].tolist()
    estimated = explainer.explain(classifier, texts)
    target = at.selectbox(key="dataset_word_target").value
    expected = word_statistics(estimated, target, 3)
    table = next(d.value for d in at.dataframe if "mean |value|" in d.value.columns)
    assert table["word"].tolist() == [s.word for s in expected]
    # The report says the word values are estimated, and how far they agree with exact ones.
    report = download_data(seen, "Report (HTML)")
    assert f"Word aggregate over 24 rows (3 errors), estimated in one pass; r = {trust.median_r:.3f}" in report
    # A slice selected in the slices table: its rows' words only (a toggle away from every row's).
    slices = next(d.value for d in at.dataframe if "slice by" in d.value.columns)
    group, value = slices["slice by"].iloc[0], slices["value"].iloc[0]
    select(at, "dataset_slices_table", [0])  # as a click on its first row
    inside = at.toggle(key="dataset_words_in_slice")
    assert inside.value and f"Only the rows of slice {group} = {value}" in plain(inside.label)
    rows = int(slices["rows"].iloc[0])
    assert f"{rows} rows estimated in slice {group} = {value}" in plain(" ".join(c.value for c in at.caption))
    inside.set_value(False).run()
    assert "24 rows estimated;" in plain(" ".join(c.value for c in at.caption))
    # The exact sample stays one choice away.
    at.radio(key="dataset_word_method").set_value("Exact, a sample").run()
    assert any(b.label.startswith("Explain ") and b.label.endswith(" rows") for b in at.button)


def explained_rows(at) -> list[str]:
    """The names ("row 3") of the rows explained under the table, in order."""
    return re.findall(r"\brow (\d+)\b", " ".join(b for b in html_blocks(at) if "tl-" in b))


def select(at, key: str, positions: list[int]) -> None:
    """Select rows of a table as a click does: positions in the data it was last drawn with."""
    at.session_state[key] = {"selection": {"rows": positions, "columns": [], "cells": []}}
    at.run()
    assert not at.exception, at.exception


def test_a_selected_row_stays_itself_through_filters_or_is_cleared_with_a_note(app):
    """Issue 35: a selection is a row's id. Under "All rows" row r is picked; "All errors" must not explain
    whichever row is now at r's old position: it keeps r where r is an error, or clears it and says so.
    """
    at = app
    upload(at)
    next(s for s in at.selectbox if s.label == "True label column").set_value("sentiment")
    at.run()
    button(at, "Predict all 8 rows").click().run()
    every = at.dataframe(key="dataset_table").value["row_id"].tolist()
    at.radio(key="dataset_preset").set_value("All errors").run()
    errors = at.dataframe(key="dataset_table").value["row_id"].tolist()
    right = [r for r in every if r not in errors and r != 6]  # row 6 is empty: nothing to explain
    assert errors and right
    at.radio(key="dataset_preset").set_value("All rows").run()
    # A right row, then "All errors": cleared, with a note, and no other row explained in its place.
    ok = right[0]
    select(at, "dataset_table", [every.index(ok)])
    assert explained_rows(at) == [str(ok)]
    at.radio(key="dataset_preset").set_value("All errors").run()
    assert not at.exception, at.exception
    assert f"Row {ok} is not in this view; selection cleared." in [plain(i.value) for i in at.info]
    assert explained_rows(at) == [] and at.session_state["dataset_table"]["selection"]["rows"] == []
    # An error row picked under "All rows" is the same row under "All errors", at its new position.
    at.radio(key="dataset_preset").set_value("All rows").run()
    wrong = errors[-1]
    select(at, "dataset_table", [every.index(wrong)])
    at.radio(key="dataset_preset").set_value("All errors").run()
    assert explained_rows(at) == [str(wrong)]
    assert at.session_state["dataset_table"]["selection"]["rows"] == [errors.index(wrong)]
    # A search that keeps it, a sort (most confident errors first), a page switch: still the same row.
    at.radio(key="dataset_preset").set_value("Most confident errors").run()
    view = at.dataframe(key="dataset_table").value["row_id"].tolist()
    assert explained_rows(at) == [str(wrong)]
    assert at.session_state["dataset_table"]["selection"]["rows"] == [view.index(wrong)]
    visit_another_page(at, PAGE)
    assert explained_rows(at) == [str(wrong)]
    assert at.session_state["dataset_table"]["selection"]["rows"] == [view.index(wrong)]
    # A slice picked in the slices table is its (group, value), not its place: a keyword slice added by a
    # pattern moves the others down, and the picked slice stays picked.
    slices = at.dataframe(key="dataset_slices_table").value
    web = slices.index[slices["value"] == "web"][0]
    select(at, "dataset_slices_table", [int(web)])
    assert any(f"slice {HOSTILE} = web" in plain(c.value) for c in at.caption)
    at.text_input(key="dataset_pattern").set_value("a").run()
    slices = at.dataframe(key="dataset_slices_table").value
    assert at.session_state["dataset_slices_table"]["selection"]["rows"] == [
        int(slices.index[slices["value"] == "web"][0])
    ]
    assert any(f"slice {HOSTILE} = web" in plain(c.value) for c in at.caption)


def test_cut_texts_say_so_and_counts_are_grammatical(app, tmp_path, monkeypatch):
    """A text longer than the model reads says where it stopped; "1 row", never "1 rows"; the row shown goes
    to a pack with its explanation."""
    from textlens.store import open_store

    monkeypatch.setenv("TEXTLENS_DB", str(tmp_path / "packs.db"))
    long_text = "a long and winding review " * 200
    data = f'text,label\n"{long_text}",positive\n"Short and sweet.",positive\n"Dull.",negative\n'.encode()
    at = app
    upload(at, data, "long.csv")
    next(s for s in at.selectbox if s.label == "True label column").set_value("label")
    at.run()
    button(at, "Predict all 3 rows").click().run()
    assert not at.exception, at.exception
    table = at.dataframe(key="dataset_table").value
    assert table["model_read"].tolist()[1:] == ["", ""]
    assert re.fullmatch(rf"first [\d,]+ of {len(long_text):,} characters", table["model_read"].iloc[0])
    at.text_input(key="dataset_search").set_value("sweet").run()
    assert any(plain(c.value).endswith(": 1 row.") for c in at.caption)
    assert any(e.label == "Send the 1 row shown to a review pack" for e in at.expander)
    texts = " ".join(plain(x.value) for x in [*at.caption, *at.info, *at.markdown]) + " ".join(
        e.label for e in at.expander
    )
    assert not re.search(r"\b1 rows\b", texts)
    at.selectbox(key="dataset_rows_send_pack").set_value("+ New pack…")
    at.text_input(key="dataset_rows_send_new").set_value("One")
    button(at, "Send 1 row to the pack").click().run()
    assert not at.exception, at.exception
    with open_store(tmp_path / "packs.db") as store:
        (case,) = store.cases(store.pack("One").id)
    assert case.kind == "text" and case.result().text == "Short and sweet." and case.context["row"] == 1
    assert case.note.startswith("Row 1 (text contains “sweet”)")


def test_a_file_without_text_is_refused_until_a_column_is_chosen(app):
    """Issue 35: id,score,flag had 'score' taken as the text and 33.3 % accuracy reported."""
    at = app
    upload(at, b"id,score,flag\n1,0.5,1\n2,0.7,0\n3,0.1,1\n", "report.csv")
    refusal = " ".join(plain(e.value) for e in at.error)
    assert "No column of report.csv holds text (columns: id, score, flag: all numbers)." in refusal
    assert "choose it in the Text column box" in refusal
    text_col = next(s for s in at.selectbox if s.label == "Text column")
    assert text_col.value is None and text_col.options == ["id", "score", "flag"]
    assert not at.metric and not [b for b in at.button if b.label.startswith("Predict all")]
    text_col.set_value("score")  # chosen, a column is honoured: the user asked for it
    at.run()
    assert not at.exception, at.exception
    assert not at.error and button(at, "Predict all 3 rows")

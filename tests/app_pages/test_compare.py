"""AppTest for the Compare page: several texts, an uploaded CSV with labels, and two models."""

from __future__ import annotations

import pytest

from tests.apptest_helpers import button, html_blocks, start_app, visit_another_page
from tests.conftest import ROOT

PAGE = "app_pages/compare.py"


@pytest.fixture
def app():
    return start_app(ROOT / "dashboard.py", PAGE)


def rows(at) -> list[str]:
    return [b for b in html_blocks(at) if 'class="tl-row-head"' in b]


def upload(at, name: str, data: bytes) -> None:
    """Switch the inputs to a file and upload ``data`` as ``name``."""
    at.radio(key="compare_source").set_value("Upload CSV / TSV / TXT")
    at.run()
    at.file_uploader(key="compare_file").set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception


def compare(at, n: int) -> None:
    """Click "Compare n inputs"."""
    button(at, f"Compare {n} inputs").click()
    at.run()
    assert not at.exception, at.exception


def test_three_texts_one_model(app):
    at = app
    at.text_area(key="compare_texts").set_value("Great film.\nTerrible film.\nA film.")
    at.run()
    compare(at, 3)
    assert len(rows(at)) == 3
    assert at.selectbox(key="compare_target").value == "POSITIVE"
    charts = at.get("plotly_chart")
    assert len(charts) == 2  # heatmap and the full-size input's bars
    assert len(at.dataframe) == 1
    assert len(at.get("download_button")) == 2
    # Per-row scaling toggles the colours but keeps the rows.
    at.toggle(key="compare_per_row").set_value(True)
    at.run()
    assert not at.exception and len(rows(at)) == 3
    # Editing the inputs hides the old rows instead of showing stale ones.
    at.text_area(key="compare_texts").set_value("Great film.\nTerrible film.")
    at.run()
    assert not rows(at)
    assert any("changed since the last run" in i.value for i in at.info)


def test_uploaded_csv_with_label_column(app):
    at = app
    at.radio(key="compare_source").set_value("Upload CSV / TSV / TXT")
    at.run()
    data = b"review,truth\nI loved every minute of it.,POSITIVE\nA boring waste of time.,POSITIVE\n"
    at.file_uploader(key="compare_file").set_value(("reviews.csv", data, "text/csv"))
    at.run()
    assert not at.exception, at.exception
    at.selectbox(key="compare_label").set_value("truth")
    at.run()
    button(at, "Compare 2 inputs").click()
    at.run()
    assert not at.exception, at.exception
    heads = rows(at)
    assert len(heads) == 2
    assert "✓ correct" in heads[0] and "✗ wrong" in heads[1]


def test_malformed_upload_is_a_message(app):
    at = app
    at.radio(key="compare_source").set_value("Upload CSV / TSV / TXT")
    at.run()
    at.file_uploader(key="compare_file").set_value(("x.csv", b"\x00\x01binary", "text/csv"))
    at.run()
    assert not at.exception
    assert any("binary" in e.value for e in at.error)


def test_a_file_without_text_is_refused_until_a_column_is_chosen(app):
    at = app
    upload(at, "report.csv", b"id,score,flag\n1,0.5,true\n2,0.7,false\n3,0.1,true\n")
    assert at.selectbox(key="compare_text_column").value is None  # nothing guessed: "score" is no text
    shown = [e.value.replace("\\", "") for e in at.error]  # the page escapes Markdown in the file's names
    want = "No column of report.csv holds text (columns: id (numbers), score (numbers), flag (booleans))"
    assert any(want in message for message in shown), shown
    assert all(b.disabled for b in at.button if b.label.startswith("Compare "))  # nothing to compare yet
    at.selectbox(key="compare_text_column").set_value("score")  # the user's own choice is honoured
    at.run()
    assert not at.exception and not at.error
    assert any(b.label == "Compare 3 inputs" for b in at.button)


def choose_model_b(at, folder) -> None:
    at.radio(key="compare_mode").set_value("Two models, same inputs")
    at.run()
    at.text_input(key="compare_model_b").set_value(str(folder))
    at.run()
    assert not at.exception, at.exception


def test_two_models(app, tiny_sentiment_dir):
    at = app
    choose_model_b(at, tiny_sentiment_dir)
    compare(at, 3)
    assert len(rows(at)) == 6  # each input under model A and model B
    assert sum('class="tl-changes"' in b for b in html_blocks(at)) == 3
    assert any("Change in P(POSITIVE)" in m.value for m in at.markdown)


def test_two_models_with_different_labels(app, tiny_model_dir):
    at = app
    choose_model_b(at, tiny_model_dir)
    assert any("labels differ" in e.value for e in at.error)


def captions(at) -> str:
    return " ".join(c.value for c in at.caption)


def test_more_than_fifty_inputs_say_which_fifty_and_can_be_chosen(app):
    at = app
    at.text_area(key="compare_texts").set_value("\n".join(f"text {i}" for i in range(60)))
    at.run()
    assert "Comparing the first 50 of 60 rows." in captions(at)
    assert any(b.label == "Compare 50 inputs" for b in at.button)
    assert at.radio(key="compare_rows").options == ["The first rows", "A random sample"]  # no labels: no errors
    at.radio(key="compare_rows").set_value("random")
    at.run()
    at.number_input(key="compare_rows_seed").set_value(7)
    at.run()
    assert not at.exception, at.exception
    assert "Comparing a random sample of 50 of 60 rows (seed 7)." in captions(at)


# 60 labelled rows: the model gets the first 54 right and the last 6 wrong (their labels are swapped).
RIGHT = ["A wonderful and moving film that I loved.", "A dull and boring waste of time."]
LONG_FILE = [(RIGHT[i % 2], ("positive", "negative")[i % 2]) for i in range(54)] + [
    (RIGHT[i % 2], ("negative", "positive")[i % 2]) for i in range(6)
]


def test_model_a_errors_of_a_long_labelled_file(app):
    at = app
    data = "text,label\n" + "".join(f"{t},{y}\n" for t, y in LONG_FILE)
    upload(at, "long.csv", data.encode())
    assert "Comparing the first 50 of 60 rows." in captions(at)
    at.radio(key="compare_rows").set_value("errors")
    at.run()
    assert not at.exception, at.exception
    assert "Comparing all 6 rows model A gets wrong, of 60." in captions(at)
    compare(at, 6)
    assert any("6 of 6 wrong" in m.value for m in at.markdown), [m.value for m in at.markdown]
    heads = rows(at)
    assert len(heads) == 6 and all("✗ wrong" in h for h in heads)
    assert "#55" in heads[0]  # named by their row in the file


REVIEWS = (
    b"review_id,review_text,sentiment\n"
    b"R001,I loved every minute of it and would watch it again.,positive\n"
    b"R002,A boring waste of time with a dull plot.,positive\n"
    b"R003,Wonderful acting and a moving story.,positive\n"
)


def test_review_file_defaults_and_triage(app):
    at = app
    upload(at, "reviews.csv", REVIEWS)
    assert at.selectbox(key="compare_text_column").value == "review_text"
    assert at.selectbox(key="compare_label").value == "sentiment"
    compare(at, 3)
    assert any("1 of 3 wrong" in m.value for m in at.markdown)
    at.segmented_control(key="compare_show").set_value("wrong")
    at.run()
    heads = rows(at)
    assert len(heads) == 1 and "✗ wrong" in heads[0] and "R002" not in heads[0]


def test_upload_and_results_survive_a_visit_to_another_page(app):
    at = app
    upload(at, "reviews.csv", REVIEWS)
    compare(at, 3)
    assert len(rows(at)) == 3
    visit_another_page(at, PAGE, "app_pages/image.py")
    assert at.radio(key="compare_source").value == "Upload CSV / TSV / TXT"
    assert at.selectbox(key="compare_text_column").value == "review_text"
    assert len(rows(at)) == 3, "the rows computed before the page switch are shown again"


# The model's labels are NEGATIVE, POSITIVE: 0 and 1 are ids in that order, and every row is right.
ZERO_ONE_ROWS = [
    ("I loved every minute of it and would watch it again.", 1),
    ("A boring waste of time with a dull plot.", 0),
    ("Wonderful acting and a moving story.", 1),
    ("Terrible film: dull and far too long.", 0),
]


def test_zero_one_labels_are_matched_by_the_models_label_order(app):
    upload(app, "zero_one.csv", ("review,label\n" + "".join(f"{t},{y}\n" for t, y in ZERO_ONE_ROWS)).encode())
    assert app.selectbox(key="compare_label").value == "label"
    compare(app, len(ZERO_ONE_ROWS))
    assert any("0 of 4 wrong" in m.value for m in app.markdown), [m.value for m in app.markdown]
    heads = rows(app)
    assert all("✓ correct" in h for h in heads)
    assert "(true: 1 → POSITIVE)" in heads[0] and "(true: 0 → NEGATIVE)" in heads[1]
    notes = [i.value.replace("\\", "") for i in app.info]  # the Markdown source, escaped
    assert any("0 → NEGATIVE, 1 → POSITIVE, by the model's label order" in n for n in notes), notes

"""AppTest for the Tabular page: penguins, a real row, classify, explain, what-if, dataset view, uploads."""

from __future__ import annotations

import json

import pytest

from tests.apptest_helpers import button, capture_downloads, download_data, html_blocks, start_app, visit_another_page
from tests.conftest import ROOT

PAGE = "app_pages/tabular.py"


@pytest.fixture
def app():
    return start_app(ROOT / "dashboard.py", PAGE)


def slider(at, name_part: str):
    return next(s for s in at.slider if name_part in s.label)


def number(at, name_part: str):
    return next(n for n in at.number_input if name_part in n.label)


def test_penguin_explained_and_what_if(app):
    at = app
    assert any("Cross-validated accuracy" == m.label for m in at.metric)
    assert at.selectbox[0].value == "species"
    assert number(at, "flipper").value == 181.0  # the form starts from the table's first row
    button(at, "Classify").click()
    at.run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 1
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    assert at.selectbox(key="tabular_class").value == "Adelie"
    summary = next(b for b in html_blocks(at) if 'class="tl-summary"' in b)
    assert summary.startswith('<div class="tl-summary"') and "Adelie" in summary
    legend = next(b for b in html_blocks(at) if 'class="tl-legend"' in b)
    assert "Base value" in legend and "50 training rows" in legend and "exact Shapley" in legend
    charts = at.get("plotly_chart")
    assert len(charts) == 2
    before = charts[1].proto.spec
    assert "flipper_length_mm = 181" in before
    slider(at, "flipper").set_value(225.0)
    at.run()
    assert not at.exception, at.exception
    assert number(at, "flipper").value == 225.0
    after = at.get("plotly_chart")[1].proto.spec
    assert "flipper_length_mm = 225" in after and after != before
    assert '"name":"before"' in after.replace(" ", "")  # the previous explanation drawn behind
    assert any('class="tl-whatif"' in b and "181 → 225" in b for b in html_blocks(at))
    at.selectbox(key="tabular_class").set_value("Gentoo")
    at.run()
    assert not at.exception
    assert len(at.get("download_button")) >= 3


def test_every_download_says_what_it_is(app, monkeypatch):
    import csv
    import io

    at = app
    seen = capture_downloads(monkeypatch)
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    export = json.loads(download_data(seen, "Explanation (JSON)"))["export"]
    assert export["title"] == "Why Adelie? (penguins)" and export["target"] == "Adelie"
    assert export["input"].startswith("penguins: ") and "flipper_length_mm = 181" in export["input"]
    assert export["model"] and export["exported"].endswith("UTC")
    rows = list(csv.DictReader(io.StringIO(download_data(seen, "Inputs (CSV)"))))
    flipper = next(r for r in rows if r["feature"] == "flipper_length_mm")
    assert float(flipper["value"]) == 181 and flipper["title"] == "Why Adelie? (penguins)"
    assert flipper["input"].startswith("penguins: ") and flipper["model"] == export["model"]
    assert flipper["exported"] == export["exported"]
    chart = download_data(seen, "Chart (HTML)")
    assert "<title>Why Adelie? (penguins)</title>" in chart and "input: penguins: " in chart
    assert f"exported {export['exported']}" in chart


def test_widget_labels_are_the_plain_column_names(app):
    """Screen readers read a widget's label as given: no Markdown escapes or asterisks in it."""
    at = app
    numeric = ["bill_length_mm", "bill_depth_mm", "flipper_length_mm", "body_mass_g"]
    assert {s.label for s in at.slider} >= {f"{name} (slider)" for name in numeric}
    assert {n.label for n in at.number_input} >= {f"{name} exactly" for name in numeric}
    assert {r.label for r in at.radio} >= {"island", "sex"}
    labels = [w.label for w in [*at.slider, *at.number_input, *at.radio, *at.selectbox]]
    assert not [label for label in labels if "\\" in label or "**" in label], labels
    assert any(m.value == r"**flipper\_length\_mm**" for m in at.markdown)  # the visible heading


def test_missing_value_and_class_switch(app):
    at = app
    button(at, "Explain").click()
    at.run()
    sex = next(r for r in at.radio if r.label == "sex")
    sex.set_value(2)  # "— missing —"
    at.run()
    assert not at.exception, at.exception
    assert "sex = missing" in at.get("plotly_chart")[1].proto.spec
    next(c for c in at.checkbox if c.key.endswith("_missing") and "_3_" in c.key).check()
    at.run()
    assert not at.exception
    assert "flipper_length_mm = missing" in at.get("plotly_chart")[1].proto.spec


def test_dataset_view(app):
    at = app
    button(at, "Show the whole-dataset view").click()
    at.run()
    assert not at.exception, at.exception
    assert len(at.get("plotly_chart")) == 2  # mean |value| and the beeswarm


def upload(at, name: str, data: bytes):
    at.radio(key="tabular_source").set_value("Upload a table")
    at.run()
    at.file_uploader[0].set_value((name, data, "text/csv"))
    at.run()
    assert not at.exception, at.exception


def hostile_csv() -> bytes:
    rows = ["<b>size</b>,**kind**,id,label"]
    for i in range(60):
        kind = ["<script>x</script>", "plain", "a=b"][i % 3]
        rows.append(f"{i % 7 + 0.5},{kind},{1000 + i},{'yes' if i % 7 > 3 else 'no'}")
    return ("\n".join(rows) + "\n").encode()


def test_upload_with_hostile_names(app):
    upload(app, "weird.csv", hostile_csv())
    at = app
    assert at.selectbox[0].value == "label"
    assert any("identifier" in e.value for e in at.markdown)
    kind = next(r for r in at.radio if "kind" in r.label)
    assert kind.label == "**kind**"  # the widget's label is the name as it is (what a screen reader says)
    assert any(m.value == r"**\*\*kind\*\***" for m in at.markdown)  # the heading shows it literally
    size = next(s for s in at.slider if "size" in s.label)
    assert size.label == "<b>size</b> (slider)"
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    labels = json.loads(at.get("plotly_chart")[1].proto.spec)["data"][0]["y"]
    assert any(label.startswith("&lt;b&gt;size&lt;/b&gt; = ") for label in labels), labels


def test_upload_is_kept_across_pages(app):
    upload(app, "weird.csv", hostile_csv())
    at = app
    at.selectbox[0].set_value("**kind**")
    at.run()
    visit_another_page(at, PAGE)
    # Streamlit's uploader forgot the table; the kept copy is in use, with the target picked for it.
    assert at.radio(key="tabular_source").value == "Upload a table"
    assert any("uploaded earlier in this session" in c.value for c in at.caption)
    assert at.selectbox[0].value == "**kind**"
    assert any("Cross-validated accuracy" == m.label for m in at.metric)


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"a,b\n1,x\n2,x\n3,x\n4,x\n5,x\n6,x\n7,x\n8,x\n9,x\n10,x\n11,x\n", "one class"),
        (b"\x00\x01binary", "looks binary"),
    ],
)
def test_bad_uploads_are_messages(app, data, message):
    upload(app, "bad.csv", data)
    if app.selectbox:  # the file reads: pick the one-class column as the target
        app.selectbox[0].set_value("b")
        app.run()
    assert any(message in e.value for e in app.error), [e.value for e in app.error]


def test_the_form_and_explanation_survive_a_visit_to_another_page(app):
    at = app
    slider(at, "flipper").set_value(225.0)
    at.run()
    button(at, "Explain").click()
    at.run()
    assert not at.exception, at.exception
    visit_another_page(at, PAGE)
    assert number(at, "flipper").value == 225.0, "the form's row is kept, not reset to the table's first row"
    assert slider(at, "flipper").value == 225.0
    assert "flipper_length_mm = 225" in at.get("plotly_chart")[1].proto.spec  # and its explanation shown

"""Every download says what it is: title, input, model and date in the JSON, the CSV, the chart and the PNG."""

from __future__ import annotations

import csv
import io
import json

from PIL import Image

from tests.factories import make_explanation
from textlens.report.document import words_csv
from textlens.report.export_info import ExportInfo, png_with_info, record_json
from textlens.report.image_overlay import png
from textlens.types import Explanation

TEXT = "A <b>gorgeous</b>, witty film that runs far too long for its own good, sadly, in the end."


def explanation() -> Explanation:
    return make_explanation("gorgeous but long", [0.4, 0.0, -0.2], model="my-model")


def test_the_title_defaults_to_the_target_and_is_on_every_csv_row():
    info = ExportInfo.of(explanation(), "POSITIVE")
    assert info.heading == "textlens: POSITIVE"
    titled = ExportInfo.of(explanation(), "POSITIVE", title="Why POSITIVE?")
    assert titled.heading == "Why POSITIVE?"
    columns = titled.columns()
    assert columns["title"] == "Why POSITIVE?" and columns["input"] == "gorgeous but long"
    assert columns["model"] == "my-model" and columns["target"] == "POSITIVE" and columns["exported"].endswith("UTC")


def test_json_download_carries_an_export_block_and_still_reads_back():
    e = make_explanation(TEXT, [0.0] * 28, model="my-model")
    info = ExportInfo.of(e, "POSITIVE", title="Why POSITIVE?")
    data = json.loads(record_json(e, info))
    export = data["export"]
    assert export["title"] == "Why POSITIVE?" and export["input"] == TEXT  # the whole input, not a start
    assert export["model"] == "my-model" and export["target"] == "POSITIVE" and export["exported"] == info.created
    assert Explanation.from_json(record_json(e, info)) == e  # the record itself is unchanged


def test_words_csv_names_its_input_by_its_text_not_a_number():
    e = make_explanation(TEXT, [0.0] * 28)
    info = ExportInfo.of(e, "POSITIVE", title="Why POSITIVE?")
    rows = list(csv.DictReader(io.StringIO(words_csv([e], info=info))))
    assert len(rows) == 28
    assert {r["input"] for r in rows} == {info.columns()["input"]}
    assert rows[0]["input"].startswith("A <b>gorgeous</b>, witty film") and rows[0]["input"].endswith("…")
    assert {r["title"] for r in rows} == {"Why POSITIVE?"} and {r["model"] for r in rows} == {"m"}
    assert rows[0]["exported"] == info.created and rows[0]["target"] == "POSITIVE"
    short = list(csv.DictReader(io.StringIO(words_csv([explanation()]))))
    assert short[0]["input"] == "gorgeous but long"  # no info: the text still names the input


def test_png_download_states_what_it_is_in_its_text_chunks():
    info = ExportInfo("Un film très « beau »", "my-model", "float32", "POSITIVE", title="Why POSITIVE?")
    import numpy as np

    data = png_with_info(png(np.zeros((8, 8, 3), np.uint8)), info)
    text = Image.open(io.BytesIO(data)).text
    assert text["Title"] == "Why POSITIVE?"
    assert "input: Un film très « beau »" in text["Description"] and "model my-model" in text["Description"]
    assert text["Creation Time"] == info.created and text["Software"].startswith("textlens ")

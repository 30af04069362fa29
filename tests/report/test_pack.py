"""Pack HTML: case cards, Present mode and the exported report escape every user string and need no network."""

from __future__ import annotations

import re

from tests.store.test_store import HOSTILE, add_every_kind, text_record
from textlens.report.pack import case_card, pack_report, present_html, verdict_badge
from textlens.store import open_store


def test_report_is_self_contained_and_escapes_everything(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        evil = HOSTILE[0]
        pack = store.create_pack(evil, description=evil, owner=evil)
        add_every_kind(store, pack.id)
        store.add_case(pack.id, text_record(f"{evil} in the text"), note=evil, tags=[evil], author=evil)
        cases = store.cases(pack.id)
        html = pack_report(store.pack(pack.id), cases, parent=evil)
    assert "<script" not in html and html.count("&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt;") >= 6
    assert not re.search(r"(src|href)=\"(?!data:image/png;base64,)", html)  # nothing fetched from anywhere
    assert "img-src data:" in html and "default-src 'none'" in html
    assert html.count('class="tl-card tl-case"') == 5
    assert "Right for the wrong reasons" in html and "Label error" in html and "Needs follow-up" in html
    assert html.count("data:image/png;base64,") == 2  # the image case: what the model saw, and the overlay
    assert "true label <b>POSITIVE</b>" in html and "Provenance" in html and "ab" * 32 in html


def test_case_card_and_present_mode(tmp_path):
    with open_store(tmp_path / "p.db") as store:
        pack = store.create_pack("p")
        text, _, _, image = add_every_kind(store, pack.id)
    card = case_card(text, 1)
    assert "Case 1" in card and "#plot" in card and "first" in card and "tl-highlight" in card
    shown = present_html(text, 2, 4)
    assert "Case 2 of 4" in shown and "tl-present" in shown and "--tl-text-size: clamp(" in shown
    assert "Predicted <b>" in shown and "toward <b>" in shown and "away from <b>" in shown
    assert "first" in shown and "Right for the wrong reasons" in shown
    assert "No note." in present_html(store_case_without_note(text), 1, 1)
    assert "data:image/png" in present_html(image, 4, 4)
    assert "No verdict yet" in verdict_badge("") and "&lt;b&gt;" in verdict_badge("<b>")


def store_case_without_note(case):
    from dataclasses import replace

    return replace(case, note="")


def test_a_truth_stored_as_an_id_is_shown_as_the_label_it_matches(tmp_path):
    from textlens.report.pack import context_line

    with open_store(tmp_path / "p.db") as store:
        pack = store.create_pack("p")
        store.add_case(pack.id, text_record(), context={"row": "#1", "truth": "1"})
        store.add_case(pack.id, text_record(), context={"truth": "neutral"})
        first, second = store.cases(pack.id)
    assert "true label <b>1 → POSITIVE</b>" in context_line(first)
    assert "true label <b>neutral</b>" in context_line(second)


def test_a_text_prediction_case_shows_its_text_escaped(tmp_path):
    from textlens.types import Prediction

    evil = HOSTILE[0]
    record = Prediction(text=f"{evil} mislabelled?", model_id="m", labels=("NEGATIVE", "POSITIVE"), scores=(0.1, 0.9))
    with open_store(tmp_path / "p.db") as store:
        pack = store.create_pack("p")
        case = store.add_case(pack.id, record, "POSITIVE", verdict="label-error")
    card = case_card(case, 1)
    assert "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; mislabelled?" in card and "<script" not in card
    assert "POSITIVE 0.900" in card and "Label error" in card


def test_present_mode_sizes_text_by_length_and_offers_high_contrast(tmp_path):
    from dataclasses import replace

    from textlens.report.pack import TEXT_FIT, fit_size
    from textlens.report.palette import HIGH_CONTRAST

    with open_store(tmp_path / "p.db") as store:
        pack = store.create_pack("p")
        text, *_ = add_every_kind(store, pack.id)
    assert fit_size(40, TEXT_FIT, largest_vh=6.5, smallest_px=17) != fit_size(
        1600, TEXT_FIT, largest_vh=6.5, smallest_px=17
    )
    long_note = replace(text, note="word " * 200)
    assert "--tl-note-size: clamp(15px, min(1.58vh, 1.14vw), 4.6vh)" in present_html(long_note, 1, 1)
    contrast = present_html(text, 1, 1, palette=HIGH_CONTRAST)
    body = contrast.split("</style>")[1]
    assert 'class="tl-present tl-high-contrast"' in body and "rgba(178" not in body and "color: #" in body


def test_present_mode_shows_an_unexplained_text_in_the_large_type_of_an_explained_one(tmp_path):
    from textlens.types import Prediction

    evil = HOSTILE[0]
    text = f"{evil} was sent from a table."
    record = Prediction(text=text, model_id="m", labels=("NEGATIVE", "POSITIVE"), scores=(0.1, 0.9))
    with open_store(tmp_path / "p.db") as store:
        pack = store.create_pack("p")
        case = store.add_case(pack.id, record, "POSITIVE", note="Row 4 (likely label error).")
    style, body = present_html(case, 1, 1).split("</style>")
    assert ".tl-present .tl-present-text { font-size: var(--tl-text-size);" in style  # not the body's small type
    escaped = "&lt;script&gt;alert(&#x27;x&#x27;)&lt;/script&gt; was sent from a table."
    assert f'<div class="tl-present-text">{escaped}</div>' in body and "<script" not in body
    assert "Not explained" in body and "POSITIVE 0.900" in body and "Predicted <b>POSITIVE</b>" in body
    assert "tl-card" not in body  # not the Cases view's small card

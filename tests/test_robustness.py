"""Bad and hostile input: clear messages, nothing interpreted, nothing lost, no crosstalk between threads."""

from __future__ import annotations

import json
import re
import threading
from html.parser import HTMLParser

import pytest

from components.safe_text import escape_md
from textlens import EmptyTextError, ModelLoadError, explain, load_classifier
from textlens.report.document import explanation_report
from textlens.report.highlight import highlight_html, legend_html

HOSTILE = [
    "<img src=x onerror=alert(1)>",
    "<script>alert('x')</script>",
    "[click](javascript:alert(1))",
    "</span></div><b>broken</b>",
    "{{ 7*7 }} ${7*7} **bold** :red[alarm] $x$",
    'quote"onmouseover=alert(1)// x=\'y\' <a href="javascript:alert(1)">link</a>',
]


class Markup(HTMLParser):
    """Every element and attribute an HTML string really contains (what a browser would build)."""

    def __init__(self, html: str) -> None:
        super().__init__(convert_charrefs=True)
        self.tags: set[str] = set()
        self.attributes: list[tuple[str, str]] = []
        self.text: list[str] = []
        self.word_tips: list[tuple[str, str]] = []  # (a word's text, its tooltip) as parsed
        self.tip: str | None = None
        self.feed(html)
        self.close()

    def handle_starttag(self, tag, attrs):
        self.tags.add(tag)
        self.attributes += [(name, value or "") for name, value in attrs]
        found = dict(attrs)
        self.tip = found.get("title") if found.get("class") == "tl-word" else None

    def handle_endtag(self, tag):
        self.tip = None

    def handle_data(self, data):
        self.text.append(data)
        if self.tip is not None:
            self.word_tips.append((data, self.tip))


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_literally(tiny_classifier, text):
    result = explain(tiny_classifier, text, max_evals=1000)
    for html in (highlight_html(result, 0), legend_html(result, 0), explanation_report(result, 0)):
        markup = Markup(html)
        # No element, handler or link comes from the text: it is all character data.
        assert not markup.tags & {"img", "script", "a", "iframe"}, markup.tags
        assert not [name for name, _ in markup.attributes if name.startswith("on")]
        assert not [v for name, v in markup.attributes if name in ("href", "src") and "javascript" in v.lower()]
    # The highlighted text reads back as the text (whitespace and boxed phrases' value badges aside).
    highlighted = re.sub(r'<span class="tl-phrase-value"[^>]*>[^<]*</span>', "", highlight_html(result, 0))
    shown = Markup(highlighted)
    assert "".join(text.split()) in "".join("".join(shown.text).split())
    # Each word's tooltip names the word itself: no quote in the text ends the attribute early.
    assert shown.word_tips and all(tip.startswith(f"{word}: ") for word, tip in shown.word_tips)
    # The words, joined back with the gaps, are the original text.
    assert "".join(w.word for w in result.words) == "".join(text.split())


def test_markdown_escape_neutralises_directives():
    assert escape_md("**bold** [x](javascript:alert(1)) :red[a]") == (
        r"\*\*bold\*\* \[x\]\(javascript\:alert\(1\)\) \:red\[a\]"
    )


def test_hostile_label_names_are_escaped(tmp_path):
    from tests.conftest import make_tiny_model

    labels = ("<img src=x onerror=alert(1)>", "**bold** </span>")
    folder = make_tiny_model(tmp_path / "evil", labels=labels)
    classifier = load_classifier(str(folder))
    assert classifier.labels == labels
    result = explain(classifier, "a perfectly normal sentence", max_evals=40)
    html = legend_html(result, 0) + highlight_html(result, 1) + explanation_report(result, 0)
    assert "<img" not in html and "**bold** </span>" not in html
    assert "&lt;img src=x onerror=alert(1)&gt;" in html and "**bold** &lt;/span&gt;" in html


@pytest.mark.parametrize("text", ["", "   ", "\n\t\r\n", "\u200b\u200b", "\x00\x01"])
def test_empty_or_invisible_text_is_refused_clearly(tiny_classifier, text):
    with pytest.raises(EmptyTextError) as info:
        explain(tiny_classifier, text)
    assert "text" in str(info.value)


def test_megabyte_text_is_truncated_and_marked(default_classifier):
    text = ("A surprisingly tender film with a clumsy ending. " * 21000)[:1_000_000]
    result = explain(default_classifier, text, max_evals=120)
    assert result.truncated and 0 < result.read_until < 5000
    html = highlight_html(result, "POSITIVE")
    assert "stopped reading here" in html
    assert len(html) < 300_000  # the unread megabyte is summarised, not rendered
    assert json.loads(result.to_json())["read_until"] == result.read_until


def test_odd_unicode_spans(tiny_classifier):
    text = "שלום world\u202e reversed\u202c e\u0301 👩🏽‍💻 漢字かな\r\nline\u2028next"
    result = explain(tiny_classifier, text, max_evals=200)
    for w in result.words:
        assert text[w.start : w.end] == w.word
    assert "👩🏽‍💻" in [w.word for w in result.words]


def test_model_folder_without_config(tmp_path):
    (tmp_path / "weights.bin").write_bytes(b"nothing")
    with pytest.raises(ModelLoadError, match="no config.json"):
        load_classifier(str(tmp_path))


def test_model_that_is_not_a_sequence_classifier(tmp_path):
    from transformers import BertConfig, BertModel

    BertModel(
        BertConfig(vocab_size=100, hidden_size=8, num_hidden_layers=1, num_attention_heads=1, intermediate_size=8)
    ).save_pretrained(tmp_path)
    with pytest.raises(ModelLoadError, match="not a sequence classifier|not a text classifier"):
        load_classifier(str(tmp_path))


def test_model_needing_remote_code_is_refused(tmp_path):
    (tmp_path / "config.json").write_text(
        json.dumps({"model_type": "my-own-arch", "auto_map": {"AutoConfig": "configuration_mine.MyConfig"}})
    )
    (tmp_path / "configuration_mine.py").write_text("raise SystemExit('remote code ran')\n")
    with pytest.raises(ModelLoadError, match="trust_remote_code"):
        load_classifier(str(tmp_path))


@pytest.mark.parametrize("name", ["no-such-org/no-such-model", "definitely-not-a-model-xyz"])
def test_unknown_hub_id_offline(name):
    with pytest.raises(ModelLoadError, match="not found"):
        load_classifier(name)


def test_concurrent_explanations_do_not_cross(tiny_classifier):
    texts = [f"text number {i} about {'cats dogs birds fish'.split()[i % 4]} and more" for i in range(8)]
    expected = {t: explain(tiny_classifier, t, max_evals=80) for t in texts}
    tiny_classifier.clear_caches()
    results: dict[str, object] = {}
    errors: list[BaseException] = []

    def work(text: str) -> None:
        try:
            tiny_classifier.classify([text])  # tokenizer use outside the explanation lock, at the same time
            results[text] = explain(tiny_classifier, text, max_evals=80)
        except BaseException as exc:  # noqa: BLE001 - collected for the assertion below
            errors.append(exc)

    threads = [threading.Thread(target=work, args=(t,)) for t in texts]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    for text in texts:
        assert results[text].text == text
        assert [w.values for w in results[text].words] == [w.values for w in expected[text].words]


def test_hub_id_without_network_fails_fast_with_one_clear_line(monkeypatch):
    import transformers

    import textlens.text.models as models
    from textlens import ModelLoadError, load_classifier

    monkeypatch.delenv("HF_HUB_OFFLINE", raising=False)
    monkeypatch.setattr(models, "hub_reachable", lambda timeout=models.HUB_PROBE_SECONDS: False)

    def no_hub(*args, **kwargs):
        raise AssertionError("the hub client must not be asked (it retries for ~25 s without network)")

    monkeypatch.setattr(transformers.AutoConfig, "from_pretrained", no_hub)
    with pytest.raises(ModelLoadError, match="cannot be reached from this machine"):
        load_classifier("some-org/some-model-that-is-not-cached")


def test_hub_probe_answers_false_for_a_closed_port(monkeypatch):
    import socket

    from textlens.text.models import hub_reachable

    with socket.socket() as s:  # a port nobody listens on: bind, then close
        s.bind(("127.0.0.1", 0))
        port = s.getsockname()[1]
    monkeypatch.setenv("HF_ENDPOINT", f"http://127.0.0.1:{port}")
    assert hub_reachable(timeout=1) is False

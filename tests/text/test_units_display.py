"""Display of a partly resolved explanation: phrases boxed with their value, units in chart and legend."""

from __future__ import annotations

from components.charts import top_words_figure
from textlens.report.highlight import highlight_html, legend_html, scale_for
from textlens.text.summary import shorten, summarize
from textlens.types import Explanation, Span, Unit

TEXT = "Great <b>acting</b> & music.\nBut the long middle part drags on and on forever."


def partial() -> Explanation:
    """Two resolved words, one phrase of 9 words not split further (spans exact into TEXT)."""
    from textlens.text.words import word_spans

    spans = word_spans(TEXT)
    words_ = [TEXT[a:b] for a, b in spans]
    phrase = [k for k, w in enumerate(words_) if spans[k][0] >= TEXT.index("But")]
    phrase_value = 0.45
    word_spans_: list[Span] = []
    for k, ((a, b), w) in enumerate(zip(spans, words_)):
        if k in phrase:
            v = phrase_value / len(phrase)
            word_spans_.append(Span(w, a, b, (-v, v), resolved=False))
        else:
            v = 0.05 if w != "Great" else 0.2
            word_spans_.append(Span(w, a, b, (-v, v)))
    units = [Unit(s.start, s.end, ((s.start, s.end),), s.values, 3, 1) for s in word_spans_ if s.resolved]
    first, last = spans[phrase[0]][0], spans[phrase[-1]][1]
    units.append(Unit(first, last, ((first, last),), (-phrase_value, phrase_value), 1, len(phrase)))
    total = sum(s.values[1] for s in word_spans_)
    return Explanation(
        text=TEXT,
        model_id="m",
        labels=("NEGATIVE", "POSITIVE"),
        scores=(1 - 0.3 - total, 0.3 + total),
        base_values=(0.7, 0.3),
        words=tuple(word_spans_),
        features=tuple(word_spans_),
        leaves="words",
        max_evals=40,
        evals=40,
        evals_needed=5000,
        unsettled=0.5,
        units=tuple(sorted(units, key=lambda u: u.start)),
    )


def test_phrase_is_one_box_with_its_value_and_tooltip():
    result = partial()
    html = highlight_html(result, "POSITIVE")
    assert html.count('class="tl-phrase"') == 1
    n = next(u.words for u in result.units if not u.resolved)
    assert f"this phrase as a whole ({n} words): +0.4500; not split further at this budget" in html
    assert "But the long middle part drags on and on forever." in html  # whole phrase, one box
    assert f'data-words="{n}"' in html
    # Words inside the phrase are not coloured one by one; resolved words are, escaped.
    assert "&lt;b&gt;acting&lt;/b&gt;" not in html and "&lt;" in html and "<b>" not in html
    assert html.count('class="tl-word"') == sum(w.resolved for w in result.words)
    assert scale_for(result, "POSITIVE") == 0.45  # the phrase's value sets the scale, not its shares


def test_legend_counts_resolved_words_and_says_what_the_rest_are():
    result = partial()
    legend = legend_html(result, "POSITIVE")
    assert f"{result.resolved_words:,} of {len(result.words):,} words resolved" in legend
    assert "1 boxed phrases" in legend and "not split further" in legend
    assert not result.converged


def test_chart_lists_units_with_long_phrases_shortened():
    result = partial()
    fig = top_words_figure(result, "POSITIVE", k=5)
    labels = list(fig.data[0].y)
    phrase = [label for label in labels if "words" in label]
    assert phrase == ["“But the long … and on forever.” · 11 words"]
    assert fig.data[0].x[0] == 0.45  # the phrase is the strongest item
    assert all("&lt;" in label or "<" not in label for label in labels)


def test_shorten_keeps_start_and_end():
    assert shorten("short one") == "short one"
    long = "The first words of a long\nphrase that goes on and on until its very last words."
    out = shorten(long, 30)
    assert out.startswith("The first") and out.endswith("last words.") and "…" in out and "\n" not in out


def test_summary_names_resolved_words_and_whole_phrases():
    result = partial()
    line = summarize(result, "POSITIVE")
    assert '"Great"' in line and '"But the long … and on forever."' in line  # the phrase as the chart names it
    assert '"forever"' not in line and "named by their start and end" in line

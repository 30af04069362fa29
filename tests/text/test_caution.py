from textlens.text.caution import cautions, language_shares, markup_share


def kinds(text, language="en"):
    return [c.kind for c in cautions(text, language)]


def test_a_german_review_gets_a_language_caution():
    text = "Der Film war langweilig und viel zu lang. Die Schauspieler waren schlecht, ich habe mich geärgert."
    found = cautions(text, "en")
    assert [c.kind for c in found] == ["language"]
    assert "German" in found[0].message and "English" in found[0].message


def test_chinese_is_flagged_and_english_is_not():
    assert kinds("这部电影很无聊，情节拖沓，演员的表演也很差。我不推荐。") == ["language"]
    assert kinds("The acting was wonderful but the plot was dull.") == []


def test_short_or_unclear_texts_raise_no_false_alarm():
    for text in ("ok", "Horrible", "A dull, tedious mess.", "I loved it.", "😀😀", "12345"):
        assert kinds(text) == [], text


def test_mostly_english_with_a_foreign_quote_is_fine():
    text = (
        "The film follows a family in Berlin over one long summer, and the acting is superb throughout. "
        "The script is sharp and the ending is earned. Its title means 'Das Leben der Anderen'."
    )
    assert kinds(text) == []
    assert language_shares(text).get("en", 0) > 0.5


def test_markup_is_flagged():
    html = '<div class="review"><p><b>Great</b> movie</p><a href="https://x.example/a?b=c">link</a></div>'
    assert markup_share(html) > 0.5
    assert kinds(html) == ["markup"]
    assert kinds("I <3 this film, 5 > 4 stars") == []


def test_unknown_model_language_checks_markup_only():
    assert cautions("Der Film war langweilig und viel zu lang, wirklich.", None) == []

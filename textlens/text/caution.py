"""Cautions for inputs a model was not built for: text mostly in another language, or mostly markup."""

from __future__ import annotations

import functools
import re
from dataclasses import dataclass

# A sentence counts toward "another language" only when the identifier is this sure of it: on a few
# words it guesses (e.g. "ok" as Serbian at 1 %), and a caution that cries wolf is ignored.
CONFIDENT = 0.8
# Sentences shorter than this many letters are left out of the language share (too short to tell).
MIN_LETTERS = 8
MOSTLY = 0.5
MARKUP_SHARE = 0.3
LANGUAGE_NAMES = {
    "en": "English", "de": "German", "fr": "French", "es": "Spanish", "it": "Italian", "nl": "Dutch",
    "pt": "Portuguese", "ru": "Russian", "zh": "Chinese", "ja": "Japanese", "ko": "Korean", "ar": "Arabic",
    "pl": "Polish", "tr": "Turkish", "sv": "Swedish", "da": "Danish", "no": "Norwegian", "fi": "Finnish",
    "cs": "Czech", "el": "Greek", "he": "Hebrew", "hi": "Hindi", "uk": "Ukrainian",
}  # fmt: skip
SENTENCE = re.compile(r"[^.!?。！？\n]+[.!?。！？]*")
# A tag starts with a letter after "<" or "</" ("I <3 it, 5 > 4" is not markup); also comments, entities.
MARKUP = re.compile(
    r"</?[A-Za-z][\w:-]*(?:\s[^<>]{0,300})?/?>|<!--.{0,300}?-->|&(?:#\d{1,7}|#x[0-9a-fA-F]{1,6}|\w{2,10});"
)
LETTER = re.compile(r"[^\W\d_]")


@dataclass(frozen=True)
class Caution:
    """One reason to read an explanation with care; ``kind`` is "language" or "markup"."""

    kind: str
    message: str
    share: float  # share of the text's letters (language) or characters (markup) concerned


@functools.lru_cache(maxsize=1)
def _identifier():
    # Loaded once per process (half a second); the model is read-only, so threads may share it.
    from py3langid.langid import MODEL_FILE, LanguageIdentifier

    return LanguageIdentifier.from_model_file(MODEL_FILE, norm_probs=True)


def language_name(code: str) -> str:
    """A language's English name for an ISO 639-1 code (the code itself when unknown)."""
    return LANGUAGE_NAMES.get(code, code)


def language_shares(text: str) -> dict[str, float]:
    """Share of the text's letters in each confidently identified language, sentence by sentence.

    Letters in sentences too short or too mixed to identify count as ``"?"``.
    """
    counts: dict[str, int] = {}
    for match in SENTENCE.finditer(MARKUP.sub(" ", text[:20_000])):
        sentence = match.group()
        letters = len(LETTER.findall(sentence))
        if letters == 0:
            continue
        code = "?"
        if letters >= MIN_LETTERS:
            lang, prob = _identifier().classify(sentence)
            code = lang if prob >= CONFIDENT else "?"
        counts[code] = counts.get(code, 0) + letters
    total = sum(counts.values())
    return {code: n / total for code, n in counts.items()} if total else {}


def markup_share(text: str) -> float:
    """Share of the non-space characters that are HTML/XML tags or entities."""
    visible = sum(1 for ch in text if not ch.isspace())
    if not visible:
        return 0.0
    tagged = sum(len(m.group().replace(" ", "")) for m in MARKUP.finditer(text))
    return tagged / visible


def cautions(text: str, language: str | None) -> list[Caution]:
    """Why an explanation of ``text`` may mislead: mostly markup, or mostly not in the model's ``language``.

    ``language`` is the model's language (ISO 639-1), or None when unknown (then only markup is checked).
    """
    found = []
    share = markup_share(text)
    if share >= MARKUP_SHARE:
        found.append(
            Caution(
                "markup",
                f"{share:.0%} of this text is markup (HTML tags or entities): the model will be explained by "
                "its tags as much as by its words. Paste the plain text instead.",
                share,
            )
        )
    if language:
        shares = language_shares(text)
        other = {code: s for code, s in shares.items() if code not in (language, "?")}
        if sum(other.values()) > MOSTLY:
            main = max(other, key=other.get)
            found.append(
                Caution(
                    "language",
                    f"This text looks mostly {language_name(main)} ({sum(other.values()):.0%} of its letters), "
                    f"but the model was built for {language_name(language)}: its prediction and explanation "
                    "may mean little here.",
                    sum(other.values()),
                )
            )
    return found

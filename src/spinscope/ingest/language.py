"""A tiny, offline language guess: is this English? (stop-word and script shares; no model, no download)."""

from __future__ import annotations

import re

_STOPWORDS: dict[str, frozenset[str]] = {
    "en": frozenset(
        "the of and to in is that for it was on with as are by be this have from at not but his they".split()
    ),
    "de": frozenset("der die und das ist nicht ein eine zu den mit von sich auf für dem im des auch es sie".split()),
    "fr": frozenset("le la les et des est une un du que pour dans qui pas sur au avec il elle sont ce".split()),
    "es": frozenset("el la los las y de que en es un una por con para no del se al lo como".split()),
    "it": frozenset("il la di che e un una per non sono del della con le gli nel alla è anche".split()),
    "pt": frozenset("o a os as de que e do da em um uma para com não por se na no mais".split()),
    "nl": frozenset("de het een en van is dat niet op te zijn met voor die er ook aan".split()),
}
_WORD = re.compile(r"[^\W\d_]+", re.UNICODE)


def guess_language(text: str) -> str | None:
    """ISO 639-1 code of the most likely language among a few, 'xx' for non-Latin scripts, None if unsure."""
    sample = text[:20000]
    letters = [c for c in sample if c.isalpha()]
    if len(letters) < 20:
        return None
    latin = sum(1 for c in letters if c < "\u0250")
    if latin / len(letters) < 0.5:
        return "xx"
    words = [w.lower() for w in _WORD.findall(sample)]
    if not words:
        return None
    scores = {lang: sum(1 for w in words if w in sw) / len(words) for lang, sw in _STOPWORDS.items()}
    lang, best = max(scores.items(), key=lambda kv: kv[1])
    if best < 0.05:
        return None
    return lang

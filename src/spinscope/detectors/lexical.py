"""Transparent lexical layer: loaded words, labels, intensifiers and absolutes, and phrase cues.

Every span says which list matched and why, so a reader can check it. Mined terms (PTC train split)
score with their measured in-span share; hand-written cues score with the fixed, deliberately low
values in CUE_SCORES (hints, not model confidences). Provenance: resources/lexicons/README.md.
"""

from __future__ import annotations

import re
from typing import ClassVar

from spinscope.article import Article
from spinscope.detectors.base import Context, Detector, Findings
from spinscope.detectors.lexicon import FUNCTION_WORDS, Matcher, Term, load_json
from spinscope.ingest.segment import is_abbreviation
from spinscope.spans import Span
from spinscope.techniques import PTC_TECHNIQUES

LOADED = "Loaded_Language"
LABEL = "Name_Calling,Labeling"
EXAGGERATION = "Exaggeration,Minimisation"

CUE_SCORES = {"loaded": 0.45, "labels": 0.45, "intensifiers": 0.35, "absolutes": 0.3, "phrase": 0.35}
_CLAUSE_BREAK = re.compile(r"[,;:.!?()\"“”—–]")
_NEXT_WORDS = re.compile(r"\s+([\w'’-]+)")


def _mined(name: str, label: str, rejects: set[str]) -> list[Term]:
    doc = load_json(name)
    out = []
    for row in doc["terms"]:
        if row["term"] in rejects:
            continue
        score = min(0.9, max(0.3, float(row["precision"])))
        why = (
            f"in the PTC training articles “{row['term']}” falls inside a {label} span "
            f"{row['in_span']} of {row['total']} times"
        )
        out.append(Term(row["term"], label, score, why))
    return out


def _hand(words: list[str], label: str, score: float, why: str, extend: bool = False,
          literal_sense: bool = False) -> list[Term]:
    return [Term(w, label, score, why, extend, literal_sense) for w in words]


TOPIC_MIN_USES = 3
TOPIC_SCORE_FACTOR = 0.5


def _topic_terms(article: Article, matches: list[tuple[int, int, Term]]) -> dict[str, int]:
    """Hand-listed words that are the article's subject rather than a judgement: in the headline and used
    at least ``TOPIC_MIN_USES`` times ("plague" in a story about the plague). Counted on the matches, so
    "Plague" and "plague" are one word. Returns word -> uses.

    Measured on the 371 PTC training articles: such matches fall inside a gold span of their technique
    7.9% of the time (22 of 278), against 21% for the hand-written list as a whole."""
    tr = article.title_region
    if tr is None:
        return {}
    uses: dict[str, int] = {}
    in_title: set[str] = set()
    for a, _b, term in matches:
        if term.literal_sense:
            key = term.text.lower()
            uses[key] = uses.get(key, 0) + 1
            if tr.start <= a < tr.end:
                in_title.add(key)
    return {k: n for k, n in uses.items() if k in in_title and n >= TOPIC_MIN_USES}


def _breaks_clause(text: str, i: int) -> bool:
    """Whether ``text[i]`` ends a clause: punctuation, but not the full stop inside "U.S.’s", "3.5" or
    after an abbreviation ("Gen. Smith")."""
    if not _CLAUSE_BREAK.match(text[i]):
        return False
    if text[i] != ".":
        return True
    after = text[i + 1 : i + 2]
    return (not after or after.isspace()) and not is_abbreviation(text, i + 1)


def _clause(text: str, start: int, end: int, lo: int, hi: int) -> tuple[int, int]:
    """Widen ``[start, end)`` to the clause around it, within ``[lo, hi)``."""
    a = start
    while a > lo and not _breaks_clause(text, a - 1):
        a -= 1
    b = end
    while b < hi and not _breaks_clause(text, b):
        b += 1
    while a < b and text[a].isspace():
        a += 1
    while b > a and text[b - 1].isspace():
        b -= 1
    return a, b


WORD_MATCHER_KEY = "lexicon.words"  # the word_matcher() in Resources, built once for every detector that needs it


def word_matcher() -> Matcher:
    """The single-word and short-term lexicons: intensifiers and absolutes (exaggeration), hand-written
    labels and loaded words, and the terms mined from the PTC training articles."""
    general = load_json("general.json")
    rejects = set(general["mined_rejects"])
    terms: list[Term] = []
    terms += _hand(
        general["intensifiers"],
        EXAGGERATION,
        CUE_SCORES["intensifiers"],
        "an intensifier that inflates what it qualifies",
        extend=True,
    )
    terms += _hand(general["absolutes"], EXAGGERATION, CUE_SCORES["absolutes"], "an absolute that admits no exception")
    terms += _hand(
        general["labels"],
        LABEL,
        CUE_SCORES["labels"],
        "a label that tags people or groups instead of describing them (hand-written list)",
        literal_sense=True,
    )
    terms += _hand(
        general["loaded"],
        LOADED,
        CUE_SCORES["loaded"],
        "a word that judges rather than describes (hand-written list)",
        literal_sense=True,
    )
    terms += _mined("labels.json", LABEL, rejects)
    terms += _mined("loaded.json", LOADED, rejects)  # later entries win on the same text
    return Matcher(terms)


class LexicalDetector(Detector):
    name: ClassVar[str] = "lexical"
    labels: ClassVar[tuple[str, ...]] = PTC_TECHNIQUES

    def __init__(self) -> None:
        self._phrase_matcher: Matcher | None = None

    def _phrases(self) -> Matcher:
        if self._phrase_matcher is None:
            general = load_json("general.json")
            self._phrase_matcher = Matcher([
                Term(cue, tech, CUE_SCORES["phrase"], f"the phrase “{cue}” is a typical cue of this technique")
                for tech, cues in general["phrase_cues"].items()
                for cue in cues
            ])
        return self._phrase_matcher

    def detect(self, article: Article, context: Context) -> Findings:
        words = context.resources.get(WORD_MATCHER_KEY, word_matcher)  # shared with the rhetoric layer
        phrases = self._phrases()
        text = article.text
        spans: list[Span] = []
        sentences = article.analysable_sentences()
        found = [(sent, m) for sent in sentences for m in words.finditer(text, sent.start, sent.end)]
        topics = _topic_terms(article, [m for _, m in found])
        seen_topics: set[str] = set()
        for sent, (a, b, term) in found:
            key = term.text.lower()
            if key in topics:  # the article's subject: marked once, softly, and said so
                if key in seen_topics:
                    continue
                seen_topics.add(key)
                spans.append(Span(a, b, term.label, round(term.score * TOPIC_SCORE_FACTOR, 4),
                                  f"“{text[a:b]}”: {term.why}, but it is also in the headline and used "
                                  f"{topics[key]} times, so here it may simply name the article's subject; "
                                  "its other uses are not marked.", self.name))
                continue
            if term.extend:  # the intensifier with the words it inflates (up to two)
                for _ in range(2):
                    m = _NEXT_WORDS.match(text, b, sent.end)
                    if not m or m.group(1).lower() in FUNCTION_WORDS:
                        break
                    b = m.end()
            phrase = text[a:b]
            spans.append(Span(a, b, term.label, term.score, f"“{phrase}”: {term.why}.", self.name))
        for sent in sentences:
            for a, b, term in phrases.finditer(text, sent.start, sent.end):
                ca, cb = _clause(text, a, b, sent.start, sent.end)
                spans.append(Span(ca, cb, term.label, term.score, f"{term.why}.", self.name))
        return Findings(spans=_dedupe(spans))


def _dedupe(spans: list[Span]) -> list[Span]:
    """One span per (start, end, label): the highest score wins."""
    best: dict[tuple[int, int, str], Span] = {}
    for s in spans:
        key = (s.start, s.end, s.technique)
        if key not in best or s.score > best[key].score:
            best[key] = s
    return sorted(best.values(), key=lambda s: (s.start, s.end, s.technique))

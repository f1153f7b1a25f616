"""Transparent rhetoric layer: questions that plant doubt, doubt cues, speculation presented as analysis,
shouting (exclamations, ALL CAPS) and repetition of the same content phrase.

Scores are fixed per rule (see RULE_SCORES) and deliberately modest: each span is a hint with a reason.
"""

from __future__ import annotations

import bisect
import re
from collections import defaultdict
from typing import ClassVar

from spinscope.article import Article
from spinscope.detectors.base import Context, Detector, Findings
from spinscope.detectors.lexical import WORD_MATCHER_KEY, word_matcher
from spinscope.detectors.lexicon import Matcher, Term, load_json
from spinscope.spans import Region, Span

DOUBT = "Doubt"
SPECULATION = "Speculation"
SHOUTING = "Shouting"
REPETITION = "Repetition"

RULE_SCORES = {
    "question_cue": 0.55,
    "question": 0.35,
    "doubt_cue": 0.4,
    "speculation": 0.35,
    "exclamation": 0.3,
    "caps": 0.4,
    "repetition": 0.3,
}
_CAPS_RUN = re.compile(r"\b[A-Z][A-Z'’]{3,}(?:\s+[A-Z][A-Z'’]{1,})+\b|\b[A-Z]{6,}\b")
_EXCLAIM = re.compile(r"!{2,}|[?!]{3,}")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]+")
_STOP = frozenset(
    "the a an of and or to in on at for with by from is are was were be been it its this that these those as he "
    "she they we you i his her their our your not no but if so than then there here who which what when said says "
    "has have had will would can could should may might do does did about into over after before also just more "
    "mr mrs ms one two new".split()
)
_CLAUSE_END = re.compile(r"[.;!?]|,\s+(?:but|and|while|although)\b")


_NAME_WORD = re.compile(r"\b[A-Z][a-z]+(?:[A-Z][a-z]+)*\b")
_CAPS_WORD = re.compile(r"[A-Z][A-Z'’]*")
_VOWELS = frozenset("AEIOUY")


def _proper_words(text: str) -> frozenset[str]:
    """Capitalised words of the text that are never written in lower case: names ("Reuters", "Breitbart")."""
    lower = {w.lower() for w in re.findall(r"\b[a-z][a-z]+\b", text)}
    return frozenset(w.upper() for w in _NAME_WORD.findall(text) if w.lower() not in lower)


def _caps_is_a_name(text: str, start: int, end: int, names: frozenset[str]) -> bool:
    """True when a run of capitals names something rather than shouting: every word of it is an acronym
    (no vowel, or at most three letters) or a name the article writes elsewhere in normal case ("REUTERS" beside
    "Reuters"); or it is a dateline or credit: in brackets ("(REUTERS)") or opening a paragraph before a
    bracket or a dash ("WASHINGTON (AP) —")."""
    words = [w.strip("'’") for w in _CAPS_WORD.findall(text[start:end])]
    if all(len(w) <= 3 or not (_VOWELS & set(w)) or w in names for w in words):
        return True
    before = text[max(0, start - 1) : start]
    after = text[end : end + 3].lstrip(" ")
    if before == "(" and after.startswith(")"):
        return True
    line_start = text.rfind("\n", 0, start) + 1
    return not text[line_start:start].strip() and after[:1] in ("(", "—", "–", "-", ",")


def _in_quotes(text: str, sent: Region, pos: int) -> bool:
    """Heuristic: an odd number of double quote marks between the sentence start and ``pos``."""
    seg = text[sent.start : pos]
    return (seg.count('"') % 2 == 1) or (seg.count("“") > seg.count("”"))


class RhetoricDetector(Detector):
    name: ClassVar[str] = "rhetoric"
    labels: ClassVar[tuple[str, ...]] = (DOUBT, SPECULATION, SHOUTING, REPETITION)

    def __init__(self) -> None:
        self._matchers: dict[str, Matcher] | None = None

    def _load(self) -> dict[str, Matcher]:
        if self._matchers is None:
            g = load_json("general.json")
            self._matchers = {
                key: Matcher([Term(c, label, RULE_SCORES[rule], "") for c in g[key]])
                for key, label, rule in (
                    ("doubt_question_cues", DOUBT, "question_cue"),
                    ("doubt_cues", DOUBT, "doubt_cue"),
                    ("speculation_cues", SPECULATION, "speculation"),
                )
            }
        return self._matchers

    def detect(self, article: Article, context: Context) -> Findings:
        m = self._load()
        text = article.text
        names = _proper_words(text)
        spans: list[Span] = []
        sentences = article.analysable_sentences()
        for sent in sentences:
            s_text = text[sent.start : sent.end]
            if s_text.rstrip("\"'”’) ").endswith("?") and not _in_quotes(text, sent, sent.end - 1):
                cues = m["doubt_question_cues"].finditer(text, sent.start, sent.end)
                if cues:
                    cue = text[cues[0][0] : cues[0][1]]
                    spans.append(
                        Span(
                            sent.start,
                            sent.end,
                            DOUBT,
                            RULE_SCORES["question_cue"],
                            f"A rhetorical question (“{cue}…?”) that raises doubt without answering it.",
                            self.name,
                        )
                    )
                elif sent != article.title_region:
                    spans.append(
                        Span(
                            sent.start,
                            sent.end,
                            DOUBT,
                            RULE_SCORES["question"],
                            "A question put to the reader in the writer's own voice: it can plant doubt "
                            "without stating or supporting a claim.",
                            self.name,
                        )
                    )
            for a, b, _ in m["doubt_cues"].finditer(text, sent.start, sent.end):
                end = b
                nxt = _WORD.match(text, b + 1) if b + 1 < sent.end else None
                if nxt:
                    end = nxt.end()
                spans.append(
                    Span(
                        a,
                        end,
                        DOUBT,
                        RULE_SCORES["doubt_cue"],
                        f"“{text[a:b]}” casts doubt on what follows without giving evidence.",
                        self.name,
                    )
                )
            for a, b, _ in m["speculation_cues"].finditer(text, sent.start, sent.end):
                if _in_quotes(text, sent, a):
                    continue
                stop = _CLAUSE_END.search(text, b, sent.end)
                end = stop.start() if stop else sent.end
                spans.append(
                    Span(
                        a,
                        max(end, b),
                        SPECULATION,
                        RULE_SCORES["speculation"],
                        f"“{text[a:b]}” presents a guess as analysis; check whether evidence follows.",
                        self.name,
                    )
                )
            for mm in _EXCLAIM.finditer(s_text):
                spans.append(
                    Span(
                        sent.start,
                        sent.end,
                        SHOUTING,
                        RULE_SCORES["exclamation"],
                        f"Stacked punctuation (“{mm.group(0)}”) raises the emotional pitch.",
                        self.name,
                    )
                )
                break
            if not s_text.isupper():  # a whole line in capitals is usually a heading, not shouting
                for mm in _CAPS_RUN.finditer(s_text):
                    if _caps_is_a_name(text, sent.start + mm.start(), sent.start + mm.end(), names):
                        continue
                    spans.append(
                        Span(
                            sent.start + mm.start(),
                            sent.start + mm.end(),
                            SHOUTING,
                            RULE_SCORES["caps"],
                            "Words in ALL CAPS shout at the reader.",
                            self.name,
                        )
                    )
        spans.extend(self._repetition(article, sentences, context.resources.get(WORD_MATCHER_KEY, word_matcher)))
        return Findings(spans=spans)

    def _repetition(self, article: Article, sentences: list[Region], loaded: Matcher) -> list[Span]:
        """Content-word bigrams and trigrams with a loaded word, label or intensifier in them (``loaded``),
        used three or more times: every use after the first. A neutral phrase that recurs ("hard border",
        "special counsel") is the article's subject, not a technique: on the PTC training articles such
        repeats fall inside a gold Repetition span 5.9% of the time, loaded ones 21%."""
        text = article.text
        seen: dict[tuple[str, ...], list[tuple[int, int]]] = defaultdict(list)
        for sent in sentences:
            words = [
                (w.start() + sent.start, w.end() + sent.start, w.group(0).lower(), w.group(0)[0].isupper())
                for w in _WORD.finditer(text[sent.start : sent.end])
            ]
            for n in (3, 2):
                for i in range(len(words) - n + 1):
                    window = words[i : i + n]
                    if window[0][2] in _STOP or window[-1][2] in _STOP:
                        continue
                    if sum(1 for w in window if w[2] not in _STOP) < 2:
                        continue
                    if all(w[3] for w in window if w[2] not in _STOP):  # a name (Las Vegas), not a message
                        continue
                    seen[tuple(w[2] for w in window)].append((window[0][0], window[-1][1]))
        spans: list[Span] = []
        starts: list[int] = []  # the marked places: disjoint, sorted by start (a bisect finds any overlap)
        ends: list[int] = []
        for gram, places in sorted(seen.items(), key=lambda kv: -len(kv[0])):
            if len(places) < 3 or not loaded.finditer(text, places[0][0], places[0][1]):
                continue
            phrase = " ".join(gram)
            for a, b in places[1:]:
                i = bisect.bisect_left(starts, a)
                if (i > 0 and ends[i - 1] > a) or (i < len(starts) and starts[i] < b):
                    continue
                starts.insert(i, a)
                ends.insert(i, b)
                spans.append(
                    Span(
                        a,
                        b,
                        REPETITION,
                        RULE_SCORES["repetition"],
                        f"“{phrase}”, a loaded phrase, is used {len(places)} times in this article; "
                        "repetition makes a message stick without adding support for it.",
                        self.name,
                    )
                )
        return spans

"""Headline checks: how clickbait is the headline, and does the body support it?

Fills the report section ``headline`` (schema: resources/schema/headline.schema.json):

- ``clickbait``: probability from a numpy logistic model (hashed n-grams + cue counts + MiniLM
  embedding) and the cues found (forward reference, listicle number, second person, superlative,
  teaser, question), with offsets into ``Article.text``;
- ``stance``: agree / disagree / discuss / unrelated of the body towards the headline (FNC-1-trained
  boosted trees over encoder similarities, lexical overlap, refuting/hedging cues and two stacked
  classifiers, ``fnc1.StanceModel``), with evidence: the body
  sentences that most support or contradict the headline. Only the headline and a few focus sentences
  (the lead and the best lexical matches, ``fnc1.select_sentences``) are embedded: one small batch;
- ``unsupported_terms``: headline content words whose stem never occurs in the body.

Without a title or a body the section says ``available: false`` with a reason instead of failing.
"""

from __future__ import annotations

import re
from typing import Any, ClassVar

import numpy as np

from spinscope.article import Article
from spinscope.config import Options
from spinscope.detectors.base import Context, Detector, Findings
from spinscope.evaluation.fnc1 import (
    CONFIRM,
    HEDGE,
    LABELS,
    NEGATION,
    REFUTE,
    REPORTING,
    STOPWORDS,
    STRONG_REFUTE,
    StanceModel,
    body_info,
    content_stems,
    stem,
    tokens,
)
from spinscope.evaluation.fnc1 import MAX_TOKENS as STANCE_MAX_TOKENS
from spinscope.spans import Region

MAX_BODY_SENTENCES = 400  # lexical features only; the encoder sees just the focus sentences
EVIDENCE_MIN_SIM = 0.35
EVIDENCE_MIN_COVER = 0.5
MAX_EVIDENCE = 3
# Words too generic to count as a headline claim the body must support.
GENERIC = frozenset(
    "here's heres here next behind story stories became become becomes just now why how what first last year years "
    "day days time times make makes made get gets got take takes took big top week today latest update updates "
    "watch video photos pictures look looks everything nothing something thing things really still back way "
    "know need want going come comes came".split()
)
_WORD = re.compile(r"[A-Za-z0-9]+(?:['’][A-Za-z]+)?")

_STANCE_TEXT = {
    "agree": "The body states what the headline says.",
    "disagree": "The body contradicts or refutes the headline.",
    "discuss": "The body reports on the headline's claim without confirming it.",
    "unrelated": "The body does not address the headline's claim.",
}


class HeadlineDetector(Detector):
    name: ClassVar[str] = "headline"
    labels: ClassVar[tuple[str, ...]] = ()
    sections: ClassVar[tuple[str, ...]] = ("headline",)

    def __init__(self) -> None:
        self._clickbait: Any = None
        self._stance: Any = None
        self._threads: int | None = None

    def configure(self, options: Options) -> None:
        """The analysis's thread budget (``ptc_threads``) also sizes the shared sentence encoder."""
        self._threads = options.model_threads

    # ---------------------------------------------------------------- models (lazy, cached on self)
    def _models(self, context: Context) -> tuple[Any, Any, Any]:
        from spinscope.evaluation.clickbait import ClickbaitModel
        from spinscope.inference.sentence_encoder import SentenceEncoder

        encoder = context.resources.get("sentence_encoder", lambda: SentenceEncoder(threads=self._threads))
        if self._clickbait is None:
            self._clickbait = ClickbaitModel()
        if self._stance is None:
            self._stance = StanceModel()
        return encoder, self._clickbait, self._stance

    def detect(self, article: Article, context: Context) -> Findings:
        region = article.title_region
        title = article.text[region.start : region.end] if region else ""
        if region is None or not title.strip():
            return Findings(sections={"headline": _unavailable("", "the article has no headline (title line)")})
        body = [s for s in article.analysable_sentences() if s.start >= region.end]
        encoder, clickbait, stance_model = self._models(context)
        body = body[:MAX_BODY_SENTENCES]
        sentences = [article.text[s.start : s.end] for s in body]
        stems = [content_stems(s) for s in sentences]
        chosen = stance_model.select(title, stems)
        texts = [title] + [sentences[i] for i in chosen]
        emb = context.cached("headline:embeddings", lambda: encoder.encode(texts, max_tokens=STANCE_MAX_TOKENS))
        section: dict[str, Any] = {
            "available": True,
            "reason": None,
            "text": title,
            "start": region.start,
            "end": region.end,
        }
        section["clickbait"] = self._clickbait_section(clickbait, title, emb[0], region)
        scores = {"headline_clickbait": section["clickbait"]["probability"]}
        if not body:
            section["stance"] = None
            section["unsupported_terms"] = []
            section["reason"] = "the article has no body text to compare with the headline"
        else:
            info = body_info(sentences, emb[1:], chosen, stems)
            section["stance"] = self._stance_section(stance_model, title, emb[0], body, info)
            section["unsupported_terms"] = unsupported_terms(title, region.start, sentences)
            scores["headline_unrelated"] = section["stance"]["probabilities"]["unrelated"]
        return Findings(sections={"headline": section}, scores=scores)

    @staticmethod
    def _clickbait_section(model: Any, title: str, emb: np.ndarray, region: Region) -> dict[str, Any]:
        from spinscope.evaluation.clickbait import find_cues

        prob = float(model.predict_proba([title], emb[None, :])[0])
        return {
            "probability": round(prob, 4),
            "is_clickbait": prob >= 0.5,
            "cues": [c.to_dict(region.start) for c in find_cues(title)],
        }

    @staticmethod
    def _stance_section(model: Any, title: str, h_emb: np.ndarray, body: list[Region], info: Any) -> dict[str, Any]:
        x, sims, cover = model.features(title, h_emb, info)
        decision, calibrated = model.decide(x)
        label, prob = LABELS[int(decision[0])], calibrated[0]
        probabilities = {lab: round(float(p), 4) for lab, p in zip(LABELS, prob, strict=True)}
        evidence = [
            _evidence(body[k], info.sentences[k], label, similarity, float(cover[k]))
            for k, similarity in _evidence_sentences(info.selected, sims, cover)
        ]
        explanation = f"{_STANCE_TEXT[label]} (p={probabilities[label]:.2f})"
        likeliest = LABELS[int(prob.argmax())]
        if likeliest != label and model.class_share is not None:
            usual = float(model.class_share[LABELS.index(label)])
            explanation += (
                f"; shown although {likeliest} is likelier (p={probabilities[likeliest]:.2f}): {label} is rare (about "
                f"{usual:.0%} of headline-body pairs), so the label leans towards it when in doubt"
            )
        if label != "unrelated" and not evidence:
            explanation += "; no single body sentence matches the headline closely."
        return {"label": label, "probabilities": probabilities, "evidence": evidence, "explanation": explanation}


def _evidence_sentences(selected: list[int], sims: np.ndarray, cover: np.ndarray) -> list[tuple[int, float | None]]:
    """Up to ``MAX_EVIDENCE`` body sentences matching the headline, closest first, found both ways: the
    embedded sentences closest to the headline (cosine >= EVIDENCE_MIN_SIM), and the sentences holding
    most of the headline's weighted words (coverage >= EVIDENCE_MIN_COVER; every sentence is read)."""
    similarity = {k: float(sims[i]) for i, k in enumerate(selected)}
    found: dict[int, float] = {}
    for k, sim in similarity.items():
        if sim >= EVIDENCE_MIN_SIM:
            found[k] = sim
    for k in np.argsort(-cover, kind="stable")[:MAX_EVIDENCE]:
        if cover[k] >= EVIDENCE_MIN_COVER:
            found[int(k)] = max(found.get(int(k), 0.0), float(cover[k]))
    best = sorted(found, key=lambda k: (-found[k], k))[:MAX_EVIDENCE]
    return [(k, similarity.get(k)) for k in best]


def _evidence(region: Region, sentence: str, label: str, similarity: float | None, coverage: float) -> dict[str, Any]:
    words = set(tokens(sentence))
    return {
        "start": region.start,
        "end": region.end,
        "role": _role(words, label),
        "score": round(min(max(max(similarity or 0.0, coverage), 0.0), 1.0), 4),
        "similarity": None if similarity is None else round(min(max(similarity, 0.0), 1.0), 4),
        "coverage": round(min(coverage, 1.0), 4),
        "cues": sorted(words & (STRONG_REFUTE | NEGATION | CONFIRM | REPORTING | HEDGE)),
    }


# Explicit refutation ("hoax", "false", "denied", ...), without the words for what is being reported ("rumor").
_DENIAL = STRONG_REFUTE - {"rumor", "rumors", "rumour", "rumours"}
# The role each stance gives a matching sentence that points its way; any other matching sentence "mentions"
# the claim. A role never points against the label shown (no "supports" beside "disagree").
_LABEL_ROLE = {"agree": "supports", "disagree": "contradicts", "discuss": "reports"}


def _role(words: set[str], label: str) -> str:
    """The role of a matching sentence (its lower-cased ``words``) under the stance ``label`` shown:
    ``contradicts`` (disagree) when it holds a refuting or negation word; ``supports`` (agree) when it holds
    none; ``reports`` (discuss) when it holds a reporting or hedging word and no explicit refutation; else
    ``mentions`` (it matches the headline, but its wording does not show the label; e.g. the sentence
    restating the claim a refuting body denies). The sentence's ``cues`` list the words either way."""
    if label == "disagree" and words & (REFUTE | NEGATION):
        return _LABEL_ROLE[label]
    if label == "agree" and not words & (REFUTE | NEGATION):
        return _LABEL_ROLE[label]
    if label == "discuss" and words & (REPORTING | HEDGE) and not words & _DENIAL:
        return _LABEL_ROLE[label]
    return "mentions"


def unsupported_terms(title: str, offset: int, body_sentences: list[str]) -> list[dict[str, Any]]:
    """Headline content words (and numbers) whose stem appears nowhere in the body."""

    body_stems = {stem(w) for w in {w for s in body_sentences for w in tokens(s)}}  # each distinct word once
    body_prefixes = {w[:5] for w in body_stems if len(w) >= 5}
    out: list[dict[str, Any]] = []
    seen: set[str] = set()
    for m in _WORD.finditer(title):
        word = m.group(0).lower().replace("’", "'")
        if word in STOPWORDS or word in GENERIC or (len(word) < 3 and not word.isdigit()) or word in seen:
            continue
        seen.add(word)
        base = word.split("'")[0]
        st = stem(base)
        if st in body_stems or base in body_stems or (len(st) >= 5 and st[:5] in body_prefixes):
            continue
        out.append({"term": m.group(0), "start": offset + m.start(), "end": offset + m.end()})
    return out


def _unavailable(text: str, reason: str) -> dict[str, Any]:
    return {
        "available": False,
        "reason": reason,
        "text": text,
        "clickbait": None,
        "stance": None,
        "unsupported_terms": [],
    }

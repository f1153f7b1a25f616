"""Check-worthy claims: rank the sentences of an article by how much they deserve a fact-check.

The scorer is a linear pairwise ranker (trained so that a check-worthy sentence outscores an ordinary
one of the same debate, which is what MAP rewards) over TF-IDF word n-grams, cue features (numbers,
statistics, dates, named actors, comparisons, causal wording, event verbs, policy words) and the
sentence's context: the cues of the sentences before and after it, its position in the document and
in its speaker turn (a paragraph in an article), whether it answers a question, and speaker features
(a stage direction or audience line, how often the speaker asks questions, the speaker's share of the
lines). It is trained by ``spinscope.train.claims`` on CLEF-2019 CheckThat! debates and ClaimBuster
sentences; a sigmoid fitted on held-out debates maps the ranking score to the probability that
fact-checkers chose a debate sentence with that score (calibrated: leave-one-debate-out ECE in the card).
Sentences more likely than the debates' base rate (2.7%) are listed.
Inference is numpy only: vocabulary, idf and weights live in ``resources/models/claims.npz``.
"""

from __future__ import annotations

import bisect
import math
import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from spinscope.article import Article
from spinscope.detectors.base import Context, Detector, Findings
from spinscope.errors import ModelError
from spinscope.nlp import paragraph_regions, sentence_regions
from spinscope.spans import Region

MODEL_FILE = "claims.npz"

_TOKEN = re.compile(r"\d+(?:[.,]\d+)*%?|[a-z]+(?:'[a-z]+)?|[$%?]")
_YEAR = re.compile(r"^(1[89]\d\d|20\d\d)$")
_MONTHS = (
    "january|february|march|april|may|june|july|august|september|october|november|december|"
    "monday|tuesday|wednesday|thursday|friday|saturday|sunday|yesterday|last year|last week|last month"
)

# Cue features: name -> pattern (case-insensitive unless noted). Order fixes the feature layout.
CUES: tuple[tuple[str, re.Pattern[str]], ...] = (
    (
        "number",
        re.compile(
            r"\d|\b(?:one|two|three|four|five|six|seven|eight|nine|ten|hundred|thousand|"
            r"million|billion|trillion|dozen|half|twice|double|triple)\b",
            re.I,
        ),
    ),
    ("statistic", re.compile(r"%|\bper ?cent\b|\$|\bdollars?\b|\bpounds\b|\beuros?\b|\brate\b|\baverage\b", re.I)),
    ("date", re.compile(rf"\b(?:1[89]\d\d|20\d\d|{_MONTHS}|since|ago)\b", re.I)),
    (
        "comparative",
        re.compile(
            r"\b(?:more|less|fewer|than|most|least|largest|biggest|highest|lowest|worst|"
            r"best|record|increase[ds]?|decrease[ds]?|doubled|tripled|rose|fell|grew|"
            r"cut|higher|lower|larger|smaller)\b",
            re.I,
        ),
    ),
    (
        "causal",
        re.compile(
            r"\b(?:because|caused?|causes|due to|led to|leads? to|result(?:ed|s)? in|"
            r"as a result|therefore|responsible for|thanks to|blame[ds]?)\b",
            re.I,
        ),
    ),
    (
        "event",
        re.compile(
            r"\b(?:voted|signed|passed|killed|died|attacked|arrested|approved|announced|"
            r"created|lost|won|spent|raised|invaded|launched|banned|fired|elected|"
            r"supported|opposed|introduced|built|closed|paid|taxed)\b",
            re.I,
        ),
    ),
    (
        "law_policy",
        re.compile(
            r"\b(?:law|bill|tax(?:es)?|budget|deficit|debt|jobs?|unemployment|economy|"
            r"wages?|health ?care|insurance|trade|tariffs?|crime|immigra\w*)\b",
            re.I,
        ),
    ),
    (
        "opinion",
        re.compile(
            r"\b(?:i think|i believe|i feel|we will|we're going to|i'm going to|"
            r"thank you|great|wonderful|beautiful|folks)\b",
            re.I,
        ),
    ),
    ("question", re.compile(r"\?")),
    ("first_person", re.compile(r"\b(?:i|i'm|i've|my|me)\b", re.I)),
)
_CAPS = re.compile(r"(?<![.!?]\s)(?<!^)\b[A-Z][a-z]+(?:\s+[A-Z][a-z]+)*")


def tokens(text: str) -> list[str]:
    """Lower-cased word tokens with numbers, years and percentages normalised."""
    out: list[str] = []
    for tok in _TOKEN.findall(text.lower()):
        if tok[0].isdigit():
            if tok.endswith("%"):
                tok = "<pct>"
            elif _YEAR.match(tok):
                tok = "<year>"
            else:
                tok = "<num>"
        out.append(tok)
    return out


def ngrams(text: str) -> list[str]:
    toks = tokens(text)
    return toks + [f"{a} {b}" for a, b in zip(toks, toks[1:], strict=False)]


def cue_names(text: str) -> list[str]:
    """Names of the cue features that fire on ``text`` (plus 'named_actor')."""
    names = [name for name, pattern in CUES if pattern.search(text)]
    if _CAPS.search(text.strip()):
        names.append("named_actor")
    return names


CUE_LAYOUT: tuple[str, ...] = tuple(name for name, _ in CUES) + ("named_actor", "length")


def cue_vector(text: str, names: list[str] | None = None) -> np.ndarray:
    """The cue features of ``text`` (``names``: its cue_names, when already known)."""
    fired = set(cue_names(text) if names is None else names)
    vec = np.array([1.0 if name in fired else 0.0 for name in CUE_LAYOUT[:-1]] + [0.0])
    vec[-1] = min(len(text.split()), 60) / 30.0
    return vec


# Speakers that are not a debater: stage directions, audience, unnamed questioners.
_NON_SPEAKER = re.compile(r"^(?:SYSTEM|SYSYTEM|QUESTION|AUDIENCE.*|UNIDENTIFIED.*|\(.*)$")
CONTEXT_LAYOUT: tuple[str, ...] = (
    "non_speaker_line",
    "speaker_question_share",
    "speaker_line_share",
    "position",
    "first_in_turn",
    "last_in_turn",
    "turn_length",
    "answers_question",
)
# Context of a sentence with no document around it (ClaimBuster training sentences).
NEUTRAL_CONTEXT = np.array([0.0, 0.1, 0.4, 0.5, 0.0, 0.0, 0.0, 0.0])
NEIGHBOUR_WEIGHT = 0.5


def context_features(speakers: Sequence[str], turns: Sequence[int], texts: Sequence[str]) -> np.ndarray:
    """Per sentence: the ``CONTEXT_LAYOUT`` features from its speaker, its turn (consecutive sentences
    of one speaker in a debate; a paragraph in an article) and its position."""
    n = len(texts)
    lines = Counter(speakers)
    asks = Counter(sp for sp, t in zip(speakers, texts, strict=True) if t.rstrip().endswith("?"))
    turn_size = Counter(turns)
    out = np.zeros((n, len(CONTEXT_LAYOUT)))
    k = 0
    for i in range(n):
        k = 0 if i == 0 or turns[i] != turns[i - 1] else k + 1
        size = turn_size[turns[i]]
        after_question = i > 0 and speakers[i - 1] != speakers[i] and texts[i - 1].rstrip().endswith("?")
        out[i] = (
            1.0 if _NON_SPEAKER.match(speakers[i].strip()) else 0.0,
            asks[speakers[i]] / lines[speakers[i]],
            lines[speakers[i]] / n,
            i / max(n - 1, 1),
            1.0 if k == 0 else 0.0,
            1.0 if k == size - 1 else 0.0,
            math.log1p(size) / 3,
            1.0 if after_question else 0.0,
        )
    return out


def speaker_turns(speakers: Sequence[str]) -> list[int]:
    """Turn ids for a debate: a new turn whenever the speaker changes."""
    out: list[int] = []
    for i, sp in enumerate(speakers):
        out.append(0 if i == 0 else out[-1] + (sp != speakers[i - 1]))
    return out


def document_features(cues: np.ndarray, context: np.ndarray) -> np.ndarray:
    """The non-text features of each sentence: its cues, its neighbours' cues (scaled) and its context."""
    zero = np.zeros((1, cues.shape[1]))
    prev = np.vstack([zero, cues[:-1]]) * NEIGHBOUR_WEIGHT
    nxt = np.vstack([cues[1:], zero]) * NEIGHBOUR_WEIGHT
    return np.hstack([cues, prev, nxt, context])


N_DENSE = 3 * len(CUE_LAYOUT) + len(CONTEXT_LAYOUT)


@dataclass(frozen=True)
class ClaimScorer:
    """TF-IDF + cue + context linear ranker; numpy inference from stored weights.

    ``coef_dense`` weighs ``document_features`` (N_DENSE columns); ``platt`` (a, b) maps the ranking score
    z to a probability 1 / (1 + exp(-(a z + b))); ``base_rate`` is the share of check-worthy sentences in
    the training debates."""

    vocab: dict[str, int]
    terms: list[str]
    idf: np.ndarray
    coef_text: np.ndarray
    coef_dense: np.ndarray
    platt: tuple[float, float]
    base_rate: float

    @classmethod
    def load(cls, path: Path | None = None) -> ClaimScorer:
        try:
            if path is None:
                ref = resources.files("spinscope.resources") / "models" / MODEL_FILE
                with resources.as_file(ref) as p:
                    return cls._read(Path(p))
            return cls._read(path)
        except (OSError, KeyError, ValueError) as exc:
            raise ModelError(f"claims model unreadable ({path or MODEL_FILE}): {exc}") from exc

    @classmethod
    def _read(cls, path: Path) -> ClaimScorer:
        with np.load(path, allow_pickle=False) as z:
            terms = [str(t) for t in z["vocab"]]
            scorer = cls(
                vocab={t: i for i, t in enumerate(terms)},
                terms=terms,
                idf=z["idf"].astype(np.float64),
                coef_text=z["coef_text"].astype(np.float64),
                coef_dense=z["coef_dense"].astype(np.float64),
                platt=(float(z["platt"][0]), float(z["platt"][1])),
                base_rate=float(z["base_rate"]),
            )
        if len(scorer.coef_dense) != N_DENSE or len(scorer.coef_text) != len(terms):
            raise ValueError(f"weights do not match the feature layout ({len(scorer.coef_dense)} != {N_DENSE})")
        return scorer

    def text_vector(self, text: str) -> dict[int, float]:
        counts: dict[int, int] = {}
        for gram in ngrams(text):
            idx = self.vocab.get(gram)
            if idx is not None:
                counts[idx] = counts.get(idx, 0) + 1
        weights = {i: (1.0 + math.log(c)) * float(self.idf[i]) for i, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {i: w / norm for i, w in weights.items()}

    def decisions(
        self,
        texts: Sequence[str],
        speakers: Sequence[str] | None = None,
        turns: Sequence[int] | None = None,
        names: Sequence[list[str]] | None = None,
        vecs: Sequence[dict[int, float]] | None = None,
    ) -> np.ndarray:
        """Ranking scores of a document's sentences, in order (higher = more check-worthy).

        ``speakers`` default to one speaker; ``turns`` to the speaker turns. ``names`` and ``vecs``
        (cue_names and text_vector of each text) save recomputing them when the caller has them."""
        if not texts:
            return np.zeros(0)
        speakers = list(speakers) if speakers is not None else [""] * len(texts)
        turns = list(turns) if turns is not None else speaker_turns(speakers)
        names = names if names is not None else [cue_names(t) for t in texts]
        vecs = vecs if vecs is not None else [self.text_vector(t) for t in texts]
        cues = np.stack([cue_vector(t, n) for t, n in zip(texts, names, strict=True)])
        dense = document_features(cues, context_features(speakers, turns, texts)) @ self.coef_dense
        text = np.array([sum(self.coef_text[i] * w for i, w in v.items()) for v in vecs])
        out: np.ndarray = text + dense
        return out

    def probability(self, z: np.ndarray) -> np.ndarray:
        """Probability that fact-checkers would choose a sentence with ranking score ``z`` (calibrated on
        held-out debates)."""
        a, b = self.platt
        out: np.ndarray = 1.0 / (1.0 + np.exp(-np.clip(a * z + b, -30.0, 30.0)))
        return out

    def scores(self, texts: Sequence[str], speakers: Sequence[str] | None = None) -> np.ndarray:
        """Check-worthiness in [0, 1] of a document's sentences (a debate: with its speakers)."""
        return self.probability(self.decisions(texts, speakers))

    def top_terms(self, text: str, n: int = 3, vec: dict[int, float] | None = None) -> list[str]:
        """The n-grams that pushed ``text`` up the most."""
        vec = self.text_vector(text) if vec is None else vec
        contrib = sorted(((self.coef_text[i] * w, self.terms[i]) for i, w in vec.items()), reverse=True)
        return [term for c, term in contrib[:n] if c > 0]


class ClaimsDetector(Detector):
    """Ranks the article's sentences by check-worthiness and lists those above a threshold (by default the
    training debates' base rate: sentences more likely to be chosen than an average debate sentence)."""

    name: ClassVar[str] = "claims"
    sections: ClassVar[tuple[str, ...]] = ("claims",)
    threshold: float | None = None
    max_claims: int = 20

    def __init__(self) -> None:
        self._scorer: ClaimScorer | None = None

    @property
    def scorer(self) -> ClaimScorer:
        if self._scorer is None:
            self._scorer = ClaimScorer.load()
        return self._scorer

    def configure(self, options: Any) -> None:
        extra = getattr(options, "extra", {}) or {}
        if "claims_threshold" in extra:
            self.threshold = float(extra["claims_threshold"])

    def detect(self, article: Article, context: Context) -> Findings:
        sentences = [s for s in sentence_regions(article) if len(article.text[s.start : s.end].split()) >= 4]
        if not sentences:
            return Findings(sections={"claims": []})
        scorer = self.scorer
        attributed = _attributed_sentences(context)
        texts = [article.text[s.start : s.end] for s in sentences]
        names = [cue_names(t) for t in texts]
        vecs = [scorer.text_vector(t) for t in texts]
        turns = _paragraph_ids(article, sentences)
        probs = scorer.probability(scorer.decisions(texts, None, turns, names, vecs))
        threshold = scorer.base_rate if self.threshold is None else self.threshold
        scored: list[dict[str, Any]] = []
        for s, text, names_i, vec, score in zip(sentences, texts, names, vecs, probs.tolist(), strict=True):
            if score < threshold:
                continue
            features = [name for name in names_i if name not in ("opinion", "question", "first_person")]
            features += [f"term:{t}" for t in scorer.top_terms(text, vec=vec)]
            scored.append(
                {
                    "start": s.start,
                    "end": s.end,
                    "text": text,
                    "score": round(score, 4),
                    "features": features,
                    "attributed": (s.start, s.end) in attributed,
                }
            )
        scored.sort(key=lambda c: (-c["score"], c["start"]))
        scored = scored[: self.max_claims]
        for rank, claim in enumerate(scored, 1):
            claim["rank"] = rank
        return Findings(sections={"claims": scored})


def _paragraph_ids(article: Article, sentences: Sequence[Region]) -> list[int]:
    """Index of the paragraph holding each sentence (an article's stand-in for a speaker turn)."""
    starts = [start for start, _ in paragraph_regions(article)]
    return [bisect.bisect_right(starts, s.start) for s in sentences]


def _attributed_sentences(context: Context) -> set[tuple[int, int]]:
    found = context.findings.get("sources")
    if found is None:
        return set()
    coverage: list[dict[str, Any]] = context.memo.get("sources.coverage", [])
    return {(c["start"], c["end"]) for c in coverage if c.get("attributed")}

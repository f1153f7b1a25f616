"""Check-worthy claims: rank the sentences of an article by how much they deserve a fact-check.

The scorer is a logistic regression over TF-IDF word n-grams plus a few cue features (numbers,
dates, named actors, causal and comparative wording, event verbs), trained by
``spinscope.train.claims`` on CLEF-2019 CheckThat! debates and ClaimBuster sentences. Inference is
numpy only: the vocabulary, idf and weights live in ``resources/models/claims.npz``.
"""

from __future__ import annotations

import math
import re
from dataclasses import dataclass
from importlib import resources
from pathlib import Path
from typing import Any, ClassVar

import numpy as np

from spinscope.article import Article
from spinscope.detectors.base import Context, Detector, Findings
from spinscope.errors import ModelError
from spinscope.nlp import sentence_regions

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


@dataclass(frozen=True)
class ClaimScorer:
    """TF-IDF + cue-feature logistic regression; numpy inference from stored weights."""

    vocab: dict[str, int]
    terms: list[str]
    idf: np.ndarray
    coef_text: np.ndarray
    coef_cues: np.ndarray
    intercept: float

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
            return cls(
                vocab={t: i for i, t in enumerate(terms)},
                terms=terms,
                idf=z["idf"].astype(np.float64),
                coef_text=z["coef_text"].astype(np.float64),
                coef_cues=z["coef_cues"].astype(np.float64),
                intercept=float(z["intercept"]),
            )

    def text_vector(self, text: str) -> dict[int, float]:
        counts: dict[int, int] = {}
        for gram in ngrams(text):
            idx = self.vocab.get(gram)
            if idx is not None:
                counts[idx] = counts.get(idx, 0) + 1
        weights = {i: (1.0 + math.log(c)) * float(self.idf[i]) for i, c in counts.items()}
        norm = math.sqrt(sum(w * w for w in weights.values())) or 1.0
        return {i: w / norm for i, w in weights.items()}

    def decision(self, text: str, names: list[str] | None = None, vec: dict[int, float] | None = None) -> float:
        vec = self.text_vector(text) if vec is None else vec
        z = self.intercept + sum(self.coef_text[i] * w for i, w in vec.items())
        return float(z + cue_vector(text, names) @ self.coef_cues)

    def score(self, text: str, names: list[str] | None = None, vec: dict[int, float] | None = None) -> float:
        """Check-worthiness in [0, 1]; ``names`` and ``vec`` (cue_names and text_vector of ``text``) save
        recomputing them when the caller has them."""
        return 1.0 / (1.0 + math.exp(-max(-30.0, min(30.0, self.decision(text, names, vec)))))

    def scores(self, texts: list[str]) -> np.ndarray:
        return np.array([self.score(t) for t in texts], dtype=np.float64)

    def top_terms(self, text: str, n: int = 3, vec: dict[int, float] | None = None) -> list[str]:
        """The n-grams that pushed ``text`` up the most."""
        vec = self.text_vector(text) if vec is None else vec
        contrib = sorted(((self.coef_text[i] * w, self.terms[i]) for i, w in vec.items()), reverse=True)
        return [term for c, term in contrib[:n] if c > 0]


class ClaimsDetector(Detector):
    """Ranks the article's sentences by check-worthiness and lists those above a threshold."""

    name: ClassVar[str] = "claims"
    sections: ClassVar[tuple[str, ...]] = ("claims",)
    threshold: float = 0.5
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
        scored: list[dict[str, Any]] = []
        for s in sentences:
            text = article.text[s.start : s.end]
            names, vec = cue_names(text), scorer.text_vector(text)
            score = scorer.score(text, names, vec)
            if score < self.threshold:
                continue
            features = [name for name in names if name not in ("opinion", "question", "first_person")]
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


def _attributed_sentences(context: Context) -> set[tuple[int, int]]:
    found = context.findings.get("sources")
    if found is None:
        return set()
    coverage: list[dict[str, Any]] = context.memo.get("sources.coverage", [])
    return {(c["start"], c["end"]) for c in coverage if c.get("attributed")}

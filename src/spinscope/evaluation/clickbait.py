"""Clickbait headlines: corpus reader, validation split, cue finder, numpy-only model and evaluation.

Corpus: Chakraborty et al. 2016 (``shared/data/clickbait``), labelled by *source site* (BuzzFeed,
Upworthy, ... vs NYT, Guardian, WikiNews, The Hindu), so a model can learn site style; see
docs/HEADLINE.md. Validation split: a headline is in validation when
``int(sha256("spinscope-clickbait-val:" + headline), 16) % 10 < 2`` (about 20%, independent of the
provider's own sha256 % 5 hold-out).

Model: logistic regression over [hashed TF-IDF word 1-3-grams + char 2-5-grams (lower-cased, sublinear
TF, L2-normalised per block; :mod:`spinscope.inference.hashed_tfidf`) | cue counts | sentence embedding];
weights in ``resources/models/clickbait/`` (``weights.npz`` + ``card.json``), trained by
``spinscope.train.headline``.
"""

from __future__ import annotations

import gzip
import hashlib
import json
import re
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from spinscope.errors import EvaluationError, ModelError
from spinscope.inference.hashed_tfidf import Block, SparseLinear, char_grams, count, word_grams

MODEL_DIR = Path(__file__).resolve().parents[1] / "resources" / "models" / "clickbait"
HASH_BITS = 20
VAL_SALT = "spinscope-clickbait-val:"

_W = r"(?<![\w'])"
CUE_PATTERNS: tuple[tuple[str, str, str], ...] = (
    (
        "forward_reference",
        r"^\s*(?:this|these|here(?:'s| is| are)|that|those)\b|\b(?:what happened next|what (?:he|she|they|"
        r"it) (?:did|said|found)|the reason why|here's why|here's how|this is (?:why|how|what))\b",
        'Points ahead to something the headline withholds ("This ...", "Here\'s why").',
    ),
    (
        "listicle_number",
        r"\b\d{1,3}\s+(?:\w+\s+)?(?:things|reasons|ways|times|signs|photos|pictures|people|facts|questions|"
        r"tweets|moments|gifs|celebrities|secrets|tips|tricks|struggles|foods|dogs|cats)\b"
        r"|^\s*\d{1,3}\s+(?!(?:percent|per cent|%|people (?:dead|killed|die|died)|dead|killed|die|injured)\b)",
        'Numbered list format ("17 Things ...").',
    ),
    (
        "second_person",
        _W + r"(?:you|your|you're|youre|yours|yourself|you'll|you've|you'd|ya)(?![\w'])",
        "Addresses the reader directly.",
    ),
    (
        "superlative",
        _W + r"(?:best|worst|most|least|greatest|biggest|cutest|funniest|craziest|weirdest|ever|"
        r"literally|absolutely|totally|perfect|perfectly|ultimate|amazing|awesome|incredible|epic|insane|"
        r"ridiculous|adorable|hilarious)(?![\w'])",
        "Superlative or intensifier inflating the content.",
    ),
    (
        "teaser",
        r"\b(?:you won't believe|won't believe|can't stop|will make you|will blow your mind|blow your mind|"
        r"mind-blowing|jaw-dropping|shocking|what happens next|you need to|need to see|need to know|"
        r"must see|omg|wtf|lol|can you guess|guess what|before you die|only .{1,20} will understand|"
        r"this is what|everyone is talking|is going viral|broke the internet|tears|chills|freak out)\b",
        "Teaser phrase promising a reaction instead of stating the news.",
    ),
    (
        "question",
        r"^\s*(?:which|what|who|why|how)\b[^.!:;]*(?:\?|$)"
        r"|^\s*(?:can|do|does|did|is|are|should|would|could|will|have|has)\b[^.!]*\?\s*$|\?\s*$",
        "Asks the reader a question (quiz or curiosity gap).",
    ),
)
_CUES = tuple((name, re.compile(rx, re.IGNORECASE), expl) for name, rx, expl in CUE_PATTERNS)
CUE_NAMES = tuple(name for name, _, _ in CUE_PATTERNS)


@dataclass(frozen=True, slots=True)
class Cue:
    cue: str
    start: int
    end: int
    explanation: str

    def to_dict(self, offset: int = 0) -> dict[str, Any]:
        return {
            "cue": self.cue,
            "start": self.start + offset,
            "end": self.end + offset,
            "explanation": self.explanation,
        }


def find_cues(headline: str) -> list[Cue]:
    """Clickbait cues in ``headline`` with offsets into it (one per cue type for question/forward)."""
    cues: list[Cue] = []
    for name, rx, expl in _CUES:
        for m in rx.finditer(headline):
            s, e = m.span()
            text = headline[s:e]
            s += len(text) - len(text.lstrip())
            e -= len(text) - len(text.rstrip())
            if e > s:
                cues.append(Cue(name, s, e, expl))
            if name in ("question", "forward_reference", "listicle_number"):
                break
    return sorted(cues, key=lambda c: (c.start, c.end))


def cue_vector(headline: str) -> np.ndarray:
    counts = dict.fromkeys(CUE_NAMES, 0.0)
    for c in find_cues(headline):
        counts[c.cue] += 1.0
    words = headline.split()
    extra = [
        float(bool(re.match(r"^\s*\d", headline))),
        float(headline.rstrip().endswith("?")),
        float(headline.rstrip().endswith("!")),
        min(len(words), 30) / 30.0,
    ]
    return np.array([min(v, 3.0) for v in counts.values()] + extra, dtype=np.float32)


N_CUE_FEATURES = len(CUE_NAMES) + 4


_TOKENS = re.compile(r"(?u)\b\w+\b|[?!']")


def ngram_blocks(headline: str) -> list[Block]:
    """Hashed counts of the lower-cased headline's word 1-3-grams (words, digits, ?, !, ') and of the
    character 2-5-grams inside its words."""
    low = headline.lower()
    return [
        count(word_grams(_TOKENS.findall(low), 3, "w"), HASH_BITS),
        count(char_grams(low.split(), 2, 5, "c"), HASH_BITS),
    ]


class ClickbaitModel:
    """Numpy-only logistic model; needs sentence embeddings of the headlines (see SentenceEncoder)."""

    def __init__(self, model_dir: Path | str | None = None) -> None:
        self.model_dir = Path(model_dir) if model_dir is not None else MODEL_DIR
        path = self.model_dir / "weights.npz"
        if not path.is_file():
            raise ModelError(f"clickbait model missing: {path} (run spinscope train clickbait)")
        self._ngrams = SparseLinear(path, HASH_BITS)
        try:
            extra = self._ngrams.extra
            self.w_cue = extra["w_cue"].astype(np.float32)
            self.w_emb = extra["w_emb"].astype(np.float32)
            self.bias = float(extra["bias"])
            self.emb_scale = float(extra["emb_scale"])
        except (KeyError, ValueError) as exc:
            raise ModelError(f"clickbait model {path} is corrupt: {exc}") from exc
        if self.w_cue.shape != (N_CUE_FEATURES,) or self._ngrams.w.shape[1] != 1:
            raise ModelError(f"clickbait model {path} does not match this version of spinscope")

    def ngram_row(self, headline: str) -> Block:
        return self._ngrams.row(ngram_blocks(headline))

    def predict_proba(self, headlines: Sequence[str], embeddings: np.ndarray) -> np.ndarray:
        if len(headlines) != len(embeddings):
            raise ValueError("one embedding per headline expected")
        z = np.full(len(headlines), self.bias, dtype=np.float64)
        for i, h in enumerate(headlines):
            z[i] += float(self._ngrams.score(ngram_blocks(h))[0])
            z[i] += float(np.dot(self.w_cue, cue_vector(h)))
        z += (np.asarray(embeddings, dtype=np.float32) @ self.w_emb) * self.emb_scale
        out: np.ndarray = 1.0 / (1.0 + np.exp(-z))
        return out


def is_validation(headline: str) -> bool:
    digest = hashlib.sha256((VAL_SALT + headline).encode("utf-8")).hexdigest()
    return int(digest, 16) % 10 < 2


def load_corpus(data_dir: Path) -> list[tuple[str, int]]:
    """(headline, 1 if clickbait) pairs from the two gzip files (blank lines dropped)."""
    out: list[tuple[str, int]] = []
    for name, label in (("clickbait_data.gz", 1), ("non_clickbait_data.gz", 0)):
        path = data_dir / name
        if not path.is_file():
            raise EvaluationError(f"clickbait corpus file missing: {path}")
        try:
            with gzip.open(path, "rt", encoding="utf-8") as f:
                out.extend((line.strip(), label) for line in f if line.strip())
        except (OSError, UnicodeDecodeError) as exc:
            raise EvaluationError(f"cannot read {path}: {exc}") from exc
    if not out:
        raise EvaluationError(f"no headlines in {data_dir}")
    return out


def split(corpus: list[tuple[str, int]]) -> tuple[list[tuple[str, int]], list[tuple[str, int]]]:
    train = [x for x in corpus if not is_validation(x[0])]
    val = [x for x in corpus if is_validation(x[0])]
    return train, val


def binary_metrics(gold: Sequence[int], prob: np.ndarray, threshold: float = 0.5) -> dict[str, Any]:
    g = np.asarray(gold, dtype=int)
    p = (np.asarray(prob) >= threshold).astype(int)
    tp = int(((p == 1) & (g == 1)).sum())
    tn = int(((p == 0) & (g == 0)).sum())
    fp = int(((p == 1) & (g == 0)).sum())
    fn = int(((p == 0) & (g == 1)).sum())
    prec = tp / (tp + fp) if tp + fp else 0.0
    rec = tp / (tp + fn) if tp + fn else 0.0
    f1 = 2 * prec * rec / (prec + rec) if prec + rec else 0.0
    return {
        "n": len(g),
        "accuracy": round((tp + tn) / max(len(g), 1), 4),
        "precision": round(prec, 4),
        "recall": round(rec, 4),
        "f1": round(f1, 4),
        "confusion": {"tp": tp, "fp": fp, "tn": tn, "fn": fn},
    }


def ptc_titles(ptc_dir: Path) -> list[str]:
    """First lines of the PTC train articles (news headlines of another style)."""
    titles = []
    for p in sorted((ptc_dir / "train-articles").glob("*.txt")):
        first = p.read_text(encoding="utf-8").split("\n", 1)[0].strip()
        if first:
            titles.append(first)
    return titles


def evaluate(
    data_dir: Path, *, ptc_dir: Path | None = None, model_dir: Path | None = None, validation_only: bool = True
) -> dict[str, Any]:
    """Score the model on the validation split, or on every headline in ``data_dir`` (a held-out copy),
    and report the share of PTC titles it flags."""
    from spinscope.inference.sentence_encoder import SentenceEncoder

    corpus = load_corpus(data_dir)
    val = split(corpus)[1] if validation_only else corpus
    model = ClickbaitModel(model_dir)
    encoder = SentenceEncoder()
    heads = [h for h, _ in val]
    prob = model.predict_proba(heads, encoder.encode(heads))
    name = "validation (sha256 salted hash % 10 < 2)" if validation_only else f"all headlines in {data_dir}"
    result: dict[str, Any] = {"split": name, **binary_metrics([y for _, y in val], prob)}
    if ptc_dir is not None and (ptc_dir / "train-articles").is_dir():
        titles = ptc_titles(ptc_dir)
        pt = model.predict_proba(titles, encoder.encode(titles))
        result["ptc_titles"] = {
            "n": len(titles),
            "flagged_share": round(float((pt >= 0.5).mean()), 4),
            "mean_probability": round(float(pt.mean()), 4),
        }
    return result


def card(model_dir: Path | None = None) -> dict[str, Any]:
    path = (model_dir or MODEL_DIR) / "card.json"
    data: dict[str, Any] = json.loads(path.read_text(encoding="utf-8"))
    return data

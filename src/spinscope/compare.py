"""Two reports on the same story, side by side: techniques, sources, claims, headline checks, and what one
article says that the other does not.

"Says that the other does not" is measured on content words: a sentence of A is covered by B when some
sentence of B (or two neighbouring sentences of B) holds at least half of its content words (lower-cased
words of three letters or more that are not function words, and numbers). Uncovered sentences are listed,
check-worthy claims first. It is a reading aid (paraphrase escapes it), not a fact check.
"""

from __future__ import annotations

import re
from dataclasses import asdict, dataclass, field
from typing import Any

from spinscope.report import Report
from spinscope.spans import Region
from spinscope.techniques import is_ptc_technique

COVERED = 0.5  # share of a sentence's content words another sentence must hold to cover it
MAX_ONLY = 8  # sentences listed per side
_TOKEN = re.compile(r"[A-Za-z][A-Za-z'’-]+|\d[\d,.]*")
_FUNCTION = frozenset(
    "the and for are was were been being has have had not but with from that this these those their there then "
    "than they them his her its our your who whom which what when where why how all any can could would should "
    "will may might must shall also just into onto over under about after before said says say told tells "
    "according very more most some such only other another each every one two three mr mrs ms per".split()
)
_TITLES = re.compile(r"^(?:mr|mrs|ms|dr|prof|sir|president|senator|sen|rep|mayor|minister|gov|governor)\.?\s+", re.I)


def content_words(text: str) -> frozenset[str]:
    words = (w.lower().strip("'’-.,") for w in _TOKEN.findall(text))
    return frozenset(w for w in words if (len(w) >= 3 or w[:1].isdigit()) and w not in _FUNCTION)


@dataclass
class Side:
    id: str
    title: str
    outlet: str | None
    date: str | None
    url: str | None
    words: int
    spans: int
    persuasion: float | None
    techniques_per_100_words: float | None
    clickbait: float | None
    stance: str | None
    unsupported_terms: list[str]


@dataclass
class Comparison:
    a: Side
    b: Side
    techniques: list[dict[str, Any]] = field(default_factory=list)  # {technique, a, b} span counts
    sources_both: list[str] = field(default_factory=list)
    sources_only_a: list[str] = field(default_factory=list)
    sources_only_b: list[str] = field(default_factory=list)
    anonymous: dict[str, int] = field(default_factory=dict)  # {"a": n, "b": n}
    claims_a: list[dict[str, Any]] = field(default_factory=list)  # {text, score, covered}
    claims_b: list[dict[str, Any]] = field(default_factory=list)
    only_a: list[dict[str, Any]] = field(default_factory=list)  # {text, start, end, claim_score}
    only_b: list[dict[str, Any]] = field(default_factory=list)
    shared_sentences: int = 0

    def to_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["schema"] = "spinscope-compare/1"
        return d


def _side(r: Report) -> Side:
    h = r.headline or {}
    meta = r.metadata or {}
    return Side(
        id=r.id,
        title=r.title,
        outlet=meta.get("source") or (r.outlet or {}).get("name") or meta.get("domain"),
        date=meta.get("date"),
        url=meta.get("url"),
        words=int(r.scores.get("words", 0)),
        spans=sum(1 for s in r.spans if is_ptc_technique(s.technique)),
        persuasion=r.scores.get("persuasion"),
        techniques_per_100_words=r.scores.get("techniques_per_100_words"),
        clickbait=(h.get("clickbait") or {}).get("probability"),
        stance=(h.get("stance") or {}).get("label"),
        unsupported_terms=[str(u.get("term", "")) for u in h.get("unsupported_terms", [])],
    )


def _body_sentences(r: Report) -> list[Region]:
    """Sentences outside clutter and after the headline."""
    out = []
    title_end = len(r.title) if r.title and r.text.startswith(r.title) else 0
    for s in r.sentences:
        if s.start < title_end or any(x.overlaps(s.start, s.end) for x in r.excluded):
            continue
        if len(content_words(r.text[s.start : s.end])) >= 3:
            out.append(s)
    return out


def _source_key(name: str) -> str:
    return _TITLES.sub("", name.strip()).lower()


def _same_source(a: str, b: str) -> bool:
    """The same named source: equal names without titles, or the same surname ("Ellen Strand", "Strand")."""
    ta, tb = _source_key(a).split(), _source_key(b).split()
    return bool(ta and tb) and (ta == tb or (ta[-1] == tb[-1] and len(ta[-1]) >= 3 and (len(ta) > 1 or len(tb) > 1)))


def _sources(ra: Report, rb: Report) -> tuple[list[str], list[str], list[str]]:
    """Named sources (anonymous ones are counted, not matched) in both, only in A, only in B."""
    names_a = [str(s["name"]) for s in ra.sources if s.get("name") and not s.get("anonymous")]
    names_b = [str(s["name"]) for s in rb.sources if s.get("name") and not s.get("anonymous")]
    both = [a for a in names_a if any(_same_source(a, b) for b in names_b)]
    only_a = [a for a in names_a if a not in both]
    only_b = [b for b in names_b if not any(_same_source(a, b) for a in names_a)]
    return both, only_a, only_b


def _windows(sentences: list[frozenset[str]]) -> list[frozenset[str]]:
    """Each sentence's content words, and those of each two neighbouring sentences together (what one
    article says in one sentence the other may say in two)."""
    return sentences + [a | b for a, b in zip(sentences, sentences[1:], strict=False)]


def _coverage(words: frozenset[str], others: list[frozenset[str]]) -> float:
    if not words:
        return 1.0
    return max((len(words & o) / len(words) for o in others), default=0.0)


def _only(r: Report, mine: list[Region], theirs: list[frozenset[str]]) -> tuple[list[dict[str, Any]], int]:
    claim_score = {int(c["start"]): float(c.get("score", 0.0)) for c in r.claims if "start" in c}
    found: list[tuple[float, int, dict[str, Any]]] = []
    shared = 0
    for s in mine:
        text = r.text[s.start : s.end]
        if _coverage(content_words(text), theirs) >= COVERED:
            shared += 1
            continue
        score = max((v for k, v in claim_score.items() if s.start <= k < s.end), default=None)
        item = {"text": text.strip(), "start": s.start, "end": s.end, "claim_score": score}
        found.append((-(score if score is not None else -1.0), s.start, item))
    found.sort(key=lambda x: (x[0], x[1]))  # check-worthy claims first, then in text order
    return [item for _, _, item in found[:MAX_ONLY]], shared


def _claims(r: Report, theirs: list[frozenset[str]]) -> list[dict[str, Any]]:
    out = []
    for c in r.claims[:5]:
        text = r.text[int(c["start"]) : int(c["end"])]
        out.append({"text": text.strip(), "score": c.get("score"), "covered": _coverage(content_words(text), theirs)
                    >= COVERED})
    return out


def compare(ra: Report, rb: Report) -> Comparison:
    """Compare two reports (see the module docstring)."""
    sa, sb = _body_sentences(ra), _body_sentences(rb)
    words_a = _windows([content_words(ra.text[s.start : s.end]) for s in sa])
    words_b = _windows([content_words(rb.text[s.start : s.end]) for s in sb])
    counts: dict[str, list[int]] = {}
    for i, r in enumerate((ra, rb)):
        for s in r.spans:
            counts.setdefault(s.technique, [0, 0])[i] += 1
    techniques = [
        {"technique": t, "a": n[0], "b": n[1]} for t, n in sorted(counts.items(), key=lambda kv: (-sum(kv[1]), kv[0]))
    ]
    both, only_a, only_b = _sources(ra, rb)
    only_in_a, shared_a = _only(ra, sa, words_b)
    only_in_b, _ = _only(rb, sb, words_a)
    return Comparison(
        a=_side(ra),
        b=_side(rb),
        techniques=techniques,
        sources_both=both,
        sources_only_a=only_a,
        sources_only_b=only_b,
        anonymous={
            "a": sum(1 for s in ra.sources if s.get("anonymous")),
            "b": sum(1 for s in rb.sources if s.get("anonymous")),
        },
        claims_a=_claims(ra, words_b),
        claims_b=_claims(rb, words_a),
        only_a=only_in_a,
        only_b=only_in_b,
        shared_sentences=shared_a,
    )

"""What every renderer needs: segments of text with the spans active over them, and a summary."""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Mapping
from dataclasses import dataclass
from functools import cache
from types import MappingProxyType
from typing import Any

from spinscope.report import Report
from spinscope.spans import Span
from spinscope.techniques import catalogue

QUOTE_MARKS = "\"'“”‘’«»„"
PATTERNS = ("solid", "dashed", "dotted", "double", "wavy")
CLAIMS_HEADING = "Claims worth checking"
CLAIMS_HELP = (
    "Ranked by how much each sentence looks like a factual claim worth checking; the percentage is how often "
    "fact-checkers chose sentences scored like it in political debates (2.7% of all sentences). "
    "It does not say whether the claim is true."
)
LETTERS = "ABCDEFGHIJKLMNOPQRSTUVWXYZ"


@dataclass(frozen=True)
class Mark:
    """How every front end shows one technique: its readable name, letter, underline pattern and colour."""

    name: str  # the label as in reports ("Name_Calling,Labeling")
    title: str  # the label for people ("Name Calling, Labeling")
    short: str
    letter: str
    pattern: str
    colour: str
    definition: str
    ptc: bool


def display_name(label: str) -> str:
    """"Name_Calling,Labeling" -> "Name Calling, Labeling" (merged labels keep their "+")."""
    return label.replace("_", " ").replace(",", ", ")


@cache
def marks() -> Mapping[str, Mark]:
    """The catalogue with a letter and an underline pattern per technique (colour is never the only cue);
    the web page, the HTML report and the terminal report use the same letters."""
    return MappingProxyType({
        t.name: Mark(
            t.name,
            display_name(t.name),
            t.short,
            LETTERS[i % len(LETTERS)],
            PATTERNS[i % len(PATTERNS)],
            t.colour,
            t.definition,
            t.ptc,
        )
        for i, t in enumerate(catalogue().values())
    })


def mark_of(label: str) -> Mark:
    return marks().get(label) or Mark(label, display_name(label), label, "?", "solid", "#777777", "", False)


# A finding merged from several layers (spinscope.merge) says "…. Also from the lexical layer: …": one reason each.
_ALSO = re.compile(r"\s+(?=Also from the [^:]{1,40}: )")


def reasons(span: Span) -> list[str]:
    """Why ``span`` was marked, one string per reason, without the technique's definition (a report shows
    each definition once, in its legend). A finding merged from several layers keeps each layer's reason:
    its explanation holds them as "… Also from the <layer>: …", one per line, or separated by " | "."""
    definition = mark_of(span.technique).definition
    out: list[str] = []
    for line in span.explanation.replace(" | ", "\n").splitlines():
        for part in _ALSO.split(line):
            if definition:
                part = part.replace(definition, "")
            part = " ".join(part.split()).replace("techniques model: Model: ", "techniques model: ")
            if part and part not in out:
                out.append(part)
    return out


@dataclass(frozen=True)
class Segment:
    start: int
    end: int
    spans: tuple[int, ...]  # indices into the report's sorted span list
    excluded: str | None  # reason, when the segment is page clutter


def segments(report: Report, spans: list[Span]) -> list[Segment]:
    """Cut the text at every span and excluded-region boundary; each piece lists what covers it."""
    text_len = len(report.text)
    cuts = {0, text_len}
    for s in spans:
        cuts.update((s.start, s.end))
    for r in report.excluded:
        cuts.update((r.start, r.end))
    points = sorted(c for c in cuts if 0 <= c <= text_len)
    out: list[Segment] = []
    for a, b in zip(points, points[1:], strict=False):
        if a == b:
            continue
        active = tuple(i for i, s in enumerate(spans) if s.start <= a and b <= s.end)
        reason = next((r.reason for r in report.excluded if r.start <= a and b <= r.end), None)
        out.append(Segment(a, b, active, reason))
    return out


def technique_counts(report: Report) -> list[tuple[str, int, float]]:
    """(technique, number of spans, mean score), most frequent first."""
    counts: Counter[str] = Counter(s.technique for s in report.spans)
    totals: Counter[str] = Counter()
    for s in report.spans:
        totals[s.technique] += s.score  # type: ignore[assignment]
    return [(t, n, totals[t] / n) for t, n in counts.most_common()]


def outlet_profile(report: Report) -> dict[str, Any] | None:
    """The outlet card's profile: the report's when it names a domain, an empty one (the card then says the
    outlet is unknown) when the outlet detector ran without a link or domain, None when it did not run."""
    if report.outlet.get("domain"):
        return report.outlet
    return {} if "outlet" in report.detectors else None


def count_noun(n: int, noun: str) -> str:
    """"1 mention", "2 mentions", "0 spans"."""
    return f"{n} {noun}" if n == 1 else f"{n} {noun}s"


def summary_line(report: Report) -> str:
    sc = report.scores
    return (
        f"{count_noun(len(report.spans), 'span')}, {sc.get('techniques_per_100_words', 0):.1f} technique spans "
        f"per 100 words, persuasion {sc.get('persuasion', 0):.2f} (share of sentences with a technique, "
        f"score-weighted); {count_noun(len(report.excluded), 'clutter region')} excluded"
    )


def unquote(text: str) -> str:
    """A quotation without the quotation marks around it (the report adds its own)."""
    return text.strip().strip(QUOTE_MARKS).strip()


def top_techniques(report: Report, n: int = 4) -> str:
    """"Most frequent: Loaded Language 14 · Doubt 5 · …" (empty when nothing was found)."""
    counts = technique_counts(report)
    if not counts:
        return ""
    shown = " · ".join(f"{mark_of(label).title} {k}" for label, k, _ in counts[:n])
    more = f" · {count_noun(len(counts) - n, 'other technique')}" if len(counts) > n else ""
    return f"Most frequent: {shown}{more}"


def headline_lines(report: Report, *, short: bool = False) -> list[str]:
    """The headline check as lines of text (one line when ``short``)."""
    h = report.headline
    if not h:
        return []
    cb = h.get("clickbait") or {}
    st = h.get("stance") or {}
    unsupported = [str(u.get("term", "")) for u in h.get("unsupported_terms", [])]
    if short:
        parts = []
        if "probability" in cb:
            parts.append(f"clickbait {cb['probability']:.0%}")
        if st.get("label"):
            parts.append(f"body vs headline: {st['label']}")
        if unsupported:
            parts.append(f"unsupported: {', '.join(unsupported)}")
        if not parts and h.get("reason"):
            parts.append(f"not available ({h['reason']})")
        return [f"Headline check: {'; '.join(parts)}"] if parts else []
    out = []
    if "probability" in cb:
        cues = [str(c.get("cue", "")) for c in cb.get("cues", [])]
        out.append(f"Clickbait: {cb['probability']:.0%}" + (f" (cues: {', '.join(cues)})" if cues else ""))
    if st.get("label"):
        probs = st.get("probabilities") or {}
        detail = "  (" + ", ".join(f"{k} {v:.0%}" for k, v in probs.items()) + ")" if probs else ""
        out.append(f"Body vs headline: {st['label']}{detail}")
        likeliest = max(probs, key=lambda k: probs[k]) if probs else st["label"]
        if likeliest != st["label"]:
            out.append(
                f"  Labelled {st['label']} although {likeliest} is likelier: {st['label']} is rarer, so the label "
                "leans towards it when in doubt."
            )
    for ev in st.get("evidence", [])[:3]:
        out.append(f"  {ev.get('role', '')}: {report.text[ev['start'] : ev['end']]}")
    if unsupported:
        out.append(f"Headline terms the body never supports: {', '.join(unsupported)}")
    if h.get("note"):
        out.append(str(h["note"]))
    if not out and h.get("reason"):
        out.append(f"Headline check not available: {h['reason']}")
    return out


def layers(span: Span) -> str:
    """The layers that found ``span``: "techniques", or "rhetoric + techniques" for a merged finding."""
    return " + ".join(d for d in span.detector.split("+") if d)

"""Terminal renderer (rich): headline and outlet at the top, the article with highlighted spans, a legend,
the findings with their explanations, sources and claims. Piped output is plain text, not hard-wrapped."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinscope.render.common import count_noun, outlet_profile, summary_line, technique_counts
from spinscope.report import Report
from spinscope.techniques import catalogue


def _style(label: str) -> str:
    tech = catalogue().get(label)
    colour = tech.colour if tech else "#888888"
    return (
        f"on {colour} black"
        if label in ("Loaded_Language", "Exaggeration,Minimisation", "Thought-terminating_Cliches")
        else f"underline {colour}"
    )


def _headline(report: Report) -> RenderableType | None:
    h = report.headline
    if not h:
        return None
    lines = Text()
    cb = h.get("clickbait") or {}
    if "probability" in cb:
        lines.append(f"Clickbait: {cb['probability']:.0%}")
        cues = [c.get("cue", "") for c in cb.get("cues", [])]
        if cues:
            lines.append(f" (cues: {', '.join(cues)})")
        lines.append("\n")
    st = h.get("stance") or {}
    if st.get("label"):
        lines.append(f"Body vs headline: {st['label']}")
        probs = st.get("probabilities") or {}
        if probs:
            lines.append("  (" + ", ".join(f"{k} {v:.0%}" for k, v in probs.items()) + ")")
        lines.append("\n")
    for ev in st.get("evidence", [])[:3]:
        lines.append(f"  {ev.get('role', '')}: {report.text[ev['start'] : ev['end']]}\n")
    unsupported = [u.get("term", "") for u in h.get("unsupported_terms", [])]
    if unsupported:
        lines.append(f"Headline terms the body never supports: {', '.join(unsupported)}\n")
    if h.get("note"):
        lines.append(str(h["note"]))
    return Panel(lines, title="Headline check", title_align="left") if lines.plain.strip() else None


def _outlet(report: Report) -> RenderableType | None:
    profile = outlet_profile(report)
    if profile is None:
        return None
    from spinscope.outlets import card_rows

    table = Table.grid(padding=(0, 2))
    table.add_column(style="bold")
    table.add_column()
    for label, value in card_rows(profile):
        table.add_row(label, Text(value, style="bold red" if value.startswith("unrated") else ""))
    return Panel(table, title="Outlet", title_align="left")


def _source_kind(source: dict[str, Any]) -> str:
    kind = str(source.get("kind", ""))
    return f"{kind}, anonymous" if source.get("anonymous") and kind != "anonymous" else kind


def _quotes(report: Report) -> RenderableType | None:
    speech = [q for q in report.quotes if q.get("kind") == "speech"]
    if not speech:
        return None
    table = Table(title="Quotes", title_justify="left")
    table.add_column("where", justify="right")
    table.add_column("speaker")
    table.add_column("quote")
    for q in speech:
        speaker = (q.get("speaker") or {}).get("name") or "(unknown)"
        table.add_row(f"{q['start']}-{q['end']}", speaker, str(q.get("text", "")))
    return table


def _sources(report: Report) -> RenderableType | None:
    if not report.sources:
        return None
    table = Table(title="Who is cited", title_justify="left", expand=False)
    for col in ("source", "kind", "mentions", "attributed"):
        table.add_column(col)
    for s in report.sources[:25]:
        name = str(s.get("name", ""))
        kind = _source_kind(s)
        table.add_row(name, kind, str(len(s.get("mentions", []))), str(len(s.get("attributed", []))))
    return table


def _claims(report: Report) -> RenderableType | None:
    if not report.claims:
        return None
    table = Table(title="Claims worth checking", title_justify="left")
    table.add_column("#", justify="right")
    table.add_column("score", justify="right")
    table.add_column("claim")
    table.add_column("why")
    for c in report.claims[:10]:
        feats = c.get("features", [])
        why = ", ".join(str(f) if not isinstance(f, dict) else str(f.get("name", f)) for f in feats[:4])
        table.add_row(str(c.get("rank", "")), f"{c.get('score', 0):.2f}", report.text[c["start"] : c["end"]], why)
    return table


def render_plain(report: Report) -> str:
    """The report as plain lines (for pipes and files): no boxes, no hard wrapping."""
    spans = report.spans_sorted()
    out = [report.title or "(untitled)", "=" * min(80, max(10, len(report.title))), summary_line(report), ""]
    h = report.headline
    if h.get("clickbait"):
        cues = ", ".join(str(c.get("cue", "")) for c in h["clickbait"].get("cues", []))
        out.append(
            f"Headline: clickbait probability {h['clickbait'].get('probability', 0):.0%}"
            + (f" (cues: {cues})" if cues else "")
            + f"; body vs headline: {(h.get('stance') or {}).get('label', 'n/a')}"
        )
        for ev in (h.get("stance") or {}).get("evidence", [])[:3]:
            out.append(f"  {ev.get('role', '')} ({ev.get('score', 0):.2f}): {report.text[ev['start'] : ev['end']]}")
        unsupported = ", ".join(str(u.get("term", "")) for u in h.get("unsupported_terms", []))
        if unsupported:
            out.append(f"  headline terms the body never supports: {unsupported}")
    elif h.get("reason"):
        out.append(f"Headline check not available: {h['reason']}")
    profile = outlet_profile(report)
    if profile:
        from spinscope.outlets import card_rows

        out.append("Outlet: " + "; ".join(f"{label}: {value}" for label, value in card_rows(profile)))
    elif profile is not None:
        out.append("Outlet: unknown (no link or domain given, so nothing is said about the publisher)")
    out += ["", "Findings (start-end, technique, score, text, why):"]
    for s in spans:
        out.append(f"  {s.start}-{s.end}  {s.label}  {s.score:.2f}  “{report.text[s.start : s.end]}”  {s.explanation}")
    speech = [q for q in report.quotes if q.get("kind") == "speech"]
    if speech:
        out += ["", "Quotes (speaker: quote):"]
        for q in speech:
            speaker = (q.get("speaker") or {}).get("name") or "(speaker unknown)"
            out.append(f"  {q['start']}-{q['end']}  {speaker}: “{q.get('text', '')}”")
    if report.sources:
        out += ["", "Sources:"]
        for src in report.sources:
            mentions = count_noun(len(src.get("mentions", [])), "mention")
            out.append(f"  {src.get('name', '')} ({_source_kind(src)}): {mentions}")
    if report.claims:
        out += ["", "Claims worth checking:"]
        for c in report.claims[:10]:
            out.append(f"  #{c.get('rank', '')} {c.get('score', 0):.2f}  {report.text[c['start'] : c['end']]}")
    if report.excluded:
        out += ["", "Excluded page clutter (not analysed):"]
        for r in report.excluded:
            out.append(f"  {r.start}-{r.end}  {r.reason}: {report.text[r.start : r.end]}")
    for w in report.warnings:
        out.append(f"warning: {w}")
    return "\n".join(out) + "\n"


def render_terminal(report: Report, console: Console, *, show_text: bool = True) -> None:
    """Print the report on ``console``: rich panels on a terminal, plain lines otherwise."""
    if not console.is_terminal:
        console.file.write(render_plain(report))
        return
    spans = report.spans_sorted()
    parts: list[RenderableType] = [Text(report.title or "(untitled)", style="bold")]
    for extra in (_headline(report), _outlet(report)):
        if extra is not None:
            parts.append(extra)
    if show_text:
        body = Text(report.text)
        for r in report.excluded:
            body.stylize("dim strike", r.start, r.end)
        for s in spans:
            body.stylize(_style(s.label), s.start, s.end)
        parts.append(
            Panel(body, title="Article (highlighted: techniques; struck through: page clutter)", title_align="left")
        )
    legend = Table(title="Techniques found", title_justify="left")
    legend.add_column("technique")
    legend.add_column("spans", justify="right")
    legend.add_column("mean score", justify="right")
    legend.add_column("what it means")
    for label, n, mean in technique_counts(report):
        tech = catalogue().get(label)
        legend.add_row(Text(label, style=_style(label)), str(n), f"{mean:.2f}", tech.definition if tech else "")
    parts.append(legend)
    findings = Table(title="Findings", title_justify="left", show_lines=False)
    findings.add_column("where", justify="right")
    findings.add_column("technique")
    findings.add_column("score", justify="right")
    findings.add_column("text")
    findings.add_column("why")
    for s in spans:
        findings.add_row(f"{s.start}-{s.end}", s.label, f"{s.score:.2f}", report.text[s.start : s.end], s.explanation)
    parts.append(findings)
    for extra in (_quotes(report), _sources(report), _claims(report)):
        if extra is not None:
            parts.append(extra)
    if report.excluded:
        excl = Table(title="Excluded page clutter (not analysed)", title_justify="left")
        excl.add_column("where", justify="right")
        excl.add_column("reason")
        excl.add_column("text")
        for r in report.excluded:
            excl.add_row(f"{r.start}-{r.end}", r.reason, report.text[r.start : r.end])
        parts.append(excl)
    parts.append(Text(summary_line(report)))
    for w in report.warnings:
        parts.append(Text(f"warning: {w}", style="yellow"))
    console.print(Group(*parts))


def plain_console(file: Any = None, width: int | None = None) -> Console:
    return Console(file=file, width=width, soft_wrap=True)

"""Terminal renderer (rich). The report reads top-down: the headline and a one-line summary, the headline
check and the outlet, a legend that defines each technique found once, the article wrapped at the terminal
width with its highlights and their letters, then the findings (reasons only), quotes, sources, claims and
the page clutter left out. ``short=True`` keeps the summary, the checks and one line per finding.

Piped or written to a file, the same report comes out as plain lines (``render_plain``), not hard-wrapped."""

from __future__ import annotations

from typing import Any

from rich.console import Console, Group, RenderableType
from rich.padding import Padding
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinscope.render.common import (
    CLAIMS_HEADING,
    count_noun,
    headline_lines,
    layers,
    mark_of,
    outlet_profile,
    reasons,
    segments,
    summary_line,
    technique_counts,
    top_techniques,
    unquote,
)
from spinscope.report import Report
from spinscope.spans import Span

# Techniques drawn as a background (they are mostly single words); the others are underlined in their colour.
_BACKGROUND = ("Loaded_Language", "Exaggeration,Minimisation", "Thought-terminating_Cliches")


def _style(label: str) -> str:
    colour = mark_of(label).colour
    return f"on {colour} black" if label in _BACKGROUND else f"underline {colour}"


def _letter(label: str) -> Text:
    return Text(f"[{mark_of(label).letter}]", style=f"bold {mark_of(label).colour}")


def outlet_line(report: Report) -> str | None:
    profile = outlet_profile(report)
    if profile is None:
        return None
    if not profile:
        return "Outlet: unknown (no link, domain or --outlet given, so nothing is said about the publisher)"
    from spinscope.outlets import card_rows

    return "Outlet: " + "; ".join(f"{label}: {value}" for label, value in card_rows(profile))


def _source_kind(source: dict[str, Any]) -> str:
    kind = str(source.get("kind", ""))
    return f"{kind}, anonymous" if source.get("anonymous") and kind != "anonymous" else kind


def _quote_lines(report: Report) -> list[str]:
    out = []
    for q in report.quotes:
        if q.get("kind") == "speech":
            speaker = (q.get("speaker") or {}).get("name") or "(speaker unknown)"
            out.append(f"{speaker}: “{unquote(str(q.get('text', '')))}”")
    return out


def _source_lines(report: Report) -> list[str]:
    return [
        f"{s.get('name', '')} ({_source_kind(s)}): {count_noun(len(s.get('mentions', [])), 'mention')}"
        for s in report.sources
    ]


def _claim_lines(report: Report, n: int = 10) -> list[str]:
    return [
        f"#{c.get('rank', '')} {c.get('score', 0):>4.0%}  {report.text[c['start'] : c['end']]}"
        for c in report.claims[:n]
    ]


def _finding_head(report: Report, s: Span, *, short: bool = False) -> str:
    m = mark_of(s.technique)
    found_by = "" if short else f"  ({layers(s)})"
    return f"[{m.letter}] {m.title} {s.score:.2f}  {s.start}-{s.end}  “{report.text[s.start : s.end]}”{found_by}"


# ------------------------------------------------------------------------------------------ plain text


def render_plain(report: Report, *, short: bool = False) -> str:
    """The report as plain lines (for pipes and files): no boxes, no colours, no hard wrapping."""
    spans = report.spans_sorted()
    title = report.title or "(untitled)"
    out = [title, "=" * min(80, max(10, len(title))), summary_line(report)]
    if top := top_techniques(report):
        out.append(top)
    out.append("")
    out += headline_lines(report, short=short)
    if (line := outlet_line(report)) is not None:
        out.append(line)
    if not short:
        out += ["", "Techniques found (letter, technique, spans: definition):"]
        for label, n, _ in technique_counts(report):
            m = mark_of(label)
            out.append(f"  [{m.letter}] {m.title}, {count_noun(n, 'span')}: {m.definition}")
    out += ["", "Findings ([letter] technique score, start-end, text, then why):"]
    for s in spans:
        out.append("  " + _finding_head(report, s, short=short))
        if not short:
            out += [f"      {r}" for r in reasons(s)]
    sections = [("Quotes (speaker: quote)", _quote_lines(report)), ("Sources", _source_lines(report))]
    claims = _claim_lines(report, 3 if short else 10)
    sections.append((f"{CLAIMS_HEADING} (rank, then how often fact-checkers chose such sentences)", claims))
    if not short:
        clutter = [f"{r.start}-{r.end}  {r.reason}: {report.text[r.start : r.end]}" for r in report.excluded]
        sections.append(("Excluded page clutter (not analysed)", clutter))
    for heading, lines in sections:
        if lines:
            out += ["", f"{heading}:"] + [f"  {line}" for line in (lines[:5] if short else lines)]
    out += [f"warning: {w}" for w in report.warnings]
    return "\n".join(out) + "\n"


# ------------------------------------------------------------------------------------------ rich terminal


def _article(report: Report, spans: list[Span]) -> Text:
    """The article with highlights; after each highlight, the letters of the techniques that end there."""
    body = Text()
    for seg in segments(report, spans):
        piece = report.text[seg.start : seg.end]
        if seg.excluded is not None:
            body.append(piece, style="dim strike")
            continue
        style = " ".join(_style(spans[i].technique) for i in seg.spans)
        body.append(piece, style=style or None)
        ending = [spans[i].technique for i in seg.spans if spans[i].end == seg.end]
        if ending:
            letters = "".join(dict.fromkeys(mark_of(label).letter for label in ending))
            body.append(f"[{letters}]", style="dim bold")
    return body


def _legend(report: Report) -> RenderableType:
    rows: list[RenderableType] = []
    for label, n, mean in technique_counts(report):
        m = mark_of(label)
        head = _letter(label) + Text(" ") + Text(m.title, style=_style(label) + " bold")
        head.append(f"  {count_noun(n, 'span')}, mean score {mean:.2f}", style="dim")
        rows.append(head)
        rows.append(Padding(Text(m.definition), (0, 0, 0, 4)))
    return Panel(Group(*rows), title="Techniques found", title_align="left")


def _findings(report: Report, spans: list[Span], *, short: bool) -> RenderableType:
    rows: list[RenderableType] = []
    for s in spans:
        m = mark_of(s.technique)
        head = _letter(s.technique) + Text(f" {m.title} ", style="bold") + Text(f"{s.score:.2f}  ", style="dim")
        quoted = Text(f"“{report.text[s.start : s.end]}”")
        if short:
            line = head + quoted
            line.no_wrap, line.overflow = True, "ellipsis"
            rows.append(line)
            continue
        rows.append(head + Text(f"{s.start}-{s.end}  ", style="dim") + quoted + Text(f"  ({layers(s)})", style="dim"))
        for r in reasons(s):
            rows.append(Padding(Text(r, style="italic"), (0, 0, 0, 4)))
    return Panel(Group(*rows), title=f"Findings ({len(spans)})", title_align="left")


def _lines_panel(title: str, lines: list[str], *, limit: int | None = None) -> RenderableType | None:
    if not lines:
        return None
    shown = lines[:limit] if limit else lines
    if limit and len(lines) > limit:
        shown = [*shown, f"… and {len(lines) - limit} more"]
    return Panel(Text("\n".join(shown)), title=title, title_align="left")


def _clutter(report: Report) -> RenderableType | None:
    if not report.excluded:
        return None
    table = Table(title="Excluded page clutter (not analysed)", title_justify="left", expand=True)
    table.add_column("where", justify="right", no_wrap=True)
    table.add_column("reason", ratio=1)
    table.add_column("text", ratio=2)
    for r in report.excluded:
        table.add_row(f"{r.start}-{r.end}", r.reason, report.text[r.start : r.end])
    return table


def render_terminal(report: Report, console: Console, *, short: bool = False) -> None:
    """Print the report on ``console``: rich panels wrapped at its width on a terminal, plain lines otherwise."""
    if not console.is_terminal:
        console.file.write(render_plain(report, short=short))
        return
    spans = report.spans_sorted()
    parts: list[RenderableType] = [Text(report.title or "(untitled)", style="bold"), Text(summary_line(report))]
    if top := top_techniques(report):
        parts.append(Text(top))
    head = headline_lines(report, short=short)
    outlet = outlet_line(report)
    if short:
        parts += [Text(line) for line in [*head, outlet or ""] if line]
    else:
        if head:
            parts.append(Panel(Text("\n".join(head)), title="Headline check", title_align="left"))
        if outlet is not None:
            parts.append(Panel(Text(outlet.removeprefix("Outlet: ")), title="Outlet", title_align="left"))
        if spans:
            parts.append(_legend(report))
        parts.append(
            Panel(
                _article(report, spans),
                title=Text("Article ([letter] after a highlight: its technique; struck through: page clutter)"),
                title_align="left",
            )
        )
    if spans:
        parts.append(_findings(report, spans, short=short))
    limit = 5 if short else None
    for title, lines in (
        ("Quotes", _quote_lines(report)),
        ("Who is cited", _source_lines(report)),
        (
            f"{CLAIMS_HEADING} (rank, then how often fact-checkers chose such sentences)",
            _claim_lines(report, 3 if short else 10),
        ),
    ):
        if (panel := _lines_panel(title, lines, limit=limit)) is not None:
            parts.append(panel)
    if short:
        if report.excluded:
            left_out = count_noun(len(report.excluded), "clutter region")
            parts.append(Text(f"{left_out} left out; the full report (without --short) lists them"))
    elif (clutter := _clutter(report)) is not None:
        parts.append(clutter)
    parts += [Text(f"warning: {w}", style="yellow") for w in report.warnings]
    console.print(Group(*parts))


def plain_console(file: Any = None, width: int | None = None) -> Console:
    """A console that wraps at its width on a terminal (rich's default) and writes plain lines otherwise."""
    return Console(file=file, width=width)

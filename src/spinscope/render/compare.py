"""Two articles side by side (``spinscope compare``): the terminal view (rich) and plain lines for pipes."""

from __future__ import annotations

from rich.console import Console, Group, RenderableType
from rich.panel import Panel
from rich.table import Table
from rich.text import Text

from spinscope.compare import Comparison, Side
from spinscope.render.common import mark_of


def _num(value: float | None, digits: int = 2) -> str:
    return "–" if value is None else f"{value:.{digits}f}"


def _pct(value: float | None) -> str:
    return "–" if value is None else f"{value:.0%}"


def _overview_rows(c: Comparison) -> list[tuple[str, str, str]]:
    def row(label: str, get: object) -> tuple[str, str, str]:
        return label, get(c.a), get(c.b)  # type: ignore[operator]

    def outlet(s: Side) -> str:
        return " · ".join(x for x in (s.outlet, s.date) if x) or "unknown"

    return [
        row("headline", lambda s: s.title or "(untitled)"),
        row("outlet, date", outlet),
        row("words analysed", lambda s: str(s.words)),
        row("technique spans", lambda s: str(s.spans)),
        row("per 100 words", lambda s: _num(s.techniques_per_100_words, 1)),
        row("persuasion", lambda s: _num(s.persuasion)),
        row("clickbait", lambda s: _pct(s.clickbait)),
        row("body vs headline", lambda s: s.stance or "–"),
        row("unsupported headline terms", lambda s: ", ".join(s.unsupported_terms) or "none"),
    ]


def _source_rows(c: Comparison) -> list[tuple[str, str, str]]:
    return [
        ("cited by both", ", ".join(c.sources_both) or "none", ""),
        ("cited by one only", ", ".join(c.sources_only_a) or "none", ", ".join(c.sources_only_b) or "none"),
        ("anonymous sources", str(c.anonymous.get("a", 0)), str(c.anonymous.get("b", 0))),
    ]


def _only_lines(items: list[dict[str, object]]) -> list[str]:
    out = []
    for x in items:
        score = x.get("claim_score")
        mark = f" [claim {score:.0%}]" if isinstance(score, float) else ""
        out.append(f"{x['text']}{mark}")
    return out or ["(nothing: every sentence has a counterpart in the other article)"]


def render_compare_plain(c: Comparison) -> str:
    out = [f"A: {c.a.title}", f"B: {c.b.title}", ""]
    for label, a, b in _overview_rows(c):
        out.append(f"{label}: A {a} | B {b}")
    out += ["", "Techniques (spans in A | B):"]
    out += [f"  [{mark_of(t['technique']).letter}] {mark_of(t['technique']).title}: {t['a']} | {t['b']}"
            for t in c.techniques]
    out += ["", "Sources:"]
    out += [f"  {label}: A {a}" + (f" | B {b}" if b else "") for label, a, b in _source_rows(c)]
    for side, items in (("A", c.only_a), ("B", c.only_b)):
        out += ["", f"Only in {side} (no sentence of the other article holds half its content words):"]
        out += [f"  - {line}" for line in _only_lines(items)]
    out += ["", f"{c.shared_sentences} sentences of A have a counterpart in B."]
    return "\n".join(out) + "\n"


def _side_by_side(title: str, rows: list[tuple[str, str, str]]) -> Table:
    table = Table(title=title, title_justify="left", expand=True)
    table.add_column("", style="bold", ratio=1)
    table.add_column("A", ratio=2)
    table.add_column("B", ratio=2)
    for label, a, b in rows:
        table.add_row(label, a, b)
    return table


def render_compare(c: Comparison, console: Console) -> None:
    if not console.is_terminal:
        console.file.write(render_compare_plain(c))
        return
    overview = _side_by_side("Side by side", _overview_rows(c))
    techniques = Table(title="Techniques (spans)", title_justify="left", expand=True)
    techniques.add_column("technique", ratio=2)
    techniques.add_column("A", justify="right", ratio=1)
    techniques.add_column("B", justify="right", ratio=1)
    for t in c.techniques:
        m = mark_of(t["technique"])
        techniques.add_row(Text(f"[{m.letter}] {m.title}", style=f"bold {m.colour}"), str(t["a"]), str(t["b"]))
    sources = _side_by_side("Sources", _source_rows(c))
    parts: list[RenderableType] = [overview, techniques, sources]
    for side, items in (("A", c.only_a), ("B", c.only_b)):
        body = Text("\n".join(f"• {line}" for line in _only_lines(items)))
        parts.append(Panel(body, title=f"Only in {side}", title_align="left"))
    parts.append(Text(f"{c.shared_sentences} sentences of A have a counterpart in B (half their content words).",
                      style="dim"))
    console.print(Group(*parts))

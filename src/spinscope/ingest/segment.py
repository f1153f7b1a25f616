"""Paragraphs and sentences as offsets into the verbatim text (fast rules, no model, no rewriting)."""

from __future__ import annotations

import re

from spinscope.spans import Region

_ABBREVIATIONS = frozenset(
    """mr mrs ms dr prof sr jr st mt gen col lt sgt capt cmdr adm gov sen rep rev hon pres supt insp
    vs etc inc ltd co corp dept univ fig no nos vol jan feb mar apr jun jul aug sep sept oct nov dec
    al approx est i.e e.g u.s u.k u.n u.s.a d.c a.m p.m""".split()
)
# Sentence end: terminal punctuation, optional closing quotes/brackets, then whitespace.
_END = re.compile(r"""[.!?…]+["'”’)\]]*(?=\s+)""")
_NEXT_START = re.compile(r"""\s+["'“‘(\[]?[A-Z0-9]""")


def paragraphs(text: str, start: int = 0) -> list[Region]:
    """Non-blank lines are paragraphs (news/PTC convention: one paragraph per line)."""
    out: list[Region] = []
    for m in re.finditer(r"[^\n]+", text[start:]):
        a, b = m.start() + start, m.end() + start
        while a < b and text[a].isspace():
            a += 1
        while b > a and text[b - 1].isspace():
            b -= 1
        if b > a:
            out.append(Region(a, b))
    return out


def is_abbreviation(text: str, end: int) -> bool:
    """``end`` is the index just after a '.'; true when the word before it is an abbreviation or initial."""
    i = end - 1
    j = i
    while j > 0 and (text[j - 1].isalnum() or text[j - 1] == "."):
        j -= 1
    word = text[j:i].lower()
    if not word:
        return False
    if len(word) == 1 and word.isalpha():  # an initial: "J. Smith"
        return True
    return word in _ABBREVIATIONS


def sentences_in(text: str, region: Region) -> list[Region]:
    out: list[Region] = []
    start = region.start
    for m in _END.finditer(text, region.start, region.end):
        end = m.end()
        if text[m.start()] == "." and m.end() - m.start() == 1 and is_abbreviation(text, m.start() + 1):
            continue
        if not _NEXT_START.match(text, end, region.end):
            continue
        if end - start > 1:
            out.append(Region(start, end))
        start = end
        while start < region.end and text[start].isspace():
            start += 1
    if start < region.end:
        out.append(Region(start, region.end))
    return out


def sentences(text: str, paras: list[Region]) -> list[Region]:
    return [s for p in paras for s in sentences_in(text, p)]

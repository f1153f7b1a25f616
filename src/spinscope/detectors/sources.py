"""Sources: who the article relies on, how often, named or anonymous, and what is attributed to them.

Attribution cues ("X said", "according to X", "X told Reuters", "X explained that", "sources say") are
found sentence by sentence (``attributions_in``, shared with the quotes detector); their subjects
become sources, classified as person, anonymous (unnamed people: "a senior official", "Western
diplomats", "people familiar with the matter"), organisation, outlet or document. Outlets are found by
name through ``spinscope.outlets.OutletTable`` and carry its profile. Scores: ``attribution_coverage``
(share of factual sentences carrying an attribution) and ``anonymous_source_share``.
"""

from __future__ import annotations

import re
from pathlib import Path
from typing import Any, ClassVar

from spinscope.article import Article
from spinscope.detectors.base import Context, Detector, Findings
from spinscope.nlp import (
    DESC,
    DOC_HEADS,
    ORG_HEADS,
    PERSON_ROLE,
    ROLE_HEADS,
    SAY,
    TITLES,
    Attribution,
    RegionIndex,
    attributions_in,
    first_names,
    gender_of,
    has_first_name,
    is_pronoun,
    nlp_warning,
    quote_regions,
    sentence_regions,
    surnames,
)
from spinscope.spans import Region

DOC_NOUNS = re.compile(
    rf"\b(?:{DOC_HEADS}|memorand(?:um|a)|investigations?|dossiers?|research|videos?|footage|tapes?|recordings?|"
    r"photos?|photographs?|images?|pictures?|tweets?|suits?|lawsuits?|manuals?|translations?|texts?|"
    r"decrees?|rescripts?|directives?|guidelines|petitions?|notices?|messages?|postings?|"
    r"advertisements?|warnings?|options?|entr(?:y|ies)|evidence|receipts?|registr(?:y|ies)|logs?|(?-i:posts?))\b",
    re.I,
)
# the head of a description that can say something: a person or group ("the executioner", "organisers",
# "theologians", "the 41-year-old", "a third"), not a thing ("a massive electrical shock claims", "an extremely
# violent history described as", "the Brexit deal agreed with"): those subjects come from the rules' reading
# of a verb that is no cue there
_AGENT_HEAD = re.compile(
    r"(?:\w*(?:er|or|ist|ian|ant|ent|ee|ess|man|men|woman|women|ive|eur|old|ary|one|ors|ers|ists|ians|ants|ents|"
    r"ees|ives|ics|als|ins|ads|els|ars|ies|eys|ats|ates|ens|ites)|"
    r"first|second|third|fourth|fifth|other|another|some|many|most|few|all|both|each|several|"
    r"couple|pair|family|staff|police|media|crowd|public|team|side|camp|\w+aire|boss|chief|star|head|guard|kid|"
    r"boy|girl|child|children|mum|mom|dad|wife|husband|son|daughter|sister|brother|widow|teen|victim|judge|jury|"
    r"cop|nun|monk|priest|pope|king|queen|prince|princess|chef|pilot|doctor|nurse|coach|captain|mayor|fan|"
    r"candidate|minister|secretary|president|chair|ceo|founder|owner|lawmaker|diplomat|aide|analyst|expert|"
    r"witness|resident|source|official|spokesperson|insider|critic|activist|colleague|friend|neighbour|"
    r"neighbor|relative|parent|student|user|commenter|youth|native|local|veteran|survivor|guy|lady|person|"
    r"sheriff|suspect|attorney|prelate|physician|himself|herself|themselves|itself|branch|episcopate|clergy|"
    r"delegate|magistrate|senate|panel|dispatch|bishop|cardinal|monarch|emir|sheikh|imam|rabbi|girlfriend|"
    r"boyfriend|fianc[ée]e?|partner|cousin|uncle|aunt|niece|nephew|grandmother|grandfather|grandson|"
    r"granddaughter|stepfather|stepmother|mother|father)",
    re.I,
)
ORG_NOUNS = re.compile(
    r"\b(?:ministr(?:y|ies)|departments?|governments?|police|army|military|compan(?:y|ies)|firms?|"
    r"agenc(?:y|ies)|offices?|committees?|councils?|commissions?|courts?|unions?|part(?:y|ies)|campaigns?|"
    r"administrations?|white house|kremlin|pentagon|embass(?:y|ies)|authorities|banks?|institutes?|"
    r"universit(?:y|ies)|foundations?|organi[sz]ations?|groups?|boards?|senate|congress|parliaments?|"
    r"cabinet|regimes?|state department|navy|coalitions?|spokesman's office)$",
    re.I,
)
ORG_SUFFIX = re.compile(
    rf"\b(?:{ORG_HEADS}|Fund|Organi[sz]ation|Forces|House|Nations|NATO|UN|EU|WHO|IMF|FBI|CIA|NASA|Google|Apple|"
    r"Amazon|Microsoft|Meta|Twitter)\b"
)
PERSON_NOUNS = re.compile(
    r"\b(?:officials?|spokes(?:man|woman|person|people)|sources?|diplomats?|aides?|advis[eo]rs?|analysts?|"
    r"experts?|witness(?:es)?|residents?|lawmakers?|officers?|investigators?|prosecutors?|lawyers?|"
    r"insiders?|critics?|activists?|negotiators?|people|persons?|person|members?|employees?|staffers?|"
    r"observers?|economists?|scientists?|researchers?|doctors?|executives?|colleagues?|friends?|"
    r"neighbou?rs?|leaders?|representatives?|minister|secretary|director|commander|woman|man|men|women|"
    r"someone|individuals?|figures?|voices?|supporters?|opponents?|allies|ally|publicists?|reps|"
    r"representatives?|relatives?|family|users?|commenters?|followers?|fans?|media|reporters?|journalists?|"
    r"correspondents?|editors?|eyewitness(?:es)?|onlookers?|bystanders?|locals|villagers|tipsters?|scholars?|"
    r"clerics?|students?|teachers?|parents?|passengers?|protesters?|demonstrators?|survivors?|victims?)\b",
    re.I,
)
# "the former chairman of the Judiciary Committee": one identifiable person, described instead of named
_DEFINITE_ROLE = re.compile(
    rf"^(?i:the)\s+(?:[\w-]+\s+){{0,3}}?(?i:{ROLE_HEADS}|ceo|founder|owner|commander)\s+(?:of|at|for)\s+"
    r"(?:the\s+)?[A-Z]"
)
# a small fallback list (when the outlet table is unavailable); provenance: widely cited wire services
# and broadcasters, written by hand for spinscope
BUILTIN_OUTLETS = (
    "Reuters",
    "Associated Press",
    "AP",
    "AFP",
    "Agence France-Presse",
    "BBC",
    "CNN",
    "Al Jazeera",
    "The New York Times",
    "New York Times",
    "The Washington Post",
    "Washington Post",
    "The Guardian",
    "The Wall Street Journal",
    "Wall Street Journal",
    "Bloomberg",
    "Fox News",
    "NBC News",
    "CBS News",
    "ABC News",
    "NPR",
    "Politico",
    "Axios",
    "The Times",
    "Financial Times",
    "Der Spiegel",
    "Le Monde",
    "Xinhua",
    "TASS",
    "RIA Novosti",
    "RT",
    "Sky News",
    "The Telegraph",
    "The Economist",
    "Haaretz",
)
_BUILTIN_RE = re.compile(r"\b(?:the\s+)?(?:" + "|".join(re.escape(o) for o in BUILTIN_OUTLETS) + r")\b")


def _outlet_table(context: Context, overrides: Path | None = None) -> Any | None:
    """The OutletTable shared with the outlet detector, or None when it cannot load (built-in list used)."""
    try:
        from spinscope.outlets import OutletTable, resource_key

        table = context.resources.get(resource_key(overrides), lambda: OutletTable(overrides=overrides))
        table.find_names("Reuters")  # loads the name list now, so a missing resource falls back here
        return table
    except Exception:  # noqa: BLE001 - any failure means: use the built-in list
        return None


def find_outlets(
    text: str, context: Context, overrides: Path | None = None
) -> list[tuple[int, int, str, dict[str, Any] | None]]:
    """Outlet mentions ``(start, end, canonical name, profile or None)``."""
    table = _outlet_table(context, overrides)
    if table is not None:
        profiles: dict[str, dict[str, Any] | None] = {}  # one look-up per distinct name, however often named
        found = table.find_names(text)
        for _s, _e, name, _dom in found:
            if name not in profiles:
                profiles[name] = table.profile_for_name(name)
        return [(s, e, name, profiles[name]) for s, e, name, _dom in found]
    out: list[tuple[int, int, str, dict[str, Any] | None]] = []
    for m in _BUILTIN_RE.finditer(text):
        name = re.sub(r"^the\s+", "", m.group(0))
        out.append((m.start(), m.end(), name, None))
    return out


# social networks and messaging services: where something was said or posted, not outlets
PLATFORM = re.compile(
    r"(?i:twitter|facebook|instagram|youtube|tiktok|reddit(?:\.com)?|telegram|whatsapp|snapchat|linkedin|"
    r"weibo|wechat|truth social|gab|parler|threads|tumblr|pinterest|vkontakte|x\.com|twitter\.com|"
    r"facebook\.com|youtube\.com)"
)
PLATFORM_MENTION = re.compile(
    r"\b(?:Twitter|Facebook|Instagram|YouTube|TikTok|Reddit|reddit\.com|Telegram|WhatsApp|Snapchat|LinkedIn|"
    r"Weibo|WeChat|Truth Social|Parler|Tumblr)\b"
)


_CITE_BEFORE = re.compile(
    r"(?:\b(?:according to|per|told|tells?|telling|to|quoted by|cited by|cited|citing|reported by|"
    r"reports? (?:by|from|in)|"
    r"(?:story|article|report|piece|interview|profile|post|statement|editorial|column) (?:in|on|by|from|for|with|to)|"
    r"interview with|speaking (?:to|with)|spoke (?:to|with)|wrote the (?:site|website|blog|outlet|paper|newspaper)|"
    r"reported|the (?:site|website|blog|outlet|paper|newspaper|magazine|channel|broadcaster|network))"
    r"(?:\s+(?:the|a|an))?(?:\s+[a-z][\w-]*){0,4}\s+$|['’]s?\s+$)",
    re.I,
)
_CITE_AFTER = re.compile(
    rf"^(?:['’]s(?:\s+[A-Z][\w.'’-]*){{1,3}})?\s*,?\s+(?:(?:first|also|has|had|later|then|earlier|now)\s+)*"
    rf"(?:{SAY}|quoted|notes|noted|cited)\b"
)
_SAID_ON = re.compile(
    r"\b(?:on|over|via|through|to|in a|in an|using|took to|posted to|across)\s+"
    r"(?:(?:his|her|their|its|the|a|an|own)\s+)*$",
    re.I,
)
_SPEECH_IN = re.compile(rf"\b(?:{SAY}|wrote|posted|shared|responded|commented)\b|[“”\"]")


_COORD_SUBJECT = re.compile(
    r"^\s+(?:and|or)\s+(?:the\s+)?(?:[A-Z][\w.&/'’-]*\s+){0,3}[A-Z][\w.&/'’-]*"
    r"(?:\s+(?:newspaper|magazine|website|site|agency|network|channel|broadcaster))?"
)
# where a capitalised name is an outlet by what surrounds it, whether or not the outlet table knows it:
# "Guney Yildiz, a journalist at BBC World", "said in a statement to Re/code", "reports from Movie Pilot and Ikwiz"
# (not "a report by X": a document, perhaps by a body)
_OUTLET_CONTEXT = re.compile(
    r"\b(?:(?:journalist|reporter|correspondent|editor|columnist|anchor|writer|contributor)\s+(?:at|for|with)|"
    r"(?:statement|comments?|remarks)\s+to|[Rr]eports\s+from)\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w&/'’-]*(?:\.[\w&/'’-]+)*(?:\s+[A-Z][\w&/'’-]*(?:\.[\w&/'’-]+)*){0,3})"
    r"(?:\s+and\s+(?:the\s+)?(?P<other>[A-Z][\w&/'’-]*(?:\.[\w&/'’-]+)*(?:\s+[A-Z][\w&/'’-]*(?:\.[\w&/'’-]+)*){0,3}))?"
)
_CAP_NAME = r"[A-Z][\w&'’-]*(?:\s+(?:of\s+)?[A-Z][\w&'’-]*){0,3}"
_OUTLET_BY_NAME = re.compile(
    rf"\b(?:reports|reported|writes|wrote|notes|noted|adds|added|says|said)\s+(?:the\s+)?(?P<name>{_CAP_NAME})"
    r"(?=\s*[.;]|\s*,\s*(?!who|which)|\s+(?:on|in|last|this|earlier|today|yesterday)\b)"
    rf"|\b(?P<owner>{_CAP_NAME})['’]s\s+[A-Z][\w'’-]+\s+[A-Z][\w'’-]+\s+(?:reports|reported|writes|wrote|says|said|notes)\b"
    r"|\b(?:according to|told|reported by|via)\s+(?P<site>\d+\w*[A-Z]\w*|[A-Z]{2,}\d+\w*)\b"
)
_REPORTS_BY = re.compile(
    r"(?:[\w-]+\s+){0,2}(?i:reports)\s+from\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w&/'’-]*(?:\.[\w&/'’-]+)*(?:\s+[A-Z][\w&/'’-]*(?:\.[\w&/'’-]+)*){0,3})"
    r"(?:\s+and\s+(?:the\s+)?(?P<other>[A-Z][\w&/'’-]*(?:\.[\w&/'’-]+)*(?:\s+[A-Z][\w&/'’-]*(?:\.[\w&/'’-]+)*){0,3}))?$"
)
# "Lin told TODAY.", "Cooke told Time.", "told Gawker last Friday", "Speaking to the Press Association on …": the
# one told is an outlet when the name ends the telling (a full stop, "that", when or where) and is nobody's name
_TOLD_NAME = re.compile(
    r"\b(?:told|tells|telling|speaking to|spoke to|(?:in )?an interview with)\s+(?:the\s+)?"
    r"(?P<name>[A-Z][\w&'’.-]*(?:\s+[A-Z][\w&'’.-]*){0,2})"
    r"(?=\s*(?:[.;:,)]|$)|\s+(?:that|in|on|at|last|this|earlier|about|when|after|before|during|yesterday|"
    r"today|Monday|Tuesday|Wednesday|Thursday|Friday|Saturday|Sunday)\b)"
    # "said on the Today show": the programme's broadcaster
    r"|\b(?:said|says|told|appeared|speaking|spoke)\s+on\s+(?:the\s+)?(?P<show>[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,2}"
    r"\s+(?:show|programme|program))\b"
)
_NOT_TOLD = re.compile(
    rf"(?:{TITLES})\b\.?|.*\b(?:{ORG_HEADS}|Police|Parliament|Congress|Senate|Court|God|Allah)$|.*['’]s?\b.*|[A-Z]+s"
)


def told_outlet(name: str, people_words: frozenset[str]) -> bool:
    """Whether a capitalised name after "told" is an outlet: no title, body, possessive or group of initials
    ("MPs"), no given name, no word of a person's name in the article, and one word only when it is no
    Census name ("Time", "Gawker", "TODAY"; not "Smith", "Trump")."""
    words = name.split()
    if _NOT_TOLD.fullmatch(name) or ORG_SUFFIX.search(name) or PLATFORM.fullmatch(name) or has_first_name(name):
        return False
    if any(w in people_words for w in words):
        return False
    return len(words) > 1 or (name not in surnames() and name.title() not in surnames() and name not in first_names())


# news agencies the outlet table may lack; a bare capitalised name is otherwise taken for a person
NEWS_AGENCIES = re.compile(
    r"(?:Yonhap|Xinhua|TASS|Itar-Tass|Interfax|Kyodo|Jiji|ANSA|EFE|Anadolu|KCNA|IRNA|ISNA|Fars|Tasnim|Mehr|Bernama|"
    r"Antara|PTI|ANI|RIA Novosti|Sputnik|UPI|SANA|WAFA|MENA|Prensa Latina|Notimex|dpa|DPA|Agence France-Presse)"
)


_NAMED_AS_OUTLET = re.compile(
    r"\b(?P<name>[A-Z][\w&'’-]*(?:\s+[A-Z][\w&'’-]*){0,2})\s+(?:magazine|newspaper|tabloid|website|news site|"
    r"news agency|blog|broadcaster)\b"
)
# one capitalised word (or a CamelCase one) that reports: "Quartz", "MacRumors", "Metro"
_REPORTER_NAME = re.compile(r"[A-Z][a-z]+(?:[A-Z][a-z]+)*|[A-Z][a-z]+[A-Z]\w*")
_REPORT_CUE = re.compile(r"reported|reports")
# US broadcasters' call letters with a channel or band ("KCTV-5", "KSHB-41", "WWJ950", "WABC-TV"; not "KPMG", "WADA")
CALL_SIGN = re.compile(r"[KW][A-Z]{2,3}(?:-\d{1,3}|-?TV|-?FM|-?AM)|[KW][A-Z]{2}\d{2,4}")


def _reports_as_outlet(text: str, att: Attribution) -> bool:
    """Whether ``att``'s cue is an outlet's report: "as X reported", "X reports on/that", "…, X reported." """
    verb = text[att.verb_start : att.verb_end]
    if not _REPORT_CUE.fullmatch(verb) or att.verb_start < att.end:
        return False
    before = text[max(0, att.start - 4) : att.start]
    after = text[att.verb_end : att.verb_end + 12]
    return before.endswith(("as ", ", ")) or re.match(r"\s*(?:[.;]|on\b|that\b|earlier\b|last\b)", after) is not None


def cited(text: str, start: int, end: int, sent: Region) -> bool:
    """Whether the outlet at ``[start, end)`` is cited in its sentence: "according to X", "told X", "X
    reported", "X's Andrew Rice reports", "a story in X", "per X"."""
    before = text[max(sent.start, start - 40) : start]
    after = text[end : min(sent.end, end + 80)]
    if _CITE_BEFORE.search(before) and _SPEECH_IN.search(text[sent.start : sent.end]):
        return True
    if _CITE_AFTER.match(after) is not None:
        return True
    # "the BBC and the Washington Post newspaper reported": one of two subjects of the cue
    coord = _COORD_SUBJECT.match(after)
    return coord is not None and _CITE_AFTER.match(after[coord.end() :]) is not None


def said_on(text: str, start: int, end: int, sent: Region) -> bool:
    """Whether the platform at ``[start, end)`` is where something in its sentence was said or posted
    ("said over Twitter", "took to Facebook", "wrote on Instagram", "a post on reddit.com")."""
    before = text[max(sent.start, start - 30) : start]
    after = text[end : min(sent.end, end + 30)]
    if re.match(r"^\s+(?:users?|accounts?\s+of|page|pages|post(?:ed|s)?)\b", after) and not re.match(
        r"^\s+(?:post|posts)\b", after
    ):
        return False  # "Facebook users", "Twitter users began posting": people on the platform, not the source
    # the words said or posted there stand next to it ("wrote on Twitter", "On Twitter, MPs wrote"), not
    # anywhere in the sentence ("spread quickly on Facebook …, with users linking to a story on something
    # called …", "our messages sent via Facebook" in a sentence where someone "has not yet responded")
    near = text[max(sent.start, start - 40) : min(sent.end, end + 60)]
    return bool(_SAID_ON.search(before) and _SPEECH_IN.search(near))


_OUTLET_NOUN = (
    r"site|website|web site|blog|newspaper|paper|tabloid|magazine|outlet|network|channel|broadcaster|station|"
    r"agency|news agency|wire|daily|weekly|report|story|article|account|page|post"
)
# a description of an outlet that names it: the site Mediaite, a CBS News report, the Washington Post newspaper
_OUTLET_DESC = re.compile(
    rf"^(?i:the|a|an|its|their)?\s*(?:[a-zA-Z][\w-]*\s+){{0,2}}?(?:(?i:{_OUTLET_NOUN})\s+(?P<after>[A-Z][\w.&/'’-]*"
    rf"(?:\s+[A-Z][\w.&/'’-]*){{0,3}})|(?P<before>[A-Z][\w.&/'’-]*(?:\s+[A-Z][\w.&/'’-]*){{0,3}})\s+"
    rf"(?i:{_OUTLET_NOUN}))$"
)
_OUTLET_ROLE = re.compile(rf"(?i:(?:the|a|an)\s+)?(?:[\w-]+\s+){{0,2}}(?i:{_OUTLET_NOUN})")
# names that are outlets by their last word, when the outlet table does not know them
OUTLET_WORDS = re.compile(
    r"\b(?:News|Reporter|Times|Post|Journal|Herald|Tribune|Gazette|Telegraph|Magazine|Radio|TV|Television|"
    r"Network|Press|Daily|Mail|Express|Mirror|Guardian|Independent|Observer|Chronicle|Standard|Insider|Wire|"
    r"Weekly|Cop|Beast|Examiner|Inquirer|Sun|Star|Bulletin|Dispatch|Monitor|Register|Sentinel|Courier|Channel)$"
)


def outlet_in(name: str) -> str | None:
    """The outlet named inside a description of it ("the site Mediaite" -> "Mediaite"), else None."""
    m = _OUTLET_DESC.match(name)
    if m is None:
        return None
    named = m.group("after") or m.group("before")
    if named.lower() in ("the", "a", "an", "its", "their", "this", "that"):
        return None  # "The paper claims": a description, not a name
    if m.group("before") and not (OUTLET_WORDS.search(named) or PLATFORM.fullmatch(named) or re.search(
        r"(?i:site|website|newspaper|paper|magazine|blog|network|channel|outlet)$", name
    )):
        return None  # "a Yemeni security report", "the company report": not an outlet's name
    last = name.split()[-1]
    if m.group("before") and last[:1].isupper() and not PLATFORM.fullmatch(named):
        return f"{named} {last}"  # "The Weather Channel": the capitalised noun is part of the name
    return named


_NAMED_KINDS = frozenset({"person", "outlet", "organisation", "platform"})
# "The Royal Newfoundland Constabulary": a capitalised name after "The" is a body, not a person
_THE_NAME = re.compile(r"[Tt]he\s+[A-Z]")
# "the President has long called …", "The Prime Minister said": a title alone after "the" is one person
_THE_TITLE = re.compile(rf"[Tt]he\s+(?:{TITLES})")


def classify(
    att: Attribution, outlet_names: set[str], surnames: frozenset[str] = frozenset(), reports: bool = False
) -> str:
    """person | anonymous | organisation | outlet | document for one attribution's subject; ``reports``: the
    cue is "reported"/"reports" in a report's wording ("as X reported", "X reports on", "…, X reported.")."""
    name = att.name
    if PLATFORM.fullmatch(name):
        return "platform"
    if name in outlet_names or re.sub(r"^the\s+", "", name, flags=re.I) in outlet_names:
        return "outlet"
    if NEWS_AGENCIES.fullmatch(re.sub(r"^the\s+", "", name, flags=re.I)):
        return "outlet"  # "Yonhap suggest …"
    if CALL_SIGN.fullmatch(name):
        return "outlet"  # "According to KCTV-5": a broadcaster's call letters
    if reports and _REPORTER_NAME.fullmatch(name) and not (att.titled or has_first_name(name) or name in surnames):
        if att.label != "PERSON" and not (ORG_SUFFIX.search(name) or ORG_NOUNS.search(name)):
            return "outlet"  # "as Quartz reported earlier", "MacRumors reports on …", "…, Metro reported."
    if re.fullmatch(r"(?:(?i:the)\s+)?(?:[a-z][\w-]*\s+){0,3}(?i:authorities)", name):
        return "anonymous"  # "Authorities believe", "local authorities said": unnamed officials
    if att.descriptor:
        head = name.split(" familiar")[0].split(" close to")[0].split(" with ")[0]
        if DOC_NOUNS.fullmatch(head.split()[-1]):
            return "document"  # "official statistics show": the head noun decides, not the adjective
        if DOC_NOUNS.search(head) and not PERSON_NOUNS.search(head):
            return "document"
        if _DEFINITE_ROLE.match(head):
            return "person"
        if PERSON_NOUNS.search(head):
            return "anonymous"
        if ORG_NOUNS.search(head.strip()):
            return "organisation"
        return "anonymous"
    label = att.label
    last = name.split()[-1]
    if last.islower() and PERSON_NOUNS.fullmatch(last) and not ORG_NOUNS.search(name):
        return "anonymous"  # "Plant’s publicist", "Reuters' sources": an unnamed person
    if OUTLET_WORDS.search(name) and not ORG_NOUNS.search(name):
        return "outlet"  # "The Hollywood Reporter", "Fox News" when the outlet table lacks them
    if has_first_name(name) or (len(name.split()) > 1 and gender_of(name)):
        if not (ORG_SUFFIX.search(name) or ORG_NOUNS.search(name) or _THE_NAME.match(name)):
            return "person"  # "Jimmy Page", "Mohammed Islam", whatever NER says
    if len(name.split()) == 1 and PERSON_NOUNS.fullmatch(name):
        return "anonymous"  # "Prosecutors said": a group, capitalised only because it starts the sentence
    if len(name.split()) == 1 and name in surnames:
        return "person"  # "Franken" after "Sen. Al Franken", whatever NER says about the bare surname
    if name.split()[-1] in surnames and not (ORG_SUFFIX.search(name) or ORG_NOUNS.search(name)):
        return "person"  # "Yvette Cooper" beside "Ms Cooper", whatever NER says about the full name
    if att.titled or (label == "PERSON" and not _THE_NAME.match(name)):
        return "person"
    if att.role and PERSON_ROLE.match(att.role.strip(" ,")) and not _THE_NAME.match(name):
        return "person"  # "Asim Qureshi, research director at the rights group CAGE,", whatever NER says
    if _THE_TITLE.fullmatch(name):
        return "person"
    if label in ("ORG", "GPE", "NORP", "FAC") or _THE_NAME.match(name):
        return "organisation"
    if ORG_SUFFIX.search(name) or ORG_NOUNS.search(name):
        return "organisation"
    if DOC_NOUNS.search(name):
        return "document"
    return "person"


_ROLE_BEFORE = re.compile(rf"(?:^|[,.;:]\s+|\n)(?P<role>{DESC}),\s*$")
_ROLE_AFTER = re.compile(r"^,\s*(?P<role>(?:an?|the|its|his|her|their)\s+[^,.;:\"“”()]{3,70}?)\s*[,.;]")


def role_near(text: str, start: int, end: int) -> str | None:
    """An appositive role next to a name: "the ministry's chief spokesman, Ahmad Karimi," or
    "Jane Foster, an analyst at Capital Economics,"."""
    line_start = text.rfind("\n", 0, start) + 1
    m = _ROLE_BEFORE.search(text[max(line_start, start - 100) : start])
    if m and text[end : end + 1] == ",":
        return m.group("role").strip()
    m = _ROLE_AFTER.match(text[end : end + 90])
    if m and not re.match(r"(?:the|a|an)\s+(?:day|week|year|time|same)\b", m.group("role")):
        return m.group("role").strip()
    return None


_TITLE_START = re.compile(rf"^(?:(?:{TITLES})\.?\s+)+")


def _first_name(name: str) -> str | None:
    """The given name of a person's name, or None when only a title and surname are known ("Ms Cooper")."""
    words = _TITLE_START.sub("", name).split()
    return words[0].lower() if len(words) > 1 else None


def _surname(name: str) -> str:
    """The last word of a name in lower case, without an Arabic article ("al-Munajjid" is "Munajjid")."""
    return re.sub(r"^(?:al|el|ad|an|ar|as|ash|at|az)-", "", name.split()[-1].lower())


def _key(name: str, kind: str, sources: dict[str, dict[str, Any]], by_surname: dict[str, list[str]]) -> str:
    """People share a source by surname ("Ms Cooper" is "Yvette Cooper") unless both given names are known
    and differ ("Candace Smith" and "Quentin Smith" are two sources). ``by_surname`` lists the person keys
    under each surname (kept up to date by the caller)."""
    if kind == "platform":
        return "platform:" + re.sub(r"\.com$", "", name.lower())  # "reddit.com" is Reddit
    if kind != "person":
        return f"{kind}:" + re.sub(r"^(?:the|a|an)\s+", "", name.lower())
    surname, first = _surname(name), _first_name(name)
    same = by_surname.get(surname, [])
    for k in same:
        other = _first_name(sources[k]["name"])
        if first is None or other is None or first == other:
            return k
    return f"person:{surname}" if not same else f"person:{name.lower()}"


_POLICE_NAME = re.compile(
    r"\b(?:Police|Constabulary|Gendarmerie|Sheriff['’]s (?:Office|Department)|PD)\b"
    r"|^[A-Z][\w-]*(?:\s+[A-Z][\w-]*)*\s+police$"  # "Newfoundland police"
)


def _merge_generic_police(sources: dict[str, dict[str, Any]]) -> None:
    """"police" beside one named police force ("the Royal Newfoundland Constabulary") is that force: its
    mentions and attributed spans move there, so the force is listed once."""
    generic = [k for k, v in sources.items() if v["kind"] == "organisation" and v["name"].lower() in _POLICE_WORDS]
    forces = [k for k, v in sources.items() if v["kind"] == "organisation" and _POLICE_NAME.search(v["name"])]
    forces = [k for k in forces if k not in generic]
    if len(forces) != 1:
        return  # none, or two forces the word could mean
    force = sources[forces[0]]
    for k in generic:
        gone = sources.pop(k)
        force["mentions"].extend(m for m in gone["mentions"] if m not in force["mentions"])
        force["attributed"].extend(a for a in gone["attributed"] if a not in force["attributed"])


_POLICE_WORDS = frozenset({"police", "the police"})


def _can_speak(description: str) -> bool:
    """Whether an unnamed description's head can be a source: a person or group noun, not a thing."""
    core = _HEAD_TAIL.sub("", description).split()
    if " ".join(core).lower() in ("no one", "no-one", "nobody", "none", "no one else", "nobody else"):
        return False  # "no one was willing to": nobody said anything
    head = core[-1] if core else description
    if not re.fullmatch(r"[a-z][a-z-]*", head):
        return True  # a name or a number ("WWJ950 tweets"): not a common noun to judge
    return bool(
        PERSON_NOUNS.fullmatch(head)
        or ORG_NOUNS.search(head)
        or DOC_NOUNS.fullmatch(head)
        or re.fullmatch(rf"(?:{_OUTLET_NOUN}|headlines?|websites|sites|outlets)", head)
        or _AGENT_HEAD.fullmatch(head)
    )


# what follows a description's head: a preposition, a relative clause, a participle ("Those investigating the
# mass grave"), or "there" ("Residents there")
_HEAD_TAIL = re.compile(
    r"(?<=\w)\s+(?:from|of|for|at|in|with|by|on|to|about|close|familiar|who|that|which|there|here)\b.*$"
    r"|(?<=\w)\s+\w+ing\s+(?:the|a|an|his|her|their|its|this|that|these|those|with|for|on|in|at|to)\b.*$",
    re.S,
)


def _absorb(into: dict[str, Any], gone: dict[str, Any]) -> None:
    into["mentions"].extend(m for m in gone["mentions"] if m not in into["mentions"])
    into["attributed"].extend(a for a in gone["attributed"] if a not in into["attributed"])
    into["role"] = into["role"] or gone.get("role")


# "the newspaper said", "the company said", "the police force added": a named outlet or body of the article
# described by its kind (one optional modifier: "the conservative newspaper", "the tech company")
_DEFINITE_BODY = re.compile(
    r"^(?i:the)\s+(?:[a-z][\w-]*\s+)?(?:(?P<outlet>newspaper|paper|tabloid|site|website|magazine|outlet|broadcaster|"
    r"network|channel|daily|publication|report|story|article)|"
    r"(?P<organisation>company|firm|group|organi[sz]ation|police force|force|charity|campaign|retailer|"
    r"manufacturer|carmaker|airline|bank|club|team|network))$"
)


def _trailing_person(description: str) -> re.Match[str] | None:
    """A person's name (a known given name and one or two more capitalised words) ending a description
    ("Mayor of London Sadiq Khan", "a statement from Dana Baird-Hanks"), else None."""
    for more in (1, 2):
        m = re.search(rf"(?<=\s)[A-Z][\w'’-]*[a-z](?:\s+[A-Z][\w'’-]*[a-z]){{{more}}}$", description)
        if m is not None and has_first_name(m.group(0)):
            return m
    return None


_NEAR = 600  # characters: "the report" this close after a cited outlet is that outlet's report


def _last_before(src: dict[str, Any], pos: int) -> int:
    """Where the source's last mention before ``pos`` starts."""
    return max(m["start"] for m in src["mentions"] if m["start"] < pos)


def _merge_definite(sources: dict[str, dict[str, Any]]) -> None:
    """A definite description of an outlet or a body ("the newspaper", "the company") with a named source of
    that kind in the article is that source: the nearest one named before it, else the only one."""
    order = sorted(sources.items(), key=lambda kv: kv[1]["mentions"][0]["start"])
    for key, src in order:
        m = _DEFINITE_BODY.match(src["name"])
        if m is None or src["kind"] not in ("anonymous", "organisation", "document"):
            continue
        kind = "outlet" if m.group("outlet") else "organisation"
        named = [
            (k, v)
            for k, v in order
            if k != key
            and k in sources
            and v["kind"] == kind
            and _DEFINITE_BODY.match(v["name"]) is None
            and not re.match(r"(?i:the|a|an)\s+[a-z]", v["name"])
            and v["name"].lower() not in _POLICE_WORDS
        ]
        start = src["mentions"][0]["start"]
        before = [kv for kv in named if kv[1]["mentions"][0]["start"] < start]
        target = before[-1] if before else (named[0] if len(named) == 1 else None)
        if m.group("outlet") in ("report", "story", "article"):
            # "the report" is an outlet's report only right after the outlet is cited; else a document
            near = [kv for kv in before if start - _last_before(kv[1], start) < _NEAR]
            target = near[-1] if near else None
        if target is not None:
            _absorb(target[1], sources.pop(key))


def _merge_short_outlets(sources: dict[str, dict[str, Any]]) -> None:
    """An outlet named by the end of another outlet's name ("The Daily News notes" after "the New York Daily
    News") is that outlet, when exactly one longer name ends so."""
    outlets = [(k, v) for k, v in sources.items() if v["kind"] == "outlet"]
    # the longer name may have been taken for a body ("according to the Washington Free-Beacon") or be the short
    # one with an outlet word after it ("told Sky" beside "Sky News")
    named = [(k, v) for k, v in sources.items() if v["kind"] in ("outlet", "organisation")]
    for key, src in outlets:
        short = _bare(src["name"])
        longer = [
            kv
            for kv in named
            if kv[0] != key
            and kv[0] in sources
            and (
                _bare(kv[1]["name"]).endswith(" " + short)
                or (_bare(kv[1]["name"]).startswith(short + " ") and OUTLET_WORDS.search(kv[1]["name"]))
            )
        ]
        if len(longer) == 1 and key in sources:
            longer[0][1]["kind"], longer[0][1]["anonymous"] = "outlet", False
            _absorb(longer[0][1], sources.pop(key))


def _merge_bare_groups(sources: dict[str, dict[str, Any]]) -> None:
    """A bare plural group ("officials said") after a described one with that head ("security officials have
    claimed") is that group, when exactly one described group ends with the word."""
    groups = [(k, v) for k, v in sources.items() if v["kind"] == "anonymous"]
    for key, src in groups:
        word = src["name"].lower()
        if " " in word or not word.endswith("s") or key not in sources:
            continue
        first = src["mentions"][0]["start"] if src["mentions"] else 0
        longer = [
            kv
            for kv in groups
            if kv[0] != key
            and kv[0] in sources
            and kv[1]["name"].lower().endswith(" " + word)
            and kv[1]["mentions"]
            and kv[1]["mentions"][0]["start"] < first
        ]
        if len(longer) == 1:
            _absorb(longer[0][1], sources.pop(key))


def _merge_given_names(sources: dict[str, dict[str, Any]], last_words: frozenset[str]) -> None:
    """A person named by the given name alone ("Nikolai added"), or by a title and the first word of a full
    name ("Miss Tan" for "Tan Shen"), is the person named in full with it ("Nikolai Kryaglyachenko"), when
    exactly one is and the word ends no name of the article (``last_words``:
    "Garcia" may be Diana Garcia rather than Jose Garcia Zarate)."""
    people = [(k, v) for k, v in sources.items() if v["kind"] == "person" and len(v["name"].split()) > 1]
    for key, src in list(sources.items()):
        if src["kind"] != "person":
            continue
        word = _TITLE_START.sub("", src["name"])
        # "Miss Tan" after "Tan Shen": a family name written first (Chinese, Korean, Hungarian names), when no
        # name of the article ends with it
        titled = word != src["name"] and len(word.split()) == 1
        if titled:
            if any(len(v["name"].split()) > 1 and v["name"].split()[-1] == word and v is not src for _k, v in people):
                continue
        elif len(src["name"].split()) != 1 or word in last_words:
            continue
        full = [kv for kv in people if kv[0] != key and _TITLE_START.sub("", kv[1]["name"]).split()[0] == word]
        if len(full) == 1:
            _absorb(full[0][1], sources.pop(key))


def _bare(name: str) -> str:
    """A name in lower case without a leading article: the identity of a named source."""
    return re.sub(r"^(?:the|a|an)\s+", "", name.lower().strip())


# a description whose head is a text or a site ("the phony story on the ersatz MSNBC site", "An article from
# a fake MSNBC website"): the outlet named in it is the source; a person described by it ("an NBC source")
# is the source instead of the outlet
_VEHICLE_HEAD = re.compile(
    rf"^(?:\S+\s+){{0,4}}?(?:{_OUTLET_NOUN}|articles|stories|reports|headlines?|tweets?|videos?)"
    r"(?:\s+(?:on|from|in|by|of|at|for|about|published|posted)\b.*)?$",
    re.S,
)


def _host_of(spans: RegionIndex, owners: dict[tuple[int, int], dict[str, Any]], start: int, end: int) -> Any:
    """The source whose subject span overlaps ``[start, end)`` (the last such span, at most 8 looked at)."""
    i = spans.index_of(end - 1)
    for j in range(i, max(-1, i - 8), -1):
        if spans.reach[j] <= start:
            break
        s, e = spans.regions[j]
        if s < end and start < e and (s, e) in owners:
            return owners[(s, e)]
    return None


class SourcesDetector(Detector):
    """Classified sources with mentions and attributed spans; coverage scores."""

    name: ClassVar[str] = "sources"
    sections: ClassVar[tuple[str, ...]] = ("sources",)

    def __init__(self) -> None:
        self._overrides: Path | None = None

    def configure(self, options: Any) -> None:
        self._overrides = getattr(options, "outlet_overrides", None)

    def detect(self, article: Article, context: Context) -> Findings:
        text = article.text
        attributions = context.cached("attribution.cues", lambda: attributions_in(article, context))
        quotes: list[dict[str, Any]] = []
        if "quotes" in context.findings:
            quotes = context.findings["quotes"].sections.get("quotes", [])
        outlets = [o for o in find_outlets(text, context, self._overrides) if not article.is_excluded(o[0], o[1])]
        outlet_names = {o[2] for o in outlets} | {text[o[0] : o[1]] for o in outlets}
        # a name the article calls a magazine, newspaper, site … anywhere ("the new offices of Vogue magazine" …
        # "Vogue had posted the move") is an outlet wherever it is cited
        outlet_names |= {
            m.group("name")
            for m in _NAMED_AS_OUTLET.finditer(text)
            if not has_first_name(m.group("name")) and not _NOT_TOLD.fullmatch(m.group("name"))
        }
        sents = sentence_regions(article)
        sent_index = RegionIndex((r.start, r.end) for r in sents)
        sources: dict[str, dict[str, Any]] = {}
        by_surname: dict[str, list[str]] = {}
        seen_mentions: set[tuple[str, int, int]] = set()
        seen_attributed: set[tuple[str, int, int]] = set()
        people = [a for a in attributions + context.memo.get("nlp.mentions", []) if not a.descriptor]
        surnames = frozenset(
            a.name.split()[-1]
            for a in people
            if len(a.name.split()) > 1
            and (a.titled or a.label == "PERSON" or has_first_name(a.name) or gender_of(a.name))
            and not (ORG_SUFFIX.search(a.name) or ORG_NOUNS.search(a.name))
        )

        by_name: dict[str, str] = {}  # a name without its article -> the key of the source first listed under it
        # an outlet as the article names it -> the outlet table's canonical name ("the AP" and "Associated
        # Press" are one source, listed under the article's own name)
        canonical = {_bare(text[o[0] : o[1]]): _bare(o[2]) for o in outlets}
        canonical.update({_bare(o[2]): _bare(o[2]) for o in outlets})

        def add(name: str, kind: str, mention: tuple[int, int], role: str | None = None) -> dict[str, Any]:
            bare = _bare(name)
            if kind == "outlet":
                bare = canonical.get(bare, bare)
            key = by_name.get(bare) if kind in _NAMED_KINDS else None
            if key is not None and sources[key]["kind"] in _NAMED_KINDS:
                # one entry per real-world source: "According to Movie Pilot" (taken for an organisation) and
                # "reports from Movie Pilot" (an outlet) are one outlet
                if kind == "outlet" or (kind == "platform" and sources[key]["kind"] != "outlet"):
                    sources[key]["kind"], sources[key]["anonymous"] = kind, False
            else:
                key = _key(bare if kind == "outlet" else name, kind, sources, by_surname)
            src = sources.get(key)
            if src is None:
                if kind == "person":
                    by_surname.setdefault(_surname(name), []).append(key)
                src = {
                    "name": name,
                    "kind": kind,
                    "anonymous": kind == "anonymous",
                    "role": role,
                    "mentions": [],
                    "attributed": [],
                }
                sources[key] = src
                by_name.setdefault(bare, key)
            if len(name) > len(src["name"]) and kind == "person":
                src["name"] = name
            if role and not src["role"]:
                src["role"] = role
            src["_key"] = key
            if (key, *mention) not in seen_mentions:
                seen_mentions.add((key, *mention))
                src["mentions"].append({"start": mention[0], "end": mention[1]})
            return src

        def attribute(src: dict[str, Any], start: int, end: int) -> None:
            if (src["_key"], start, end) not in seen_attributed:
                seen_attributed.add((src["_key"], start, end))
                src["attributed"].append({"start": start, "end": end})

        attributed_sents: set[tuple[int, int]] = set()
        by_span: dict[tuple[int, int], Attribution] = {}  # the first cue with each subject span
        for b in attributions:
            by_span.setdefault((b.start, b.end), b)
        owner_of_subject: dict[tuple[int, int], dict[str, Any]] = {}
        for att in attributions:
            if is_pronoun(att.name) and att.antecedent is None:
                continue
            if att.antecedent is not None:
                a_name, a_s, a_e = att.antecedent
                base = by_span.get((a_s, a_e))
                kind = classify(base, outlet_names, surnames) if base else "person"
                named = outlet_in(a_name) if base is not None and base.descriptor else None
                if base is not None and named is not None:  # "a CBS News report … It shows": the outlet
                    a_name, kind = named, "platform" if PLATFORM.fullmatch(named) else "outlet"
                    a_s += base.name.index(named)
                    a_e = a_s + len(named)
                src = add(a_name, kind, (a_s, a_e))
                add(a_name, kind, (att.start, att.end))
            else:
                named = outlet_in(att.name)
                by = _REPORTS_BY.match(att.name) if att.descriptor else None
                if by is not None:  # "Unconfirmed reports from Movie Pilot and Ikwiz suggest": the outlets
                    named = by.group("name")
                    if by.group("other"):
                        o_s = att.start + by.start("other")
                        add(by.group("other"), "outlet", (o_s, o_s + len(by.group("other"))))
                if named is None and att.role and _OUTLET_ROLE.fullmatch(att.role.strip()):
                    named = att.name  # '… wrote the site Mediaite'
                if named is not None:  # "the site Mediaite", "a CBS News report", "the Washington Post newspaper"
                    o_s = att.start + att.name.index(named)
                    src = add(named, "platform" if PLATFORM.fullmatch(named) else "outlet", (o_s, o_s + len(named)))
                else:
                    kind = classify(att, outlet_names, surnames, _reports_as_outlet(text, att))
                    if kind == "anonymous" and att.descriptor and not _can_speak(att.name):
                        continue
                    person = _trailing_person(att.name) if att.descriptor else None
                    head = _HEAD_TAIL.sub("", att.name).split()
                    related = person is not None and re.search(
                        r"\bof\s+(?:[\w-]+\s+){0,4}$", att.name[: person.start()]
                    )  # "The sister of … Luke Somers", "A girlfriend of Michael Phelps": the one described
                    if person is not None and not related and not PERSON_NOUNS.search(head[-1]):
                        # "Mayor of London Sadiq Khan said": the person, with the words before as the role
                        p_s = att.start + person.start()
                        role = att.name[: person.start()].strip()
                        src = add(person.group(0), "person", (p_s, p_s + len(person.group(0))), role)
                    else:
                        src = add(att.name, kind, (att.start, att.end), att.role)
            owner_of_subject.setdefault((att.start, att.end), src)
            i = sent_index.containing(att.start)
            if i >= 0:
                attributed_sents.add((sents[i].start, sents[i].end))
                attribute(src, sents[i].start, sents[i].end)
        owner_of_mention = {(m["start"], m["end"]): v for v in sources.values() for m in v["mentions"]}
        owner_of_name = {v["name"]: v for v in reversed(list(sources.values()))}
        for q in quotes:
            sp = q.get("speaker")
            if q.get("kind") != "speech" or not sp:
                continue
            first = max(0, sent_index.index_of(q["start"]))
            for sent in sents[first : sent_index.index_of(q["end"] - 1) + 1]:
                if sent.start < q["end"] and q["start"] < sent.end:
                    attributed_sents.add((sent.start, sent.end))
            owner = owner_of_mention.get((sp["start"], sp["end"])) or owner_of_name.get(sp["name"])
            if owner is not None:
                attribute(owner, q["start"], q["end"])
        quoted = quote_regions(text)
        subjects = RegionIndex((a.start, a.end) for a in attributions)
        for o_start, o_end, name, profile in outlets:
            if quoted.containing(o_start) >= 0:
                continue  # named inside a quotation: the speaker's words, not the article's source
            i = sent_index.containing(o_start)
            sent = sents[i] if i >= 0 else Region(max(0, o_start - 200), min(len(text), o_end + 200))
            kind = "platform" if PLATFORM.fullmatch(name) else "outlet"
            # an outlet is a source when the article cites it, not whenever it is named ("appeared on
            # Business Insider's list", "a riff on Starbucks"): the subject of a cue, "according to X",
            # "told X", "X reported", a platform something was said on
            if kind == "outlet" and not (subjects.touches(o_start, o_end) or cited(text, o_start, o_end, sent)):
                continue
            if kind == "platform" and not said_on(text, o_start, o_end, sent):
                continue
            # "the BBC" is listed as BBC, "the Hill" as The Hill
            surface = re.sub(r"^the\s+", "The " if name.startswith("The ") else "", text[o_start:o_end])
            vehicle = None
            host = _host_of(subjects, owner_of_subject, o_start, o_end)
            if host is not None and host["kind"] not in _NAMED_KINDS:
                if host["kind"] == "anonymous" and not _VEHICLE_HEAD.match(host["name"]):
                    if not re.match(r"['’]s?\s", text[o_end : o_end + 3]):
                        continue  # "an NBC source said": the unnamed person is the source, not the outlet
                    host = None  # "the Mirror's source claimed": the outlet is cited too
                # "the phony story on the ersatz MSNBC site claimed": the outlet, not its story
                else:
                    vehicle = sources.pop(host["_key"], None)
                    host = None
            if host is not None and host["kind"] in ("organisation", "person") and not has_first_name(host["name"]):
                # "CBS Detroit notes": the subject is the outlet, under the article's name for it
                host["kind"], host["anonymous"], host["outlet"] = "outlet", False, profile
                add(host["name"], host["kind"], (o_start, o_end))
                continue
            src = add(host["name"] if host is not None else surface, kind, (o_start, o_end))
            if _bare(src["name"]) in _bare(surface) and (
                _bare(src["name"]) != _bare(surface) or src["name"].startswith("the ")
            ):
                src["name"] = surface  # "the U.K.'s Daily Mail said": the subject was cut to "Mail"
            src["outlet"] = profile
            if vehicle is not None:
                for span in vehicle["attributed"]:
                    attribute(src, span["start"], span["end"])
        for m in PLATFORM_MENTION.finditer(text):
            i = sent_index.containing(m.start())
            if i < 0 or article.is_excluded(m.start(), m.end()) or quoted.containing(m.start()) >= 0:
                continue
            if said_on(text, m.start(), m.end(), sents[i]):
                add(m.group(0), "platform", (m.start(), m.end()))["outlet"] = None
        for m in _OUTLET_CONTEXT.finditer(text):
            if quoted.containing(m.start()) >= 0 or article.is_excluded(m.start(), m.end()):
                continue
            for group in ("name", "other"):
                named = m.group(group)
                if named and not has_first_name(named) and not PLATFORM.fullmatch(named):
                    ns = m.start(group)
                    src = add(named, "outlet", (ns, ns + len(named)))
                    src.setdefault("outlet", None)
        for m in _OUTLET_BY_NAME.finditer(text):
            # "…, reported Independent.", "New York Magazine's Andrew Rice reports", "according to 9to5Mac": a
            # cited name that says it is an outlet, whether or not the outlet table knows it
            named = m.group("name") or m.group("owner") or m.group("site")
            if quoted.containing(m.start()) >= 0 or article.is_excluded(m.start(), m.end()):
                continue
            if m.group("site") is None and not OUTLET_WORDS.search(named):
                continue
            ns = m.start("name") if m.group("name") else m.start("owner") if m.group("owner") else m.start("site")
            add(named, "outlet", (ns, ns + len(named))).setdefault("outlet", None)
        people_words = frozenset(w for a in people for w in a.name.split() if a.titled or has_first_name(a.name))
        for m in _TOLD_NAME.finditer(text):
            named = (m.group("name") or m.group("show")).rstrip(".")  # "told AFP."
            ns = m.start("name") if m.group("name") else m.start("show")
            if quoted.containing(m.start()) >= 0 or article.is_excluded(m.start(), m.end()):
                continue
            if re.match(r",\s+(?:an?|the|who)\b", text[m.end() : m.end() + 8]):
                continue  # "told Guney Yildiz, a journalist at BBC World": a person in apposition
            if m.group("name") and not told_outlet(named, people_words):
                continue
            add(named, "outlet", (ns, ns + len(named))).setdefault("outlet", None)
        _merge_generic_police(sources)
        _merge_definite(sources)
        _merge_short_outlets(sources)
        _merge_bare_groups(sources)
        _merge_given_names(sources, frozenset(a.name.split()[-1] for a in people if len(a.name.split()) > 1))
        out = sorted(sources.values(), key=lambda v: v["mentions"][0]["start"])
        for src in out:
            if src["kind"] == "person" and not src["role"]:
                src["role"] = next(filter(None, (role_near(text, m["start"], m["end"]) for m in src["mentions"])), None)
        for src in out:
            del src["_key"]
            src["mentions"].sort(key=lambda m: m["start"])
            src["attributed"].sort(key=lambda m: m["start"])
            src.setdefault("outlet", None)
        coverage = []
        factual = 0
        covered = 0
        for s in sents:
            body = text[s.start : s.end].strip()
            is_factual = len(body.split()) >= 5 and not body.endswith("?") and s.start >= article.body_start
            hit = (s.start, s.end) in attributed_sents
            coverage.append({"start": s.start, "end": s.end, "attributed": hit, "factual": is_factual})
            if is_factual:
                factual += 1
                covered += int(hit)
        context.memo["sources.coverage"] = coverage
        scores = {
            "attribution_coverage": round(covered / factual, 4) if factual else 0.0,
            "anonymous_source_share": round(sum(v["anonymous"] for v in out) / len(out), 4) if out else 0.0,
        }
        warnings = []
        warn = nlp_warning(context, "source kinds guessed without NER")
        if warn and "quotes" not in context.findings:
            warnings.append(warn)
        return Findings(sections={"sources": out}, scores=scores, warnings=warnings)

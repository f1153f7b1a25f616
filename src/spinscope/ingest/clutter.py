"""Page clutter in plain text: find the page furniture that scraping leaves in an article.

The rules look at the *shape* of a line, not at phrases from particular sites: how long it is, whether
it ends like a sentence, whether it starts with a short label and a colon, whether it is an imperative
aimed at the reader about the page (share, subscribe, comment), whether it is a count of page objects,
a credit, a timestamp, a byline, a code-like placeholder, a row of navigation separators, or one line
of a rail of headlines under a rail heading. Each rule gives a reason a person can check; text and
offsets are never changed. The vocabulary below names *kinds* of page object (photo, comment, share,
newsletter), which are the same on every site.
"""

from __future__ import annotations

import re

from spinscope.spans import Region

POLL_MARKER = "poll or survey widget"
INTERSTITIAL = "interstitial marker (story continues below)"
HEADLINE_REPEAT = "headline repeated as the first line of the body"
WIDGET_BODY = "poll or sign-up widget (question and answers)"
FORM_REASON = "form field or consent small print (sign-up or poll widget)"
# Lines between a poll marker and the widget's form that belong to the widget (question, answers).
_WIDGET_LOOKAHEAD = 12
_WIDGET_LINE_WORDS = 20

# Kinds of page object that furniture lines talk about.
_MEDIA = r"photo|photograph|picture|image|video|graphic|illustration|gallery|slideshow|caption|credit|file photo"
_LINK_LABEL = (
    r"related|read more|read also|also read|read next|see also|more|more from|recommended|suggested|"
    r"watch|listen|must read|don't miss|editor'?s picks?|top stories|(?:most )?popular|"
    r"most (?:read|viewed|shared)|trending|"
    r"latest|breaking|advertisement|sponsored|promoted|partner content|paid content|source|sources|via|"
    r"tags?|topics?|filed under|categories|category|share|follow|subscribe|newsletter|update|updated|"
    r"published|posted|correction|editor'?s note|disclaimer|" + _MEDIA
)
_LABEL_COLON = re.compile(rf"^\s*[\[(]?\s*(?:{_LINK_LABEL})\s*[\])]?(?:\s*[:|»›>]|\s+[-–—]\s)", re.I)
_PAGE_NOUN = (
    r"comments?|replies|reply|shares?|likes?|views?|reads?|newsletters?|subscription|subscribers?|"
    r"notifications?|alerts?|app|podcast|feed|rss|inbox|account|cookies?|ad ?blocker|premium|paywall|"
    r"facebook|twitter|x\.com|instagram|whatsapp|telegram|linkedin|reddit|pinterest|email|e-mail|"
    r"youtube|tiktok|story|stories|article|articles|page|site|website|channel|updates|discussion|"
    r"conversation|thread|forum|community|print|link|briefing|digest|bulletin|emails?|offers?|deals"
)
_CTA_VERB = (
    r"click|tap|subscribe|sign ?up|sign ?in|log ?in|register|share|tweet|follow|join|like|download|"
    r"install|get|enable|disable|allow|accept|leave|add|post|view|show|load|continue|support|donate|"
    r"become|turn on|see|watch|read|listen|scroll|swipe|send|report|bookmark|save|print|skip|close|"
    r"advertise|contact|tell"
)
_CTA = re.compile(
    rf"^\W*(?:please\s+)?(?:{_CTA_VERB})(?![\w-]).*\b(?:{_PAGE_NOUN}|(?:{_MEDIA})s?|here|below|above|us|now)\b", re.I
)
_COUNTER = re.compile(
    rf"^\W*(?:\d[\d,.]*\s*[kKmM]?\s*(?:{_PAGE_NOUN})|(?:{_PAGE_NOUN})\s*[(\[:]?\s*\d[\d,.]*\s*[kKmM]?[)\]]?)\W*$",
    re.I,
)
_CREDIT = re.compile(
    rf"\((?:{_MEDIA})\s*(?:by|:|credit)?[^()]{{0,80}}\)\s*$|"
    rf"^\W*(?:{_MEDIA})\s*(?:by|credit|courtesy|copyright)\b|"
    r"\b(?:getty images|shutterstock|afp photo|ap photo|reuters/|epa-efe|alamy|istock)\b|"
    r"^\W*(?:©|\(c\)|copyright)(?:\s|(?=\d))",
    re.I,
)
_BYLINE = re.compile(
    r"^\s*(?i:by|written by|words by|reporting by|story by)\s+[A-Z][\w.'’-]+"
    r"(?:\s+(?:[A-Z][\w.'’-]+|and|&|,|de|van|von)){0,7}\s*(?:[,|/•·–—-]\s*.{0,80})?$"
)
_MONTH = (
    r"jan(?:uary)?|feb(?:ruary)?|mar(?:ch)?|apr(?:il)?|may|june?|july?|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?"
)
_TIMEWORD = re.compile(
    rf"\b(?:{_MONTH}|mon(?:day)?|tue(?:sday)?|wed(?:nesday)?|thu(?:rsday)?|fri(?:day)?|sat(?:urday)?|"
    rf"sun(?:day)?|\d{{1,2}}:\d{{2}}|am|pm|a\.m\.|p\.m\.|et|est|edt|gmt|utc|bst|cet|ago|minutes?|hours?|"
    rf"days?|published|updated|posted|last|modified|\d{{4}}|\d{{1,2}}(?:st|nd|rd|th)?|\d{{1,2}}/\d{{1,2}}/\d{{2,4}})\b",
    re.I,
)
_PLACEHOLDER = re.compile(
    r"^\s*(?:\[[^\]]{1,80}\]|\{\{?[^}]{1,80}\}?\}|<[^>]{1,80}>|<!--.*?-->)\s*$|"
    r"^\s*[A-Za-z]+(?:[_-][A-Za-z0-9]+)+\s*$|"  # snake_case / kebab-case ids: newsletter_signup, ad-slot-3
    r"^\s*(?-i:(?:[A-Z][a-z0-9]+){2,})\s*$|"  # CamelCase component names: ShareBar, AdSlotTop
    r"^\s*(?:loading|please wait|javascript is (?:disabled|required)|your browser does not support|"
    r"(?:please\s+)?enable javascript)\b|"
    rf"^\s*(?:{_MEDIA}|poll|player|comments?|content)\s+(?:is\s+)?loading\W*$",
    re.I,
)
# A photo gallery's prompt ("VIEW ALL PHOTOS IN GALLERY", "See all 12 pictures"), alone or after its caption,
# and its slide counter ("1 of 12").
_GALLERY = re.compile(
    r"(?:^|\s)(?:view|see|open|browse|show|watch)\s+(?:all\s+)?(?:the\s+)?(?:\d+\s+)?"
    r"(?:photos|pictures|images|slides|videos)(?:\s+in\s+(?:the\s+)?gallery)?\W*$|"
    r"(?:^|\s)(?:view|see|open)\s+(?:the\s+|full\s+)?(?:photo\s+)?gallery\W*$|^\W*\d{1,3}\s+(?:of|/)\s+\d{1,3}\W*$",
    re.I,
)
# A scraped photo caption that is only a person's name and role, with no verb and no full stop:
# "Rosa Ibarra, council member", "jim reyes, harbour master".
_ROLE = (
    r"member|master|leader|commissioner|judge|president|chair(?:man|woman|person)?|director|secretary|minister|"
    r"spokes(?:man|woman|person)|officer|official|coordinator|chief|executive|ceo|founder|owner|analyst|expert|"
    r"professor|manager|mayor|governor|senator|representative|lawyer|attorney|correspondent|reporter|editor|"
    r"photographer|coach|player|captain|resident|activist|candidate|council(?:l)?or|doctor|scientist|researcher|"
    r"economist|advis[eo]r|aide|head|ambassador|general|sheriff|inspector|superintendent|principal|teacher"
)
_NAME_ROLE = re.compile(
    r"^\s*(?:(?:[A-Z][\w.'’-]*\s+){1,3}[A-Z][\w'’-]+|(?:[a-z][a-z'’-]+\s+){1,2}[a-z][a-z'’-]+)\s*,\s+"
    rf"(?:the\s+|a\s+|an\s+)?(?:[A-Za-z'’-]+\s+){{0,4}}(?i:{_ROLE})s?(?:\s+(?:of|at|for)\s+[A-Za-z'’ .&-]{{2,50}})?$"
)
_VERB_CUE = re.compile(
    r"\b(?:said|says|say|told|tells|is|are|was|were|has|have|had|will|would|can|could|did|does|do|been|being)\b", re.I
)
_NAV_SEPARATORS = re.compile(r"\s[|•·›»/]\s|\s>\s")
_HANDLE = re.compile(r"(?:^|\s)[@#]\w+")
_RAIL_HEADING = re.compile(
    rf"^\W*(?:{_LINK_LABEL}|you (?:may|might) (?:also )?like|more (?:stories|news|coverage|on this)|"
    r"around the web|from our partners|in case you missed it|what to read next|elsewhere|more in|see all(?: related)?|"
    r"(?:people|readers|others|users) (?:also )?(?:read|viewed|liked|watched|enjoyed)|more from(?: [\w&'’-]+){1,3})"
    r"(?:\s+(?:now|today|this week|stories|news|articles|posts|videos|content|coverage|links|for you|on \w+))?\W*$",
    re.I,
)
# A marker where a page breaks the article for a widget ("story continues below"), or invites the
# reader into a poll or survey. A poll question may follow the marker on the same line.
_POLL = re.compile(r"^\W*(?:take|answer|vote in|complete)\s+(?:our|this|the|today'?s)\s+(?:poll|survey|quiz)\b", re.I)
_INTERSTITIAL = re.compile(
    r"^\W*(?:the\s+)?(?:story|article|text)\s+(?:continues|continued)\s+(?:below|after)"
    r"(?:\s+(?:this\s+|the\s+)?(?:advertisement|ad|video|message|break))?\W*$",
    re.I,
)
# A form field of a sign-up or poll widget: a short field name with the "required" star ("Email *"), or a
# form's own instruction about a field.
_FORM_FIELD = re.compile(
    r"^\W*(?:[A-Za-z]+(?:\s+[A-Za-z]+){0,2}\s*\*|(?:[A-Za-z]+\s+)?(?:this|the)\s+field\s+is\s+(?:for|required)\b.*)$",
    re.I,
)
# Consent small print addressed to the reader: "You may opt out at any time", "you agree to this site's
# Privacy Policy", "Completing this poll grants you access to … updates".
_CONSENT = re.compile(
    r"\byou\b.*\b(?:opt[ -]out|unsubscribe)\b.*\b(?:any ?time|at any point)\b"
    r"|\byou\b.*\b(?:agree|consent)\b.*\b(?:privacy policy|terms (?:of|and) (?:use|service|conditions))\b"
    r"|^\W*(?:completing|submitting|answering|taking)\s+this\s+(?:poll|survey|quiz|form)\b",
    re.I,
)
# A syndication note about where the piece comes from: "Article posted with permission from …",
# "Reprinted with permission from …", "This report was originally published by … at …".
_SYNDICATION = re.compile(
    r"^\W*(?:(?:this\s+)?(?:article|story|report|post|piece|column|essay)\s+(?:was\s+|is\s+|has\s+been\s+)?)?"
    r"(?:originally\s+(?:posted|published|appeared)"
    r"|(?<=\s)first\s+(?:posted|published|appeared)"
    r"|(?:posted|published|reprinted|republished|reproduced|shared)\s+(?:here\s+)?(?:with|by)\s+(?:kind\s+)?"
    r"permission\s+(?:from|of))"
    r"\b[^,;]{0,100}$",
    re.I,
)
# A notice about the page's comments: "Sorry, we are not currently accepting comments on this article."
_COMMENTS_NOTICE = re.compile(
    r"^\W*(?:sorry,?\s+)?(?:comments?\s+(?:(?:for|on)\s+this\s+(?:article|story|post|page)\s+)?"
    r"(?:are|is|have been)\s+(?:now\s+)?(?:closed|disabled|turned off|not available)|"
    r"(?:we are|we're)\s+(?:not|no longer)\s+(?:currently\s+)?accepting\s+comments)\b",
    re.I,
)
# The page's comment policy: "As a privately owned website, we reserve the right to remove any comment …",
# "Comments that contain spam, advertising, … may be removed"
_COMMENT_POLICY = re.compile(
    r"^\W*(?:(?:as\s+an?\s+[\w\s-]{0,40}?(?:website|site|publication|forum|blog),\s*)?we\s+reserve\s+the\s+right\s+"
    r"to\s+(?:remove|delete|edit|moderate|refuse)\b[^.]{0,80}\bcomments?\b|"
    r"comments?\s+(?:that|which)\s+(?:contain|include)\b[^.]{0,300}?\b(?:may|will)\s+be\s+(?:removed|deleted))",
    re.I,
)
# Markup that leaked into the text: a line of HTML attributes ('poster="http://….jpg?pubId=1" true')
_MARKUP_ATTRIBUTES = re.compile(r'^\s*(?:[a-z][a-z-]*="[^"]*"\s*)+(?:[a-z-]+\s*)*$')
_BARE_DOMAIN = re.compile(r"^\W*(?:https?://)?(?:www\.)?[a-z0-9-]+(?:\.[a-z0-9-]+)*\.[a-z]{2,6}/?\W*$", re.I)
_SENTENCE_SPLIT = re.compile(r"(?<=[.!?])\s+")
_SENTENCE_END = re.compile(r"""[.!?…]["'”’)\]]*\s*$""")
_WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*")


def _words(line: str) -> list[str]:
    return _WORD.findall(line)


def _ends_like_sentence(line: str) -> bool:
    return bool(_SENTENCE_END.search(line))


def classify_line(line: str) -> str | None:
    """The reason a single line is page furniture, or None when it reads as article text."""
    stripped = line.strip()
    if not stripped:
        return None
    words = _words(stripped)
    n = len(words)
    short = n <= 14
    if n <= 3 and re.fullmatch(r"\W*(?:advertisement|advertising|ad|sponsored|promoted|paid post)\W*", stripped, re.I):
        return "advertising or sponsored content"
    if n <= 30 and _POLL.match(stripped):
        return POLL_MARKER
    if _INTERSTITIAL.match(stripped):
        return INTERSTITIAL
    if n <= 16 and _FORM_FIELD.match(stripped):
        return FORM_REASON
    if n <= 14 and _CONSENT.search(stripped):
        return FORM_REASON
    if n <= 20 and _SYNDICATION.match(stripped):
        return "syndication or permission note"
    if _PLACEHOLDER.search(stripped) and n <= 8:
        return "widget or placeholder name"
    if _COUNTER.match(stripped):
        return "comment or share counter"
    if n <= 25 and _CREDIT.search(stripped):
        return "photo caption or credit"
    m = _LABEL_COLON.match(stripped)
    if m and n <= 30:
        label = m.group(0).lower()
        if re.search(_MEDIA, label):
            return "photo caption or credit"
        if re.search(r"advert|sponsor|promot|partner|paid", label):
            return "advertising or sponsored content"
        if re.search(r"share|follow|subscribe|newsletter", label):
            return "share or subscribe prompt"
        if re.search(r"publish|post|updat|correction|note|disclaimer", label) and n <= 14:
            return "dateline or timestamp"
        if re.search(r"tag|topic|filed|categor|source|via", label) and not _ends_like_sentence(stripped):
            return "tags or source line"
        return "link line (related or read-more)"
    if short and _CTA.match(stripped):
        return "call to action (share, subscribe, comment)"
    parts = _SENTENCE_SPLIT.split(stripped)
    if (n <= 20 and len(parts) > 1 and _CTA.match(parts[-1]) and len(_words(parts[-1])) <= 14
            and all(p.endswith(("?", "!")) or len(_words(p)) <= 6 for p in parts[:-1])):
        return "call to action (share, subscribe, comment)"  # "Have something to add? Share it in the comments."
    if n <= 16 and _COMMENTS_NOTICE.search(stripped):
        return "comments notice"
    if n <= 120 and _COMMENT_POLICY.search(stripped):
        return "comments notice"
    if n <= 4 and _BARE_DOMAIN.match(stripped):
        return "link or embed source"
    if _MARKUP_ATTRIBUTES.match(stripped):
        return "link or embed source"
    if _BYLINE.match(stripped) and n <= 14:
        return "byline"
    if n <= 16 and not _ends_like_sentence(stripped):
        time_tokens = len(_TIMEWORD.findall(stripped))
        if time_tokens >= 2 and time_tokens >= 0.5 * max(1, n):
            return "dateline or timestamp"
        if len(_NAV_SEPARATORS.findall(stripped)) >= 2:
            return "navigation or breadcrumb"
        handles = _HANDLE.findall(stripped)
        if handles and len(handles) >= 0.5 * max(1, n):
            return "social handles or hashtags"
    if n <= 6 and _RAIL_HEADING.match(stripped):
        return "promotional rail heading (trending, related, sponsored)"
    gallery = _GALLERY.search(stripped) if n <= 25 else None
    if gallery and (gallery.group(0).strip().isupper() or (n <= 12 and not _ends_like_sentence(stripped))):
        return "photo gallery widget"
    if (3 <= n <= 10 and stripped.count(",") == 1 and not _ends_like_sentence(stripped)
            and _NAME_ROLE.match(stripped) and not _VERB_CUE.search(stripped)):
        return "photo caption (a name and a role)"
    return None


def _looks_like_rail_item(line: str) -> bool:
    """A headline in a rail: short, no sentence end (or a question), not a quotation."""
    s = line.strip()
    n = len(_words(s))
    return 2 <= n <= 18 and (not _ends_like_sentence(s) or s.endswith("?")) and not s.startswith(('"', "“"))


_DATELINE_PREFIX = re.compile(
    r"^[A-Z][A-Z .'’-]{2,40}(?:,\s*[A-Z][\w .'’-]{1,30})?\s*(?:\((?:[A-Z][\w .&-]{1,30})\))?\s*[-–—]{1,2}\s"
)


def _same_words(a: str, b: str) -> bool:
    return [w.lower() for w in _words(a)] == [w.lower() for w in _words(b)] != []


def _widget_end(lines: list[str], reasons: list[str | None], first: int) -> int:
    """Index of the last line of a poll or sign-up widget that starts at ``lines[first]`` (a poll or
    interstitial marker), or ``first`` when no widget form follows. The widget runs to its last form field or
    consent line within a few lines; everything between (the question, often repeated, and the answers)
    is short. A long line ends the search: it is article text. ``reasons``: classify_line of each line."""
    end = first
    for k in range(first + 1, min(len(lines), first + 1 + _WIDGET_LOOKAHEAD)):
        if reasons[k] == FORM_REASON:
            end = k
        elif len(_words(lines[k])) > _WIDGET_LINE_WORDS:
            break
    return end


def find_clutter(text: str, paragraphs: list[Region], *, skip: Region | None = None) -> list[Region]:
    """Excluded regions (whole lines, or a dateline prefix) with a reason, in text order. ``skip`` is the
    headline: it is never clutter, and a first body line that repeats it (page title and heading both
    scraped) is."""
    lines = [text[p.start : p.end] for p in paragraphs]
    reasons = [classify_line(line) for line in lines]  # each line once: the widget look-ahead reads them too
    out: list[Region] = []
    in_rail = False
    widget_end = -1
    first_body = True
    for i, (para, line) in enumerate(zip(paragraphs, lines, strict=True)):
        if skip is not None and para.start < skip.end and skip.start < para.end:
            continue
        reason = reasons[i]
        if first_body and skip is not None and reason is None and _same_words(line, text[skip.start : skip.end]):
            reason = HEADLINE_REPEAT
        first_body = False
        if reason in (POLL_MARKER, INTERSTITIAL):
            widget_end = max(widget_end, _widget_end(lines, reasons, i))
        elif reason is None and i <= widget_end:
            reason = WIDGET_BODY
        if reason is None and in_rail and _looks_like_rail_item(line):
            reason = "promotional rail item (headline list)"
        if reason is not None:
            out.append(Region(para.start, para.end, reason))
            in_rail = reason.startswith("promotional rail") or (in_rail and reason != "byline")
            continue
        in_rail = False
        m = _DATELINE_PREFIX.match(line)
        if m and len(_words(m.group(0))) <= 6:
            out.append(Region(para.start, para.start + m.end() - 1, "dateline"))
    return out

"""Outlet profiles: what is known about a publisher, with factuality, bias and reliability kept apart.

The bundled table (``resources/outlets.sqlite``, built by ``scripts/build_outlets.py``) holds, per domain,
ratings from several sources (MBFC via Baly et al. 2018/2020 and Burdisso et al. 2024, Wikipedia's
perennial-sources list, a curated satire list), each with its source and date. ``OutletTable`` loads it
lazily once and answers:

- ``profile(domain_or_url)``: the JSON ``outlet`` object of the report;
- ``profile_for_name(name)``: the profile of an outlet named in text ("Reuters", "the BBC", "AP");
- ``find_names(text)``: ``[(start, end, name, domain)]`` for outlet names in a text.

Matching is exact about hosts: the host is normalised (scheme, port, case, trailing dot, IDNA,
``www.``/``m.``/``amp.`` prefixes, AMP cache paths), then looked up as a whole and by dropping leading
labels one at a time (``edition.cnn.com`` -> ``cnn.com``). A table entry only matches whole labels, so
``rt.com`` never matches ``deviantart.com`` or ``rt.com.evil.net``, and ``cnn.com.co`` or
``cnn-news.com`` never match ``cnn.com``. Entries that are public suffixes or user-content platforms
(``blogspot.com``, ``substack.com``) match only exactly, never for a user's subdomain.

Overrides (TOML or CSV, see docs/OUTLETS.md) add or correct ratings; they win, and every value in a
profile's ``sources`` says where it came from and whether it was used.
"""

from __future__ import annotations

import csv
import ipaddress
import json
import re
import sqlite3
import threading
import tomllib
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from importlib import resources
from pathlib import Path
from typing import Any
from urllib.parse import unquote, urlsplit

from spinscope.errors import InputError, ModelError

# Fields with one headline value each; the first source in SOURCE_PRECEDENCE that gives one is used.
SINGLE_FIELDS = ("factuality", "bias", "reliability", "credibility", "country", "media_type")
FACTUALITY_VALUES = ("very high", "high", "mostly factual", "mixed", "low", "very low")
BIAS_VALUES = ("extreme-left", "left", "left-center", "center", "right-center", "right", "extreme-right")
RELIABILITY_VALUES = (
    "generally reliable",
    "no consensus",
    "generally unreliable",
    "blacklisted",
    "listed unreliable",
)
CREDIBILITY_VALUES = ("high", "medium", "low")
KNOWN_VALUES: dict[str, tuple[str, ...]] = {
    "factuality": FACTUALITY_VALUES,
    "bias": BIAS_VALUES,
    "reliability": RELIABILITY_VALUES,
    "credibility": CREDIBILITY_VALUES,
}
# Most recent first: a rating from 2024 beats one from 2020, which beats one from 2018.
SOURCE_PRECEDENCE = (
    "mbfc-burdisso2024",
    "mbfc-baly2020",
    "mbfc-baly2018",
    "wikipedia-rsp-burdisso2024",
    "unreliable-list-burdisso2024",
    "spinscope-curated",
)
OVERRIDE_SOURCE_ID = "override"

_STRIP_PREFIXES = re.compile(r"^(?:www\d{0,3}|m|mobile|amp)$")
_HOST_OK = re.compile(r"^[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?(?:\.[a-z0-9_](?:[a-z0-9_-]{0,61}[a-z0-9_])?)*$")
_AMP_CACHE_PATH = re.compile(r"^/(?:[cvi]/)?(?:s/)?(?P<host>[^/?#]+)")


def resource_key(overrides: str | Path | None = None) -> str:
    """The ``context.resources`` key under which detectors share one OutletTable per overrides file::

    table = context.resources.get(resource_key(opts.outlet_overrides),
                                  lambda: OutletTable(overrides=opts.outlet_overrides))
    """
    return "outlets" if overrides is None else f"outlets:{Path(overrides).resolve()}"


def _resource_path(name: str) -> Path:
    return Path(str(resources.files("spinscope").joinpath("resources").joinpath(name)))


def default_table_path() -> Path:
    return _resource_path("outlets.sqlite")


def default_names_path() -> Path:
    return _resource_path("outlet_names.json")


def _idna(host: str) -> str:
    if host.isascii():
        return host
    try:
        import idna

        return str(idna.encode(host, uts46=True).decode("ascii"))
    except Exception:
        try:
            return host.encode("idna").decode("ascii")
        except UnicodeError as exc:
            raise InputError(f"not a valid host name: {host!r}") from exc


def _split(value: str) -> tuple[str, str]:
    """Split a URL or bare host into (host, path)."""
    value = value.strip()
    if not value:
        raise InputError("empty domain or URL")
    if "://" not in value[:12]:
        value = "//" + value.lstrip("/")
    parts = urlsplit(value)
    try:
        host = parts.hostname or ""
    except ValueError as exc:
        raise InputError(f"not a valid domain or URL: {value.lstrip('/')!r}") from exc
    return host, parts.path


def _strip_host(host: str) -> str:
    host = unquote(host).strip().rstrip(".").lower()
    host = _idna(host).lower()
    labels = host.split(".")
    while len(labels) > 2 and _STRIP_PREFIXES.match(labels[0]):
        labels = labels[1:]
    return ".".join(labels)


def _unwrap_amp(host: str, path: str) -> tuple[str, str] | None:
    """Recover the publisher's host from an AMP cache or Google AMP viewer URL."""
    if (
        host.endswith(".cdn.ampproject.org")
        or host == "cdn.ampproject.org"
        or (re.match(r"^(?:www\.)?google\.[a-z.]+$", host) and path.startswith("/amp/"))
    ):
        inner = path[4:] if path.startswith("/amp/") else path
        m = _AMP_CACHE_PATH.match(inner)
        if m and "." in m.group("host"):
            rest = inner[m.end() :]
            return m.group("host"), rest
        if host.endswith(".cdn.ampproject.org"):  # www-cnn-com.cdn.ampproject.org: dashes were dots
            sub = host[: -len(".cdn.ampproject.org")]
            return sub.replace("--", "\0").replace("-", ".").replace("\0", "-"), path
    return None


def _normalise(url_or_host: str) -> tuple[str, str]:
    host, path = _split(url_or_host)
    host = host.strip().rstrip(".").lower()
    unwrapped = _unwrap_amp(host, path)
    if unwrapped is not None:
        host, path = _split(unwrapped[0])[0], unwrapped[1]
    host = _strip_host(host)
    if not host:
        raise InputError(f"no host in {url_or_host!r}")
    try:
        ipaddress.ip_address(host.strip("[]"))
        return host, path
    except ValueError:
        pass
    if not _HOST_OK.match(host):
        raise InputError(f"not a valid host name: {url_or_host!r}")
    return host, path


def normalise_host(url_or_host: str) -> str:
    """The canonical host of a URL or host: lower case, no port, no trailing dot, IDNA (punycode),
    without ``www.``/``m.``/``mobile.``/``amp.`` prefixes, unwrapped from AMP cache URLs.

    ``normalise_host("https://WWW.CNN.com.:443/amp/x")`` -> ``"cnn.com"``. Raises InputError when
    there is no usable host.
    """
    return _normalise(url_or_host)[0]


def _norm_path(path: str) -> str:
    return "/".join(p for p in unquote(path).lower().split("/") if p)


@dataclass(frozen=True, slots=True)
class Rating:
    field: str
    value: str
    source: str  # human-readable source title
    source_id: str
    date: str | None
    raw: str | None = None
    ref: str | None = None


@dataclass
class _Entry:
    key: str  # "cnn.com" or "newyorker.com/humor/borowitz-report"
    name: str | None = None
    shared_host: bool = False  # a public suffix or user-content platform: matches only exactly
    ratings: list[Rating] = field(default_factory=list)
    name_source: str | None = None


@dataclass
class _Override:
    key: str
    name: str | None
    values: dict[str, str]
    labels: list[str] | None
    source: str
    date: str | None
    note: str | None


@dataclass
class _Loaded:
    entries: dict[str, _Entry]
    paths: dict[str, list[str]]  # host -> path-scoped keys for that host, longest first
    meta: dict[str, str]


@dataclass
class _Names:
    alias_to_domain: dict[str, tuple[str, str]]  # alias -> (canonical name, domain)
    folded: dict[str, tuple[str, str]]  # casefolded alias -> (canonical name, domain), unique ones only
    domain_to_name: dict[str, str]
    pattern: re.Pattern[str] | None


def _trie_regex(words: Iterable[str]) -> str:
    """A regex alternation of ``words`` as a trie (fast with hundreds of names)."""
    trie: dict[str, Any] = {}
    for w in words:
        node = trie
        for ch in w:
            node = node.setdefault(ch, {})
        node[""] = {}

    def build(node: dict[str, Any]) -> str:
        end = "" in node
        alts = [re.escape(ch) + build(sub) for ch, sub in sorted(node.items()) if ch != ""]
        if not alts:
            return ""
        body = alts[0] if len(alts) == 1 and not end else "(?:" + "|".join(alts) + ")"
        if len(alts) > 1 and not end:
            return body
        return body + ("?" if end else "")

    return build(trie)


class OutletTable:
    """Outlet ratings from the bundled table plus optional user overrides.

    ``path`` is the SQLite table (default: the bundled one); ``overrides`` a TOML or CSV file.
    Everything loads lazily on first use, once per object; lookups are dictionary look-ups.
    """

    def __init__(
        self,
        path: str | Path | None = None,
        overrides: str | Path | None = None,
        names_path: str | Path | None = None,
    ) -> None:
        self.path = Path(path) if path is not None else default_table_path()
        self.overrides_path = Path(overrides) if overrides is not None else None
        self.names_path = Path(names_path) if names_path is not None else default_names_path()
        self._lock = threading.Lock()
        self._loaded: _Loaded | None = None
        self._overrides: dict[str, _Override] | None = None
        self._override_paths: dict[str, list[str]] = {}
        self._names: _Names | None = None

    # ---------------------------------------------------------------- loading
    @property
    def meta(self) -> dict[str, str]:
        return dict(self._table().meta)

    def _table(self) -> _Loaded:
        if self._loaded is None:
            with self._lock:
                if self._loaded is None:
                    self._loaded = self._load_table()
        return self._loaded

    def _load_table(self) -> _Loaded:
        if not self.path.is_file():
            raise ModelError(f"outlet table not found: {self.path} (build it with scripts/build_outlets.py)")
        try:
            con = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True)
            try:
                meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
                titles = {sid: (title, date) for sid, title, date in con.execute("SELECT id, title, date FROM sources")}
                entries: dict[str, _Entry] = {}
                for key, name, name_source, ps in con.execute(
                    "SELECT domain, name, name_source, shared_host FROM outlets"
                ):
                    entries[key] = _Entry(key=key, name=name, name_source=name_source, shared_host=bool(ps))
                for key, fld, value, raw, sid, ref in con.execute(
                    "SELECT domain, field, value, raw, source, ref FROM ratings ORDER BY rowid"
                ):
                    title, date = titles.get(sid, (sid, None))
                    entries[key].ratings.append(Rating(fld, value, title, sid, date, raw, ref))
            finally:
                con.close()
        except (sqlite3.Error, KeyError) as exc:
            raise ModelError(f"outlet table {self.path} is corrupt: {exc}") from exc
        return _Loaded(entries=entries, paths=_path_index(entries), meta=meta)

    def _overrides_map(self) -> dict[str, _Override]:
        if self._overrides is None:
            with self._lock:
                if self._overrides is None:
                    ov = load_overrides(self.overrides_path) if self.overrides_path else {}
                    self._override_paths = _path_index(ov)
                    self._overrides = ov
        return self._overrides

    def _names_index(self) -> _Names:
        if self._names is None:
            with self._lock:
                if self._names is None:
                    self._names = _load_names(self.names_path)
        return self._names

    # ---------------------------------------------------------------- matching
    def _match(self, host: str, path: str) -> tuple[str | None, str]:
        """The most specific key (table or override) for host+path, and how it matched."""
        overrides = self._overrides_map()
        table = self._table()
        npath = _norm_path(path)
        labels = host.split(".")
        for i in range(len(labels)):
            cand = ".".join(labels[i:])
            if i > 0 and "." not in cand:
                break  # never match a bare TLD
            for pkey in self._override_paths.get(cand, []) + table.paths.get(cand, []):
                prefix = pkey.split("/", 1)[1]
                if npath == prefix or npath.startswith(prefix + "/"):
                    return pkey, "path"
            in_table = cand in table.entries
            if cand in overrides or in_table:
                if i > 0 and in_table and table.entries[cand].shared_host and cand not in overrides:
                    return (
                        None,
                        "none",
                    )  # a shared host (blogspot.com): a user's subdomain is not the platform
                return cand, ("exact" if i == 0 else "subdomain")
        return None, "none"

    # ---------------------------------------------------------------- public API
    def profile(self, domain_or_url: str) -> dict[str, Any]:
        """The ``outlet`` object for a domain or URL (see resources/schema/outlet.schema.json).

        Unknown outlets give ``rated: False`` with empty ratings, never a default verdict.
        """
        host, path = _normalise(domain_or_url)
        key, how = self._match(host, path)
        return self._profile_for_key(key, host, how)

    def lookup(self, domain_or_url: str) -> str | None:
        """The table/override key an input matches, or None."""
        host, path = _normalise(domain_or_url)
        return self._match(host, path)[0]

    def profile_for_name(self, name: str) -> dict[str, Any] | None:
        """The profile of an outlet named in text ("Reuters", "the Associated Press", "AP", "the BBC").

        Exact alias first (acronyms are case-sensitive), then without a leading "the", then a
        case-insensitive match for aliases that are unambiguous that way. None if the name is unknown.
        The profile carries ``name`` (canonical) and ``matched_name`` (as given).
        """
        hit = self.resolve_name(name)
        if hit is None:
            return None
        canonical, domain = hit
        prof = self.profile(domain)
        if not prof.get("name"):
            prof["name"] = canonical
        prof["matched_name"] = name
        return prof

    def resolve_name(self, name: str) -> tuple[str, str] | None:
        """(canonical name, domain) for an outlet name, or None."""
        idx = self._names_index()
        s = " ".join(name.split()).strip(" \t\n'\"’‘“”.,;:")
        for cand in (s, re.sub(r"^[Tt]he\s+", "", s), re.sub(r"['’]s$", "", s)):
            if cand in idx.alias_to_domain:
                return idx.alias_to_domain[cand]
        for cand in (s, re.sub(r"^the\s+", "", s, flags=re.I)):
            hit = idx.folded.get(cand.casefold())
            if hit is not None:
                return hit
        return None

    def find_names(self, text: str) -> list[tuple[int, int, str, str]]:
        """Outlet names in ``text`` as ``(start, end, name, domain)``, sorted by start.

        ``name`` is the canonical outlet name (pass it to ``profile_for_name``), ``text[start:end]`` the
        words as written. Matches are word-bounded and case-sensitive ("AP" and "RT" never match inside
        words or in lower case); a leading "The"/"the" is part of the span only when it is part of the
        name ("the New York Times", not "the Associated Press").
        """
        idx = self._names_index()
        if idx.pattern is None:
            return []
        out: list[tuple[int, int, str, str]] = []
        for m in idx.pattern.finditer(text):
            surface = m.group(0)
            hit = idx.alias_to_domain.get(surface)
            if hit is None:  # "the X" where the alias is "The X"
                hit = idx.alias_to_domain.get("The" + surface[3:])
            if hit is None or not _plausible_mention(text, m.start(), m.end(), surface):
                continue
            out.append((m.start(), m.end(), hit[0], hit[1]))
        return out

    def name_for_domain(self, domain: str) -> str | None:
        return self._names_index().domain_to_name.get(domain)

    def stats(self) -> dict[str, int]:
        """Counts: domains, and domains rated by each source id."""
        table = self._table()
        counts: dict[str, int] = {"domains": len(table.entries)}
        for e in table.entries.values():
            for sid in {r.source_id for r in e.ratings}:
                counts[sid] = counts.get(sid, 0) + 1
        return counts

    # ---------------------------------------------------------------- assembling a profile
    def _profile_for_key(self, key: str | None, host: str, how: str) -> dict[str, Any]:
        table = self._table()
        overrides = self._overrides_map()
        entry = table.entries.get(key) if key else None
        override = overrides.get(key) if key else None
        ratings: list[Rating] = []
        if override is not None:
            for fld, value in override.values.items():
                ratings.append(
                    Rating(fld, value, override.source, OVERRIDE_SOURCE_ID, override.date, None, override.note)
                )
            for label in override.labels or []:
                ratings.append(
                    Rating(
                        "label",
                        label,
                        override.source,
                        OVERRIDE_SOURCE_ID,
                        override.date,
                        None,
                        override.note,
                    )
                )
        if entry is not None:
            rank = {sid: i for i, sid in enumerate(SOURCE_PRECEDENCE)}
            ratings.extend(sorted(entry.ratings, key=lambda r: rank.get(r.source_id, len(rank))))
        chosen: dict[str, Rating] = {}
        for r in ratings:
            if r.field in SINGLE_FIELDS and r.field not in chosen:
                chosen[r.field] = r
        labels: list[str] = []
        label_from_override = override is not None and override.labels is not None
        used_labels: set[int] = set()
        for i, r in enumerate(ratings):
            if r.field != "label":
                continue
            if label_from_override and r.source_id != OVERRIDE_SOURCE_ID:
                continue
            if r.value not in labels:
                labels.append(r.value)
            used_labels.add(i)
        sources = []
        for i, r in enumerate(ratings):
            used = chosen.get(r.field) is r if r.field in SINGLE_FIELDS else i in used_labels
            item: dict[str, Any] = {
                "field": r.field,
                "value": r.value,
                "source": r.source,
                "date": r.date,
                "source_id": r.source_id,
                "used": used,
            }
            if r.raw is not None and r.raw != r.value:
                item["raw"] = r.raw
            if r.ref:
                item["ref"] = r.ref
            sources.append(item)
        domain = key or host
        name = (override.name if override and override.name else None) or (entry.name if entry else None)
        if name is None:
            name = self.name_for_domain(domain.split("/", 1)[0] if how != "path" else domain)
        rated = any(f in chosen for f in ("factuality", "bias", "reliability", "credibility")) or bool(labels)
        prof: dict[str, Any] = {
            "domain": domain,
            "name": name,
            "factuality": chosen["factuality"].value if "factuality" in chosen else None,
            "bias": chosen["bias"].value if "bias" in chosen else None,
            "reliability": chosen["reliability"].value if "reliability" in chosen else None,
            "credibility": chosen["credibility"].value if "credibility" in chosen else None,
            "labels": labels,
            "country": chosen["country"].value if "country" in chosen else None,
            "media_type": chosen["media_type"].value if "media_type" in chosen else None,
            "sources": sources,
            "rated": rated,
            "matched_host": host,
            "match": how,
        }
        return prof


# Capitalised words that may precede an outlet name without making it part of a person's name.
_LEAD_OK = frozenset(
    "A An And As At But By Citing For From If In Of On Or Per So Than That The Then To Told Via When While "
    "With Yet "
    "According Also Earlier Later Meanwhile Separately Like Unlike Both Neither Either Sources Source".split()
)
# Capitalised words that may follow an outlet name without making it part of a longer proper noun.
_TRAIL_OK = frozenset(
    "Monday Tuesday Wednesday Thursday Friday Saturday Sunday January February March April May June July "
    "August "
    "September October November December I".split()
)
_PREV_WORD = re.compile(r"([A-Z][\w'’.-]*) $")
_NEXT_WORD = re.compile(r" ([A-Z][\w'’-]*)")


def _plausible_mention(text: str, start: int, end: int, surface: str) -> bool:
    """Reject matches that are part of a longer proper noun: "Michael Bloomberg", "Reuters Institute",
    "The Hill Country". Acronyms ("CNN Business", "AP Photo") stay matched; so do multi-word names
    other than "The X" ("The New York Times Magazine" is still The New York Times)."""
    acronym = surface.isupper() and " " not in surface and len(surface) <= 6
    if acronym:
        return True
    single = " " not in surface
    if single:
        prev = _PREV_WORD.search(text, max(0, start - 40), start)
        if prev and prev.end() == start and prev.group(1) not in _LEAD_OK:
            return False
    if single or (surface[:4] in ("The ", "the ") and surface.count(" ") == 1):
        nxt = _NEXT_WORD.match(text, end)
        if nxt and nxt.group(1) not in _TRAIL_OK:
            return False
    return True


def _path_index(entries: Mapping[str, object]) -> dict[str, list[str]]:
    paths: dict[str, list[str]] = {}
    for key in entries:
        if "/" in key:
            paths.setdefault(key.split("/", 1)[0], []).append(key)
    for v in paths.values():
        v.sort(key=len, reverse=True)
    return paths


def _load_names(path: Path) -> _Names:
    if not path.is_file():
        raise ModelError(f"outlet name list not found: {path}")
    try:
        data = json.loads(path.read_text(encoding="utf-8"))
        outlets = data["outlets"]
    except (ValueError, KeyError, TypeError) as exc:
        raise ModelError(f"outlet name list {path} is corrupt: {exc}") from exc
    alias_to_domain: dict[str, tuple[str, str]] = {}
    folded_all: dict[str, set[tuple[str, str]]] = {}
    domain_to_name: dict[str, str] = {}
    patterns: set[str] = set()
    for o in outlets:
        canonical, domain = o["name"], o["domain"]
        domain_to_name.setdefault(domain, canonical)
        for alias in [canonical, *o.get("aliases", [])]:
            alias_to_domain.setdefault(alias, (canonical, domain))
            patterns.add(alias)
            if alias.startswith("The "):
                patterns.add("the " + alias[4:])
            folded_all.setdefault(re.sub(r"^the\s+", "", alias, flags=re.I).casefold(), set()).add((canonical, domain))
    folded = {k: next(iter(v)) for k, v in folded_all.items() if len({d for _, d in v}) == 1}
    pattern = None
    if patterns:
        body = _trie_regex(sorted(patterns, key=len, reverse=True))
        pattern = re.compile(r"(?<![\w@#&/-])" + body + r"(?![\w&-])")
    return _Names(alias_to_domain, folded, domain_to_name, pattern)


# ------------------------------------------------------------------- overrides
OVERRIDE_FIELDS = (
    "name",
    "factuality",
    "bias",
    "reliability",
    "credibility",
    "country",
    "media_type",
    "labels",
    "date",
    "note",
    "source",
)


def _override_key(domain: str) -> str:
    host, path = _normalise(domain)
    p = _norm_path(path)
    return f"{host}/{p}" if p else host


def _check_value(fld: str, value: str, where: str) -> str:
    v = " ".join(str(value).strip().lower().replace("_", " ").split())
    if fld == "bias":
        v = {
            "least biased": "center",
            "centre": "center",
            "far-left": "extreme-left",
            "far left": "extreme-left",
            "far-right": "extreme-right",
            "far right": "extreme-right",
            "center-left": "left-center",
            "center-right": "right-center",
            "left center": "left-center",
            "right center": "right-center",
            "extreme left": "extreme-left",
            "extreme right": "extreme-right",
        }.get(v, v)
    allowed = KNOWN_VALUES.get(fld)
    if allowed is not None and v not in allowed:
        raise InputError(f"{where}: {fld} {value!r} is not one of: {', '.join(allowed)}")
    return v


def _make_override(rec: Mapping[str, Any], where: str, file: Path) -> _Override:
    unknown = set(rec) - set(OVERRIDE_FIELDS) - {"domain"}
    if unknown:
        raise InputError(f"{where}: unknown field(s) {', '.join(sorted(unknown))}")
    domain = str(rec.get("domain") or "").strip()
    if not domain:
        raise InputError(f"{where}: missing 'domain'")
    try:
        key = _override_key(domain)
    except InputError as exc:
        raise InputError(f"{where}: {exc}") from None
    values = {}
    for fld in SINGLE_FIELDS:
        raw = rec.get(fld)
        if raw is not None and str(raw).strip() != "":
            values[fld] = _check_value(fld, str(raw), where)
    labels_raw = rec.get("labels")
    labels: list[str] | None = None
    if labels_raw is not None:
        items = labels_raw if isinstance(labels_raw, list) else re.split(r"[;|]", str(labels_raw))
        labels = [" ".join(str(x).strip().lower().split()).replace(" ", "-") for x in items if str(x).strip()]
    name = str(rec["name"]).strip() if rec.get("name") else None
    source = str(rec["source"]).strip() if rec.get("source") else f"override: {file.name}"
    date = str(rec["date"]).strip() if rec.get("date") else None
    note = str(rec["note"]).strip() if rec.get("note") else None
    return _Override(key, name, values, labels, source, date, note)


def load_overrides(path: str | Path) -> dict[str, _Override]:
    """Read a TOML or CSV override file into {key: override}. Raises InputError with the place of an error.

    TOML: ``[[outlet]]`` tables (or ``[outlets."example.com"]``) with ``domain``, ``name``, ``factuality``,
    ``bias``, ``reliability``, ``credibility``, ``labels`` (list), ``date``, ``note``, ``source``.
    CSV: a header row with the same column names; ``labels`` separated by ``;``.
    """
    p = Path(path)
    if not p.is_file():
        raise InputError(f"overrides file not found: {p}")
    records: list[tuple[str, Mapping[str, Any]]] = []
    suffix = p.suffix.lower()
    if suffix == ".toml":
        try:
            data = tomllib.loads(p.read_text(encoding="utf-8"))
        except (tomllib.TOMLDecodeError, UnicodeError) as exc:
            raise InputError(f"{p}: not valid TOML: {exc}") from None
        listed = data.get("outlet", [])
        if isinstance(listed, dict):
            listed = [listed]
        if not isinstance(listed, list):
            raise InputError(f"{p}: 'outlet' must be an array of tables ([[outlet]])")
        for i, rec in enumerate(listed):
            if not isinstance(rec, dict):
                raise InputError(f"{p}: outlet #{i + 1} is not a table")
            records.append((f"{p}: outlet #{i + 1}", rec))
        keyed = data.get("outlets", {})
        if not isinstance(keyed, dict):
            raise InputError(f"{p}: 'outlets' must be a table of domains")
        for dom, rec in keyed.items():
            if not isinstance(rec, dict):
                raise InputError(f"{p}: outlets.{dom} is not a table")
            records.append((f"{p}: outlets.{dom}", {"domain": dom, **rec}))
        unknown = set(data) - {"outlet", "outlets"}
        if unknown:
            raise InputError(f"{p}: unknown top-level key(s) {', '.join(sorted(unknown))}; use [[outlet]] tables")
    elif suffix in (".csv", ".tsv"):
        try:
            with p.open(encoding="utf-8", newline="") as fh:
                reader = csv.DictReader(fh, delimiter="\t" if suffix == ".tsv" else ",")
                if not reader.fieldnames or "domain" not in [f.strip() for f in reader.fieldnames]:
                    raise InputError(f"{p}: CSV needs a header row with a 'domain' column")
                for i, row in enumerate(reader, start=2):
                    clean = {(k or "").strip(): (v or "").strip() for k, v in row.items() if k is not None}
                    clean = {k: v for k, v in clean.items() if v != "" or k == "labels"}
                    if clean.get("labels") == "" and "labels" in clean:
                        del clean["labels"]
                    records.append((f"{p}: line {i}", clean))
        except (csv.Error, UnicodeError) as exc:
            raise InputError(f"{p}: not valid CSV: {exc}") from None
    else:
        raise InputError(f"{p}: overrides must be a .toml or .csv file")
    out: dict[str, _Override] = {}
    for where, rec in records:
        ov = _make_override(rec, where, p)
        out[ov.key] = ov
    return out


# ------------------------------------------------------------------- presentation helper
def card_rows(profile: Mapping[str, Any]) -> list[tuple[str, str]]:
    """(label, text) rows for a small outlet card, shared by the terminal, HTML and CLI renderers.

    Unrated outlets say so plainly; each rating names its source and date.
    """
    if not profile:
        return [("outlet", "unknown (no domain or URL)")]
    rows: list[tuple[str, str]] = []
    title = str(profile.get("domain") or "?")
    if profile.get("name"):
        title = f"{profile['name']} ({title})"
    rows.append(("outlet", title))
    if not profile.get("rated"):
        rows.append(("rating", "unrated: no source in the bundled table or overrides rates this outlet"))
        return rows

    def cite(fld: str) -> str:
        used = [s for s in profile.get("sources", []) if s.get("field") == fld and s.get("used")]
        if not used:
            return ""
        s = used[0]
        return f"  [{s.get('source')}{', ' + str(s['date']) if s.get('date') else ''}]"

    for fld, label in (
        ("factuality", "factuality"),
        ("bias", "bias"),
        ("reliability", "Wikipedia status"),
        ("credibility", "MBFC credibility"),
    ):
        value = profile.get(fld)
        rows.append((label, f"{value}{cite(fld)}" if value else "not rated"))
    labels = profile.get("labels") or []
    if labels:
        srcs: dict[str, str] = {}
        for s in profile.get("sources", []):
            if s.get("field") == "label" and s.get("used"):
                srcs.setdefault(s["value"], s.get("source"))
        rows.append(("labels", "; ".join(f"{lab} [{srcs.get(lab, '?')}]" for lab in labels)))
    extra = [str(profile[k]) for k in ("country", "media_type") if profile.get(k)]
    if extra:
        rows.append(("about", ", ".join(extra)))
    if profile.get("match") == "subdomain":
        rows.append(("matched", f"{profile.get('matched_host')} as part of {profile.get('domain')}"))
    return rows

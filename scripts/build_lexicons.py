"""Derive the transparent layer's lexicons from PTC training spans (train split only).

For every lower-cased word and word pair, count how often it occurs inside spans of a technique and how
often it occurs in the training articles at all; keep terms that occur inside spans at least MIN_COUNT
times with precision (in-span share) at least MIN_PRECISION. The output records its provenance.

    python scripts/build_lexicons.py --data ../shared/data/ptc --out src/spinscope/resources/lexicons
"""

from __future__ import annotations

import argparse
import hashlib
import json
import re
from collections import Counter, defaultdict
from pathlib import Path

from spinscope.evaluation.ptc import split_of

# Only these two techniques are carried by single words often enough to mine them; the others are
# phrase- and argument-level (see resources/lexicons/general.json for the hand-written cue lists).
TECHNIQUES = {
    "Loaded_Language": "loaded.json",
    "Name_Calling,Labeling": "labels.json",
}
MIN_COUNT = 3
MIN_ARTICLES = 2  # in spans of at least this many different articles (not one author's tic)
MIN_PRECISION = 0.5
WORD = re.compile(r"[A-Za-z][A-Za-z'’-]*[A-Za-z]|[A-Za-z]")
STOP = set(
    "the a an of and or to in on at for with by from is are was were be been it its this that these those as "
    "he she they we you i his her their our your not no but if so than then there here who whom which what "
    "when where why how all any some more most very just also only into out up down over about after before".split()
)


def terms(text: str) -> list[tuple[int, int, str]]:
    words = [(m.start(), m.end(), m.group(0).lower().replace("’", "'")) for m in WORD.finditer(text)]
    out = [(a, b, w) for a, b, w in words if w not in STOP and len(w) > 2]
    for (a, _, w1), (_, b, w2) in zip(words, words[1:], strict=False):
        if not (w1 in STOP and w2 in STOP):
            out.append((a, b, f"{w1} {w2}"))
    return out


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path("../shared/data/ptc"))
    ap.add_argument("--out", type=Path, default=Path("src/spinscope/resources/lexicons"))
    args = ap.parse_args()
    labels_file = args.data / "train-task-flc-tc.labels"
    spans: dict[str, list[tuple[str, int, int]]] = defaultdict(list)
    for line in labels_file.read_text(encoding="utf-8").splitlines():
        aid, tech, start, end = line.split("\t")
        spans[aid].append((tech, int(start), int(end)))
    total: Counter[str] = Counter()
    inside: dict[str, Counter[str]] = {t: Counter() for t in TECHNIQUES}
    articles: dict[str, dict[str, set[str]]] = {t: defaultdict(set) for t in TECHNIQUES}
    n_articles = 0
    digest = hashlib.sha256(labels_file.read_bytes())
    for path in sorted((args.data / "train-articles").glob("article*.txt")):
        aid = path.stem.removeprefix("article")
        if split_of(aid) != "train":
            continue
        n_articles += 1
        text = path.read_text(encoding="utf-8")
        digest.update(path.read_bytes())
        for a, b, term in terms(text):
            total[term] += 1
            for tech, s, e in spans.get(aid, []):
                if tech in inside and s <= a and b <= e:
                    inside[tech][term] += 1
                    articles[tech][term].add(aid)
    args.out.mkdir(parents=True, exist_ok=True)
    for tech, filename in TECHNIQUES.items():
        rows = []
        for term, n_in in inside[tech].items():
            precision = n_in / total[term]
            n_art = len(articles[tech][term])
            if n_in >= MIN_COUNT and n_art >= MIN_ARTICLES and precision >= MIN_PRECISION:
                rows.append(
                    {
                        "term": term,
                        "in_span": n_in,
                        "articles": n_art,
                        "total": total[term],
                        "precision": round(precision, 3),
                    }
                )
        rows.sort(key=lambda r: (-r["precision"], -r["in_span"], r["term"]))
        doc = {
            "technique": tech,
            "provenance": {
                "source": "PTC (SemEval-2020 Task 11) train articles and span labels, spinscope train split only "
                "(spinscope.evaluation.ptc.split_of == 'train')",
                "command": "python scripts/build_lexicons.py --data ../shared/data/ptc",
                "articles": n_articles,
                "data_sha256": digest.hexdigest(),
                "rule": f"in-span count >= {MIN_COUNT}, in spans of >= {MIN_ARTICLES} articles, "
                f"in-span share >= {MIN_PRECISION}",
            },
            "terms": rows,
        }
        (args.out / filename).write_text(json.dumps(doc, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
        print(f"{tech}: {len(rows)} terms -> {args.out / filename}")


if __name__ == "__main__":
    main()

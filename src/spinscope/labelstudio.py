"""The human review loop with Label Studio.

``export_tasks``: batch results -> Label Studio tasks (JSON list), spinscope's technique spans as
*predictions* (pre-annotations) that reviewers accept, fix or delete. ``label_config`` is the matching
labelling interface. ``import_annotations``: a Label Studio JSON (or JSON-MIN) export of the reviewed
tasks -> PTC-format files that ``spinscope train`` and ``spinscope eval`` read::

    DIR/train-articles/article<N>.txt                          the article text, verbatim
    DIR/train-labels-task-flc-tc/article<N>.task-flc-tc.labels  N<TAB>technique<TAB>start<TAB>end
    DIR/train-task-flc-tc.labels                               all of the above in one file
    DIR/train-task-si.labels                                   N<TAB>start<TAB>end (overlaps merged)
    DIR/ids.tsv                                                N<TAB>original id

PTC ids are digits: an id like ``article123`` or ``123`` keeps its number, any other id is mapped to a
stable number (from its sha256) and ``ids.tsv`` records the mapping. Offsets are Python str indices
(Unicode code points), as current Label Studio stores them; offsets of older releases that counted
UTF-16 code units are detected with the span text and converted.
"""

from __future__ import annotations

import hashlib
import json
import os
import re
import shutil
from collections.abc import Iterator
from pathlib import Path
from typing import Any
from xml.sax.saxutils import quoteattr

from spinscope.errors import InputError
from spinscope.merge import merge_findings
from spinscope.render.common import layers, reasons
from spinscope.spans import Span
from spinscope.techniques import PTC_TECHNIQUES, catalogue, is_ptc_technique

FROM_NAME = "label"
TO_NAME = "text"
_PTC_ID = re.compile(r"^(?:article)?(\d{1,18})$")


def label_config(labels: tuple[str, ...] = PTC_TECHNIQUES) -> str:
    """The Label Studio labelling config for technique spans over the article text."""
    cat = catalogue()
    rows = "\n".join(
        f"    <Label value={quoteattr(name)} background={quoteattr(colour)}/>"
        for name, colour in ((n, cat[n].colour if n in cat else "#999") for n in labels)
    )
    return (
        "<View>\n"
        '  <Header value="$title"/>\n'
        f'  <Labels name="{FROM_NAME}" toName="{TO_NAME}">\n{rows}\n  </Labels>\n'
        f'  <Text name="{TO_NAME}" value="$text" granularity="symbol"/>\n'
        "</View>\n"
    )


def task_for(
    result: dict[str, Any], n: int, *, min_score: float = 0.0, ptc_only: bool = True
) -> dict[str, Any]:
    """One Label Studio task for one ok result record."""
    report = result["report"]
    text = report["text"]
    items = []
    # One region per place: results written before the analyzer merged layers (spinscope.merge) still
    # hold the same words two or three times; merging again is a no-op on merged results.
    spans = merge_findings([Span.from_dict(s) for s in report.get("spans", [])], report.get("detectors", []))
    for i, span in enumerate(spans):
        technique = span.technique
        if (ptc_only and not is_ptc_technique(technique)) or span.score < min_score:
            continue
        start, end = span.start, span.end
        items.append(
            {
                "id": f"s{i}",
                "from_name": FROM_NAME,
                "to_name": TO_NAME,
                "type": "labels",
                "origin": "prediction",
                "score": span.score,
                "value": {"start": start, "end": end, "text": text[start:end], "labels": [technique]},
                # the region's notes in the labelling view: why it was marked, each layer's reason once
                "meta": {"text": [f"found by {layers(span)}: {'; '.join(reasons(span))}"]},
            }
        )
    meta = report.get("metadata") or {}
    from spinscope import __name__ as pkg

    return {
        "id": n,
        "data": {
            "text": text,
            "title": report.get("title") or "",
            "article_id": result["id"],
            "outlet": meta.get("source") or meta.get("domain"),
            "url": meta.get("url"),
            "date": meta.get("date"),
        },
        "predictions": [
            {
                "model_version": f"{pkg}:{','.join(report.get('detectors', []))}",
                "score": float((report.get("scores") or {}).get("persuasion", 0.0)),
                "result": items,
            }
        ],
    }


def export_tasks(
    results: str | Path, out: str | Path, *, min_score: float = 0.0, ptc_only: bool = True
) -> int:
    """Write the Label Studio tasks of every ok record of ``results`` to ``out``; returns the count."""
    from spinscope.batch.sinks import iter_results

    target = Path(out)
    target.parent.mkdir(parents=True, exist_ok=True)
    tmp = target.with_name(f".{target.name}.tmp-{os.getpid()}")
    n = 0
    try:
        with tmp.open("w", encoding="utf-8") as f:  # streamed: memory stays flat for big corpora
            f.write("[")
            for rec in iter_results(results):
                if rec.get("status") != "ok" or not rec.get("report"):
                    continue
                n += 1
                f.write(
                    ("\n" if n == 1 else ",\n")
                    + json.dumps(task_for(rec, n, min_score=min_score, ptc_only=ptc_only), ensure_ascii=False)
                )
            f.write("\n]\n")
        os.replace(tmp, target)
    finally:
        tmp.unlink(missing_ok=True)
    return n


# ------------------------------------------------------------------------------------------ import


def ptc_id(article_id: str) -> str:
    """A PTC article number for an id (kept when it is one already)."""
    m = _PTC_ID.match(article_id)
    if m:
        return m.group(1)
    return str(int(hashlib.sha256(article_id.encode("utf-8")).hexdigest()[:13], 16))


def _utf16_to_index(text: str, offset: int) -> int:
    """Python index of a UTF-16 code unit offset."""
    units = 0
    for i, ch in enumerate(text):
        if units >= offset:
            return i
        units += 2 if ord(ch) > 0xFFFF else 1
    return len(text)


def resolve_offsets(text: str, start: int, end: int, expected: str | None) -> tuple[int, int] | None:
    """Python offsets of an annotated region: code points as given, else UTF-16 units, else the
    occurrence of ``expected`` nearest to ``start``; None when nothing fits."""
    if 0 <= start < end <= len(text) and (expected is None or text[start:end] == expected):
        return start, end
    if expected is None:
        return None
    s16, e16 = _utf16_to_index(text, start), _utf16_to_index(text, end)
    if s16 < e16 and text[s16:e16] == expected:
        return s16, e16
    hits = [m.start() for m in re.finditer(re.escape(expected), text)] if expected else []
    if not hits:
        return None
    best = min(hits, key=lambda h: abs(h - start))
    return best, best + len(expected)


def _pick_annotation(task: dict[str, Any]) -> list[dict[str, Any]] | None:
    """The reviewed result of a task: a ground-truth annotation, else the latest not cancelled."""
    anns = [a for a in task.get("annotations") or task.get("completions") or [] if not a.get("was_cancelled")]
    if not anns:
        return None
    truth = [a for a in anns if a.get("ground_truth")]
    pool = truth or anns
    best = max(pool, key=lambda a: (str(a.get("updated_at") or a.get("created_at") or ""), a.get("id") or 0))
    return list(best.get("result") or [])


def _regions(task: dict[str, Any]) -> list[dict[str, Any]] | None:
    """Labelled regions as [{start, end, text, labels}] from a full JSON or a JSON-MIN task."""
    if "annotations" in task or "completions" in task:
        result = _pick_annotation(task)
        if result is None:
            return None
        return [r["value"] for r in result if r.get("type") == "labels" and isinstance(r.get("value"), dict)]
    for value in task.values():  # JSON-MIN: {"text": ..., "label": [{start, end, text, labels}], ...}
        if isinstance(value, list) and value and all(isinstance(v, dict) and "labels" in v for v in value):
            return list(value)
    return [] if "annotator" in task else None


def _iter_tasks(export: Path) -> Iterator[dict[str, Any]]:
    try:
        data = json.loads(export.read_text(encoding="utf-8"))
    except (OSError, UnicodeError, json.JSONDecodeError) as exc:
        raise InputError(f"{export}: not a Label Studio JSON export ({exc})") from None
    if isinstance(data, dict):
        data = [data]
    if not isinstance(data, list):
        raise InputError(f"{export}: a JSON list of tasks was expected")
    for task in data:
        if not isinstance(task, dict):
            raise InputError(f"{export}: a task is not a JSON object")
        yield task


def import_annotations(export: str | Path, out: str | Path) -> dict[str, int]:
    """Write PTC-format articles and labels from a Label Studio export; returns counts."""
    export = Path(export)
    out = Path(out)
    if out.exists() and any(out.iterdir()):
        raise InputError(f"{out} is not empty: give a new directory")
    tmp = out.with_name(f".{out.name}.tmp-{os.getpid()}")
    shutil.rmtree(tmp, ignore_errors=True)
    arts, labs = tmp / "train-articles", tmp / "train-labels-task-flc-tc"
    arts.mkdir(parents=True)
    labs.mkdir()
    stats = {"articles": 0, "spans": 0, "skipped": 0, "unknown_labels": 0, "unplaced": 0}
    all_rows: list[str] = []
    si_rows: list[str] = []
    id_rows: list[str] = []
    seen: set[str] = set()
    try:
        for task in _iter_tasks(export):
            data: dict[str, Any] = task["data"] if isinstance(task.get("data"), dict) else task
            text = data.get(TO_NAME)
            regions = _regions(task)
            if not isinstance(text, str) or regions is None:
                stats["skipped"] += 1
                continue
            original = str(
                data.get("article_id") or task.get("id") or hashlib.sha256(text.encode()).hexdigest()
            )
            pid = ptc_id(original)
            if pid in seen:
                raise InputError(f"{export}: two tasks map to article {pid} ({original})")
            seen.add(pid)
            rows: set[tuple[int, int, str]] = set()
            for value in regions:
                try:
                    start, end = int(value["start"]), int(value["end"])
                except (KeyError, TypeError, ValueError):
                    stats["unplaced"] += 1
                    continue
                place = resolve_offsets(text, start, end, value.get("text"))
                if place is None:
                    stats["unplaced"] += 1
                    continue
                for label in value.get("labels") or []:
                    if is_ptc_technique(label):
                        rows.add((place[0], place[1], label))
                    else:
                        stats["unknown_labels"] += 1
            ordered = sorted(rows)
            lines = [f"{pid}\t{t}\t{s}\t{e}" for s, e, t in ordered]
            (arts / f"article{pid}.txt").write_text(text, encoding="utf-8", newline="")
            (labs / f"article{pid}.task-flc-tc.labels").write_text(
                "".join(x + "\n" for x in lines), encoding="utf-8"
            )
            all_rows.extend(lines)
            si_rows.extend(f"{pid}\t{s}\t{e}" for s, e in _merge([(s, e) for s, e, _ in ordered]))
            id_rows.append(f"{pid}\t{original}")
            stats["articles"] += 1
            stats["spans"] += len(lines)
        (tmp / "train-task-flc-tc.labels").write_text("".join(x + "\n" for x in all_rows), encoding="utf-8")
        (tmp / "train-task-si.labels").write_text("".join(x + "\n" for x in si_rows), encoding="utf-8")
        (tmp / "ids.tsv").write_text("".join(x + "\n" for x in id_rows), encoding="utf-8")
        if out.exists():
            out.rmdir()
        os.replace(tmp, out)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)
    return stats


def _merge(spans: list[tuple[int, int]]) -> list[tuple[int, int]]:
    merged: list[tuple[int, int]] = []
    for s, e in sorted(spans):
        if merged and s <= merged[-1][1]:
            merged[-1] = (merged[-1][0], max(merged[-1][1], e))
        else:
            merged.append((s, e))
    return merged

"""`spinscope eval ptc`, `spinscope predict ptc` and `spinscope train ptc` (SemEval-2020 Task 11 formats)."""

from __future__ import annotations

import json
import sys
import time
from enum import StrEnum
from pathlib import Path
from typing import Annotated

import typer

from spinscope.cli.app import eval_app, fail, one_line_errors, predict_app, progress, train_app


class Task(StrEnum):
    si = "si"
    tc = "tc"
    flc = "flc"


class PredictTask(StrEnum):
    si = "si"
    tc = "tc"
    flc = "flc"
    reports = "reports"


class Split(StrEnum):
    all = "all"
    train = "train"
    val = "val"


def _select_ids(all_ids: list[str], ids_file: Path | None, split: Split) -> list[str]:
    from spinscope.evaluation.ptc import read_ids_file, split_ids

    ids = split_ids(all_ids, split.value)
    if ids_file is not None:
        wanted = set(read_ids_file(ids_file))
        missing = wanted - set(all_ids)
        if missing:
            fail(f"--ids-file names {len(missing)} article(s) not in the articles folder, e.g. {sorted(missing)[0]}")
        ids = [i for i in ids if i in wanted]
    if not ids:
        fail("no articles selected")
    return ids


ArticlesOpt = Annotated[Path, typer.Option("--articles", help="Folder of article<ID>.txt files.")]
IdsOpt = Annotated[Path | None, typer.Option("--ids-file", help="Only these article ids (one a line).")]
SplitOpt = Annotated[Split, typer.Option("--split", help="Only spinscope's fixed train/val split of PTC train.")]


@eval_app.command("ptc")
@one_line_errors
def eval_ptc(
    articles: ArticlesOpt,
    labels: Annotated[Path, typer.Option("--labels", help="Gold labels: a .labels file or a folder of them.")],
    pred: Annotated[Path, typer.Option("--pred", help="Prediction file in the task's SemEval format.")],
    task: Annotated[Task, typer.Option("--task", help="si, tc or flc.")] = Task.si,
    ids_file: IdsOpt = None,
    split: SplitOpt = Split.all,
    as_json: Annotated[bool, typer.Option("--json", help="Print the scores as JSON.")] = False,
    bootstrap: Annotated[int, typer.Option(
        "--bootstrap", min=0, help="Also give a 95% interval of F1 from N resamples of the articles (0: off).")] = 0,
    calibration: Annotated[bool, typer.Option(
        "--calibration", help="--pred is full reports (JSONL or a folder of JSON, from `predict ptc --task reports`): "
        "print ECE, the reliability table, the share of findings that are right and SI recall.")] = False,
) -> None:
    """Score PTC predictions with the official SI / TC / joint (FLC) measures, or full reports' calibration."""
    if calibration:
        _eval_calibration(articles, labels, pred, ids_file, split, as_json, bootstrap)
        return
    from spinscope.evaluation.ptc import (
        bootstrap_f1,
        check_within,
        format_score,
        read_articles,
        read_labels,
        score_flc,
        score_si,
        score_tc,
    )

    texts = read_articles(articles)
    ids = _select_ids(sorted(texts), ids_file, split)
    idset = set(ids)
    gold = [a for a in read_labels(labels) if a.article_id in idset]
    check_within(gold, texts, f"gold {labels}")
    need_tech = None if task is Task.si else True
    rows = read_labels(pred, with_technique=need_tech)
    check_within(rows, texts, f"prediction {pred}")
    outside = {a.article_id for a in rows} - idset
    if outside and ids_file is None and split is Split.all:
        fail(f"prediction has articles outside the gold folder, e.g. {sorted(outside)[0]}")
    rows = [a for a in rows if a.article_id in idset]
    if task is not Task.si and any(a.technique is None for a in gold):
        fail(f"task {task.value} needs gold labels with techniques (id, technique, start, end)")
    score = (
        score_si(gold, rows, ids) if task is Task.si
        else score_tc(gold, rows, ids) if task is Task.tc
        else score_flc(gold, rows, ids)
    )
    ci = bootstrap_f1(task.value, gold, rows, ids, bootstrap) if bootstrap else None
    if as_json:
        out = {"task": task.value, "articles": len(ids), **score.to_dict()}
        if ci is not None:
            out["f1_ci95"] = {"low": ci[0], "high": ci[1], "resamples": bootstrap, "seed": 0}
        print(json.dumps(out, indent=2))
    else:
        print(f"task={task.value} articles={len(ids)}")
        print(format_score(task.value, score))
        if ci is not None:
            print(f"F1 95% interval over articles (bootstrap, {bootstrap} resamples): {ci[0]:.4f} - {ci[1]:.4f}")


def _eval_calibration(articles: Path, labels: Path, pred: Path, ids_file: Path | None, split: Split, as_json: bool,
                      bootstrap: int) -> None:
    from spinscope.evaluation.ptc import check_within, read_articles, read_labels
    from spinscope.evaluation.ptc_calibration import calibration_report, format_calibration, read_reports

    texts = read_articles(articles)
    ids = _select_ids(sorted(texts), ids_file, split)
    idset = set(ids)
    gold = [a for a in read_labels(labels, with_technique=True) if a.article_id in idset]
    check_within(gold, texts, f"gold {labels}")
    spans = read_reports(pred, texts)
    fig = calibration_report({a: v for a, v in spans.items() if a in idset}, gold, ids, bootstrap=bootstrap)
    print(json.dumps(fig, indent=2) if as_json else format_calibration(fig))


def _write_reports(texts: dict[str, str], ids: list[str], out: Path, model_dir: Path | None, threads: int | None,
                   threshold: float | None) -> None:
    from spinscope.analyzer import Analyzer
    from spinscope.config import Options
    from spinscope.ingest import article_from_text

    extra = {k: str(v) for k, v in (("ptc_model_dir", model_dir), ("ptc_threads", threads),
                                      ("ptc_threshold", threshold)) if v is not None}
    analyzer = Analyzer(Options(extra=extra))
    t0 = time.perf_counter()
    with out.open("w", encoding="utf-8") as fh:
        for aid in progress(ids, label="analysing"):
            report = analyzer.analyze_article(article_from_text(texts[aid], id=aid))
            fh.write(json.dumps(report.to_dict(), ensure_ascii=False) + "\n")
    print(f"wrote {len(ids)} reports to {out} ({time.perf_counter() - t0:.1f} s)", file=sys.stderr)


@predict_app.command("ptc")
@one_line_errors
def predict_ptc(
    articles: ArticlesOpt,
    out: Annotated[Path, typer.Option("--out", help="Output file (SemEval format; JSONL for reports).")],
    task: Annotated[PredictTask, typer.Option("--task", help="si, tc, flc or reports.")] = PredictTask.si,
    template: Annotated[
        Path | None, typer.Option("--template", help="TC: the spans to label (id, technique/?, start, end).")
    ] = None,
    ids_file: IdsOpt = None,
    split: SplitOpt = Split.all,
    threshold: Annotated[float | None, typer.Option("--threshold", help="SI threshold (default: model's).")] = None,
    model_dir: Annotated[Path | None, typer.Option("--model", help="Trained model folder.")] = None,
    threads: Annotated[int | None, typer.Option("--threads", help="onnxruntime intra-op threads.")] = None,
) -> None:
    """Write SI, TC or FLC predictions for a folder of PTC articles with the bundled model; --task reports writes
    each article's full spinscope/1 report (all detectors, as `spinscope analyze` shows it) as JSONL."""
    from spinscope.evaluation.ptc import Annotation, read_articles, read_labels, write_labels
    from spinscope.inference.ptc_model import PTCModel

    texts = read_articles(articles)
    ids = _select_ids(sorted(texts), ids_file, split)
    if task is PredictTask.reports:
        _write_reports(texts, ids, out, model_dir, threads, threshold)
        return
    model = PTCModel(model_dir, threads=threads)
    model.load()
    techs = model.techniques
    rows: list[Annotation] = []
    t0 = time.perf_counter()
    if task is PredictTask.tc:
        if template is None:
            fail("--task tc needs --template (the spans to label)")
        idset = set(ids)
        spans = [a for a in read_labels(template, with_technique=True, allow_unknown=True) if a.article_id in idset]
        by_art: dict[str, list[Annotation]] = {}
        for a in spans:
            if a.article_id not in texts:
                fail(f"template article {a.article_id} not in {articles}")
            by_art.setdefault(a.article_id, []).append(a)
        for aid in progress(sorted(by_art), label="classifying spans"):
            enc = model.encode(texts[aid])
            probs = model.classify(enc, [(a.start, a.end) for a in by_art[aid]])
            for a, p in zip(by_art[aid], probs, strict=True):
                rows.append(Annotation(aid, a.start, a.end, techs[int(p.argmax())]))
    else:
        for aid in progress(ids, label=f"predicting {task.value}"):
            for p in model.predict(texts[aid], threshold=threshold):
                tech = techs[int(p.technique_probs.argmax())] if task is PredictTask.flc else None
                rows.append(Annotation(aid, p.start, p.end, tech))
    n = write_labels(out, rows)
    print(f"wrote {n} {task.value} rows for {len(ids)} articles to {out} "
          f"({time.perf_counter() - t0:.1f} s)", file=sys.stderr)


@train_app.command(
    "ptc", context_settings={"allow_extra_args": True, "ignore_unknown_options": True, "help_option_names": []}
)
@one_line_errors
def train_ptc(ctx: typer.Context) -> None:
    """Train the technique model with grouped cross-validation: the heads (python -m spinscope.train.ptc_heads;
    --help for its options), the linear token tagger beside them (python -m spinscope.train.ptc_tagger), the
    linear technique views and their blend (python -m spinscope.train.ptc_tc, with the SemEval-2021 memes when
    --memes DIR is given), then the calibration (python -m spinscope.train.calibrate). Each step is resumable.
    Needs the 'train' extra (torch)."""
    import argparse

    try:
        from spinscope.train import calibrate, ptc_heads, ptc_tagger, ptc_tc
    except ImportError as exc:
        fail(f"training needs the 'train' extra (torch): {exc}")
    ap = argparse.ArgumentParser(add_help=False)
    for flag in ("--data", "--work", "--out", "--memes"):
        ap.add_argument(flag)
    for flag in ("--train-only", "--cv-only", "--help", "-h"):
        ap.add_argument(flag, action="store_true")
    args = list(ctx.args)
    known, _ = ap.parse_known_args(args)
    heads_args = []  # the heads' trainer does not take --memes
    for i, a in enumerate(args):
        if not (a == "--memes" or a.startswith("--memes=") or (i and args[i - 1] == "--memes")):
            heads_args.append(a)
    ptc_heads.main(heads_args)
    if known.train_only or known.cv_only or known.help or known.h:
        return
    common = ["--data", known.data, "--work", known.work]
    out = ["--out", known.out] if known.out else []
    ptc_tagger.main(common + out)
    ptc_tc.main(common + out + (["--memes", known.memes] if known.memes else []))
    calibrate.main(common)

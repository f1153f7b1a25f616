"""Headline commands: `eval clickbait`, `eval fnc1`, `predict fnc1`, `train clickbait|stance`."""

from __future__ import annotations

import hashlib
import json
import subprocess
import sys
from pathlib import Path
from typing import Any

import typer

from spinscope.cli.app import eval_app, fail, one_line_errors, predict_app, train_app, warn, working

DATA = Path("../shared/data")
SPLIT_HELP = "auto | validation | all (auto: the validation split when given the training files, else all)."


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def _trained_on(model: str, path: Path) -> bool:
    """True when ``path`` is byte-identical to a file the bundled ``model`` was trained on."""
    from spinscope.evaluation import clickbait

    card = json.loads((clickbait.MODEL_DIR.parent / model / "card.json").read_text(encoding="utf-8"))
    return _sha256(path) in set(card["data"]["sha256"].values())


@eval_app.command("clickbait")
@one_line_errors
def eval_clickbait(
    data: Path = typer.Option(DATA / "clickbait", "--data", help="Folder with the two clickbait .gz files."),
    ptc: Path = typer.Option(DATA / "ptc", "--ptc", help="PTC folder: report the share of its titles flagged."),
    split: str = typer.Option("auto", "--split", help=SPLIT_HELP),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """Accuracy, precision, recall and F1 of the bundled clickbait model (threshold 0.5)."""
    from spinscope.evaluation.clickbait import evaluate

    if split not in ("auto", "validation", "all"):
        fail("--split must be auto, validation or all")
    if not data.is_dir():
        fail(f"no such folder: {data}")
    if split == "auto":
        on_train = (data / "clickbait_data.gz").is_file() and _trained_on("clickbait", data / "clickbait_data.gz")
        split = "validation" if on_train else "all"
    with working("scoring the clickbait headlines"):
        result = evaluate(data, ptc_dir=ptc if ptc.is_dir() else None, validation_only=split == "validation")
    if as_json:
        print(json.dumps(result, indent=2))
        return
    print(f"clickbait  {result['split']}  n={result['n']}")
    print(
        f"accuracy {result['accuracy']:.4f}  precision {result['precision']:.4f}  "
        f"recall {result['recall']:.4f}  F1 {result['f1']:.4f}"
    )
    c = result["confusion"]
    print(f"confusion  tp {c['tp']}  fp {c['fp']}  tn {c['tn']}  fn {c['fn']}")
    if "ptc_titles" in result:
        p = result["ptc_titles"]
        print(
            f"PTC train titles flagged as clickbait: {p['flagged_share']:.1%} of {p['n']} "
            f"(mean probability {p['mean_probability']:.3f})"
        )


def _fnc_table(result: dict[str, Any]) -> str:
    from spinscope.evaluation.fnc1 import LABELS

    lines = [
        f"FNC-1  {result['split']}  pairs={result['n']}",
        f"weighted score {result['fnc_score']:.2f} / {result['fnc_max']:.2f} = {result['fnc_percent']:.2f}%",
        f"macro-F1 {result['macro_f1']:.4f}  accuracy {result['accuracy']:.4f}",
        f"{'class':<10} {'P':>7} {'R':>7} {'F1':>7} {'support':>8}",
    ]
    for lab in LABELS:
        c = result["per_class"][lab]
        lines.append(f"{lab:<10} {c['precision']:7.4f} {c['recall']:7.4f} {c['f1']:7.4f} {c['support']:8d}")
    lines.append("confusion (rows gold, cols predicted): " + " ".join(f"{lab[:5]:>7}" for lab in LABELS))
    for lab, row in zip(LABELS, result["confusion"]["rows_gold_cols_pred"], strict=True):
        lines.append(f"  {lab:<10}" + " ".join(f"{v:7d}" for v in row))
    ci = result.get("ci95_body_bootstrap")
    if ci:
        lines.append(
            "95% intervals (bodies resampled): "
            f"weighted score {ci['fnc_percent'][0]:.2f}-{ci['fnc_percent'][1]:.2f}%  "
            f"macro-F1 {ci['macro_f1'][0]:.4f}-{ci['macro_f1'][1]:.4f}  "
            f"disagree F1 {ci['disagree_f1'][0]:.4f}-{ci['disagree_f1'][1]:.4f}"
        )
    return "\n".join(lines)


def _fnc_files(
    folder: Path | None, bodies: Path | None, stances: Path | None, unlabelled: bool = False
) -> tuple[Path, Path]:
    """The bodies and stances CSVs: named one by one, or an FNC-1 folder in the official layout."""
    from spinscope.evaluation.fnc1 import official_files

    if folder is not None:
        if bodies is not None or stances is not None:
            fail("give either --dir or --bodies and --stances, not both")
        if not folder.is_dir():
            fail(f"no such folder: {folder}")
        return official_files(folder, unlabelled=unlabelled)
    if bodies is None or stances is None:
        fail("give --bodies and --stances, or --dir with the official FNC-1 files")
    for f in (bodies, stances):
        if not f.is_file():
            fail(f"no such file: {f}")
    return bodies, stances


@eval_app.command("fnc1")
@one_line_errors
def eval_fnc1(
    bodies: Path | None = typer.Option(None, "--bodies", help="FNC-1 bodies CSV (Body ID, articleBody)."),
    stances: Path | None = typer.Option(None, "--stances", help="FNC-1 stances CSV with gold Stance column."),
    folder: Path | None = typer.Option(
        None,
        "--dir",
        help="Folder with the official files: competition_test_bodies.csv + competition_test_stances.csv "
        "(or train_bodies.csv + train_stances.csv).",
    ),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
) -> None:
    """FNC-1 weighted score (% of max), per-class F1, macro-F1, confusion matrix and 95% bootstrap intervals."""
    from spinscope.evaluation.fnc1 import evaluate

    bodies, stances = _fnc_files(folder, bodies, stances)
    if _trained_on("stance", stances):
        warn(
            "the bundled stance model learnt every FNC-1 training pair: these figures are inflated "
            "(its topic-disjoint validation figures are in models/stance/card.json)"
        )
    with working("scoring the FNC-1 pairs"):
        result = evaluate(bodies, stances)
    print(json.dumps(result, indent=2) if as_json else _fnc_table(result))


@predict_app.command("fnc1")
@one_line_errors
def predict_fnc1(
    bodies: Path | None = typer.Option(None, "--bodies", help="FNC-1 bodies CSV (Body ID, articleBody)."),
    stances: Path | None = typer.Option(None, "--stances", help="FNC-1 stances CSV (Headline, Body ID[, Stance])."),
    folder: Path | None = typer.Option(
        None,
        "--dir",
        help="Folder with the official files (competition_test_bodies.csv + competition_test_stances.csv or "
        "competition_test_stances_unlabeled.csv).",
    ),
    out: Path = typer.Option(..., "--out", help="Submission CSV to write (Headline, Body ID, Stance)."),
) -> None:
    """Write an FNC-1 submission CSV with the predicted stance of every pair."""
    from spinscope.evaluation.fnc1 import predict_pairs, read_bodies, read_stances, write_submission

    bodies, stances = _fnc_files(folder, bodies, stances, unlabelled=True)
    pairs = read_stances(stances, labelled=False)
    labels = predict_pairs(pairs, read_bodies(bodies))
    write_submission(pairs, labels, out)
    print(f"wrote {len(labels)} predictions to {out}")


@train_app.command("clickbait")
@one_line_errors
def train_clickbait(
    data: Path = typer.Option(DATA, "--data", help="The shared data folder (clickbait/ and ptc/ inside)."),
    out: Path | None = typer.Option(None, "--out", help="Output folder (default: the bundled model folder)."),
    seed: int = typer.Option(13, "--seed"),
) -> None:
    """Train the clickbait model (logistic regression; needs scikit-learn)."""
    _train("clickbait", data, out, seed)


@train_app.command("stance")
@one_line_errors
def train_stance(
    data: Path = typer.Option(DATA, "--data", help="The shared data folder (fnc1/ inside)."),
    out: Path | None = typer.Option(None, "--out", help="Output folder (default: the bundled model folder)."),
    seed: int = typer.Option(13, "--seed"),
) -> None:
    """Train the FNC-1 stance model (MLP; needs torch)."""
    _train("stance", data, out, seed)


def _train(task: str, data: Path, out: Path | None, seed: int) -> None:
    needed = data / ("clickbait" if task == "clickbait" else "fnc1")
    if not needed.is_dir():
        fail(f"{data} has no {needed.name}/ folder")
    cmd = [sys.executable, "-m", "spinscope.train.headline", task, "--data", str(data), "--seed", str(seed)]
    if out is not None:
        cmd += ["--out", str(out)]
    code = subprocess.call(cmd)
    if code:
        fail(f"training failed (exit {code})", code)

"""`spinscope eval claims` and `spinscope train claims`: the check-worthy claim scorer."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import typer

from spinscope.cli.app import eval_app, fail, one_line_errors, train_app, warn


@eval_app.command("claims")
@one_line_errors
def eval_claims(
    debates: Path = typer.Option(..., "--debates", help="Folder of CheckThat! 2019 debate .tsv files (or one file)."),
    as_json: bool = typer.Option(False, "--json", help="Print the figures as JSON."),
    include_training: bool = typer.Option(
        False, "--include-training", help="Also score debates the bundled model was trained on (inflated)."
    ),
    model: Path | None = typer.Option(None, "--model", help="A claims .npz other than the bundled one."),
) -> None:
    """Rank each debate's sentences by check-worthiness; print MAP, R-precision and P@k (CheckThat! format)."""
    from spinscope.evaluation.claims import evaluate_debates, format_table, to_json, training_debates

    if debates.is_file():
        files = [debates]
    elif debates.is_dir():
        files = sorted(debates.glob("*.tsv"))
    else:
        fail(f"no such file or folder: {debates}")
    if not files:
        fail(f"no .tsv debates in {debates}")
    if model is None and not include_training:
        trained = training_debates()
        skipped = [f.stem for f in files if f.stem in trained]
        files = [f for f in files if f.stem not in trained]
        if skipped:
            warn(f"skipped {len(skipped)} debates the model was trained on (use --include-training to score them)")
        if not files:
            fail("every debate given was used in training; nothing held out to score")
    result = evaluate_debates(files, model)
    print(to_json(result) if as_json else format_table(result))


@train_app.command("claims")
@one_line_errors
def train_claims(
    data: Path = typer.Option(Path("../shared/data"), "--data", help="The shared data folder."),
    out: Path = typer.Option(Path("src/spinscope/resources/models"), "--out", help="Where to write claims.npz."),
    quick: bool = typer.Option(False, "--quick", help="Skip the hyper-parameter search."),
) -> None:
    """Train the check-worthy claim ranker on CheckThat! 2019 training debates and ClaimBuster (scikit-learn)."""
    if not (data / "checkthat2019" / "training").is_dir() or not (data / "claimbuster").is_dir():
        fail(f"{data} lacks checkthat2019/training or claimbuster")
    cmd = [sys.executable, "-m", "spinscope.train.claims", "--data", str(data), "--out", str(out)]
    if quick:
        cmd.append("--quick")
    code = subprocess.call(cmd)
    if code:
        fail(f"training failed (exit {code})", code)
    card = out / "claims.card.json"
    if card.is_file():
        figures = json.loads(card.read_text(encoding="utf-8"))
        print(
            json.dumps(
                {
                    "untouched_MAP": figures["untouched"]["MAP"],
                    "leave_one_debate_out_MAP": figures["leave_one_debate_out_all"]["MAP"],
                    "AP_sd": figures["leave_one_debate_out_all"]["AP_sd"],
                }
            )
        )

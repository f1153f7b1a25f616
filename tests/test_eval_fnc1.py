"""FNC-1: scorer arithmetic, readers, and the eval/predict commands on a real sample of FNC-1 train."""

from __future__ import annotations

import csv
from pathlib import Path

import pytest

from spinscope.errors import EvaluationError
from spinscope.evaluation.fnc1 import read_bodies, read_stances, score, split_sentences
from tests.conftest import run_cli


def test_score_matches_the_official_weighting() -> None:
    gold = ["agree", "disagree", "discuss", "unrelated", "unrelated"]
    pred = ["agree", "discuss", "unrelated", "unrelated", "agree"]
    r = score(gold, pred)
    # agree right 1.0; disagree->discuss 0.25; discuss->unrelated 0; unrelated right 0.25; wrong 0
    assert r["fnc_score"] == 1.5
    assert r["fnc_max"] == 3.5
    assert r["fnc_percent"] == round(100 * 1.5 / 3.5, 2)
    assert r["confusion"]["rows_gold_cols_pred"][1] == [0, 0, 1, 0]
    assert r["per_class"]["agree"]["precision"] == 0.5
    assert r["per_class"]["unrelated"]["f1"] == 0.5  # P = R = 1/2


def test_score_rejects_bad_input() -> None:
    with pytest.raises(EvaluationError):
        score(["agree"], [])
    with pytest.raises(EvaluationError):
        score(["agree"], ["maybe"])


def test_readers(tmp_path: Path) -> None:
    bodies = tmp_path / "b.csv"
    bodies.write_text('Body ID,articleBody\n7,"One. Two!"\n', encoding="utf-8")
    assert read_bodies(bodies) == {7: "One. Two!"}
    stances = tmp_path / "s.csv"
    stances.write_text("Headline,Body ID,Stance\nA headline,7,agree\n", encoding="utf-8")
    assert read_stances(stances) == [("A headline", 7, "agree")]
    stances.write_text("Headline,Body ID,Stance\nA headline,7,sure\n", encoding="utf-8")
    with pytest.raises(EvaluationError):
        read_stances(stances)
    bodies.write_text("id,text\n1,x\n", encoding="utf-8")
    with pytest.raises(EvaluationError):
        read_bodies(bodies)


def test_sentence_split_offsets() -> None:
    text = 'He said "no." Then he left!\nNew paragraph without a stop'
    parts = [text[s:e] for s, e in split_sentences(text)]
    assert parts == ['He said "no."', "Then he left!", "New paragraph without a stop"]


def _sample(data_dir: Path, tmp_path: Path, n_bodies: int = 4) -> tuple[Path, Path, list[list[str]]]:
    fdir = data_dir / "fnc1"
    if not (fdir / "train_stances.csv").is_file():
        pytest.skip(f"needs {fdir}")
    bodies = read_bodies(fdir / "train_bodies.csv")
    keep = sorted(bodies)[:n_bodies]
    with (fdir / "train_stances.csv").open(encoding="utf-8", newline="") as f:
        rows = [r for r in csv.DictReader(f) if int(r["Body ID"]) in keep]
    b_path, s_path = tmp_path / "bodies.csv", tmp_path / "stances.csv"
    with b_path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Body ID", "articleBody"])
        w.writerows([[b, bodies[b]] for b in keep])
    with s_path.open("w", encoding="utf-8", newline="") as f:
        w = csv.writer(f)
        w.writerow(["Headline", "Body ID", "Stance"])
        w.writerows([[r["Headline"], r["Body ID"], r["Stance"]] for r in rows])
    return b_path, s_path, [[r["Headline"], r["Body ID"], r["Stance"]] for r in rows]


def test_eval_and_predict_cli_on_training_bodies(data_dir: Path, tmp_path: Path) -> None:
    b_path, s_path, rows = _sample(data_dir, tmp_path)
    res = run_cli("eval", "fnc1", "--bodies", str(b_path), "--stances", str(s_path), "--json")
    assert res.code == 0, res.stderr
    import json

    result = json.loads(res.stdout)
    assert result["n"] == len(rows)
    assert result["fnc_percent"] >= 60.0  # pairs of training bodies: the model has seen them
    out = tmp_path / "pred.csv"
    res = run_cli("predict", "fnc1", "--bodies", str(b_path), "--stances", str(s_path), "--out", str(out))
    assert res.code == 0, res.stderr
    with out.open(encoding="utf-8", newline="") as f:
        pred = list(csv.DictReader(f))
    assert [p["Headline"] for p in pred] == [r[0] for r in rows]
    assert score([r[2] for r in rows], [p["Stance"] for p in pred])["fnc_percent"] == result["fnc_percent"]


def test_eval_cli_bad_file_is_one_line(tmp_path: Path) -> None:
    bad = tmp_path / "bad.csv"
    bad.write_text("nothing,here\n1,2\n", encoding="utf-8")
    res = run_cli("eval", "fnc1", "--bodies", str(bad), "--stances", str(bad))
    assert res.code != 0
    assert res.stderr.strip().count("\n") == 0 and "spinscope: error:" in res.stderr


OFFICIAL = Path(__file__).resolve().parent / "data" / "fnc1_official"


def test_eval_cli_reads_the_official_competition_layout() -> None:
    """A folder with competition_test_bodies.csv + competition_test_stances.csv (a small hand-made set)."""
    import json

    res = run_cli("eval", "fnc1", "--dir", str(OFFICIAL), "--json")
    assert res.code == 0, res.stderr
    result = json.loads(res.stdout)
    assert result["n"] == 8 and result["split"] == "all pairs"
    lo, hi = result["ci95_body_bootstrap"]["fnc_percent"]
    assert lo <= result["fnc_percent"] <= hi
    assert set(result["per_class"]) == {"agree", "disagree", "discuss", "unrelated"}
    table = run_cli("eval", "fnc1", "--dir", str(OFFICIAL))
    assert "95% intervals (bodies resampled)" in table.stdout and "disagree F1" in table.stdout


def test_eval_cli_folder_without_official_files_is_one_line(tmp_path: Path) -> None:
    res = run_cli("eval", "fnc1", "--dir", str(tmp_path))
    assert res.code != 0
    assert res.stderr.strip().count("\n") == 0 and "competition_test_bodies.csv" in res.stderr


def test_bootstrap_resamples_bodies() -> None:
    from spinscope.evaluation.fnc1 import bootstrap

    gold = ["agree", "unrelated", "disagree", "unrelated"] * 5
    pred = ["agree", "unrelated", "discuss", "agree"] * 5
    ci = bootstrap(gold, pred, [i // 4 for i in range(20)])
    assert ci["fnc_percent"][0] <= score(gold, pred)["fnc_percent"] <= ci["fnc_percent"][1]
    assert ci["disagree_f1"] == (0.0, 0.0)


def test_predict_cli_reads_the_official_layout(tmp_path: Path) -> None:
    out = tmp_path / "submission.csv"
    res = run_cli("predict", "fnc1", "--dir", str(OFFICIAL), "--out", str(out))
    assert res.code == 0, res.stderr
    with out.open(encoding="utf-8", newline="") as f:
        rows = list(csv.DictReader(f))
    assert len(rows) == 8 and {r["Stance"] for r in rows} <= {"agree", "disagree", "discuss", "unrelated"}
    # the four unrelated pairs pair a headline with another story's body
    gold = read_stances(OFFICIAL / "competition_test_stances.csv")
    assert [r["Stance"] for r, g in zip(rows, gold, strict=True) if g[2] == "unrelated"] == ["unrelated"] * 4


def test_text_classifier_round_trip(tmp_path: Path) -> None:
    """The stacked text classifier saved as hashed float16 weights gives scikit-learn's probabilities."""
    linear_model = pytest.importorskip("sklearn.linear_model")
    import numpy as np
    import scipy.sparse as sp

    from spinscope.evaluation.fnc1 import TEXT_BITS, TEXT_HEADLINE_SCALE, TextStance, claim_window, text_blocks
    from spinscope.inference.hashed_tfidf import fit_idf, save_sparse_linear, tfidf

    cover = np.array([0.1, 0.9, 0.0, 0.0, 0.8])
    sentences = ["a", "b", "c", "d", "e"]
    assert claim_window(sentences, cover) == "a b c d e"  # best three (b, e, a) and their neighbours
    assert claim_window(sentences[:1], cover[:1]) == "a"
    texts = [
        ("The video is a hoax, officials said", "Shark swims in street", 1),
        ("Officials confirmed the report on Monday", "Bridge to close", 0),
        ("It is unclear whether the claim is true, reports say", "Singer dies", 2),
    ] * 4
    blocks = [text_blocks(h, w) for w, h, _ in texts]
    y = np.array([c for _, _, c in texts])
    idf = fit_idf(blocks)
    rows = [tfidf(b, idf, (1.0, TEXT_HEADLINE_SCALE)) for b in blocks]
    x = sp.csr_matrix(
        (
            [v for r in rows for v in r.values()],
            ([i for i, r in enumerate(rows) for _ in r], [k for r in rows for k in r]),
        ),
        shape=(len(rows), 1 << TEXT_BITS),
    )
    model = linear_model.LogisticRegression(max_iter=1000).fit(x, y)
    save_sparse_linear(
        tmp_path / "text.npz", idf, model.coef_.T.astype(np.float32), bias=model.intercept_.astype(np.float32)
    )
    text = TextStance(tmp_path / "text.npz")
    for i in range(3):
        assert np.abs(text.proba(blocks[i]) - model.predict_proba(x[i])[0]).max() < 2e-3  # float16 weights


def test_embedding_classifier_reads_the_focus_sentences(tmp_path: Path) -> None:
    """The stacked embedding classifier of the bundled model: its input is the focus sentence closest to the
    headline and the focus mean; a hoax body gets more 'disagree' than a confirming one; a bad file fails clearly."""
    import numpy as np

    from spinscope.errors import ModelError
    from spinscope.evaluation.fnc1 import (
        EMBED_DIM,
        N_FEATURES,
        EmbeddingStance,
        StanceModel,
        body_info,
        content_stems,
        embedding_input,
    )
    from spinscope.inference.sentence_encoder import SentenceEncoder

    model = StanceModel()
    assert model.embed is not None and model.text is not None
    enc = SentenceEncoder(threads=1)
    headline = "Shark swims down flooded highway after hurricane"
    bodies = {
        "hoax": [
            "A photo said to show a shark swimming down a flooded highway is a hoax.",
            "The image was doctored: the shark was pasted in from an old magazine photo, fact-checkers found.",
        ],
        "confirm": [
            "A shark swam down a flooded highway after the hurricane, video from a police car shows.",
            "Officials confirmed the footage was filmed on Sunday near the coast.",
        ],
    }
    h_emb = enc.encode([headline])[0]
    disagree = {}
    for name, sentences in bodies.items():
        emb = enc.encode(sentences)
        info = body_info(sentences, emb, [0, 1], [content_stems(s) for s in sentences])
        sims = emb @ h_emb
        vec = embedding_input(info, sims)
        assert vec.shape == (2 * EMBED_DIM,)
        assert np.allclose(vec[:EMBED_DIM], emb[int(np.argmax(sims))])
        assert np.allclose(vec[EMBED_DIM:], emb.mean(axis=0), atol=1e-6)
        p = model.embed.proba(vec)
        assert p.shape == (3,) and abs(float(p.sum()) - 1) < 1e-5
        disagree[name] = float(p[1])
        row = model.features(headline, h_emb, info)[0]
        assert row.shape == (N_FEATURES,) and np.allclose(row[-3:], p)
    assert disagree["hoax"] > disagree["confirm"]
    bad = tmp_path / "embed.npz"
    np.savez(bad, coef=np.zeros((10, 3), dtype=np.float32), bias=np.zeros(3, dtype=np.float32))
    with pytest.raises(ModelError, match="768"):
        EmbeddingStance(bad)


def test_stance_features_do_not_depend_on_the_hash_seed() -> None:
    """Sums over sets of words are exact (math.fsum), so the focus sentences, the feature row and the
    coverage are bit-identical in processes with different PYTHONHASHSEED (set iteration order)."""
    import os
    import subprocess
    import sys

    code = (
        "import numpy as np\n"
        "from spinscope.evaluation.fnc1 import StanceModel, body_info, content_stems, stance_features\n"
        "m = StanceModel()\n"
        "h = 'Police deny reports that escaped tiger was shot dead near zoo in Tbilisi'\n"
        "s = ['A tiger that escaped from the Tbilisi zoo during floods was shot dead, officials said.',\n"
        "     'Police denied the reports on Monday.', 'The zoo said 20 animals escaped.',\n"
        "     'Officials confirmed the tiger was shot near the zoo in Tbilisi after it attacked a man.']\n"
        "st = [content_stems(x) for x in s]\n"
        "sel = m.select(h, st)\n"
        "rng = np.random.default_rng(0)\n"
        "e = rng.standard_normal((len(sel), 384)).astype(np.float32)\n"
        "row, _, cover = stance_features(h, rng.standard_normal(384).astype(np.float32), "
        "body_info(s, e, sel, st), m.idf, m.default_idf)\n"
        "print(sel, row.tobytes().hex(), cover.tobytes().hex())\n"
    )
    outputs = set()
    for seed in ("1", "2", "3", "4"):
        env = {**os.environ, "PYTHONHASHSEED": seed}
        res = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, env=env, check=True)
        outputs.add(res.stdout)
    assert len(outputs) == 1

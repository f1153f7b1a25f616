"""The bundled outlet table is reproducible from ../shared/data (skips without the data folder)."""

from __future__ import annotations

import json
import os
import sqlite3
import subprocess
import sys
from pathlib import Path

import pytest

from spinscope.outlets import OutletTable, default_names_path, default_table_path

REPO = Path(__file__).resolve().parents[1]
DATA = Path(os.environ.get("SPINSCOPE_DATA", Path(__file__).resolve().parents[2] / "shared" / "data"))


def rows(path: Path) -> tuple[list[tuple[object, ...]], list[tuple[object, ...]], dict[str, str]]:
    con = sqlite3.connect(path)
    try:
        outlets = sorted(con.execute("SELECT * FROM outlets").fetchall())
        ratings = sorted(con.execute("SELECT * FROM ratings").fetchall(), key=repr)
        meta = dict(con.execute("SELECT key, value FROM meta").fetchall())
    finally:
        con.close()
    return outlets, ratings, meta


@pytest.mark.data
def test_rebuild_matches_committed_table(tmp_path: Path) -> None:
    if not (DATA / "media_reliability" / "SOURCE.txt").is_file():
        pytest.skip(f"needs {DATA}/media_reliability; set SPINSCOPE_DATA to run this test")
    db, names = tmp_path / "outlets.sqlite", tmp_path / "outlet_names.json"
    proc = subprocess.run(
        [
            sys.executable,
            str(REPO / "scripts" / "build_outlets.py"),
            "--data",
            str(DATA),
            "--out",
            str(db),
            "--names-out",
            str(names),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        cwd=REPO,
    )
    assert proc.returncode == 0, proc.stderr
    new_outlets, new_ratings, new_meta = rows(db)
    old_outlets, old_ratings, old_meta = rows(default_table_path())
    assert new_outlets == old_outlets
    assert new_ratings == old_ratings
    for key, value in new_meta.items():
        if key.startswith("input_sha256:") or key in ("counts", "build_command"):
            assert old_meta[key] == value, key
    assert json.loads(names.read_text()) == json.loads(default_names_path().read_text())
    counts = json.loads(new_meta["counts"])
    # figures from ../shared/data/media_reliability/SOURCE.txt
    assert counts["rated_by:mbfc-baly2018"] == 1066 and counts["rated_by:mbfc-baly2020"] == 859
    assert (
        counts["rated_by:wikipedia-rsp-burdisso2024"] == 605 and counts["rated_by:unreliable-list-burdisso2024"] == 556
    )
    assert 4400 <= counts["rated_by:mbfc-burdisso2024"] <= 4436
    assert OutletTable(path=db).profile("cnn.com")["rated"] is True

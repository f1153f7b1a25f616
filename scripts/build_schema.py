"""Inline the section fragments (quotes, sources, claims, headline, outlet) into the spinscope/1 schema.

Each detector's owner keeps a fragment in src/spinscope/resources/schema/<section>.schema.json; this script
puts them under ``$defs`` of spinscope-1.schema.json and points the report's properties at them.
tests/test_schema.py checks that the committed schema is up to date.

    python scripts/build_schema.py          # rewrite the schema
    python scripts/build_schema.py --check  # exit 1 when it is out of date
"""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import Any

SCHEMA_DIR = Path(__file__).resolve().parents[1] / "src" / "spinscope" / "resources" / "schema"
MAIN = SCHEMA_DIR / "spinscope-1.schema.json"
SECTIONS = ("quotes", "sources", "claims", "headline", "outlet")


def _rewrite_refs(node: Any, section: str) -> Any:
    if isinstance(node, dict):
        out = {}
        for k, v in node.items():
            if k == "$ref" and isinstance(v, str) and v.startswith("#/$defs/"):
                out[k] = f"#/$defs/{section}__{v.removeprefix('#/$defs/')}"
            else:
                out[k] = _rewrite_refs(v, section)
        return out
    if isinstance(node, list):
        return [_rewrite_refs(v, section) for v in node]
    return node


def build() -> str:
    main = json.loads(MAIN.read_text(encoding="utf-8"))
    defs: dict[str, Any] = {}
    for section in SECTIONS:
        frag = json.loads((SCHEMA_DIR / f"{section}.schema.json").read_text(encoding="utf-8"))
        frag = _rewrite_refs(frag, section)
        for name, sub in frag.pop("$defs", {}).items():
            defs[f"{section}__{name}"] = sub
        for key in ("$schema", "$id"):
            frag.pop(key, None)
        defs[section] = frag
        main["properties"][section] = {"$ref": f"#/$defs/{section}"}
    main["$defs"] = defs
    return json.dumps(main, indent=2, ensure_ascii=False) + "\n"


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--check", action="store_true")
    args = ap.parse_args()
    new = build()
    if args.check:
        if MAIN.read_text(encoding="utf-8") != new:
            print("spinscope-1.schema.json is out of date: run python scripts/build_schema.py", file=sys.stderr)
            sys.exit(1)
        return
    MAIN.write_text(new, encoding="utf-8")
    print(f"wrote {MAIN}")


if __name__ == "__main__":
    main()

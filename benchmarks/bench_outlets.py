"""Outlet table speed: first load, profile() per lookup, find_names() per article-sized text.

Run: python benchmarks/bench_outlets.py
"""

from __future__ import annotations

import json
import time

from spinscope.outlets import OutletTable

HOSTS = [
    "https://edition.cnn.com/2024/x",
    "www.theonion.com",
    "unknown-site.example",
    "rt.com.evil.net",
    "https://www.newyorker.com/humor/borowitz-report/x",
    "m.bbc.co.uk",
    "deviantart.com",
    "breitbart.com",
]
TEXT = (
    "WASHINGTON (AP) — The claim, first reported by the Associated Press and repeated by the BBC, was denied "
    "to Reuters. Fox News and CNN's anchors disagreed; The New York Times and Breitbart covered it. "
) * 25


def main() -> None:
    t0 = time.perf_counter()
    table = OutletTable()
    table.profile("cnn.com")
    load_table = time.perf_counter() - t0
    t0 = time.perf_counter()
    table.find_names("Reuters")
    load_names = time.perf_counter() - t0
    n = 20000
    t0 = time.perf_counter()
    for i in range(n):
        table.profile(HOSTS[i % len(HOSTS)])
    per_profile = (time.perf_counter() - t0) / n
    t0 = time.perf_counter()
    for _ in range(200):
        hits = table.find_names(TEXT)
    per_text = (time.perf_counter() - t0) / 200
    t0 = time.perf_counter()
    for _ in range(20000):
        table.profile_for_name("the BBC")
    per_name = (time.perf_counter() - t0) / 20000
    print(
        json.dumps(
            {
                "first_profile_incl_table_load_ms": round(load_table * 1000, 1),
                "name_list_load_ms": round(load_names * 1000, 1),
                "profile_us": round(per_profile * 1e6, 1),
                "profile_for_name_us": round(per_name * 1e6, 1),
                "find_names_ms_per_text": round(per_text * 1000, 3),
                "text_chars": len(TEXT),
                "names_found": len(hits),
            },
            indent=1,
        )
    )


if __name__ == "__main__":
    main()

"""Batch analysis of corpora: exactly-once results keyed by record id, resumable, local or on Dask.

    from spinscope.batch import run_batch
    summary = run_batch(["corpus.jsonl"], "results.parquet", workers=2)
    summary = run_batch(["corpus.jsonl"], "results.parquet", client=dask_client)

See docs/BATCH.md.
"""

from __future__ import annotations

from spinscope.batch.runner import BatchSummary, Progress, run_batch
from spinscope.batch.sinks import iter_results, iter_rows, sink_kind, write_results

__all__ = ["BatchSummary", "Progress", "run_batch", "iter_results", "iter_rows", "sink_kind", "write_results"]

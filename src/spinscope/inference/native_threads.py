"""Native thread pools (BLAS, OpenMP) sized to the analysis's thread budget.

numpy's OpenBLAS and the libgomp that the models bring in each start one thread per core by default. In a
process that is one of several workers (batch, Dask, web), every worker's pools then compete for the same
cores: measured on 2 cores, 2 batch workers ran 7.5 articles/s with the default pools and 10.1/s with
them capped at one thread (docs/performance/batch.md). onnxruntime sessions take the budget from
``ptc_threads`` directly; this caps the other pools the same way. It is process-wide, so only front ends
that own their worker processes call it, after the models have loaded (a pool loaded later is not capped).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from spinscope.config import Options


def cap_native_threads(options: Options) -> int | None:
    """Cap the loaded BLAS/OpenMP pools at ``options.model_threads``; return the cap (None: no budget)."""
    threads = options.model_threads
    if threads is None:
        return None
    from threadpoolctl import threadpool_limits

    threadpool_limits(limits=threads)
    return threads

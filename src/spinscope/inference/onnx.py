"""One way to open an onnxruntime session on the CPU, shared by the bundled models."""

from __future__ import annotations

from pathlib import Path
from typing import Any


def cpu_session(path: Path | bytes, threads: int | None = None) -> Any:
    """An onnxruntime CPU session for ``path`` (or a serialised graph); ``threads`` sets intra-op threads (None:
    onnxruntime's default)."""
    import onnxruntime as ort

    opts = ort.SessionOptions()
    if threads:
        opts.intra_op_num_threads = threads
    opts.inter_op_num_threads = 1
    model = path if isinstance(path, bytes) else str(path)
    return ort.InferenceSession(model, sess_options=opts, providers=["CPUExecutionProvider"])

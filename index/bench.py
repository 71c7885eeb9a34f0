"""Benchmark of the index stage on this machine (a script, not a test).

    python -m unqa.index.bench                      # everything: bundled corpus + 100k + 1M synthetic
    python -m unqa.index.bench --sizes 100000       # fewer synthetic sizes

1. Bundled corpus: build time and records/s; search latency p50/p95 for single questions
   (query embedding included), per question script, over the question set.
2. Synthetic vectors made by perturbing the real paragraph and sentence vectors (so they
   keep the real geometry): exact (flat) and approximate (HNSW) FAISS indexes, with build
   time, memory, search p50/p95 for one query at a time, and recall@10 against exact.
"""
from __future__ import annotations

import argparse
import json
import os
import platform
import tempfile
import time
from pathlib import Path

import faiss
import numpy as np
import yaml

from .build import build_index
from .dense import HNSW_EF_SEARCH, HNSW_THRESHOLD, build_dense
from .search import load_index, script_of

ROOT = Path(__file__).resolve().parent.parent


def rss_mb(pid: int | str = "self") -> float:
    """Resident memory of a process (this one by default), in MB."""
    with open(f"/proc/{pid}/status") as fh:
        for line in fh:
            if line.startswith("VmRSS:"):
                return int(line.split()[1]) / 1024
    return float("nan")


def pct(values: list[float], q: float) -> float:
    return float(np.percentile(np.asarray(values), q))


def machine() -> str:
    cpu = next((ln.split(":", 1)[1].strip() for ln in open("/proc/cpuinfo") if ln.startswith("model name")), "?")
    return f"{os.cpu_count()} cores ({cpu}), Python {platform.python_version()}, faiss {faiss.__version__}"


def bench_corpus(corpus: Path, questions_file: Path, rounds: int) -> dict:
    questions = [q["question"] for q in yaml.safe_load(questions_file.read_text(encoding="utf-8"))["questions"]]
    with tempfile.TemporaryDirectory() as tmp:
        start = time.perf_counter()
        manifest = build_index(corpus, tmp)
        build_s = time.perf_counter() - start
        t0 = time.perf_counter()
        ix = load_index(tmp, corpus_dir=corpus)
        load_s = time.perf_counter() - t0
        for q in questions[:5]:
            ix.search(q)  # warm-up
        timings: dict[str, list[float]] = {"all": [], "cjk": [], "latin": []}
        embed_ms: list[float] = []
        for _ in range(rounds):
            for q in questions:
                t = time.perf_counter()
                ix.search(q, top_k=5)
                ms = (time.perf_counter() - t) * 1000
                timings["all"].append(ms)
                timings.setdefault(script_of(q), []).append(ms)
                t = time.perf_counter()
                ix.embedder.embed_queries([q])  # the model, not the cache of repeated questions
                embed_ms.append((time.perf_counter() - t) * 1000)
    return {
        "records": manifest.record_count, "units": manifest.unit_count, "sentences": manifest.sentence_count,
        "build_s": build_s, "records_per_s": manifest.record_count / build_s,
        "texts_embedded_per_s": (manifest.unit_count + manifest.sentence_count) / build_s,
        "load_s": load_s, "questions": len(questions), "rounds": rounds,
        "search_ms": {k: {"p50": pct(v, 50), "p95": pct(v, 95), "n": len(v)} for k, v in timings.items() if v},
        "embed_ms": {"p50": pct(embed_ms, 50), "p95": pct(embed_ms, 95)},
    }


def synthetic(real: np.ndarray, n: int, rng: np.random.Generator) -> np.ndarray:
    """n vectors around the real ones: topics (real + wide noise), then points (topic + noise)."""
    dim = real.shape[1]
    topics = real[rng.integers(0, len(real), max(1, n // 100))]
    topics = topics + rng.normal(0, 0.8 / np.sqrt(dim), topics.shape).astype(np.float32)
    out = np.empty((n, dim), dtype=np.float32)
    for start in range(0, n, 100_000):
        m = min(100_000, n - start)
        pts = topics[rng.integers(0, len(topics), m)] + rng.normal(0, 0.5 / np.sqrt(dim), (m, dim)).astype(np.float32)
        out[start:start + m] = pts / np.linalg.norm(pts, axis=1, keepdims=True)
    return out


def bench_faiss(real: np.ndarray, sizes: list[int], n_queries: int) -> list[dict]:
    rng = np.random.default_rng(7)
    rows = []
    for n in sizes:
        data = synthetic(real, n + n_queries, rng)
        base, queries = data[:n], data[n:]
        exact_ids = None
        for kind in ("flat", "hnsw"):
            before = rss_mb()
            t = time.perf_counter()
            index = build_dense(base, kind)
            build_s = time.perf_counter() - t
            mem = rss_mb() - before
            lat = []
            ids = np.empty((n_queries, 10), dtype=np.int64)
            for i, q in enumerate(queries):
                t = time.perf_counter()
                _, found = index.search(q[None, :], 10)
                lat.append((time.perf_counter() - t) * 1000)
                ids[i] = found[0]
            if kind == "flat":
                exact_ids = ids
            recall = float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(ids, exact_ids)]))
            rows.append({"n": n, "index": kind, "build_s": build_s, "memory_mb": mem,
                         "bytes_per_vector": faiss.serialize_index(index).nbytes / n if n <= 200_000 else None,
                         "p50_ms": pct(lat, 50), "p95_ms": pct(lat, 95), "recall@10": recall})
            print(f"  n={n:>9,} {kind:5} build {build_s:7.1f}s  memory +{mem:7.0f} MB  "
                  f"search p50 {pct(lat, 50):6.2f} ms p95 {pct(lat, 95):6.2f} ms  recall@10 {recall:.4f}", flush=True)
            del index
        del data, base
    return rows


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--corpus", type=Path, default=ROOT / "corpus")
    p.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.yaml")
    p.add_argument("--sizes", type=int, nargs="*", default=[10_000, 100_000, 1_000_000])
    p.add_argument("--queries", type=int, default=500)
    p.add_argument("--rounds", type=int, default=3)
    p.add_argument("--out", type=Path, help="also write the figures as JSON here")
    args = p.parse_args()

    print(f"machine: {machine()}")
    print(f"FAISS threads: {faiss.omp_get_max_threads()}; HNSW M=32 efConstruction=80 efSearch={HNSW_EF_SEARCH}; "
          f"auto switches to HNSW at {HNSW_THRESHOLD:,} vectors")
    corpus = bench_corpus(args.corpus, args.questions, args.rounds)
    print(f"bundled corpus: {corpus['records']} records ({corpus['units']} embedded parts, {corpus['sentences']} "
          f"sentences) built in {corpus['build_s']:.1f}s = {corpus['records_per_s']:.1f} records/s "
          f"({corpus['texts_embedded_per_s']:.1f} texts embedded/s); load {corpus['load_s']:.2f}s")
    for k, v in corpus["search_ms"].items():
        label = {"all": "all questions", "cjk": "Chinese questions", "latin": "English questions"}.get(k, k)
        print(f"  search latency, {label:17} (n={v['n']}): p50 {v['p50']:.1f} ms  p95 {v['p95']:.1f} ms")
    print(f"  of which query embedding: p50 {corpus['embed_ms']['p50']:.1f} ms  p95 {corpus['embed_ms']['p95']:.1f} ms")

    with tempfile.TemporaryDirectory() as tmp:
        build_index(args.corpus, tmp)
        ix = load_index(tmp)
        real = np.vstack([ix.dense.reconstruct_n(0, ix.dense.ntotal), ix.sentences.reconstruct_n(0, ix.sentences.ntotal)])
    print(f"synthetic vectors from {len(real)} real ones, {args.queries} queries:")
    rows = bench_faiss(real, args.sizes, args.queries)
    if args.out:
        args.out.write_text(json.dumps({"machine": machine(), "corpus": corpus, "faiss": rows}, indent=1))


if __name__ == "__main__":
    main()

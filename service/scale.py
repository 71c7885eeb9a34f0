"""Scale benchmark: synthetic corpora of 1 000 to 1 000 000 paragraphs served over real HTTP.

    python -m unqa.service.scale [--sizes 1000 100000 1000000] [--seconds 15]

Embedding a million paragraphs on 2 cores would take hours, so a synthetic corpus replicates
the real records (new document ids, paragraph numbers 1..N per document) and moves their real
part and sentence vectors by a random offset per synthetic record; the lexical index is built for
real over the replicated texts. The index is written with the same store code as `unqa index`,
so `unqa serve` loads and verifies it like any other. For each size: build time, size on
disk, service start-up time and resident memory, /ask p50/p95 with one client and requests/s
with 8, and the approximate index's recall@10 against exact search.
"""
from __future__ import annotations

import argparse
import asyncio
import json
import multiprocessing
import resource
import subprocess
import sys
import tempfile
import time
from concurrent.futures import ProcessPoolExecutor
from dataclasses import replace
from pathlib import Path

import bm25s
import faiss
import numpy as np
from tqdm import tqdm

from unqa.index import Index, load_index
from unqa.index.dense import HNSW_EF_SEARCH, empty_dense, index_type, search_dense
from unqa.index.lexical import LexicalIndex, Tokenizer
from unqa.index.store import (FORMAT_VERSION, IndexManifest, building, commit_build, current_version,
                         read_verified_manifest)

from .bench import free_port, one_client, wait_ready
from .load import load_questions, rss_mb, run_load

ROOT = Path(__file__).resolve().parent.parent
PER_DOCUMENT = 1000


BATCH = 100_000  # vectors perturbed and added at a time: memory stays at the index plus one batch


def perturb(vectors: np.ndarray, owners: np.ndarray, offsets: np.ndarray, rng: np.random.Generator,
            sigma: float = 0.3) -> np.ndarray:
    """Real vectors moved by their synthetic record's own offset, plus a little noise of their own:
    a synthetic record is a new point near its original, and its parts and sentences stay together."""
    noisy = vectors + offsets[owners] + rng.normal(0, sigma / np.sqrt(vectors.shape[1]), vectors.shape).astype(np.float32)
    return noisy / np.linalg.norm(noisy, axis=1, keepdims=True)


def write_vectors(path: Path, real: faiss.Index, sources: np.ndarray, owners: np.ndarray, offsets: np.ndarray,
                  rng: np.random.Generator) -> str:
    """The index `unqa index` would build over the perturbed copies, filled batch by batch."""
    base = real.reconstruct_n(0, real.ntotal)
    index = empty_dense(len(sources), base.shape[1])
    for start in tqdm(range(0, len(sources), BATCH), desc=path.stem, unit="batch", leave=False):
        part = slice(start, start + BATCH)
        index.add(perturb(base[sources[part]], owners[part], offsets, rng))
    faiss.write_index(index, str(path))
    return index_type(index)


def build_synthetic(real_dir: Path, n: int, out_dir: Path, seed: int = 11) -> dict:
    """Write an index of n synthetic records into out_dir, streaming: records, units and vectors are
    written as they are made, and BM25 is built from token ids shared with the real parts, so a
    million records fit in this machine's memory. Returns timings and sizes."""
    start = time.perf_counter()
    real = load_index(real_dir)
    rng = np.random.default_rng(seed)
    parents = rng.integers(0, len(real.records), n)
    with building(out_dir) as build_dir:
        metas = []
        with open(build_dir / "records.jsonl", "w", encoding="utf-8") as fh:
            for i, p in enumerate(parents):
                doc, k = divmod(i, PER_DOCUMENT)
                src = real.records[int(p)]
                doc_id = f"synth-{doc:05d}"
                if k == 0:
                    metas.append({"doc_id": doc_id, "file": f"{doc_id}.txt", "symbol": None,
                                  "title": f"Synthetic report {doc}", "language": src.language})
                fh.write(replace(src, id=f"{doc_id}:p{k + 1}", doc_id=doc_id, symbol=None, title=f"Synthetic report {doc}",
                                 kind="paragraph", paragraph=k + 1, order=k).to_json() + "\n")
        (build_dir / "documents.json").write_text(json.dumps(metas, ensure_ascii=False), encoding="utf-8")
        real_units = [real.unit_ids(r) for r in range(len(real.records))]
        real_sents = [np.array(real.sentence_ids(r), dtype=np.int64) for r in range(len(real.records))]
        unit_src = np.concatenate([real_units[p] for p in parents])
        unit_rec = np.repeat(np.arange(n), [len(real_units[p]) for p in parents])
        sent_src = np.concatenate([real_sents[p] for p in parents])
        spans = real.sentence_spans[sent_src].copy()
        spans[:, 0] = np.repeat(np.arange(n), [len(real_sents[p]) for p in parents])
        np.save(build_dir / "unit_records.npy", unit_rec.astype(np.int64))
        np.save(build_dir / "sentences.npy", spans.astype(np.int64))
        t = time.perf_counter()
        offsets = rng.normal(0, 0.8 / np.sqrt(real.manifest.dim), (n, real.manifest.dim)).astype(np.float32)
        dense_type = write_vectors(build_dir / "dense.faiss", real.dense, unit_src, unit_rec, offsets, rng)
        write_vectors(build_dir / "sentences.faiss", real.sentences, sent_src, spans[:, 0], offsets, rng)
        del offsets
        dense_s = time.perf_counter() - t
        plain = [json.loads(line)["plain"] for line in (real.version / "units.jsonl").read_text(encoding="utf-8").splitlines()]
        with open(build_dir / "units.jsonl", "w", encoding="utf-8") as fh:
            for r, u in zip(unit_rec, unit_src):
                fh.write(json.dumps({"record": int(r), "text": plain[u], "plain": plain[u]}, ensure_ascii=False) + "\n")
        t = time.perf_counter()
        tokenizer = Tokenizer(real.manifest.lexical_tokenizer)
        vocab: dict[str, int] = {}
        ids = [[vocab.setdefault(tok, len(vocab)) for tok in tokenizer(text, characters=True) or [""]] for text in plain]
        bm25 = bm25s.BM25()
        bm25.index(([ids[u] for u in unit_src], vocab), show_progress=False)  # one token-id list per real part, shared
        LexicalIndex(bm25, tokenizer).save(build_dir / "lexical")
        del bm25
        lexical_s = time.perf_counter() - t
        manifest = IndexManifest(
            format_version=FORMAT_VERSION, embedder=real.manifest.embedder, dim=real.manifest.dim, record_count=n,
            unit_count=len(unit_src), sentence_count=len(spans), corpus_hash=f"synthetic-{n}-{seed}",
            dense_type=dense_type, lexical_tokenizer=real.manifest.lexical_tokenizer, context=real.manifest.context,
            retriever=real.manifest.retriever, built_at=time.strftime("%Y-%m-%dT%H:%M:%SZ", time.gmtime()),
            documents=[m["doc_id"] for m in metas])
        version = commit_build(out_dir, build_dir, manifest)
    size = sum(f.stat().st_size for f in version.rglob("*") if f.is_file())
    return {"build_s": time.perf_counter() - start, "dense_build_s": dense_s, "lexical_build_s": lexical_s,
            "disk_mb": size / 2**20, "dense_type": dense_type, "units": manifest.unit_count,
            "sentences": manifest.sentence_count, "build_peak_rss_mb": peak_rss_mb()}


def peak_rss_mb() -> float:
    """This process's peak resident memory (the builder runs in a process of its own)."""
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def recall_at_10(index_dir: Path, queries: np.ndarray) -> float | None:
    """Approximate vs exact top-10 over the synthetic part vectors (None when already exact)."""
    approx = faiss.read_index(str(current_version(index_dir) / "dense.faiss"))
    if not isinstance(approx, faiss.IndexHNSW):
        return None
    return overlap_at_10(search_dense(approx, queries, 10)[1], exact_top_10(approx, queries))


def exact_top_10(index: faiss.Index, queries: np.ndarray) -> np.ndarray:
    exact = faiss.IndexFlatIP(index.d)
    exact.add(index.reconstruct_n(0, index.ntotal))
    return exact.search(queries, 10)[1]


def overlap_at_10(found: np.ndarray, truth: np.ndarray) -> float:
    return float(np.mean([len(set(a) & set(b)) / 10 for a, b in zip(found, truth)]))


EF_SEARCH_SWEEP = (128, 256, 512, 1024, 2048)  # includes the default, HNSW_EF_SEARCH


def breakdown(index_dir: Path, questions: list[str], queries: np.ndarray) -> dict:
    """Where a question's time goes (in-process, the server stopped), and the HNSW indexes'
    recall@10 and latency for several efSearch values, one query at a time."""
    from .answering import Answerer

    t = time.perf_counter()
    read_verified_manifest(current_version(index_dir))
    out = {"verify_s": time.perf_counter() - t}
    t = time.perf_counter()
    ix = Index.load(index_dir, verify=False)
    answerer = Answerer(ix)
    out["load_s"] = time.perf_counter() - t
    stages: dict[str, list[float]] = {"embed": [], "dense": [], "lexical": [], "ask": []}
    for q in questions[:50]:
        t = time.perf_counter()
        v = ix.embedder.embed_queries([q])[0]  # the model, not the cache of repeated questions
        stages["embed"].append(time.perf_counter() - t)
        t = time.perf_counter()
        ix._dense_scores(v, 50, None, "mean")
        stages["dense"].append(time.perf_counter() - t)
        t = time.perf_counter()
        ix._lexical_scores(q, 50, None)
        stages["lexical"].append(time.perf_counter() - t)
        t = time.perf_counter()
        answerer.ask(q)
        stages["ask"].append(time.perf_counter() - t)
    out.update({f"{name}_p50_ms": float(np.percentile(v, 50) * 1000) for name, v in stages.items()})
    out.update({f"{name}_p95_ms": float(np.percentile(v, 95) * 1000) for name, v in stages.items()})
    for name, hnsw in (("parts", ix.dense), ("sentences", ix.sentences)):
        if not isinstance(hnsw, faiss.IndexHNSW):
            continue
        truth = exact_top_10(hnsw, queries)
        for ef in EF_SEARCH_SWEEP:
            hnsw.hnsw.efSearch = ef
            took = []
            for q in queries:
                t = time.perf_counter()
                hnsw.search(q[None, :], 10)
                took.append(time.perf_counter() - t)
            _, found = hnsw.search(queries, 10)
            out[f"{name}_ef{ef}"] = {"recall@10": overlap_at_10(found, truth), "p50_ms": float(np.percentile(took, 50) * 1000),
                                     "p95_ms": float(np.percentile(took, 95) * 1000)}
    return out


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", type=int, nargs="*", default=[1000, 100_000, 1_000_000])
    p.add_argument("--real-index", type=Path, default=ROOT / "data" / "index")
    p.add_argument("--seconds", type=float, default=15)
    p.add_argument("--out", type=Path, help="write the figures as JSON here")
    p.add_argument("--breakdown", action="store_true",
                   help="also time each stage in-process and sweep HNSW efSearch (recall@10 vs latency)")
    p.add_argument("--keep", type=Path, help="keep the synthetic indexes in this folder and serve them again next time")
    args = p.parse_args()
    questions = load_questions(ROOT / "eval" / "questions.yaml")
    real = load_index(args.real_index)
    queries = np.vstack([real.embed_query(q) for q in questions[:100]])
    rows = []
    for n in args.sizes:
        with tempfile.TemporaryDirectory() as tmp:
            index_dir = (args.keep or Path(tmp)) / f"synthetic-{n}"
            saved = index_dir / "build.json"
            if saved.is_file() and (index_dir / "CURRENT").is_file():
                built = json.loads(saved.read_text())  # kept from an earlier run: serve it again
            else:
                with ProcessPoolExecutor(1, mp_context=multiprocessing.get_context("spawn")) as builder:
                    built = builder.submit(build_synthetic, args.real_index, n, index_dir).result()
                saved.write_text(json.dumps(built))
            # with --breakdown the efSearch sweep measures the default's recall too
            recall = None if args.breakdown else recall_at_10(index_dir, queries)
            port = free_port()
            url = f"http://127.0.0.1:{port}"
            proc = subprocess.Popen([sys.executable, "-m", "unqa.service", "--port", str(port), "--index-dir", str(index_dir),
                                     "--no-build"], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            try:
                startup = wait_ready(url, proc, timeout=1800)
                rss = rss_mb(proc.pid)
                lat = one_client(url, questions[:50], 1)
                tally, took = asyncio.run(run_load(url, 8, args.seconds, 0.0, questions))
                rss_end = rss_mb(proc.pid)
            finally:
                proc.terminate()
                proc.wait(timeout=60)
            row = {"n": n, **built, "startup_s": startup, "rss_mb": rss, "rss_end_mb": rss_end, "recall@10": recall,
                   "p50_ms": float(np.percentile(lat, 50)), "p95_ms": float(np.percentile(lat, 95)),
                   "rps_8_clients": tally.valid / took, "errors": tally.errors}
            if args.breakdown:
                row.update(breakdown(index_dir, questions, queries))
                row["recall@10"] = row.get(f"parts_ef{HNSW_EF_SEARCH}", {}).get("recall@10")
        rows.append(row)
        print(json.dumps(row), flush=True)
    if args.out:
        args.out.write_text(json.dumps(rows, indent=1))


if __name__ == "__main__":
    main()

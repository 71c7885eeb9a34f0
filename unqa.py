"""The `unqa` command: one settings object, one sub-command per stage.

Stages are imported inside the commands so `unqa --help` stays fast and a stage never
needs the ones downstream of it.
"""
from __future__ import annotations

import sys
from pathlib import Path
from typing import Optional

import typer
from pydantic_settings import BaseSettings, SettingsConfigDict

BUNDLED_CORPUS = Path(__file__).resolve().parent / "corpus"


class Settings(BaseSettings):
    """Read from UNQA_* environment variables; command-line options override them."""

    model_config = SettingsConfigDict(env_prefix="UNQA_")

    corpus_dir: Path = BUNDLED_CORPUS


app = typer.Typer(
    help="Question answering over UN reports, with official paragraph citations.",
    no_args_is_help=True,
    add_completion=False,
    pretty_exceptions_enable=False,
)


@app.callback()
def _root() -> None:
    """unqa: ask questions of UN reports and get answers citing their official paragraphs."""


def _fail(message: str, code: int = 2) -> None:
    typer.secho(f"error: {message}", fg=typer.colors.RED, err=True)
    raise typer.Exit(code)


@app.command()
def ingest(
    corpus_dir: Optional[Path] = typer.Argument(None, help="Folder with manifest.yaml and the report texts."),
    out: str = typer.Option("-", "--out", "-o", help="JSON Lines output file ('-' for stdout)."),
) -> None:
    """Split the corpus into citable paragraph records (JSON Lines) and print a summary."""
    from ingest import IngestError
    from ingest.cli import run_ingest

    settings = Settings()
    try:
        run_ingest(corpus_dir or settings.corpus_dir, out)
    except IngestError as exc:
        _fail(str(exc))


def main(argv: list[str] | None = None) -> None:
    app(args=argv if argv is not None else sys.argv[1:], prog_name="unqa")


if __name__ == "__main__":
    main()

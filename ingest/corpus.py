"""A corpus folder: a manifest plus one extracted text file per report."""
from __future__ import annotations

from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import IngestError
from .parser import parse_report
from .records import DocumentMeta, ParsedDocument, Record

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml")


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[DocumentMeta]


def find_manifest(corpus_dir: Path) -> Path:
    if not corpus_dir.is_dir():
        raise IngestError(corpus_dir, "corpus folder does not exist")
    for name in MANIFEST_NAMES:
        if (corpus_dir / name).is_file():
            return corpus_dir / name
    raise IngestError(corpus_dir, f"no manifest found (expected {MANIFEST_NAMES[0]})")


def load_manifest(corpus_dir: Path) -> list[DocumentMeta]:
    """Read and check the manifest: valid entries, unique ids, every file present."""
    path = find_manifest(Path(corpus_dir))
    try:
        data = yaml.safe_load(path.read_text(encoding="utf-8"))
    except (yaml.YAMLError, UnicodeDecodeError) as exc:
        raise IngestError(path, f"manifest is not valid YAML: {exc}") from None
    try:
        manifest = _Manifest.model_validate(data)
    except ValidationError as exc:
        err = exc.errors()[0]
        where = ".".join(str(x) for x in err["loc"])
        raise IngestError(path, f"invalid manifest at {where}: {err['msg']}") from None
    seen: dict[str, str] = {}
    files: dict[str, str] = {}
    for e in manifest.documents:
        if e.doc_id in seen:
            raise IngestError(path, f"doc_id '{e.doc_id}' is used by two entries")
        if e.file in files:
            raise IngestError(path, f"file '{e.file}' is listed twice ('{files[e.file]}' and '{e.doc_id}')")
        if not (path.parent / e.file).is_file():
            raise IngestError(path, f"entry '{e.doc_id}' names file '{e.file}', which does not exist")
        seen[e.doc_id] = e.file
        files[e.file] = e.doc_id
    for txt in sorted(path.parent.glob("*.txt")):
        if txt.name not in files:
            raise IngestError(txt, "text file is not listed in the manifest; add an entry for it")
    if not manifest.documents:
        raise IngestError(path, "manifest lists no documents")
    return list(manifest.documents)


def read_report(path: Path) -> str:
    """The file's text, or a clear error: missing, empty, binary or not UTF-8."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise IngestError(path, "file does not exist") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read file: {exc.strerror}") from None
    if not data.strip():
        raise IngestError(path, "file is empty")
    if b"\x00" in data[:65536]:
        raise IngestError(path, "file is binary (contains NUL bytes), expected UTF-8 text")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"file is not UTF-8 text (invalid byte at offset {exc.start})") from None
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def parse_document(meta: DocumentMeta, corpus_dir: Path) -> ParsedDocument:
    path = Path(corpus_dir) / meta.file
    content = read_report(path)
    if meta.symbol and meta.symbol not in content:
        raise IngestError(path, f"manifest symbol '{meta.symbol}' is not printed in the document")
    return ParsedDocument(meta, tuple(parse_report(meta, content, str(path))))


def ingest_corpus(corpus_dir: str | Path) -> list[ParsedDocument]:
    """Every document of the corpus, parsed; the first bad input stops with IngestError."""
    corpus_dir = Path(corpus_dir)
    return [parse_document(meta, corpus_dir) for meta in load_manifest(corpus_dir)]


def all_records(docs: list[ParsedDocument]) -> list[Record]:
    return [r for d in docs for r in d.records]

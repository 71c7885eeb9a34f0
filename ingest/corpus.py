"""A corpus folder: PDFs and/or extracted text files, with or without a manifest.

Without a manifest every document's metadata is read from the document itself
(metadata.py); a manifest entry, where given, overrides what was read. One unreadable
file never stops the corpus: it is reported by name with the reason (strict mode makes
it an error).
"""
from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import yaml
from pydantic import BaseModel, ConfigDict, ValidationError

from .errors import IngestError
from .layout import pdf_lines
from .lines import Line, split_lines
from .metadata import doc_id_for, infer
from .parser import parse_lines
from .pdf import is_pdf, read_pdf
from .records import DocId, DocumentMeta, FileName, Language, ParsedDocument, Record

MANIFEST_NAMES = ("manifest.yaml", "manifest.yml")
SUPPORTED = (".pdf", ".txt")
# what documents.un.org serves, as a PDF, for a symbol it does not hold
_NOT_FOUND = "does not exist in the Official Document System"


class ManifestEntry(BaseModel):
    """A manifest entry: only `file` is required; every field given overrides the document."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    file: FileName
    doc_id: DocId | None = None
    symbol: str | None = None
    title: str | None = None
    language: Language | None = None
    body: str | None = None
    session: str | None = None
    meeting: str | None = None
    date: str | None = None
    distribution: str | None = None
    source: str | None = None


class _Manifest(BaseModel):
    model_config = ConfigDict(extra="forbid")
    documents: list[ManifestEntry]


@dataclass(frozen=True)
class FailedFile:
    path: str
    problem: str


@dataclass
class Corpus:
    documents: list[ParsedDocument]
    failed: list[FailedFile] = field(default_factory=list)
    warnings: dict[str, list[str]] = field(default_factory=dict)  # doc_id -> parser warnings


def find_manifest(corpus_dir: Path) -> Path | None:
    if not corpus_dir.is_dir():
        raise IngestError(corpus_dir, "corpus folder does not exist")
    for name in MANIFEST_NAMES:
        if (corpus_dir / name).is_file():
            return corpus_dir / name
    return None


def load_manifest(corpus_dir: Path) -> list[ManifestEntry]:
    """The manifest's entries, checked: valid fields, unique ids and files, every file present."""
    path = find_manifest(Path(corpus_dir))
    if path is None:
        return []
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
    ids: set[str] = set()
    files: set[str] = set()
    for e in manifest.documents:
        if e.doc_id is not None:
            if e.doc_id in ids:
                raise IngestError(path, f"doc_id '{e.doc_id}' is used by two entries")
            ids.add(e.doc_id)
        if e.file in files:
            raise IngestError(path, f"file '{e.file}' is listed twice")
        if not (path.parent / e.file).is_file():
            raise IngestError(path, f"entry '{e.doc_id or e.file}' names file '{e.file}', which does not exist")
        files.add(e.file)
    return list(manifest.documents)


def corpus_files(corpus_dir: Path) -> list[Path]:
    """Every document file of the folder (not hidden, not the manifest), sorted by name."""
    if not Path(corpus_dir).is_dir():
        raise IngestError(corpus_dir, "corpus folder does not exist")
    return sorted(p for p in Path(corpus_dir).iterdir()
                  if p.is_file() and not p.name.startswith(".") and p.name not in MANIFEST_NAMES)


def read_report(path: Path) -> str:
    """A text file's text, or a clear error: missing, empty, binary or not UTF-8."""
    try:
        data = Path(path).read_bytes()
    except FileNotFoundError:
        raise IngestError(path, "file does not exist") from None
    except OSError as exc:
        raise IngestError(path, f"cannot read file: {exc.strerror}") from None
    if not data.strip():
        raise IngestError(path, "file is empty")
    if b"\x00" in data[:65536]:
        raise IngestError(path, "file is binary (contains NUL bytes), expected UTF-8 text or a PDF")
    try:
        text = data.decode("utf-8")
    except UnicodeDecodeError as exc:
        raise IngestError(path, f"file is not UTF-8 text (invalid byte at offset {exc.start})") from None
    return text.lstrip("\ufeff").replace("\r\n", "\n").replace("\r", "\n")


def not_utf8(text: str) -> str | None:
    """What is wrong with text read from bytes with surrogateescape (argv, stdin, a questions
    file): 'not UTF-8 text (byte 0xff)' naming the first byte that was not UTF-8, or None."""
    bad = next((ch for ch in text if "\udc80" <= ch <= "\udcff"), None)
    return None if bad is None else f"not UTF-8 text (byte 0x{ord(bad) - 0xdc00:02x})"


def read_lines(path: Path) -> tuple[list[Line], int | None]:
    """A document's classified lines and its page count (None where the source tells none)."""
    if path.suffix.lower() == ".pdf" or is_pdf(path):
        pages = read_pdf(path)
        return pdf_lines(pages), len(pages)
    lines = split_lines(read_report(path))
    pages = max((ln.page for ln in lines), default=0)
    return lines, pages or None


def parse_document(path: Path, entry: ManifestEntry | None = None) -> tuple[ParsedDocument, list[str]]:
    """One file -> its records and the parser's warnings; IngestError when unreadable."""
    path = Path(path)
    lines, pages = read_lines(path)
    if (pages or 1) <= 2 and any(_NOT_FOUND in ln.text for ln in lines[:40]):
        raise IngestError(path, "not a document: the Official Document System's 'document does not exist' "
                                "page was saved in its place; download it again")
    found = infer(lines, fallback_title=path.stem)
    given = entry.model_dump(exclude_unset=True) if entry else {}
    symbol = given["symbol"] if "symbol" in given else found.symbol
    if "symbol" in given and symbol and symbol not in "\n".join(ln.text for ln in lines):
        raise IngestError(path, f"manifest symbol '{symbol}' is not printed in the document")
    language = given.get("language") or found.language
    if language is None:
        raise IngestError(path, "no text to tell the document's language from; give `language` in manifest.yaml")
    values = {
        "doc_id": given.get("doc_id") or doc_id_for(symbol, path.stem), "file": path.name, "symbol": symbol,
        "title": given.get("title") or found.title or path.stem, "language": language,
        "body": given.get("body", found.body), "session": given.get("session"), "meeting": given.get("meeting"),
        "date": given.get("date", found.date), "distribution": given.get("distribution", found.distribution),
        "pages": pages, "source": given.get("source"),
    }
    meta = DocumentMeta.model_validate(values)
    result = parse_lines(meta, lines)
    if not result.records:
        raise IngestError(path, "no text found in the document")
    return ParsedDocument(meta, tuple(result.records)), result.warnings


def read_corpus(corpus_dir: str | Path, strict: bool = False, progress=None) -> Corpus:
    """Every document of the folder, parsed. A file that cannot be read is listed in
    `failed` with the reason (or, with strict, raises IngestError); a bad manifest or a
    missing folder always raises."""
    corpus_dir = Path(corpus_dir)
    entries = {e.file: e for e in load_manifest(corpus_dir)}
    corpus = Corpus([])
    ids: dict[str, str] = {}
    files = corpus_files(corpus_dir)
    for path in (progress(files) if progress else files):
        try:
            if path.suffix.lower() not in SUPPORTED and not is_pdf(path):
                raise IngestError(path, f"not a supported document ({', '.join(SUPPORTED)})")
            doc, warnings = parse_document(path, entries.get(path.name))
            if doc.meta.doc_id in ids:
                if path.name in entries and entries[path.name].doc_id:
                    raise IngestError(path, f"doc_id '{doc.meta.doc_id}' is used by two entries")
                doc = _renamed(doc, f"{doc.meta.doc_id}-{doc.meta.language}", ids)
        except IngestError as exc:
            if strict:
                raise
            corpus.failed.append(FailedFile(str(path), exc.problem if exc.line is None else str(exc)))
            continue
        ids[doc.meta.doc_id] = path.name
        corpus.documents.append(doc)
        if warnings:
            corpus.warnings[doc.meta.doc_id] = warnings
    if not corpus.documents and not corpus.failed:
        raise IngestError(corpus_dir, f"no documents found (expected {' or '.join(SUPPORTED)} files)")
    return corpus


def _renamed(doc: ParsedDocument, doc_id: str, taken: dict[str, str]) -> ParsedDocument:
    """A second document with the same symbol (another language version or a copy)."""
    base, k = doc_id, 2
    while doc_id in taken:
        doc_id, k = f"{base}-{k}", k + 1
    old = doc.meta.doc_id
    meta = doc.meta.model_copy(update={"doc_id": doc_id})
    records = tuple(Record.from_dict({**r.to_dict(), "doc_id": doc_id, "id": doc_id + r.id[len(old):]})
                    for r in doc.records)
    return ParsedDocument(meta, records)


def ingest_corpus(corpus_dir: str | Path) -> list[ParsedDocument]:
    """Every document, parsed; the first unreadable file stops with IngestError."""
    return read_corpus(corpus_dir, strict=True).documents


def all_records(docs: list[ParsedDocument]) -> list[Record]:
    return [r for d in docs for r in d.records]

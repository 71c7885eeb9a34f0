"""ingest: UN reports (PDF or extracted text) -> citable paragraph records."""
from .corpus import (
    Corpus, FailedFile, ManifestEntry, all_records, corpus_files, find_manifest, ingest_corpus, load_manifest,
    not_utf8, parse_document, read_corpus, read_lines, read_report,
)
from .errors import IngestError
from .parser import ParseResult, parse_lines, parse_report
from .records import KINDS, DocumentMeta, ParsedDocument, Record

__all__ = [
    "KINDS", "Corpus", "DocumentMeta", "FailedFile", "IngestError", "ManifestEntry", "ParseResult",
    "ParsedDocument", "Record", "all_records", "corpus_files", "find_manifest", "ingest_corpus", "load_manifest",
    "not_utf8", "parse_document", "parse_lines", "parse_report", "read_corpus", "read_lines", "read_report",
]

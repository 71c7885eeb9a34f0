"""ingest: UN report text files -> citable paragraph records."""
from .corpus import all_records, find_manifest, ingest_corpus, load_manifest, parse_document, read_report
from .errors import IngestError
from .parser import parse_report
from .records import KINDS, DocumentMeta, ParsedDocument, Record

__all__ = [
    "KINDS", "DocumentMeta", "IngestError", "ParsedDocument", "Record", "all_records",
    "find_manifest", "ingest_corpus", "load_manifest", "parse_document", "parse_report", "read_report",
]

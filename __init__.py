"""unqa: questions over United Nations reports, answered with official paragraph citations.

The stages install under this one namespace: `unqa.ingest` (files -> paragraph records),
`unqa.index` (records -> FAISS + BM25, and search), `unqa.service` (HTTP and the web page),
`unqa.eval` (questions -> scores); `unqa.cli` is the `unqa` command.
"""
from importlib.metadata import PackageNotFoundError, version

try:
    __version__ = version("unqa")
except PackageNotFoundError:  # run from a checkout that is not installed
    __version__ = "0+unknown"

"""Shared fixtures: the real bundled corpus, parsed once per test session."""
from __future__ import annotations

from pathlib import Path

import pytest

from ingest import ingest_corpus

ROOT = Path(__file__).resolve().parent.parent
CORPUS = ROOT / "corpus"
DATA = Path(__file__).resolve().parent / "data"


@pytest.fixture(scope="session")
def corpus_docs():
    return {d.meta.doc_id: d for d in ingest_corpus(CORPUS)}


@pytest.fixture(scope="session")
def wsf(corpus_docs):
    """A/AC.105/1235: report of the 2020 World Space Forum."""
    return {r.paragraph: r for r in corpus_docs["a-ac-105-1235"].paragraphs()}


@pytest.fixture(scope="session")
def iam(corpus_docs):
    """Report of the fortieth session of the Inter-Agency Meeting (no symbol printed)."""
    return {r.paragraph: r for r in corpus_docs["iam-40-report"].paragraphs()}

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


@pytest.fixture(scope="session")
def built_index(tmp_path_factory):
    """A real index of the bundled corpus, built once with the real default model."""
    from index import build_index

    path = tmp_path_factory.mktemp("index")
    build_index(CORPUS, path)
    return path


@pytest.fixture(scope="session")
def loaded_index(built_index):
    from index import load_index

    return load_index(built_index, corpus_dir=CORPUS)

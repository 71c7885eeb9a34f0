"""The sentence-transformers backend, for real, with the offline all-MiniLM-L6-v2 model."""
from __future__ import annotations

import numpy as np
import pytest

from conftest import DATA

from unqa.index import BuildOptions, EmbedderError, build_index, load_index, make_embedder
from unqa.index.units import make_units


@pytest.fixture(scope="module")
def minilm():
    return make_embedder("minilm")


def test_minilm_embeds_normalised_vectors(minilm):
    assert minilm.name == "sentence-transformers:all-MiniLM-L6-v2" and minilm.dim == 384
    v = minilm.embed_queries(["space debris mitigation", "satellite collisions in orbit"])
    assert v.shape == (2, 384) and np.allclose(np.linalg.norm(v, axis=1), 1.0, atol=1e-5)
    close, far = minilm.embed_passages(["Guidelines to limit orbital debris.", "A recipe for bread."])
    assert float(v[0] @ close) > float(v[0] @ far)


def test_long_records_are_split_into_parts_that_keep_their_citation(minilm, corpus_docs):
    records = [r for d in corpus_docs.values() for r in d.records]
    units = make_units(records, minilm.token_count, minilm.max_tokens)
    long_records = {u.record for u in units if sum(1 for v in units if v.record == u.record) > 1}
    assert long_records, "MiniLM's 256-token limit should split some Chinese paragraphs"
    for u in units:
        assert minilm.token_count(u.text) <= minilm.max_tokens
        assert u.text in records[u.record].text or records[u.record].kind == "footnote"


def test_minilm_index_answers_english_questions(tmp_path, minilm):
    manifest = build_index(DATA / "en", tmp_path / "idx", BuildOptions(embedder="minilm"), embedder=minilm)
    assert manifest.embedder == "sentence-transformers:all-MiniLM-L6-v2"
    ix = load_index(tmp_path / "idx", embedder=minilm)
    assert ix.search("When and where will the next meeting take place?", top_k=1)[0].record.paragraph == 6
    assert ix.search("forecasting geomagnetic storms", top_k=1, retriever="dense")[0].record.paragraph == 4


def test_hnsw_is_selectable_and_agrees_with_exact(tmp_path, minilm):
    indexes = {}
    for kind in ("flat", "hnsw"):
        build_index(DATA / "en", tmp_path / kind, BuildOptions(embedder="minilm", dense_type=kind), embedder=minilm)
        indexes[kind] = load_index(tmp_path / kind, embedder=minilm)
        assert indexes[kind].manifest.dense_type == kind
    for q in ("list of participants", "next meeting in Bangkok", "solar storms and navigation", "agenda"):
        ranked = {k: [h.record.id for h in ix.search(q, top_k=3, retriever="dense")] for k, ix in indexes.items()}
        assert ranked["hnsw"] == ranked["flat"], q
    assert indexes["hnsw"].search("list of participants", top_k=1, retriever="dense")[0].record.kind == "annex"


def test_unknown_embedder_is_refused():
    with pytest.raises(EmbedderError, match="unknown embedder 'gpt-9'"):
        make_embedder("gpt-9")
    with pytest.raises(EmbedderError, match="cannot load sentence-transformers model"):
        make_embedder("st:/nonexistent/model")

"""index: paragraph records -> embeddings in FAISS + a BM25 index, persisted; and search."""
from .build import BuildOptions, build_from_records, build_index
from .embedders import DEFAULT_EMBEDDER, Embedder, EmbedderError, make_embedder
from .query import MAX_QUESTION_TOKENS, QueryResult, QuestionTooLong, Sentence, query, question_language
from .search import DEFAULT_RETRIEVER, RETRIEVERS, Hit, Index, SearchError, load_index, script_of
from .store import IndexBuildError, IndexLoadError, IndexManifest, corpus_hash

__all__ = [
    "MAX_QUESTION_TOKENS", "QuestionTooLong", "IndexBuildError", "DEFAULT_EMBEDDER", "DEFAULT_RETRIEVER", "RETRIEVERS", "BuildOptions", "Embedder", "EmbedderError", "Hit",
    "Index", "IndexLoadError", "IndexManifest", "QueryResult", "Sentence", "SearchError", "build_from_records", "build_index",
    "corpus_hash", "load_index", "make_embedder", "query", "question_language", "script_of",
]

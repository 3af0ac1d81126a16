"""Search backends: where chunk vectors and BM25 postings live and are ranked.

`local` (the default) keeps FAISS and bm25s arrays in the index folder and searches in
the serving process; `milvus` keeps them in a Milvus collection (embedded milvus-lite
for a local file path, a standalone or distributed deployment for an http(s) URI), so
several stateless `policyqa serve` replicas can share one engine. Both answer the same
two questions (dense and keyword rankings of chunks, inside a scope); fusion, clause
merging and answering stay in policyqa.
"""

from assistant.search.backend import BuildRows, Scope, SearchBackend, SyncReport

__all__ = ["BuildRows", "Scope", "SearchBackend", "SyncReport"]

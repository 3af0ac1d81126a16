"""A relevance score in [0, 1] on every hit and answer, so that a client's threshold means something.

The score of a question is the abstention model's probability that the documents answer
it (a logistic model fitted on the gold sets, so it is calibrated on them). A hit gets
that probability scaled by how far its best chunk's cosine stands above the noise floor
of the query's dense ranking, relative to the best chunk: the top hit of an answerable
question scores high, the tail and every hit of an out-of-scope question score low.
Rank-based fusion scores (RRF) are never a relevance: they are 1.0 for the top hit of
any query, 你好 included.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np

from assistant.answer.knowledge import Knowledge
from assistant.retrieve import Hit, Retrieval

FLOOR_FROM, FLOOR_TO = 5, 60  # the ranks whose mean cosine is the query's noise floor
SPARSE_ONLY = 0.5  # a hit only the keyword ranking found: half its fused score


def with_relevance(knowledge: Knowledge, retrieval: Retrieval, probability: float) -> list[Hit]:
    dense = retrieval.dense
    if not dense:
        return [replace(hit, relevance=0.0) for hit in retrieval.hits]
    ranked = np.array(sorted(dense.values(), reverse=True))
    tail = ranked[FLOOR_FROM:FLOOR_TO] if ranked.size > FLOOR_FROM * 2 else ranked[1:]
    top = float(ranked[0])
    floor = float(tail.mean()) if tail.size else top - 1.0
    span = max(top - floor, 1e-6)
    hits = []
    for hit in retrieval.hits:
        cosines = [dense[i] for i in knowledge.chunks_of.get((hit.doc_id, hit.locator), ()) if i in dense]
        share = (max(cosines) - floor) / span if cosines else SPARSE_ONLY * hit.score
        hits.append(replace(hit, relevance=round(probability * float(np.clip(share, 0.0, 1.0)), 4)))
    return hits

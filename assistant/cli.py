"""The `policyqa` command: build the index, search it, list clauses."""

from __future__ import annotations

import json
import logging
import sys
import time
from collections.abc import Callable
from functools import wraps
from typing import Any, TypeVar

import click

from assistant.errors import PolicyQAError
from assistant.ingest.corpus import load_corpus
from assistant.ingest.parse import parse_document
from assistant.settings import Settings, get_settings

F = TypeVar("F", bound=Callable[..., Any])


def _reports_errors(command: F) -> F:
    """Turn policyqa errors into one line on stderr and exit status 1, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PolicyQAError as exc:
            click.echo(f"policyqa: error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def _print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def _settings() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise click.UsageError(f"invalid POLICYQA_* setting: {exc}") from exc


@click.group()
@click.version_option(package_name="policyqa")
def main() -> None:
    """policyqa: questions about Chinese policy documents, answered with citations."""
    logging.basicConfig(level=logging.WARNING, format="policyqa: %(message)s", stream=sys.stderr)


@main.command("index")
@click.option("--json", "as_json", is_flag=True, help="Print the index manifest as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@_reports_errors
def index_command(as_json: bool, quiet: bool) -> None:
    """Build (or rebuild) the index from the corpus."""
    from assistant.embed import load_embedder
    from assistant.index import build_index

    settings = _settings()
    started = time.perf_counter()
    manifest = build_index(settings, load_embedder(settings), progress=not quiet)
    seconds = time.perf_counter() - started
    if as_json:
        _print_json({**manifest.to_json(), "seconds": round(seconds, 2)})
        return
    click.echo(
        f"indexed {manifest.documents} document(s): {manifest.clauses} clauses, {manifest.chunks} chunks "
        f"({manifest.embedded} embedded, the rest from cache) in {seconds:.1f} s -> {settings.index_dir / 'current'}"
    )


@main.command()
@click.argument("query")
@click.option(
    "--top-k", type=click.IntRange(1, 50), default=None, help="How many clauses (default POLICYQA_TOP_K)."
)
@click.option("--doc-id", "doc_ids", multiple=True, help="Only search these documents (repeatable).")
@click.option("--json", "as_json", is_flag=True, help='Print {"hits": [...]} as JSON.')
@_reports_errors
def search(query: str, top_k: int | None, doc_ids: tuple[str, ...], as_json: bool) -> None:
    """Find the clauses that best match QUERY (builds the index first if needed)."""
    from assistant.service import load_answerer

    if not query.strip():
        raise click.UsageError("QUERY is empty")
    settings = _settings()
    answerer = load_answerer(settings, progress=not as_json)
    hits = answerer.search(query, top_k or settings.top_k, doc_ids or None)
    if as_json:
        _print_json({"hits": [hit.to_json() for hit in hits]})
        return
    if not hits:
        click.echo("no matching clause")
    for rank, hit in enumerate(hits, start=1):
        click.echo(f"{rank}. [{hit.locator}] {hit.label}  (relevance {hit.relevance or 0:.2f}, score {hit.score:.4f})")
        if hit.lead_unit:
            click.echo(f"   牵头单位：{hit.lead_unit}")
        click.echo(f"   {hit.best_chunk[:120]}{'…' if len(hit.best_chunk) > 120 else ''}")


@main.command()
@click.argument("question")
@click.option("--mode", type=click.Choice(["extractive", "llm"]), default="extractive", show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the answer and its citations as JSON.")
@_reports_errors
def ask(question: str, mode: str, as_json: bool) -> None:
    """Answer QUESTION in Chinese with citations (the same answer /api/ask gives)."""
    from assistant.service import load_answerer

    if not question.strip():
        raise click.UsageError("QUESTION is empty")
    answer = load_answerer(_settings(), progress=not as_json).ask(question, mode=mode)  # type: ignore[arg-type]
    if as_json:
        _print_json(
            {
                "answer": answer.answer,
                "abstained": answer.abstained,
                "mode": answer.mode,
                "kind": answer.kind,
                "notice": answer.notice,
                "citations": [c.to_json() for c in answer.citations],
            }
        )
        return
    click.echo(answer.answer)
    if answer.notice:
        click.echo(f"（{answer.notice}）")
    for citation in answer.citations if not answer.abstained else ():
        click.echo(f"  {citation.marker} {citation.label}")


@main.command()
@click.argument("profile")
@click.option("--district", default="", help="区县, if not in the profile text.")
@click.option("--industry", default="", help="产业, if not in the profile text.")
@click.option("--top-k", type=click.IntRange(1, 50), default=10, show_default=True)
@click.option("--json", "as_json", is_flag=True, help="Print the /api/fit JSON.")
@click.option("--markdown", is_flag=True, help="Print a Markdown report.")
@_reports_errors
def fit(profile: str, district: str, industry: str, top_k: int, as_json: bool, markdown: bool) -> None:
    """Which clauses concern an enterprise described by PROFILE, and who leads them."""
    from assistant.fit_report import fit_to_json, fit_to_markdown, grouped
    from assistant.service import load_answerer, load_fit_matcher

    if not profile.strip():
        raise click.UsageError("PROFILE is empty")
    settings = _settings()
    answerer = load_answerer(settings, progress=not (as_json or markdown))
    result = load_fit_matcher(settings, answerer).fit(profile, district, industry, top_k)
    if as_json:
        _print_json(fit_to_json(result))
    elif markdown:
        title = "》《".join(doc.meta.title for doc in answerer.documents.values())
        click.echo(fit_to_markdown(result, title), nl=False)
    else:
        click.echo(result.summary)
        for theme, matches in grouped(result.matches):
            click.echo(f"[{theme}]")
            for match in matches:
                lead = f"  牵头单位：{match.lead_unit}" if match.lead_unit else ""
                click.echo(f"  {match.level} [{match.locator}] {match.label}{lead}")


def _register_eval() -> None:
    """`policyqa eval` lives in the eval package, which is only there in a source checkout."""
    try:
        from eval.run import main as eval_command
    except ImportError:
        return
    main.add_command(eval_command)


@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@_reports_errors
def serve(host: str, port: int) -> None:
    """Serve the HTTP API and chat UI (builds the index on first start)."""
    import uvicorn

    from api.app import create_app

    settings = _settings()
    click.echo(f"policyqa: serving on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.run(create_app(settings), host=host, port=port, log_level="warning")


@main.command()
@click.option("--json", "as_json", is_flag=True, help='Print {"clauses": [...]} as JSON.')
@_reports_errors
def clauses(as_json: bool) -> None:
    """List every clause of the corpus with its locator (no index needed)."""
    settings = _settings()
    parsed = [parse_document(doc) for doc in load_corpus(settings.corpus_dir)]
    records = [
        {
            "doc_id": clause.doc_id,
            "locator": clause.locator,
            "kind": clause.kind,
            "label": clause.label,
            "breadcrumb": list(clause.breadcrumb),
            "lead_unit": clause.lead_unit,
            "text": clause.text,
        }
        for doc in parsed
        for clause in doc.clauses
    ]
    if as_json:
        _print_json({"clauses": records})
        return
    for record in records:
        lead = f"  [牵头单位：{record['lead_unit']}]" if record["lead_unit"] else ""
        click.echo(f"{record['doc_id']}  {record['locator']}  {record['label']}{lead}")


_register_eval()

if __name__ == "__main__":
    main()

"""The `policyqa` command: build the index, search it, list clauses."""

from __future__ import annotations

import importlib.util
import logging
import sys
import time

import click

from assistant.cli_common import check_doc_ids as _check_doc_ids
from assistant.cli_common import print_json as _print_json
from assistant.cli_common import reports_errors as _reports_errors
from assistant.cli_common import settings_or_usage as _settings
from assistant.cli_docs import docs
from assistant.ingest.corpus import load_corpus
from assistant.ingest.parse import parse_document


class _Commands(click.Group):
    """`policyqa eval` lives in the eval package (a source checkout) and imports ranx, scipy and
    matplotlib: loaded only when asked for, so every other command starts in a second."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        commands = super().list_commands(ctx)
        return sorted([*commands, "eval"]) if importlib.util.find_spec("eval.run") else commands

    def get_command(self, ctx: click.Context, name: str) -> click.Command | None:
        if name == "eval" and importlib.util.find_spec("eval.run"):
            from eval.run import main as eval_command

            return eval_command
        return super().get_command(ctx, name)


@click.group(cls=_Commands)
@click.version_option(package_name="policyqa")
def main() -> None:
    """policyqa: questions about Chinese policy documents, answered with citations."""
    logging.basicConfig(level=logging.WARNING, format="policyqa: %(message)s", stream=sys.stderr)


@main.command("index")
@click.option("--json", "as_json", is_flag=True, help="Print the index manifest as JSON.")
@click.option("--quiet", is_flag=True, help="No progress bar.")
@click.option(
    "--backend",
    type=click.Choice(["local", "milvus"]),
    default=None,
    help="Search backend to build for (default POLICYQA_SEARCH_BACKEND); serving must be configured the same.",
)
@_reports_errors
def index_command(as_json: bool, quiet: bool, backend: str | None) -> None:
    """Build (or rebuild) the index from the corpus."""
    from assistant.embed import load_embedder
    from assistant.index import build_index

    settings = _settings()
    if backend:
        settings = settings.model_copy(update={"search_backend": backend})
    started = time.perf_counter()
    manifest = build_index(settings, load_embedder(settings), progress=not quiet)
    seconds = time.perf_counter() - started
    if as_json:
        _print_json({**manifest.to_json(), "seconds": round(seconds, 2)})
        return
    click.echo(
        f"indexed {manifest.documents} document(s) ({manifest.parsed} parsed, the rest unchanged): "
        f"{manifest.clauses} clauses, {manifest.chunks} chunks ({manifest.embedded} embedded, the rest from cache) in {seconds:.1f} s -> {settings.index_dir / 'current'}"
    )
    if manifest.backend == "milvus":
        sync = manifest.sync
        click.echo(
            f"milvus collection {manifest.collection} at {settings.milvus_address}: {sync.get('added', 0)} chunks "
            f"added, {sync.get('removed', 0)} removed, {sync.get('kept', 0)} kept"
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
    if not query.strip():
        raise click.UsageError("QUERY is empty")
    from assistant.service import load_answerer
    settings = _settings()
    answerer = load_answerer(settings, progress=not as_json)
    _check_doc_ids(answerer.documents, doc_ids)
    hits = answerer.search(query, top_k or settings.top_k, doc_ids or None)
    if as_json:
        _print_json({"hits": [hit.to_json() for hit in hits]})
        return
    if not hits:
        click.echo("no matching clause")
    for rank, hit in enumerate(hits, start=1):
        click.echo(
            f"{rank}. [{hit.locator}] {hit.label}  (relevance {hit.relevance or 0:.2f}, score {hit.score:.4f})"
        )
        if hit.lead_unit:
            click.echo(f"   牵头单位：{hit.lead_unit}")
        click.echo(f"   {hit.best_chunk[:120]}{'…' if len(hit.best_chunk) > 120 else ''}")


@main.command()
@click.argument("question")
@click.option("--mode", type=click.Choice(["extractive", "llm"]), default="extractive", show_default=True)
@click.option("--doc-id", "doc_ids", multiple=True, help="Only answer from these documents (repeatable).")
@click.option("--json", "as_json", is_flag=True, help="Print the answer and its citations as JSON.")
@_reports_errors
def ask(question: str, mode: str, doc_ids: tuple[str, ...], as_json: bool) -> None:
    """Answer QUESTION in Chinese with citations (the same answer /api/ask gives)."""
    if not question.strip():
        raise click.UsageError("QUESTION is empty")
    from assistant.service import load_answerer
    answerer = load_answerer(_settings(), progress=not as_json)
    _check_doc_ids(answerer.documents, doc_ids)
    answer = answerer.ask(question, mode=mode, doc_ids=doc_ids or None)  # type: ignore[arg-type]
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
@click.option(
    "--doc-id", "doc_ids", multiple=True, help="Only match these documents (repeatable; default all)."
)
@click.option("--json", "as_json", is_flag=True, help="Print the /api/fit JSON.")
@click.option("--markdown", is_flag=True, help="Print a Markdown report.")
@_reports_errors
def fit(
    profile: str,
    district: str,
    industry: str,
    top_k: int,
    doc_ids: tuple[str, ...],
    as_json: bool,
    markdown: bool,
) -> None:
    """Which clauses of the corpus concern an enterprise described by PROFILE, and who leads them."""
    from assistant.fit_report import fit_to_json, fit_to_markdown, grouped
    if not profile.strip():
        raise click.UsageError("PROFILE is empty")
    from assistant.service import load_answerer, load_fit_matcher
    settings = _settings()
    answerer = load_answerer(settings, progress=not (as_json or markdown))
    _check_doc_ids(answerer.documents, doc_ids)
    result = load_fit_matcher(settings, answerer).fit(profile, district, industry, top_k, doc_ids or None)
    if as_json:
        _print_json(fit_to_json(result))
    elif markdown:
        searched = [doc for doc_id, doc in answerer.documents.items() if not doc_ids or doc_id in doc_ids]
        click.echo(fit_to_markdown(result, "》《".join(doc.meta.title for doc in searched)), nl=False)
    else:
        click.echo(result.summary)
        several = len({m.doc_id for m in result.matches}) > 1
        for theme, matches in grouped(result.matches):
            click.echo(f"[{theme}]")
            for match in matches:
                lead = f"  牵头单位：{match.lead_unit}" if match.lead_unit else ""
                source = f"《{match.document_title}》" if several else ""
                click.echo(f"  {match.level} {source}[{match.locator}] {match.label}{lead}")
                for measure in match.support:
                    figures = "；".join(f for f in (measure.amount, measure.rate) if f)
                    click.echo(f"      {measure.form}{'：' + figures if figures else ''}")



@main.command()
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=8000, show_default=True)
@_reports_errors
def serve(host: str, port: int) -> None:
    """Serve the HTTP API and chat UI (builds the index on first start)."""
    import uvicorn

    from api.app import create_app
    from api.server import server_config

    settings = _settings()
    logging.getLogger("policyqa.access").setLevel(logging.INFO)  # one line per request, 4xx included
    click.echo(f"policyqa: serving on http://{host}:{port}/ (API docs at /docs)", err=True)
    uvicorn.Server(server_config(create_app(settings), settings, host, port)).run()


@main.command("milvus-lite")
@click.option("--db", type=click.Path(dir_okay=False), default=None, help="Database file (default <index dir>/milvus.db).")
@click.option("--host", default="127.0.0.1", show_default=True)
@click.option("--port", type=click.IntRange(1, 65535), default=19530, show_default=True)
@_reports_errors
def milvus_lite(db: str | None, host: str, port: int) -> None:
    """Run embedded Milvus as a server that several policyqa processes on this machine share."""
    from assistant.search.milvus import run_embedded_server

    path = db or str(_settings().index_dir / "milvus.db")
    click.echo(f"policyqa: milvus-lite serving {path} at http://{host}:{port} (Ctrl-C stops it)", err=True)
    run_embedded_server(path, host, port)


@main.command()
@click.option(
    "--http",
    "port",
    type=click.IntRange(1, 65535),
    default=None,
    help="Serve streamable HTTP on 127.0.0.1:PORT/mcp instead of stdio.",
)
@_reports_errors
def mcp(port: int | None) -> None:
    """Serve policyqa's tools to MCP clients (stdio by default; needs the mcp extra)."""
    from api.mcp import build_server

    server = build_server(_settings())
    if port is None:
        server.run("stdio")
    else:
        click.echo(f"policyqa: MCP over streamable HTTP on http://127.0.0.1:{port}/mcp", err=True)
        server.run("streamable-http", host="127.0.0.1", port=port)


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


main.add_command(docs)
if __name__ == "__main__":
    main()

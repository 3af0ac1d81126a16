"""`policyqa docs`: the document library from the command line (add, list, show, remove)."""

from __future__ import annotations

from pathlib import Path

import click

from assistant.cli_common import print_json, reports_errors, settings_or_usage
from assistant.library import Library, Overrides


@click.group()
def docs() -> None:
    """Manage the document library (the corpus): add, list, show, remove."""


def _library() -> Library:
    settings = settings_or_usage()
    return Library(settings.corpus_dir, int(settings.max_upload_mb * 1_000_000))


@docs.command("add")
@click.argument("file", type=click.Path(exists=True, dir_okay=False, path_type=Path))
@click.option("--id", "doc_id", default=None, help="Document id (default: from the file name).")
@click.option("--title", default=None, help="Title (default: read from the document).")
@click.option("--short-title", default=None, help="What staff call it (default: the title without its issuer and period).")
@click.option("--number", default=None, help="文号 (default: read from the document).")
@click.option("--issuer", default=None, help="发文机关 (default: read from the document).")
@click.option("--date", default=None, help="印发日期 YYYY-MM-DD (default: read from the document).")
@click.option("--json", "as_json", is_flag=True, help="Print the stored record as JSON.")
@reports_errors
def add(
    file: Path,
    doc_id: str | None,
    title: str | None,
    short_title: str | None,
    number: str | None,
    issuer: str | None,
    date: str | None,
    as_json: bool,
) -> None:
    """Add FILE (.txt, .md, .html, .docx, .pdf) to the library; the index updates on next use."""
    added = _library().add(file.read_bytes(), file.name, Overrides(doc_id, title, number, issuer, date, short_title))
    if as_json:
        print_json(added.to_json())
        return
    meta, given = added.info.meta, set(added.given)
    click.echo(f"added {meta.doc_id}: {added.info.clauses} clauses -> {meta.source}")
    for name, value in (("title", meta.title), ("number", meta.number), ("issuer", meta.issuer), ("date", meta.date)):
        origin = "given" if name in given else ("read from the document" if value else "not found")
        click.echo(f"  {name:7} {value or '-'}  ({origin})")
    click.echo("check these; to correct one, `policyqa docs remove` and add again with --title/--number/…")


@docs.command("list")
@click.option("--json", "as_json", is_flag=True, help='Print {"documents": [...]} as JSON.')
@reports_errors
def list_documents(as_json: bool) -> None:
    """The documents of the library with their 文号, issuer, date and clause count."""
    library = _library()
    infos = [library.info(meta.doc_id) for meta in library.documents()]
    if as_json:
        print_json({"documents": [info.to_json() for info in infos]})
        return
    for info in infos:
        meta = info.meta
        click.echo(
            f"{meta.doc_id}  {meta.title}  {meta.number or '-'}  {meta.issuer or '-'}  {meta.date or '-'}  "
            f"{info.clauses} clauses"
        )


@docs.command("show")
@click.argument("doc_id")
@click.option("--json", "as_json", is_flag=True, help="Print the record as JSON.")
@reports_errors
def show(doc_id: str, as_json: bool) -> None:
    """One document's metadata, file and clause count."""
    info = _library().info(doc_id)
    if as_json:
        print_json(info.to_json())
        return
    for key, value in info.to_json().items():
        click.echo(f"{key:12} {value}")


@docs.command("remove")
@click.argument("doc_id")
@reports_errors
def remove(doc_id: str) -> None:
    """Remove a document and its file from the library; the index updates on next use."""
    meta = _library().remove(doc_id)
    click.echo(f"removed {meta.doc_id} ({meta.title})")

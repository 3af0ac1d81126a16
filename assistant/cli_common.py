"""What every `policyqa` command shares: settings, error reporting, JSON output."""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Collection
from functools import wraps
from typing import Any, TypeVar

import click

from assistant.errors import PolicyQAError
from assistant.settings import Settings, get_settings

F = TypeVar("F", bound=Callable[..., Any])


def reports_errors(command: F) -> F:
    """Turn policyqa errors into one line on stderr and exit status 1, never a traceback."""

    @wraps(command)
    def wrapper(*args: Any, **kwargs: Any) -> Any:
        try:
            return command(*args, **kwargs)
        except PolicyQAError as exc:
            click.echo(f"policyqa: error: {exc}", err=True)
            sys.exit(1)

    return wrapper  # type: ignore[return-value]


def print_json(data: object) -> None:
    click.echo(json.dumps(data, ensure_ascii=False, indent=2))


def check_doc_ids(known: Collection[str], doc_ids: tuple[str, ...]) -> None:
    """A usage error naming the ids that are not documents of the corpus."""
    unknown = [d for d in doc_ids if d not in known]
    if unknown:
        raise click.BadParameter(
            f"unknown document id(s): {', '.join(unknown)} (known: {', '.join(sorted(known))})", param_hint="--doc-id"
        )


def settings_or_usage() -> Settings:
    try:
        return get_settings()
    except ValueError as exc:  # pydantic's ValidationError is a ValueError
        raise click.UsageError(f"invalid POLICYQA_* setting: {exc}") from exc

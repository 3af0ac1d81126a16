"""Dify's metadata_condition applied to retrieval records.

Shape (Dify's external-knowledge API): {"logical_operator": "and" | "or", "conditions":
[{"name": [field, ...], "comparison_operator": op, "value": v}]}. A condition holds when
any of its named fields satisfies it. Fields are a record's metadata: doc_id, locator,
lead_unit, document_title, breadcrumb, marker, and the document's number, issuer, date.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any

_TEXT: dict[str, Callable[[str, str], bool]] = {
    "contains": lambda field, value: value in field,
    "not contains": lambda field, value: value not in field,
    "start with": lambda field, value: field.startswith(value),
    "end with": lambda field, value: field.endswith(value),
    "is": lambda field, value: field == value,
    "=": lambda field, value: field == value,
    "is not": lambda field, value: field != value,
    "≠": lambda field, value: field != value,
    "empty": lambda field, _: not field,
    "not empty": lambda field, _: bool(field),
    # dates (YYYY-MM-DD) and numbers as Dify sends them
    "before": lambda field, value: bool(field) and field < value,
    "after": lambda field, value: bool(field) and field > value,
    "<": lambda field, value: _number(field) < _number(value),
    ">": lambda field, value: _number(field) > _number(value),
    "≤": lambda field, value: _number(field) <= _number(value),
    "≥": lambda field, value: _number(field) >= _number(value),
}


def _number(text: str) -> float:
    try:
        return float(text)
    except ValueError:
        return float("nan")  # compares false both ways


class ConditionError(ValueError):
    """A metadata_condition this server cannot apply (unknown operator or shape)."""


def _holds(condition: Mapping[str, Any], metadata: Mapping[str, Any]) -> bool:
    operator = str(condition.get("comparison_operator", "")).strip()
    names = condition.get("name") or []
    names = [names] if isinstance(names, str) else list(names)
    value = condition.get("value")
    values = [str(v) for v in value] if isinstance(value, list) else [str(value or "")]
    if operator in ("in", "not in"):
        found = any(str(metadata.get(name) or "") in values for name in names)
        return found if operator == "in" else not found
    check = _TEXT.get(operator)
    if check is None:
        raise ConditionError(f"unsupported comparison_operator: {operator!r}")
    return any(check(str(metadata.get(name) or ""), values[0]) for name in names)


def matches(metadata_condition: Mapping[str, Any] | None, metadata: Mapping[str, Any]) -> bool:
    """Whether a record's metadata satisfies the condition (no condition: always)."""
    if not metadata_condition:
        return True
    conditions = metadata_condition.get("conditions") or []
    if not isinstance(conditions, list) or not all(isinstance(c, Mapping) for c in conditions):
        raise ConditionError("metadata_condition.conditions must be a list of objects")
    if not conditions:
        return True
    results = [_holds(c, metadata) for c in conditions]
    return (
        any(results)
        if str(metadata_condition.get("logical_operator", "and")).lower() == "or"
        else all(results)
    )

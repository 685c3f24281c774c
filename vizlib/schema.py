"""Checking tool-call arguments against the JSON schema the request declared for the tool."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from jsonschema import exceptions as schema_errors
from jsonschema import validators


@dataclass(frozen=True, slots=True)
class SchemaCheck:
    """Whether arguments satisfy the tool's JSON schema; `valid` is None where none was declared."""

    valid: bool | None
    message: str


def check_schema(args: Any, schema: dict[str, Any] | None) -> SchemaCheck:
    """Validate parsed arguments against a JSON schema (its own draft, else 2020-12)."""
    if not schema:
        return SchemaCheck(None, "no schema declared")
    try:
        validator_class = validators.validator_for(schema)
        validator_class.check_schema(schema)
        errors = sorted(validator_class(schema).iter_errors(args), key=lambda e: list(e.path))
    except schema_errors.SchemaError as exc:
        return SchemaCheck(None, f"the declared schema is invalid: {exc.message}")
    if not errors:
        return SchemaCheck(True, "matches the declared schema")
    first = errors[0]
    where = "/".join(map(str, first.path)) or "arguments"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return SchemaCheck(False, f"{where}: {first.message}{more}")

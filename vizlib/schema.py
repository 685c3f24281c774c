"""Checking tool-call arguments against the JSON schema the request declared for the tool."""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from typing import Any

import orjson
from jsonschema import exceptions as schema_errors
from jsonschema import validators


@dataclass(frozen=True, slots=True)
class SchemaCheck:
    """Whether arguments satisfy the tool's JSON schema; `valid` is None where none was declared."""

    valid: bool | None
    message: str


@lru_cache(maxsize=1024)
def _validator(schema_json: str) -> Any:
    """A checked validator for a schema (its own draft, else 2020-12), built once per schema."""
    schema = orjson.loads(schema_json)
    validator_class = validators.validator_for(schema)
    validator_class.check_schema(schema)
    return validator_class(schema)


def check_schema(args: Any, schema: dict[str, Any] | None) -> SchemaCheck:
    """Validate parsed arguments against a JSON schema (its own draft, else 2020-12)."""
    if not schema:
        return SchemaCheck(None, "no schema declared")
    try:
        key = orjson.dumps(schema, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()
        errors = sorted(_validator(key).iter_errors(args), key=lambda e: list(e.path))
    except schema_errors.SchemaError as exc:
        return SchemaCheck(None, f"the declared schema is invalid: {exc.message}")
    except (TypeError, orjson.JSONEncodeError) as exc:
        return SchemaCheck(None, f"the declared schema cannot be read: {exc}")
    if not errors:
        return SchemaCheck(True, "matches the declared schema")
    first = errors[0]
    where = "/".join(map(str, first.path)) or "arguments"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return SchemaCheck(False, f"{where}: {first.message}{more}")

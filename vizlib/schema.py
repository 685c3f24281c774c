"""Checking tool-call arguments against the JSON schema the request declared for the tool.

The schema comes from the cassette, so it is untrusted: validation never leaves
the process (no `$ref` is fetched, over the network or from a file), a schema
that refers to itself without end is a finding rather than a crash, and
`pattern` / `patternProperties` run on RE2, whose matching time is linear in
the input. A schema that cannot be used this way gives `valid=None` and a
message saying why. jsonschema is imported only when a schema is checked.
"""

from __future__ import annotations

import itertools
import math
import sys
import warnings
from dataclasses import dataclass
from functools import cache, lru_cache
from typing import Any

import orjson

from vizlib.metaschema import plainly_valid

MAX_ERRORS = 100  # validation errors collected before the first (by path) is reported
MAX_MESSAGE = 300  # characters of a finding's message kept
MAX_CACHED = 4096  # characters of arguments and schema JSON whose result is kept (1,024 kept)

# Format checkers jsonschema imports with itself, where they are installed (Jupyter's
# jsonschema extras install them), though vizlib never checks formats: rfc3987_syntax alone
# compiles some forty grammars, seconds of CPU before the first schema is checked.
UNUSED_FORMAT_MODULES = (
    "fqdn",
    "idna",
    "isoduration",
    "jsonpointer",
    "rfc3339_validator",
    "rfc3986_validator",
    "rfc3987",
    "rfc3987_syntax",
    "uri_template",
    "webcolors",
)


@dataclass(frozen=True, slots=True)
class SchemaCheck:
    """Whether arguments satisfy the tool's JSON schema; `valid` is None where none was declared."""

    valid: bool | None
    message: str


class _UnusableSchema(Exception):
    """The schema cannot be applied safely; the message says why."""


def _refuse(uri: str) -> Any:
    """The registry's retrieve: nothing outside the schema itself is ever fetched or read."""
    from referencing.exceptions import NoSuchResource  # noqa: PLC0415 - imported on first check

    raise NoSuchResource(ref=uri)  # type: ignore[call-arg]  # an attrs field mypy does not see


@cache
def _import_jsonschema() -> None:
    """Import jsonschema without the format-checker modules it would build and vizlib never uses.

    Each is hidden (an ImportError to jsonschema, which then skips that format)
    only while jsonschema is imported, and only if nothing imported it before.
    """
    hidden = [name for name in UNUSED_FORMAT_MODULES if name not in sys.modules]
    for name in hidden:
        sys.modules[name] = None  # type: ignore[assignment]
    try:
        import jsonschema  # noqa: F401, PLC0415
    finally:
        for name in hidden:
            if name in sys.modules and sys.modules[name] is None:
                del sys.modules[name]


@lru_cache(maxsize=4096)
def _compiled(pattern: str) -> Any:
    try:
        import re2  # noqa: PLC0415 - the linear-time engine loads with the first pattern
    except ImportError as exc:  # pragma: no cover - google-re2 is a dependency
        raise _UnusableSchema(
            "no linear-time regular expression engine (google-re2) is installed"
        ) from exc
    options = re2.Options()
    options.log_errors = False  # the reason goes into the finding, not to stderr
    try:
        return re2.compile(pattern, options)
    except (re2.error, TypeError, ValueError) as exc:
        reason = exc.args[0] if exc.args else exc
        if isinstance(reason, bytes):
            reason = reason.decode("utf-8", "replace")
        raise _UnusableSchema(
            f"pattern {pattern!r} is not supported by the linear-time engine (RE2): {reason}"
        ) from exc


def _search(pattern: Any, text: str) -> bool:
    if not isinstance(pattern, str):
        raise _UnusableSchema(f"pattern {pattern!r} is not a string")
    return _compiled(pattern).search(text) is not None


def _pattern(validator: Any, pattern: Any, instance: Any, schema: Any) -> Any:
    from jsonschema.exceptions import ValidationError  # noqa: PLC0415

    if validator.is_type(instance, "string") and not _search(pattern, instance):
        yield ValidationError(f"{instance!r} does not match {pattern!r}")


def _pattern_properties(validator: Any, patterns: Any, instance: Any, schema: Any) -> Any:
    if not validator.is_type(instance, "object"):
        return
    for pattern, subschema in patterns.items():
        for key, value in instance.items():
            if _search(pattern, key):
                yield from validator.descend(value, subschema, path=key, schema_path=pattern)


def _additional_properties(validator: Any, allowed: Any, instance: Any, schema: Any) -> Any:
    from jsonschema.exceptions import ValidationError  # noqa: PLC0415

    if not validator.is_type(instance, "object"):
        return
    properties = schema.get("properties", {})
    patterns = list(schema.get("patternProperties", {}))
    extras = sorted(
        (k for k in instance if k not in properties and not any(_search(p, k) for p in patterns)),
        key=str,
    )
    if validator.is_type(allowed, "object"):
        for extra in extras:
            yield from validator.descend(instance[extra], allowed, path=extra)
    elif not allowed and extras:
        listed = ", ".join(repr(e) for e in extras)
        yield ValidationError(f"Additional properties are not allowed ({listed} unexpected)")


def _unique_items(validator: Any, unique: Any, instance: Any, schema: Any) -> Any:
    from jsonschema.exceptions import ValidationError  # noqa: PLC0415

    if not unique or not validator.is_type(instance, "array"):
        return
    seen: set[bytes] = set()
    for item in instance:
        key = _canonical(item)
        if key in seen:
            yield ValidationError(f"{instance!r} has non-unique elements")
            return
        seen.add(key)


def _canonical(value: Any) -> bytes:
    """A value as JSON Schema compares it: keys in order, 1.0 the same as 1, `true` not 1.

    Hashable, so `uniqueItems` takes one pass instead of comparing every pair.
    """
    return orjson.dumps(
        _numbers_alike(value), option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS
    )


def _numbers_alike(value: Any) -> Any:
    if isinstance(value, bool) or value is None or isinstance(value, str):
        return value
    if isinstance(value, float) and value.is_integer() and math.isfinite(value):
        return int(value) if abs(value) < 2**63 else value
    if isinstance(value, dict):
        return {k: _numbers_alike(v) for k, v in value.items()}
    if isinstance(value, list):
        return [_numbers_alike(v) for v in value]
    return value


@cache
def _safe_class(validator_class: Any) -> Any:
    """The draft's validator class: regular-expression keywords on RE2, `uniqueItems` in a pass."""
    from jsonschema import validators  # noqa: PLC0415

    keywords = {
        "pattern": _pattern,
        "patternProperties": _pattern_properties,
        "additionalProperties": _additional_properties,
        "uniqueItems": _unique_items,
    }
    own = {k: v for k, v in keywords.items() if k in validator_class.VALIDATORS}
    return validators.extend(validator_class, own)  # type: ignore[no-untyped-call]


def _keys(node: Any) -> set[str]:
    """Every key used anywhere in a schema (an iterative walk)."""
    found: set[str] = set()
    stack = [node]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            found.update(map(str, item))
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return found


@lru_cache(maxsize=1024)
def _validator(schema_json: str) -> Any:
    """A checked validator for a schema (its own draft, else 2020-12), built once per schema."""
    from jsonschema import validators  # noqa: PLC0415
    from referencing import Registry  # noqa: PLC0415

    schema = orjson.loads(schema_json)
    if {"unevaluatedProperties", "patternProperties"} <= _keys(schema):
        raise _UnusableSchema(
            "unevaluatedProperties together with patternProperties cannot be checked in linear time"
        )
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")  # an unknown $schema falls back to 2020-12
        validator_class = validators.validator_for(schema)
    if not (validator_class is validators.Draft202012Validator and plainly_valid(schema)):
        validator_class.check_schema(schema)  # the metaschema, followed through its $dynamicRefs
    refusing = Registry(retrieve=_refuse)  # type: ignore[call-arg]  # attrs alias
    return _safe_class(validator_class)(schema, registry=refusing)


def check_schema(args: Any, schema: dict[str, Any] | None) -> SchemaCheck:
    """Validate parsed arguments against a JSON schema (its own draft, else 2020-12).

    Never raises for a bad schema: one that is invalid, refers outside itself,
    refers to itself without end or uses a pattern RE2 cannot run gives
    `valid=None` with the reason.
    """
    if not schema:
        return SchemaCheck(None, "no schema declared")
    try:
        key = orjson.dumps(schema, option=orjson.OPT_SORT_KEYS | orjson.OPT_NON_STR_KEYS).decode()
    except (TypeError, ValueError, orjson.JSONEncodeError) as exc:
        return _unusable(f"the declared schema cannot be read: {exc}")
    try:
        args_json = orjson.dumps(args)  # keys in their order: a message may list them
    except (TypeError, orjson.JSONEncodeError):
        return _check(args, key)
    if len(args_json) + len(key) > MAX_CACHED or (b"null" in args_json and not _finite(args)):
        return _check(args, key)  # too long to keep, or JSON would write a NaN as null
    return _check_json(args_json, key)


def _finite(value: Any) -> bool:
    """Whether no float in a value is a NaN or an infinity (an iterative walk)."""
    stack = [value]
    while stack:
        item = stack.pop()
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list | tuple):
            stack.extend(item)
        elif isinstance(item, float) and not math.isfinite(item):
            return False
    return True


@lru_cache(maxsize=1024)
def _check_json(args_json: bytes, schema_json: str) -> SchemaCheck:
    """`_check` of arguments given as JSON: calls in a corpus repeat, and each is checked once."""
    return _check(orjson.loads(args_json), schema_json)


MAX_STEPS = 5_000_000  # schema nodes (each `$ref` followed) times argument values, at most


@lru_cache(maxsize=1024)
def _schema_nodes(schema_json: str) -> int:
    """How many nodes checking one value may visit: the schema with each local `$ref` followed.

    Counted once per node (a DAG of `$ref`s doubles at each level: a 2 KB schema can stand for
    millions of nodes); a `$ref` back into itself counts 1, as its recursion follows the value.
    """
    schema = orjson.loads(schema_json)
    counted: dict[int, int] = {}

    def size(node: Any, open_refs: frozenset[str]) -> int:
        if isinstance(node, list):
            return 1 + sum(size(item, open_refs) for item in node)
        if not isinstance(node, dict):
            return 1
        if id(node) in counted:
            return counted[id(node)]
        total = 1 + sum(size(v, open_refs) for k, v in node.items() if k != "$ref")
        ref = node.get("$ref")
        if isinstance(ref, str) and ref.startswith("#") and ref not in open_refs:
            target = _pointer(schema, ref)
            if target is not None:
                total += size(target, open_refs | {ref})
        total = min(total, MAX_STEPS + 1)
        counted[id(node)] = total
        return total

    try:
        return size(schema, frozenset())
    except RecursionError:
        return MAX_STEPS + 1


def _pointer(schema: Any, ref: str) -> Any:
    """The node a local `$ref` (`#`, `#/$defs/x`) points to, or None."""
    node = schema
    for part in ref[1:].split("/")[1:]:
        key = part.replace("~1", "/").replace("~0", "~")
        if isinstance(node, dict) and key in node:
            node = node[key]
        elif isinstance(node, list) and key.isdigit() and int(key) < len(node):
            node = node[int(key)]
        else:
            return None
    return node


def _values(args: Any) -> int:
    """How many values the arguments hold (an iterative walk)."""
    count, stack = 0, [args]
    while stack:
        item = stack.pop()
        count += 1
        if isinstance(item, dict):
            stack.extend(item.values())
        elif isinstance(item, list):
            stack.extend(item)
    return count


def _check(args: Any, schema_json: str) -> SchemaCheck:
    """Validate `args` against the schema of `schema_json` (keys sorted, as `_validator` takes)."""
    nodes = _schema_nodes(schema_json)
    if nodes > MAX_STEPS:
        return _unusable(
            f"not checked: with its $refs followed the schema has more than {MAX_STEPS:,} nodes"
        )
    values = _values(args)
    if nodes * values > MAX_STEPS:
        return _unusable(
            f"not checked: the schema's {nodes:,} nodes (its $refs followed) times the "
            f"arguments' {values:,} values is more than {MAX_STEPS:,} steps"
        )
    _import_jsonschema()
    from jsonschema import exceptions as schema_errors  # noqa: PLC0415
    from referencing.exceptions import PointerToNowhere, Unresolvable  # noqa: PLC0415

    try:
        found = itertools.islice(_validator(schema_json).iter_errors(args), MAX_ERRORS)
        errors = sorted(found, key=lambda e: [str(p) for p in e.path])
    except schema_errors.SchemaError as exc:
        return _unusable(f"the declared schema is invalid: {exc.message}")
    except Unresolvable as exc:
        cause = exc.__cause__ if isinstance(exc.__cause__, Unresolvable) else exc
        if isinstance(cause, PointerToNowhere):
            return _unusable(f"schema cannot be read: $ref #{cause.ref} points to nothing in it")
        return _unusable(
            f"schema cannot be read: remote $ref {cause.ref!r} (nothing outside the schema is read)"
        )
    except RecursionError:
        return _unusable(
            "schema cannot be read: its $ref refers to itself without end (or it nests too deep)"
        )
    except _UnusableSchema as exc:
        return _unusable(f"schema cannot be read: {exc}")
    except (TypeError, ValueError, orjson.JSONEncodeError) as exc:
        return _unusable(f"the declared schema cannot be read: {exc}")
    if not errors:
        return SchemaCheck(True, "matches the declared schema")
    first = errors[0]
    where = "/".join(map(str, first.path)) or "arguments"
    more = f" (+{len(errors) - 1} more)" if len(errors) > 1 else ""
    return SchemaCheck(False, _clip(f"{where}: {first.message}") + more)


def _unusable(message: str) -> SchemaCheck:
    return SchemaCheck(None, _clip(message))


def _clip(message: str) -> str:
    return message if len(message) <= MAX_MESSAGE else message[: MAX_MESSAGE - 1] + "…"

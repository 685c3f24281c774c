"""The quick metaschema check says a schema is valid only where jsonschema's full check agrees."""

from __future__ import annotations

from typing import Any

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st
from jsonschema import Draft202012Validator
from jsonschema.exceptions import SchemaError
from jsonschema_specifications import REGISTRY

import vizlib
from tests.shared import SHARED, require_shared
from vizlib.corpus import discover
from vizlib.metaschema import DRAFT_2020_12, KEYWORDS, TYPES, plainly_valid
from vizlib.schema import SchemaCheck, check_schema


def _meets_metaschema(schema: Any) -> bool:
    try:
        Draft202012Validator.check_schema(schema)
    except SchemaError:
        return False
    return True


def test_the_keywords_are_those_the_2020_12_metaschema_defines() -> None:
    defined = set()
    for uri in REGISTRY:
        if uri.startswith("https://json-schema.org/draft/2020-12/"):
            defined |= set(REGISTRY.contents(uri).get("properties", {}))
    assert defined == KEYWORDS


_scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-2, 3),
    st.floats(allow_nan=False, allow_infinity=False, width=16),
    st.sampled_from(["", "a", "string", "strin", "object", "#", "#/$defs/A", "http://x/y"]),
)
_junk = st.one_of(
    _scalars,
    st.lists(_scalars, max_size=3),
    st.dictionaries(st.text(max_size=2), _scalars, max_size=2),
)
_types = st.sampled_from([*sorted(TYPES), "strin", "Object", ""])
_keyword_values: dict[str, st.SearchStrategy[Any]] = {
    "type": st.one_of(_types, st.lists(_types, max_size=3), _junk),
    "required": st.one_of(st.lists(st.sampled_from(["a", "b", "c"]), max_size=3), _junk),
    "enum": st.one_of(st.lists(_scalars, max_size=3), _junk),
    "$ref": st.one_of(
        st.sampled_from(["#", "#/$defs/A", "#/properties/a%20b", "#/a b", "#x", "a.json", "#/~1"]),
        _junk,
    ),
    "description": _junk,
    "format": _junk,
    "default": _junk,
    "const": _junk,
    "minimum": _junk,
    "exclusiveMaximum": _junk,
    "minLength": _junk,
    "maxItems": _junk,
    "uniqueItems": _junk,
    "readOnly": _junk,
    "pattern": st.sampled_from(["a+", "(?P<x>a)", "(?<x>a)", "["]),
    "$id": st.sampled_from(["a.json", "http://x/s", "#frag"]),
    "prefixItems": _junk,
    "strict": _junk,
    "nullable": _junk,
    "x-order": _junk,
}


def _schemas(children: st.SearchStrategy[Any]) -> st.SearchStrategy[Any]:
    keyword = st.sampled_from(
        [*_keyword_values, "properties", "$defs", "items", "not", "additionalProperties", "anyOf"]
    )

    def value(name: str) -> st.SearchStrategy[Any]:
        if name in ("properties", "$defs"):
            return st.one_of(st.dictionaries(st.sampled_from(["a", "b"]), children), _junk)
        if name in ("items", "not", "additionalProperties"):
            return st.one_of(children, _junk)
        if name == "anyOf":
            return st.one_of(st.lists(children, max_size=2), _junk)
        return _keyword_values[name]

    return st.one_of(
        st.booleans(),
        keyword.flatmap(
            lambda first: st.tuples(st.just(first), value(first)).flatmap(
                lambda pair: st.lists(keyword, max_size=3).flatmap(
                    lambda more: st.fixed_dictionaries(
                        {pair[0]: st.just(pair[1])} | {k: value(k) for k in more}
                    )
                )
            )
        ),
    )


_schema_trees = st.recursive(st.booleans() | st.just({}), _schemas, max_leaves=8)


@settings(max_examples=3000, deadline=None)
@given(
    _schema_trees, st.sampled_from([None, DRAFT_2020_12, "http://json-schema.org/draft-07/schema#"])
)
def test_plainly_valid_only_where_the_metaschema_agrees(schema: Any, dialect: str | None) -> None:
    if isinstance(schema, dict) and dialect is not None:
        schema = {"$schema": dialect, **schema}
    if plainly_valid(schema):
        assert _meets_metaschema(schema), schema


@pytest.mark.parametrize(
    "schema",
    [
        {"type": "strin"},
        {"type": []},
        {"type": ["string", "string"]},
        {"required": "city"},
        {"required": ["a", "a"]},
        {"properties": {"a": {"type": "number", "minimum": "0"}}},
        {"properties": {"a": 5}},
        {"anyOf": []},
        {"items": {"minLength": -1}},
        {"items": [{"type": "string"}]},
        {"$defs": {"A": {"enum": "a"}}},
        {"additionalProperties": {"uniqueItems": 1}},
    ],
)
def test_an_invalid_schema_is_left_to_jsonschema_and_reported(schema: dict[str, Any]) -> None:
    assert not plainly_valid(schema)
    check = check_schema({"a": "a"}, schema)
    assert check.valid is None
    assert check.message.startswith("the declared schema is invalid: ")


def test_the_keywords_left_to_jsonschema_are_not_judged_here() -> None:
    assert plainly_valid({"type": "string", "strict": True, "nullable": "yes"})
    for unchecked in (
        {"pattern": "a+"},
        {"$id": "http://x/s.json"},
        {"$schema": "http://json-schema.org/draft-07/schema#"},
        {"properties": {"a": {"$schema": DRAFT_2020_12}}},
        {"$ref": "http://127.0.0.1:9/schema.json"},
        {"prefixItems": [{"type": "string"}]},
    ):
        assert not plainly_valid(unchecked), unchecked


def test_every_tool_schema_of_the_shared_cassettes_is_plain_and_valid() -> None:
    require_shared()
    schemas = {}
    for path, _ in discover(SHARED):
        for record in vizlib.load(path).records:
            for name, schema in record.decoded.tools.items():
                schemas[repr(schema)] = (path.name, name, schema)
    assert len(schemas) == 26  # distinct schemas, from seven projects' recordings
    for where, tool, schema in schemas.values():
        assert plainly_valid(schema), (where, tool)
        assert _meets_metaschema(schema), (where, tool)


def test_a_deep_plain_schema_is_checked_where_the_metaschema_walk_would_recurse_too_deep() -> None:
    schema: dict[str, Any] = {"type": "integer"}
    for _ in range(150):  # jsonschema's own metaschema check recurses past Python's limit here
        schema = {"items": schema}
    assert plainly_valid(schema)
    assert check_schema([[1]], schema) == SchemaCheck(True, "matches the declared schema")

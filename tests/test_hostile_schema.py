"""Tool schemas from a cassette are untrusted: validation never leaves the process and ends quickly."""

from __future__ import annotations

import time
from typing import Any

import pytest
from jsonschema import Draft202012Validator

from vizlib.schema import MAX_CACHED, _check_json, check_schema


@pytest.mark.parametrize(
    ("schema", "finding"),
    [
        (
            {"$ref": "http://127.0.0.1:9/schema.json"},
            "remote $ref 'http://127.0.0.1:9/schema.json'",
        ),
        ({"$ref": "file:///etc/hostname"}, "remote $ref 'file:///etc/hostname'"),
        (
            {"properties": {"a": {"$ref": "file:///etc/hostname#/x"}}},
            "remote $ref 'file:///etc/hostname#/x'",
        ),
        ({"$id": "http://127.0.0.1:9/s.json", "$ref": "other.json"}, "remote $ref 'other.json'"),
        ({"$ref": "#"}, "its $ref refers to itself without end"),
        (
            {
                "$defs": {"x": {"$ref": "#/$defs/y"}, "y": {"$ref": "#/$defs/x"}},
                "$ref": "#/$defs/x",
            },
            "its $ref refers to itself without end",
        ),
        ({"$ref": "#/nowhere"}, "$ref #/nowhere points to nothing in it"),
        (
            {"properties": {"a": {"pattern": "(?=a)"}}},
            "pattern '(?=a)' is not supported by the linear-time engine (RE2)",
        ),
        ({"type": "objectx"}, "the declared schema is invalid"),
    ],
)
def test_a_schema_that_cannot_be_used_is_a_finding(schema: dict[str, Any], finding: str) -> None:
    check = check_schema({"a": "a"}, schema)
    assert check.valid is None
    assert finding in check.message


def test_catastrophic_patterns_run_in_linear_time() -> None:
    start = time.monotonic()
    check = check_schema("a" * 5000 + "!", {"pattern": "^(a+)+$"})
    assert (check.valid, check.message[:12]) == (False, "arguments: '")
    keys = check_schema(
        {"a" * 5000 + "!": 1}, {"patternProperties": {"^(a+)+$": {}}, "additionalProperties": False}
    )
    assert keys.valid is False
    assert "Additional properties are not allowed" in keys.message
    assert time.monotonic() - start < 5  # Python's re takes longer than the universe's age here


def test_patterns_still_validate() -> None:
    schema = {
        "type": "object",
        "properties": {"city": {"type": "string", "pattern": "^[A-Z][a-z]+$"}},
        "patternProperties": {"^x-": {"type": "integer"}},
        "additionalProperties": False,
    }
    assert check_schema({"city": "Paris", "x-n": 1}, schema).valid is True
    assert (
        check_schema({"city": "paris"}, schema).message
        == "city: 'paris' does not match '^[A-Z][a-z]+$'"
    )
    assert check_schema({"x-n": "1"}, schema).message == "x-n: '1' is not of type 'integer'"
    assert (
        check_schema({"other": 1}, schema).message
        == "arguments: Additional properties are not allowed ('other' unexpected)"
    )


def test_repeated_arguments_are_checked_once_with_the_same_result() -> None:
    schema = {"type": "object", "properties": {"x": {"type": "number"}}, "required": ["x"]}
    _check_json.cache_clear()
    first = [check_schema({"x": value}, schema) for value in (1, "a", None)]
    again = [check_schema({"x": value}, schema) for value in (1, "a", None)]
    assert again == first
    assert [c.valid for c in first] == [True, False, False]
    assert _check_json.cache_info().hits == 3
    # a NaN is written as null in JSON, so it is never looked up as null's result
    assert check_schema({"x": float("nan")}, schema).valid is True
    assert check_schema({"x": None}, schema).valid is False
    # arguments (with their schema) too long to keep are checked each time, and not kept
    kept = _check_json.cache_info().currsize
    long = {"x": 1, "notes": "n" * MAX_CACHED}
    assert check_schema(long, schema).valid is True
    large_schema = {**schema, "description": "d" * MAX_CACHED}
    assert check_schema({"x": 1}, large_schema).valid is True
    assert _check_json.cache_info().currsize == kept


def _ref_chain(levels: int) -> dict[str, Any]:
    """`$defs` where each level is both of the level before it: 2**levels nodes to check."""
    defs: dict[str, Any] = {"d0": {"type": "object"}}
    for i in range(1, levels):
        defs[f"d{i}"] = {"allOf": [{"$ref": f"#/$defs/d{i - 1}"}, {"$ref": f"#/$defs/d{i - 1}"}]}
    return {"$defs": defs, "$ref": f"#/$defs/d{levels - 1}"}


def test_a_schema_whose_refs_multiply_is_not_checked_past_a_bound() -> None:
    small = check_schema({"x": 1}, _ref_chain(8))  # 256 paths: checked
    assert (small.valid, small.message) == (True, "matches the declared schema")
    assert check_schema([1], _ref_chain(8)).valid is False
    huge = check_schema({"x": 1}, _ref_chain(40))  # a 2 KB schema, 2**40 paths
    assert huge.valid is None
    assert huge.message == (
        "not checked: with its $refs followed the schema has more than 5,000,000 nodes"
    )
    # a schema that refers to itself as its value nests (a tree) is checked as before
    tree = {
        "type": "object",
        "properties": {"children": {"type": "array", "items": {"$ref": "#"}}},
    }
    nested = {"children": [{"children": [{"children": []}]}, {"children": "x"}]}
    assert check_schema(nested, tree).valid is False
    assert check_schema({"children": [{"children": []}]}, tree).valid is True


@pytest.mark.parametrize(
    ("items", "unique"),
    [
        ([{"k": i} for i in range(5000)], True),
        ([{"k": i} for i in range(5000)] + [{"k": 17}], False),
        ([1, 1.0], False),  # the same number to JSON Schema
        ([1, True], True),  # a boolean is no number
        ([0, False, None, "0", [0], {"0": 0}], True),
        ([{"a": 1, "b": [1.0, {"c": 2}]}, {"b": [1, {"c": 2.0}], "a": 1}], False),
        ([[1, 2], [2, 1]], True),
    ],
)
def test_unique_items_in_one_pass_as_jsonschema_decides(items: list[Any], unique: bool) -> None:
    schema = {"type": "array", "uniqueItems": True}
    check = check_schema(items, schema)
    assert check.valid is unique
    if len(items) < 100:  # jsonschema's own check compares every pair
        assert Draft202012Validator(schema).is_valid(items) is unique

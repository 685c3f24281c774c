"""A quick check that a tool's JSON schema is one the 2020-12 metaschema accepts.

jsonschema checks a schema against the 2020-12 metaschema by following its
`$dynamicRef`s through seven vocabularies: milliseconds per schema, a quarter
of a corpus's first load. Tool schemas are nearly always plain (`type`,
`properties`, `required`, `description`, `enum`, `items`...), and for those
the metaschema's rules are simple to state, so `plainly_valid` checks them
directly. It is a sufficient condition only: where it says True, the
metaschema accepts the schema; anything it does not know (a `pattern`, an
`$id`, another `$schema`, a keyword it does not check) makes it say False,
and the caller asks jsonschema, whose answer and message stand.
"""

from __future__ import annotations

import re
from typing import Any

DRAFT_2020_12 = "https://json-schema.org/draft/2020-12/schema"

# Every keyword the 2020-12 metaschema and its vocabularies define (a test holds this list to
# them). Keywords outside it are unknown to the metaschema, which accepts any value for them.
KEYWORDS = frozenset(
    {
        # core
        "$id", "$schema", "$ref", "$anchor", "$dynamicRef", "$dynamicAnchor",
        "$vocabulary", "$comment", "$defs",
        # applicator
        "prefixItems", "items", "contains", "additionalProperties", "properties",
        "patternProperties", "dependentSchemas", "propertyNames", "if", "then", "else",
        "allOf", "anyOf", "oneOf", "not",
        # unevaluated
        "unevaluatedItems", "unevaluatedProperties",
        # validation
        "type", "const", "enum", "multipleOf", "maximum", "exclusiveMaximum", "minimum",
        "exclusiveMinimum", "maxLength", "minLength", "pattern", "maxItems", "minItems",
        "uniqueItems", "maxContains", "minContains", "maxProperties", "minProperties",
        "required", "dependentRequired",
        # meta-data
        "title", "description", "default", "deprecated", "readOnly", "writeOnly", "examples",
        # format-annotation, content
        "format", "contentEncoding", "contentMediaType", "contentSchema",
        # the 2020-12 schema itself, for earlier drafts' keywords
        "definitions", "dependencies", "$recursiveAnchor", "$recursiveRef",
    }
)  # fmt: skip

TYPES = frozenset({"array", "boolean", "integer", "null", "number", "object", "string"})
# a JSON pointer into the schema, written as a URI fragment (RFC 3986's pchar and "/")
_LOCAL_REF = re.compile(r"#(?:[/A-Za-z0-9_.~$!&'()*+,;=:@-]|%[0-9A-Fa-f]{2})*\Z")

_SCHEMA_MAPS = frozenset({"properties", "$defs", "definitions"})  # keyword -> {name: schema}
_SCHEMA_LISTS = frozenset({"allOf", "anyOf", "oneOf"})  # a non-empty list of schemas
_SCHEMAS = frozenset({"items", "additionalProperties", "not"})
_TEXTS = frozenset({"title", "description", "$comment", "format"})
_ANY = frozenset({"default", "const"})
_NUMBERS = frozenset({"minimum", "maximum", "exclusiveMinimum", "exclusiveMaximum"})
_COUNTS = frozenset(
    {"minLength", "maxLength", "minItems", "maxItems", "minProperties", "maxProperties"}
)
_FLAGS = frozenset({"uniqueItems", "deprecated", "readOnly", "writeOnly"})


def plainly_valid(schema: Any) -> bool:
    """Whether the schema is plain and meets the 2020-12 metaschema (False: ask jsonschema).

    The root must be an object whose `$schema`, if any, is 2020-12's; every
    nested schema an object or a boolean using only keywords checked here or
    keywords the metaschema does not know.
    """
    if type(schema) is not dict or schema.get("$schema", DRAFT_2020_12) != DRAFT_2020_12:
        return False
    stack: list[Any] = [{k: v for k, v in schema.items() if k != "$schema"}]
    while stack:
        node = stack.pop()
        if type(node) is bool:
            continue
        if type(node) is not dict:
            return False
        for keyword, value in node.items():
            if keyword not in KEYWORDS:
                continue  # unknown to the metaschema: any value is allowed
            if keyword in _SCHEMA_MAPS:
                if type(value) is not dict:
                    return False
                stack.extend(value.values())
            elif keyword in _SCHEMAS:
                stack.append(value)
            elif keyword in _SCHEMA_LISTS:
                if type(value) is not list or not value:
                    return False
                stack.extend(value)
            elif not _plain_value(keyword, value):
                return False
    return True


def _plain_value(keyword: str, value: Any) -> bool:
    """Whether a keyword that takes no schema has a value the metaschema accepts."""
    kind = type(value)
    if keyword == "type":
        if kind is str:
            return value in TYPES
        return (
            kind is list
            and bool(value)
            and all(type(v) is str and v in TYPES for v in value)
            and len(set(value)) == len(value)
        )
    if keyword == "required":
        return kind is list and all(type(v) is str for v in value) and len(set(value)) == len(value)
    if keyword == "enum":
        return kind is list
    if keyword == "$ref":
        return kind is str and _LOCAL_REF.match(value) is not None
    if keyword in _TEXTS:
        return kind is str
    if keyword in _ANY:
        return True
    if keyword in _NUMBERS:
        return kind is int or kind is float
    if keyword in _COUNTS:
        return kind is int and value >= 0
    if keyword in _FLAGS:
        return kind is bool
    return False  # a keyword of the metaschema this check leaves to jsonschema

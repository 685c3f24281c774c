"""Parse a cassette file's text into plain Python data (YAML or JSON)."""

from __future__ import annotations

import base64
import binascii
from typing import Any

import orjson
import yaml

from vizlib.errors import CassetteError
from vizlib.readers._fastyaml import REFUSED, fast_load

_BaseLoader: Any = getattr(yaml, "CSafeLoader", yaml.SafeLoader)  # C speed where libyaml is built


class CassetteLoader(_BaseLoader):  # type: ignore[misc]
    """PyYAML's C safe loader; tags it does not know are read as plain data, never executed."""


def _construct_unknown(loader: yaml.SafeLoader, tag_suffix: str, node: yaml.Node) -> Any:
    if isinstance(node, yaml.MappingNode):
        return loader.construct_mapping(node, deep=True)
    if isinstance(node, yaml.SequenceNode):
        return loader.construct_sequence(node, deep=True)
    return loader.construct_scalar(node)  # type: ignore[arg-type]


def _construct_ruby_binary(loader: yaml.SafeLoader, node: yaml.Node) -> bytes:
    # Ruby's YAML writes binary strings as `!binary |` base64 text.
    text = loader.construct_scalar(node)  # type: ignore[arg-type]
    try:
        return base64.b64decode("".join(str(text).split()))
    except binascii.Error as exc:
        raise yaml.constructor.ConstructorError(
            None, None, f"!binary value is not base64: {exc}", node.start_mark
        ) from exc


CassetteLoader.add_constructor("!binary", _construct_ruby_binary)
CassetteLoader.add_multi_constructor("!", _construct_unknown)
CassetteLoader.add_multi_constructor("tag:yaml.org,2002:python/", _construct_unknown)


MAX_BYTES = 1 << 30  # a cassette larger than 1 GiB is refused, not read
MAX_DEPTH = 64  # real cassettes nest about 20 levels, bodies stored parsed included
MAX_NODES = 2_000_000  # mappings, lists and scalars visited, aliases expanded


def parse_document(content: str | bytes, *, name: str) -> Any:
    """Return the data of a YAML or JSON cassette; raise `CassetteError` if neither.

    Hostile documents are refused within bounded time and memory: more than
    1 GiB, nesting deeper than 64 levels, or aliases that expand past two
    million nodes (a "billion laughs").
    """
    if len(content) > MAX_BYTES:
        raise CassetteError(
            f"file is {len(content):,} bytes; the limit is {MAX_BYTES:,}", file=name
        )
    head = content[:64].lstrip()
    if head[:1] in (b"{", "{", b"[", "["):
        try:
            data = orjson.loads(content)
        except orjson.JSONDecodeError:
            pass  # JSON-looking YAML, or broken JSON: YAML gives the better message
        else:
            check_structure(data, name=name)
            return data
    try:
        data = fast_load(content)  # the same document, faster, where it can be
        if data is REFUSED:
            data = yaml.load(content, Loader=CassetteLoader)
    except yaml.YAMLError as exc:
        raise CassetteError(f"not valid YAML or JSON: {_first_line(exc)}", file=name) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise CassetteError(f"cannot decode the file as text: {exc}", file=name) from exc
    except RecursionError as exc:
        raise CassetteError(f"nesting deeper than {MAX_DEPTH} levels", file=name) from exc
    check_structure(data, name=name)
    return data


def check_structure(data: Any, *, name: str) -> None:
    """Refuse documents nested too deep or whose aliases expand too far; an iterative walk."""
    stack: list[tuple[Any, int]] = [(data, 0)]
    visited = 0
    while stack:
        node, depth = stack.pop()
        visited += 1
        if visited > MAX_NODES:
            raise CassetteError(
                f"more than {MAX_NODES:,} nodes once aliases are expanded (an alias bomb?)",
                file=name,
            )
        if depth > MAX_DEPTH:
            raise CassetteError(f"nesting deeper than {MAX_DEPTH} levels", file=name)
        if isinstance(node, dict):
            stack.extend((value, depth + 1) for value in node.values())
        elif isinstance(node, list):
            stack.extend((item, depth + 1) for item in node)


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())

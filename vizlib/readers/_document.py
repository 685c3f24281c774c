"""Parse a cassette file's text into plain Python data (YAML or JSON)."""

from __future__ import annotations

import base64
import binascii
import re
from typing import Any

import orjson
import yaml

from vizlib.errors import CassetteError
from vizlib.limits import Limits, current
from vizlib.readers._fastyaml import ANCHOR, REFUSED, fast_load

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


_CONTAINERS = frozenset({dict, list})
ALIAS_NODE_BYTES = 32  # each value reached through an alias costs at least this much
# Anchors (see `_fastyaml.ANCHOR`), in text and in bytes.
_ANCHOR_TEXT = ANCHOR
_ANCHOR_BYTES = re.compile(ANCHOR.pattern.encode())


def parse_document(content: str | bytes, *, name: str) -> Any:
    """Return the data of a YAML or JSON cassette; raise `CassetteError` if neither.

    Hostile documents are refused within bounded time and memory (see
    `vizlib.limits.Limits`): content over `file_bytes`, nesting deeper than
    `depth`, or YAML aliases that reach more than `alias_bytes` of text (a
    "billion laughs", or one large string aliased many times).
    """
    limits = current()
    if len(content) > limits.file_bytes:
        raise limits.refusal("file_bytes", f"the file is {len(content):,} bytes", file=name)
    head = content[:64].lstrip()
    if head[:1] in (b"{", "{", b"[", "["):
        try:
            data = orjson.loads(content)
        except orjson.JSONDecodeError:
            pass  # JSON-looking YAML, or broken JSON: YAML gives the better message
        else:
            check_structure(data, name=name, aliases=False)
            return data
    try:
        # the same document, faster, where it can be; its walk bounds the depth, and it has
        # no aliases (anchors send a file to PyYAML)
        data = fast_load(content, max_depth=limits.depth)
        if data is not REFUSED:
            return data
        data = yaml.load(content, Loader=CassetteLoader)
    except yaml.YAMLError as exc:
        raise CassetteError(f"not valid YAML or JSON: {_first_line(exc)}", file=name) from exc
    except (UnicodeDecodeError, ValueError) as exc:
        raise CassetteError(f"cannot decode the file as text: {exc}", file=name) from exc
    except RecursionError as exc:
        raise CassetteError(f"nesting deeper than {limits.depth} levels", file=name) from exc
    if isinstance(content, bytes):
        anchored = _ANCHOR_BYTES.search(content) is not None
    else:
        anchored = _ANCHOR_TEXT.search(content) is not None
    check_structure(data, name=name, aliases=anchored)
    return data


def check_structure(data: Any, *, name: str, aliases: bool = True) -> None:
    """Refuse documents nested too deep or whose aliases reach too much text; iterative walks.

    With `aliases`, a value met a second time (YAML gives an alias the very
    object of its anchor) counts its text, at least `ALIAS_NODE_BYTES` per
    value, against `Limits.alias_bytes`. JSON has no aliases: only depth counts.
    """
    limits = current()
    if aliases:
        _check_aliases(data, limits, name)
    else:
        _check_depth(data, limits, name)


def _check_depth(data: Any, limits: Limits, name: str) -> None:
    # Level by level: each level is the containers one step below the one before, so the
    # walk costs one list comprehension per level rather than Python steps per node.
    level = [data] if type(data) in _CONTAINERS else []
    depth = 0
    while level:
        if depth > limits.depth:
            raise limits.refusal("depth", f"nesting deeper than {limits.depth} levels", file=name)
        level = [
            child
            for node in level
            for child in (node.values() if type(node) is dict else node)
            if type(child) in _CONTAINERS
        ]
        depth += 1


def _check_aliases(data: Any, limits: Limits, name: str) -> None:
    stack: list[tuple[Any, int, bool]] = [(data, 0, False)]
    seen: set[int] = set()
    aliased = 0
    while stack:
        node, depth, repeated = stack.pop()
        if depth > limits.depth:
            raise limits.refusal("depth", f"nesting deeper than {limits.depth} levels", file=name)
        container = isinstance(node, dict | list)
        if container or isinstance(node, str | bytes):
            if not repeated and id(node) in seen:
                repeated = True
            elif not repeated and (container or len(node) > ALIAS_NODE_BYTES):
                seen.add(id(node))
        if repeated:
            size = len(node) if isinstance(node, str | bytes) else 0
            aliased += max(ALIAS_NODE_BYTES, size)
            if aliased > limits.alias_bytes:
                raise limits.refusal(
                    "alias_bytes",
                    "YAML aliases reach more text than the limit (an alias bomb?)",
                    file=name,
                )
        if isinstance(node, dict):
            stack.extend((value, depth + 1, repeated) for value in node.values())
        elif isinstance(node, list):
            stack.extend((item, depth + 1, repeated) for item in node)


def _first_line(exc: Exception) -> str:
    return " ".join(str(exc).split())

"""A faster YAML parser (py-yaml12, Rust) used only where it gives exactly what PyYAML gives.

PyYAML's C loader stays the reference. py-yaml12 parses cassettes about four
times faster, but it reads YAML 1.2, where PyYAML reads YAML 1.1: plain
scalars such as `yes`, `017`, `1e3`, `1_000` or `2024-01-02` mean different
things, integers of 2^63 or more become floats, and tags other than
`!!binary` come back wrapped. It also has no bound on alias expansion and
crashes on very deep block nesting. So `fast_load` first scans the text for
anything where the two could differ or where the fast parser is unsafe, and
returns `REFUSED` for such a file (and for any file it cannot parse); the
caller then uses PyYAML. The scan is a superset: text inside quoted and
block scalars that merely looks like such a construct also sends a file to
PyYAML, which costs time, never correctness.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from functools import cache
from typing import Any, Final

__all__ = ["REFUSED", "available", "fast_load"]

REFUSED: Final = object()

# Where a plain scalar ends: the line's end, a comment, a flow indicator, or a key's colon.
_END = r"(?=[ \t]*(?:\r?$|\#|[,\]}]|:(?:[ \t\r]|$)))"
# Plain scalars both parsers read as the same number: decimal ints that fit 63 bits,
# floats with a dot (and an exponent with its sign), infinities and NaN.
_SAME_NUMBER = (
    r"(?:[-+]?(?:0|[1-9][0-9]{0,17})"
    r"|[-+]?(?:0|[1-9][0-9]*)\.[0-9]*(?:[eE][-+][0-9]+)?"
    r"|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))"
)
# Anything either YAML 1.1 or YAML 1.2 might read as a number (underscores, colons,
# octal, binary and hex forms, exponents): wider than both grammars.
_NUMBER_LIKE = (
    r"(?:[-+]?(?:0[xXoObB][0-9a-fA-F_]*|[0-9_]+(?::[0-9_]+)*(?:\.[0-9_]*)?|\.[0-9_]+)"
    r"(?:[eE][-+]?[0-9_]+)?|[-+]?\.(?:inf|Inf|INF|nan|NaN|NAN))"
)
# Spaces outside ASCII (no-break, en, em, ideographic...): the fast parser reads a plain
# scalar made only of them as empty.
_UNICODE_SPACE = "\xa0\u1680\u2000-\u200a\u202f\u205f\u3000"
# What, where a node starts, the two parsers may read differently or the fast one unsafely.
_NODE_DIFFERS = (
    f"(?=[yYnNoO<=0-9+.&!?{_UNICODE_SPACE}-])(?:"
    + "|".join(
        [
            # a node that starts with a space YAML 1.2 trims and 1.1 keeps (`- \xa0` is
            # "\xa0" to PyYAML, null to the fast parser)
            f"[{_UNICODE_SPACE}]",
            r"(?:yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF|<<|=)" + _END,  # YAML 1.1 only
            rf"(?!{_SAME_NUMBER}{_END}){_NUMBER_LIKE}{_END}",  # numbers read differently
            r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}",  # YAML 1.1 timestamps
            # anchors: the expansion of their aliases is not bounded (an alias with no anchor
            # is an error to both parsers)
            r"&",
            r"!(?!!?binary[ \t\r\n])",  # tags other than binary
            r"\?(?:[ \t\r]|$)",  # complex keys
        ]
    )
    + ")"
)
# Each pattern starts with a literal, which the regex engine finds fast (patterns that start
# with the same character are one pattern: one scan of the text each); together they
# look wherever a node may start: after a line break and indentation, a block indicator and
# a space, a flow indicator, or the colon after a key (a quoted key's colon needs no space).
_DIFFERS = tuple(
    re.compile(pattern, re.MULTILINE)
    for pattern in [
        # a node at a line's start; directives; deep block nesting (the fast parser's stack
        # is not bounded)
        r"\n(?:[ \t]*" + _NODE_DIFFERS + r"|%| {200})",
        r":[ \t]+" + _NODE_DIFFERS,
        r"\":[ \t]*" + _NODE_DIFFERS,  # two characters: faster alone than as a lookbehind
        r"':[ \t]*" + _NODE_DIFFERS,
        # a node after a block indicator; deep compact nesting on one line
        r"-[ \t]+(?:" + _NODE_DIFFERS + r"|(?:[-?][ \t]+){15})",
        r"\?[ \t]+" + _NODE_DIFFERS,
        r",[ \t]*" + _NODE_DIFFERS,
        r"\[[ \t]*" + _NODE_DIFFERS,
        r"\{[ \t]*" + _NODE_DIFFERS,
        r"\][ \t]*:",  # a flow collection as a key
        r"\}[ \t]*:",
    ]
)
# A second document, or text after an end marker (the first line may start a document).
_MORE_DOCUMENTS = re.compile(r"\n(?:---(?=[ \t\r\n]|$)|\.\.\.(?=[ \t\r\n]|$)(?![ \t\r\n]*\Z))")
# Characters PyYAML refuses, and line breaks of YAML 1.1 that YAML 1.2 reads as text.
_UNLIKE_CHARACTERS = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
    "\U00010000-\U0010ffff]"
)
_TEXT_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_HIGH_BYTES = bytes(range(0x80, 0x100))
# The same characters in UTF-8: C1 controls, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF.
_UNLIKE_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef(?:\xbb\xbf|\xbf[\xbe\xbf])")


def _unlike(content: str | bytes) -> bool:
    """Whether the text holds a character the two parsers treat differently."""
    if isinstance(content, str):
        return _UNLIKE_CHARACTERS.search(content) is not None
    rest = content.translate(None, _TEXT_BYTES)  # what is not printable ASCII, in order
    if not rest:
        return False
    if rest.translate(None, _HIGH_BYTES):
        return True  # an ASCII control character
    # Only multi-byte characters remain; each keeps its bytes together.
    return _UNLIKE_UTF8.search(rest) is not None


def _binary(value: Any) -> bytes:
    # As PyYAML's `!!binary`: base64 ignoring line breaks; a bad value raises, and
    # PyYAML then reports it.
    return base64.decodebytes(str.encode(value, "ascii"))


def _ruby_binary(value: Any) -> bytes:
    # As the cassette loader's Ruby `!binary`.
    return base64.b64decode("".join(str.split(value)))


_HANDLERS: Final[dict[str, Callable[[Any], Any]]] = {
    "tag:yaml.org,2002:binary": _binary,
    "!binary": _ruby_binary,
}


@cache
def _parser() -> Callable[..., Any] | None:
    """py-yaml12's parse function, imported on first use; None where it is not installed."""
    try:
        from yaml12 import parse_yaml  # noqa: PLC0415 - optional, loaded with the first cassette
    except ImportError:
        return None
    return parse_yaml


def available() -> bool:
    """Whether the fast parser is installed."""
    return _parser() is not None


def fast_load(content: str | bytes) -> Any:
    """The document in `content`, as PyYAML's cassette loader reads it, or `REFUSED`.

    `REFUSED` means: parse this one with PyYAML (the fast parser is not
    installed, refused the text, or the text holds something it reads
    differently).
    """
    parse = _parser()
    if parse is None or _unlike(content):
        return REFUSED
    if isinstance(content, bytes):
        try:
            text = content.decode("utf-8")
        except UnicodeDecodeError:
            return REFUSED
    else:
        text = content
    lines = "\n" + text  # so that the first line starts after a line break, as the others do
    if _MORE_DOCUMENTS.search(lines, 1) or any(pattern.search(lines) for pattern in _DIFFERS):
        return REFUSED
    try:
        return parse(text, handlers=_HANDLERS)
    except Exception:  # any refusal: PyYAML parses the file and reports what is wrong
        return REFUSED

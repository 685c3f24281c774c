"""A faster YAML parser (py-yaml12, Rust) used only where it gives exactly what PyYAML gives.

PyYAML's C loader stays the reference. py-yaml12 parses cassettes about four
times faster, but it reads YAML 1.2, where PyYAML reads YAML 1.1: plain
scalars such as `yes`, `017`, `1e3`, `1_000` or `2024-01-02` mean different
things, integers of 2^63 or more become floats, and tags are resolved by
other rules. It also has no bound on alias expansion and crashes on very deep
block nesting. So `fast_load` returns `REFUSED` (and the caller uses PyYAML)
for any file where the two could differ, found in two steps:

- before parsing, a few scans of the text, each for a literal that starts
  what the parsed document cannot show: anchors, directives, a second
  document, explicit core tags, integers with a leading zero (`017` is 15
  to PyYAML and 17 to YAML 1.2), deep nesting, characters the two read
  differently, and two things a hand edit leaves that PyYAML refuses and
  YAML 1.2 reads: a tab in indentation, and a key's colon against a flow
  indicator (`{a:, b}`);
- after parsing, one walk over the document's values: a tagged or complex
  node; a float, where the text holds a plain scalar YAML 1.2 reads as a
  float and YAML 1.1 does not; a string YAML 1.1 would resolve to another
  type (and YAML 1.2 to a string), where the text holds it unquoted.

Every check is a superset: text inside a quoted body that merely looks like
such a construct also sends its file to PyYAML, which costs time, never
correctness. Long quoted bodies are scanned only for a few literals, so the
checks cost a fraction of the parse.

Most files hold none of it, and for them both steps are replaced by a
screen: one pass of RE2 over the text for a superset of what the two steps
look for in it, and one dump of the parsed document by orjson (in C), which
fails on a tagged or complex node and shows the document's depth. Where the
screen finds anything, the two steps decide. (The second step takes any
string holding a space for plain, as a plain scalar may be folded; a quoted
timestamp holding a space or an escaped tab passes the screen, and is text to both.)

A text PyYAML refuses in other ways is not always refused by py-yaml12 (a
document that starts with a bare `:`, text after a closing bracket, a plain
key ending in a quote against a flow indicator, `{a':, b}`): no recorder
writes one, and vizlib reads what py-yaml12 reads there. A key given twice
keeps the last value in both, and its first place in PyYAML's mapping, its
last in py-yaml12's.
"""

from __future__ import annotations

import base64
import re
from collections.abc import Callable
from functools import cache
from typing import Any, Final

import orjson
from yaml.resolver import Resolver

from vizlib.linear import found, one_of

__all__ = ["REFUSED", "available", "fast_load"]

REFUSED: Final = object()

# Where a plain scalar may start (after a space, a flow indicator or a colon, or at the
# text's start), and where it ends: the line's end, a comment, a flow indicator, a key's colon.
_STARTS = r"(?<![^\s\[{,:])"
_ENDS = r"(?=[ \t]*(?:\r?\n|\#|[,\]}]|:(?:[ \t\r\n]|\Z)|\Z))"
# Before parsing, what the parsed document would not show. Each pattern starts with a
# literal, which the regex engine finds fast; those with a `trigger` run only where that
# character, rare in cassettes, is in the text at all (a test as fast as a memory scan).
_AT_LINE_START = re.compile(
    r"\n(?:"
    r"%"  # a directive (`%TAG` renames tags)
    # a second document, or text after an end marker (a first line may start the document)
    r"|(?<!\A\n)---(?=[ \t\r\n]|\Z)|\.\.\.(?=[ \t\r\n]|\Z)(?![ \t\r\n]*\Z)"
    # deep block nesting, which overflows the fast parser's stack: deep indentation, or
    # compact levels (`- - - x`), makes a long run of spaces and indicators
    r"|[ \t?:-]{200})"
)
# An integer with a leading zero: octal to YAML 1.1, decimal (or `0o` octal) to YAML 1.2.
_LEADING_ZERO = re.compile(r"0(?:(?<=[\s\[{,:]0)|(?<=[\s\[{,:][-+]0))[0-9oO][0-9]*" + _ENDS)
# The same two at the text's start, where no line break or separator comes before them (a
# first line's `---` starts the first document).
_AT_TEXT_START = re.compile(
    r"%|\.\.\.(?=[ \t\r\n]|\Z)(?![ \t\r\n]*\Z)|[ \t?:-]{200}|[-+]?0[0-9oO][0-9]*" + _ENDS
)
# An anchor (`&name`) starts a node: at the text's start (a byte order mark aside), or after
# a space, a flow indicator (`[`, `{`, `,`) or a colon (`{"a":&x [...]}` is YAML too). The
# pattern starts with its literal `&`, so the engine jumps from one `&` to the next.
ANCHOR = re.compile("&(?<![^\\s\\[{,:\ufeff]&)\\S")
# Hex integers of 2^63 or more: an integer to PyYAML, text to the fast parser.
_BIG_HEX = re.compile(r"0x(?<![^\s\[{,:][-+]0x)(?<![^\s\[{,:+-]0x)[0-9a-fA-F_]{16,}" + _ENDS)
_TRIGGERED = (
    # explicit core tags, which the two resolve by their own rules (`!!int '017'`);
    # `!!binary` is read by a handler as PyYAML reads it. Local tags come back wrapped.
    ("!", re.compile(r"!(?<![^\s\[{,:]!)(?:!(?!binary[ \t\r\n])|<)")),
    # anchors: the fast parser does not bound the expansion of their aliases
    ("&", ANCHOR),
    ("0x", _BIG_HEX),
    # a tab in a line's indentation, or after a block indicator: PyYAML refuses the text
    ("\t", re.compile(r"(?:^|\n)[ ]*\t|[-?:][ ]*\t")),
    # a `?` that starts a node in a flow collection: a key to PyYAML, text to YAML 1.2
    ("?", re.compile(r"[\[{,]\s*\?")),
)
# A block scalar left empty at the text's end: no text to PyYAML, a line break to YAML 1.2.
_EMPTY_LAST_BLOCK = re.compile(r"[|>][-+0-9]*[ \t]*(?:#[^\n]*)?\n[ \t\n]*\Z")
# A key's colon written against a flow indicator (`{a:, b}`): PyYAML refuses the text, and
# a colon after a quote is the only such colon it reads (a plain scalar that ends in a
# quote, `{a':, b}`, is not told apart: read by the fast parser, refused by PyYAML).
_FLOW_COLON = re.compile(r":(?<![\"']:)[,?\[\]{}]")
# Plain scalars YAML 1.2 reads as floats where YAML 1.1 reads a string or an integer:
# exponents without a dot or a sign, signed dots, integers too long for 64 bits. The pattern
# starts with its first character's set (found fast), then checks what came before it.
_FLOAT_DIFFERS = re.compile(
    r"[-+.0-9](?<![^\s\[{,:][-+.0-9])(?:"
    r"(?<=[-+])(?:(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+|\.[0-9]+|[0-9]{19,})"
    r"|(?<=[0-9])(?:[0-9_]*(?:\.[0-9_]*)?[eE][-+]?[0-9]+|[0-9]{18,})"
    r"|(?<=\.)[0-9_]+[eE][-+]?[0-9]+"
    r")" + _ENDS
)


def _text_differs(text: str) -> bool:
    """Whether the text holds, before parsing, something the two parsers may read differently."""
    if "\r" in text:  # a lone CR also ends a line
        return _text_differs(text.replace("\r\n", "\n").replace("\r", "\n"))
    return (
        _AT_TEXT_START.match(text) is not None
        or _AT_LINE_START.search(text) is not None
        or _LEADING_ZERO.search(text) is not None
        or _FLOW_COLON.search(text) is not None
        or any(trigger in text and pattern.search(text) for trigger, pattern in _TRIGGERED)
    )


# Characters PyYAML refuses, and line breaks of YAML 1.1 that YAML 1.2 reads as text.
_UNLIKE_CHARACTERS = re.compile(
    "[^\x09\x0a\x0d\x20-\x7e\xa0-\u2027\u202a-\ud7ff\ue000-\ufefe\uff00-\ufffd"
    "\U00010000-\U0010ffff]"
)
_TEXT_BYTES = bytes(range(0x20, 0x7F)) + b"\t\n\r"
_HIGH_BYTES = bytes(range(0x80, 0x100))
# The same characters in UTF-8: C1 controls, U+2028, U+2029, U+FEFF, U+FFFE, U+FFFF.
_UNLIKE_UTF8 = re.compile(rb"\xc2[\x80-\x9f]|\xe2\x80[\xa8\xa9]|\xef(?:\xbb\xbf|\xbf[\xbe\xbf])")
# Spaces outside ASCII: YAML 1.2 reads a plain scalar made only of them as null, YAML 1.1
# as the characters.
_UNICODE_SPACE = re.compile("[\xa0\u1680\u2000-\u200a\u202f\u205f\u3000]")


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


def _implicit(patterns: list[str]) -> str:
    return "|".join(f"(?:{p.removeprefix('^').removesuffix('$')})" for p in patterns)


def _read_differently() -> re.Pattern[str]:
    """Strings, each between NULs, that YAML 1.1 resolves to another type and YAML 1.2 does not.

    YAML 1.1's implicit types are PyYAML's own resolvers (null aside: the two
    agree on it); YAML 1.2's are its core schema. A string in the parsed
    document that YAML 1.2 would resolve to another type was quoted, and is a
    string to both.
    """
    yaml11 = sorted(
        {
            regexp.pattern
            for resolvers in Resolver.yaml_implicit_resolvers.values()
            for tag, regexp in resolvers
            if tag != "tag:yaml.org,2002:null"
        }
    )
    yaml12 = [
        r"null|Null|NULL|~|",
        r"true|True|TRUE|false|False|FALSE",
        r"[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+",
        r"[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?",
        r"[-+]?\.(?:inf|Inf|INF)|\.nan|\.NaN|\.NAN",
    ]
    first = "[-+.0-9yYnNoOtTfF<=!&*]"  # what YAML 1.1's implicit types start with
    return re.compile(
        rf"\x00(?={first})((?!(?:{_implicit(yaml12)})\x00)(?:{_implicit(yaml11)}))(?=\x00)",
        re.VERBOSE,
    )


_DIFFERENT_STRING = _read_differently()
# What the fast parser gives that PyYAML would give alike; not floats (`1e3` is a string to
# YAML 1.1), nor the wrapper it puts around tagged nodes and complex keys.
_ALIKE: Final = frozenset({str, int, bool, type(None), bytes, dict, list})
_ALIKE_OR_FLOAT: Final = _ALIKE | {float}


def _document_differs(data: Any, text: str, max_depth: int) -> bool:
    """Whether the parsed document holds a value PyYAML may read differently (see above).

    A document nested deeper than `max_depth` counts as differing too: PyYAML
    then parses it, and the caller refuses it with the limit's message.
    """
    strings: list[str] = []
    floats = nulls = False
    level = [data]
    depth = 0
    while level:
        kinds = set(map(type, level))
        if not kinds <= _ALIKE:
            if not kinds <= _ALIKE_OR_FLOAT:
                return True  # a tagged or complex node, which the fast parser wraps
            floats = True
        if str in kinds:
            strings += [value for value in level if type(value) is str]
        nulls = nulls or type(None) in kinds
        if dict not in kinds and list not in kinds:
            break
        if depth > max_depth:  # containers this deep: as `check_structure` counts
            return True
        depth += 1
        level = [
            item
            for node in level
            if type(node) is dict or type(node) is list
            for item in ((*node, *node.values()) if type(node) is dict else node)
        ]
    if floats and _FLOAT_DIFFERS.search(text):
        return True
    if nulls and not text.isascii() and _UNICODE_SPACE.search(text):
        return True
    # Long strings (bodies) are strings to YAML 1.1 unless made only of a number's characters,
    # or timestamps (a fraction has no bound), and written plain (a plain scalar without
    # spaces is in the text as it is in the value).
    short = {s for s in strings if len(s) <= _SHORT}  # keys and values repeat: each once
    long = {s for s in strings if len(s) > _SHORT}
    numbers = {s for s in long if not s.strip(_NUMBER_CHARACTERS)}
    if any(_written_plain(number, text) for number in numbers):
        return True
    dated = {s for s in long if _DATE.match(s)}
    suspects = set(_DIFFERENT_STRING.findall("\x00" + "\x00".join(short | dated) + "\x00"))
    return any(_written_plain(suspect, text) for suspect in suspects)


_SHORT = 64  # longer than any YAML 1.1 boolean or merge key, and most timestamps
_DATE = re.compile(r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[Tt \t]")  # how a long timestamp starts
_NUMBER_CHARACTERS = "0123456789_+-.:eExXoObBabcdfABCDF"


def _written_plain(string: str, text: str) -> bool:
    """Whether `string` may be written as a plain scalar in `text` (else it was quoted)."""
    if " " in string or "\t" in string:
        return True  # a plain scalar folded from several lines: not found as written
    literal = re.escape(string)  # first, so that the engine finds it fast
    return re.search(rf"{literal}(?<![^\s\[{{,:]{literal})" + _ENDS, text) is not None


# The screen's pass over the text (RE2): a superset of what `_text_differs` looks for, and
# of the plain scalars `_document_differs` looks for. Where a plain scalar may start and end,
# as `_STARTS` and `_ENDS` say (YAML separates tokens with spaces, tabs and line breaks).
_SCREEN_START = r"(?:^|[\t\n\r \[{,:])"
_SCREEN_END = r"[ \t]*(?:\r?\n|#|[,\]}]|:(?:[ \t\r\n]|$)|$)"
_SCREEN_PLAIN = "|".join(
    [
        r"yes|Yes|YES|no|No|NO|on|On|ON|off|Off|OFF",  # YAML 1.1's booleans, and not 1.2's
        r"<<|=|[!&*]",  # merge and value keys; a lone tag, anchor or alias indicator
        r"[-+]?0b[0-1_]+",  # binary integers
        r"[-+]?0x[0-9a-fA-F_]*_[0-9a-fA-F_]*|[-+]0x[0-9a-fA-F_]+",  # hex YAML 1.2 does not read
        r"[-+]?\.?[0-9][0-9.eE+\-]*[_:][0-9_.:eE+\-]*",  # underscores, sexagesimal numbers
        r"[-+]?0[0-9oO][0-9]*",  # leading zeros (`_LEADING_ZERO`)
        # what `_FLOAT_DIFFERS` finds: exponents, signed dots, integers past 64 bits
        r"[-+]?(?:[0-9][0-9_]*(?:\.[0-9_]*)?|\.[0-9_]+)[eE][-+]?[0-9]+",
        r"[-+]\.[0-9]+",
        r"[-+]?[0-9]{18,}",
        r"[-+]?0x[0-9a-fA-F_]{16,}",  # hex integers of 2^63 or more (`_BIG_HEX`)
    ]
)
_SCREEN = "|".join(
    [
        _SCREEN_START + "(?:" + _SCREEN_PLAIN + ")" + _SCREEN_END,
        # timestamps: a date alone or with a time, plain; with spaces, anywhere (a string
        # holding a space may be folded over lines, so `_written_plain` takes it as plain)
        _SCREEN_START + r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}(?:[Tt \t]|" + _SCREEN_END + ")",
        r"[0-9]{4}-[0-9]{1,2}-[0-9]{1,2}[ \t]+[0-9]",
        # a long plain scalar made only of a number's characters
        _SCREEN_START + one_of(_NUMBER_CHARACTERS) + f"{{{_SHORT + 1},}}" + _SCREEN_END,
        # `_AT_LINE_START`: directives, a second document (a first line's `---` starts the
        # first, and an end marker may close the text), deep block nesting
        r"(?:^|\n)(?:%|\.\.\.[ \t\r\n]+[^ \t\r\n]|[ \t?:-]{200})|\n---(?:[ \t\r\n]|$)",
        # `_TRIGGERED`: a core tag other than `!!binary ` or a verbatim tag; an anchor
        _SCREEN_START
        + r"!(?:<|!(?:$|[^b]|b(?:$|[^i]|i(?:$|[^n]|n(?:$|[^a]|a(?:$|[^r]|r(?:$|[^y]"
        + r"|y(?:$|[^ \t\r\n]))))))))",
        r"(?:^|[\t\n\r \[{,:\x{feff}])&[^\t\n\r ]",
        # what PyYAML refuses: a tab in indentation or after an indicator, `_FLOW_COLON`
        r"(?:^|\n) *\t|[-?:] *\t|(?:^|[^\"']):[,?\[\]{}]",
        # a `?` starting a node in a flow collection
        r"[\[{,][\t\n\r ]*\?",
        # spaces outside ASCII (`_UNICODE_SPACE`)
        r"[\x{a0}\x{1680}\x{2000}-\x{200a}\x{202f}\x{205f}\x{3000}]",
    ]
)


# The screen's dump indents each value by its depth: a text of nested flow collections
# (`[[[[1, 1, ...]]]]`) can make a dump hundreds of times its size. Larger texts are walked
# by the check after parsing, which makes nothing: up to this size a dump stays under about
# 70 MB.
SCREENED_BYTES = 256 * 1024


def _screened(content: str | bytes) -> bool:
    """Whether one pass over the text finds nothing the checks before and after parsing seek.

    A lone CR (a line break to YAML) is left to those checks.
    """
    if isinstance(content, bytes):
        return b"\r" not in content and not found(_SCREEN, content)
    return "\r" not in content and not found(_SCREEN, content)


def _no_bytes(value: Any) -> None:
    if type(value) is not bytes:  # bytes (from `!!binary`) are alike: dumped as null
        raise TypeError(type(value).__name__)


def _dump_alike(data: Any, max_depth: int) -> bool:
    """Whether a screened document holds only values PyYAML reads alike, within `max_depth`.

    The dump (orjson, two spaces an indent) fails on a node the fast parser
    wraps (a tagged or complex one) and on an integer past 64 bits; a line
    indented `2 * (max_depth + 1)` spaces or more is a value below a container
    that deep. What the checks look for in strings, the screen looked for in the text.
    """
    try:
        dump = orjson.dumps(
            data, default=_no_bytes, option=orjson.OPT_NON_STR_KEYS | orjson.OPT_INDENT_2
        )
    except (TypeError, orjson.JSONEncodeError):
        return False
    return b"\n" + b" " * (2 * (max_depth + 1)) not in dump


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


def fast_load(content: str | bytes, max_depth: int = 64) -> Any:
    """The document in `content`, as PyYAML's cassette loader reads it, or `REFUSED`.

    `REFUSED` means: parse this one with PyYAML (the fast parser is not
    installed, refused the text, or the text holds something it may read
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
    if (text and not text.endswith("\n")) or _EMPTY_LAST_BLOCK.search(text[-256:]):
        return REFUSED  # a block scalar cut by the text's end keeps no line break to PyYAML
    # The screen finds all that `_text_differs` seeks, in one pass of RE2: a text it
    # passes needs no other check before parsing, whatever its size.
    screened = _screened(content)
    if not screened and _text_differs(text):
        return REFUSED
    try:
        data = parse(text, handlers=_HANDLERS)
    except Exception:  # any refusal: PyYAML parses the file and reports what is wrong
        return REFUSED
    if screened and len(content) <= SCREENED_BYTES and _dump_alike(data, max_depth):
        return data
    return REFUSED if _document_differs(data, text, max_depth) else data

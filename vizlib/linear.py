"""Long texts searched in one pass by RE2, where Python's engine is slow.

Python's `re` tries a pattern that starts with alternatives at every position
of a text, and a test for any of many words is one pass over the text per
word. RE2 (google-re2, already used for schema patterns) runs a DFA: one pass
whatever the pattern, in time linear in the text, falling back to its slower
engines (never to a wrong answer) where the DFA would need too much memory.
It pays for long texts only: each call encodes the text to UTF-8.
"""

from __future__ import annotations

from collections.abc import Sequence
from functools import cache
from typing import Any

# What Python's `\s` matches in a text (str.isspace), which RE2's `\s` does not all match.
PYTHON_SPACES = (
    "\t\n\x0b\x0c\r\x1c\x1d\x1e\x1f \x85\xa0\u1680"
    + "".join(map(chr, range(0x2000, 0x200B)))
    + "\u2028\u2029\u202f\u205f\u3000"
)


def literal(text: str) -> str:
    """`text` as an RE2 pattern that matches it exactly."""
    return "".join(c if c.isascii() and (c.isalnum() or c == "_") else _code(c) for c in text)


def any_of(words: Sequence[str]) -> str:
    """An RE2 pattern that matches any of `words`."""
    return "|".join(literal(word) for word in words)


def one_of(characters: str) -> str:
    """An RE2 class that matches any of `characters`."""
    return "[" + "".join(map(_code, characters)) + "]"


def spaces() -> str:
    """An RE2 class of the characters that Python's whitespace class matches."""
    return one_of(PYTHON_SPACES)


def _code(c: str) -> str:
    return f"\\x{{{ord(c):x}}}"


def found(pattern: str, text: str | bytes) -> bool:
    """Whether RE2's `pattern` matches anywhere in `text` (bytes are read as UTF-8)."""
    if isinstance(text, str):
        text = text.encode("utf-8", "surrogatepass")
    return _compiled(pattern).search(text) is not None


@cache
def _compiled(pattern: str) -> Any:
    import re2  # noqa: PLC0415 - loaded with the first long text

    return re2.compile(pattern)

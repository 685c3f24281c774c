"""Text from a cassette made safe to print on a terminal.

A cassette can hold any characters: escape sequences that clear the screen,
set the window title or make OSC 8 links, and rich markup such as `[/x]`
that would crash or restyle the CLI's output. Every CLI path that prints
cassette-derived text goes through `plain` (or `markup`, where the text is
printed inside rich markup, or `cell`, for a table).
"""

from __future__ import annotations

import re

from rich.markup import escape
from rich.text import Text

# ESC sequences: CSI (`ESC [` ... final byte), OSC / DCS / SOS / PM / APC strings
# (ended by BEL or ST, or unterminated to the end), and two-character escapes;
# the same introduced by their 8-bit C1 forms.
_SEQUENCES = re.compile(
    r"(?:\x1b\[|\x9b)[0-?]*[ -/]*[@-~]?"
    r"|(?:\x1b[\]PX^_]|[\x90\x98\x9d\x9e\x9f])[^\x07\x1b\x9c]*(?:\x07|\x1b\\|\x9c)?"
    r"|\x1b[ -/]*[0-~]?"
)
# Other control characters, and bidirectional overrides that reorder what is shown.
_CONTROLS = re.compile(r"[\x00-\x08\x0b-\x1f\x7f-\x9f\u202a-\u202e\u2066-\u2069]")


def plain(text: object, *, newlines: bool = False) -> str:
    """`text` without terminal escape sequences; other control characters shown as `?`.

    Tabs become spaces; line breaks are kept only with `newlines=True`, so a
    one-line message stays one line.
    """
    cleaned = _SEQUENCES.sub("", str(text))
    cleaned = cleaned.replace("\t", " ")
    if not newlines:
        cleaned = cleaned.replace("\r\n", " ").replace("\n", " ")
    return _CONTROLS.sub("?", cleaned)


def markup(text: object) -> str:
    """`plain(text)` with rich markup escaped, to place inside a markup string."""
    return escape(plain(text))


def cell(text: object) -> Text:
    """`plain(text)` as a rich `Text`, which is never read as markup (for tables and titles)."""
    return Text(plain(text))

"""How much text a report holds: long texts folded, very long ones cut with a note.

A report stays bounded whatever the cassette: a text is shown in full up to
`FOLD_AT` characters, the rest of it up to `TEXT_CAP` sits in a fold, and
what lies beyond is cut with a note saying how much. Each text is written
once: the folded part is the rest of the text, not a second copy.
"""

from __future__ import annotations

from dataclasses import dataclass

FOLD_AT = 600
TEXT_CAP = 20_000
RAW_CAP = 50_000
DOWNLOAD_CAP = 1_000_000
REPLAY_CAP = 100_000


@dataclass(frozen=True, slots=True)
class Capped:
    """A text split for display: shown at once, folded, and how many characters were cut."""

    head: str
    rest: str
    cut: int
    total: int


def capped(text: str, *, fold_at: int = FOLD_AT, cap: int = TEXT_CAP) -> Capped:
    """`text` as the report shows it: the first `fold_at` characters, the rest up to `cap`."""
    kept = text[:cap]
    return Capped(kept[:fold_at], kept[fold_at:], max(0, len(text) - cap), len(text))

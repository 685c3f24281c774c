"""How a report loads many cassettes: each file decoded once, for its frames and its section.

`load_many` decodes every file to build the corpus's frames; `report_corpus`
asks it to keep each `Cassette` it decodes in this process, so the sections
are built from those cassettes instead of decoding the files a second time.
Cassettes decoded by a pool of the load (a large corpus) or read from the
cache are not kept: their sections decode their files, as `Corpus.cassette`.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from typing import Any, Literal

from vizlib.cassette import Cassette
from vizlib.corpus import Corpus, as_corpus, load_many


@dataclass(frozen=True, slots=True)
class Keep:
    """`load_many`'s `each`: the cassette itself, where decoded in the process that asked."""

    pid: int = field(default_factory=os.getpid)

    def __call__(self, cassette: Cassette) -> Cassette | None:
        """The cassette in this process; None in another (no cassette is sent back)."""
        return cassette if os.getpid() == self.pid else None


def report_corpus(
    source: Any, *, errors: Literal["show", "raise"] = "show", progress: bool | None = None
) -> Corpus:
    """`source` (files, a folder, a glob, a `Corpus`) loaded, keeping what it decodes.

    See `kept` for the cassettes kept; `errors` as in `as_corpus`.
    """
    corpus = (
        source if isinstance(source, Corpus) else load_many(source, progress=progress, each=Keep())
    )
    return as_corpus(corpus, errors)


def kept(corpus: Corpus) -> dict[str, Cassette]:
    """The cassettes of `corpus` its load kept in this process, by name."""
    return {name: c for name, c in corpus.results.items() if isinstance(c, Cassette)}

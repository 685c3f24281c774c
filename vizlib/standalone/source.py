"""How a report loads many cassettes: each file decoded once, for its frames and its section.

`load_many` decodes every file to build the corpus's frames; `report_corpus`
asks it to keep each `Cassette` it decodes (its `each`), so the sections are
built from those cassettes instead of decoding the files a second time.

Cassettes are kept only for a corpus small enough for `load_many` to decode
in one process (below `PARALLEL_FILES` files and `PARALLEL_BYTES`); a larger
one, or files read from the cache, have their sections decode their files,
as `Corpus.cassette` does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable
from typing import Any, Literal

from vizlib.cassette import Cassette
from vizlib.corpus import PARALLEL_BYTES, PARALLEL_FILES, Corpus, as_corpus, discover, load_many


def keep(cassette: Cassette) -> Cassette:
    """`load_many`'s `each` for a report: the cassette itself."""
    return cassette


def report_corpus(
    source: Any,
    *,
    errors: Literal["show", "raise"] = "show",
    progress: bool | None = None,
    cache: bool = True,
) -> Corpus:
    """`source` (files, a folder, a glob, a `Corpus`) loaded, keeping what it decodes.

    See `kept` for the cassettes kept; `errors` as in `as_corpus`, `progress`
    and `cache` as in `load_many`.
    """
    if isinstance(source, Corpus):
        return as_corpus(source, errors)
    if isinstance(source, Iterable) and not isinstance(source, str | os.PathLike):
        source = list(source)  # read twice: to size it, then to load it
    files = discover(source)
    small = len(files) < PARALLEL_FILES and _bytes(files) < PARALLEL_BYTES
    corpus = load_many(source, progress=progress, cache=cache, each=keep if small else None)
    return as_corpus(corpus, errors)


def _bytes(files: list[tuple[Any, str]]) -> int:
    total = 0
    for path, _ in files:
        try:
            total += os.stat(path).st_size
        except OSError:  # the load names it as a failure
            continue
    return total


def kept(corpus: Corpus) -> dict[str, Cassette]:
    """The cassettes of `corpus` its load kept, by name."""
    return {name: c for name, c in corpus.results.items() if isinstance(c, Cassette)}

"""How a report loads many cassettes: each file decoded once, for its frames and its section.

`load_many` decodes every file to build the corpus's frames; `report_corpus`
has it build each cassette's section too, where the cassette is decoded, so
no file is decoded twice:

- a corpus large enough to gain from worker processes (see `workers_for`)
  is loaded by a forked pool whose workers build the sections of each batch
  of files they decode, from the batch's own rows (`SectionsOfBatch`); if
  a worker dies, the corpus is loaded as a smaller one is;
- a smaller one is loaded in this process, which keeps each `Cassette` it
  decodes, and the report builds the sections from those.

Files read from the cache are not decoded, so their sections decode their
files, as `Corpus.cassette` does.
"""

from __future__ import annotations

import os
from collections.abc import Iterable, Mapping, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from dataclasses import dataclass
from typing import Any, Literal

import pyarrow as pa

from vizlib.cache import KEY
from vizlib.cassette import Cassette
from vizlib.collector import collector_paused
from vizlib.corpus import (
    FORKED,
    Corpus,
    as_corpus,
    discover,
    load_many,
    pooled,
    worker_context,
)
from vizlib.frames.columns import FRAMES
from vizlib.frames.table import table_to_frame
from vizlib.standalone.frames import FRAME_NAMES, SplitFrames
from vizlib.standalone.parallel import compile_templates, workers_for
from vizlib.standalone.sections import Section, build_section


def keep(cassette: Cassette) -> Cassette:
    """`load_many`'s `each` for a report: the cassette itself."""
    return cassette


@dataclass(frozen=True, slots=True)
class SectionsOfBatch:
    """`load_many`'s `each_batch` for a report: each cassette's section, built where decoded.

    `positions` gives each file's place among the files listed; a section
    built here is used where that is its place in the corpus (no file before
    it failed), and built again otherwise.
    """

    positions: Mapping[str, int]
    redact: bool

    def __call__(
        self, cassettes: Sequence[tuple[str, Cassette]], tables: Mapping[str, pa.Table]
    ) -> dict[str, Section]:
        with collector_paused():
            frames = {
                name: table_to_frame(FRAMES[name], tables[name].drop_columns([KEY]))
                for name in FRAME_NAMES
            }
        split = SplitFrames(frames)
        return {
            key: build_section(
                cassette,
                self.positions[cassette.name],
                redact=self.redact,
                rows=split.part(cassette.name),
            )
            for key, cassette in cassettes
        }


def report_corpus(
    source: Any,
    *,
    errors: Literal["show", "raise"] = "show",
    progress: bool | None = None,
    cache: bool = True,
    redact: bool = True,
) -> Corpus:
    """`source` (files, a folder, a glob, a `Corpus`) loaded, with what the report reuses.

    Its `results` hold, by name, the sections built while loading (with
    `redact` as given) or the cassettes kept (see `prebuilt` and `kept`);
    `errors` as in `as_corpus`, `progress` and `cache` as in `load_many`.
    """
    if isinstance(source, Corpus):
        return as_corpus(source, errors)
    if isinstance(source, Iterable) and not isinstance(source, str | os.PathLike):
        source = list(source)  # read twice: to size it, then to load it
    files = discover(source)
    workers = workers_for(len(files))
    if workers and FORKED:
        compile_templates()  # once here: the forked workers inherit them
        hook = SectionsOfBatch({name: at for at, (_, name) in enumerate(files)}, redact)
        try:
            with ProcessPoolExecutor(max_workers=workers, mp_context=worker_context()) as pool:
                corpus = load_many(
                    source, executor=pool, progress=progress, cache=cache, each_batch=hook
                )
            return as_corpus(corpus, errors)
        except BrokenProcessPool:  # a worker died (out of memory, killed): load here instead
            pass
    small = not pooled(len(files), _bytes(files))
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


def prebuilt(corpus: Corpus, redact: bool) -> dict[str, Section]:
    """The sections of `corpus` its load built, by name, where they fit this report.

    A section fits where it was built with the same `redact` and at the
    cassette's place in the corpus.
    """
    places = {name: at for at, name in enumerate(corpus.names)}
    return {
        name: s
        for name, s in corpus.results.items()
        if isinstance(s, Section) and s.redacted == redact and s.position == places.get(name)
    }

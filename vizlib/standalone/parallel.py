"""Sections built side by side: worker processes and this one each pack some of them.

A section depends only on its one cassette and that cassette's rows of the
corpus's frames, so sections of a large corpus are built in parallel, one
process per core, this one included. On Linux the pool is forked after the
templates are compiled, so workers start at once with what the parent
loaded, including the cassettes it already decoded and their rows (nothing is
sent to a worker but a name). Elsewhere, and for a cassette the parent does
not hold, the worker reads the cassette's file.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping, Sequence
from concurrent.futures import Future, ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool
from pathlib import Path

from vizlib.cassette import Cassette, load
from vizlib.corpus import FORKED, worker_context
from vizlib.standalone.frames import CassetteRows
from vizlib.standalone.sections import Section, build_section, environment
from vizlib.views.html import environment as view_environment

# Below this many cassettes, starting workers costs more than they save; each worker
# gets at least `PER_WORKER` of them.
PARALLEL_SECTIONS = 40
PER_WORKER = 20
SECTION_TEMPLATES = (
    "section.html.j2",
    "plots.html.j2",
    "raw.html.j2",
    "transcript.html.j2",
    "assembly_panel.html.j2",
    "run_panel.html.j2",
)
VIEW_TEMPLATES = ("overview.html.j2", "card.html.j2", "turns.html.j2", "threads.html.j2")

Item = tuple[str, str, int, CassetteRows]  # path, name, position, rows

# What forked workers inherit from the parent: its decoded cassettes and each one's rows,
# by name. Set only while a pool runs (one report at a time per process).
_inherited_cassettes: dict[str, Cassette] = {}
_inherited_rows: dict[str, CassetteRows] = {}


def compile_templates() -> None:
    """Compile the templates sections use, once here: forked workers inherit them."""
    for template in SECTION_TEMPLATES:
        environment().get_template(template)
    for template in VIEW_TEMPLATES:
        view_environment().get_template(template)


def workers_for(count: int) -> int:
    """How many worker processes to build `count` sections with; 0 for this process alone."""
    cores = os.cpu_count() or 1
    return min(cores, count // PER_WORKER) if cores > 1 and count >= PARALLEL_SECTIONS else 0


def section_of_file(
    path: str, name: str, position: int, redact: bool, rows: CassetteRows | None = None
) -> Section:
    """Build one cassette's section (what a worker runs), reading its file if not inherited.

    Without `rows`, the cassette's rows (and the cassette, where the parent
    held it) are those inherited from the parent.
    """
    rows = rows or _inherited_rows.get(name)
    if rows is None:
        raise KeyError(f"no rows for {name!r}")
    cassette = held_or_loaded(_inherited_cassettes, name, path)
    return build_section(cassette, position, redact=redact, rows=rows)


def held_or_loaded(held: Mapping[str, Cassette], name: str, path: str | Path) -> Cassette:
    """The cassette `held` has under `name`, else the file at `path` loaded under that name."""
    cassette = held.get(name)
    if cassette is None:  # an empty cassette is falsy: `or` would read it again
        cassette = load(path, name=name)
    return cassette


def sections_in_pool(
    items: Sequence[Item],
    *,
    redact: bool,
    workers: int,
    progress: Callable[[str], None] | None = None,
    meanwhile: Callable[[], object] | None = None,
    cassettes: Mapping[str, Cassette] | None = None,
) -> list[Section]:
    """Each item's section, in order, built by `workers` processes; `progress` gets each name.

    This process is one of the `workers`: it starts `workers - 1` others,
    which build sections from the first on. Meanwhile it calls `meanwhile`
    (the rest of the page), then builds sections from the last on, until it
    meets what the others have taken. `cassettes` holds those already
    decoded, by name; the others are read from their files.
    """
    compile_templates()
    held = cassettes or {}
    if FORKED:  # workers find cassettes and rows in memory: they are not pickled
        _inherited_cassettes.update(held)
        _inherited_rows.update((name, rows) for _, name, _, rows in items)
    built = _Built(items, redact, held, progress)
    try:
        with ProcessPoolExecutor(
            max_workers=max(1, workers - 1), mp_context=worker_context()
        ) as pool:
            futures = [
                pool.submit(section_of_file, path, name, position, redact, None if FORKED else rows)
                for path, name, position, rows in items
            ]
            if meanwhile:
                meanwhile()
                meanwhile = None
            for index in reversed(range(len(items))):  # from the last, while no worker has it
                built.report(futures)
                if not futures[index].cancel():
                    break
                built.here(index)
            for index, future in enumerate(futures):
                if built.sections[index] is None:
                    built.sections[index] = future.result()
            built.report(futures)
    except BrokenProcessPool:  # a worker died (out of memory, killed): finish here
        if meanwhile:
            meanwhile()
        for index, section in enumerate(built.sections):
            if section is None:
                built.here(index)
        built.report([])
    finally:
        _inherited_cassettes.clear()
        _inherited_rows.clear()
    return [section for section in built.sections if section is not None]


class _Built:
    """Sections as they are built, here or by workers; `progress` is told of them in order."""

    def __init__(
        self,
        items: Sequence[Item],
        redact: bool,
        held: Mapping[str, Cassette],
        progress: Callable[[str], None] | None,
    ) -> None:
        self.items = items
        self.redact = redact
        self.held = held
        self.progress = progress
        self.sections: list[Section | None] = [None] * len(items)
        self.reported = 0

    def here(self, index: int) -> None:
        """Build one section in this process."""
        path, name, position, rows = self.items[index]
        cassette = held_or_loaded(self.held, name, path)
        self.sections[index] = build_section(cassette, position, redact=self.redact, rows=rows)

    def report(self, futures: Sequence[Future[Section]]) -> None:
        """Tell `progress` of each section done, in order, up to the first not done."""
        while self.reported < len(self.items):
            index = self.reported
            if self.sections[index] is None:
                if index >= len(futures) or not futures[index].done():
                    return
                self.sections[index] = futures[index].result()
            if self.progress:
                self.progress(self.items[index][1])
            self.reported += 1

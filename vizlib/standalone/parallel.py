"""Sections built in worker processes: each worker reads its cassette's file and packs its section.

A section depends only on its one cassette and that cassette's rows of the
corpus's frames, so sections of a large corpus are built side by side, one
process per core. On Linux the pool is forked after the templates are
compiled, so workers start at once with what the parent loaded.
"""

from __future__ import annotations

import multiprocessing
import os
import sys
from collections.abc import Callable, Sequence
from concurrent.futures import ProcessPoolExecutor
from concurrent.futures.process import BrokenProcessPool

from vizlib.cassette import load
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


def workers_for(count: int) -> int:
    """How many worker processes to build `count` sections with; 0 for this process alone."""
    cores = os.cpu_count() or 1
    return min(cores, count // PER_WORKER) if cores > 1 and count >= PARALLEL_SECTIONS else 0


def section_of_file(
    path: str, name: str, position: int, redact: bool, rows: CassetteRows
) -> Section:
    """Read one cassette file and build its section (what a worker runs)."""
    return build_section(load(path, name=name), position, redact=redact, rows=rows)


def sections_in_pool(
    items: Sequence[Item],
    *,
    redact: bool,
    workers: int,
    progress: Callable[[str], None] | None = None,
    meanwhile: Callable[[], object] | None = None,
) -> list[Section]:
    """Each item's section, in order, built by `workers` processes; `progress` gets each name.

    `meanwhile` is called once every section is handed out, so this process
    works on the rest of the page while the workers build them.
    """
    for template in SECTION_TEMPLATES:  # compiled once here, inherited by forked workers
        environment().get_template(template)
    for template in VIEW_TEMPLATES:
        view_environment().get_template(template)
    # fork on Linux: workers start at once with what this process loaded (macOS forbids it
    # once system frameworks run threads; elsewhere the platform's default starts them)
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    out: list[Section] = []
    try:
        with ProcessPoolExecutor(max_workers=workers, mp_context=context) as pool:
            futures = [
                pool.submit(section_of_file, path, name, position, redact, rows)
                for path, name, position, rows in items
            ]
            if meanwhile:
                meanwhile()
                meanwhile = None
            for future, (_, name, _, _) in zip(futures, items, strict=True):
                out.append(future.result())
                if progress:
                    progress(name)
    except BrokenProcessPool:  # a worker died (out of memory, killed): finish here
        if meanwhile:
            meanwhile()
        for path, name, position, rows in items[len(out) :]:
            out.append(section_of_file(path, name, position, redact, rows))
            if progress:
                progress(name)
    return out

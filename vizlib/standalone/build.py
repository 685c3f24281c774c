"""The report's page: an index at once, each cassette's section compressed until opened.

Cassette text reaches the page only as template-escaped HTML (inside a
section's compressed payload, or in the index) or as JSON that the page's own
script writes with `textContent`. A Content-Security-Policy forbids every
request the page could make, and code built from strings.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from datetime import UTC, datetime
from functools import cache
from importlib import resources
from typing import Any

import orjson
import pandas as pd

import vizlib
from vizlib._plotlyjs import plotly_js, plotly_js_version
from vizlib.analysis.dashboard import dashboard, failures_of
from vizlib.analysis.diff import CassetteDiff
from vizlib.cassette import Cassette
from vizlib.corpus import Corpus
from vizlib.redact import redact_url, shown_name
from vizlib.standalone.frames import FRAME_NAMES, SplitFrames
from vizlib.standalone.parallel import held_or_loaded, sections_in_pool, workers_for
from vizlib.standalone.sections import Section, build_section, render
from vizlib.standalone.source import kept, prebuilt
from vizlib.views.corpus import dashboard_html, frames_of, shown_failures
from vizlib.views.diffview import diff_html
from vizlib.views.figures import LAYOUT_DEFAULTS, template
from vizlib.views.html import style

Progress = Callable[[str], None]


def script_json(value: Any) -> str:
    """JSON that is inert inside a `<script>` element: `<`, `>` and `&` as unicode escapes."""
    text = (
        value
        if isinstance(value, str)
        else orjson.dumps(value, option=orjson.OPT_SERIALIZE_NUMPY).decode()
    )
    return text.replace("<", "\\u003c").replace(">", "\\u003e").replace("&", "\\u0026")


@cache
def _asset(name: str) -> str:
    return (
        resources.files("vizlib.standalone")
        .joinpath(f"templates/{name}")
        .read_text(encoding="utf-8")
    )


def sections_of(
    cassettes: Iterable[Cassette],
    *,
    redact: bool = True,
    progress: Progress | None = None,
    split: SplitFrames | None = None,
) -> list[Section]:
    """Each cassette's packed section, in order; `split` holds their rows, by name.

    `progress` is called with each cassette's name once its section is built.
    """
    out = []
    for position, cassette in enumerate(cassettes):
        rows = split.part(cassette.name) if split else None
        out.append(build_section(cassette, position, redact=redact, rows=rows))
        if progress:
            progress(cassette.name)
    return out


def page_html(
    sections: Sequence[Section],
    *,
    dashboard: str = "",
    redact: bool = True,
    failures: Sequence[tuple[str, str]] = (),
    title: str | None = None,
) -> str:
    """The page around packed sections and a rendered dashboard (empty for one cassette)."""
    if title is None:
        title = sections[0].name if len(sections) == 1 else f"{len(sections)} cassettes"
    return render(
        "report.html.j2",
        title=shown_name(title, redact=redact),
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=vizlib.__version__,
        plotly_version=plotly_js_version(),
        redact=redact,
        dashboard=dashboard,
        sections=sections,
        failures=shown_failures(failures, redact=redact),
        style=style() + _asset("report.css"),
        plotly_js=plotly_js(),
        plotly_template=script_json(template()),
        layout=script_json(LAYOUT_DEFAULTS),
        report_js=_asset("report.js"),
    )


def report_html(
    cassettes: Sequence[Cassette],
    *,
    redact: bool = True,
    failures: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
    title: str | None = None,
) -> str:
    """The report of one or more cassettes as one self-contained HTML page.

    `failures` lists inputs that could not be read (name, reason); they are
    shown at the top and as rows of the index. `progress` is called once per
    cassette as it is built.
    """
    frames = frames_of(cassettes)
    frames["messages"] = pd.concat([c.messages for c in cassettes], ignore_index=True)
    names = [c.name for c in cassettes]
    split = SplitFrames(frames) if len(set(names)) == len(names) else None
    sections = sections_of(cassettes, redact=redact, progress=progress, split=split)
    index = ""
    if len(cassettes) > 1 or failures:  # one cassette's page has no index
        table = dashboard(
            frames["interactions"], frames["chunks"], frames["tool_calls"], frames["usage"], names
        )
        index = dashboard_html(table, links=True, errors=failures, redact=redact)
    return page_html(sections, dashboard=index, redact=redact, failures=failures, title=title)


def corpus_report_html(
    corpus: Corpus,
    *,
    redact: bool = True,
    failures: Sequence[tuple[str, str]] = (),
    progress: Progress | None = None,
    title: str | None = None,
) -> str:
    """The report of a `Corpus` (see `load_many`): the dashboard from its frames.

    Each cassette's section is the one its load built (see
    `vizlib.standalone.source`), else it comes from the cassette loaded in
    full with its rows of the corpus's frames: the cassette its load kept,
    else read again from its file. Many such sections are built by one worker
    process per core (see `vizlib.standalone.parallel`).

    The files the corpus could not read are listed with `failures` at the top
    and as rows of the index.
    """
    errors = [*failures, *failures_of(corpus.errors)]
    frames = {name: getattr(corpus, name) for name in FRAME_NAMES}
    index: list[str] = []

    def index_html() -> None:  # the dashboard, or nothing for one cassette read in full
        if len(corpus.names) < 2 and not errors:
            index.append("")
            return
        table = dashboard(
            frames["interactions"],
            frames["chunks"],
            frames["tool_calls"],
            frames["usage"],
            corpus.names,
        )
        index.append(dashboard_html(table, links=True, errors=errors, redact=redact))

    ready = prebuilt(corpus, redact)
    if progress:
        for name in corpus.names:
            if name in ready:
                progress(name)
    missing = [(at, name) for at, name in enumerate(corpus.names) if name not in ready]
    built = dict(
        zip(
            (name for _, name in missing),
            _sections_of_corpus(
                corpus, missing, frames, redact=redact, progress=progress, meanwhile=index_html
            ),
            strict=True,
        )
    )
    if not index:
        index_html()
    sections = [ready[name] if name in ready else built[name] for name in corpus.names]
    return page_html(sections, dashboard=index[0], redact=redact, failures=errors, title=title)


def _sections_of_corpus(
    corpus: Corpus,
    missing: Sequence[tuple[int, str]],
    frames: dict[str, pd.DataFrame],
    *,
    redact: bool,
    progress: Progress | None,
    meanwhile: Callable[[], None],
) -> list[Section]:
    """The sections of the cassettes at `missing` (position, name), in order.

    Many are built in worker processes, while this one calls `meanwhile`.
    """
    if not missing:
        return []
    split = SplitFrames(frames)
    held = kept(corpus)
    workers = workers_for(len(missing))
    if workers:
        items = [
            (str(corpus.path(name)), name, position, split.part(name)) for position, name in missing
        ]
        return sections_in_pool(
            items,
            redact=redact,
            workers=workers,
            progress=progress,
            meanwhile=meanwhile,
            cassettes=held,
        )
    out = []
    for position, name in missing:
        cassette = held_or_loaded(held, name, corpus.path(name))
        out.append(build_section(cassette, position, redact=redact, rows=split.part(name)))
        if progress:
            progress(name)
    return out


def diff_page(
    diffs: Sequence[CassetteDiff],
    old_label: str,
    new_label: str,
    *,
    failures: Sequence[tuple[str, str]] = (),
    redact: bool = True,
) -> str:
    """A standalone page of a diff: no script at all, only escaped text and styles."""
    body = diff_html(diffs, old_label, new_label, redact=redact)
    return render(
        "diff_page.html.j2",
        old_label=redact_url(old_label) if redact else old_label,
        new_label=redact_url(new_label) if redact else new_label,
        generated=datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC"),
        version=vizlib.__version__,
        redact=redact,
        failures=failures,
        style=style() + _asset("report.css"),
        body=body,
    )

"""vizlib: look inside recorded LLM API traffic."""

from __future__ import annotations

import os
from pathlib import Path
from typing import TYPE_CHECKING, Any, Literal

from vizlib.cassette import Cassette, collect, load, load_sample, named_cassettes
from vizlib.errors import CassetteError
from vizlib.limits import Limits
from vizlib.pricing import PriceTable

if TYPE_CHECKING:
    from vizlib.corpus import Corpus, load_many

__all__ = [
    "Cassette",
    "CassetteError",
    "Corpus",
    "Limits",
    "PriceTable",
    "__version__",
    "diff",
    "load",
    "load_many",
    "load_sample",
    "report",
    "show",
]
__version__ = "0.1.0"


def __getattr__(name: str) -> Any:
    """`Corpus` and `load_many` import pyarrow's Parquet and compute modules on first use."""
    if name in ("Corpus", "load_many"):
        from vizlib import corpus  # noqa: PLC0415

        return getattr(corpus, name)
    raise AttributeError(f"module 'vizlib' has no attribute {name!r}")


Errors = Literal["show", "raise"]


def report(
    x: Any, path: str | os.PathLike[str], *, redact: bool = True, errors: Errors = "show"
) -> Path:
    """Write the standalone HTML report of cassettes to `path`.

    `x` is a cassette file or a `Cassette`, or many: a folder (searched
    recursively), a glob, a list of paths, a `Corpus`, or a list of
    `Cassette`s. Folders, globs and lists of paths load through `load_many`
    (in parallel where large, from the cache where warm). With
    `errors="show"` files that cannot be read are listed at the top of the
    report and as rows of its index, and the rest are reported; with
    `errors="raise"` the first one raises `CassetteError`.

    The file embeds plotly.js and opens offline; secrets are redacted unless
    `redact=False`.
    """
    from vizlib.corpus import names_many  # noqa: PLC0415 - pyarrow loads on first use
    from vizlib.standalone import (  # noqa: PLC0415 - the report's modules load on demand
        corpus_report_html,
        report_html,
        write_report,
    )
    from vizlib.standalone.source import report_corpus  # noqa: PLC0415

    inputs = _input_paths(x)
    if names_many(x):
        corpus = report_corpus(x, errors=errors, redact=redact)
        page = corpus_report_html(corpus, redact=redact)
    else:
        page = report_html(collect(x), redact=redact)
    return write_report(page, path, inputs=inputs)


def _input_paths(x: Any) -> list[str | os.PathLike[str]]:
    """The files and folders `x` names, which a report must never be written over."""
    items = x if isinstance(x, list | tuple) else [x]
    paths: list[str | os.PathLike[str]] = []
    for item in items:
        if isinstance(item, os.PathLike) or (
            isinstance(item, str) and "\n" not in item and "\0" not in item and len(item) < 4096
        ):
            paths.append(item)
        elif isinstance(item, Cassette) and item.path is not None:
            paths.append(item.path)
    return paths


def diff(old: Any, new: Any, *, redact: bool = True) -> Any:
    """Compare two recordings: cassettes, files, or folders (paired by relative path).

    Returns a view that a notebook shows as HTML; its `cassettes` list holds
    each pair's changes and a one-line summary. Secrets are redacted unless
    `redact=False`.
    """
    from vizlib.analysis.diff import diff_many  # noqa: PLC0415 - loaded on first use
    from vizlib.views.diffview import DiffView  # noqa: PLC0415

    before, after = named_cassettes(old), named_cassettes(new)
    return DiffView(diff_many(before, after, redact=redact), _label(old), _label(new), redact)


def _label(x: Any) -> str:
    return x.name if isinstance(x, Cassette) else str(x)


def show(x: Any, *, redact: bool = True, errors: Errors = "show") -> None:
    """Display the notebook view of cassettes (the same inputs as `report`).

    Like IPython's `display` it returns nothing, so each call shows one view
    (`vizlib.views.widget.view(x)` builds the widget without showing it).
    Folders, globs and lists of paths load through `load_many` (parallel,
    cached); the view shows their dashboard and draws a cassette when it is
    picked. With `errors="show"` files that cannot be read are rows of the
    dashboard saying why; with `errors="raise"` the first one raises
    `CassetteError`. Secrets are redacted unless `redact=False`.
    """
    # Widgets and plotly load only when a view is first shown, so the CLI stays fast.
    from vizlib.views.widget import show as show_view  # noqa: PLC0415

    show_view(x, redact=redact, errors=errors)

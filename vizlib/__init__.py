"""vizlib: look inside recorded LLM API traffic."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vizlib.cassette import Cassette, collect, load, load_sample, named_cassettes
from vizlib.corpus import Corpus, load_many
from vizlib.errors import CassetteError
from vizlib.pricing import PriceTable

__all__ = [
    "Cassette",
    "CassetteError",
    "Corpus",
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


def report(x: Any, path: str | os.PathLike[str], *, redact: bool = True) -> Path:
    """Write the standalone HTML report of a cassette (a path, a `Cassette`, or several) to `path`.

    The file embeds plotly.js and opens offline; secrets are redacted unless
    `redact=False`.
    """
    from vizlib.standalone import report_html, write_report  # noqa: PLC0415 - plotly loads on demand

    return write_report(report_html(collect(x), redact=redact), path)


def diff(old: Any, new: Any) -> Any:
    """Compare two recordings: cassettes, files, or folders (paired by relative path).

    Returns a view that a notebook shows as HTML; its `cassettes` list holds
    each pair's changes and a one-line summary.
    """
    from vizlib.analysis.diff import diff_many  # noqa: PLC0415 - loaded on first use
    from vizlib.views.diffview import DiffView  # noqa: PLC0415

    before, after = named_cassettes(old), named_cassettes(new)
    return DiffView(diff_many(before, after), _label(old), _label(new))


def _label(x: Any) -> str:
    return x.name if isinstance(x, Cassette) else str(x)


def show(x: Any, *, redact: bool = True) -> None:
    """Display the notebook view of a cassette (a path, a `Cassette`, or several).

    Like IPython's `display` it returns nothing, so each call shows one view.
    Secrets are redacted unless `redact=False`.
    """
    # Widgets and plotly load only when a view is first shown, so the CLI stays fast.
    from vizlib.views.widget import show as show_view  # noqa: PLC0415

    show_view(x, redact=redact)

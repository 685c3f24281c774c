"""vizlib: look inside recorded LLM API traffic."""

from __future__ import annotations

import os
from pathlib import Path
from typing import Any

from vizlib.cassette import Cassette, collect, load, load_sample
from vizlib.corpus import Corpus, load_many
from vizlib.errors import CassetteError
from vizlib.pricing import PriceTable

__all__ = [
    "Cassette",
    "CassetteError",
    "Corpus",
    "PriceTable",
    "__version__",
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


def show(x: Any, *, redact: bool = True) -> Any:
    """Display and return the notebook view of a cassette (a path, a `Cassette`, or several).

    Secrets are redacted unless `redact=False`.
    """
    # Widgets and plotly load only when a view is first shown, so the CLI stays fast.
    from vizlib.views.widget import show as show_view  # noqa: PLC0415

    return show_view(x, redact=redact)

"""vizlib: look inside recorded LLM API traffic."""

from __future__ import annotations

from typing import Any

from vizlib.cassette import Cassette, load, load_sample
from vizlib.errors import CassetteError
from vizlib.pricing import PriceTable

__all__ = ["Cassette", "CassetteError", "PriceTable", "__version__", "load", "load_sample", "show"]
__version__ = "0.1.0"


def show(x: Any, *, redact: bool = True) -> Any:
    """Display and return the notebook view of a cassette (a path, a `Cassette`, or several).

    Secrets are redacted unless `redact=False`.
    """
    # Widgets and plotly load only when a view is first shown, so the CLI stays fast.
    from vizlib.views.widget import show as show_view  # noqa: PLC0415

    return show_view(x, redact=redact)

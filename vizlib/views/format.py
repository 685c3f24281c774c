"""Numbers as the tables show them: the CLI's, the views' and the report's, formatted alike."""

from __future__ import annotations

import math

import pandas as pd


def missing(value: object) -> bool:
    """True for None, pandas' NA and NaN."""
    return value is None or value is pd.NA or (isinstance(value, float) and math.isnan(value))


def count(value: object) -> str:
    """A whole number with thousands separators; empty where missing."""
    return "" if missing(value) else f"{int(value):,}"  # type: ignore[call-overload]


def cost(value: object, source: object) -> str:
    """A USD cost, `~` in front where it was estimated; empty where unknown."""
    if missing(value):
        return ""
    return f"{'~' if source == 'estimated' else ''}${value:.6f}"


def seconds(value: object) -> str:
    """A duration in seconds; empty where none was recorded."""
    return "" if missing(value) else f"{value:.2f}s"


def share(value: object) -> str:
    """A fraction as a whole percentage; empty where missing."""
    return "" if missing(value) else f"{value:.0%}"

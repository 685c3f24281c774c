"""Short labels for interactions and models, as selectors and tables show them."""

from __future__ import annotations

import numbers
import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from vizlib.cassette import Cassette
from vizlib.views.format import missing

_VERSION_SUFFIX = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{4,8})$")


def short_model(model: object) -> str:
    """A model name without its router prefix and date suffix: `kimi-k2`, `gpt-4o`."""
    if not isinstance(model, str) or not model:
        return "?"
    return _VERSION_SUFFIX.sub("", model.rsplit("/", 1)[-1].split("@", 1)[0])


def plural(n: int, noun: str) -> str:
    """`1 chunk`, `44 chunks`, `1,000 chunks`."""
    return f"{n:,} {noun}{'' if n == 1 else 's'}"


def failed(status: object, error: object) -> str:
    """`HTTP 429`, `error` or empty: what marks an interaction that did not succeed."""
    code = int(float(status)) if isinstance(status, numbers.Real) and not missing(status) else 0
    if code >= 400:
        return f"HTTP {code}"
    return "error" if isinstance(error, str) and error else ""


def interaction_label(cassette: Cassette, index: int) -> str:
    """The selector's label: `#0 openai-chat kimi-k2 · 40 chunks · 2 tool calls`.

    Failed interactions start with a warning sign and say why: `⚠ HTTP 429 · #3 …`.
    """
    return row_label(cassette.interactions.iloc[index])


def row_label(row: Mapping[str, Any] | pd.Series) -> str:
    """`interaction_label` of an `interactions` (or summary) row given as a mapping."""
    calls = int(row["n_tool_calls"])
    tools = f" · {plural(calls, 'tool call')}" if calls else ""
    model = short_model(row["model"])
    named = f"{row['api']}" + (f" {model}" if model != "?" else "")
    problem = failed(row.get("status"), row.get("error"))
    flag = f"⚠ {problem} · " if problem else ""
    return f"{flag}#{row['interaction']} {named} · {plural(int(row['n_chunks']), 'chunk')}{tools}"

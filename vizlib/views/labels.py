"""Short labels for interactions and models, as selectors and tables show them."""

from __future__ import annotations

import re
from collections.abc import Mapping
from typing import Any

import pandas as pd

from vizlib.cassette import Cassette

_VERSION_SUFFIX = re.compile(r"(-\d{4}-\d{2}-\d{2}|-\d{4,8})$")


def short_model(model: object) -> str:
    """A model name without its router prefix and date suffix: `kimi-k2`, `gpt-4o`."""
    if not isinstance(model, str) or not model:
        return "?"
    return _VERSION_SUFFIX.sub("", model.rsplit("/", 1)[-1].split("@", 1)[0])


def interaction_label(cassette: Cassette, index: int) -> str:
    """The selector's label: `#0 openai-chat kimi-k2 · 40 chunks · 2 tool calls`."""
    return row_label(cassette.interactions.iloc[index])


def row_label(row: Mapping[str, Any] | pd.Series) -> str:
    """`interaction_label` of an `interactions` (or summary) row given as a mapping."""
    calls = int(row["n_tool_calls"])
    tools = f" · {calls} tool call{'s' if calls != 1 else ''}" if calls else ""
    model = short_model(row["model"])
    return f"#{row['interaction']} {row['api']} {model} · {row['n_chunks']} chunks{tools}"

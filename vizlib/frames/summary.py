"""Per-interaction summary: the frames joined into one readable table."""

from __future__ import annotations

import pandas as pd


def interaction_summary(
    interactions: pd.DataFrame, usage: pd.DataFrame, tool_calls: pd.DataFrame
) -> pd.DataFrame:
    """One row per interaction: api, model, status, duration, chunks, tool calls, tokens, cost."""
    keys = ["cassette", "interaction"]
    names = (
        tool_calls.groupby(keys, observed=True)["name"].agg(_tool_names)
        if len(tool_calls)
        else pd.Series(dtype="string[pyarrow]", name="name")
    )
    table = interactions[
        [*keys, "api", "model", "stream", "status", "duration_s", "n_chunks", "n_tool_calls"]
    ].merge(
        usage[[*keys, "input_tokens", "output_tokens", "cached_tokens", "cost_usd", "cost_source"]],
        on=keys,
        how="left",
    )
    return table.merge(
        names.rename("tools").reset_index()
        if len(names)
        else pd.DataFrame(columns=[*keys, "tools"]),
        on=keys,
        how="left",
    )


def _tool_names(names: pd.Series) -> str:
    counts = names.astype(str).value_counts(sort=False)
    return ", ".join(str(name) if n == 1 else f"{name} ×{n}" for name, n in counts.items())

"""Per-interaction summary: the frames joined into one readable table."""

from __future__ import annotations

import pandas as pd

_SUMMED = (
    "input_tokens",
    "output_tokens",
    "cached_tokens",
    "cache_write_tokens",
    "reasoning_tokens",
    "total_tokens",
    "reported_input_tokens",
    "reported_output_tokens",
)


def per_interaction(usage: pd.DataFrame) -> pd.DataFrame:
    """The usage frame with one row per interaction, in order.

    A batch results file's rows (one per result) become one row with their
    sums: tokens, and cost where any result has one. Without such rows the
    frame is returned as it is.
    """
    if not len(usage) or not usage.batch.any():
        return usage
    keys = ["cassette", "interaction"]
    parts = usage[usage.batch].reset_index(names="_at")
    grouped = parts.groupby(keys, sort=False, observed=True)
    summed = grouped.first()
    for column in _SUMMED:
        summed[column] = grouped[column].sum(min_count=1).astype(usage[column].dtype)
    summed["cost_usd"] = grouped.cost_usd.sum(min_count=1)
    summed["custom_id"] = pd.NA
    summed["raw_usage"] = pd.NA
    summed = summed.reset_index().set_index("_at")[usage.columns]
    whole = pd.concat([usage[~usage.batch], summed]).sort_index(kind="stable")
    return whole.reset_index(drop=True).astype(usage.dtypes)


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
        per_interaction(usage)[
            [*keys, "input_tokens", "output_tokens", "cached_tokens", "cost_usd", "cost_source"]
        ],
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

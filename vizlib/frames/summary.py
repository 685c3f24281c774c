"""Per-interaction summary: the frames joined into one readable table."""

from __future__ import annotations

from typing import TYPE_CHECKING, Any

import pandas as pd

if TYPE_CHECKING:
    from pandas.core.groupby import SeriesGroupBy

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
        _tool_names(tool_calls.groupby(keys, observed=True)["name"])
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


def _tool_names(grouped: SeriesGroupBy[Any, Any]) -> pd.Series:
    """Each group's tool names, in order of first call, each with its count where above one.

    Missing names are left out. One pass over the rows: a pandas aggregation
    per group costs more than the whole table.
    """
    counts: list[dict[str, int]] = [{} for _ in range(grouped.ngroups)]
    names = grouped.obj.astype(str).tolist()
    for group, name in zip(grouped.ngroup().tolist(), names, strict=True):
        if group >= 0 and isinstance(name, str):  # no missing name or key is counted
            counts[group][name] = counts[group].get(name, 0) + 1
    labels = [
        ", ".join(name if n == 1 else f"{name} ×{n}" for name, n in group.items())
        for group in counts
    ]
    dtype = grouped.obj.dtype  # as a pandas aggregation keeps it: strings of strings
    return pd.Series(
        labels,
        index=grouped.size().index,
        name=grouped.obj.name,
        dtype=dtype if isinstance(dtype, pd.StringDtype) else object,
    )

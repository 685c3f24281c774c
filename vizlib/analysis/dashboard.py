"""The corpus dashboard: one row per cassette, comparing providers and models, from frames only."""

from __future__ import annotations

import pandas as pd

DASHBOARD_COLUMNS = {
    "cassette": "the cassette",
    "api": "wire formats",
    "model": "models that answered",
    "interactions": "HTTP exchanges",
    "input_tokens": "input tokens, all turns",
    "output_tokens": "output tokens, all turns",
    "cost_usd": "cost in USD, all turns (reported or estimated)",
    "cost_source": "reported, estimated (from the price table) or both",
    "chunks_per_response": "mean stream events per streamed response",
    "chars_per_chunk": "mean characters of text or reasoning per text or reasoning chunk",
    "finish_reasons": "finish reasons and their counts",
    "errors": "interactions with an HTTP error or an error in the response",
    "roundtrip_failures": "tool calls the client sent back changed",
    "schema_failures": "tool calls whose arguments do not match their declared schema",
    "problems": "all problems found: errors, unreadable events, streams that ended early, "
    "tool arguments that are not JSON, round-trip and schema failures",
    "kind": "kinds of call: chat, embeddings, images, audio, batch... (side requests too)",
}


def _distinct(
    cassettes: pd.Series, values: pd.Series, index: pd.Index, sep: str = ", "
) -> pd.Series:
    """Per cassette of `index`, its distinct non-null values, sorted, joined by `sep`."""
    pairs = (
        pd.DataFrame({"cassette": cassettes.to_numpy(), "value": values.astype("string")})
        .dropna()
        .drop_duplicates()
        .sort_values("value", kind="stable")
    )
    joined: dict[str, list[str]] = {}
    for cassette, value in zip(pairs.cassette.tolist(), pairs.value.tolist(), strict=True):
        joined.setdefault(cassette, []).append(value)
    return _like(pd.Series([sep.join(joined.get(c, ())) for c in index], index=index), values)


def _counted(cassettes: pd.Series, values: pd.Series, index: pd.Index) -> pd.Series:
    """Per cassette of `index`, each value with its count, most first (ties: first seen)."""
    frame = pd.DataFrame({"cassette": cassettes.to_numpy(), "value": values.astype("string")})
    frame = frame.dropna().reset_index(drop=True)
    counts = (
        frame.reset_index()
        .groupby(["cassette", "value"], sort=False, observed=True)
        .agg(n=("index", "size"), first=("index", "min"))
        .reset_index()
        .sort_values(["n", "first"], ascending=[False, True], kind="stable")
    )
    joined: dict[str, list[str]] = {}
    for cassette, value, n in zip(
        counts.cassette.tolist(), counts.value.tolist(), counts.n.tolist(), strict=True
    ):
        joined.setdefault(cassette, []).append(f"{value} ×{n}")
    return _like(pd.Series([", ".join(joined.get(c, ())) for c in index], index=index), values)


def _like(result: pd.Series, values: pd.Series) -> pd.Series:
    """`result` in the string dtype of `values`, as a per-group aggregate of them would be."""
    return result.astype(values.dtype) if isinstance(values.dtype, pd.StringDtype) else result


def _count(flags: pd.Series, cassettes: pd.Series) -> pd.Series:
    """Per cassette, how many of `flags` are true (NA counts as false)."""
    return flags.fillna(False).astype(bool).groupby(cassettes, observed=True).sum()


def dashboard(
    interactions: pd.DataFrame,
    chunks: pd.DataFrame,
    tool_calls: pd.DataFrame,
    usage: pd.DataFrame,
    names: list[str] | None = None,
) -> pd.DataFrame:
    """Per cassette: tokens and cost, chunking, finish reasons, errors, tool-call failures.

    `names` lists every cassette, so one without interactions still has its row.
    """
    by = interactions.groupby("cassette", sort=False, observed=True)
    sizes = by.size()
    owner = interactions.cassette
    table = pd.DataFrame(
        {
            "api": _distinct(owner, interactions.api, sizes.index),
            "kind": _distinct(owner, interactions.kind, sizes.index),
            "model": _distinct(owner, interactions.model, sizes.index),
            "interactions": sizes,
            "finish_reasons": _counted(owner, interactions.finish_reason, sizes.index),
            "errors": ((interactions.status >= 400) | interactions.error.notna())
            .groupby(interactions.cassette, sort=False, observed=True)
            .sum(),
        }
    )
    streamed = interactions[interactions.stream]
    table["chunks_per_response"] = streamed.groupby("cassette", observed=True).n_chunks.mean()
    spoken = chunks[chunks.kind.isin(["text", "reasoning"])]
    chars = spoken.assign(chars=spoken.text.str.len()).groupby("cassette", observed=True).chars
    table["chars_per_chunk"] = chars.mean()
    sums = usage.groupby("cassette", sort=False, observed=True)
    table["input_tokens"] = sums.input_tokens.sum(min_count=1)
    table["output_tokens"] = sums.output_tokens.sum(min_count=1)
    table["cost_usd"] = sums.cost_usd.sum(min_count=1)
    table["cost_source"] = _distinct(usage.cassette, usage.cost_source, sums.size().index, " and ")
    owner = tool_calls.cassette
    table["roundtrip_failures"] = _count(tool_calls.roundtrip.eq(False), owner)
    table["schema_failures"] = _count(tool_calls.schema_valid.eq(False), owner)
    cut = interactions.stream & ~interactions.complete
    table["ended_early"] = cut.groupby(interactions.cassette, sort=False, observed=True).sum()
    unreadable = chunks[chunks.kind == "error"].merge(
        interactions.loc[interactions.error.isna(), ["cassette", "interaction"]],
        on=["cassette", "interaction"],
    )
    # one problem per interaction, however many of its events could not be read
    table["unreadable"] = unreadable.groupby("cassette", observed=True).interaction.nunique()
    table["not_json"] = _count(~tool_calls.valid_json.astype(bool), owner)
    table[["roundtrip_failures", "schema_failures"]] = (
        # Float64 first: with no tool calls at all these come out boolean, which refuses 0
        table[["roundtrip_failures", "schema_failures"]].astype("Float64").fillna(0).astype("int64")
    )
    if names is not None:
        table = table.reindex(pd.Index(names, name="cassette"))
    counts = [
        "interactions",
        "errors",
        "roundtrip_failures",
        "schema_failures",
        "ended_early",
        "unreadable",
        "not_json",
    ]
    table[counts] = table[counts].fillna(0).astype("int64")
    table["problems"] = table[counts[1:]].sum(axis=1)
    table = table.reset_index(names="cassette")
    return table[list(DASHBOARD_COLUMNS)]


def failures_of(errors: pd.DataFrame) -> list[tuple[str, str]]:
    """A corpus's `errors` as (file, reason) pairs; the reason names interaction and event."""
    out = []
    for file, interaction, event, message in zip(
        errors.file.tolist(),
        errors.interaction.astype(object).where(errors.interaction.notna(), None).tolist(),
        errors.event.astype(object).where(errors.event.notna(), None).tolist(),
        errors.message.tolist(),
        strict=True,
    ):
        where = [] if interaction is None else [f"interaction {interaction}"]
        where += [] if event is None else [f"event {event}"]
        out.append((str(file), ", ".join([*where, str(message)])))
    return out

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


def _joined(values: pd.Series) -> str:
    return ", ".join(sorted({str(v) for v in values.dropna()}))


def _sources(values: pd.Series) -> str:
    return " and ".join(sorted({str(v) for v in values.dropna()}))


def _counted(values: pd.Series) -> str:
    counts = values.dropna().astype(str).value_counts()
    return ", ".join(f"{reason} ×{n}" for reason, n in counts.items())


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
    table = pd.DataFrame(
        {
            "api": by.api.agg(_joined),
            "kind": by.kind.agg(_joined),
            "model": by.model.agg(_joined),
            "interactions": by.size(),
            "finish_reasons": by.finish_reason.agg(_counted),
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
    table["cost_source"] = sums.cost_source.agg(_sources)
    calls = tool_calls.groupby("cassette", observed=True)
    table["roundtrip_failures"] = calls.roundtrip.agg(lambda s: int((s == False).sum()))  # noqa: E712
    table["schema_failures"] = calls.schema_valid.agg(lambda s: int((s == False).sum()))  # noqa: E712
    cut = interactions.stream & ~interactions.complete
    table["ended_early"] = cut.groupby(interactions.cassette, sort=False, observed=True).sum()
    unreadable = chunks[chunks.kind == "error"].merge(
        interactions.loc[interactions.error.isna(), ["cassette", "interaction"]],
        on=["cassette", "interaction"],
    )
    # one problem per interaction, however many of its events could not be read
    table["unreadable"] = unreadable.groupby("cassette", observed=True).interaction.nunique()
    table["not_json"] = calls.valid_json.agg(lambda s: int((~s).sum()))
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

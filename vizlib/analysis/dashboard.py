"""The corpus dashboard: one row per cassette, comparing providers and models, from frames only."""

from __future__ import annotations

from collections import Counter
from collections.abc import Sequence
from typing import Any

import numpy as np
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


class _Groups:
    """Rows of the frames placed by cassette: each row's cassette as a position in `keys`.

    `keys` are the cassettes with interactions, in first-seen order (as a
    groupby would list them); rows of other cassettes are left out (-1).
    Per-cassette sums are `numpy.bincount`s over these positions: one pass
    each, without pandas' per-operation cost, which dominated on small frames.
    """

    def __init__(self, interactions: pd.DataFrame) -> None:
        self.keys = pd.Index(interactions.cassette.dropna().unique(), name="cassette")

    def at(self, frame: pd.DataFrame) -> np.ndarray:
        """Each row's key, -1 for a cassette without interactions."""
        # each distinct name looked up once: far cheaper than a lookup per row of text
        codes, names = pd.factorize(frame.cassette)
        places: np.ndarray = np.append(self.keys.get_indexer(names), -1)
        return places[codes]  # a missing name's code is -1: the appended -1

    def count(self, at: np.ndarray, flags: pd.Series | None = None) -> np.ndarray:
        """Per key, how many rows (with `flags`: how many flagged; NA counts as false)."""
        if flags is not None:
            at = at[flags.fillna(False).to_numpy(bool)]
        counts: np.ndarray = np.bincount(at[at >= 0], minlength=len(self.keys))
        return counts

    def total(self, at: np.ndarray, values: pd.Series) -> tuple[np.ndarray, np.ndarray]:
        """Per key, the sum of the integers present and how many were present."""
        present = values.notna().to_numpy(bool) & (at >= 0)
        sums = np.zeros(len(self.keys), dtype="int64")
        np.add.at(sums, at[present], values.to_numpy("int64", na_value=0)[present])
        return sums, np.bincount(at[present], minlength=len(self.keys))

    def texts(self, at: np.ndarray, values: pd.Series) -> list[list[str] | None]:
        """Per key, the values present in its rows as text, in row order; None without rows."""
        out: list[list[str] | None] = [None] * len(self.keys)
        texts: list[Any] = values.astype("string").tolist()
        for where, text in zip(at.tolist(), texts, strict=True):
            if where >= 0:
                held = out[where]
                if held is None:
                    held = out[where] = []
                if text is not pd.NA:
                    held.append(text)
        return out

    def distinct(self, at: np.ndarray, values: pd.Series, sep: str = ", ") -> list[str | None]:
        """Per key, its distinct values sorted, joined by `sep` ("" for none; None without rows)."""
        return [None if t is None else sep.join(sorted(set(t))) for t in self.texts(at, values)]

    def counted(self, at: np.ndarray, values: pd.Series) -> list[str | None]:
        """Per key, each value with its count, most first, ties first seen (as `distinct`)."""
        return [
            None if t is None else ", ".join(f"{v} ×{n}" for v, n in Counter(t).most_common())
            for t in self.texts(at, values)
        ]


class _Rows:
    """The dashboard's rows (`names`) against the keys: per-key values put in row order."""

    def __init__(self, groups: _Groups, names: list[str] | None) -> None:
        self.index = groups.keys if names is None else pd.Index(names, name="cassette")
        # each row's key; rows of cassettes without interactions have none (-1)
        self.place: np.ndarray = groups.keys.get_indexer(self.index)
        self.keyed = self.place >= 0

    def values(self, per_key: Sequence[Any] | np.ndarray, missing: Any = None) -> list[Any]:
        """`per_key` in row order, `missing` for a row without a key."""
        return [per_key[at] if at >= 0 else missing for at in self.place.tolist()]

    def counts(self, per_key: np.ndarray) -> np.ndarray:
        """Per-key counts in row order, 0 for a row without a key."""
        if not len(per_key):
            return np.zeros(len(self.index), dtype="int64")
        return np.where(self.keyed, per_key[np.maximum(self.place, 0)], 0)


def dashboard(
    interactions: pd.DataFrame,
    chunks: pd.DataFrame,
    tool_calls: pd.DataFrame,
    usage: pd.DataFrame,
    names: list[str] | None = None,
) -> pd.DataFrame:
    """Per cassette: tokens and cost, chunking, finish reasons, errors, tool-call failures.

    `names` lists every cassette, so one without interactions still has its row
    (without `names`: the cassettes with interactions, in order).
    """
    groups = _Groups(interactions)
    rows = _Rows(groups, names)
    at = groups.at(interactions)
    streamed = interactions.stream.to_numpy(bool)
    response_chunks = groups.total(at[streamed], interactions.n_chunks[streamed])
    spoken = chunks.kind.isin(["text", "reasoning"]).to_numpy(bool)
    chars = groups.total(groups.at(chunks)[spoken], chunks.text[spoken].str.len())
    usage_at = groups.at(usage)
    calls_at = groups.at(tool_calls)
    problems = {
        "errors": groups.count(at, (interactions.status >= 400) | interactions.error.notna()),
        "roundtrip_failures": groups.count(calls_at, tool_calls.roundtrip.eq(False)),
        "schema_failures": groups.count(calls_at, tool_calls.schema_valid.eq(False)),
        "ended_early": groups.count(at, interactions.stream & ~interactions.complete),
        "unreadable": _unreadable(groups, interactions, chunks),
        "not_json": groups.count(calls_at, ~tool_calls.valid_json.astype(bool)),
    }
    counts = {name: rows.counts(per_key) for name, per_key in problems.items()}
    table = pd.DataFrame(
        {
            "cassette": rows.index,
            "api": pd.Series(rows.values(groups.distinct(at, interactions.api)), dtype="str"),
            "model": pd.Series(rows.values(groups.distinct(at, interactions.model)), dtype="str"),
            "interactions": rows.counts(groups.count(at)),
            "input_tokens": _sums(rows, groups.total(usage_at, usage.input_tokens)),
            "output_tokens": _sums(rows, groups.total(usage_at, usage.output_tokens)),
            "cost_usd": rows.values(_costs(groups, usage_at, usage.cost_usd), np.nan),
            "cost_source": pd.Series(
                rows.values(groups.distinct(usage_at, usage.cost_source, " and ")),
                dtype="string",
            ),
            "chunks_per_response": np.array(rows.values(_means(*response_chunks), np.nan)),
            "chars_per_chunk": pd.array(rows.values(_means(*chars), np.nan), dtype="Float64"),
            "finish_reasons": pd.Series(
                rows.values(groups.counted(at, interactions.finish_reason)), dtype="string"
            ),
            "errors": counts["errors"],
            "roundtrip_failures": counts["roundtrip_failures"],
            "schema_failures": counts["schema_failures"],
            "problems": sum(counts.values()),
            "kind": pd.Series(rows.values(groups.distinct(at, interactions.kind)), dtype="str"),
        }
    )
    return table[list(DASHBOARD_COLUMNS)]


def _means(sums: np.ndarray, counts: np.ndarray) -> list[float]:
    """Per key, the sum over the count; NaN where nothing was counted."""
    return [s / n if n else np.nan for s, n in zip(sums.tolist(), counts.tolist(), strict=True)]


def _sums(rows: _Rows, totals: tuple[np.ndarray, np.ndarray]) -> pd.arrays.IntegerArray:
    """Summed counts in row order, NA where there was nothing to sum (as `sum(min_count=1)`)."""
    sums, counts = totals
    per_key = [s if n else None for s, n in zip(sums.tolist(), counts.tolist(), strict=True)]
    return pd.array(rows.values(per_key), dtype="Int64")


def _costs(groups: _Groups, at: np.ndarray, costs: pd.Series) -> np.ndarray:
    """Per key, the costs summed (NaN where none is known), with pandas' compensated sum."""
    kept = at >= 0
    summed = (
        pd.Series(costs.to_numpy("float64", na_value=np.nan)[kept])
        .groupby(at[kept])
        .sum(min_count=1)
    )
    return summed.reindex(range(len(groups.keys))).to_numpy("float64")


def _unreadable(groups: _Groups, interactions: pd.DataFrame, chunks: pd.DataFrame) -> np.ndarray:
    """Per key, its interactions with an event that could not be read (not an error reply)."""
    readable = _pairs(interactions, interactions.error.isna().to_numpy(bool))
    pairs = _pairs(chunks, (chunks.kind == "error").to_numpy(bool))
    hit = [c for c, i in pairs if (c, i) in readable]
    at = groups.keys.get_indexer(pd.Index(hit, dtype=object))
    return np.bincount(at[at >= 0], minlength=len(groups.keys))


def _pairs(frame: pd.DataFrame, where: np.ndarray) -> set[tuple[str, int]]:
    """The (cassette, interaction) pairs of the rows `where` is true."""
    cassettes, interactions = frame.cassette[where].tolist(), frame.interaction[where].tolist()
    return set(zip(cassettes, interactions, strict=True))


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

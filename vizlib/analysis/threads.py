"""Per-thread sums of a run: tokens and cost per thread and sub-agent, and thread transcripts.

The structure itself (thread, parent, relation) is computed from the records
in `vizlib.threads` and shown in the interactions frame; this module adds it up.
"""

from __future__ import annotations

import math
from collections.abc import Mapping, Sequence
from typing import Any

import pandas as pd

from vizlib.analysis.transcript import Turn, transcript
from vizlib.cassette import Cassette
from vizlib.frames.summary import per_interaction

_SUMS = ("input_tokens", "output_tokens", "cost_usd")
COLUMNS = (
    "thread",
    "first_interaction",
    "relation",
    "parent",
    "requests",
    "side_requests",
    "models",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "parent_thread",
    "total_input_tokens",
    "total_output_tokens",
    "total_cost_usd",
)
DTYPES: dict[str, str] = {
    "thread": "int64",
    "first_interaction": "int64",
    "relation": "str",
    "parent": "Int64",
    "requests": "int64",
    "side_requests": "int64",
    "models": "string",
    "input_tokens": "Int64",
    "output_tokens": "Int64",
    "cost_usd": "float64",
    "parent_thread": "Int64",
    "total_input_tokens": "Int64",
    "total_output_tokens": "Int64",
    "total_cost_usd": "float64",
}


def _value(value: object) -> float | None:
    """A number, or None where it is missing (None, NA, NaN)."""
    if value is None or value is pd.NA:
        return None
    number = float(value)  # type: ignore[arg-type]
    return None if math.isnan(number) else number


def _sum(values: list[float | None]) -> float | None:
    """The sum of the values present; None where none is (pandas' `sum(min_count=1)`)."""
    present = [v for v in values if v is not None]
    return math.fsum(present) if present else None


def _count(value: float | None) -> int | None:
    return None if value is None else int(value)


def records(frame: pd.DataFrame) -> list[dict[str, Any]]:
    """A frame's rows as dicts, by column name."""
    rows: list[dict[str, Any]] = frame.to_dict(orient="records")  # type: ignore[assignment]
    return rows


def thread_rows(
    cassette: Cassette, usage: Sequence[Mapping[str, Any]] | None = None
) -> list[dict[str, Any]]:
    """`thread_table` as plain rows (None where a value is missing), one per thread in order.

    `usage` holds the cassette's `usage` rows as mappings where the caller has them.
    """
    rows = records(per_interaction(cassette.usage)) if usage is None else usage
    by_interaction = {int(u["interaction"]): u for u in rows}
    threads: dict[int, dict[str, Any]] = {}
    for item, link in zip(cassette.records, cassette.links, strict=True):
        u = by_interaction.get(item.index, {})
        thread = threads.setdefault(
            link.thread,
            {
                "first": item.index,
                "relation": link.relation,
                "parent": link.parent,
                "side": 0,
                "all": 0,
                "models": set(),
                **{column: [] for column in _SUMS},
            },
        )
        if item.index < thread["first"]:
            thread.update(first=item.index, relation=link.relation, parent=link.parent)
        thread["all"] += 1
        thread["side"] += link.relation == "side"
        if item.decoded.model is not None:
            thread["models"].add(str(item.decoded.model))
        for column in _SUMS:
            thread[column].append(_value(u.get(column)))
    thread_of = {
        item.index: link.thread for item, link in zip(cassette.records, cassette.links, strict=True)
    }
    out = []
    for number in sorted(threads):
        t = threads[number]
        spawned = t["relation"] in ("subagent", "branch")
        out.append(
            {
                "thread": number,
                "first_interaction": t["first"],
                "relation": str(t["relation"]),
                "parent": t["parent"],
                "requests": t["all"] - t["side"],
                "side_requests": t["side"],
                "models": ", ".join(sorted(t["models"])),
                "input_tokens": _count(_sum(t["input_tokens"])),
                "output_tokens": _count(_sum(t["output_tokens"])),
                "cost_usd": _sum(t["cost_usd"]),
                "parent_thread": thread_of.get(t["parent"]) if spawned else None,
            }
        )
    parents = {r["thread"]: r["parent_thread"] for r in out if r["parent_thread"] is not None}
    for column in _SUMS:
        totals = {r["thread"]: r[column] for r in out}
        for thread in sorted(totals, reverse=True):  # children start later: higher numbers
            parent, child = parents.get(thread), totals[thread]
            if parent is not None and child is not None:
                own = totals[parent]
                totals[parent] = child if own is None else own + child
        for r in out:
            total = totals[r["thread"]]
            r[f"total_{column}"] = total if column == "cost_usd" else _count(total)
    return out


def thread_table(cassette: Cassette) -> pd.DataFrame:
    """One row per thread: how it started, its requests, and tokens and cost, own and with children.

    A thread's children are the threads that start from one of its requests
    (sub-agents and branches); `total_*` columns add theirs, all the way down.
    Costs are NaN where no request of the thread (or its children) has a cost.
    """
    rows = thread_rows(cassette)
    columns = {}
    for column in COLUMNS:
        dtype: Any = DTYPES[column]
        missing = math.nan if dtype == "float64" else pd.NA
        values = [missing if r[column] is None else r[column] for r in rows]
        columns[column] = pd.Series(values, dtype=dtype)
    return pd.DataFrame(columns)


def thread_transcript(cassette: Cassette, thread: int, *, redact: bool = False) -> list[Turn]:
    """A thread's conversation read once: each request's new messages, then its response.

    Messages a request repeats from its parent are not shown again, so a
    thread that resends its history and one chained by `previous_response_id`
    read the same way. Side requests carry no messages.
    """
    turns: list[Turn] = []
    for item, link in zip(cassette.records, cassette.links, strict=True):
        if link.thread != thread or link.relation == "side":
            continue
        shown = transcript(cassette, item.index, redact=redact)
        repeated = 0
        if link.parent is not None and link.relation in ("continues", "retry", "branch"):
            parent = cassette.records[link.parent].decoded.messages
            before = [m for m in parent if m.source == "request"]
            now = [m for m in item.decoded.messages if m.source == "request"]
            while repeated < min(len(before), len(now)) and before[repeated] == now[repeated]:
                repeated += 1
            if link.relation == "continues" and repeated == len(before):
                # the parent's output, sent back: shown once already, as the response
                repeated += sum(1 for m in parent if m.source == "response")
        requests = [t for t in shown if t.source == "request"]
        turns += requests[min(repeated, len(requests)) :]
        turns += [t for t in shown if t.source == "response"]
    return turns

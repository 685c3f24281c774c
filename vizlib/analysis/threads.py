"""Per-thread sums of a run: tokens and cost per thread and sub-agent, and thread transcripts.

The structure itself (thread, parent, relation) is computed from the records
in `vizlib.threads` and shown in the interactions frame; this module adds it up.
"""

from __future__ import annotations

import math

import pandas as pd

from vizlib.analysis.transcript import Turn, transcript
from vizlib.cassette import Cassette
from vizlib.frames.summary import per_interaction

_SUMS = ("input_tokens", "output_tokens", "cost_usd")


def thread_table(cassette: Cassette) -> pd.DataFrame:
    """One row per thread: how it started, its requests, and tokens and cost, own and with children.

    A thread's children are the threads that start from one of its requests
    (sub-agents and branches); `total_*` columns add theirs, all the way down.
    Costs are NaN where no request of the thread (or its children) has a cost.
    """
    ia = cassette.interactions[["interaction", "thread", "parent", "relation", "model"]]
    usage = per_interaction(cassette.usage)[["interaction", *_SUMS]]
    joined = ia.merge(usage, on="interaction", how="left")
    joined["side"] = joined.relation == "side"
    grouped = joined.groupby("thread", sort=True)
    firsts = joined.loc[grouped.interaction.idxmin()].set_index("thread")
    table = pd.DataFrame(
        {
            "first_interaction": firsts.interaction,
            "relation": firsts.relation.astype(str),
            "parent": firsts.parent,
            "requests": grouped.size() - grouped.side.sum(),
            "side_requests": grouped.side.sum(),
            "models": grouped.model.agg(
                lambda s: ", ".join(sorted(set(s.dropna().astype(str))))
            ).astype("string"),
            "input_tokens": grouped.input_tokens.sum(min_count=1),
            "output_tokens": grouped.output_tokens.sum(min_count=1),
            "cost_usd": grouped.cost_usd.sum(min_count=1),
        }
    )
    thread_of = dict(zip(ia.interaction, ia.thread, strict=True))
    table["parent_thread"] = pd.array(
        [thread_of.get(p) if p is not pd.NA else None for p in table.parent], dtype="Int64"
    )
    # a thread that starts first or by a side request has no parent thread of its own
    table.loc[~table.relation.isin(["subagent", "branch"]), "parent_thread"] = pd.NA
    threads = [int(t) for t in table.index]
    parents = {
        t: int(p) for t, p in zip(threads, table.parent_thread, strict=True) if p is not pd.NA
    }
    for column in _SUMS:
        values = table[column].astype("float64").tolist()
        totals = dict(zip(threads, values, strict=True))
        for thread in sorted(totals, reverse=True):  # children start later: higher numbers
            parent, child = parents.get(thread), totals[thread]
            if parent is not None and not math.isnan(child):
                own = totals[parent]
                totals[parent] = child if math.isnan(own) else own + child
        total = pd.Series(totals, dtype="float64").reindex(table.index)
        table[f"total_{column}"] = total if column == "cost_usd" else total.astype("Int64")
    table.index.name = "thread"
    return table.reset_index()


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

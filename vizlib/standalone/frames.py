"""Many cassettes' frames split per cassette once, for building their report sections.

A corpus's frames hold each cassette's rows together, in file order, so a
cassette's rows are one slice of each frame: taking them costs no copy and
no per-cassette grouping. The overview's summary is computed once for all.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import numpy as np
import pandas as pd

from vizlib.cassette import Cassette
from vizlib.frames.summary import interaction_summary, per_interaction
from vizlib.views.figures import ChunkArrays, UsageArrays, chunk_arrays, usage_arrays

FRAME_NAMES = ("interactions", "chunks", "messages", "tool_calls", "usage")


def _bounds(frame: pd.DataFrame) -> dict[str, tuple[int, int]] | None:
    """Each cassette's (start, stop) rows; None where a cassette's rows are not together."""
    names = frame.cassette.to_numpy(dtype=object)
    if len(names) == 0:
        return {}
    starts = np.flatnonzero(np.r_[True, names[1:] != names[:-1]])
    stops = np.r_[starts[1:], len(names)]
    runs = names[starts].tolist()
    if len(set(runs)) != len(runs):
        return None
    return {
        name: (int(a), int(b))
        for name, a, b in zip(runs, starts.tolist(), stops.tolist(), strict=True)
    }


@dataclass(frozen=True, slots=True)
class CassetteRows:
    """One cassette's rows of the frames, as its report section reads them.

    Plain values (lists of dicts, numpy arrays), so they pass cheaply to a
    worker process that builds the section.
    """

    summary: list[dict[str, Any]]
    interactions: list[dict[str, Any]]
    usage: list[dict[str, Any]]
    chunk_arrays: ChunkArrays
    usage_arrays: UsageArrays


class SplitFrames:
    """Frames of many cassettes, and each cassette's rows of them on request."""

    def __init__(self, frames: Mapping[str, pd.DataFrame]) -> None:
        # a batch results file's rows (one per result) summed: sections show interactions
        frames = {**frames, "usage": per_interaction(frames["usage"])}
        self.frames = frames
        self._bounds = {name: _bounds(frame) for name, frame in frames.items()}
        summary: list[dict[str, Any]] = interaction_summary(  # type: ignore[assignment]
            frames["interactions"], frames["usage"], frames["tool_calls"]
        ).to_dict(orient="records")
        self._chunks = chunk_arrays(frames["chunks"])
        usage, messages = frames["usage"], frames["messages"]
        requests = messages[messages.source == "request"]
        sent = requests.groupby(["cassette", "interaction"], observed=True).size()
        keys = pd.MultiIndex.from_arrays([usage.cassette, usage.interaction])
        self._usage = usage_arrays(usage)
        self._usage["messages_sent"] = sent.reindex(keys, fill_value=0).to_numpy(dtype=np.int64)
        self._summary: dict[str, list[dict[str, Any]]] = {}
        for row in summary:
            self._summary.setdefault(str(row["cassette"]), []).append(row)
        self._records: dict[str, list[dict[str, Any]]] = {}

    @classmethod
    def of(cls, cassette: Cassette) -> SplitFrames:
        """The frames of one cassette, built from it."""
        return cls({name: getattr(cassette, name) for name in FRAME_NAMES})

    def part(self, cassette: str) -> CassetteRows:
        """The cassette's rows, as its section reads them."""
        return CassetteRows(
            self.summary(cassette),
            self.records("interactions", cassette),
            self.records("usage", cassette),
            self.chunks(cassette),
            self.usage(cassette),
        )

    def rows(self, frame: str, cassette: str) -> pd.DataFrame:
        """The cassette's rows of one frame (keeping the frame's index)."""
        table = self.frames[frame]
        bounds = self._bounds[frame]
        if bounds is None:
            return table[table.cassette == cassette]
        start, stop = bounds.get(cassette, (0, 0))
        return table.iloc[start:stop]

    def chunks(self, cassette: str) -> ChunkArrays:
        """The cassette's `chunk_arrays`."""
        bounds = self._bounds["chunks"]
        if bounds is None:
            return chunk_arrays(self.rows("chunks", cassette))
        start, stop = bounds.get(cassette, (0, 0))
        return {name: values[start:stop] for name, values in self._chunks.items()}

    def usage(self, cassette: str) -> UsageArrays:
        """The cassette's `usage_arrays`, with `messages_sent`."""
        bounds = self._bounds["usage"]
        if bounds is None:
            rows = self.rows("usage", cassette)
            return usage_arrays(rows, self.rows("messages", cassette))
        start, stop = bounds.get(cassette, (0, 0))
        return {name: values[start:stop] for name, values in self._usage.items()}

    def summary(self, cassette: str) -> list[dict[str, Any]]:
        """The cassette's `interaction_summary` records."""
        return self._summary.get(cassette, [])

    def records(self, frame: str, cassette: str) -> list[dict[str, Any]]:
        """The cassette's rows of one frame as dicts, as `DataFrame.to_dict("records")` gives."""
        if frame not in self._records:
            table = self.frames[frame]
            columns = {name: table[name].tolist() for name in table.columns}
            self._records[frame] = [
                dict(zip(columns, values, strict=True))
                for values in zip(*columns.values(), strict=True)
            ]
        everything = self._records[frame]
        bounds = self._bounds[frame]
        if bounds is None:
            names = self.frames[frame].cassette.tolist()
            return [row for row, name in zip(everything, names, strict=True) if name == cassette]
        start, stop = bounds.get(cassette, (0, 0))
        return everything[start:stop]

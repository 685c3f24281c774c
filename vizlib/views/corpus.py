"""Views of many cassettes: the comparison dashboard and the turn-by-turn request table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd

from vizlib.analysis.dashboard import DASHBOARD_COLUMNS, dashboard
from vizlib.analysis.turns import RequestGrowth
from vizlib.cassette import Cassette
from vizlib.views.format import count, missing, share
from vizlib.views.html import render

TITLES = {
    "cassette": "cassette",
    "api": "api",
    "model": "model",
    "interactions": "interactions",
    "input_tokens": "input",
    "output_tokens": "output",
    "cost_usd": "cost",
    "cost_source": "cost from",
    "chunks_per_response": "chunks / response",
    "chars_per_chunk": "chars / chunk",
    "finish_reasons": "finish reasons",
    "errors": "errors",
    "roundtrip_failures": "round-trip failures",
    "schema_failures": "schema failures",
    "problems": "problems",
    "kind": "kind",
}
NUMERIC = {
    "interactions",
    "input_tokens",
    "output_tokens",
    "cost_usd",
    "chunks_per_response",
    "chars_per_chunk",
    "errors",
    "roundtrip_failures",
    "schema_failures",
    "problems",
}


def frames_of(cassettes: Sequence[Cassette]) -> dict[str, pd.DataFrame]:
    """The four frames the dashboard needs, concatenated over `cassettes`."""
    return {
        name: pd.concat([getattr(c, name) for c in cassettes], ignore_index=True)
        for name in ("interactions", "chunks", "tool_calls", "usage")
    }


def _cell(key: str, value: Any, *, estimated: bool = False) -> dict[str, Any]:
    if key not in NUMERIC:
        text = "" if missing(value) else str(value)
        return {"text": text, "sort": text}
    if missing(value):
        return {"text": "", "sort": ""}
    if key == "cost_usd":
        text = f"{'~' if estimated else ''}${value:.6f}"
    elif key in ("chunks_per_response", "chars_per_chunk"):
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    return {"text": text, "sort": repr(float(value))}


def dashboard_html(
    table: pd.DataFrame,
    *,
    links: bool = False,
    opens: bool = False,
    sorted_by: tuple[str, bool] | None = None,
    errors: Sequence[tuple[str, str]] = (),
) -> str:
    """The dashboard table; in a report its headers sort it and its names link to sections.

    With `opens` (the notebook view), each name carries its row's index label
    (the cassette's position in the folder) for opening it, and `sorted_by`
    (column, ascending) marks the sorted header. `errors` lists inputs that
    could not be read (name, reason): each gets a row saying why.
    """
    rows = []
    records = table.to_dict(orient="records")
    for position, (label, record) in enumerate(zip(table.index, records, strict=True)):
        estimated = "estimated" in str(record["cost_source"] or "")
        row: dict[str, Any] = {
            key: _cell(key, record[key], estimated=estimated) for key in DASHBOARD_COLUMNS
        }
        row["position"] = position
        row["opens"] = int(label) if opens else None
        rows.append(row)
    columns = [(key, TITLES[key], key in NUMERIC) for key in DASHBOARD_COLUMNS]
    note = "One row per cassette; costs are reported or estimated, as each usage chart says."
    if links:
        note += " Click a header to sort."
    return render(
        "dashboard.html.j2",
        rows=rows,
        columns=columns,
        links=links,
        errors=errors,
        opens=opens,
        sorted_by=sorted_by or ("", True),
        descriptions=DASHBOARD_COLUMNS,
        note=note,
    )


SEARCHED = ("cassette", "api", "model", "finish_reasons")


def filter_rows(table: pd.DataFrame, query: str) -> pd.DataFrame:
    """The dashboard rows whose name, api, model or finish reasons contain `query` (any case)."""
    query = query.strip().lower()
    if not query:
        return table
    text = table[list(SEARCHED)].astype("string").fillna("").agg(" ".join, axis=1).str.lower()
    return table[text.str.contains(query, regex=False)]


def cassettes_dashboard(cassettes: Sequence[Cassette]) -> pd.DataFrame:
    """The dashboard of loaded cassettes, in their order."""
    frames = frames_of(cassettes)
    return dashboard(
        frames["interactions"],
        frames["chunks"],
        frames["tool_calls"],
        frames["usage"],
        [c.name for c in cassettes],
    )


def turns_html(growth: Sequence[RequestGrowth]) -> str:
    """Each request against the one before, beside its cached tokens."""
    return render("turns.html.j2", growth=growth, count=count, share=share)

"""Views of many cassettes: the comparison dashboard and the turn-by-turn request table."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import pandas as pd
from markupsafe import Markup, escape

from vizlib.analysis.dashboard import DASHBOARD_COLUMNS, dashboard
from vizlib.analysis.turns import RequestGrowth
from vizlib.cassette import Cassette
from vizlib.redact import shown_name
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


def _cell(key: str, value: Any, *, estimated: bool = False) -> tuple[str, str]:
    """A dashboard value's (text, sort key)."""
    if key not in NUMERIC:
        text = "" if missing(value) else str(value)
        return text, text
    if missing(value):
        return "", ""
    if key == "cost_usd":
        text = f"{'~' if estimated else ''}${value:.6f}"
    elif key in ("chunks_per_response", "chars_per_chunk"):
        text = f"{value:,.1f}"
    else:
        text = f"{int(value):,}"
    return text, repr(float(value))


def _rows_html(table: pd.DataFrame, *, links: bool, opens: bool, redact: bool) -> Markup:
    """The table's body rows, one `<tr>` per row, built column by column.

    With `links`, each name links to its section; with `opens`, it carries
    its row's index label for opening it; with `redact`, names are masked.
    """
    estimated = ["estimated" in str(s) for s in table["cost_source"].fillna("").tolist()]
    columns = []
    for key in DASHBOARD_COLUMNS:
        values = table[key].tolist()
        if key == "cassette":
            values = [shown_name(v, redact=redact) if isinstance(v, str) else v for v in values]
        cells = [_cell(key, v, estimated=e) for v, e in zip(values, estimated, strict=True)]
        if key not in NUMERIC:  # numbers are digits, separators and signs: nothing to escape
            cells = [(text, text) for text in map(escape, (t for t, _ in cells))]
        if key == "cassette" and links:
            cells = [(f'<a href="#cassette-{at}">{t}</a>', s) for at, (t, s) in enumerate(cells)]
        elif key == "cassette" and opens:
            cells = [
                (f'<a class="vz-link" href="#" data-vz-open="{int(label)}" {_OPENS}>{t}</a>', s)
                for label, (t, s) in zip(table.index, cells, strict=True)
            ]
        numeric = "num" if key in NUMERIC else ""
        columns.append([f'<td class="{numeric}" data-value="{s}">{t}</td>\n' for t, s in cells])
    rows = ("<tr>\n" + "".join(row) + "</tr>\n" for row in zip(*columns, strict=True))
    return Markup("".join(rows))


_OPENS = 'title="open this cassette below"'


def dashboard_html(
    table: pd.DataFrame,
    *,
    links: bool = False,
    opens: bool = False,
    sorted_by: tuple[str, bool] | None = None,
    errors: Sequence[tuple[str, str]] = (),
    redact: bool = True,
) -> str:
    """The dashboard table; in a report its headers sort it and its names link to sections.

    With `opens` (the notebook view), each name carries its row's index label
    (the cassette's position in the folder) for opening it, and `sorted_by`
    (column, ascending) marks the sorted header. `errors` lists inputs that
    could not be read (name, reason): each gets a row saying why. With
    `redact`, secrets in file names are masked too.
    """
    columns = [(key, TITLES[key], key in NUMERIC) for key in DASHBOARD_COLUMNS]
    note = "One row per cassette; costs are reported or estimated, as each usage chart says."
    if links:
        note += " Click a header to sort."
    return render(
        "dashboard.html.j2",
        rows=_rows_html(table, links=links, opens=opens, redact=redact),
        n_rows=len(table),
        columns=columns,
        errors=shown_failures(errors, redact=redact),
        sorted_by=sorted_by or ("", True),
        descriptions=DASHBOARD_COLUMNS,
        note=note,
    )


def shown_failures(failures: Sequence[tuple[str, str]], *, redact: bool) -> list[tuple[str, str]]:
    """Inputs that could not be read (name, reason), with secrets in names masked if asked.

    The reasons are masked where they are made (see `CassetteError`).
    """
    return [(shown_name(name, redact=redact), reason) for name, reason in failures]


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

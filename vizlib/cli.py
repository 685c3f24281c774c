"""The `vizlib` command line: summaries and the built-in demo."""

from __future__ import annotations

import math
import sys
from pathlib import Path

import click
import pandas as pd
from rich.console import Console
from rich.table import Table

from vizlib.cassette import Cassette, load, load_sample
from vizlib.errors import CassetteError
from vizlib.frames.summary import interaction_summary
from vizlib.sample import SAMPLE_NAME, sample_cassette

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2


def _fmt_int(value: object) -> str:
    return "" if value is None or value is pd.NA or _is_nan(value) else f"{int(value):,}"  # type: ignore[call-overload]


def _is_nan(value: object) -> bool:
    return isinstance(value, float) and math.isnan(value)


def _fmt_cost(value: object, source: object) -> str:
    if value is None or _is_nan(value):
        return ""
    mark = "" if source == "reported" else "~"
    return f"{mark}${value:.6f}"


def _fmt_seconds(value: object) -> str:
    return "" if value is None or _is_nan(value) else f"{value:.2f}s"


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    return Console(stderr=stderr, width=None if stream.isatty() else 160)


def summary_table(cassette: Cassette) -> Table:
    """A rich table of a cassette's interactions."""
    frame = interaction_summary(cassette.interactions, cassette.usage, cassette.tool_calls)
    table = Table(
        title=f"{cassette.name}  ({cassette.container}, {len(cassette)} interactions)",
        title_justify="left",
    )
    for header, justify in [
        ("#", "right"),
        ("api", "left"),
        ("model", "left"),
        ("stream", "left"),
        ("status", "right"),
        ("duration", "right"),
        ("chunks", "right"),
        ("tool calls", "left"),
        ("in tok", "right"),
        ("cached", "right"),
        ("out tok", "right"),
        ("cost", "right"),
    ]:
        table.add_column(header, justify=justify, no_wrap=header != "tool calls")  # type: ignore[arg-type]
    for row in frame.itertuples(index=False):
        tools = row.tools if isinstance(row.tools, str) else ""
        table.add_row(
            str(row.interaction),
            str(row.api),
            "" if row.model is pd.NA else str(row.model),
            "yes" if row.stream else "no",
            str(row.status),
            _fmt_seconds(row.duration_s),
            str(row.n_chunks),
            tools,
            _fmt_int(row.input_tokens),
            _fmt_int(row.cached_tokens),
            _fmt_int(row.output_tokens),
            _fmt_cost(row.cost_usd, row.cost_source),
        )
    totals = cassette.usage
    table.caption = (
        f"total: {_fmt_int(totals.input_tokens.sum())} input / "
        f"{_fmt_int(totals.output_tokens.sum())} output tokens, "
        f"cost {_fmt_cost(totals.cost_usd.sum(min_count=1), 'reported')}"
        " (~ marks estimated costs)"
    )
    return table


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vizlib")
def main() -> None:
    """Look inside recorded LLM API traffic (go-vcr, VCR.py, Ruby VCR, HAR cassettes)."""


@main.command()
@click.argument("cassettes", nargs=-1, required=True, type=click.Path(path_type=Path))
def summary(cassettes: tuple[Path, ...]) -> None:
    """Print a table per cassette: interactions, model, chunks, tool calls, tokens, cost.

    Exit code 0 when every cassette was read, 1 when some could not be (each
    is named with its reason; the others are still shown), 2 for usage errors.
    """
    console, errors = _console(), _console(stderr=True)
    failed = 0
    for path in cassettes:
        try:
            console.print(summary_table(load(path)))
        except CassetteError as exc:
            failed += 1
            errors.print(f"[red]error:[/red] {exc}", highlight=False, markup=True)
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@main.command()
@click.option(
    "--write",
    "write_to",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Also save the sample cassette to this file (e.g. {SAMPLE_NAME}).",
)
def demo(write_to: Path | None) -> None:
    """Summarise the built-in sample cassette, a generated two-turn tool-calling conversation."""
    if write_to is not None:
        write_to.write_text(sample_cassette(), encoding="utf-8")
        click.echo(f"wrote {write_to}")
    _console().print(summary_table(load_sample()))

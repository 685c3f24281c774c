"""The `vizlib` command line: summaries, reports, and the built-in demo.

Exit codes: 0 when every input was read, 1 when some could not be (each is
named with its reason on stderr; the rest are still reported), 2 for usage
errors, an output that is one of the inputs, and an output that cannot be
written.

Cassette text is untrusted: whatever of it is printed goes through
`vizlib.terminal` (escape sequences removed, rich markup escaped), and pages
are written with `_write`, which refuses to overwrite an input.
"""

from __future__ import annotations

import sys
from collections.abc import Sequence
from pathlib import Path
from typing import NoReturn

import click
import pandas as pd
from rich.console import Console
from rich.progress import BarColumn, MofNCompleteColumn, Progress, TextColumn, TimeRemainingColumn
from rich.table import Table

from vizlib.cassette import Cassette, folder_files, load, load_sample, unlisted_reason
from vizlib.errors import CassetteError
from vizlib.frames.summary import interaction_summary
from vizlib.limits import read_file
from vizlib.sample import SAMPLE_NAME, sample_cassette
from vizlib.terminal import cell, markup, plain
from vizlib.views.format import cost, count, seconds

EXIT_OK, EXIT_SOME_FAILED, EXIT_USAGE = 0, 1, 2
Failure = tuple[str, str]


def _console(stderr: bool = False) -> Console:
    stream = sys.stderr if stderr else sys.stdout
    return Console(
        stderr=stderr, width=None if stream.isatty() else 160, highlight=False, emoji=False
    )


def summary_table(cassette: Cassette) -> Table:
    """A rich table of a cassette's interactions."""
    frame = interaction_summary(cassette.interactions, cassette.usage, cassette.tool_calls)
    table = Table(
        title=cell(f"{cassette.name}  ({cassette.container}, {len(cassette)} interactions)"),
        title_justify="left",
    )
    for header, justify in [
        ("#", "right"),
        ("thread", "left"),
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
    links = cassette.interactions[["thread", "parent", "relation"]].to_dict(orient="records")
    for row, link in zip(frame.to_dict(orient="records"), links, strict=True):
        table.add_row(
            str(row["interaction"]),
            f"{link['thread']} {link['relation']}"
            + ("" if pd.isna(link["parent"]) else f" #{link['parent']}"),
            cell(row["api"]),
            cell("" if pd.isna(row["model"]) else row["model"]),
            "yes" if row["stream"] else "no",
            str(row["status"]),
            seconds(row["duration_s"]),
            str(row["n_chunks"]),
            cell(row["tools"] if isinstance(row["tools"], str) else ""),
            count(row["input_tokens"]),
            count(row["cached_tokens"]),
            count(row["output_tokens"]),
            cost(row["cost_usd"], row["cost_source"]),
        )
    usage = cassette.usage
    estimated = (usage.cost_source == "estimated").any()
    table.caption = cell(
        f"total: {count(usage.input_tokens.sum())} input / "
        f"{count(usage.output_tokens.sum())} output tokens, cost "
        f"{cost(usage.cost_usd.sum(min_count=1), 'estimated' if estimated else 'reported')}"
        " (~ marks estimated costs)"
    )
    return table


def expand(
    inputs: Sequence[Path], *, unlisted: bool = True
) -> tuple[list[tuple[Path, str]], list[Failure]]:
    """Files to read, each with its name: files as given, directories searched recursively.

    A file found in a directory is named by its path relative to that directory.
    With `unlisted`, a directory's entries that are not read (a link out of it, a
    subfolder that cannot be read) are failures; `load_many` of a folder reports its own.
    """
    files: list[tuple[Path, str]] = []
    failures: list[Failure] = []
    for path in inputs:
        if path.is_dir():
            unreadable: list[OSError] = []
            found = folder_files(path, errors=unreadable)
            if unlisted:
                failures += [(e.filename or str(path), unlisted_reason(e)) for e in unreadable]
            if not found and not unreadable:
                failures.append(
                    (str(path), "directory holds no cassettes (.yaml, .yml, .json, .har, .httprr)")
                )
            files += found
        else:
            files.append((path, path.name))
    return files, failures


def load_all(
    files: Sequence[tuple[Path, str]], frames: Sequence[str] = ()
) -> tuple[list[Cassette], list[Failure]]:
    """Load every file, with a progress bar for more than one; a bad file never stops the rest.

    The `frames` named are built as each file is loaded, so that a file whose
    frames cannot be built is one failure, not the end of the run.
    """
    cassettes: list[Cassette] = []
    failures: list[Failure] = []
    columns = (
        TextColumn("{task.description}"),
        BarColumn(),
        MofNCompleteColumn(),
        TimeRemainingColumn(),
    )
    with Progress(
        *columns, console=_console(stderr=True), transient=True, disable=len(files) < 2
    ) as progress:
        task = progress.add_task("reading cassettes", total=len(files))
        for path, name in files:
            try:
                cassette = load(path, name=name)
                for frame in frames:
                    getattr(cassette, frame)
            except CassetteError as exc:
                failures.append((str(path), exc.reason))
            except Exception as exc:  # a bug met on hostile input costs this file only
                failures.append((str(path), f"cannot read: {type(exc).__name__}: {exc}"))
            else:
                cassettes.append(cassette)
            progress.advance(task)
    return cassettes, failures


def _report_failures(failures: Sequence[Failure]) -> None:
    errors = _console(stderr=True)
    for name, reason in failures:
        errors.print(f"[red]error:[/red] {markup(name)}: {markup(reason)}", markup=True)


def _read(
    inputs: Sequence[Path], frames: Sequence[str] = ()
) -> tuple[list[Cassette], list[Failure]]:
    files, failures = expand(inputs)
    cassettes, more = load_all(files, frames)
    return cassettes, failures + more


def _usage_error(message: str) -> NoReturn:
    _console(stderr=True).print(f"[red]error:[/red] {markup(message)}", markup=True)
    sys.exit(EXIT_USAGE)


def _check_output(output: Path, inputs: Sequence[str | Path]) -> None:
    """Exit 2 where `output` is, or resolves to, an input or a file found in an input folder."""
    from vizlib.standalone.save import OutputIsInput, check_output  # noqa: PLC0415

    given = [Path(p) for p in inputs]
    found = [path for path, _ in expand([p for p in given if p.is_dir()])[0]]
    try:
        check_output(output, [*given, *found])
    except OutputIsInput as exc:
        _usage_error(str(exc))


def _write(text: str, output: Path, inputs: Sequence[str | Path] = ()) -> Path:
    """Write a page atomically; an input or an unwritable output is one line and exit 2."""
    from vizlib.standalone.save import OutputIsInput, write_text  # noqa: PLC0415

    _check_output(output, inputs)
    try:
        return write_text(text, output, inputs=inputs)
    except OutputIsInput as exc:
        _usage_error(str(exc))
    except OSError as exc:
        _usage_error(f"cannot write {output}: {exc.strerror or exc}")


FRAMES_SHOWN = ("interactions", "chunks", "messages", "tool_calls", "usage")


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(package_name="vizlib")
def main() -> None:
    """Look inside recorded LLM API traffic (go-vcr, VCR.py, Ruby VCR, HAR, httprr cassettes)."""


@main.command()
@click.argument(
    "inputs", metavar="CASSETTE_OR_DIR...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
def summary(inputs: tuple[Path, ...]) -> None:
    """Print a table per cassette: interactions, model, chunks, tool calls, tokens, cost."""
    cassettes, failures = _read(inputs, ("interactions", "usage", "tool_calls"))
    console = _console()
    for cassette in cassettes:
        try:
            table = summary_table(cassette)
        except Exception as exc:  # a bug met on hostile input costs this file only
            failures.append((cassette.name, f"cannot summarise: {type(exc).__name__}: {exc}"))
            continue
        console.print(table)
    _report_failures(failures)
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


@main.command()
@click.argument(
    "inputs", metavar="CASSETTE_OR_DIR...", nargs=-1, required=True, type=click.Path(path_type=Path)
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("report.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option(
    "--no-redact",
    is_flag=True,
    help="Show secrets (auth headers, API keys) in the report: for your own eyes only.",
)
def report(inputs: tuple[Path, ...], output: Path, no_redact: bool) -> None:
    """Write one self-contained HTML report (opens offline) of cassettes and folders of them.

    Several cassettes get an index with one row per cassette. Inputs that
    cannot be read are named, with their reason, at the top of the report and
    on stderr; the rest are still reported.
    """
    from vizlib.analysis.dashboard import failures_of  # noqa: PLC0415 - loaded on demand
    from vizlib.standalone import corpus_report_html  # noqa: PLC0415
    from vizlib.standalone.source import report_corpus  # noqa: PLC0415
    from vizlib.views.corpus import shown_failures  # noqa: PLC0415

    _check_output(output, inputs)
    one_folder = len(inputs) == 1 and inputs[0].is_dir()
    files, failures = expand(inputs, unlisted=not one_folder)  # a folder's load says them
    # a progress bar only on a terminal: piped output carries no carriage returns
    shown = len(files) > 1 and sys.stderr.isatty()
    corpus = report_corpus(
        inputs[0] if one_folder else [p for p, _ in files], progress=shown, redact=not no_redact
    )
    failures += failures_of(corpus.errors)
    _report_failures(shown_failures(failures, redact=not no_redact))
    if not corpus.names:
        _console(stderr=True).print(
            "[red]error:[/red] no cassette could be read; no report written"
        )
        sys.exit(EXIT_SOME_FAILED)
    columns = (TextColumn("{task.description}"), BarColumn(), MofNCompleteColumn())
    with Progress(
        *columns, console=_console(stderr=True), transient=True, disable=len(corpus.names) < 2
    ) as progress:
        task = progress.add_task("building the report", total=len(corpus.names))
        page = corpus_report_html(
            corpus,
            redact=not no_redact,
            failures=failures[: len(failures) - len(corpus.errors)],
            progress=lambda _: progress.advance(task),
        )
    path = _write(page, output, inputs)
    n, size = len(corpus.names), path.stat().st_size / 1e6
    click.echo(plain(f"wrote {path} ({n} cassette{'s' if n != 1 else ''}, {size:.1f} MB)"))
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


@main.command()
@click.argument("inputs", metavar="OLD NEW", nargs=-1, required=True)
@click.option(
    "--git",
    "use_git",
    is_flag=True,
    help="Compare the cassettes under a path at two revisions: vizlib diff --git REV1 REV2 PATH.",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("diff.html"),
    show_default=True,
    help="The HTML file to write.",
)
@click.option("--no-redact", is_flag=True, help="Show secrets in the page: for your own eyes only.")
def diff(inputs: tuple[str, ...], use_git: bool, output: Path, no_redact: bool) -> None:
    """Compare two recordings: files, or folders paired by relative path.

    Per interaction: what changed in the request (model, parameters, messages,
    tools), in the response (text, reasoning, tool calls, finish reason) and in
    the numbers (chunks, tokens, cost, duration). A line per cassette pair says
    what kind of change it is; the page folds what did not change.
    """
    from vizlib.analysis.diff import diff_many  # noqa: PLC0415 - loaded on demand
    from vizlib.gitsource import cassettes_at  # noqa: PLC0415
    from vizlib.standalone import diff_page  # noqa: PLC0415

    if len(inputs) != (3 if use_git else 2):
        raise click.UsageError(
            "expected REV1 REV2 PATH with --git" if use_git else "expected OLD NEW"
        )
    read_paths = inputs[2:] if use_git else inputs
    _check_output(output, read_paths)
    failures: list[Failure] = []
    if use_git:
        rev_old, rev_new, path = inputs
        try:
            (before, errors_old), (after, errors_new) = (
                cassettes_at(path, rev_old),
                cassettes_at(path, rev_new),
            )
        except CassetteError as exc:
            _report_failures([(str(exc.file), exc.reason)])
            sys.exit(EXIT_SOME_FAILED)
        failures += [(str(e.file), e.reason) for e in errors_old + errors_new]
        labels = (f"{path} at {rev_old}", f"{path} at {rev_new}")
    else:
        sides = []
        for side in inputs:
            cassettes, problems = _read([Path(side)], FRAMES_SHOWN)
            failures += problems
            sides.append({c.name: c for c in cassettes})
        before, after = sides
        labels = (inputs[0], inputs[1])
    diffs = diff_many(before, after, redact=not no_redact)
    console = _console()
    for d in diffs:
        console.print(plain(f"{d.status:8s} {d.name}: {d.summary}"), markup=False)
    _report_failures(failures)
    page = diff_page(diffs, *labels, failures=failures, redact=not no_redact)
    path_written = _write(page, output, read_paths)
    click.echo(plain(f"wrote {path_written}"))
    sys.exit(EXIT_SOME_FAILED if failures else EXIT_OK)


def _rules(values: tuple[str, ...]) -> list[str]:
    return [part.strip() for value in values for part in value.split(",") if part.strip()]


@main.command()
@click.argument("inputs", metavar="PATHS...", nargs=-1, required=True)
@click.option(
    "--format",
    "output_format",
    type=click.Choice(["human", "text", "json", "github", "sarif", "junit"]),
    default="human",
    show_default=True,
    help="How findings are written.",
)
@click.option("--select", multiple=True, help="Only these rules (ids, prefixes, globs; commas).")
@click.option("--ignore", multiple=True, help="Not these rules (ids, prefixes, globs; commas).")
@click.option(
    "--fail-on",
    type=click.Choice(["error", "warning", "info", "never"]),
    help="Exit 1 when a finding this severe or worse exists (default: error).",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A pyproject.toml to read [tool.vizlib.check] from (default: the nearest one).",
)
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the findings to this file instead of standard output.",
)
@click.option("--no-cache", is_flag=True, help="Decode every file, ignoring the frame cache.")
def check(
    *,
    inputs: tuple[str, ...],
    output_format: str,
    select: tuple[str, ...],
    ignore: tuple[str, ...],
    fail_on: str | None,
    config_path: Path | None,
    output: Path | None,
    no_cache: bool,
) -> None:
    """Lint cassettes for CI: secrets, broken streams, HTTP errors, bad tool calls.

    PATHS are files, folders (searched for cassettes) or globs. Exit 0 when no
    finding reaches --fail-on, 1 when one does, 2 on usage errors. Secrets
    are never printed: only their kind, place, first 4 characters and length.
    Configure in pyproject.toml under [tool.vizlib.check].
    """
    from vizlib.check import (  # noqa: PLC0415
        ConfigError,
        expand_paths,
        load_config,
        run_check,
        with_flags,
    )
    from vizlib.check.formats import FORMATS  # noqa: PLC0415
    from vizlib.check.human import print_human  # noqa: PLC0415

    try:
        config = with_flags(load_config(config_path), _rules(select), _rules(ignore), fail_on)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    checked: list[str | Path] = []  # the inputs and the files their folders and globs hold
    if output is not None:
        checked = [*inputs, *expand_paths(inputs)]
        _check_output(output, checked)
    result = run_check(inputs, config, cache=not no_cache)
    if not result.files:
        raise click.UsageError("no cassette files (.yaml, .yml, .json, .har, .httprr) found")
    if output_format == "human" and output is None:
        print_human(_console(), result.files, result.findings)
    else:
        writer = FORMATS["text" if output_format == "human" else output_format]
        text = writer(result.files, result.findings)
        if output is None:
            click.echo(text, nl=False)
        else:
            _write(text, output, checked)
    sys.exit(EXIT_SOME_FAILED if config.fails(result.findings) else EXIT_OK)


@main.command()
@click.argument("inputs", metavar="CASSETTE...", nargs=-1, required=True)
@click.option("--in-place", is_flag=True, help="Rewrite each input with its secrets replaced.")
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write the scrubbed copy of the one input here.",
)
@click.option(
    "--config",
    "config_path",
    type=click.Path(dir_okay=False, exists=True, path_type=Path),
    help="A pyproject.toml whose [tool.vizlib.check] allowlist and patterns apply.",
)
def scrub(
    *, inputs: tuple[str, ...], in_place: bool, output: Path | None, config_path: Path | None
) -> None:
    """Replace each secret `vizlib check` finds with REDACTED, every other byte kept.

    Needs --in-place, or -o OUT for a single input; never touches a file
    otherwise. Exit 0 when every secret found was replaced, 1 when some
    could not be (inside compressed or base64 bodies) or a file could not be
    read, 2 on usage errors.
    """
    from vizlib.check import ConfigError, expand_paths, load_config  # noqa: PLC0415
    from vizlib.check.scrub import scrub_content, write_atomic  # noqa: PLC0415

    if in_place == (output is not None):
        raise click.UsageError("give either --in-place or -o OUT")
    unlisted: list[OSError] = []
    paths = expand_paths(inputs, unlisted)
    _report_failures([(str(e.filename), unlisted_reason(e)) for e in unlisted])
    if output is not None:
        if len(paths) != 1:
            raise click.UsageError("-o OUT takes exactly one input; use --in-place for several")
        if paths[0].exists() and output.resolve() == paths[0].resolve():
            raise click.UsageError("-o names the input itself; use --in-place to rewrite it")
    try:
        config = load_config(config_path)
    except ConfigError as exc:
        raise click.UsageError(str(exc)) from exc
    console = _console()
    failed = bool(unlisted)
    for path in paths:
        try:
            content = read_file(path)
        except CassetteError as exc:  # missing, a FIFO, a device, or over the size limit
            _report_failures([(str(path), exc.reason)])
            failed = True
            continue
        result = scrub_content(content, path.as_posix(), config)
        for finding in result.unscrubbable:
            console.print(
                plain(
                    f"{path}: not scrubbable ({finding.where}): {finding.rule} {finding.message}"
                ),
                markup=False,
            )
        if result.error:
            _report_failures([(str(path), result.error)])
            failed = True
            continue
        failed = failed or bool(result.unscrubbable)
        target = path if in_place else output
        assert target is not None
        if result.changed or not in_place:
            write_atomic(target, result.content)
        console.print(
            plain(
                f"{path}: {len(result.replaced)} secret(s) replaced"
                + (f", wrote {target}" if result.changed or not in_place else "")
            ),
            markup=False,
        )
    sys.exit(EXIT_SOME_FAILED if failed else EXIT_OK)


@main.command()
@click.option("--clear", is_flag=True, help="Remove every cached frame: files are decoded again.")
def cache(clear: bool) -> None:
    """Where the frame cache is, what it holds, and its size against its budget."""
    from vizlib import cache as frames_cache  # noqa: PLC0415 - pyarrow loads on demand

    root = frames_cache.cache_root()
    if clear:
        freed = frames_cache.clear(root)
        click.echo(plain(f"removed {_bytes(freed)} of cached frames from {root}"))
        return
    held = frames_cache.stores(root)
    current = frames_cache.FrameCache(root).directory
    total = sum(store.size for store in held)
    budget = _bytes(frames_cache.max_bytes())
    click.echo(plain(f"frame cache: {root} ($VIZLIB_CACHE_DIR moves it)"))
    click.echo(plain(f"{_bytes(total)} of its {budget} budget ($VIZLIB_CACHE_MAX_MB sets it)"))
    for store in held:
        this = " (this vizlib)" if store.path == current else ""
        click.echo(
            plain(
                f"  {store.path.name}{this}: {_many(store.segments, 'segment')}, "
                f"{_many(store.corpora, 'corpus entry', 'corpus entries')}, {_bytes(store.size)}"
            )
        )


def _many(number: int, one: str, several: str | None = None) -> str:
    return f"{number} {one if number == 1 else several or one + 's'}"


def _bytes(size: int) -> str:
    """A size in bytes as people read it: `512 bytes`, `3.2 MB`, `2.0 GB`."""
    if size < 1024:
        return f"{size} bytes"
    exponent = min(3, (size.bit_length() - 1) // 10)
    return f"{size / 1024**exponent:.1f} {('KB', 'MB', 'GB')[exponent - 1]}"


@main.command()
@click.option(
    "-o",
    "--output",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("vizlib-demo.html"),
    show_default=True,
    help="The HTML report to write.",
)
@click.option(
    "--save-cassette",
    type=click.Path(dir_okay=False, path_type=Path),
    help=f"Also save the sample cassette itself (e.g. {SAMPLE_NAME}).",
)
def demo(output: Path, save_cassette: Path | None) -> None:
    """Report on the built-in sample: a generated two-turn conversation with parallel tool calls."""
    from vizlib.standalone import report_html  # noqa: PLC0415 - plotly loads on demand

    if save_cassette is not None:
        _check_output(output, [save_cassette])
        _write(sample_cassette(), save_cassette)
        click.echo(plain(f"wrote {save_cassette}"))
    cassette = load_sample()
    _console().print(summary_table(cassette))
    path = _write(report_html([cassette]), output)
    click.echo(plain(f"wrote {path}: open it in a browser (it works offline)"))

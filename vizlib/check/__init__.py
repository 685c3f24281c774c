"""`vizlib check`: a cassette linter for CI and pre-commit.

`run_check(paths)` loads every cassette with `vizlib.load_many` (parallel,
cached) for the stream and tool-call findings the dashboard counts, scans
each file for secrets (`vizlib.secrets`), applies the configuration
(`[tool.vizlib.check]`, flags) and returns the findings, sorted by file and
line. `vizlib.check.formats` writes them as text, JSON, GitHub annotations,
SARIF or JUnit XML. Nothing is ever written to the inputs.
"""

from __future__ import annotations

import glob
import os
from collections.abc import Sequence
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass, replace
from pathlib import Path

from vizlib.cassette import unlisted_reason
from vizlib.check.config import CheckConfig, ConfigError, load_config, with_flags
from vizlib.check.findings import Finding, clean, fingerprint
from vizlib.check.scan import FileSecrets, scan_file
from vizlib.check.streams import frame_findings
from vizlib.secrets.rules import patterns_added

__all__ = [
    "CheckConfig",
    "CheckResult",
    "ConfigError",
    "Finding",
    "expand_paths",
    "load_config",
    "run_check",
    "with_flags",
]

PARALLEL_FILES = 500
PARALLEL_BYTES = 32 * 2**20


@dataclass(frozen=True, slots=True)
class CheckResult:
    """The files checked and the findings kept, in file and line order."""

    files: list[str]
    findings: list[Finding]


def expand_paths(
    inputs: Sequence[str | os.PathLike[str]], unlisted: list[OSError] | None = None
) -> list[Path]:
    """Files to check: files as given, folders searched for cassettes, globs expanded.

    What a folder holds but is not listed (a subfolder that cannot be read, a
    link to a file outside the folder) is added to `unlisted` where it is given.
    """
    from vizlib.cassette import cassette_files  # noqa: PLC0415 - pandas loads on demand

    out: list[Path] = []
    for item in inputs:
        text = os.fspath(item)
        path = Path(text)
        if path.is_dir():
            out += cassette_files(path, unlisted)
        elif glob.has_magic(text) and not path.exists():
            out += sorted(Path(p) for p in glob.glob(text, recursive=True) if Path(p).is_file())
        else:
            out.append(path)
    seen: set[Path] = set()
    return [p for p in out if not (p in seen or seen.add(p))]  # type: ignore[func-returns-value]


def scan_batch(
    items: Sequence[tuple[str, str]], patterns: Sequence[tuple[str, str]] = ()
) -> list[FileSecrets]:
    """The secret scan of (path, name) files, with extra patterns: runs in any worker process."""
    with patterns_added(patterns, "a pattern from [tool.vizlib.check]"):
        return [scan_file(path, name) for path, name in items]


def _scan_all(
    items: list[tuple[str, str]], patterns: Sequence[tuple[str, str]]
) -> list[FileSecrets]:
    total = sum(Path(p).stat().st_size for p, _ in items if Path(p).is_file())
    if len(items) < PARALLEL_FILES and total < PARALLEL_BYTES:
        return scan_batch(items, patterns)
    workers = os.cpu_count() or 1
    size = max(1, -(-len(items) // (workers * 4)))
    parts = [items[i : i + size] for i in range(0, len(items), size)]
    with ProcessPoolExecutor(max_workers=workers) as pool:
        done = pool.map(scan_batch, parts, [patterns] * len(parts))
        return [result for batch in done for result in batch]


def run_check(
    inputs: Sequence[str | os.PathLike[str]],
    config: CheckConfig | None = None,
    *,
    cache: bool = True,
) -> CheckResult:
    """Check cassettes: files, folders or globs; findings filtered and ranked by `config`."""
    from vizlib.corpus import discover, load_many  # noqa: PLC0415 - pandas loads on demand

    config = config or CheckConfig()
    patterns = config.patterns
    unlisted: list[OSError] = []
    paths = expand_paths(inputs, unlisted)
    shown = {p: p.as_posix() for p in paths}
    findings = [_unreadable(Path(str(e.filename)).as_posix(), unlisted_reason(e)) for e in unlisted]
    readable = [p for p in paths if p.is_file()]
    named = discover(readable)  # the names load_many gives the files
    display = {name: shown[path] for path, name in named}
    for path in paths:
        if not path.is_file():
            reason = "no such file" if not path.exists() else "not a regular file"
            findings.append(_unreadable(shown[path], reason))
    if readable:
        corpus = load_many(readable, progress=False, cache=cache)
        scanned = {r.name: r for r in _scan_all([(str(p), shown[p]) for p in readable], patterns)}
        for finding in frame_findings(corpus.interactions, corpus.chunks, corpus.tool_calls):
            file = display.get(finding.file, finding.file)
            starts = scanned[file].lines if file in scanned else ()
            index = finding.interaction
            line = starts[index] if index is not None and index < len(starts) else None
            findings.append(replace(finding, file=file, line=line))
        failed = set()
        for file, message in zip(corpus.errors.file, corpus.errors.message, strict=True):
            failed.add(display.get(file, file))
            findings.append(_unreadable(display.get(file, file), str(message)))
        for result in scanned.values():
            findings += result.findings
            if result.error and result.name not in failed:
                findings.append(_unreadable(result.name, result.error))
    kept = [
        replace(f, file=clean(f.file, 1000), message=clean(f.message, 10_000))
        for f in config.apply(findings)
    ]
    kept.sort(key=lambda f: (f.file, f.line or 0, f.interaction or 0, f.rule))
    return CheckResult([clean(shown[p], 1000) for p in paths], kept)


def _unreadable(file: str, reason: str) -> Finding:
    return Finding(
        file=file,
        rule="file/unreadable",
        severity="error",
        message=reason,
        fingerprint=fingerprint("file/unreadable", file),
    )
